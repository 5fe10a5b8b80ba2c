//! The product's identifier in its page's URL, for shops that show no SKU otherwise:
//! `?pid=260591`, `/itm/302474151804`, `/p4781720`, `/M67296549.htm`,
//! `/leather-look-shirt-15213589`.

use std::sync::OnceLock;

use regex::Regex;
use url::Url;

/// Query parameters that name the product, most specific first.
const PARAMS: [&str; 7] = [
    "pid",
    "productid",
    "product_id",
    "itemid",
    "item",
    "sku",
    "id",
];

/// The identifier `page_url` carries, if one looks like it.
pub(crate) fn id_in_url(page_url: &str) -> Option<String> {
    let url = Url::parse(page_url).ok()?;
    for want in PARAMS {
        let value = url
            .query_pairs()
            .find(|(k, _)| k.eq_ignore_ascii_case(want))
            .map(|(_, v)| v.into_owned());
        if let Some(v) = value.filter(|v| {
            v.len() >= 4
                && v.len() <= 40
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        }) {
            return Some(v);
        }
    }
    static WHOLE: OnceLock<Option<Regex>> = OnceLock::new();
    static TAIL: OnceLock<Option<Regex>> = OnceLock::new();
    // A segment that is the id: digits, `p` + digits (the digits), or a capital + digits.
    let whole = WHOLE
        .get_or_init(|| Regex::new(r"^(?:p?(\d{5,})|([A-Z]\d{5,}))$").ok())
        .as_ref()?;
    // A slug ending in the id: `leather-look-shirt-15213589`.
    let tail = TAIL
        .get_or_init(|| Regex::new(r"[-_](\d{6,})$").ok())
        .as_ref()?;
    let segments: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    for segment in segments.iter().rev() {
        let stem = [".html", ".htm", ".aspx", ".asp", ".php"]
            .iter()
            .find_map(|ext| segment.strip_suffix(ext))
            .unwrap_or(segment);
        if let Some(c) = whole.captures(stem) {
            return c.get(1).or(c.get(2)).map(|m| m.as_str().to_string());
        }
        if let Some(c) = tail.captures(stem) {
            return c.get(1).map(|m| m.as_str().to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::id_in_url;

    #[test]
    fn ids_in_queries_paths_and_slugs() {
        let id = |u: &str| id_in_url(u);
        assert_eq!(
            id("https://www.gomaji.com/store/36064?pid=262388").as_deref(),
            Some("262388")
        );
        assert_eq!(
            id("https://www.ebay.fr/itm/293565036718").as_deref(),
            Some("293565036718")
        );
        assert_eq!(
            id("https://www.johnlewis.com/a-b/p4999298").as_deref(),
            Some("4999298")
        );
        assert_eq!(
            id("https://www.pcstore.com.tw/powerbus/M14876706.htm").as_deref(),
            Some("M14876706")
        );
        assert_eq!(
            id("https://shop.example/ie/en/women/leather-look-shirt-15213589").as_deref(),
            Some("15213589")
        );
        assert_eq!(id("https://shop.example/category/shoes/red-shoe"), None);
        assert_eq!(id("https://shop.example/2021/10/sale"), None);
    }
}
