// The options page: server, templates (previewed by the core), default filters, the
// user's rules (checked by the core, the wrong line pointed at), engines, toolbar button,
// desktop helper. Nothing is stored until "Save", and not at all while something is wrong.
import { loadCore } from '../shared/core.ts';
import { localize, t } from '../shared/i18n.ts';
import { allowNative, nativeAllowed, nativeCall } from '../shared/native.ts';
import { checkRules, loadSettings, onSettingsChanged, saveSettings, type Settings } from '../shared/settings.ts';
import { enginesList } from './engines-list.ts';
import { exportRules, fieldsFromFilters, filtersFromFields, importRules, lineRange, serverUrl } from './form.ts';

const $ = <T extends HTMLElement = HTMLInputElement>(id: string) => document.getElementById(id) as T;

function say(id: string, text: string, kind: 'ok' | 'error' | '' = ''): void {
  const el = $(id);
  el.textContent = text;
  el.className = kind;
}

/** An example image for the name preview. */
const SAMPLE = { url: 'https://example.com/photos/cat.jpg', pageUrl: 'https://example.com/gallery/', title: 'Gallery', alt: 'A cat', width: 800, height: 600 };

async function main(): Promise<void> {
  localize();
  const core = await loadCore();
  const s = await loadSettings();
  const state = { engines: s.engines };

  $('server-url').value = s.server?.url ?? '';
  $('server-key').value = s.server?.key ?? '';
  $('folder-template').value = s.folderTemplate;
  $('name-template').value = s.nameTemplate;
  const f = fieldsFromFilters(s.filters);
  $('min-width').value = f.minWidth;
  $('min-height').value = f.minHeight;
  $('formats').value = f.formats;
  $('exclude').value = f.exclude;
  $('auto-scroll').checked = s.autoScroll;
  $('block-ads').checked = s.blockAds;
  $<HTMLTextAreaElement>('hd-rules').value = s.hdRules;
  $<HTMLTextAreaElement>('site-rules').value = s.siteRules;
  for (const r of document.querySelectorAll<HTMLInputElement>('input[name=toolbar]')) r.checked = r.value === s.toolbarButton;
  $('variables').textContent = core.vocabulary().nameVariables.map((v) => `{${v}}`).join(' ');
  enginesList($('engines'), state);

  const preview = () => {
    try {
      const [name] = core.renderNames($('name-template').value, $('folder-template').value, [SAMPLE], new Date().toISOString().slice(0, 10));
      say('name-preview', name ?? '');
    } catch (e) {
      say('name-preview', e instanceof Error ? e.message : String(e), 'error');
    }
  };
  $('name-template').addEventListener('input', preview);
  $('folder-template').addEventListener('input', preview);
  preview();

  /** Checks the rules; shows and selects the wrong line. True when they load. */
  const rulesOk = (): boolean => {
    const hd = $<HTMLTextAreaElement>('hd-rules');
    const site = $<HTMLTextAreaElement>('site-rules');
    const problem = checkRules({ hdRules: hd.value, siteRules: site.value }, core.validateRules);
    const el = $('rules-error');
    if (!problem) {
      el.textContent = '';
      delete el.dataset.line;
      delete el.dataset.origin;
      return true;
    }
    el.dataset.line = String(problem.line);
    el.dataset.origin = problem.origin;
    const which = problem.origin === 'site-rules' ? t('optSiteRules') : t('optHdRules');
    el.textContent = t('optRuleError', which, String(problem.line), problem.message || t('optRuleErrorUnknown'));
    const area = problem.origin === 'site-rules' ? site : hd;
    if (problem.line > 0) {
      const [a, b] = lineRange(area.value, problem.line);
      area.focus();
      area.setSelectionRange(a, b);
    }
    return false;
  };

  $('server-test').addEventListener('click', () => void testServer());
  $('rules-export').addEventListener('click', () => {
    const blob = new Blob([exportRules($<HTMLTextAreaElement>('hd-rules').value, $<HTMLTextAreaElement>('site-rules').value)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'imago-rules.json';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  });
  $('rules-import').addEventListener('change', () => {
    const file = $('rules-import').files?.[0];
    if (!file) return;
    void file.text().then((text) => {
      const got = importRules(text);
      if ('error' in got) return say('rules-error', `${file.name}: ${got.error}`, 'error');
      if (got.hdRules !== undefined) $<HTMLTextAreaElement>('hd-rules').value = got.hdRules;
      if (got.siteRules !== undefined) $<HTMLTextAreaElement>('site-rules').value = got.siteRules;
      if (rulesOk()) say('status', t('optImported'));
    });
  });
  $('native-allow').addEventListener('click', () => {
    void allowNative().then((ok) => say('native-result', ok ? t('optNativeAllowed') : t('optNativeDenied'), ok ? 'ok' : 'error'));
  });
  $('native-test').addEventListener('click', () => {
    void (async () => {
      if (!(await nativeAllowed())) return say('native-result', t('optNativeDenied'), 'error');
      const r = await nativeCall({ type: 'ping' }, 10_000);
      if (r.type === 'pong') say('native-result', t('optNativeOk', r.version), 'ok');
      else say('native-result', r.type === 'error' ? r.message : r.type, 'error');
    })();
  });

  // Rules added from the grid ("Suggest rules for this site") while this page is open:
  // a text area still as loaded takes them, so "Save" does not drop them; one the user
  // edited is left alone, and they are told that saving would replace the change.
  onSettingsChanged((next) => {
    for (const [id, key] of [['hd-rules', 'hdRules'], ['site-rules', 'siteRules']] as const) {
      if (next[key] === s[key]) continue;
      const area = $<HTMLTextAreaElement>(id);
      if (area.value === s[key]) area.value = next[key];
      else if (area.value !== next[key]) say('status', t('optRulesChanged'), 'error');
      s[key] = next[key];
    }
  });

  $<HTMLFormElement>('form').addEventListener('submit', (e) => {
    e.preventDefault();
    void save(s, state, rulesOk);
  });
}

/** What the server offers beyond uploads (`GET /api/v2/config` `features`); none when it
 * cannot be asked now: saving never fails for that, the next save asks again. */
async function serverFeatures(url: string): Promise<string[]> {
  try {
    const res = await fetch(`${url}/api/v2/config`, { cache: 'no-store' });
    const body = (await res.json()) as { features?: unknown };
    return Array.isArray(body.features) ? body.features.filter((f): f is string => typeof f === 'string') : [];
  } catch {
    return [];
  }
}

async function testServer(): Promise<void> {
  const url = serverUrl($('server-url').value);
  if (typeof url !== 'string') return say('server-result', url.error, 'error');
  say('server-result', t('optServerTesting'));
  try {
    const res = await fetch(`${url}/healthz`, { cache: 'no-store' });
    if (res.ok) say('server-result', t('optServerOk'), 'ok');
    else say('server-result', t('optServerStatus', String(res.status)), 'error');
  } catch (e) {
    say('server-result', t('optServerUnreachable', e instanceof Error ? e.message : String(e)), 'error');
  }
}

async function save(s: Settings, state: { engines: Settings['engines'] }, rulesOk: () => boolean): Promise<void> {
  say('status', '');
  const problems: string[] = [];
  let server: Settings['server'] = null;
  if ($('server-url').value.trim() !== '') {
    const url = serverUrl($('server-url').value);
    if (typeof url === 'string') server = { url, key: $('server-key').value.trim(), features: await serverFeatures(url) };
    else problems.push(url.error);
  }
  const filters = filtersFromFields(
    { minWidth: $('min-width').value, minHeight: $('min-height').value, formats: $('formats').value, exclude: $('exclude').value },
    s.filters,
  );
  if ('error' in filters) {
    say('filters-error', filters.error, 'error');
    problems.push(filters.error);
  } else {
    const core = await loadCore();
    try {
      core.checkFilterSpec(filters);
      say('filters-error', '');
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      say('filters-error', msg, 'error');
      problems.push(msg);
    }
  }
  try {
    (await loadCore()).renderNames($('name-template').value, $('folder-template').value, [SAMPLE], '2000-01-01');
  } catch (e) {
    const msg = t('optTemplateError', e instanceof Error ? e.message : String(e));
    say('name-preview', msg, 'error');
    problems.push(msg);
  }
  if (!rulesOk()) problems.push($('rules-error').textContent ?? '');
  if (problems.length > 0 || 'error' in filters) {
    say('status', t('optNotSaved'), 'error');
    return;
  }
  const toolbar = document.querySelector<HTMLInputElement>('input[name=toolbar]:checked')?.value === 'popup' ? 'popup' : 'grid';
  const next: Settings = {
    ...s,
    server,
    folderTemplate: $('folder-template').value,
    nameTemplate: $('name-template').value,
    filters,
    autoScroll: $('auto-scroll').checked,
    blockAds: $('block-ads').checked,
    hdRules: $<HTMLTextAreaElement>('hd-rules').value,
    siteRules: $<HTMLTextAreaElement>('site-rules').value,
    engines: state.engines,
    toolbarButton: toolbar,
  };
  await saveSettings(next);
  Object.assign(s, next);
  say('status', t('optSaved'), 'ok');
}

void main().catch((e: unknown) => say('status', e instanceof Error ? e.message : String(e), 'error'));
