// The grid's strings: every English key exists in Chinese with the same placeholders, and
// the grid keys live in grid.json only (a key in two files fails the build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const locales = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../locales');
type Messages = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;
const read = (lang: string, file: string): Messages => JSON.parse(fs.readFileSync(path.join(locales, lang, file), 'utf8'));

test('grid.json: zh_CN and zh_TW have every key, with the same placeholders used', () => {
  const en = read('en', 'grid.json');
  for (const lang of ['zh_CN', 'zh_TW']) {
    const other = read(lang, 'grid.json');
    assert.deepEqual(Object.keys(other).sort(), Object.keys(en).sort(), lang);
    for (const [key, m] of Object.entries(en)) {
      const used = (msg: string) => [...msg.matchAll(/\$([A-Z_]+)\$/g)].map((x) => x[1]).sort();
      assert.deepEqual(used(other[key]!.message), used(m.message), `${lang} ${key}`);
      assert.deepEqual(other[key]!.placeholders, m.placeholders, `${lang} ${key} placeholders`);
    }
  }
});

test('the grid keys are all in grid.json, none left in common.json', () => {
  for (const lang of ['en', 'zh_CN', 'zh_TW']) {
    const common = read(lang, 'common.json');
    assert.deepEqual(Object.keys(common).filter((k) => k.startsWith('grid')), [], lang);
  }
  // Every key the grid's page and code ask for exists.
  const src = path.resolve(locales, '..');
  const html = fs.readFileSync(path.join(src, 'static/grid.html'), 'utf8');
  const code = fs.readdirSync(path.join(src, 'src/grid')).map((f) => fs.readFileSync(path.join(src, 'src/grid', f), 'utf8')).join('\n');
  const asked = new Set([...html.matchAll(/data-i18n(?:-title)?="(\w+)"/g), ...code.matchAll(/\bt\('(\w+)'/g)].map((m) => m[1]!));
  const en = read('en', 'grid.json');
  for (const key of asked) assert.ok(key in en, `${key} is asked for and missing from en/grid.json`);
});
