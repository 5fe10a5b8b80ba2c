//! The upload body of `POST /api/1/upload`: the server reads `multipart/form-data`
//! through axum's `Multipart`, which is `multer`, then sniffs each field (image magic,
//! video container, UTF-8 text) to tell a file from a base64 string or a URL. The input
//! is the Content-Type value on the first line, then the raw body. No panic, no hang.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;

fn any_size() -> imago_media::Limits {
    imago_media::Limits {
        max_bytes: u64::MAX,
        max_video_bytes: u64::MAX,
        ..imago_media::Limits::default()
    }
}

fuzz_target!(|data: &[u8]| {
    let (head, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let Ok(content_type) = std::str::from_utf8(head) else {
        return;
    };
    let Ok(boundary) = multer::parse_boundary(content_type.trim()) else {
        return;
    };
    let body = Bytes::copy_from_slice(body);
    // Two chunks, split in the middle, as a body arrives from the network.
    let mid = body.len() / 2;
    let chunks: Vec<Result<Bytes, std::io::Error>> =
        vec![Ok(body.slice(..mid)), Ok(body.slice(mid..))];
    let stream = futures_util::stream::iter(chunks);
    let mut multipart = multer::Multipart::new(stream, boundary);
    futures_executor::block_on(async {
        while let Ok(Some(field)) = multipart.next_field().await {
            let _name = field.name().map(str::to_string);
            let _file = field.file_name().map(str::to_string);
            let Ok(bytes) = field.bytes().await else {
                break;
            };
            let _ = imago_core::probe::sniff(&bytes);
            let _ = imago_media::inspect(&bytes, &any_size());
            let _ = std::str::from_utf8(&bytes);
        }
    });
});
