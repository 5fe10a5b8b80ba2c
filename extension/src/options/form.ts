// The options page's pure parts: reading the form's text into settings values and back,
// and the rules' import/export format. No DOM, no chrome.*: unit-tested in node.
import type { FilterSpec } from 'imago-wasm';

/** `"jpeg, png,,webp "` -> `["jpeg", "png", "webp"]`. */
export function parseList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** What the filter fields of the form hold. */
export interface FilterFields {
  minWidth: string;
  minHeight: string;
  formats: string;
  exclude: string;
}

/** The form's filter fields as a FilterSpec: an empty field sets nothing. A size that is
 * not a whole number >= 0 is an error naming the field (the caller shows it). */
export function filtersFromFields(f: FilterFields, base: FilterSpec = {}): FilterSpec | { error: string } {
  const out: FilterSpec = { ...base };
  delete out.minWidth;
  delete out.minHeight;
  delete out.formats;
  delete out.exclude;
  for (const key of ['minWidth', 'minHeight'] as const) {
    const text = f[key].trim();
    if (text === '') continue;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) return { error: `${key}: "${text}" is not a whole number of pixels` };
    out[key] = n;
  }
  const formats = parseList(f.formats).map((s) => s.toLowerCase());
  if (formats.length) out.formats = formats;
  const exclude = parseList(f.exclude);
  if (exclude.length) out.exclude = exclude;
  return out;
}

/** The form's fields for a FilterSpec (the fields the form does not show are kept aside). */
export function fieldsFromFilters(s: FilterSpec): FilterFields {
  return {
    minWidth: s.minWidth === undefined ? '' : String(s.minWidth),
    minHeight: s.minHeight === undefined ? '' : String(s.minHeight),
    formats: (s.formats ?? []).join(', '),
    exclude: (s.exclude ?? []).join(', '),
  };
}

/** The rules file the options page exports and imports. */
export interface RulesFile {
  imago: 'rules';
  version: 1;
  hdRules: string;
  siteRules: string;
}

export function exportRules(hdRules: string, siteRules: string): string {
  const file: RulesFile = { imago: 'rules', version: 1, hdRules, siteRules };
  return JSON.stringify(file, null, 2) + '\n';
}

/** Reads an exported rules file; a missing text is left as `undefined` (keep the current). */
export function importRules(text: string): { hdRules?: string; siteRules?: string } | { error: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { error: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { error: 'not a rules file: expected a JSON object' };
  const o = v as Record<string, unknown>;
  const out: { hdRules?: string; siteRules?: string } = {};
  for (const key of ['hdRules', 'siteRules'] as const) {
    if (o[key] === undefined) continue;
    if (typeof o[key] !== 'string') return { error: `${key} must be a string of TOML` };
    out[key] = o[key];
  }
  if (out.hdRules === undefined && out.siteRules === undefined) return { error: 'not a rules file: no hdRules or siteRules' };
  return out;
}

/** The character range of 1-based line `line` in `text`, to select it in the textarea. */
export function lineRange(text: string, line: number): [number, number] {
  const lines = text.split('\n');
  let start = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) start += (lines[i]?.length ?? 0) + 1;
  const len = lines[Math.max(0, Math.min(lines.length - 1, line - 1))]?.length ?? 0;
  return [Math.min(start, text.length), Math.min(start + len, text.length)];
}

/** `http://host:8080/` -> `http://host:8080`; anything but an http(s) URL is an error. */
export function serverUrl(text: string): string | { error: string } {
  const s = text.trim();
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return { error: `"${s}" is not a URL (example: http://127.0.0.1:8080)` };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { error: `"${s}": the server URL starts with http:// or https://` };
  return (u.origin + u.pathname).replace(/\/+$/, '');
}
