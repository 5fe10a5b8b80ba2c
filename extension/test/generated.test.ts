// generated/collector.js is what `imago grab --render` embeds: it must be exactly what the
// current sources build to, or the command line would collect differently from the extension.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
// @ts-expect-error: a plain .mjs module without types
import { root, collector } from '../build-config.mjs';

test('generated/collector.js is the build of src/collector', async () => {
  const out = await esbuild.build({ ...collector, write: false, outfile: 'collector.js' });
  const fresh = out.outputFiles?.[0]?.text ?? "";
  const committed = fs.readFileSync(path.join(root as string, 'generated/collector.js'), 'utf8');
  assert.ok(fresh.includes('imagoCollector'), 'the build defines globalThis.imagoCollector');
  assert.equal(committed, fresh, 'generated/collector.js is stale: run `npm run build` in extension/ and commit it');
});
