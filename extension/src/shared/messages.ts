// The typed messages between the extension's surfaces: every request names its type, the
// background answers `{ok: true, value}` or `{ok: false, error}`. Add a request by adding a
// row to `Api`; the compiler then checks both the caller and the handler.
import type { CollectOptions, CollectResult } from './collect.ts';

/** One row per request: what the caller sends and what it gets back. */
export interface Api {
  /** Run the collector in every frame of a tab. */
  collect: { req: { tabId: number; options?: CollectOptions }; res: CollectResult[] };
}

export type RequestType = keyof Api;
export type Request = { [K in RequestType]: { type: K } & Api[K]['req'] }[RequestType];
export type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

/** Sends one request to the background service worker and unwraps its answer. */
export async function call<K extends RequestType>(type: K, req: Api[K]['req']): Promise<Api[K]['res']> {
  const reply = (await chrome.runtime.sendMessage({ type, ...req })) as Reply<Api[K]['res']> | undefined;
  if (!reply) throw new Error(`no answer from the background to "${type}"`);
  if (!reply.ok) throw new Error(reply.error);
  return reply.value;
}

/** A handler per request type, as the background registers them. */
export type Handlers = {
  [K in RequestType]: (req: Api[K]['req'], sender: chrome.runtime.MessageSender) => Promise<Api[K]['res']>;
};

/** Routes runtime messages to `handlers` and answers in the `Reply` shape. */
export function serve(handlers: Handlers): void {
  chrome.runtime.onMessage.addListener((msg: unknown, sender, sendResponse) => {
    if (typeof msg !== 'object' || msg === null || !('type' in msg)) return false;
    const type = (msg as { type: unknown }).type;
    if (typeof type !== 'string' || !(type in handlers)) return false;
    const handler = handlers[type as RequestType] as (req: unknown, s: chrome.runtime.MessageSender) => Promise<unknown>;
    handler(msg, sender).then(
      (value) => sendResponse({ ok: true, value }),
      (e: unknown) => sendResponse({ ok: false, error: e instanceof Error ? e.message : String(e) }),
    );
    return true; // the answer comes asynchronously
  });
}
