//! A page's elements as the product-field walker (`product::markup`) sees them: the same
//! tokenizer, the same stack of open elements (no implied end tags, an end tag closing
//! up to its element within 64 levels, nothing deeper than 1024), so a selector's first
//! match here is its first match there. Each element keeps its attributes and where its
//! text is, read only when a field's value is looked for.

use std::collections::HashMap;

use crate::html::{attr, decode, is_void, Attr, Context, Token, Tokenizer};
use crate::siterules::Element;

/// Open elements kept at most, as the field walker keeps them.
const MAX_OPEN: usize = 1024;
/// How far up an end tag looks for its element, as in the field walker.
const END_REACH: usize = 64;
/// Longest text a value is read from, as in the field walker.
const MAX_TEXT: usize = 16 * 1024;
/// Elements recorded at most: a hostile page does not grow the table without bound.
const MAX_NODES: usize = 300_000;

/// One element.
pub(super) struct Node<'a> {
    pub name: &'a str,
    pub attrs: Vec<Attr<'a>>,
    pub parent: Option<u32>,
    /// Its `content` or `value` attribute, decoded: the value a rule reads before text.
    attr_value: Option<String>,
    /// Where its contents start and end (`usize::MAX` until an end tag closes it: the
    /// walker reads no other text); `None` for a void or self-closing element.
    text: Option<(usize, usize)>,
}

/// The elements of one page, in document order.
pub(super) struct Tree<'a> {
    html: &'a str,
    pub nodes: Vec<Node<'a>>,
    /// Elements by each class they carry, and by id, in document order.
    pub by_class: HashMap<&'a str, Vec<u32>>,
    pub by_id: HashMap<&'a str, Vec<u32>>,
    /// Elements by tag name, lower case.
    pub by_tag: HashMap<String, Vec<u32>>,
}

impl<'a> Tree<'a> {
    pub fn new(html: &'a str) -> Tree<'a> {
        let mut tree = Tree {
            html,
            nodes: Vec::new(),
            by_class: HashMap::new(),
            by_id: HashMap::new(),
            by_tag: HashMap::new(),
        };
        let mut stack: Vec<u32> = Vec::new();
        let mut tokens = Tokenizer::new(html);
        let mut attrs = Vec::new();
        while let Some(token) = tokens.next_token(&mut attrs) {
            match token {
                Token::Start { name, self_closing } => {
                    if stack.len() >= MAX_OPEN || tree.nodes.len() >= MAX_NODES {
                        continue;
                    }
                    let at = tree.nodes.len() as u32;
                    let has_text = !is_void(name) && !self_closing;
                    let attr_value = ["content", "value"]
                        .iter()
                        .find_map(|a| attr(&attrs, a))
                        .map(|v| decode(v, Context::Attribute).into_owned());
                    if let Some(id) = attr(&attrs, "id") {
                        tree.by_id.entry(id.trim()).or_default().push(at);
                    }
                    for c in attr(&attrs, "class").unwrap_or("").split_ascii_whitespace() {
                        let list = tree.by_class.entry(c).or_default();
                        if list.last() != Some(&at) {
                            list.push(at);
                        }
                    }
                    tree.by_tag
                        .entry(name.to_ascii_lowercase())
                        .or_default()
                        .push(at);
                    tree.nodes.push(Node {
                        name,
                        attrs: attrs.clone(),
                        parent: stack.last().copied(),
                        attr_value,
                        // Its text starts after the start tag; `usize::MAX`: not closed.
                        text: has_text.then(|| (tokens.position(), usize::MAX)),
                    });
                    if has_text {
                        stack.push(at);
                    }
                }
                Token::End { name } => {
                    let reach = stack.len().saturating_sub(END_REACH);
                    let Some(at) = stack[reach..]
                        .iter()
                        .rposition(|&i| tree.nodes[i as usize].name.eq_ignore_ascii_case(name))
                        .map(|i| reach + i)
                    else {
                        continue;
                    };
                    let end = tokens.position();
                    for i in stack.drain(at..) {
                        tree.nodes[i as usize].close(end);
                    }
                }
                Token::Text(_) => {}
            }
        }
        tree
    }

    /// What a rule selecting element `i` reads: its `content`/`value`, else its text
    /// (whitespace collapsed); `None` when it gives nothing.
    pub fn value(&self, i: u32) -> Option<String> {
        let n = self.nodes.get(i as usize)?;
        if let Some(v) = &n.attr_value {
            return clean(v);
        }
        let (start, end) = n.text?;
        if end == usize::MAX {
            return None;
        }
        let mut stop = end.min(start.saturating_add(MAX_TEXT));
        while !self.html.is_char_boundary(stop) {
            stop -= 1;
        }
        clean(&crate::product::visible_text(
            self.html.get(start..stop).unwrap_or(""),
        ))
    }

    /// The length of element `i`'s contents as written (a cheap bound before reading).
    pub fn raw_len(&self, i: u32) -> usize {
        match self.nodes.get(i as usize) {
            Some(Node {
                attr_value: Some(v),
                ..
            }) => v.len(),
            Some(Node {
                text: Some((s, e)), ..
            }) if *e != usize::MAX => e - s,
            _ => usize::MAX,
        }
    }

    /// `i`'s ancestors, nearest first.
    pub fn ancestors(&self, i: u32) -> impl Iterator<Item = u32> + '_ {
        std::iter::successors(self.nodes.get(i as usize).and_then(|n| n.parent), |&p| {
            self.nodes.get(p as usize).and_then(|n| n.parent)
        })
    }
}

impl<'a> Node<'a> {
    fn close(&mut self, end: usize) {
        if let Some((start, _)) = self.text {
            self.text = Some((start, end));
        }
    }

    pub fn attr(&self, name: &str) -> Option<&'a str> {
        attr(&self.attrs, name)
    }
}

impl Element for Node<'_> {
    fn name(&self) -> &str {
        self.name
    }
    fn attr(&self, name: &str) -> Option<&str> {
        attr(&self.attrs, name)
    }
}

/// Whitespace runs as one space, trimmed; `None` when empty.
pub(super) fn clean(s: &str) -> Option<String> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_from_text_or_attributes_and_parents_as_the_field_walker_keeps_them() {
        let html = r#"<div id="buy"><span class="p">€ 1,50</span><meta itemprop="price" content="1.50">
            <p>open <b>x</b></div><i>after</i>"#;
        let t = Tree::new(html);
        let names: Vec<&str> = t.nodes.iter().map(|n| n.name).collect();
        assert_eq!(names, ["div", "span", "meta", "p", "b", "i"]);
        assert_eq!(t.value(1).as_deref(), Some("€ 1,50"));
        assert_eq!(t.value(2).as_deref(), Some("1.50"));
        // `</div>` closes the `<p>` inside it; `<i>` is the div's sibling.
        assert_eq!(t.value(3).as_deref(), Some("open x"));
        assert_eq!(t.nodes[5].parent, None);
        assert_eq!(t.ancestors(4).collect::<Vec<_>>(), [3, 0]);
        assert_eq!(t.by_class["p"], [1]);
    }
}
