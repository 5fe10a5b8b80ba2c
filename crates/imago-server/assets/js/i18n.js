// Every visible string goes through t(). Elements carry their key (data-i18n, and
// data-i18n-args for values) so switching language re-translates the whole page.

export const LANGS = ['en', 'zh-CN', 'zh-TW'];
const STORE = 'imago.lang';
let table = {};
let fallback = {};
let current = 'en';

async function load(lang) {
  const res = await fetch(`/assets/i18n/${lang}.json`);
  if (!res.ok) throw new Error(`i18n ${lang}: ${res.status}`);
  return res.json();
}

/** The language to start in: the saved choice, else the browser's. */
export function pick(saved = localStorage.getItem(STORE), wanted = navigator.languages || [navigator.language]) {
  if (LANGS.includes(saved)) return saved;
  for (const raw of wanted) {
    const l = String(raw || '').toLowerCase();
    if (!l.startsWith('zh')) { if (l.startsWith('en')) return 'en'; continue; }
    // Traditional script: Taiwan, Hong Kong, Macau or an explicit Hant tag.
    return /hant|-tw|-hk|-mo/.test(l) ? 'zh-TW' : 'zh-CN';
  }
  return 'en';
}

export async function use(lang, remember = false) {
  if (!LANGS.includes(lang)) lang = 'en';
  if (!Object.keys(fallback).length) fallback = await load('en');
  table = lang === 'en' ? fallback : await load(lang);
  current = lang;
  if (remember) localStorage.setItem(STORE, lang);
  document.documentElement.lang = lang;
  apply(document);
}

export function lang() { return current; }

export function t(key, args = {}) {
  const text = table[key] ?? fallback[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in args ? String(args[name]) : m));
}

/** Sets el's text to the translation of key and remembers both for later switches. */
export function say(el, key, args) {
  el.dataset.i18n = key;
  if (args) el.dataset.i18nArgs = JSON.stringify(args);
  else delete el.dataset.i18nArgs;
  el.textContent = t(key, args);
}

/** Like say(), with the singular form (`key.one`) where the language has one. */
export function sayCount(el, key, count, args = {}) {
  const one = new Intl.PluralRules(current).select(count) === 'one' && `${key}.one` in fallback;
  say(el, one ? `${key}.one` : key, { ...args, count });
}

export function apply(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    let args;
    try { args = el.dataset.i18nArgs ? JSON.parse(el.dataset.i18nArgs) : undefined; } catch { args = undefined; }
    el.textContent = t(el.dataset.i18n, args);
  }
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  const title = document.querySelector('title');
  if (title && !document.body.dataset.customTitle) title.textContent = t('app.title');
}

/** Sizes in the page's language (1.5 MB, 320 KB), in powers of 1000 as the server reads
 * `5MB` (imago-core's units) and the extension's grid shows sizes. */
export function bytes(n) {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = Number(n) || 0;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i += 1; }
  const digits = i === 0 || v >= 10 ? 0 : 1;
  return `${new Intl.NumberFormat(current, { maximumFractionDigits: digits }).format(v)} ${units[i]}`;
}

/** A size to the byte (1,048,577 B), for when rounding would hide the difference. */
export function exact(n) {
  return `${new Intl.NumberFormat(current).format(Number(n) || 0)} B`;
}
