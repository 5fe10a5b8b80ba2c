//! AVIF and HEIC uploads are decoded (libheif): real thumbnails, shown turned, and HEIC
//! stored as the server is told (as a JPEG by default, or as sent).

mod support {
    pub mod app;
    pub mod backend;
    pub mod services;
}

use serde_json::Value;
use support::app::{read_shared, start};

/// A 96 x 64 HEIC written by libheif, left half red, right half blue, turned by `irot`
/// as EXIF orientation 6 would (shown 64 wide, 96 high, red on top).
fn heic() -> Vec<u8> {
    use libheif_rs::{
        Channel, ColorSpace, CompressionFormat, EncoderQuality, EncodingOptions, HeifContext,
        Image, ImageOrientation, LibHeif, RgbChroma,
    };
    let (w, h) = (96u32, 64u32);
    let mut pixels = Image::new(w, h, ColorSpace::Rgb(RgbChroma::Rgb)).unwrap();
    pixels.create_plane(Channel::Interleaved, w, h, 8).unwrap();
    {
        let planes = pixels.planes_mut();
        let plane = planes.interleaved.unwrap();
        for y in 0..h as usize {
            for x in 0..w as usize {
                let at = y * plane.stride + x * 3;
                let c = if x < 48 { [220, 20, 20] } else { [20, 20, 220] };
                plane.data[at..at + 3].copy_from_slice(&c);
            }
        }
    }
    let lib = LibHeif::new();
    let mut encoder = lib.encoder_for_format(CompressionFormat::Hevc).unwrap();
    encoder.set_quality(EncoderQuality::Lossy(90)).unwrap();
    let mut opts = EncodingOptions::new().unwrap();
    opts.set_image_orientation(ImageOrientation::Rotate90Cw);
    let mut ctx = HeifContext::new().unwrap();
    ctx.encode_image(&pixels, &mut encoder, Some(opts)).unwrap();
    ctx.write_to_bytes().unwrap()
}

async fn uploaded(app: &support::app::TestApp, bytes: &[u8]) -> Value {
    let key = app.user("ann").await;
    let res = app.upload(Some(&key), bytes, &[]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let body: Value = res.json().await.unwrap();
    body["image"].clone()
}

async fn fetch(app: &support::app::TestApp, url: &Value) -> (String, Vec<u8>) {
    let res = app.get(url.as_str().unwrap(), None).await;
    assert_eq!(res.status(), 200);
    let ct = res.headers()["content-type"].to_str().unwrap().to_string();
    (ct, res.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn an_avif_upload_gets_a_real_thumbnail_and_medium() {
    let app = start(|_| {}).await;
    let avif = read_shared("odd/avif-orientation-6.avif");
    let image = uploaded(&app, &avif).await;
    assert_eq!(image["extension"], "avif");
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(3024), Some(4032))
    );
    let (ct, thumb) = fetch(&app, &image["thumb"]["url"]).await;
    assert_eq!(
        ct, "image/jpeg",
        "a thumbnail every browser shows, not the AVIF itself"
    );
    let t = image::load_from_memory(&thumb).unwrap();
    assert_eq!((t.width(), t.height()), (120, 160));
    let (_, medium) = fetch(&app, &image["medium"]["url"]).await;
    let m = image::load_from_memory(&medium).unwrap();
    assert_eq!((m.width(), m.height()), (480, 640));
}

#[tokio::test]
async fn a_heic_upload_is_stored_as_a_jpeg_turned_as_shown() {
    let app = start(|_| {}).await;
    let image = uploaded(&app, &heic()).await;
    assert_eq!(image["extension"], "jpg");
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(64), Some(96))
    );
    let (ct, original) = fetch(&app, &image["url"]).await;
    assert_eq!(ct, "image/jpeg");
    let shown = image::load_from_memory(&original).unwrap().to_rgb8();
    assert_eq!(shown.dimensions(), (64, 96));
    let top = shown.get_pixel(32, 10).0;
    assert!(top[0] > 180 && top[2] < 70, "red on top, got {top:?}");
    let (ct, _) = fetch(&app, &image["thumb"]["url"]).await;
    assert_eq!(ct, "image/jpeg");
}

#[tokio::test]
async fn a_heic_upload_is_kept_as_sent_when_the_server_says_so() {
    let app = start(|c| c.heic_as_jpeg = false).await;
    let heic = heic();
    let image = uploaded(&app, &heic).await;
    assert_eq!(image["extension"], "heic");
    let (ct, original) = fetch(&app, &image["url"]).await;
    assert_eq!(ct, "image/heif");
    // Nothing to blank in this file: stored byte for byte.
    assert_eq!(original, heic);
    let (ct, thumb) = fetch(&app, &image["thumb"]["url"]).await;
    assert_eq!(ct, "image/jpeg");
    let t = image::load_from_memory(&thumb).unwrap();
    assert_eq!(
        (t.width(), t.height()),
        (64, 96),
        "smaller than 160: not enlarged"
    );
}
