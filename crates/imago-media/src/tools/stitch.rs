//! `imago stitch`: pictures side by side, one above the other (the "long image" of
//! product listings), or in a grid, scaled to a common width or height, split into
//! numbered parts when taller than marketplaces and decoders take.

use std::borrow::Cow;

use image::{DynamicImage, Rgb, RgbImage, Rgba, RgbaImage};

use super::resize::resample;
use crate::MediaError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One above the other, at a common width.
    Vertical,
    /// Side by side, at a common height.
    Horizontal,
    /// Rows of `cols` cells of a common width, at most `rows` rows (more pictures than
    /// cells are an error).
    Grid { cols: u32, rows: u32 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StitchOptions {
    pub layout: Layout,
    /// Pixels between pictures (and around none).
    pub gap: u32,
    /// Of the gaps and of what a grid cell leaves empty.
    pub background: [u8; 4],
    /// The common width (vertical), or the whole width (grid); default: the narrowest
    /// picture's (vertical) or the narrowest times the columns (grid), so no picture is
    /// enlarged. Horizontal: the whole width is scaled down to it when wider.
    pub width: Option<u32>,
    /// Parts no taller than this (vertical and grid), cut between pictures where they
    /// fit, through a picture taller than it alone.
    pub max_height: u32,
}

/// The default `max_height`: what marketplaces accept and decoders open everywhere.
pub const MAX_HEIGHT: u32 = 16_000;

/// Largest area of one stitched picture (before splitting): 400 megapixels.
const MAX_AREA: u64 = 400_000_000;

/// One row of the result: pictures at their x, all placed at the row's top (borrowed
/// when already at their size).
struct Row<'a> {
    cells: Vec<(u32, Cow<'a, DynamicImage>)>,
    height: u32,
}

/// `pictures` stitched: one image, or several parts top to bottom; RGB when the
/// pictures and the background are opaque, else RGBA.
pub fn stitch(
    pictures: &[DynamicImage],
    opts: &StitchOptions,
) -> Result<Vec<DynamicImage>, MediaError> {
    if pictures.is_empty() {
        return Err(MediaError::Encode("nothing to stitch".into()));
    }
    let rows = match opts.layout {
        Layout::Vertical => {
            let narrowest = pictures.iter().map(DynamicImage::width).min().unwrap_or(1);
            let width = opts.width.unwrap_or(narrowest).max(1);
            pictures
                .iter()
                .map(|p| {
                    let img = scaled_to_width(p, width)?;
                    Ok(Row {
                        height: img.height(),
                        cells: vec![(0, img)],
                    })
                })
                .collect::<Result<Vec<_>, MediaError>>()?
        }
        Layout::Horizontal => {
            let lowest = pictures.iter().map(DynamicImage::height).min().unwrap_or(1);
            let mut height = lowest;
            let widths: u64 = pictures
                .iter()
                .map(|p| u64::from(p.width()) * u64::from(lowest) / u64::from(p.height().max(1)))
                .sum::<u64>()
                + u64::from(opts.gap) * (pictures.len() as u64 - 1);
            if let Some(w) = opts.width.filter(|w| u64::from(*w) < widths) {
                height = ((u64::from(height) * u64::from(w)) / widths.max(1)).max(1) as u32;
            }
            let mut x = 0;
            let mut cells = Vec::new();
            for p in pictures {
                let img = scaled_to_height(p, height)?;
                let w = img.width();
                cells.push((x, img));
                x += w + opts.gap;
            }
            vec![Row { cells, height }]
        }
        Layout::Grid { cols, rows } => {
            let cols = cols.max(1);
            if pictures.len() as u64 > u64::from(cols) * u64::from(rows.max(1)) {
                return Err(MediaError::Encode(format!(
                    "{} pictures do not fit a {cols}x{rows} grid",
                    pictures.len()
                )));
            }
            let narrowest = pictures.iter().map(DynamicImage::width).min().unwrap_or(1);
            let cell = match opts.width {
                Some(w) => (w.saturating_sub(opts.gap * (cols - 1)) / cols).max(1),
                None => narrowest,
            };
            pictures
                .chunks(cols as usize)
                .map(|chunk| {
                    let mut cells = Vec::new();
                    let mut height = 0;
                    for (i, p) in chunk.iter().enumerate() {
                        let img = scaled_to_width(p, cell)?;
                        height = height.max(img.height());
                        cells.push((i as u32 * (cell + opts.gap), img));
                    }
                    Ok(Row { cells, height })
                })
                .collect::<Result<Vec<_>, MediaError>>()?
        }
    };
    let width = rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|(x, img)| x + img.width()))
        .max()
        .unwrap_or(1);
    parts(&rows, width, opts)
}

fn scaled_to_width(p: &DynamicImage, width: u32) -> Result<Cow<'_, DynamicImage>, MediaError> {
    let height = ((u64::from(p.height()) * u64::from(width)) / u64::from(p.width().max(1))).max(1);
    scaled(p, (width, u32::try_from(height).unwrap_or(u32::MAX)))
}

fn scaled_to_height(p: &DynamicImage, height: u32) -> Result<Cow<'_, DynamicImage>, MediaError> {
    let width = ((u64::from(p.width()) * u64::from(height)) / u64::from(p.height().max(1))).max(1);
    scaled(p, (u32::try_from(width).unwrap_or(u32::MAX), height))
}

fn scaled(p: &DynamicImage, size: (u32, u32)) -> Result<Cow<'_, DynamicImage>, MediaError> {
    if (p.width(), p.height()) == size {
        return Ok(Cow::Borrowed(p));
    }
    resample(p, size).map(Cow::Owned)
}

/// The rows drawn into parts of at most `max_height`: rows are kept whole where they fit,
/// a row taller than a part alone is cut into slices.
fn parts(rows: &[Row], width: u32, opts: &StitchOptions) -> Result<Vec<DynamicImage>, MediaError> {
    let max = opts.max_height.max(1);
    // (first row, last row exclusive, height) of each part; a tall row gets its own.
    let mut spans: Vec<(usize, usize, u32)> = Vec::new();
    let mut start = 0;
    let mut height = 0u32;
    for (i, row) in rows.iter().enumerate() {
        let with_gap = if i > start {
            opts.gap + row.height
        } else {
            row.height
        };
        if i > start && height + with_gap > max {
            spans.push((start, i, height));
            start = i;
            height = row.height;
        } else {
            height += with_gap;
        }
    }
    spans.push((start, rows.len(), height));
    // Opaque pictures on an opaque background are copied row by row into an RGB canvas
    // (no blending, a third less memory); anything with alpha is blended onto RGBA.
    let opaque = opts.background[3] == 255
        && rows
            .iter()
            .all(|r| r.cells.iter().all(|(_, img)| !img.color().has_alpha()));
    let mut out = Vec::new();
    for (first, end, height) in spans {
        let area = u64::from(width) * u64::from(height);
        if area > MAX_AREA {
            return Err(MediaError::Encode(format!(
                "the stitched picture would be {width}x{height}, more than {MAX_AREA} pixels: stitch fewer or narrower pictures"
            )));
        }
        let rows = &rows[first..end];
        let canvas = if opaque {
            DynamicImage::ImageRgb8(draw_rgb(rows, width, height, opts))
        } else {
            DynamicImage::ImageRgba8(draw_rgba(rows, width, height, opts))
        };
        if height <= max {
            out.push(canvas);
            continue;
        }
        // One row taller than a part: sliced.
        let mut top = 0;
        while top < height {
            let h = max.min(height - top);
            out.push(canvas.crop_imm(0, top, width, h));
            top += h;
        }
    }
    Ok(out)
}

fn draw_rgb(rows: &[Row], width: u32, height: u32, opts: &StitchOptions) -> RgbImage {
    let [r, g, b, _] = opts.background;
    let mut canvas = RgbImage::from_pixel(width, height, Rgb([r, g, b]));
    let stride = width as usize * 3;
    let buf: &mut [u8] = &mut canvas;
    let mut y = 0usize;
    for row in rows {
        for (x, img) in &row.cells {
            let src = match img.as_ref() {
                DynamicImage::ImageRgb8(rgb) => Cow::Borrowed(rgb),
                other => Cow::Owned(other.to_rgb8()),
            };
            // Cells lie inside the canvas by construction; clamped all the same.
            let x = (*x as usize * 3).min(stride);
            let w = (src.width() as usize * 3).min(stride - x);
            let h = (src.height() as usize).min((height as usize).saturating_sub(y));
            let from = src.as_raw();
            for line in 0..h {
                let at = (y + line) * stride + x;
                let start = line * src.width() as usize * 3;
                buf[at..at + w].copy_from_slice(&from[start..start + w]);
            }
        }
        y += (row.height + opts.gap) as usize;
    }
    canvas
}

fn draw_rgba(rows: &[Row], width: u32, height: u32, opts: &StitchOptions) -> RgbaImage {
    let mut canvas = RgbaImage::from_pixel(width, height, Rgba(opts.background));
    let mut y = 0i64;
    for row in rows {
        for (x, img) in &row.cells {
            image::imageops::overlay(&mut canvas, &img.to_rgba8(), i64::from(*x), y);
        }
        y += i64::from(row.height + opts.gap);
    }
    canvas
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::GenericImageView;

    fn solid(w: u32, h: u32, c: [u8; 3]) -> DynamicImage {
        DynamicImage::ImageRgb8(image::RgbImage::from_pixel(w, h, image::Rgb(c)))
    }

    fn opts(layout: Layout) -> StitchOptions {
        StitchOptions {
            layout,
            gap: 0,
            background: [255, 255, 255, 255],
            width: None,
            max_height: MAX_HEIGHT,
        }
    }

    #[test]
    fn vertical_scales_to_the_narrowest_and_stacks_with_gaps() {
        let pics = [solid(200, 100, [255, 0, 0]), solid(100, 100, [0, 0, 255])];
        let out = stitch(
            &pics,
            &StitchOptions {
                gap: 10,
                ..opts(Layout::Vertical)
            },
        )
        .unwrap();
        assert_eq!(out.len(), 1);
        // 200x100 at width 100 is 100x50; then 10 of gap, then 100x100.
        assert_eq!(out[0].dimensions(), (100, 160));
        assert_eq!(out[0].get_pixel(50, 25).0, [255, 0, 0, 255]);
        assert_eq!(out[0].get_pixel(50, 55).0, [255, 255, 255, 255], "the gap");
        assert_eq!(out[0].get_pixel(50, 100).0, [0, 0, 255, 255]);
    }

    #[test]
    fn horizontal_scales_to_the_lowest() {
        let pics = [solid(100, 200, [255, 0, 0]), solid(100, 100, [0, 0, 255])];
        let out = stitch(
            &pics,
            &StitchOptions {
                gap: 4,
                ..opts(Layout::Horizontal)
            },
        )
        .unwrap();
        assert_eq!(out[0].dimensions(), (50 + 4 + 100, 100));
        assert_eq!(out[0].get_pixel(25, 50).0, [255, 0, 0, 255]);
        assert_eq!(out[0].get_pixel(100, 50).0, [0, 0, 255, 255]);
    }

    #[test]
    fn a_grid_places_cells_in_rows_and_refuses_too_many() {
        let pics: Vec<_> = (0..5)
            .map(|i| solid(100, 50 + i * 10, [i as u8 * 40, 0, 0]))
            .collect();
        let out = stitch(
            &pics,
            &StitchOptions {
                gap: 2,
                ..opts(Layout::Grid { cols: 2, rows: 3 })
            },
        )
        .unwrap();
        // Rows: tallest of (50, 60), of (70, 80), then 90; gaps 2.
        assert_eq!(out[0].dimensions(), (202, 60 + 2 + 80 + 2 + 90));
        assert_eq!(out[0].get_pixel(150, 62 + 40).0, [120, 0, 0, 255]);
        let err = stitch(&pics, &opts(Layout::Grid { cols: 2, rows: 2 })).unwrap_err();
        assert!(err.to_string().contains("do not fit a 2x2 grid"), "{err}");
    }

    #[test]
    fn taller_than_the_limit_splits_between_pictures_and_through_a_tall_one() {
        let pics = [
            solid(100, 300, [255, 0, 0]),
            solid(100, 300, [0, 255, 0]),
            solid(100, 900, [0, 0, 255]),
        ];
        let out = stitch(
            &pics,
            &StitchOptions {
                max_height: 700,
                ..opts(Layout::Vertical)
            },
        )
        .unwrap();
        let sizes: Vec<_> = out.iter().map(|p| p.dimensions()).collect();
        // 300 + 300 fit; the 900 alone is cut into 700 and 200.
        assert_eq!(sizes, [(100, 600), (100, 700), (100, 200)]);
        assert_eq!(out[0].get_pixel(50, 450).0, [0, 255, 0, 255]);
        assert_eq!(out[2].get_pixel(50, 100).0, [0, 0, 255, 255]);
    }

    #[test]
    fn pictures_with_transparency_are_laid_on_the_background() {
        let clear = DynamicImage::ImageRgba8(RgbaImage::from_pixel(10, 10, Rgba([255, 0, 0, 0])));
        let out = stitch(
            &[clear, solid(10, 10, [0, 0, 255])],
            &StitchOptions {
                background: [0, 255, 0, 255],
                ..opts(Layout::Vertical)
            },
        )
        .unwrap();
        assert_eq!(out[0].dimensions(), (10, 20));
        assert_eq!(out[0].get_pixel(5, 5).0, [0, 255, 0, 255], "the background");
        assert_eq!(out[0].get_pixel(5, 15).0, [0, 0, 255, 255]);
    }
}
