//! Ad and tracker lists: which image URLs the lists everyone maintains (EasyList,
//! EasyPrivacy, or any list in Adblock Plus syntax) name as ads or trackers, matched by
//! Brave's `adblock` engine, the one Brave's browser blocks with.
//!
//! The list texts are given by the caller (the command line reads the files): nothing here
//! touches the disk, and the engine builds for wasm32 like the rest of the core. Without
//! lists, discovery still drops the few tracker hosts of [`crate::urls::is_tracker`].

use adblock::lists::{FilterSet, ParseOptions, RuleTypes};
use adblock::request::Request;
use adblock::Engine;

/// The rules of one or more lists, ready to match.
pub struct Blocklist {
    engine: Engine,
    rules: usize,
}

/// A list that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BlocklistError {
    /// Nothing but comments and blank lines: most likely the wrong file.
    #[error(
        "{name}: holds no filter rule (an ad/tracker list in Adblock Plus syntax, such as \
         EasyList, has one rule per line)"
    )]
    NoRules { name: String },
}

impl Blocklist {
    /// Builds the matcher from `(name, text)` pairs, the name used in errors only. Only
    /// network rules are kept (element-hiding rules say nothing about a URL). Each list
    /// must hold at least one rule. A `String` text is moved, not copied: EasyList and
    /// EasyPrivacy are 3.4 MB.
    pub fn from_lists<N: std::fmt::Display, T: Into<String>>(
        lists: impl IntoIterator<Item = (N, T)>,
    ) -> Result<Blocklist, BlocklistError> {
        let mut set = FilterSet::new(false);
        let opts = ParseOptions {
            rule_types: RuleTypes::NetworkOnly,
            ..ParseOptions::default()
        };
        let mut rules = 0;
        for (name, text) in lists {
            let text = text.into();
            let in_list = text.lines().filter(|l| is_rule_line(l)).count();
            if in_list == 0 {
                return Err(BlocklistError::NoRules {
                    name: name.to_string(),
                });
            }
            rules += in_list;
            set.add_filter_list(text, opts);
        }
        Ok(Blocklist {
            engine: Engine::new_with_filter_set(set),
            rules,
        })
    }

    /// Rule lines read, over all lists (network and element-hiding alike, as a user counts
    /// the lines of the files).
    pub fn rules(&self) -> usize {
        self.rules
    }

    /// `true` when the lists block `url` loaded as an image by `page`: the page is the
    /// request's source, so `$third-party`, `$domain=` and `$image` rules apply as in a
    /// browser. URLs the lists cannot name (`data:`, a relative URL) are never blocked.
    pub fn blocks_image(&self, url: &str, page: &str) -> bool {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return false;
        }
        match Request::new(url, page, "image", "GET") {
            Ok(request) => self.engine.check_network_request(&request).should_block(),
            Err(_) => false,
        }
    }
}

impl std::fmt::Debug for Blocklist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Blocklist")
            .field("rules", &self.rules)
            .finish_non_exhaustive()
    }
}

/// A line that is a rule: not blank, not a `!` comment, not the `[Adblock Plus 2.0]`
/// header.
fn is_rule_line(line: &str) -> bool {
    let l = line.trim();
    !(l.is_empty() || l.starts_with('!') || (l.starts_with('[') && l.ends_with(']')))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "https://news.example/2024/story.html";

    fn list(text: &str) -> Blocklist {
        Blocklist::from_lists([("test.txt", text)]).unwrap()
    }

    #[test]
    fn a_host_rule_blocks_its_images_and_nothing_else() {
        let l = list("! a comment\n||ads.example^$image\n");
        assert!(l.blocks_image("https://ads.example/banner.jpg", PAGE));
        assert!(l.blocks_image("https://cdn.ads.example/b/300x250.png?x=1", PAGE));
        assert!(!l.blocks_image("https://news.example/photo.jpg", PAGE));
        assert!(!l.blocks_image("https://notads.example/photo.jpg", PAGE));
        assert!(!l.blocks_image("data:image/gif;base64,R0lGODlhAQABAAAAACw=", PAGE));
        assert_eq!(l.rules(), 1);
    }

    #[test]
    fn third_party_and_domain_options_use_the_page() {
        let l = list("||track.example^$third-party\n/banners/*$image,domain=news.example\n");
        // The tracker's own site loading its own image is first-party.
        assert!(!l.blocks_image(
            "https://track.example/logo.png",
            "https://www.track.example/"
        ));
        assert!(l.blocks_image("https://track.example/p.gif?id=1", PAGE));
        assert!(l.blocks_image("https://news.example/banners/a.jpg", PAGE));
        assert!(!l.blocks_image(
            "https://news.example/banners/a.jpg",
            "https://other.example/"
        ));
    }

    #[test]
    fn a_rule_for_scripts_does_not_block_images() {
        let l = list("||widgets.example^$script\n");
        assert!(!l.blocks_image("https://widgets.example/w.png", PAGE));
    }

    #[test]
    fn exceptions_win() {
        let l = list("||cdn.example/ads/\n@@||cdn.example/ads/keep.png\n");
        assert!(l.blocks_image("https://cdn.example/ads/x.png", PAGE));
        assert!(!l.blocks_image("https://cdn.example/ads/keep.png", PAGE));
    }

    #[test]
    fn a_list_without_rules_is_refused_by_name() {
        let e = Blocklist::from_lists([("a.txt", "||a.example^\n"), ("b.txt", "! only\n\n")])
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("b.txt: holds no filter rule"), "{e}");
        assert!(Blocklist::from_lists([("c.txt", "[Adblock Plus 2.0]\n")]).is_err());
    }
}
