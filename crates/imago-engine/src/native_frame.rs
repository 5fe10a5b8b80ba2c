//! Chrome's native messaging framing: a u32 length in native byte order, then that many
//! bytes of UTF-8 JSON. Used by `imago native-host`; it lives in this library (not in the
//! binary) so that the fuzz target `native_frame` can link it.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The largest message a browser may send a host (Chrome's own limit is 64 MiB).
pub const MAX_IN: u32 = 64 * 1024 * 1024;
/// The largest message a host may send the browser (Chrome's limit is 1 MiB).
pub const MAX_OUT: usize = 1024 * 1024;

/// What reading one frame gave.
#[derive(Debug)]
pub enum Incoming {
    /// A whole message.
    Message(Vec<u8>),
    /// The browser closed the pipe between messages: the normal end.
    End,
    /// A length over [`MAX_IN`]: nothing more can be read in step with the sender.
    TooLong(u32),
    /// The pipe closed inside a frame.
    Truncated { expected: u32, got: usize },
}

/// Reads one frame; the body is allocated only once its length is known to be allowed.
pub async fn read(input: &mut (impl AsyncRead + Unpin)) -> std::io::Result<Incoming> {
    let mut len = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        let n = input.read(&mut len[got..]).await?;
        if n == 0 {
            return Ok(if got == 0 {
                Incoming::End
            } else {
                Incoming::Truncated { expected: 4, got }
            });
        }
        got += n;
    }
    let len = u32::from_ne_bytes(len);
    if len > MAX_IN {
        return Ok(Incoming::TooLong(len));
    }
    // Grown as bytes arrive: a length that lies costs nothing up front.
    let mut body = Vec::new();
    let read = input.take(u64::from(len)).read_to_end(&mut body).await?;
    if read < len as usize {
        return Ok(Incoming::Truncated {
            expected: len,
            got: read,
        });
    }
    Ok(Incoming::Message(body))
}

/// Writes one frame. The caller keeps answers under [`MAX_OUT`].
pub async fn write(output: &mut (impl AsyncWrite + Unpin), json: &str) -> std::io::Result<()> {
    let len = u32::try_from(json.len()).unwrap_or(u32::MAX);
    output.write_all(&len.to_ne_bytes()).await?;
    output.write_all(json.as_bytes()).await?;
    output.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(body: &[u8]) -> Vec<u8> {
        let mut v = (body.len() as u32).to_ne_bytes().to_vec();
        v.extend_from_slice(body);
        v
    }

    #[tokio::test]
    async fn reads_frames_then_the_end() {
        let mut bytes = framed(b"{\"type\":\"ping\"}");
        bytes.extend(framed(b"{}"));
        let mut input = bytes.as_slice();
        assert!(
            matches!(read(&mut input).await.unwrap(), Incoming::Message(m) if m == b"{\"type\":\"ping\"}")
        );
        assert!(matches!(read(&mut input).await.unwrap(), Incoming::Message(m) if m == b"{}"));
        assert!(matches!(read(&mut input).await.unwrap(), Incoming::End));
    }

    #[tokio::test]
    async fn an_oversized_length_is_refused_before_any_body() {
        let bytes = (MAX_IN + 1).to_ne_bytes();
        let mut input = &bytes[..];
        assert!(matches!(read(&mut input).await.unwrap(), Incoming::TooLong(n) if n == MAX_IN + 1));
    }

    #[tokio::test]
    async fn a_cut_frame_is_reported() {
        let mut bytes = framed(b"{\"type\":\"ping\"}");
        bytes.truncate(9);
        let mut input = bytes.as_slice();
        assert!(matches!(
            read(&mut input).await.unwrap(),
            Incoming::Truncated {
                expected: 15,
                got: 5
            }
        ));
        let mut input = &[1u8, 0][..];
        assert!(matches!(
            read(&mut input).await.unwrap(),
            Incoming::Truncated { .. }
        ));
    }
}
