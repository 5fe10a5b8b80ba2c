//! Fields a shop writes as labelled text ("Product code: 46286401", "Art.-Nr. 79961",
//! "Cod produs: DR2401", "Код: 01245"), read from the page's visible text.

use std::sync::OnceLock;

use regex::Regex;

use crate::html::{decode, Context, Token, Tokenizer};

/// Visible text read at most (the labels sit near the product, high on the page).
const MAX_TEXT: usize = 1024 * 1024;

/// The text of a page or of an element's contents, outside tags, scripts and styles,
/// entities decoded, runs of whitespace as one space.
pub(crate) fn visible_text(html: &str) -> String {
    // Text before the first tag too: a fragment (an element's contents) starts with it.
    let lead = &html[..memchr::memchr(b'<', html.as_bytes()).unwrap_or(html.len())];
    let mut out = decode(lead, Context::Text).into_owned();
    let mut tokens = Tokenizer::new(html);
    let mut attrs = Vec::new();
    while let Some(token) = tokens.next_token(&mut attrs) {
        // A script's or style's contents come as their own token, skipped with it.
        let skip = match token {
            Token::Text(_) => true,
            Token::Start { name, .. } => ["script", "style"]
                .iter()
                .any(|r| r.eq_ignore_ascii_case(name)),
            Token::End { .. } => false,
        };
        if skip {
            continue;
        }
        let from = tokens.position();
        let rest = &html[from..];
        let text = &rest[..memchr::memchr(b'<', rest.as_bytes()).unwrap_or(rest.len())];
        if !text.trim().is_empty() {
            out.push(' ');
            out.push_str(&decode(text.trim(), Context::Text));
        }
        if out.len() > MAX_TEXT {
            break;
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The SKU a label in `text` names.
pub(crate) fn labelled_sku(text: &str) -> Option<String> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let re = RE
        .get_or_init(|| {
            Regex::new(
                r"(?i)(?:product code|item code|item number|item no\.?|sku|art\.?-?nr\.?|artikelnummer|artikel-nr\.?|bestellnummer|best\.-nr\.?|cod produs|código|codigo|référence|reference|ref\.|šifra|kód|kod|код|артикул|id produto|numéro d'article)\s*[:#]?\s*([A-Za-z0-9][A-Za-z0-9/._-]{1,30})",
            )
            .ok()
        })
        .as_ref()?;
    re.captures_iter(text)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str().trim_end_matches(['.', '-', '/']))
        .find(|v| v.bytes().any(|b| b.is_ascii_digit()))
        .map(String::from)
}

/// The price a label in `text` names, as written (`$294`), where shops in Chinese write
/// it in words rather than markup: `直購價：$294`, `最低價$99元起`, `特价 ¥35`. A
/// suggested retail price (`建議售價`) is not the price paid.
pub(crate) fn labelled_price(text: &str) -> Option<String> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let re = RE
        .get_or_init(|| {
            Regex::new(
                r"(建議|建议|原)?(?:直購價|直购价|最低價|最低价|售價|售价|特價|特价|優惠價|优惠价|促銷價|促销价|現價|现价|網購價|网购价)\s*[:：]?\s*((?:NT\$|US\$|\$|¥|￥)?\s*[0-9][0-9,]*(?:\.[0-9]+)?)",
            )
            .ok()
        })
        .as_ref()?;
    re.captures_iter(text)
        .filter(|c| c.get(1).is_none())
        .find_map(|c| c.get(2))
        .map(|m| m.as_str().split_whitespace().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_in_the_corpus_languages() {
        let sku = |html: &str| labelled_sku(&visible_text(html));
        assert_eq!(
            sku("<p>Product code: <b>46286401</b></p>").as_deref(),
            Some("46286401")
        );
        assert_eq!(
            sku("<dt>Bestellnummer</dt><dd>79961</dd>").as_deref(),
            Some("79961")
        );
        assert_eq!(
            sku("<span>Cod produs: DR2401</span>").as_deref(),
            Some("DR2401")
        );
        assert_eq!(sku("<li>Код: 01245</li>").as_deref(), Some("01245"));
        assert_eq!(sku("<li>Šifra: 0638</li>").as_deref(), Some("0638"));
        let price = |html: &str| labelled_price(&visible_text(html));
        assert_eq!(
            price(r#"<div class="pdeal">最低價$<span>99</span>元起/包</div>"#).as_deref(),
            Some("$99")
        );
        assert_eq!(
            price("<p>建議售價 $500</p><p>直購價：$294</p>").as_deref(),
            Some("$294")
        );
        assert_eq!(price("<p>原價：1,390</p>"), None);
        // A label without a code after it, and scripts, are not read.
        assert_eq!(
            sku("<p>SKU: see below</p><script>var sku = 'X123';</script>"),
            None
        );
    }
}
