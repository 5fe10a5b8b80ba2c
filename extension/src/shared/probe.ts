// Size and format of an image from its first bytes: a ranged fetch (`Range: bytes=0-65535`)
// read by the core's `probeHeader`, a few at a time, each URL once.
import type { Format, Measured, Probed } from 'imago-wasm';

/** How many bytes a probe asks for: enough for every header the core reads. */
export const PROBE_BYTES = 65536;

/** What a probe needs from outside: injected so the unit tests run without a browser. */
export interface ProbeDeps {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  probeHeader: (bytes: Uint8Array, complete?: boolean | null) => Probed;
}

/** What a probe learnt; `error` when the image could not be fetched or is no image. */
export interface ProbeResult extends Measured {
  error?: string;
}

/** The file extension to name a probed format with (`jpeg` is saved as `.jpg`). */
export function extensionOf(format: Format | null | undefined): string | undefined {
  if (!format) return undefined;
  return { jpeg: 'jpg', tiff: 'tif' }[format as string] ?? format;
}

/** The whole file's length from a ranged or plain answer, when the server says it. */
function totalOf(res: Response): number | undefined {
  const range = res.headers.get('content-range');
  const m = range ? /\/(\d+)\s*$/.exec(range) : null;
  if (m) return Number(m[1]);
  const len = res.headers.get('content-length');
  return res.status === 200 && len !== null && /^\d+$/.test(len) ? Number(len) : undefined;
}

/** Reads at most `limit` bytes of `res`; `ended` says the body had no more. */
async function head(res: Response, limit: number): Promise<{ bytes: Uint8Array; ended: boolean }> {
  if (!res.body) {
    const all = new Uint8Array(await res.arrayBuffer());
    return { bytes: all.subarray(0, limit), ended: all.length <= limit };
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let have = 0;
  let ended = false;
  while (have < limit) {
    const { done, value } = await reader.read();
    if (done) {
      ended = true;
      break;
    }
    chunks.push(value);
    have += value.length;
  }
  if (!ended) await reader.cancel().catch(() => undefined);
  const bytes = new Uint8Array(Math.min(have, limit));
  let at = 0;
  for (const c of chunks) {
    const take = Math.min(c.length, bytes.length - at);
    bytes.set(c.subarray(0, take), at);
    at += take;
    if (at >= bytes.length) break;
  }
  return { bytes, ended: ended && have <= limit };
}

/** Measures one image: format, width, height and, when the server tells, its bytes. */
export async function probeUrl(url: string, deps: ProbeDeps): Promise<ProbeResult> {
  let res: Response;
  try {
    res = await deps.fetch(url, { headers: { Range: `bytes=0-${PROBE_BYTES - 1}` }, credentials: 'include' });
  } catch (e) {
    return { error: `fetch failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!res.ok) return { error: `HTTP ${res.status}` };
  const { bytes, ended } = await head(res, PROBE_BYTES);
  const total = totalOf(res) ?? (ended && res.status === 200 ? bytes.length : undefined);
  const complete = total !== undefined && bytes.length >= total;
  let probed: Probed;
  try {
    probed = deps.probeHeader(bytes, complete);
  } catch (e) {
    return { bytes: total ?? null, error: e instanceof Error ? e.message : String(e) };
  }
  if ('format' in probed) return { format: probed.format, width: probed.width, height: probed.height, bytes: total ?? null };
  if ('notImage' in probed) return { bytes: total ?? null, error: probed.notImage };
  return { bytes: total ?? null }; // a header longer than 64 KiB: size unknown, not an error
}

/** Probes URLs a few at a time and remembers each answer. */
export class Prober {
  private readonly cache = new Map<string, Promise<ProbeResult>>();
  private readonly queue: (() => void)[] = [];
  private running = 0;
  /** Probes asked for and not answered yet. */
  pending = 0;

  constructor(
    private readonly deps: ProbeDeps,
    private readonly concurrency = 4,
  ) {}

  /** The measurement of `url` (one fetch per URL, however often it is asked). */
  measure(url: string): Promise<ProbeResult> {
    let p = this.cache.get(url);
    if (!p) {
      this.pending++;
      p = new Promise<void>((go) => this.queue.push(go))
        .then(() => probeUrl(url, this.deps))
        .finally(() => {
          this.running--;
          this.pending--;
          this.next();
        });
      this.cache.set(url, p);
      this.next();
    }
    return p;
  }

  private next(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      this.running++;
      this.queue.shift()!();
    }
  }
}
