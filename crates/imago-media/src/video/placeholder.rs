//! The poster of a video when ffmpeg is not installed: a fixed 320 x 180 PNG drawn here
//! (slate grey, a light "play" triangle), so that every video has a `.th.` and `.md.`
//! image and clients that show `thumb.url` show something that reads as "a video".

use image::{ImageFormat, Rgb, RgbImage};

/// Background of the placeholder.
pub const BACKGROUND: [u8; 3] = [0x33, 0x3a, 0x44];
/// The triangle.
pub const TRIANGLE: [u8; 3] = [0xe8, 0xea, 0xee];

pub const WIDTH: u32 = 320;
pub const HEIGHT: u32 = 180;

/// The placeholder as PNG bytes.
pub fn png() -> Vec<u8> {
    let (cx, cy) = (WIDTH as i64 / 2, HEIGHT as i64 / 2);
    // A right-pointing triangle 60 px high, its centre on the picture's.
    let (half, depth) = (30i64, 52i64);
    let img = RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let (dx, dy) = (x as i64 - (cx - depth / 3), y as i64 - cy);
        // Inside when 0 <= dx <= depth and |dy| shrinks linearly to 0 at the tip.
        let inside = (0..=depth).contains(&dx) && dy.abs() * depth <= half * (depth - dx);
        Rgb(if inside { TRIANGLE } else { BACKGROUND })
    });
    let mut out = Vec::new();
    // Writing a small RGB image into memory cannot fail; an empty poster would be
    // refused by the thumbnail step with a clear error rather than panic here.
    let _ = img.write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Png);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_a_png_of_the_documented_size_with_a_triangle() {
        let bytes = png();
        let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), (WIDTH, HEIGHT));
        assert_eq!(img.get_pixel(0, 0).0, BACKGROUND);
        assert_eq!(img.get_pixel(WIDTH / 2, HEIGHT / 2).0, TRIANGLE);
    }
}
