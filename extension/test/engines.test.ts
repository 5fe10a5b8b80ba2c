// Engines: URLs built from templates encode the image's address, the order is the user's,
// new table rows follow with their default, and moving/toggling keeps every engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ENGINES,
  fillTemplate,
  moveEngine,
  orderedEngines,
  searchTarget,
  searchTargets,
  setEngineEnabled,
  type Engine,
} from '../src/shared/engines.ts';

const img = 'https://cdn.example.com/a b/photo.jpg?w=100&h=50#top';
const encoded = 'https%3A%2F%2Fcdn.example.com%2Fa%20b%2Fphoto.jpg%3Fw%3D100%26h%3D50%23top';

test('the engines the spec names build these URLs', () => {
  const open = (id: string) => searchTarget({ server: null }, id, img)?.open;
  assert.equal(open('google-lens'), `https://lens.google.com/uploadbyurl?url=${encoded}`);
  assert.equal(open('bing'), `https://www.bing.com/images/search?view=detailv2&iss=sbi&q=imgurl:${encoded}`);
  assert.equal(open('yandex'), `https://yandex.com/images/search?rpt=imageview&url=${encoded}`);
  assert.equal(open('tineye'), `https://tineye.com/search?url=${encoded}`);
});

test('the image URL cannot add parameters to the engine URL', () => {
  const u = new URL(fillTemplate('https://e.test/s?url={url}&x=1', img));
  assert.deepEqual([...u.searchParams.keys()], ['url', 'x']);
  assert.equal(u.searchParams.get('url'), img);
  assert.equal(u.hash, '');
});

test('every {url} is filled; a unicode URL is UTF-8 percent-encoded', () => {
  assert.equal(fillTemplate('{url}|{url}', 'a&b'), 'a%26b|a%26b');
  assert.equal(fillTemplate('?u={url}', 'https://例子.cn/图.png'), '?u=https%3A%2F%2F%E4%BE%8B%E5%AD%90.cn%2F%E5%9B%BE.png');
});

test('every row is complete and ids are unique', () => {
  const ids = new Set<string>();
  for (const e of ENGINES) {
    assert.ok(!ids.has(e.id), `duplicate id ${e.id}`);
    ids.add(e.id);
    if (e.kind === 'url') assert.ok(e.template?.startsWith('https://') && e.template.includes('{url}'), e.id);
    else assert.ok(e.page?.startsWith('https://'), e.id);
  }
  for (const id of ['taobao', '1688', 'aliexpress', 'alibaba', 'baidu']) {
    assert.equal(ENGINES.find((e) => e.id === id)?.kind, 'page', id);
  }
});

const table: Engine[] = [
  { id: 'a', name: 'A', kind: 'url', template: 'https://a.test/?u={url}', enabledByDefault: true },
  { id: 'b', name: 'B', kind: 'url', template: 'https://b.test/?u={url}', enabledByDefault: false },
  { id: 'c', name: 'C', kind: 'page', page: 'https://c.test/', enabledByDefault: true },
  { id: 'd', name: 'D', kind: 'url', template: 'https://d.test/{url}', enabledByDefault: true },
];

test('the user order first, then new rows in table order with their default', () => {
  const rows = orderedEngines([{ id: 'c', enabled: false }, { id: 'gone', enabled: true }, { id: 'b', enabled: true }], table);
  assert.deepEqual(
    rows.map((r) => [r.engine.id, r.enabled]),
    [['c', false], ['b', true], ['a', true], ['d', true]],
  );
});

test('search targets: enabled engines in order, page engines hand over, server last', () => {
  const states = [{ id: 'd', enabled: true }, { id: 'a', enabled: false }];
  assert.deepEqual(
    searchTargets({ server: null, engines: states }, 'http://x/1.png', table).map((t) => [t.id, t.open, t.handoff]),
    [
      ['d', 'https://d.test/http%3A%2F%2Fx%2F1.png', false],
      ['c', 'https://c.test/', true],
    ],
  );
  // A server that does not offer search (today's imago serve) adds nothing: no dead link.
  const plain = searchTargets({ server: { url: 'http://127.0.0.1:8080', key: 'k' }, engines: states }, 'http://x/1.png', table);
  assert.deepEqual(plain.map((t) => t.id), ['d', 'c']);
  const withServer = searchTargets(
    { server: { url: 'http://127.0.0.1:8080', key: 'k', features: ['search'] }, engines: states },
    'http://x/1.png',
    table,
  );
  assert.deepEqual(withServer.at(-1), {
    id: 'imago-server',
    name: 'imago',
    open: 'http://127.0.0.1:8080/search?url=http%3A%2F%2Fx%2F1.png',
    handoff: false,
  });
});

test('no server: no server target; unknown engine: none', () => {
  assert.equal(searchTarget({ server: null }, 'imago-server', 'http://x/1.png', table), null);
  assert.equal(searchTarget({ server: null }, 'nope', 'http://x/1.png', table), null);
});

test('moving and toggling keep every engine and the order', () => {
  let s = moveEngine([], 'c', -1, table);
  assert.deepEqual(s.map((r) => r.id), ['a', 'c', 'b', 'd']);
  s = moveEngine(s, 'a', -1, table);
  assert.deepEqual(s.map((r) => r.id), ['a', 'c', 'b', 'd'], 'the first cannot move up');
  s = moveEngine(s, 'd', 1, table);
  assert.deepEqual(s.map((r) => r.id), ['a', 'c', 'b', 'd'], 'the last cannot move down');
  s = setEngineEnabled(s, 'b', true, table);
  assert.deepEqual(s, [
    { id: 'a', enabled: true },
    { id: 'c', enabled: true },
    { id: 'b', enabled: true },
    { id: 'd', enabled: true },
  ]);
});
