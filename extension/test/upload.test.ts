// uploadImage against a local HTTP server (127.0.0.1, port 0) that reads the multipart body
// and answers as Chevereto does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { uploadImage } from '../src/shared/upload.ts';

interface Seen {
  method?: string;
  url?: string;
  key?: string;
  form?: FormData;
}

async function chevereto(answer: (seen: Seen) => { status: number; body: string }) {
  const seen: Seen[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const s: Seen = { method: req.method, url: req.url, key: req.headers['x-api-key'] as string | undefined };
    // Parse the multipart body with the platform's own parser.
    s.form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
    seen.push(s);
    const a = answer(s);
    res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(r)) };
}

test('a Blob is posted as multipart `source` with the key in a header, never in the URL', async (t) => {
  const srv = await chevereto(() => ({
    status: 200,
    body: JSON.stringify({ status_code: 200, image: { url: 'http://i/abc.png', url_viewer: 'http://i/v/abc' } }),
  }));
  t.after(srv.close);
  const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
  const out = await uploadImage(new Blob([bytes], { type: 'image/png' }), { url: `${srv.url}/`, key: 'k-123' }, { filename: 'red.png' });
  assert.deepEqual(out, { ok: true, url: 'http://i/abc.png', viewerUrl: 'http://i/v/abc' });
  const [s] = srv.seen;
  assert.equal(s!.method, 'POST');
  assert.equal(s!.url, '/api/1/upload');
  assert.equal(s!.key, 'k-123');
  const file = s!.form!.get('source') as File;
  assert.equal(file.name, 'red.png');
  assert.deepEqual(new Uint8Array(await file.arrayBuffer()), bytes);
});

test('a URL source is sent as text for the server to fetch', async (t) => {
  const srv = await chevereto(() => ({ status: 200, body: JSON.stringify({ image: { url: 'http://i/x.jpg' } }) }));
  t.after(srv.close);
  const out = await uploadImage('https://example.org/x.jpg', { url: srv.url, key: 'k' });
  assert.deepEqual(out, { ok: true, url: 'http://i/x.jpg' });
  assert.equal(srv.seen[0]!.form!.get('source'), 'https://example.org/x.jpg');
});

test("the server's error message is passed on with the status", async (t) => {
  const srv = await chevereto(() => ({ status: 403, body: JSON.stringify({ status_code: 403, error: { message: 'Invalid API key' } }) }));
  t.after(srv.close);
  const out = await uploadImage(new Blob([new Uint8Array([1])]), { url: srv.url, key: 'wrong' });
  assert.deepEqual(out, { ok: false, error: 'Invalid API key (HTTP 403)' });
});

test('a server that is not there, or answers no JSON, is an outcome, not a throw', async (t) => {
  const srv = await chevereto(() => ({ status: 502, body: '<html>bad gateway</html>' }));
  t.after(srv.close);
  assert.deepEqual(await uploadImage('http://x/a.png', { url: srv.url, key: 'k' }), { ok: false, error: 'the server answered HTTP 502' });
  // Port 9 on 127.0.0.1 (discard) has nothing listening here: the connection is refused.
  const down = await uploadImage('http://x/a.png', { url: 'http://127.0.0.1:9', key: 'k' });
  assert.equal(down.ok, false);
  assert.match(down.error ?? '', /^http:\/\/127\.0\.0\.1:9\/api\/1\/upload: /);
});
