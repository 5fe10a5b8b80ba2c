// The Rust core (imago-core through crates/imago-wasm), loaded once per page or worker.
import init, * as core from 'imago-wasm';

let ready: Promise<typeof core> | undefined;

/** Instantiates the WebAssembly core from the extension's own files (never the network). */
export function loadCore(): Promise<typeof core> {
  ready ??= init({ module_or_path: chrome.runtime.getURL('wasm/imago_wasm_bg.wasm') }).then(() => core);
  return ready;
}
