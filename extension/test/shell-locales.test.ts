// The shell's texts (locales/<lang>/{background,options,popup}.json): every language has
// every English key with the same placeholders, and every key the shell's pages and
// scripts ask for exists in English.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const surfaces = ['background', 'options', 'popup'];
type Messages = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;
const read = (lang: string, surface: string): Messages =>
  JSON.parse(fs.readFileSync(path.join(root, 'locales', lang, `${surface}.json`), 'utf8')) as Messages;

/** Every key of every locale file of `lang` (the build merges them). */
function allKeys(lang: string): Set<string> {
  const keys = new Set<string>();
  for (const f of fs.readdirSync(path.join(root, 'locales', lang))) {
    for (const k of Object.keys(JSON.parse(fs.readFileSync(path.join(root, 'locales', lang, f), 'utf8')) as object)) keys.add(k);
  }
  return keys;
}

test('zh_CN and zh_TW have every key with the same placeholders', () => {
  for (const surface of surfaces) {
    const en = read('en', surface);
    for (const lang of ['zh_CN', 'zh_TW']) {
      const other = read(lang, surface);
      assert.deepEqual(Object.keys(other).sort(), Object.keys(en).sort(), `${lang}/${surface}.json keys`);
      for (const [k, v] of Object.entries(en)) {
        const want = Object.keys(v.placeholders ?? {}).sort();
        assert.deepEqual(Object.keys(other[k]?.placeholders ?? {}).sort(), want, `${lang}/${surface}.json ${k} placeholders`);
        for (const p of want) assert.ok(other[k]?.message.toUpperCase().includes(`$${p.toUpperCase()}$`), `${lang} ${k} uses $${p}$`);
        assert.notEqual(other[k]?.message.trim(), '', `${lang} ${k} is not empty`);
      }
    }
  }
});

test('every key the shell uses exists', () => {
  const en = allKeys('en');
  const used = new Set<string>();
  for (const page of ['options.html', 'popup.html']) {
    const html = fs.readFileSync(path.join(root, 'static', page), 'utf8');
    for (const m of html.matchAll(/data-i18n(?:-title)?="([^"]+)"/g)) used.add(m[1] ?? '');
  }
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
  for (const dir of ['background', 'options', 'popup']) {
    for (const f of walk(path.join(root, 'src', dir))) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/\bt\('([A-Za-z0-9_]+)'/g)) used.add(m[1] ?? '');
    }
  }
  assert.ok(used.size > 40, `found ${used.size} keys`);
  const missing = [...used].filter((k) => !en.has(k));
  assert.deepEqual(missing, []);
});

test('the manifest names only keys that exist', () => {
  const manifest = fs.readFileSync(path.join(root, 'manifest.json'), 'utf8');
  const en = allKeys('en');
  for (const m of manifest.matchAll(/__MSG_([A-Za-z0-9_]+)__/g)) assert.ok(en.has(m[1] ?? ''), m[1]);
});
