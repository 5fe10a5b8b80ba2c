//! One DevTools protocol connection: JSON commands over a WebSocket, answered in order.
//!
//! Each connection is used by one task at a time, so a command is "send, then read until
//! the answer with its id arrives"; the events read on the way are kept (a bounded queue)
//! for [`Conn::wait_event`]. No reader task, no shared map of pending calls.

use std::collections::VecDeque;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::RenderError;

/// Largest DevTools message accepted: a collect result of a huge page (many `data:`
/// URIs) stays well below it, and a runaway one cannot take all memory.
const MAX_MESSAGE: usize = 64 * 1024 * 1024;
/// Events kept while waiting for an answer; older ones are dropped (only load events
/// are waited for, and they are recent).
const MAX_EVENTS: usize = 512;

/// A DevTools WebSocket (the browser's or one page's).
pub(crate) struct Conn {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    events: VecDeque<Value>,
}

impl Conn {
    /// Connects to `ws://127.0.0.1:PORT/devtools/...`.
    pub(crate) async fn open(url: &str) -> Result<Conn, RenderError> {
        let config = WebSocketConfig::default()
            .max_message_size(Some(MAX_MESSAGE))
            .max_frame_size(Some(MAX_MESSAGE));
        let (ws, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), true)
            .await
            .map_err(|e| RenderError::Protocol(format!("cannot connect to {url}: {e}")))?;
        Ok(Conn {
            ws,
            next_id: 1,
            events: VecDeque::new(),
        })
    }

    /// Sends one command and returns its `result`.
    pub(crate) async fn call(&mut self, method: &str, params: Value) -> Result<Value, RenderError> {
        let id = self.next_id;
        self.next_id += 1;
        let msg = json!({"id": id, "method": method, "params": params}).to_string();
        self.ws
            .send(Message::text(msg))
            .await
            .map_err(|e| RenderError::Protocol(format!("{method}: cannot send: {e}")))?;
        loop {
            let v = self.read(method).await?;
            if v.get("id").and_then(Value::as_u64) == Some(id) {
                if let Some(err) = v.get("error") {
                    let text = err
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("unknown error");
                    return Err(RenderError::Protocol(format!("{method}: {text}")));
                }
                return Ok(v.get("result").cloned().unwrap_or(Value::Null));
            }
            if v.get("method").is_some() {
                self.keep(v);
            }
        }
    }

    /// Waits for the first event (kept or new) for which `pick` is true, and removes it.
    /// The caller bounds the wait with a timeout.
    pub(crate) async fn wait_event(
        &mut self,
        pick: impl Fn(&str, &Value) -> bool,
    ) -> Result<Value, RenderError> {
        let matches = |v: &Value| {
            let method = v.get("method").and_then(Value::as_str).unwrap_or("");
            pick(method, v.get("params").unwrap_or(&Value::Null))
        };
        if let Some(i) = self.events.iter().position(matches) {
            return Ok(self.events.remove(i).unwrap_or(Value::Null));
        }
        loop {
            let v = self.read("waiting for the page").await?;
            if matches(&v) {
                return Ok(v);
            }
            if v.get("method").is_some() {
                self.keep(v);
            }
        }
    }

    /// Forgets the events read so far (those of an earlier document).
    pub(crate) fn clear_events(&mut self) {
        self.events.clear();
    }

    /// Closes the WebSocket politely (best effort).
    pub(crate) async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }

    /// An `alert()`/`confirm()`/`prompt()` stops the page's scripts (and the collector's
    /// world with them) until someone answers: imago answers "cancel" at once. The
    /// command's own answer is not waited for (it is skipped like any other stray id).
    async fn dismiss_dialog(&mut self, during: &str) -> Result<(), RenderError> {
        let id = self.next_id;
        self.next_id += 1;
        let msg =
            json!({"id": id, "method": "Page.handleJavaScriptDialog", "params": {"accept": false}});
        self.ws
            .send(Message::text(msg.to_string()))
            .await
            .map_err(|e| RenderError::Protocol(format!("{during}: cannot answer a dialog: {e}")))
    }

    fn keep(&mut self, v: Value) {
        if self.events.len() >= MAX_EVENTS {
            self.events.pop_front();
        }
        self.events.push_back(v);
    }

    async fn read(&mut self, during: &str) -> Result<Value, RenderError> {
        loop {
            let msg = match self.ws.next().await {
                Some(Ok(m)) => m,
                Some(Err(e)) => {
                    return Err(RenderError::Protocol(format!("{during}: {e}")));
                }
                None => {
                    return Err(RenderError::Protocol(format!(
                        "{during}: the browser closed the connection"
                    )))
                }
            };
            let text = match &msg {
                Message::Text(t) => t.as_str(),
                Message::Binary(b) => std::str::from_utf8(b).unwrap_or(""),
                Message::Close(_) => {
                    return Err(RenderError::Protocol(format!(
                        "{during}: the browser closed the connection"
                    )))
                }
                _ => continue,
            };
            let v: Value = serde_json::from_str(text)
                .map_err(|e| RenderError::Protocol(format!("{during}: not JSON: {e}")))?;
            if v.get("method").and_then(Value::as_str) == Some("Page.javascriptDialogOpening") {
                self.dismiss_dialog(during).await?;
            }
            return Ok(v);
        }
    }
}
