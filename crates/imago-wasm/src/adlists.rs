//! `AdLists`: the ad/tracker lists (EasyList, EasyPrivacy) matched by the core's
//! [`Blocklist`] — Brave's engine, the one `imago list` and `imago grab` use — so the
//! grid drops the same images the command line drops.
//!
//! The engine is built once from the list texts (a few hundred milliseconds for the 3.4 MB
//! of EasyList + EasyPrivacy) and kept in WebAssembly memory: JavaScript holds the handle
//! and asks it about many URLs.

use imago_core::blocklist::Blocklist;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::boundary::{list_from_js, to_js, Error};

/// One list: its name (for errors) and its text.
#[derive(Debug, Clone, Deserialize)]
pub struct ListText {
    pub name: String,
    pub text: String,
}

/// Builds the matcher; a list without a single rule is refused by name.
pub fn build(lists: Vec<ListText>) -> Result<Blocklist, Error> {
    if lists.is_empty() {
        return Err(Error::new(
            "lists: no list given (pass EasyList, EasyPrivacy or any list in Adblock Plus syntax)",
        ));
    }
    Blocklist::from_lists(lists.into_iter().map(|l| (l.name, l.text)))
        .map_err(|e| Error::new(e.to_string()))
}

/// Indices (in input order) of the URLs the lists block as images loaded by `page`.
pub fn blocked_indices(lists: &Blocklist, urls: &[String], page: &str) -> Vec<usize> {
    urls.iter()
        .enumerate()
        .filter(|(_, url)| lists.blocks_image(url, page))
        .map(|(i, _)| i)
        .collect()
}

/// The lists, ready to match. Free it with `free()` when done (the grid keeps one for
/// its lifetime).
#[wasm_bindgen(js_name = AdLists)]
pub struct AdLists {
    lists: Blocklist,
}

#[wasm_bindgen(js_class = AdLists)]
impl AdLists {
    /// `new AdLists([{name, text}, ...])`: throws when a list holds no rule, naming it.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ListText[]")] lists: JsValue,
    ) -> Result<AdLists, JsError> {
        let lists: Vec<ListText> = list_from_js("lists", lists)?;
        Ok(AdLists {
            lists: build(lists)?,
        })
    }

    /// Rule lines read over all lists.
    #[wasm_bindgen(getter)]
    pub fn rules(&self) -> usize {
        self.lists.rules()
    }

    /// Which of `urls` the lists block as images of `pageUrl`: their indices, in order.
    /// `data:` and relative URLs are never blocked.
    #[wasm_bindgen(unchecked_return_type = "number[]")]
    pub fn blocked(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] urls: JsValue,
        #[wasm_bindgen(js_name = pageUrl)] page_url: &str,
    ) -> Result<JsValue, JsError> {
        let urls: Vec<String> = list_from_js("urls", urls)?;
        to_js(&blocked_indices(&self.lists, &urls, page_url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(name: &str, text: &str) -> ListText {
        ListText {
            name: name.into(),
            text: text.into(),
        }
    }

    #[test]
    fn blocks_by_path_and_host_rules_and_keeps_the_rest_in_order() {
        let lists = build(vec![
            list("easylist.txt", "! c\n/adbanners/*$image\n"),
            list("easyprivacy.txt", "||pixel.example^$third-party\n"),
        ])
        .unwrap();
        let urls: Vec<String> = [
            "https://shop.example/p/shoe.jpg",
            "https://shop.example/adbanners/sale.png",
            "https://pixel.example/t.gif?id=1",
            "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
            "https://shop.example/p/shoe-2.jpg",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            blocked_indices(&lists, &urls, "https://shop.example/p/1"),
            [1, 2]
        );
        assert_eq!(lists.rules(), 2);
    }

    #[test]
    fn a_list_without_rules_and_no_list_at_all_are_refused() {
        let e = build(vec![
            list("a.txt", "||a.example^\n"),
            list("b.txt", "! x\n"),
        ])
        .unwrap_err();
        assert!(e.0.starts_with("b.txt: holds no filter rule"), "{e}");
        let e = build(vec![]).unwrap_err();
        assert!(e.0.contains("no list given"), "{e}");
    }
}
