//! Which variant of a master playlist to save, and which audio rendition goes with it.

use std::str::FromStr;

use super::{Master, Rendition, Variant};

/// `--quality`: the variant to save.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Quality {
    /// The highest bandwidth.
    #[default]
    Best,
    /// The lowest bandwidth.
    Worst,
    /// This many lines (`720p`): that height, else the tallest below it, else the
    /// smallest there is.
    Height(u64),
}

impl FromStr for Quality {
    type Err = String;

    fn from_str(s: &str) -> Result<Quality, String> {
        let t = s.trim().to_ascii_lowercase();
        match t.as_str() {
            "best" => Ok(Quality::Best),
            "worst" => Ok(Quality::Worst),
            _ => t
                .strip_suffix('p')
                .unwrap_or(&t)
                .parse::<u64>()
                .ok()
                .filter(|h| *h > 0)
                .map(Quality::Height)
                .ok_or_else(|| {
                    format!("{s:?} is not a quality: use best, worst or a height like 720p")
                }),
        }
    }
}

/// The variant `quality` picks; `None` only when there are no variants.
pub fn choose(variants: &[Variant], quality: Quality) -> Option<&Variant> {
    // Ties on bandwidth go to the taller picture, so the choice never depends on order.
    let rank = |v: &&Variant| (v.bandwidth, v.height.unwrap_or(0));
    match quality {
        Quality::Best => variants.iter().max_by_key(rank),
        Quality::Worst => variants.iter().min_by_key(rank),
        Quality::Height(h) => variants
            .iter()
            .filter(|v| v.height == Some(h))
            .max_by_key(rank)
            .or_else(|| {
                variants
                    .iter()
                    .filter(|v| v.height.is_some_and(|vh| vh < h))
                    .max_by_key(|v| (v.height, v.bandwidth))
            })
            .or_else(|| variants.iter().min_by_key(rank)),
    }
}

/// The audio rendition with its own playlist that plays with `variant`: the group's
/// `DEFAULT=YES` one, else its `AUTOSELECT` one, else its first. `None` when the variant
/// names no group, or the group's sound is muxed into the variant's segments (no URI).
/// The `CODECS` attribute is not consulted: a master that leaves it out still has its
/// sound in the group (a case where yt-dlp saves a silent video).
pub fn audio_rendition<'a>(master: &'a Master, variant: &Variant) -> Option<&'a Rendition> {
    let group = variant.audio_group.as_deref()?;
    let in_group = || {
        master
            .audio
            .iter()
            .filter(move |r| r.group == group && r.url.is_some())
    };
    in_group()
        .find(|r| r.default)
        .or_else(|| in_group().find(|r| r.autoselect))
        .or_else(|| in_group().next())
}
