//! The stack of open elements: enough of the HTML tree builder for site-rule selectors
//! and for knowing what an `<img>` sits in (a link, a `<picture>`, a `<noscript>`).

use crate::html::Attr;
use crate::siterules::{Element, PageRules};

/// How the group of an element is shared with the images inside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChildGroup {
    None,
    /// Every `<source>` and `<img>` inside shares it (`<picture>`).
    Shared(u32),
    /// The first image inside takes it (`<a href=big.jpg>`, a zoom container).
    Once(u32),
    /// Already taken.
    Taken,
}

/// One open element.
#[derive(Clone, Debug)]
pub struct Open<'a> {
    pub name: &'a str,
    /// Range of its attributes in [`Stack::attrs`] (kept only when rules need them).
    attrs: (u32, u32),
    pub child_group: ChildGroup,
    /// Its number in [`crate::discover::Collected::elements`] (main mode; else 0).
    pub serial: u32,
    pub included: bool,
    pub excluded: bool,
    pub foreign: bool,
    pub noscript: bool,
}

/// The open elements, root first.
pub struct Stack<'a> {
    pub open: Vec<Open<'a>>,
    attrs: Vec<Attr<'a>>,
    keep_attrs: bool,
    /// An `include` rule is in force: only what is inside a match counts (when
    /// anything on the page matched it).
    pub has_include: bool,
    /// Some element matched an `include` selector.
    pub any_included: bool,
}

/// Deep enough for any real page; deeper elements are treated as siblings.
const MAX_DEPTH: usize = 512;

/// An element as a selector sees it.
pub struct View<'s, 'a> {
    name: &'a str,
    attrs: &'s [Attr<'a>],
}

impl Element for View<'_, '_> {
    fn name(&self) -> &str {
        self.name
    }
    fn attr(&self, name: &str) -> Option<&str> {
        crate::html::attr(self.attrs, name)
    }
}

fn is(name: &str, list: &[&str]) -> bool {
    list.iter().any(|n| n.eq_ignore_ascii_case(name))
}

impl<'a> Stack<'a> {
    pub fn new(rules: &PageRules<'_>) -> Stack<'a> {
        Stack {
            open: Vec::with_capacity(64),
            attrs: Vec::new(),
            keep_attrs: !rules.is_empty(),
            has_include: !rules.include.is_empty(),
            any_included: false,
        }
    }

    /// The [`Open::serial`]s of the nearest `n` open elements, outermost first.
    pub fn serials(&self, n: usize) -> Vec<u32> {
        let from = self.open.len().saturating_sub(n);
        self.open[from..].iter().map(|o| o.serial).collect()
    }

    pub fn top(&self) -> Option<&Open<'a>> {
        self.open.last()
    }

    pub fn in_foreign(&self) -> bool {
        self.top().is_some_and(|o| o.foreign)
    }

    pub fn in_noscript(&self) -> bool {
        self.top().is_some_and(|o| o.noscript)
    }

    /// `false` inside an element an `exclude` rule names.
    pub fn counts(&self) -> bool {
        !self.top().is_some_and(|o| o.excluded)
    }

    /// `true` inside an element an `include` rule names, or when there is no such rule.
    pub fn inside(&self) -> bool {
        !self.has_include || self.top().is_some_and(|o| o.included)
    }

    /// Closes what a start tag `name` implicitly ends (`<li>` ends an open `<li>`, a
    /// block ends an open `<p>`, `<td>` ends a `<td>`, ...).
    pub fn close_implied(&mut self, name: &str) {
        // `name` is lowercase (the walker lowercases tag names).
        let (targets, boundary): (&[&str], &[&str]) = match name {
            "li" => (&["li"], &["ul", "ol", "menu", "table", "div", "body"]),
            "dt" | "dd" => (&["dt", "dd"], &["dl", "div", "table", "body"]),
            "option" | "optgroup" => (&["option"], &["select", "datalist", "body"]),
            "td" | "th" => (&["td", "th"], &["tr", "table", "body"]),
            "tr" => (
                &["tr", "td", "th"],
                &["table", "tbody", "thead", "tfoot", "body"],
            ),
            "tbody" | "thead" | "tfoot" => (
                &["tbody", "thead", "tfoot", "tr", "td", "th"],
                &["table", "body"],
            ),
            "address" | "article" | "aside" | "blockquote" | "center" | "details" | "dialog"
            | "dir" | "div" | "dl" | "fieldset" | "figcaption" | "figure" | "footer" | "form"
            | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "header" | "hgroup" | "hr" | "main"
            | "menu" | "nav" | "ol" | "p" | "pre" | "section" | "table" | "ul" => (
                &["p"],
                &["button", "table", "td", "th", "body", "html", "div", "li"],
            ),
            _ => return,
        };
        for k in (0..self.open.len()).rev() {
            let n = self.open[k].name;
            if is(n, targets) {
                self.truncate(k);
                return;
            }
            if is(n, boundary) || self.open[k].foreign {
                return;
            }
        }
    }

    fn truncate(&mut self, len: usize) {
        self.open.truncate(len);
        let end = self.open.last().map_or(0, |o| o.attrs.1 as usize);
        if self.keep_attrs {
            self.attrs.truncate(end);
        }
    }

    /// Opens an element (not called for void ones); its rule flags come from its
    /// ancestors and the selectors.
    pub fn push(
        &mut self,
        name: &'a str,
        attrs: &[Attr<'a>],
        child_group: ChildGroup,
        serial: u32,
        rules: &PageRules<'_>,
    ) {
        if self.open.len() >= MAX_DEPTH {
            return;
        }
        let parent = self.top();
        let foreign = parent.is_some_and(|p| p.foreign) || is(name, &["svg", "math"]);
        let noscript = parent.is_some_and(|p| p.noscript) || name.eq_ignore_ascii_case("noscript");
        let (inc, exc) = parent.map_or((false, false), |p| (p.included, p.excluded));
        let start = self.attrs.len() as u32;
        if self.keep_attrs {
            self.attrs.extend_from_slice(attrs);
        }
        self.open.push(Open {
            name,
            attrs: (start, self.attrs.len() as u32),
            child_group,
            serial,
            included: inc,
            excluded: exc,
            foreign,
            noscript,
        });
        if self.keep_attrs && (!inc || !exc) {
            let (i, e) = self.match_top(rules, !inc, !exc);
            if let Some(top) = self.open.last_mut() {
                top.included |= i;
                top.excluded |= e;
            }
            self.any_included |= i;
        }
    }

    /// Whether the selectors match the top element (checked only when not yet known).
    pub fn match_top(&self, rules: &PageRules<'_>, inc: bool, exc: bool) -> (bool, bool) {
        let path: Vec<View<'_, 'a>> = self
            .open
            .iter()
            .map(|o| View {
                name: o.name,
                attrs: &self.attrs[o.attrs.0 as usize..o.attrs.1 as usize],
            })
            .collect();
        let i = inc && rules.include.iter().any(|s| s.matches(&path));
        let e = exc && rules.exclude.iter().any(|s| s.matches(&path));
        (i, e)
    }

    /// [`Stack::counts`] and [`Stack::inside`] for a void element (pushed for the check
    /// and popped).
    pub fn void_flags(
        &mut self,
        name: &'a str,
        attrs: &[Attr<'a>],
        rules: &PageRules<'_>,
    ) -> (bool, bool) {
        if !self.keep_attrs {
            return (true, true);
        }
        let len = self.open.len();
        self.push(name, attrs, ChildGroup::None, 0, rules);
        let flags = (self.counts(), self.inside());
        self.truncate(len);
        flags
    }

    /// Closes the nearest open element named `name` and everything above it.
    pub fn pop(&mut self, name: &str) {
        if is(name, &["body", "html"]) {
            return;
        }
        if let Some(k) = self
            .open
            .iter()
            .rposition(|o| o.name.eq_ignore_ascii_case(name))
        {
            self.truncate(k);
        }
    }

    /// The group an image starting here belongs to: the `<picture>`'s, or the first
    /// claim on a linking/zoom container's; `None` for a group of its own.
    pub fn claim_group(&mut self) -> Option<u32> {
        for o in self.open.iter_mut().rev() {
            match o.child_group {
                ChildGroup::None => continue,
                ChildGroup::Shared(g) => return Some(g),
                ChildGroup::Once(g) => {
                    o.child_group = ChildGroup::Taken;
                    return Some(g);
                }
                ChildGroup::Taken => return None,
            }
        }
        None
    }
}
