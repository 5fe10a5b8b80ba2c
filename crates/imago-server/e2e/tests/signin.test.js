// Signing in with a password on the web page: the form next to the key form, wrong
// passwords refused in the page's language, the session key used for uploads like an
// API key, and signing out ending the session on the server.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  startServer, openPage, open, madeFiles, uniqueBmp, waitForQueue, foreignRequests,
  SCREENSHOTS,
} from './support.js';

let server;
let files;
before(async () => {
  server = await startServer();
  files = madeFiles();
});
after(() => server && server.stop());

async function passwordForm(page) {
  await page.click('#signin-switch');
  await page.waitForSelector('#signin-password:not([hidden])');
  assert.equal(await page.locator('#signin').isHidden(), true);
}

async function submitPassword(page, name, password) {
  await page.fill('#signin-name', name);
  await page.fill('#signin-pass', password);
  await page.click('#signin-password button[type=submit]');
}

test('a password signs in; the session uploads and is ended by signing out', { timeout: 120000 }, async () => {
  const { context, page, requests, problems } = await openPage(server, 'en-US');
  try {
    await open(page, server, '/');
    assert.equal(await page.locator('#signin-switch').textContent(), 'Sign in with a password');
    await passwordForm(page);
    assert.equal(await page.locator('#signin-switch').textContent(), 'Sign in with an API key');
    assert.equal(await page.locator('#signin-name').getAttribute('placeholder'), 'User name');
    assert.equal(await page.locator('#signin-pass').getAttribute('type'), 'password');

    // A wrong password: the page says so, keeps no key, and clears the password field.
    await submitPassword(page, server.name, 'not the password');
    await page.waitForFunction(() => document.getElementById('signin-error').textContent === 'Wrong user name or password.');
    assert.equal(await page.evaluate(() => localStorage.getItem('imago.key')), null);
    assert.equal(await page.locator('#signin-pass').inputValue(), '');

    await submitPassword(page, server.name, server.password);
    await page.waitForSelector('#signed-in:not([hidden])');
    assert.equal(await page.locator('#who').textContent(), `Signed in as ${server.name}`);
    assert.equal(await page.locator('#signin-error').isHidden(), true);
    const session = await page.evaluate(() => localStorage.getItem('imago.key'));
    assert.equal(await page.evaluate(() => localStorage.getItem('imago.key.kind')), 'session');
    assert.ok(session && session.includes('.') && session !== server.key);
    // The password is nowhere in the page's storage.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    assert.ok(!stored.includes(server.password), stored);

    // An upload through the page goes with the session key and lands in the account.
    const bmp = uniqueBmp(files.dir, 'session.bmp');
    await page.setInputFiles('#picker', [bmp]);
    await waitForQueue(page, 1);
    const li = page.locator('#queue .item[data-name="session.bmp"]');
    assert.equal(await li.getAttribute('data-state'), 'done');
    const direct = await li.locator('.link-value').first().inputValue();
    const mine = await (await fetch(`${server.url}/api/v2/images?limit=5`, { headers: { 'X-API-Key': server.key } })).json();
    assert.ok(mine.images.some((i) => i.url === direct), JSON.stringify(mine));
    await page.screenshot({ path: join(SCREENSHOTS, 'signin-password-en.png'), fullPage: true });

    // Signing out ends the session on the server, not only in the page.
    await page.click('#signout');
    await page.waitForSelector('#signin-box:not([hidden])');
    assert.equal(await page.evaluate(() => localStorage.getItem('imago.key')), null);
    const after = await fetch(`${server.url}/api/v2/account/usage`, { headers: { 'X-API-Key': session } });
    assert.equal(after.status, 403);
    // The API key still works: signing out of a session does not touch it.
    const still = await fetch(`${server.url}/api/v2/account/usage`, { headers: { 'X-API-Key': server.key } });
    assert.equal(still.status, 200);

    assert.deepEqual(foreignRequests(requests), []);
    assert.deepEqual(problems.filter((p) => !/status of 401/.test(p)), []);
  } finally {
    await context.close();
  }
});

test('the password form speaks Simplified and Traditional Chinese', { timeout: 90000 }, async () => {
  for (const [locale, words] of [
    ['zh-CN', { open: '使用密码登录', back: '使用 API 密钥登录', name: '用户名', wrong: '用户名或密码错误。', as: '已登录：' }],
    ['zh-TW', { open: '使用密碼登入', back: '使用 API 金鑰登入', name: '使用者名稱', wrong: '使用者名稱或密碼錯誤。', as: '已登入：' }],
  ]) {
    const { context, page, problems } = await openPage(server, locale);
    try {
      await open(page, server, '/');
      assert.equal(await page.locator('#signin-switch').textContent(), words.open);
      await passwordForm(page);
      assert.equal(await page.locator('#signin-switch').textContent(), words.back);
      assert.equal(await page.locator('#signin-name').getAttribute('placeholder'), words.name);
      await submitPassword(page, 'nobody-here', 'whatever it is');
      await page.waitForFunction((w) => document.getElementById('signin-error').textContent === w, words.wrong);
      // The form with its refusal, for the record.
      await page.screenshot({ path: join(SCREENSHOTS, `signin-password-${locale}.png`), fullPage: true });
      await submitPassword(page, server.name, server.password);
      await page.waitForSelector('#signed-in:not([hidden])');
      assert.equal(await page.locator('#who').textContent(), `${words.as}${server.name}`);
      await page.click('#signout');
      await page.waitForSelector('#signin-box:not([hidden])');
      assert.deepEqual(problems.filter((p) => !/status of 401/.test(p)), []);
    } finally {
      await context.close();
    }
  }
});
