// The web page in a real browser: real files through the file picker, their progress,
// reasons and links, the clipboard, albums, the Chinese UI, and no request leaving the
// server.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join, basename } from 'node:path';
import {
  startServer, openPage, open, signIn, madeFiles, uniqueBmp, apiUpload, apiGet, waitForQueue,
  foreignRequests, SHARED, SCREENSHOTS,
} from './support.js';

const sha = (buf) => createHash('sha256').update(buf).digest('hex');
const GOOD = ['sample.jpg', 'cd1.1.jpg', 'sample.png', 'cogs.gif', '1.webp', 'small.bmp']
  .map((f) => join(SHARED, 'formats', f));
// 1,190,669 bytes: larger than the 1 MiB limit the test server runs with.
const REAL_TOO_LARGE = join(SHARED, 'formats', 'ultra-hdr.jpg');
// A PNG signature with an invalid colour type: the page cannot tell, the server refuses.
const BAD_PNG = join(SHARED, 'hostile', 'xc1n0g08.png');

let server;
let files;
before(async () => {
  server = await startServer();
  files = madeFiles();
  mkdirSync(SCREENSHOTS, { recursive: true });
});
after(() => server && server.stop());

const item = (page, path) => page.locator(`#queue .item[data-name="${basename(path)}"]`);

test('real files upload with progress and links; bad ones say why while the others go on', { timeout: 180000 }, async () => {
  const { context, page, requests, problems } = await openPage(server, 'en-US');
  try {
    await signIn(page, server);
    assert.equal(await page.locator('.drop-title').textContent(), 'Drop images here');
    assert.equal(await page.locator('#camera').getAttribute('capture'), 'environment');
    assert.equal(await page.locator('#camera').getAttribute('accept'), 'image/*,video/*');
    assert.match(await page.locator('#limits').textContent(), /1 MB.*JPEG.*PNG/);

    const all = [...GOOD, REAL_TOO_LARGE, files.big, files.svg, BAD_PNG];
    await page.setInputFiles('#picker', all);
    await waitForQueue(page, all.length);

    for (const path of GOOD) {
      const li = item(page, path);
      assert.equal(await li.getAttribute('data-state'), 'done', basename(path));
      assert.equal(await li.locator('progress').evaluate((p) => p.value), 100);
      assert.equal(await li.locator('.percent').textContent(), '100%');
      assert.equal(await li.locator('.state').textContent(), 'Uploaded');
      assert.equal(await li.locator('.reason').isHidden(), true);
      const labels = await li.locator('.link-label').allTextContents();
      assert.deepEqual(labels, ['Direct link', 'Image page', 'Markdown', 'HTML', 'BBCode', 'Delete link']);
      const values = await li.locator('.link-value').evaluateAll((els) => els.map((e) => e.value));
      const [direct, viewer, markdown, html, bbcode] = values;

      // The same bytes through the API from here: the server answers the same image,
      // so the page's link is the one the API hands out for this file.
      const api = await apiUpload(server, path);
      assert.equal(api.status, 200);
      assert.equal(direct, api.body.image.url);
      assert.equal(viewer, api.body.image.url_viewer);
      assert.equal(api.body.image.sha256, sha(readFileSync(path)));
      assert.ok(direct.startsWith(`${server.url}/i/`));
      assert.equal(markdown, `![${basename(path)}](${direct})`);
      assert.equal(html, `<a href="${viewer}"><img src="${direct}" alt="${basename(path)}"></a>`);
      assert.equal(bbcode, `[url=${viewer}][img]${direct}[/img][/url]`);

      // What the browser gets from the direct link is byte for byte what the server
      // serves for it, and the page's image decoded.
      const served = Buffer.from(await (await fetch(direct)).arrayBuffer());
      assert.equal(served.length, api.body.image.size);
      const inPage = await page.evaluate(async (u) => {
        const b = new Uint8Array(await (await fetch(u)).arrayBuffer());
        return Array.from(b);
      }, direct);
      assert.equal(sha(Buffer.from(inPage)), sha(served), basename(path));
      const img = li.locator('.thumb img');
      await img.evaluate((el) => (el.complete ? null : new Promise((r) => { el.onload = r; el.onerror = r; })));
      assert.equal(await img.getAttribute('src'), direct);
      const width = await img.evaluate((el) => el.naturalWidth);
      assert.equal(width, api.body.image.width, basename(path));
      assert.ok(width > 0);
    }

    const reason = async (path) => {
      const li = item(page, path);
      assert.equal(await li.getAttribute('data-state'), 'failed', basename(path));
      assert.equal(await li.locator('.state').textContent(), 'Not uploaded');
      return li.locator('.reason').textContent();
    };
    assert.equal(await reason(REAL_TOO_LARGE), 'Too large: 1.2 MB; this server accepts up to 1 MB.');
    assert.equal(await reason(files.big), 'Too large: 1,048,577 B; this server accepts up to 1,048,576 B.');
    assert.equal(await reason(files.svg), 'Wrong type: SVG. This server accepts JPEG, PNG, GIF, BMP, WEBP, AVIF, HEIC, MP4, MOV, WEBM.');
    // The server's own reason, as the API gives it for the same bytes.
    const refused = await apiUpload(server, BAD_PNG);
    assert.ok(refused.status >= 400 && refused.status < 500, `${refused.status}`);
    assert.equal(await reason(BAD_PNG), `The server refused it: ${refused.body.error.message}`);

    assert.equal(await page.locator('#overall-bar').evaluate((p) => p.value), 100);
    assert.equal(await page.locator('#overall-text').textContent(), `${all.length} of ${all.length} files, 100%`);

    // "Your images" lists what was just uploaded, each linking to its page.
    await page.waitForFunction((n) => document.querySelectorAll('#mine-grid li').length === n, GOOD.length);
    const mine = await page.locator('#mine-grid a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(mine.every((h) => h.startsWith(`${server.url}/v/`)), mine.join(' '));
    assert.equal(await page.locator('#mine h2').textContent(), 'Your images');

    // Copy the Markdown of the first image: the clipboard holds exactly that text.
    const first = item(page, GOOD[0]);
    const mdRow = first.locator('.link-row').nth(2);
    await mdRow.locator('button.copy').click();
    await page.waitForFunction((el) => el.textContent === 'Copied', await mdRow.locator('button.copy').elementHandle());
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(clip, await mdRow.locator('.link-value').inputValue());
    assert.match(clip, /^!\[sample\.jpg\]\(http:\/\/127\.0\.0\.1:\d+\/i\/\w+\.jpg\)$/);

    await page.screenshot({ path: join(SCREENSHOTS, 'upload-en.png'), fullPage: true });

    // An album from this upload: every uploaded image lands in it.
    await page.fill('#album-name', 'Holiday 2026');
    await page.click('#album-create');
    await page.waitForFunction(() => document.getElementById('album-status').textContent.startsWith('Album created'));
    assert.equal(await page.locator('#album-status').textContent(), `Album created with ${GOOD.length} images. Album`);
    const albumUrl = await page.locator('#album-link .link-value').inputValue();
    const id = albumUrl.match(/\/album\/(\w+)$/)[1];
    const listed = await apiGet(server, `/api/v2/albums/${id}/images`);
    assert.equal(listed.status, 200);
    assert.equal(listed.body.images.length, GOOD.length);
    const album = await apiGet(server, `/api/v2/albums/${id}`);
    assert.equal(album.body.name, 'Holiday 2026');
    assert.equal(album.body.visibility, 'unlisted');

    // The album page shows its name and every image, and each thumbnail decodes.
    await page.click('#album-open');
    await page.waitForURL(`**/album/${id}`);
    await page.waitForFunction((n) => document.querySelectorAll('#album-grid img').length === n, GOOD.length);
    assert.equal(await page.locator('#album-title').textContent(), 'Holiday 2026');
    assert.equal(await page.locator('#album-meta').textContent(), `${GOOD.length} images`);
    await page.waitForFunction(() => [...document.querySelectorAll('#album-grid img')].every((i) => i.complete && i.naturalWidth > 0));
    const hrefs = await page.locator('#album-grid a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.every((h) => h.startsWith(`${server.url}/v/`)), hrefs.join(' '));
    await page.screenshot({ path: join(SCREENSHOTS, 'album-en.png'), fullPage: true });

    // The image page the links point at is the server's viewer.
    await page.click('#album-grid a >> nth=0');
    await page.waitForURL('**/v/*');
    assert.ok(await page.locator('img').evaluate((i) => i.complete && i.naturalWidth > 0));

    // The key never appeared in any address.
    assert.deepEqual(requests.filter((u) => u.includes(server.key.split('.')[1])), []);
    assert.deepEqual(foreignRequests(requests), []);
    assert.ok(requests.length > 10);
    assert.deepEqual(problems.filter((p) => !/status of 4\d\d/.test(p)), []);
  } finally {
    await context.close();
  }
});

test('Simplified Chinese from the browser language, with reasons and the chosen expiry', { timeout: 120000 }, async () => {
  const { context, page, requests, problems } = await openPage(server, 'zh-CN');
  try {
    await signIn(page, server);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
    assert.equal(await page.locator('.drop-title').textContent(), '把图片拖到这里');
    assert.equal(await page.locator('label[for=picker]').textContent(), '选择文件');
    assert.equal(await page.locator('#signout').textContent(), '退出');
    assert.equal(await page.locator('#who').textContent(), '已登录：e2e');

    await page.selectOption('#expiry', 'PT5M');
    assert.equal(await page.locator('#expiry option:checked').textContent(), '5 分钟后');
    const fresh = uniqueBmp(files.dir, 'fresh.bmp');
    const before = Date.now();
    await page.setInputFiles('#picker', [fresh, files.big, files.svg]);
    await waitForQueue(page, 3);
    assert.equal(await item(page, fresh).locator('.state').textContent(), '已上传');
    assert.equal(await item(page, files.big).locator('.reason').textContent(), '文件太大：1,048,577 B；本服务器最多接受 1,048,576 B。');
    assert.equal(await item(page, files.svg).locator('.reason').textContent(), '类型不对：SVG。本服务器接受 JPEG, PNG, GIF, BMP, WEBP, AVIF, HEIC, MP4, MOV, WEBM。');
    const labels = await item(page, fresh).locator('.link-label').allTextContents();
    assert.deepEqual(labels.slice(0, 2), ['直链', '图片页']);
    assert.equal(await page.locator('#overall-text').textContent(), '3 个文件中已完成 3 个，100%');

    // The expiry chosen in the page reached the server: about five minutes from now.
    const direct = await item(page, fresh).locator('.link-value').first().inputValue();
    const id = direct.match(/\/i\/(\w+)\./)[1];
    const image = await apiGet(server, `/api/v2/images/${id}`);
    assert.equal(image.status, 200);
    const expires = Number(image.body.expires_at) * 1000;
    assert.ok(expires >= before + 295000 && expires <= Date.now() + 305000, `${image.body.expires_at}`);

    await page.screenshot({ path: join(SCREENSHOTS, 'upload-zh-CN.png'), fullPage: true });

    // The switcher: Traditional Chinese, everywhere at once, and remembered.
    await page.selectOption('#lang', 'zh-TW');
    await page.waitForFunction(() => document.querySelector('.drop-title').textContent === '把圖片拖到這裡');
    assert.equal(await item(page, fresh).locator('.state').textContent(), '已上傳');
    assert.equal(await item(page, files.big).locator('.reason').textContent(), '檔案太大：1,048,577 B；本伺服器最多接受 1,048,576 B。');
    await open(page, server, '/');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-TW');
    assert.equal(await page.locator('.drop-title').textContent(), '把圖片拖到這裡');

    assert.deepEqual(foreignRequests(requests), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('Traditional Chinese from a zh-TW browser, signed out', { timeout: 60000 }, async () => {
  const { context, page, requests, problems } = await openPage(server, 'zh-TW');
  try {
    await open(page, server, '/');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-TW');
    assert.equal(await page.locator('.drop-title').textContent(), '把圖片拖到這裡');
    assert.equal(await page.locator('#signin button').textContent(), '登入');
    assert.equal(await page.locator('#guest-note').textContent(), '請先用 API 金鑰登入再上傳。');
    assert.equal(await page.title(), 'imago 圖床');
    // Without a key (guests are off) nothing is sent, and the page says why.
    await page.setInputFiles('#picker', [GOOD[0]]);
    await waitForQueue(page, 1);
    assert.equal(await item(page, GOOD[0]).locator('.reason').textContent(), '請先用 API 金鑰登入。');
    // A wrong key is refused with the server's reason and not kept.
    await page.fill('#key', 'nope.0000');
    await page.click('#signin button[type=submit]');
    await page.waitForFunction(() => document.getElementById('signin-error').textContent.startsWith('金鑰未被接受'));
    assert.equal(await page.evaluate(() => localStorage.getItem('imago.key')), null);
    await page.screenshot({ path: join(SCREENSHOTS, 'upload-zh-TW.png'), fullPage: true });
    assert.deepEqual(foreignRequests(requests), []);
    assert.deepEqual(problems.filter((p) => !/status of 40[13]/.test(p)), []);
  } finally {
    await context.close();
  }
});

test('drag and drop, paste, and album pages seen signed out', { timeout: 90000 }, async () => {
  // Albums made through the API: one unlisted (reachable by its link), one private.
  const made = await apiUpload(server, GOOD[3]);
  assert.equal(made.status, 200);
  const create = async (name, visibility) => {
    const res = await fetch(`${server.url}/api/v2/albums`, {
      method: 'POST',
      headers: { 'X-API-Key': server.key, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, visibility }),
    });
    assert.equal(res.status, 201);
    return (await res.json()).id;
  };
  const unlisted = await create('<b>not bold</b>', 'unlisted');
  const secret = await create('Secret', 'private');
  const moved = await fetch(`${server.url}/api/v2/images/${made.body.image.name}`, {
    method: 'PATCH',
    headers: { 'X-API-Key': server.key, 'Content-Type': 'application/json' },
    body: JSON.stringify({ album_id: unlisted }),
  });
  assert.equal(moved.status, 200);

  const { context, page, requests, problems } = await openPage(server, 'en-GB');
  try {
    await open(page, server, `/album/${unlisted}`);
    assert.equal(await page.locator('#album-grid img').count(), 1);
    // The name is text, not markup.
    assert.equal(await page.locator('#album-title').textContent(), '<b>not bold</b>');
    assert.equal(await page.locator('#album-title b').count(), 0);
    assert.equal(await page.locator('#album-meta').textContent(), '1 image');
    await page.waitForFunction(() => document.querySelector('#album-grid img').naturalWidth > 0);

    await open(page, server, `/album/${secret}`);
    assert.equal(await page.locator('#album-error').isVisible(), true);
    assert.equal(await page.locator('#album-error').textContent(), 'This album does not exist, or it is private.');
    assert.equal(await page.locator('#album-grid li').count(), 0);

    await signIn(page, server);
    const dropped = readFileSync(uniqueBmp(files.dir, 'dropped.bmp'));
    const pasted = readFileSync(uniqueBmp(files.dir, 'pasted.bmp'));
    await page.evaluate(([a, b]) => {
      const file = (bytes, name) => new File([new Uint8Array(bytes)], name, { type: 'image/bmp' });
      const drop = new DataTransfer();
      drop.items.add(file(a, 'dropped.bmp'));
      const zone = document.getElementById('drop');
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: drop, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: drop, bubbles: true, cancelable: true }));
      const clip = new DataTransfer();
      clip.items.add(file(b, 'pasted.bmp'));
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: clip, bubbles: true, cancelable: true }));
    }, [Array.from(dropped), Array.from(pasted)]);
    await waitForQueue(page, 2);
    for (const [name, bytes] of [['dropped.bmp', dropped], ['pasted.bmp', pasted]]) {
      const li = page.locator(`#queue .item[data-name="${name}"]`);
      assert.equal(await li.getAttribute('data-state'), 'done', name);
      const direct = await li.locator('.link-value').first().inputValue();
      const served = Buffer.from(await (await fetch(direct)).arrayBuffer());
      // A BMP carries no metadata to strip: the server keeps it byte for byte.
      assert.equal(sha(served), sha(bytes), name);
    }
    assert.deepEqual(foreignRequests(requests), []);
    assert.deepEqual(problems.filter((p) => !/status of 404/.test(p)), []);
  } finally {
    await context.close();
  }
});

test('on a phone the camera is offered and the page fits the screen', { timeout: 60000 }, async () => {
  const { context, page, requests, problems } = await openPage(server, 'zh-CN', true);
  try {
    await signIn(page, server);
    const camera = page.locator('label[for=camera]');
    assert.equal(await camera.isVisible(), true);
    assert.equal(await camera.textContent(), '拍照');
    // A viewport shot: Chromium's full-page capture resets the touch emulation, so the
    // camera button (shown for coarse pointers only) would be missing from it.
    await page.screenshot({ path: join(SCREENSHOTS, 'phone-zh-CN.png') });
    await page.setInputFiles('#camera', [GOOD[0]]);
    await waitForQueue(page, 1);
    assert.equal(await item(page, GOOD[0]).getAttribute('data-state'), 'done');
    // Nothing wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${overflow}px wider than the screen`);
    assert.deepEqual(foreignRequests(requests), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a video larger than the image limit uploads under the video limit and gets a poster', { timeout: 120000 }, async () => {
  // 2 s of ffmpeg's test pattern with noise (so it does not compress away): over the 1 MiB image limit of the test
  // server, far under its video limit (50 MB by default).
  const clip = join(files.dir, 'clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25,noise=alls=60:allf=t', '-t', '2',
    '-b:v', '6M', '-maxrate', '6M', '-bufsize', '1M', '-pix_fmt', 'yuv420p', clip]);
  assert.ok(statSync(clip).size > 1024 * 1024, `the clip is ${statSync(clip).size} B, not over the image limit`);
  const { context, page, requests, problems } = await openPage(server, 'en-US');
  try {
    await signIn(page, server);
    await page.setInputFiles('#picker', [clip]);
    await waitForQueue(page, 1);
    const li = item(page, clip);
    assert.equal(await li.getAttribute('data-state'), 'done', await li.locator('.reason').textContent());
    const direct = await li.locator('.link-value').first().inputValue();
    assert.match(direct, /\.mp4$/);
    const served = await fetch(direct);
    assert.equal(served.headers.get('content-type'), 'video/mp4');
    assert.ok((await served.arrayBuffer()).byteLength > 100000, 'the video is served');
    const listed = await apiGet(server, '/api/v2/images?limit=100');
    const record = listed.body.images.find((i) => i.url === direct);
    assert.ok(record, 'the API lists the uploaded video');
    assert.deepEqual([record.mime, record.width, record.height], ['video/mp4', 640, 360]);
    assert.notEqual(record.thumb_url, direct, 'the thumbnail is a poster picture, not the video');
    const thumb = await fetch(record.thumb_url);
    assert.equal(thumb.status, 200, 'the poster thumbnail is served');
    assert.match(thumb.headers.get('content-type') ?? '', /^image\//);
    assert.deepEqual(foreignRequests(requests), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
