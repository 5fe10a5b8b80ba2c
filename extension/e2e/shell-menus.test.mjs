// The context menus: the image entries exist in Chrome (chrome.contextMenus.update fails
// for an id Chrome does not have), "upload" and "search on my server" appear only once a
// server is configured, and the search submenu follows the enabled engines' order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distE2e, launch } from './harness.mjs';
import { until } from './shell-harness.mjs';

/** Whether Chrome has a menu item with this id. */
const exists = (worker, id) =>
  worker.evaluate((i) => chrome.contextMenus.update(i, {}).then(() => true, () => false), id);

test('context menu entries follow the settings', async (t) => {
  const browser = await launch({ extensionDir: distE2e });
  t.after(() => browser.close());
  const { worker } = browser;

  const first = await until(() => worker.evaluate(() => globalThis.imagoMenus), 'the menus');
  const ids = first.map((m) => m.id);
  for (const id of ['download', 'download-original', 'search', 'all-tabs', 'shot-visible', 'shot-region', 'click-mode']) {
    assert.ok(ids.includes(id), `menu "${id}" is listed`);
    assert.ok(await exists(worker, id), `menu "${id}" exists in Chrome`);
  }
  assert.equal(first.find((m) => m.id === 'download').title, 'Download image');
  assert.deepEqual(first.find((m) => m.id === 'download').contexts, ['image']);
  assert.ok(!ids.includes('upload'), 'no upload entry without a server');
  assert.ok(!(await exists(worker, 'upload')));
  // The default engines, in the table's order, under "Search by image".
  const searches = first.filter((m) => m.parentId === 'search').map((m) => m.title);
  assert.deepEqual(searches, ['Google Lens', 'Bing', 'Yandex', 'TinEye']);

  // A server that offers search, and the user's engine order: TinEye first, Bing off, Taobao on.
  await worker.evaluate(async () => {
    const got = await chrome.storage.local.get('settings');
    await chrome.storage.local.set({
      settings: {
        ...(got.settings ?? { version: 1 }),
        version: 1,
        server: { url: 'http://127.0.0.1:9', key: 'k', features: ['search'] },
        engines: [
          { id: 'tineye', enabled: true },
          { id: 'bing', enabled: false },
          { id: 'taobao', enabled: true },
        ],
      },
    });
  });
  const second = await until(
    () => worker.evaluate(() => (globalThis.imagoMenus?.some((m) => m.id === 'upload') ? globalThis.imagoMenus : null)),
    'the menus with a server',
  );
  assert.ok(await exists(worker, 'upload'), 'the upload entry exists in Chrome');
  assert.ok(await exists(worker, 'search:imago-server'));
  assert.ok(!(await exists(worker, 'search:bing')), 'a disabled engine has no entry');
  const titles = second.filter((m) => m.parentId === 'search').map((m) => m.title);
  assert.deepEqual(titles, ['TinEye', 'Taobao', 'Google Lens', 'Yandex', 'On my imago server']);

  // The grid's keyboard command is declared with its default key.
  const commands = await worker.evaluate(() => chrome.commands.getAll());
  const openGrid = commands.find((c) => c.name === 'open-grid');
  assert.equal(openGrid?.shortcut, 'Alt+Shift+I');
});

test('the toolbar button opens the grid, or the popup when the user chose it', async (t) => {
  const browser = await launch({ extensionDir: distE2e });
  t.after(() => browser.close());
  const { worker } = browser;
  await until(() => worker.evaluate(() => globalThis.imagoMenus), 'the background to start');
  assert.equal(await worker.evaluate(() => chrome.action.getPopup({})), '', 'no popup: a click opens the grid');
  await worker.evaluate(() => chrome.storage.local.set({ settings: { version: 1, toolbarButton: 'popup' } }));
  const popup = await until(
    () => worker.evaluate(() => chrome.action.getPopup({})),
    'the popup to be set',
  );
  assert.equal(popup, `chrome-extension://${browser.extensionId}/popup.html`);
});
