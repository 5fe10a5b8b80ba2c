// "Suggest rules for this site": the pure part. Adding a suggested rule to the user's rule
// text appends it after a blank line (the user's text is never rewritten), refuses a name
// the text already has, and checks the whole text with the core first, as the options
// page checks a manual edit. No DOM, no chrome.*: unit-tested in node with the real core.
import type { HdRuleSuggestion, SiteRuleSuggestion } from 'imago-wasm';

/** `existing` with `toml` after it: on a line of its own, after one blank line. */
export function appendRule(existing: string, toml: string): string {
  const rule = toml.endsWith('\n') ? toml : `${toml}\n`;
  if (existing === '') return rule;
  return `${existing}${existing.endsWith('\n') ? '' : '\n'}\n${rule}`;
}

/** What the core offers to check a rule text with (passed in, so this runs in node). */
export interface RuleChecks {
  /** The names of the rules in a text; throws (with the line) when it does not load. */
  names: (text: string) => string[];
  /** Why the whole text does not load, or `null` when it does. */
  problem: (text: string) => string | null;
}

/** Adding a rule: the new text, or why not (`clash`: the text has a rule of that name;
 * `broken`: the text does not load as it is, or would not with the rule). */
export type AddOutcome = { text: string } | { clash: string } | { broken: string };

/** `rule` appended to the user's `existing` rule text, if it may be. */
export function addRule(existing: string, rule: { name: string; ruleToml: string }, check: RuleChecks): AddOutcome {
  let names: string[];
  try {
    names = check.names(existing);
  } catch (e) {
    return { broken: e instanceof Error ? e.message : String(e) };
  }
  if (names.includes(rule.name)) return { clash: rule.name };
  const text = appendRule(existing, rule.ruleToml);
  const problem = check.problem(text);
  return problem === null ? { text } : { broken: problem };
}

/** The checks for one kind of rule text, from the core's `ruleNames` and `validateRules`. */
export function ruleChecks(
  kind: 'hd' | 'site',
  core: {
    ruleNames: (kind: 'hd' | 'site', text: string) => string[];
    validateRules: (hd?: string | null, site?: string | null) => { ok: true } | { error: { line: number; message: string; origin: string } };
  },
): RuleChecks {
  return {
    names: (text) => core.ruleNames(kind, text),
    problem: (text) => {
      const v = kind === 'hd' ? core.validateRules(text, null) : core.validateRules(null, text);
      return 'error' in v ? `${v.error.origin}:${v.error.line}: ${v.error.message}` : null;
    },
  };
}

/** One line per field a site rule reads: `price  .price-current  89.50`. */
export function fieldRows(s: SiteRuleSuggestion): { field: string; selector: string; value: string }[] {
  return s.fields.map((f) => ({ field: f.field, selector: f.selector, value: f.value ?? '' }));
}

/** How many pictures the suggested gallery keeps on the page (`null`: no gallery). */
export function galleryCount(s: SiteRuleSuggestion): number | null {
  if (s.gallery.length === 0) return null;
  return s.pages[0]?.gallery?.rule ?? 0;
}

/** The examples an HD suggestion shows: at most three. */
export function hdExamples(s: HdRuleSuggestion): [string, string][] {
  return s.examples.slice(0, 3);
}
