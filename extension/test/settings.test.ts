// Settings: what storage may hold (nothing, version 0's flat shape, a hand-edited or damaged
// object) always reads into the current shape, and rule errors come back with their line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { checkRules, DEFAULT_SETTINGS, migrate, SETTINGS_VERSION } from '../src/shared/settings.ts';

const core = createRequire(import.meta.url)('../../crates/imago-wasm/pkg/node/imago_wasm.js') as typeof import('imago-wasm');

test('nothing stored reads as the defaults', () => {
  assert.deepEqual(migrate(undefined), DEFAULT_SETTINGS);
  assert.deepEqual(migrate(null), DEFAULT_SETTINGS);
  assert.deepEqual(migrate('settings'), DEFAULT_SETTINGS);
  assert.deepEqual(migrate([1, 2]), DEFAULT_SETTINGS);
  assert.equal(migrate(undefined).version, SETTINGS_VERSION);
});

test('version 0 (flat, no version field) migrates to version 1', () => {
  const v0 = {
    serverUrl: ' https://img.example.org/ ',
    apiKey: 'abc123',
    folder: 'shots/{host}',
    filenameTemplate: '{n:03}-{name}.{ext}',
    minWidth: 300,
    minHeight: 200,
    enabledEngines: ['tineye', 'google-lens', 42],
    autoScroll: true,
  };
  assert.deepEqual(migrate(v0), {
    version: 1,
    server: { url: 'https://img.example.org', key: 'abc123' },
    folderTemplate: 'shots/{host}',
    nameTemplate: '{n:03}-{name}.{ext}',
    filters: { minWidth: 300, minHeight: 200 },
    hdRules: '',
    siteRules: '',
    engines: [
      { id: 'tineye', enabled: true },
      { id: 'google-lens', enabled: true },
    ],
    autoScroll: true,
    // Settings from before the ad/tracker lists: they hide ads too, as a new install does.
    blockAds: true,
    toolbarButton: 'grid',
    nativeFolder: '',
  });
});

test('version 0 without a server URL has no server', () => {
  assert.equal(migrate({ serverUrl: '  ', apiKey: 'k' }).server, null);
  assert.equal(migrate({ folder: 'x' }).folderTemplate, 'x');
});

test('a version-1 object keeps its values and loses wrong types', () => {
  const s = migrate({
    version: 1,
    server: { url: 'http://127.0.0.1:8080//', key: 'k' },
    folderTemplate: 7,
    nameTemplate: '{name}.{ext}',
    filters: ['not', 'an', 'object'],
    hdRules: '[[rule]]',
    engines: [{ id: 'bing', enabled: false }, { id: 'bing', enabled: true }, { id: 3 }, null],
    autoScroll: 'yes',
    blockAds: 'no',
    toolbarButton: 'menu',
  });
  assert.deepEqual(s.server, { url: 'http://127.0.0.1:8080', key: 'k' });
  assert.equal(s.folderTemplate, DEFAULT_SETTINGS.folderTemplate);
  assert.deepEqual(s.filters, {});
  assert.equal(s.hdRules, '[[rule]]');
  assert.deepEqual(s.engines, [{ id: 'bing', enabled: false }], 'first row of an id wins, bad rows dropped');
  assert.equal(s.autoScroll, false);
  assert.equal(s.blockAds, true);
  assert.equal(s.toolbarButton, 'grid');
  assert.equal(migrate({ version: 1, blockAds: false }).blockAds, false);
});

test('a server without a key string is no server', () => {
  assert.equal(migrate({ version: 1, server: { url: 'http://x' } }).server, null);
});

test('migrate does not share the defaults object', () => {
  const a = migrate(undefined);
  a.engines.push({ id: 'x', enabled: true });
  assert.deepEqual(migrate(undefined).engines, []);
});

test('rule errors come from the core with their line', () => {
  assert.equal(checkRules({ hdRules: '', siteRules: '' }, core.validateRules), null);
  const p = checkRules({ hdRules: '# comment\nnot = = toml\n', siteRules: '' }, core.validateRules);
  assert.equal(p?.origin, 'hd-rules');
  assert.equal(p?.line, 2);
  const q = checkRules({ hdRules: '', siteRules: '\n\n[broken\n' }, core.validateRules);
  assert.equal(q?.origin, 'site-rules');
  assert.equal(q?.line, 3);
});

test('a validator that throws is reported, not thrown', () => {
  const p = checkRules({ hdRules: 'x', siteRules: '' }, () => {
    throw new Error('core not loaded');
  });
  assert.deepEqual(p, { origin: 'rules', line: 0, message: 'core not loaded' });
});

test('onSettingsChanged: local changes of the settings key, migrated; stops when asked', async () => {
  type Listener = (changes: Record<string, { newValue?: unknown }>, area: string) => void;
  const listeners = new Set<Listener>();
  // A stand-in for chrome.storage.onChanged: the test fires the events itself.
  (globalThis as unknown as { chrome: unknown }).chrome = {
    storage: { onChanged: { addListener: (l: Listener) => listeners.add(l), removeListener: (l: Listener) => listeners.delete(l) } },
  };
  const { onSettingsChanged } = await import('../src/shared/settings.ts');
  const seen: unknown[] = [];
  const stop = onSettingsChanged((s) => seen.push(s));
  const fire = (changes: Record<string, { newValue?: unknown }>, area: string) => listeners.forEach((l) => l(changes, area));
  fire({ settings: { newValue: { serverUrl: 'http://h', apiKey: 'k' } } }, 'local');
  fire({ settings: { newValue: { version: 1 } } }, 'sync');
  fire({ other: { newValue: 1 } }, 'local');
  assert.equal(seen.length, 1);
  assert.deepEqual((seen[0] as { server: unknown }).server, { url: 'http://h', key: 'k' }, 'a v0 value arrives migrated');
  stop();
  assert.equal(listeners.size, 0);
  delete (globalThis as unknown as { chrome?: unknown }).chrome;
});
