// The desktop helper's extension side against a stand-in host (a node script speaking
// Chrome's native messaging framing: u32 length + JSON), registered in the test profile's
// NativeMessagingHosts folder as `dev.imago.host`. The real `imago native-host` has its own
// tests on the Rust side. The permission is optional in the extension and Chrome can only
// grant it through a prompt, which a headless browser cannot answer, so this test loads a
// copy of dist/ whose manifest asks for it up front; everything else is the shipped build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dist } from './harness.mjs';
import { launchSaving } from './shell-harness.mjs';

const HOST = `#!/usr/bin/env node
// Answers ping with pong and save with one result per item; logs what it got.
const fs = require('node:fs');
let buf = Buffer.alloc(0);
process.stdin.on('data', (d) => {
  buf = Buffer.concat([buf, d]);
  while (buf.length >= 4) {
    const n = buf.readUInt32LE(0);
    if (buf.length < 4 + n) break;
    const msg = JSON.parse(buf.subarray(4, 4 + n).toString('utf8'));
    buf = buf.subarray(4 + n);
    fs.appendFileSync(process.env.IMAGO_FAKE_LOG || __dirname + '/log.jsonl', JSON.stringify(msg) + '\\n');
    const reply = msg.type === 'ping'
      ? { type: 'pong', version: '9.9.9' }
      : msg.type === 'save'
        ? { type: 'saved', results: msg.items.map((i) => ({ url: i.url, ok: true, path: msg.folder + '/' + i.filename })) }
        : { type: 'error', message: 'unknown message' };
    const body = Buffer.from(JSON.stringify(reply));
    const len = Buffer.alloc(4);
    len.writeUInt32LE(body.length);
    process.stdout.write(Buffer.concat([len, body]));
  }
});
process.stdin.on('end', () => process.exit(0));
`;

test('options: the desktop helper answers the ping', async (t) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'imago-native-'));
  const ext = path.join(work, 'ext');
  fs.cpSync(dist, ext, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(ext, 'manifest.json'), 'utf8'));
  manifest.permissions.push('nativeMessaging');
  manifest.optional_permissions = manifest.optional_permissions.filter((p) => p !== 'nativeMessaging');
  fs.writeFileSync(path.join(ext, 'manifest.json'), JSON.stringify(manifest));
  const hostFile = path.join(work, 'host.cjs');
  fs.writeFileSync(hostFile, HOST, { mode: 0o755 });

  const profile = path.join(work, 'profile');
  fs.mkdirSync(profile);
  const browser = await launchSaving({ extensionDir: ext, profile });
  t.after(async () => { await browser.close(); fs.rmSync(work, { recursive: true, force: true }); });
  // Chrome reads the host manifest when connecting, so it can name the id known only now.
  fs.mkdirSync(path.join(profile, 'NativeMessagingHosts'), { recursive: true });
  fs.writeFileSync(
    path.join(profile, 'NativeMessagingHosts', 'dev.imago.host.json'),
    JSON.stringify({
      name: 'dev.imago.host',
      description: 'imago test host',
      path: hostFile,
      type: 'stdio',
      allowed_origins: [`chrome-extension://${browser.extensionId}/`],
    }),
  );

  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await page.click('#native-test');
  await page.waitForSelector('#native-result.ok');
  assert.equal(await page.textContent('#native-result'), 'imago 9.9.9 answers.');
  const log = fs.readFileSync(path.join(work, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(log, [{ type: 'ping' }]);
});
