//! `imago native-host`: the browser extension's optional desktop helper.
//!
//! The browser starts it and talks over stdin/stdout in Chrome's native messaging
//! framing ([`imago_engine::native_frame`]). Messages: `{type:'ping'}` -> `{type:'pong', version}`;
//! `{type:'save', items:[{url, filename}], folder, convert?, max?}` -> `{type:'saved',
//! results:[{url, ok, path?, skipped?, error?}]}` ([`save`]); `{type:'stitch', items:[{url}],
//! folder, filename?, layout?, gap?, width?}` -> `{type:'stitched', paths}` ([`stitch`]);
//! `{type:'video', url, page?, folder, name?, quality?}` -> `{type:'videoSaved', path,
//! width, height, duration, bytes}` ([`video`]: an HLS stream as MP4).
//! Anything else gets `{type:'error',
//! message}` and the host keeps reading; the end of input ends it (exit 0). A length
//! over 64 MiB cannot be skipped in step with the sender: it gets an error, and the
//! host exits 2. Nothing but frames is ever written to stdout.

mod install;
mod save;
mod stitch;
mod video;

use std::ffi::OsString;

use anyhow::Result;
use imago_engine::{Client, ClientConfig};
use serde_json::{json, Value};

use crate::cli::NativeHostArgs;
use crate::Outcome;
use imago_engine::native_frame::{self as frame, Incoming};

/// A browser starts a native host as `<path in the manifest> chrome-extension://ID/`,
/// with no way to add a subcommand; the manifest names this binary, so that call is read
/// as `imago native-host chrome-extension://ID/`. Any other command line is left alone.
pub fn browser_call(args: impl Iterator<Item = OsString>) -> Vec<OsString> {
    let mut args: Vec<OsString> = args.collect();
    let from_browser = args
        .get(1)
        .and_then(|a| a.to_str())
        .is_some_and(|a| a.starts_with("chrome-extension://"));
    if from_browser {
        args.insert(1, OsString::from("native-host"));
    }
    args
}

pub async fn run(args: NativeHostArgs) -> Result<Outcome> {
    if args.install {
        // clap makes --install require --extension-id.
        install::install(
            args.extension_id.as_deref().unwrap_or_default(),
            args.user_data_dir.as_deref(),
        )?;
        return Ok(Outcome::Done);
    }
    if args.uninstall {
        install::uninstall(args.user_data_dir.as_deref())?;
        return Ok(Outcome::Done);
    }
    serve(&mut tokio::io::stdin(), &mut tokio::io::stdout()).await
}

async fn serve(
    input: &mut (impl tokio::io::AsyncRead + Unpin),
    output: &mut (impl tokio::io::AsyncWrite + Unpin),
) -> Result<Outcome> {
    let mut client: Option<Client> = None;
    loop {
        let message = match frame::read(input).await? {
            Incoming::Message(m) => m,
            Incoming::End => return Ok(Outcome::Done),
            Incoming::TooLong(len) => {
                let msg = format!(
                    "a message of {len} bytes is over the {} MiB limit; the host stops",
                    frame::MAX_IN / (1024 * 1024)
                );
                eprintln!("imago: native-host: {msg}");
                frame::write(output, &error(&msg)).await?;
                return Ok(Outcome::BadInput);
            }
            Incoming::Truncated { expected, got } => {
                eprintln!(
                    "imago: native-host: input ended inside a message ({got} of {expected} bytes)"
                );
                return Ok(Outcome::BadInput);
            }
        };
        let answer = answer(&message, &mut client).await;
        let answer = if answer.len() > frame::MAX_OUT {
            error(&format!(
                "the answer would be over 1 MiB; send at most {} items per save",
                save::MAX_ITEMS / 2
            ))
        } else {
            answer
        };
        frame::write(output, &answer).await?;
    }
}

fn error(message: &str) -> String {
    json!({"type": "error", "message": message}).to_string()
}

/// The answer to one message, as JSON text.
async fn answer(message: &[u8], client: &mut Option<Client>) -> String {
    let value: Value = match serde_json::from_slice(message) {
        Ok(v) => v,
        Err(e) => return error(&format!("not JSON: {e}")),
    };
    match value.get("type").and_then(Value::as_str) {
        Some("ping") => json!({"type": "pong", "version": env!("CARGO_PKG_VERSION")}).to_string(),
        Some("save") => save_message(value, client).await,
        Some("stitch") => stitch_message(value, client).await,
        Some("video") => video_message(value, client).await,
        Some(other) => error(&format!(
            "unknown message type {other:?} (known: ping, save, stitch, video)"
        )),
        None => error("a message needs a string field \"type\" (ping, save, stitch or video)"),
    }
}

async fn save_message(value: Value, client: &mut Option<Client>) -> String {
    #[derive(serde::Deserialize)]
    struct Save {
        items: Vec<save::SaveItem>,
        folder: String,
        /// Re-encode every saved image as `png`, `jpeg` or `webp`.
        #[serde(default)]
        convert: Option<save::Convert>,
        /// Scale every image larger than this down to it (longest side, pixels).
        #[serde(default)]
        max: Option<u32>,
    }
    let req: Save = match serde_json::from_value(value) {
        Ok(r) => r,
        Err(e) => {
            return error(&format!(
                "save: {e} (expected {{type:'save', items:[{{url, filename}}], folder, convert?: 'png'|'jpeg'|'webp', max?: pixels}})"
            ))
        }
    };
    if req.items.len() > save::MAX_ITEMS {
        return error(&format!(
            "save: {} items in one message; send at most {} at a time",
            req.items.len(),
            save::MAX_ITEMS
        ));
    }
    if req.max == Some(0) {
        return error("save: max 0: a size is at least 1 pixel");
    }
    let root = match save::target_folder(&req.folder) {
        Ok(r) => r,
        Err(e) => return error(&format!("save: {e}")),
    };
    let client = match client {
        Some(c) => c,
        None => match Client::new(helper_config()) {
            Ok(c) => client.insert(c),
            Err(e) => return error(&format!("save: cannot start the HTTP client: {e}")),
        },
    };
    let step = save::image_step(req.convert, req.max);
    let results = save::save(client, &root, req.items, step).await;
    json!({"type": "saved", "results": results}).to_string()
}

async fn stitch_message(value: Value, client: &mut Option<Client>) -> String {
    let req: stitch::StitchRequest = match serde_json::from_value(value) {
        Ok(r) => r,
        Err(e) => {
            return error(&format!(
                "stitch: {e} (expected {{type:'stitch', items:[{{url}}], folder, filename?, layout?: 'vertical'|'horizontal', gap?, width?}})"
            ))
        }
    };
    let client = match client {
        Some(c) => c,
        None => match Client::new(helper_config()) {
            Ok(c) => client.insert(c),
            Err(e) => return error(&format!("stitch: cannot start the HTTP client: {e}")),
        },
    };
    match stitch::run(client, req).await {
        Ok(paths) => json!({"type": "stitched", "paths": paths}).to_string(),
        Err(e) => error(&e),
    }
}

async fn video_message(value: Value, client: &mut Option<Client>) -> String {
    let req: video::VideoRequest = match serde_json::from_value(value) {
        Ok(r) => r,
        Err(e) => {
            return error(&format!(
                "video: {e} (expected {{type:'video', url, page?, folder, name?, quality?}})"
            ))
        }
    };
    let client = match client {
        Some(c) => c,
        None => match Client::new(helper_config()) {
            Ok(c) => client.insert(c),
            Err(e) => return error(&format!("video: cannot start the HTTP client: {e}")),
        },
    };
    match video::run(client, req).await {
        Ok(answer) => answer.to_string(),
        Err(e) => error(&e),
    }
}

/// The helper's one client, made by its first message that needs it, serves images and
/// streams: its per-host limit lets a stream's window through.
fn helper_config() -> ClientConfig {
    let window = imago_engine::video::DEFAULT_WINDOW;
    let base = ClientConfig::default();
    ClientConfig {
        per_host: base.per_host.max(window),
        concurrency: base.concurrency.max(window),
        ..base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(args: &[&str]) -> Vec<String> {
        browser_call(args.iter().map(OsString::from))
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn a_browser_call_becomes_the_native_host_subcommand() {
        assert_eq!(
            call(&["imago", "chrome-extension://abc/"]),
            ["imago", "native-host", "chrome-extension://abc/"]
        );
        assert_eq!(call(&["imago", "list", "x"]), ["imago", "list", "x"]);
        assert_eq!(call(&["imago"]), ["imago"]);
    }
}
