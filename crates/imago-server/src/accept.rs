//! The accept loop: what `axum::serve` does, with hyper's connection settings in reach.
//!
//! `axum::serve` builds each connection with hyper's defaults, and one of them costs
//! memory under load: a connection's read buffer grows to about 400 KB while a large body
//! streams in. With 64 uploads of 5 MB photos in flight that was 26 MB of buffers,
//! a quarter of the server's peak (bench/results.md (4g)). Bodies are spooled chunk by
//! chunk anyway, so a smaller buffer costs a few more reads and no speed.

use std::future::Future;
use std::io;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// The most a connection buffers of what it reads: a body streams through it in chunks
/// of up to this size (hyper's floor is 8 KiB).
const READ_BUFFER: usize = 64 * 1024;

/// The largest request head taken (start line and headers); a larger one is answered 431.
/// hyper only stops a head at the read buffer's size, and not when one read brings it
/// all, so the limit is set on its own.
const MAX_HEAD: usize = 64 * 1024;

/// A request head must arrive within this (hyper's default, which needs a timer to act:
/// a client that opens connections and never finishes a head would otherwise hold them).
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves `app` on `listener` until `shutdown` completes, then waits for the requests in
/// flight to finish, as `axum::serve(..).with_graceful_shutdown(..)` does. Each request
/// carries `ConnectInfo<SocketAddr>`, as with `into_make_service_with_connect_info`.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let mut builder = http1::Builder::new();
    builder
        .max_buf_size(READ_BUFFER)
        .max_header_size(MAX_HEAD)
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = app
            .clone()
            .map_request(move |req: hyper::Request<Incoming>| {
                let mut req = req.map(Body::new);
                req.extensions_mut().insert(ConnectInfo(peer));
                req
            });
        let conn =
            builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::trace!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
    // No new connections; the open ones finish their request and close.
    drop(listener);
    graceful.shutdown().await;
}

/// What axum does on a failed accept: a connection reset before it was taken is nothing;
/// anything else (out of file descriptors, say) is logged and waited out for a second,
/// so the loop does not spin while the process is at its limit.
async fn accept_failed(e: io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accept failed");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
