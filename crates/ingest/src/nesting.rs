//! How deep a page's elements nest, read from its tags in one linear pass without building a DOM,
//! and the page's text read the same way for pages too deep to parse.
//!
//! html5ever's tree builder scans its stack of open elements at every start tag (an open `<p>` in
//! button scope is closed first), so parsing a page nested D deep costs about n × D: 16,000
//! nested `<div>`s took 0.6 s in the parser alone, 100,000 (1.1 MB) most of a minute. That scan
//! is the library's, so the bound is ours: a page whose estimated depth exceeds
//! [`MAX_PARSE_DEPTH`] is never given to the parser; [`plain_text`] reads its text and title
//! from the tags instead (block elements end paragraphs; no boilerplate removal).
//!
//! The estimate follows the parser where it matters for depth: void elements, raw-text elements
//! (`<script>`, `<style>`, …) whose content holds no tags, elements whose end tag is optional
//! (`<p>`, `<li>`, table rows and cells, …) not counted, an end tag closing every element opened
//! inside the one it names, `/>` closing only inside SVG and MathML, and a new `<a>` closing an
//! open one. It is a guide, not the parser: wrong by a few levels on odd markup, never by the
//! depth of a hostile page.

use std::collections::HashMap;

use storyline_text::references::decode_into;

/// Character references are read as a browser reads the common ones (`&nbsp;` a space).
const HTML: bool = true;

/// Pages whose elements are estimated to nest deeper than this are not parsed into a DOM (real
/// pages nest a few dozen deep; html5ever's cost per start tag grows with the depth).
pub const MAX_PARSE_DEPTH: usize = 512;

/// Elements without content or end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
            | "param"
            | "keygen"
            | "frame"
            | "basefont"
            | "bgsound"
            | "image"
    )
}

/// Elements whose end tag may be left out (a sibling or the parent's end closes them): never
/// counted, so a page of a thousand unclosed `<p>`s is not deep.
fn is_optional_end(name: &str) -> bool {
    matches!(
        name,
        "p" | "li"
            | "dd"
            | "dt"
            | "option"
            | "optgroup"
            | "tr"
            | "td"
            | "th"
            | "thead"
            | "tbody"
            | "tfoot"
            | "caption"
            | "colgroup"
            | "rb"
            | "rt"
            | "rp"
            | "rtc"
            | "html"
            | "head"
            | "body"
    )
}

/// Elements whose content is text up to their end tag (no tags inside).
fn is_raw_text(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "textarea"
            | "title"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "noscript"
    )
}

/// Elements that end a paragraph of [`plain_text`].
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dd"
            | "dt"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "tr"
            | "table"
            | "section"
            | "article"
            | "main"
            | "header"
            | "footer"
            | "aside"
            | "nav"
            | "blockquote"
            | "pre"
            | "figure"
            | "figcaption"
            | "address"
            | "center"
            | "hr"
            | "form"
            | "body"
    )
}

/// One piece of a page, in order.
#[derive(Debug, PartialEq)]
enum Token<'a> {
    /// A start tag: its lowercase name and whether it ended in `/>`.
    Start(String, bool),
    End(String),
    /// Text between tags (entities not yet decoded).
    Text(&'a str),
    /// The content of a raw-text element (`<script>`, `<title>`, …), after its start tag.
    Raw(&'a str),
}

/// The tags and text of `html`, each byte looked at a bounded number of times.
struct Tokens<'a> {
    html: &'a str,
    at: usize,
    /// The raw-text element whose content comes next.
    raw: Option<String>,
}

impl<'a> Tokens<'a> {
    fn new(html: &'a str) -> Self {
        Tokens { html, at: 0, raw: None }
    }
}

/// The lowercase tag name starting at `bytes[0]` (ASCII letters, digits, `-`, `:`, `_`).
fn tag_name(bytes: &[u8]) -> String {
    let end = bytes
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b':' | b'_')))
        .unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase()
}

/// Where the tag whose name starts at `from` ends: just after its `>` (quoted attribute values
/// may hold `>`), and whether it ended in `/>`.
fn tag_end(bytes: &[u8], from: usize) -> (usize, bool) {
    let mut i = from;
    let mut quote = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return (i + 1, i > from && bytes[i - 1] == b'/'),
            None => {}
        }
        i += 1;
    }
    (bytes.len(), false)
}

/// The byte offset of the first `</name` (any case) at or after `from`.
fn find_end_tag(bytes: &[u8], from: usize, name: &str) -> Option<usize> {
    let n = name.len();
    let mut i = from;
    while let Some(p) = bytes[i..].iter().position(|&b| b == b'<') {
        let at = i + p;
        if bytes.get(at + 1) == Some(&b'/')
            && bytes.len() >= at + 2 + n
            && bytes[at + 2..at + 2 + n].eq_ignore_ascii_case(name.as_bytes())
        {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let bytes = self.html.as_bytes();
        if let Some(name) = self.raw.take() {
            let end = find_end_tag(bytes, self.at, &name).unwrap_or(bytes.len());
            let raw = &self.html[self.at..end];
            self.at = end;
            return Some(Token::Raw(raw));
        }
        loop {
            if self.at >= bytes.len() {
                return None;
            }
            let from = self.at;
            let Some(p) = bytes[from..].iter().position(|&b| b == b'<') else {
                self.at = bytes.len();
                return Some(Token::Text(&self.html[from..]));
            };
            let lt = from + p;
            if lt > from {
                self.at = lt;
                return Some(Token::Text(&self.html[from..lt]));
            }
            let rest = &bytes[lt + 1..];
            match rest.first() {
                Some(b'!') if rest.starts_with(b"!--") => {
                    let body = lt + 4;
                    self.at = self.html[body.min(bytes.len())..]
                        .find("-->")
                        .map_or(bytes.len(), |e| body + e + 3);
                }
                Some(b'!' | b'?') => {
                    self.at = bytes[lt..]
                        .iter()
                        .position(|&b| b == b'>')
                        .map_or(bytes.len(), |e| lt + e + 1);
                }
                Some(b'/') if rest.get(1).is_some_and(u8::is_ascii_alphabetic) => {
                    let name = tag_name(&rest[1..]);
                    self.at = tag_end(bytes, lt + 2 + name.len()).0;
                    return Some(Token::End(name));
                }
                Some(b) if b.is_ascii_alphabetic() => {
                    let name = tag_name(rest);
                    let (end, self_closing) = tag_end(bytes, lt + 1 + name.len());
                    self.at = end;
                    if is_raw_text(&name) && !self_closing {
                        self.raw = Some(name.clone());
                    }
                    return Some(Token::Start(name, self_closing));
                }
                _ => {
                    // A lone "<": text.
                    self.at = lt + 1;
                    return Some(Token::Text(&self.html[lt..lt + 1]));
                }
            }
        }
    }
}

/// The open elements of the estimate, with a count per name so an end tag finds its element
/// without searching the stack.
#[derive(Default)]
struct Open {
    stack: Vec<String>,
    count: HashMap<String, usize>,
    foreign: usize,
}

impl Open {
    fn push(&mut self, name: String) {
        if name == "svg" || name == "math" {
            self.foreign += 1;
        }
        *self.count.entry(name.clone()).or_default() += 1;
        self.stack.push(name);
    }

    /// Closes `name` and every element opened after it, when it is open.
    fn close(&mut self, name: &str) {
        if self.count.get(name).copied().unwrap_or(0) == 0 {
            return;
        }
        while let Some(top) = self.stack.pop() {
            if top == "svg" || top == "math" {
                self.foreign -= 1;
            }
            if let Some(c) = self.count.get_mut(&top) {
                *c -= 1;
            }
            if top == name {
                break;
            }
        }
    }

    fn start(&mut self, name: String, self_closing: bool) {
        if is_void(&name) || is_optional_end(&name) || (self_closing && self.foreign > 0) {
            return;
        }
        if name == "a" || name == "button" || name == "nobr" {
            self.close(&name);
        }
        self.push(name);
    }
}

/// The deepest nesting of `html`'s elements by the estimate above, counted up to `stop_at + 1`
/// (the scan stops there).
pub fn max_depth(html: &str, stop_at: usize) -> usize {
    let mut open = Open::default();
    let mut deepest = 0;
    for token in Tokens::new(html) {
        match token {
            Token::Start(name, self_closing) => {
                open.start(name, self_closing);
                deepest = deepest.max(open.stack.len());
                if deepest > stop_at {
                    break;
                }
            }
            Token::End(name) => open.close(&name),
            Token::Text(_) | Token::Raw(_) => {}
        }
    }
    deepest
}

/// Whether `html` should not be parsed into a DOM: nested deeper than [`MAX_PARSE_DEPTH`].
pub fn too_deep(html: &str) -> bool {
    max_depth(html, MAX_PARSE_DEPTH) > MAX_PARSE_DEPTH
}

/// A page's title (its first `<title>`) and text, read from its tags in one pass: the text of
/// every element but scripts, styles and the head, block elements ending paragraphs (joined by
/// blank lines), whitespace collapsed within a paragraph.
pub fn plain_text(html: &str) -> (Option<String>, String) {
    let mut title = None;
    let mut paragraphs: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut in_title = false;
    let mut skip_raw = false;
    let flush = |cur: &mut String, paragraphs: &mut Vec<String>| {
        let p = cur.split_whitespace().collect::<Vec<_>>().join(" ");
        if !p.is_empty() {
            paragraphs.push(p);
        }
        cur.clear();
    };
    for token in Tokens::new(html) {
        match token {
            Token::Start(name, self_closing) => {
                let raw = is_raw_text(&name) && !self_closing;
                in_title = raw && name == "title";
                skip_raw = raw && name != "textarea" && name != "title";
                if is_block(&name) {
                    flush(&mut cur, &mut paragraphs);
                }
            }
            Token::End(name) => {
                if is_block(&name) {
                    flush(&mut cur, &mut paragraphs);
                }
            }
            Token::Raw(raw) => {
                if in_title {
                    if title.is_none() {
                        let mut t = String::new();
                        decode_into(raw, HTML, &mut t);
                        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
                        title = (!t.is_empty()).then_some(t);
                    }
                } else if !skip_raw {
                    decode_into(raw, HTML, &mut cur);
                }
                in_title = false;
                skip_raw = false;
            }
            Token::Text(text) => decode_into(text, HTML, &mut cur),
        }
    }
    flush(&mut cur, &mut paragraphs);
    (title, paragraphs.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        format!(
            "<html><body>{}<p>Deep text.</p>{}</body></html>",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        )
    }

    #[test]
    fn depth_of_ordinary_markup() {
        assert_eq!(
            max_depth("<html><head><title>T</title></head><body><p>a<p>b</body></html>", 100),
            1
        );
        assert_eq!(max_depth(&nested(7), 100), 7);
        // Unclosed paragraphs and list items are siblings, not nesting.
        let list: String = (0..2_000).map(|i| format!("<li>item {i}<p>para {i}")).collect();
        assert_eq!(max_depth(&format!("<ul>{list}</ul>"), 10_000), 1);
        // A closing tag closes what was left open inside it.
        let spans = format!("<div>{}</div>", "<span>x".repeat(900)).repeat(3);
        assert_eq!(max_depth(&spans, 10_000), 901);
        // Tags in scripts, comments and quoted attributes are not tags.
        let hidden = format!(
            "<div title='<div><div>'><script>{}</script><!-- {} --></div>",
            "<div>".repeat(900),
            "<div>".repeat(900)
        );
        assert_eq!(max_depth(&hidden, 10_000), 2, "the div and its script");
        // `/>` closes inside SVG only.
        assert_eq!(max_depth(&format!("<svg>{}</svg>", "<path/>".repeat(900)), 10_000), 1);
        assert_eq!(max_depth(&"<div/>".repeat(900), 10_000), 900);
        // A new link closes the open one.
        assert_eq!(max_depth(&"<a href=x>link ".repeat(900), 10_000), 1);
    }

    #[test]
    fn a_deep_page_is_too_deep_and_the_scan_stops_early() {
        assert!(!too_deep(&nested(MAX_PARSE_DEPTH)));
        assert!(too_deep(&nested(MAX_PARSE_DEPTH + 1)));
        assert_eq!(max_depth(&nested(100_000), 10), 11);
    }

    #[test]
    fn plain_text_reads_paragraphs_and_title() {
        let page = "<html><head><title>Pier &amp; harbour</title><style>p{color:red}</style>\
                    <script>var a = '<p>no</p>';</script></head><body><div><div>The pier \
                    <b>reopened</b>&nbsp;on Friday.</div><p>Boats moor &#8220;again&#x201d;.\
                    <p>Fish &amp chips</div></body></html>";
        let (title, text) = plain_text(page);
        assert_eq!(title.as_deref(), Some("Pier & harbour"));
        assert_eq!(text, "The pier reopened on Friday.\n\nBoats moor “again”.\n\nFish &amp chips");
    }

    /// Cut and odd markup never panics: an `&` before multi-byte characters, unclosed comments,
    /// tags, quotes and raw-text elements, numbers that are no character.
    #[test]
    fn plain_text_takes_any_string() {
        for page in [
            "&ééééééé;",
            "&#x110000; &#99999999999; &#; &;",
            "<!--",
            "<!-- <div>",
            "<div title=\"a>b",
            "<script>never closed <div>",
            "<title/>x<script>y</script>",
            "</",
            "<",
            "<ü>",
            "a < b > c",
            "<textarea>kept <b>",
        ] {
            let (_, text) = plain_text(page);
            let _ = max_depth(page, 3);
            assert!(!text.contains("<div>"), "{page}: {text}");
        }
        assert_eq!(plain_text("<title/>x<script>y</script>").1, "x");
        assert_eq!(plain_text("&ééé;").1, "&ééé;");
    }
}
