//! Availability as schema.org names it, from a schema.org URL, a bare name, or the
//! phrase a shop writes ("in stock", "ausverkauft", "缺货", ...).

/// schema.org `ItemAvailability` names, and what each is reported as (the ones a buyer
/// can act on the same way are folded together).
const NAMES: [(&str, &str); 12] = [
    ("instock", "InStock"),
    ("outofstock", "OutOfStock"),
    ("preorder", "PreOrder"),
    ("presale", "PreOrder"),
    ("backorder", "BackOrder"),
    ("soldout", "OutOfStock"),
    ("discontinued", "OutOfStock"),
    ("limitedavailability", "InStock"),
    ("onlineonly", "InStock"),
    ("instoreonly", "InStock"),
    ("in_stock", "InStock"),
    ("out_of_stock", "OutOfStock"),
];

/// Phrases that say "not available", checked before the positive ones (which most of
/// them contain: "unavailable", "nicht verfügbar", "нет в наличии").
const OUT: [&str; 22] = [
    "out of stock",
    "out-of-stock",
    "sold out",
    "unavailable",
    "not available",
    "no stock",
    "nicht verfügbar",
    "nicht lieferbar",
    "ausverkauft",
    "rupture de stock",
    "épuisé",
    "indisponible",
    "agotado",
    "sin stock",
    "esaurito",
    "uitverkocht",
    "niet op voorraad",
    "缺货",
    "无货",
    "售罄",
    "在庫切れ",
    "нет в наличии",
];

const IN: [&str; 14] = [
    "in stock",
    "in-stock",
    "available",
    "auf lager",
    "lieferbar",
    "verfügbar",
    "en stock",
    "disponible",
    "disponibile",
    "op voorraad",
    "有货",
    "现货",
    "在庫あり",
    "в наличии",
];

/// The schema.org name `text` means, if it says.
pub fn availability(text: &str) -> Option<&'static str> {
    let t = text.trim();
    let tail = t.rsplit(['/', ':']).next().unwrap_or(t);
    let key: String = tail
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    if let Some((_, name)) = NAMES.iter().find(|(k, _)| *k == key) {
        return Some(name);
    }
    let lower = t.to_lowercase();
    if lower.contains("pre-order") || lower.contains("preorder") {
        return Some("PreOrder");
    }
    if OUT.iter().any(|p| lower.contains(p)) {
        return Some("OutOfStock");
    }
    IN.iter().any(|p| lower.contains(p)).then_some("InStock")
}

#[cfg(test)]
mod tests {
    use super::availability;

    #[test]
    fn schema_org_urls_names_and_phrases() {
        assert_eq!(availability("http://schema.org/InStock"), Some("InStock"));
        assert_eq!(
            availability("https://schema.org/SoldOut"),
            Some("OutOfStock")
        );
        assert_eq!(availability("schema:PreOrder"), Some("PreOrder"));
        assert_eq!(availability("in stock"), Some("InStock"));
        assert_eq!(availability("Currently unavailable."), Some("OutOfStock"));
        assert_eq!(availability("Nicht verfügbar"), Some("OutOfStock"));
        assert_eq!(availability("Sofort lieferbar"), Some("InStock"));
        assert_eq!(availability("нет в наличии"), Some("OutOfStock"));
        assert_eq!(availability("现货"), Some("InStock"));
        assert_eq!(availability("Free shipping"), None);
    }
}
