// The grid's video cards on a page that PLAYS an HLS stream through hls.js (a `<video>`
// with a `blob:` src: the stream is found among the page's requests, the Performance
// API), beside a plain `<video src>` file and a file only the page's JSON-LD names. The
// stream is made here with Debian's ffmpeg (testsrc + sine, 4 s, two variants behind a
// master playlist) and served on 127.0.0.1. The master and the variant hls.js requested
// make ONE card, which lists both variants best first with the stream's length; "Save as
// MP4" goes through the REAL desktop helper (`imago native-host`, as in grid-native) and
// the MP4 it writes has exactly the source's video frames (ffmpeg framemd5), in the best
// quality and in the one picked; "Save" of a file is chrome.downloads' copy of it; "Upload"
// sends the playlist's URL to the user's server. Every request the browser makes goes to
// the test server only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dist, pages, serveStatic, tabIdOf } from './harness.mjs';
import { launchSaving, savedFiles, until } from './shell-harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const imago = process.env.IMAGO_BIN ?? path.resolve(here, '../../target/debug/imago');
const hlsJs = path.resolve(here, '../node_modules/hls.js/dist/hls.min.js');

const ffmpeg = (...args) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });

/** The hash column of each video frame of `file` (ffmpeg's framemd5: decoded frames). */
function frameHashes(file) {
  const out = ffmpeg('-i', file, '-map', '0:v:0', '-f', 'framemd5', '-').toString();
  return out
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.split(',').pop().trim());
}

/** `avc1.PPCCLL` of an H.264 file, from ffprobe's profile and level. */
function avcCodec(file) {
  const [profile, level] = execFileSync('ffprobe', [
    '-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=profile,level', '-of', 'csv=p=0', file,
  ]).toString().trim().split(',');
  const idc = { Baseline: 0x42, 'Constrained Baseline': 0x42, Main: 0x4d, High: 0x64 }[profile] ?? 0x64;
  const hex = (n) => n.toString(16).padStart(2, '0');
  return `avc1.${hex(idc)}00${hex(Number(level))}`;
}

/** Two 4 s clips (320x240 and 160x120, keyframe every second), each cut into 1 s MPEG-TS
 * segments, a master playlist naming both, and two plain MP4 files. */
function makeSite(dir) {
  const sources = {};
  for (const [name, size, bandwidth] of [['v0', '320x240', 400000], ['v1', '160x120', 150000]]) {
    const src = path.join(dir, `src-${name}.mp4`);
    ffmpeg(
      '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=25`, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
      '-t', '4', '-c:v', 'libx264', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', src,
    );
    fs.mkdirSync(path.join(dir, 'site/hls', name), { recursive: true });
    ffmpeg(
      '-i', src, '-c', 'copy', '-f', 'hls', '-hls_time', '1', '-hls_playlist_type', 'vod',
      '-hls_segment_filename', path.join(dir, 'site/hls', name, 'seg%d.ts'), path.join(dir, 'site/hls', name, 'index.m3u8'),
    );
    sources[name] = { src, size, bandwidth, codecs: `${avcCodec(src)},mp4a.40.2` };
  }
  fs.writeFileSync(
    path.join(dir, 'site/hls/master.m3u8'),
    ['#EXTM3U', '#EXT-X-VERSION:3',
      ...Object.entries(sources).flatMap(([name, s]) => [
        `#EXT-X-STREAM-INF:BANDWIDTH=${s.bandwidth},RESOLUTION=${s.size},CODECS="${s.codecs}"`, `${name}/index.m3u8`,
      ]), ''].join('\n'),
  );
  fs.mkdirSync(path.join(dir, 'site/files'));
  fs.copyFileSync(sources.v1.src, path.join(dir, 'site/files/clip.mp4'));
  fs.copyFileSync(sources.v0.src, path.join(dir, 'site/files/teaser.mp4'));
  fs.copyFileSync(path.join(pages, 'grid/img/plain.png'), path.join(dir, 'site/poster.png'));
  fs.copyFileSync(path.join(pages, 'grid/img/og.jpg'), path.join(dir, 'site/files/teaser.jpg'));
  // The stream's URL is built by the script, so only the page's requests name it (the
  // core's read of the HTML finds URLs written in scripts).
  fs.writeFileSync(
    path.join(dir, 'site/watch.html'),
    `<!doctype html>
<html><head><meta charset="utf-8"><title>Clip page</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "VideoObject", "name": "Teaser",
 "contentUrl": "/files/teaser.mp4", "thumbnailUrl": "/files/teaser.jpg"}</script>
</head><body>
<h1>Clip</h1>
<video id="player" muted autoplay playsinline poster="/poster.png" width="320" height="240"></video>
<video id="file" src="/files/clip.mp4" preload="metadata" muted width="160" height="120"></video>
<script src="/hls.min.js"></script>
<script>
  const player = document.getElementById('player');
  const hls = new Hls();
  hls.on(Hls.Events.ERROR, (_, d) => { if (d.fatal) document.body.dataset.hlsError = d.details; });
  hls.on(Hls.Events.MANIFEST_PARSED, () => { player.play().catch(() => {}); });
  hls.loadSource(['', 'hls', 'master' + '.m3' + 'u8'].join('/'));
  hls.attachMedia(player);
</script>
</body></html>
`,
  );
  return sources;
}

const TYPES = { '.m3u8': 'application/vnd.apple.mpegurl', '.ts': 'video/mp2t', '.mp4': 'video/mp4', '.js': 'text/javascript' };

/** The test server: the site, hls.js, a fake imago server's upload endpoint (`/srv`),
 * and a log of every request with its User-Agent and Referer. */
async function serveSite(dir) {
  const log = [];
  const uploads = [];
  const site = await serveStatic(path.join(dir, 'site'), (req, res) => {
    log.push({ path: req.url, ua: req.headers['user-agent'] ?? '', referer: req.headers.referer ?? '' });
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/hls.min.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      fs.createReadStream(hlsJs).pipe(res);
      return true;
    }
    if (url.pathname === '/srv/api/1/upload' && req.method === 'POST') {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        uploads.push({ key: req.headers['x-api-key'], body });
        const origin = `http://${req.headers.host}`;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status_code: 200, image: { url: `${origin}/srv/v/1.mp4`, url_viewer: `${origin}/srv/v/1` } }));
      });
      return true;
    }
    const type = TYPES[path.extname(url.pathname)];
    const file = path.join(dir, 'site', path.normalize(decodeURIComponent(url.pathname)));
    if (type && file.startsWith(path.join(dir, 'site')) && fs.existsSync(file)) {
      res.writeHead(200, { 'content-type': type, 'access-control-allow-origin': '*' });
      fs.createReadStream(file).pipe(res);
      return true;
    }
    return false;
  });
  return { ...site, log, uploads };
}

test('a page playing HLS through hls.js: one card for the stream, saved as MP4 frame-exact by the desktop helper', async (t) => {
  assert.ok(fs.existsSync(imago), `${imago} is missing: cargo build -p imago-cli (or set IMAGO_BIN)`);
  assert.ok(fs.existsSync(hlsJs), `${hlsJs} is missing: npm ci in extension/`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'imago-grid-video-'));
  let site;
  let browser;
  t.after(async () => {
    await browser?.close();
    await site?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });
  const sources = makeSite(work);
  site = await serveSite(work);
  browser = await withHelper(work);
  const requests = [];
  browser.context.on('request', (r) => requests.push(r.url()));

  const page = `${site.origin}/watch.html`;
  const master = `${site.origin}/hls/master.m3u8`;
  const variant = (n) => `${site.origin}/hls/v${n}/index.m3u8`;
  const tab = await browser.context.newPage();
  await tab.goto(page, { waitUntil: 'load' });
  // hls.js plays the stream (or failed: say why).
  await tab.waitForFunction(() => document.body.dataset.hlsError || document.getElementById('player').currentTime > 0.5, null, { timeout: 20000 });
  assert.equal(await tab.evaluate(() => document.body.dataset.hlsError ?? null), null, 'hls.js reports no fatal error');
  const played = await tab.evaluate(() => {
    const v = document.getElementById('player');
    return { src: v.currentSrc, time: v.currentTime };
  });
  assert.match(played.src, /^blob:/, 'the <video> plays through Media Source Extensions: its src names nothing');
  assert.ok(played.time > 0.5, 'and it is playing');
  const asked = await tab.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  assert.ok(asked.includes(master), `the page requested the master: ${asked.join(' ')}`);
  const playedVariants = [0, 1].filter((n) => asked.includes(variant(n)));
  assert.ok(playedVariants.length > 0, 'and a variant playlist: the grid must show them as one stream');
  t.diagnostic(`hls.js played variant(s) ${playedVariants.join(', ')}; currentTime ${played.time}`);

  const tabId = await tabIdOf(browser.worker, tab);
  assert.ok(tabId >= 0);
  const grid = await browser.context.newPage();
  await grid.goto(`chrome-extension://${browser.extensionId}/grid.html?tab=${tabId}`);
  await grid.waitForSelector('#videos[data-state="shown"]', { timeout: 30000 });
  const cards = await grid.$$eval('.video-card', (cs) => cs.map((c) => ({ url: c.dataset.video, kind: c.dataset.kind, playlist: c.dataset.playlist ?? null })));
  assert.deepEqual(
    cards.sort((a, b) => a.url.localeCompare(b.url)),
    [
      { url: `${site.origin}/files/clip.mp4`, kind: 'file', playlist: null },
      { url: `${site.origin}/files/teaser.mp4`, kind: 'file', playlist: null },
      { url: master, kind: 'hls', playlist: 'master' },
    ],
    'one card per video: the stream once (not its variant too), the <video src> file, the JSON-LD file',
  );
  assert.equal(await grid.textContent('#videos-heading .count'), '3');
  const stream = `.video-card[data-video="${master}"]`;
  assert.deepEqual(await grid.$$eval(`${stream} .variants li`, (lis) => lis.map((li) => li.textContent)), ['320×240 · 400 kb/s', '160×120 · 150 kb/s']);
  await grid.waitForFunction((s) => document.querySelector(`${s} .duration`)?.textContent !== '', stream, { timeout: 15000 });
  assert.equal(await grid.textContent(`${stream} .duration`), '0:04');
  assert.deepEqual(await grid.$$eval(`${stream} .poster img`, (imgs) => imgs.map((i) => i.src)), [`${site.origin}/poster.png`], "the playing <video>'s poster");
  const teaser = '.video-card[data-video$="/teaser.mp4"]';
  assert.equal(await grid.getAttribute(`${teaser} .poster video`, 'poster'), `${site.origin}/files/teaser.jpg`, 'the JSON-LD thumbnail');
  // A file's length comes from its header.
  await grid.waitForFunction((s) => document.querySelector(`${s} .duration`)?.textContent !== '', teaser, { timeout: 15000 });
  assert.equal(await grid.textContent(`${teaser} .duration`), '0:04');
  assert.deepEqual(await grid.$$eval(`${stream} select.quality option`, (os) => os.map((o) => [o.value, o.textContent])), [
    ['best', 'Best'], ['240p', '240p'], ['120p', '120p'],
  ]);
  assert.equal(await grid.locator('.video-card .upload').count(), 0, 'no Upload without a server');

  // Save as MP4, best quality, through the real helper, into the folder of the grid's
  // helper field; the helper fetched only the best variant's segments, with the page as
  // Referer.
  const folder = path.join(work, 'saved');
  await grid.fill('#native-folder', folder);
  const save = async (quality) => {
    const before = site.log.length;
    await grid.selectOption(`${stream} select.quality`, quality);
    await grid.click(`${stream} button.save-mp4`);
    await grid.waitForFunction((s) => document.querySelector(`${s} .outcome`)?.dataset.outcome, stream, { timeout: 120000 });
    const outcome = await grid.textContent(`${stream} .outcome`);
    assert.equal(await grid.getAttribute(`${stream} .outcome`, 'data-outcome'), 'ok', outcome);
    const helper = site.log.slice(before).filter((r) => r.ua.startsWith('imago/'));
    return { outcome, path: await grid.getAttribute(stream, 'data-saved-path'), helper };
  };
  const best = await save('best');
  assert.equal(best.path, path.join(folder, 'master.mp4'), 'named by the name template ({name}.{ext})');
  assert.equal(best.outcome, `Saved ${best.path} (320×240, 0:04).`);
  assert.deepEqual(frameHashes(best.path), frameHashes(sources.v0.src), 'the MP4 holds exactly the 320x240 source frames');
  assert.equal(frameHashes(best.path).length, 100);
  const segs = (log) => [...new Set(log.map((r) => r.path).filter((p) => p.endsWith('.ts')).map((p) => p.split('/')[2]))];
  assert.deepEqual(segs(best.helper), ['v0'], 'only the chosen variant\'s segments');
  assert.ok(best.helper.length > 0 && best.helper.every((r) => r.referer === page), `the page as Referer: ${JSON.stringify(best.helper.slice(0, 2))}`);

  const small = await save('120p');
  assert.equal(small.path, path.join(folder, 'master-2.mp4'));
  assert.deepEqual(frameHashes(small.path), frameHashes(sources.v1.src), 'the 120p pick holds the 160x120 source frames');
  assert.deepEqual(segs(small.helper), ['v1']);

  // "Save" of a file: chrome.downloads under the folder and name templates, byte for byte.
  await grid.click('.video-card[data-video$="/clip.mp4"] button.save');
  await grid.waitForFunction(() => document.querySelector('.video-card[data-video$="/clip.mp4"] .outcome')?.dataset.outcome, null, { timeout: 20000 });
  assert.equal(await grid.textContent('.video-card[data-video$="/clip.mp4"] .outcome'), 'Saved as imago/127.0.0.1/clip.mp4.');
  const saved = path.join(browser.downloads, 'imago/127.0.0.1/clip.mp4');
  await until(async () => (await savedFiles(browser))?.includes('imago/127.0.0.1/clip.mp4'), 'the download', 20000);
  assert.deepEqual(fs.readFileSync(saved), fs.readFileSync(path.join(work, 'site/files/clip.mp4')));

  // With a server set up, "Upload" sends the playlist's URL (the server saves it as MP4).
  await browser.worker.evaluate(async (url) => {
    const { settings } = await chrome.storage.local.get('settings');
    await chrome.storage.local.set({ settings: { version: 1, ...settings, server: { url, key: 'k-123' } } });
  }, `${site.origin}/srv`);
  await grid.reload();
  await grid.waitForSelector('#videos[data-state="shown"]', { timeout: 30000 });
  await grid.click(`${stream} button.upload`);
  await grid.waitForFunction((s) => document.querySelector(`${s} .outcome`)?.dataset.outcome, stream, { timeout: 20000 });
  assert.equal(await grid.textContent(`${stream} .outcome`), `${site.origin}/srv/v/1.mp4`);
  assert.equal(site.uploads.length, 1);
  assert.equal(site.uploads[0].key, 'k-123');
  assert.match(site.uploads[0].body, new RegExp(`name="source"\\r\\n\\r\\n${master.replace(/[.]/g, '\\.')}\\r\\n`));

  // Nothing but the test server was asked for anything.
  assert.ok(requests.includes(master) && requests.some((u) => u.endsWith('.ts')), 'requests are seen');
  const elsewhere = requests.filter((u) => !u.startsWith(`${site.origin}/`) && !/^(chrome-extension|data|blob):/.test(u));
  assert.deepEqual(elsewhere, [], 'no request leaves the test server');
});

/** A browser with a copy of dist/ that holds the nativeMessaging permission (a headless
 * browser cannot answer the permission prompt) and downloads keeping their names, with the
 * real helper registered for its profile (as grid-native.test.mjs does). */
async function withHelper(work) {
  const ext = path.join(work, 'ext');
  fs.cpSync(dist, ext, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(ext, 'manifest.json'), 'utf8'));
  manifest.permissions.push('nativeMessaging');
  manifest.optional_permissions = (manifest.optional_permissions ?? []).filter((p) => p !== 'nativeMessaging');
  fs.writeFileSync(path.join(ext, 'manifest.json'), JSON.stringify(manifest));
  const profile = path.join(work, 'profile');
  fs.mkdirSync(profile);
  const browser = await launchSaving({ extensionDir: ext, profile });
  try {
    const installed = execFileSync(imago, [
      'native-host', '--install', '--extension-id', browser.extensionId, '--user-data-dir', profile,
    ]).toString();
    assert.match(installed, /dev\.imago\.host\.json/);
  } catch (e) {
    await browser.close();
    throw e;
  }
  return browser;
}
