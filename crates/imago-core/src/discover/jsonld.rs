//! Image URLs in JSON-LD (`<script type="application/ld+json">`) and in JSON held by
//! `data-*` attributes. Pages get JSON-LD wrong often (comments, raw newlines in
//! strings, trailing commas, several objects in a row): it is read leniently.

use regex::Regex;
use serde_json::Value;

use crate::model::Descriptor;
use std::sync::OnceLock;

/// Keys whose value names an image (a URL, a list of them, or an `ImageObject`).
const IMAGE_KEYS: [&str; 4] = ["image", "thumbnailUrl", "logo", "primaryImageOfPage"];

/// Every image URL of a JSON-LD block, in document order (not resolved).
pub fn image_urls(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    if parse_all(text, &mut |v| walk(v, &mut out, 0)) {
        return out;
    }
    let cleaned = clean(text);
    if parse_all(&cleaned, &mut |v| walk(v, &mut out, 0)) {
        return out;
    }
    // Too broken to parse: pick the `"image": "..."` pairs out of the text.
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#""(?:image|thumbnailUrl|contentUrl)"\s*:\s*\[?\s*"((?:[^"\\]|\\.)+)""#).ok()
    });
    if let Some(re) = re {
        for c in re.captures_iter(&cleaned) {
            if let Some(m) = c.get(1) {
                out.push(m.as_str().replace("\\/", "/"));
            }
        }
    }
    out
}

/// The JSON values of a JSON-LD block, read as leniently as [`image_urls`] reads them
/// (nothing when it is too broken to parse).
pub(crate) fn values(text: &str) -> Vec<Value> {
    let mut out = Vec::new();
    if parse_all(text, &mut |v| out.push(v.clone())) {
        return out;
    }
    out.clear();
    parse_all(&clean(text), &mut |v| out.push(v.clone()));
    out
}

/// Parses one or more JSON values in a row; `false` if any fails.
fn parse_all(text: &str, f: &mut dyn FnMut(&Value)) -> bool {
    let mut any = false;
    for v in serde_json::Deserializer::from_str(text).into_iter::<Value>() {
        match v {
            Ok(v) => {
                f(&v);
                any = true;
            }
            Err(_) => return false,
        }
    }
    any
}

/// Removes HTML comment and CDATA wrappers, turns raw control characters into spaces
/// and drops trailing commas.
fn clean(text: &str) -> String {
    let mut t = text.trim();
    for p in ["<!--", "//<![CDATA[", "/*<![CDATA[*/", "<![CDATA["] {
        t = t.strip_prefix(p).unwrap_or(t).trim();
    }
    for s in ["-->", "//]]>", "/*]]>*/", "]]>"] {
        t = t.strip_suffix(s).unwrap_or(t).trim();
    }
    let spaced: String = t
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    static TRAILING: OnceLock<Option<Regex>> = OnceLock::new();
    match TRAILING.get_or_init(|| Regex::new(r",\s*([}\]])").ok()) {
        Some(re) => re.replace_all(&spaced, "$1").into_owned(),
        None => spaced,
    }
}

fn walk(v: &Value, out: &mut Vec<String>, depth: u32) {
    if depth > 64 {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| walk(x, out, depth + 1)),
        Value::Object(o) => {
            let is_image_object = o.get("@type").is_some_and(|t| type_is(t, "ImageObject"));
            if is_image_object {
                for k in ["contentUrl", "url"] {
                    if let Some(Value::String(s)) = o.get(k) {
                        out.push(s.clone());
                    }
                }
            }
            for (k, x) in o {
                if IMAGE_KEYS.contains(&k.as_str()) {
                    image_value(x, out, depth + 1);
                } else if !(is_image_object && (k == "url" || k == "contentUrl")) {
                    walk(x, out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

fn type_is(t: &Value, name: &str) -> bool {
    match t {
        Value::String(s) => s == name,
        Value::Array(a) => a.iter().any(|x| x.as_str() == Some(name)),
        _ => false,
    }
}

/// The value of an image key: a URL, a list, or an object with `url`/`contentUrl`.
fn image_value(v: &Value, out: &mut Vec<String>, depth: u32) {
    if depth > 64 {
        return;
    }
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| image_value(x, out, depth + 1)),
        Value::Object(o) => {
            for k in ["contentUrl", "url"] {
                if let Some(Value::String(s)) = o.get(k) {
                    out.push(s.clone());
                }
            }
            // Nested objects (thumbnails, @graph entries) may hold more.
            for (k, x) in o {
                if k != "url" && k != "contentUrl" {
                    walk(x, out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// One image URL found in JSON held by a `data-*` attribute.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonImage {
    pub url: String,
    /// `[width, height]` given beside it (Amazon's `{"url": [w, h]}`).
    pub size: Option<(u32, u32)>,
    /// Its descriptor when it came from a srcset string inside the JSON.
    pub descriptor: Option<Descriptor>,
    /// URLs of one srcset string share a set number: versions of one picture.
    pub set: Option<u32>,
}

/// The image URLs of JSON in a `data-*` attribute: string values and object keys that
/// look like image URLs (Amazon's `data-a-dynamic-image` keys its sizes by URL), and
/// every entry of a string value that is a srcset (`"srcset": "a.jpg 513w, b.jpg 376w"`,
/// as Salesforce Commerce shops write it) rather than that whole string as one URL.
pub fn json_attr_urls(text: &str) -> Vec<JsonImage> {
    let mut out = Vec::new();
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return out;
    };
    let mut sets = 0;
    collect_strings(&v, &mut out, &mut sets, 0);
    out
}

fn collect_strings(v: &Value, out: &mut Vec<JsonImage>, sets: &mut u32, depth: u32) {
    if depth > 32 {
        return;
    }
    match v {
        Value::String(s) if crate::srcset::has_descriptors(s) => {
            let set = *sets;
            *sets += 1;
            for e in crate::srcset::parse(s) {
                if crate::urls::looks_like_image(e.url) {
                    out.push(JsonImage {
                        url: e.url.to_string(),
                        size: None,
                        descriptor: e.descriptor,
                        set: Some(set),
                    });
                }
            }
        }
        Value::String(s) if crate::urls::looks_like_image(s) => out.push(JsonImage {
            url: s.clone(),
            size: None,
            descriptor: None,
            set: None,
        }),
        Value::Array(a) => a
            .iter()
            .for_each(|x| collect_strings(x, out, sets, depth + 1)),
        Value::Object(o) => {
            for (k, x) in o {
                if crate::urls::looks_like_image(k) {
                    out.push(JsonImage {
                        url: k.clone(),
                        size: size_pair(x),
                        descriptor: None,
                        set: None,
                    });
                } else {
                    collect_strings(x, out, sets, depth + 1);
                }
            }
        }
        _ => {}
    }
}

fn size_pair(v: &Value) -> Option<(u32, u32)> {
    let a = v.as_array()?;
    let w = u32::try_from(a.first()?.as_u64()?).ok()?;
    let h = u32::try_from(a.get(1)?.as_u64()?).ok()?;
    Some((w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_of_image() {
        let got = image_urls(
            r#"{"@context":"https://schema.org","@graph":[
                {"@type":"Product","name":"X","image":["a.jpg","b.jpg"],
                 "offers":{"@type":"Offer","url":"https://shop/x"}},
                {"@type":"Article","image":{"@type":"ImageObject","url":"c.jpg","width":800}},
                {"@type":"ImageObject","contentUrl":"d.jpg"},
                {"@type":"Organization","logo":"e.png","url":"https://shop/"}]}"#,
        );
        assert_eq!(got, vec!["a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.png"]);
    }

    #[test]
    fn broken_json_is_tolerated() {
        let got = image_urls("<!--\n{\"@type\":\"Product\",\"image\":\"a\nb.jpg\",}\n-->");
        assert_eq!(got, vec!["a b.jpg"]);
        let got = image_urls(r#"{"image": "x.jpg", "name": "unterminated"#);
        assert_eq!(got, vec!["x.jpg"]);
        assert_eq!(
            image_urls("{\"image\":\"1.jpg\"}{\"image\":\"2.jpg\"}"),
            vec!["1.jpg", "2.jpg"]
        );
        assert!(image_urls("not json").is_empty());
    }

    #[test]
    fn amazon_dynamic_image() {
        let got = json_attr_urls(
            r#"{"https://m.media-amazon.com/images/I/a._SX300_.jpg":[300,300],"https://m.media-amazon.com/images/I/a._SX679_.jpg":[679,679]}"#,
        );
        assert_eq!(
            got[1].url,
            "https://m.media-amazon.com/images/I/a._SX679_.jpg"
        );
        assert_eq!(got[1].size, Some((679, 679)));
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn a_srcset_string_in_json_gives_its_entries_as_one_set() {
        // The shape of paris.cl's data-lgimg (corpus page product-0bf9a333844e).
        let got = json_attr_urls(
            r#"{"url":"https://s.example/p/1.jpg?sw=513", "title":"Consola", "srcset":"https://s.example/p/1.jpg?sw=513 513w, https://s.example/p/1.jpg?sw=376 376w"}"#,
        );
        let mut urls: Vec<_> = got.iter().map(|j| j.url.as_str()).collect();
        urls.sort_unstable();
        assert_eq!(
            urls,
            [
                "https://s.example/p/1.jpg?sw=376",
                "https://s.example/p/1.jpg?sw=513",
                "https://s.example/p/1.jpg?sw=513",
            ]
        );
        assert!(
            urls.iter().all(|u| !u.contains(' ')),
            "no srcset text as a URL: {urls:?}"
        );
        let set: Vec<_> = got.iter().filter(|j| j.set.is_some()).collect();
        assert_eq!(set.len(), 2);
        assert_eq!(set[0].descriptor, Some(Descriptor::Width(513)));
        assert_eq!(set[1].descriptor, Some(Descriptor::Width(376)));
        assert_eq!(set[0].set, set[1].set);
    }
}
