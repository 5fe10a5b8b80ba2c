//! A small, fast HTML tokenizer: just enough of the WHATWG tokenizer for discovery.
//!
//! It jumps from `<` to `<` with memchr, parses attributes in place and hands out `&str`
//! slices of the input; character references are left in place and decoded only in the
//! values a caller keeps ([`entities::decode`]). The contents of raw-text elements
//! (`script`, `style`, `textarea`, `title`, ...) come out as one [`Token::Text`].

pub mod entities;
mod entity_table;

pub use entities::{decode, Context};

/// One attribute, its value still encoded (see [`entities::decode`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attr<'a> {
    pub name: &'a str,
    pub value: &'a str,
}

/// What the tokenizer found. Text outside raw-text elements is skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token<'a> {
    /// A start tag; its attributes are in the buffer given to [`Tokenizer::next_token`].
    Start { name: &'a str, self_closing: bool },
    /// An end tag.
    End { name: &'a str },
    /// The contents of a raw-text element (the one whose start tag came just before).
    Text(&'a str),
}

/// Elements whose contents are text, not markup.
const RAW_TEXT: [&str; 8] = [
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

/// Elements that never have contents.
pub const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// `true` for a void element (`img`, `br`, ...), case-insensitive.
pub fn is_void(name: &str) -> bool {
    VOID.iter().any(|v| v.eq_ignore_ascii_case(name))
}

/// The first value of attribute `name` (ASCII case-insensitive), still encoded.
pub fn attr<'a>(attrs: &[Attr<'a>], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(name))
        .map(|a| a.value)
}

/// Walks an HTML document token by token.
pub struct Tokenizer<'a> {
    src: &'a str,
    pos: usize,
    /// Set after the start tag of a raw-text element: the next token is its text.
    raw_end: Option<&'static str>,
}

impl<'a> Tokenizer<'a> {
    pub fn new(src: &'a str) -> Tokenizer<'a> {
        Tokenizer {
            src,
            pos: 0,
            raw_end: None,
        }
    }

    /// Byte offset of the next unread character.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The next token, filling `attrs` (cleared first) for a start tag; `None` at the end.
    pub fn next_token(&mut self, attrs: &mut Vec<Attr<'a>>) -> Option<Token<'a>> {
        attrs.clear();
        let src = self.src;
        let bytes = src.as_bytes();
        if let Some(name) = self.raw_end.take() {
            let start = self.pos;
            let end = find_raw_end(bytes, start, name);
            self.pos = end;
            return Some(Token::Text(src.get(start..end).unwrap_or("")));
        }
        loop {
            let lt = self.pos + memchr::memchr(b'<', bytes.get(self.pos..)?)?;
            let next = bytes.get(lt + 1).copied();
            match next {
                Some(b'!') => {
                    self.pos = skip_markup_declaration(bytes, lt + 2);
                }
                Some(b'?') => {
                    self.pos = skip_to_gt(bytes, lt + 2);
                }
                Some(b'/') => match bytes.get(lt + 2) {
                    Some(c) if c.is_ascii_alphabetic() => {
                        let name_end = tag_name_end(bytes, lt + 2);
                        let name = src.get(lt + 2..name_end).unwrap_or("");
                        // End tags may carry attributes; they are parsed (for quotes) and dropped.
                        let (end, _) = parse_attributes(src, name_end, attrs)?;
                        attrs.clear();
                        self.pos = end;
                        return Some(Token::End { name });
                    }
                    Some(b'>') => self.pos = lt + 3,
                    _ => self.pos = skip_to_gt(bytes, lt + 2),
                },
                Some(c) if c.is_ascii_alphabetic() => {
                    let name_end = tag_name_end(bytes, lt + 1);
                    let name = src.get(lt + 1..name_end).unwrap_or("");
                    // A tag cut off by the end of the file is dropped, as browsers do.
                    let (end, self_closing) = parse_attributes(src, name_end, attrs)?;
                    self.pos = end;
                    if let Some(raw) = RAW_TEXT.iter().find(|r| r.eq_ignore_ascii_case(name)) {
                        self.raw_end = Some(raw);
                    } else if name.eq_ignore_ascii_case("plaintext") {
                        self.raw_end = Some("\u{0}plaintext");
                    }
                    return Some(Token::Start { name, self_closing });
                }
                _ => self.pos = lt + 1,
            }
        }
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

fn tag_name_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while let Some(&c) = bytes.get(i) {
        if is_space(c) || c == b'/' || c == b'>' {
            break;
        }
        i += 1;
    }
    i
}

fn skip_to_gt(bytes: &[u8], from: usize) -> usize {
    match bytes.get(from..).and_then(|r| memchr::memchr(b'>', r)) {
        Some(i) => from + i + 1,
        None => bytes.len(),
    }
}

/// After `<!`: a comment, a CDATA section or a bogus comment (DOCTYPE).
fn skip_markup_declaration(bytes: &[u8], from: usize) -> usize {
    let rest = bytes.get(from..).unwrap_or(&[]);
    if rest.starts_with(b"--") {
        // `<!-->` and `<!--->` are complete (empty) comments.
        if rest.get(2) == Some(&b'>') {
            return from + 3;
        }
        if rest.get(2..4) == Some(b"->") {
            return from + 4;
        }
        return match memchr::memmem::find(&rest[2..], b"-->") {
            Some(i) => from + 2 + i + 3,
            None => bytes.len(),
        };
    }
    if rest.starts_with(b"[CDATA[") {
        return match memchr::memmem::find(rest, b"]]>") {
            Some(i) => from + i + 3,
            None => bytes.len(),
        };
    }
    skip_to_gt(bytes, from)
}

/// Where the text of a raw-text element ends: at `</name` followed by a space, `/` or
/// `>`, compared without case.
fn find_raw_end(bytes: &[u8], from: usize, name: &str) -> usize {
    if name.starts_with('\u{0}') {
        return bytes.len();
    }
    let n = name.len();
    let mut at = from;
    while let Some(i) = bytes.get(at..).and_then(|r| memchr::memmem::find(r, b"</")) {
        let lt = at + i;
        let cand = bytes.get(lt + 2..lt + 2 + n);
        if cand.is_some_and(|c| c.eq_ignore_ascii_case(name.as_bytes())) {
            match bytes.get(lt + 2 + n) {
                Some(&c) if is_space(c) || c == b'/' || c == b'>' => return lt,
                None => return lt,
                _ => {}
            }
        }
        at = lt + 2;
    }
    bytes.len()
}

/// Parses attributes from `from` to the closing `>`; returns the position after it and
/// whether the tag was self-closing. `None` when the file ends inside the tag.
fn parse_attributes<'a>(
    src: &'a str,
    from: usize,
    attrs: &mut Vec<Attr<'a>>,
) -> Option<(usize, bool)> {
    let bytes = src.as_bytes();
    let mut i = from;
    loop {
        // Before an attribute name: spaces and stray slashes.
        let mut slash = false;
        loop {
            let c = *bytes.get(i)?;
            if is_space(c) {
                slash = false;
                i += 1;
            } else if c == b'/' {
                slash = true;
                i += 1;
            } else {
                break;
            }
        }
        if bytes.get(i) == Some(&b'>') {
            return Some((i + 1, slash));
        }
        // The name; a leading `=` belongs to it (spec).
        let name_start = i;
        i += 1;
        while let Some(&c) = bytes.get(i) {
            if is_space(c) || c == b'/' || c == b'>' || c == b'=' {
                break;
            }
            i += 1;
        }
        let name = src.get(name_start..i)?;
        while bytes.get(i).is_some_and(|&c| is_space(c)) {
            i += 1;
        }
        let mut value = "";
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while bytes.get(i).is_some_and(|&c| is_space(c)) {
                i += 1;
            }
            match *bytes.get(i)? {
                q @ (b'"' | b'\'') => {
                    let start = i + 1;
                    let end = start + memchr::memchr(q, bytes.get(start..)?)?;
                    value = src.get(start..end)?;
                    i = end + 1;
                }
                b'>' => {}
                _ => {
                    let start = i;
                    while let Some(&c) = bytes.get(i) {
                        if is_space(c) || c == b'>' {
                            break;
                        }
                        i += 1;
                    }
                    value = src.get(start..i)?;
                }
            }
        }
        // The first of duplicate attributes wins, as in the DOM.
        if !attrs.iter().any(|a| a.name.eq_ignore_ascii_case(name)) {
            attrs.push(Attr { name, value });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(src: &str) -> Vec<String> {
        let mut t = Tokenizer::new(src);
        let mut attrs = Vec::new();
        let mut out = Vec::new();
        while let Some(tok) = t.next_token(&mut attrs) {
            out.push(match tok {
                Token::Start { name, self_closing } => {
                    let a: Vec<String> = attrs
                        .iter()
                        .map(|a| format!("{}={}", a.name, a.value))
                        .collect();
                    format!(
                        "<{name}{} {}>",
                        if self_closing { "/" } else { "" },
                        a.join(",")
                    )
                }
                Token::End { name } => format!("</{name}>"),
                Token::Text(t) => format!("T:{t}"),
            });
        }
        out
    }

    #[test]
    fn attributes_quotes_and_gt_inside_values() {
        assert_eq!(
            tokens(r#"<img src="a>b.jpg" alt='x "y"' data-x=unq width = 3 hidden/>"#),
            vec![r#"<img/ src=a>b.jpg,alt=x "y",data-x=unq,width=3,hidden=>"#]
        );
    }

    #[test]
    fn comments_doctype_and_raw_text() {
        let t = tokens(
            "<!DOCTYPE html><!-- <img src=no> --><!--><p><script>if (a<b) '</scrip'</script><STYLE>x</style >",
        );
        assert_eq!(
            t,
            vec![
                "<p >",
                "<script >",
                "T:if (a<b) '</scrip'",
                "</script>",
                "<STYLE >",
                "T:x",
                "</style>"
            ]
        );
    }

    #[test]
    fn truncated_tag_is_dropped_and_duplicates_keep_first() {
        assert_eq!(tokens("<img src=a src=b><img src=\"c"), vec!["<img src=a>"]);
        assert_eq!(tokens("a < b </ x> <3"), Vec::<String>::new());
    }
}
