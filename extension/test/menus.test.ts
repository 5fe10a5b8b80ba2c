// The context menu entries built from the settings (the e2e test checks Chrome has them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { menuEntries } from '../src/background/menus.ts';

const t = (key: string) => `<${key}>`;

test('without a server: no upload, no server search', () => {
  const m = menuEntries({ server: null, engines: [] }, t);
  const ids = m.map((e) => e.id);
  assert.deepEqual(ids.slice(0, 3), ['download', 'download-original', 'search']);
  assert.ok(!ids.includes('upload'));
  assert.ok(!ids.includes('search:imago-server'));
  assert.equal(m[0]?.title, '<menuDownload>');
});

test('with a server that searches: upload after the downloads, server search last in the submenu', () => {
  const plain = menuEntries({ server: { url: 'http://h', key: 'k' }, engines: [{ id: 'yandex', enabled: true }] }, t);
  assert.ok(plain.some((e) => e.id === 'upload'), 'upload needs only a server');
  assert.ok(!plain.some((e) => e.id === 'search:imago-server'), 'no search entry when the server offers none');
  const m = menuEntries(
    { server: { url: 'http://h', key: 'k', features: ['search'] }, engines: [{ id: 'yandex', enabled: true }] },
    t,
  );
  assert.deepEqual(m.slice(0, 3).map((e) => e.id), ['download', 'download-original', 'upload']);
  const sub = m.filter((e) => e.parentId === 'search').map((e) => e.id);
  assert.equal(sub[0], 'search:yandex', 'the user order');
  assert.equal(sub.at(-1), 'search:imago-server');
});

test('every engine disabled and no server: no empty search submenu', () => {
  const engines = ['google-lens', 'bing', 'yandex', 'tineye'].map((id) => ({ id, enabled: false }));
  const ids = menuEntries({ server: null, engines }, t).map((e) => e.id);
  assert.ok(!ids.includes('search'));
});

test('children follow their parent and ids are unique', () => {
  const m = menuEntries({ server: { url: 'http://h', key: 'k' }, engines: [] }, t);
  const seen = new Set<string>();
  for (const e of m) {
    assert.ok(!seen.has(e.id), e.id);
    if (e.parentId) assert.ok(seen.has(e.parentId), `${e.id} after ${e.parentId}`);
    seen.add(e.id);
  }
  // Chrome allows at most 6 top-level entries on the toolbar button's menu.
  assert.ok(m.filter((e) => e.contexts.includes('action') && !e.parentId).length <= 6);
});
