// The options page's pure parts: list fields, filters, the rules file, the wrong line's
// range, the server URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportRules, fieldsFromFilters, filtersFromFields, importRules, lineRange, parseList, serverUrl } from '../src/options/form.ts';

test('lists split on commas, trimmed, empties dropped', () => {
  assert.deepEqual(parseList(' jpeg, png,, webp '), ['jpeg', 'png', 'webp']);
  assert.deepEqual(parseList(''), []);
});

test('filter fields to a spec and back; other spec fields are kept', () => {
  const spec = filtersFromFields({ minWidth: '300', minHeight: '', formats: 'JPEG, png', exclude: 'icon' }, { maxBytes: '2MB', minHeight: 10 });
  assert.deepEqual(spec, { maxBytes: '2MB', minWidth: 300, formats: ['jpeg', 'png'], exclude: ['icon'] });
  assert.deepEqual(fieldsFromFilters({ minWidth: 300, formats: ['jpeg', 'png'] }), { minWidth: '300', minHeight: '', formats: 'jpeg, png', exclude: '' });
});

test('a size that is not a whole number names the field', () => {
  const r = filtersFromFields({ minWidth: '12.5', minHeight: '', formats: '', exclude: '' });
  assert.ok('error' in r);
  assert.match('error' in r ? r.error : '', /minWidth: "12.5"/);
  assert.ok('error' in filtersFromFields({ minWidth: '', minHeight: '-1', formats: '', exclude: '' }));
});

test('rules export/import round trip', () => {
  const text = exportRules('[[rule]]\nname = "x"\n', '');
  assert.deepEqual(importRules(text), { hdRules: '[[rule]]\nname = "x"\n', siteRules: '' });
  assert.deepEqual(JSON.parse(text).imago, 'rules');
});

test('import: not JSON, not an object, wrong types, nothing useful', () => {
  assert.match((importRules('{') as { error: string }).error, /not JSON/);
  assert.match((importRules('[]') as { error: string }).error, /object/);
  assert.match((importRules('{"hdRules": 3}') as { error: string }).error, /hdRules must be a string/);
  assert.match((importRules('{"other": "x"}') as { error: string }).error, /no hdRules or siteRules/);
  assert.deepEqual(importRules('{"siteRules": "a"}'), { siteRules: 'a' }, 'a missing text is left alone');
});

test('the range of a line, to select it', () => {
  const text = 'one\ntwo two\nthree';
  assert.deepEqual(lineRange(text, 1), [0, 3]);
  assert.deepEqual(lineRange(text, 2), [4, 11]);
  assert.equal(text.slice(...lineRange(text, 3)), 'three');
  assert.deepEqual(lineRange(text, 9), [text.length, text.length]);
});

test('server URL: trailing slashes off, only http(s)', () => {
  assert.equal(serverUrl(' http://127.0.0.1:8080/ '), 'http://127.0.0.1:8080');
  assert.equal(serverUrl('https://img.example.org/imago//'), 'https://img.example.org/imago');
  assert.match((serverUrl('ftp://x') as { error: string }).error, /http/);
  assert.match((serverUrl('not a url') as { error: string }).error, /not a URL/);
});
