//! Format sniffing: decides from the bytes/text themselves (never only the file extension) whether
//! an input is gzip, binary, JSON, JSON Lines, HTML, an RSS/Atom feed or plain text.

use regex::Regex;
use std::sync::LazyLock;

/// The text formats an input can be in (after decompression and decoding).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object, or an array of objects.
    Json,
    /// Several lines, each a JSON object.
    JsonLines,
    Html,
    /// RSS, RDF (RSS 1.0), Atom or JSON Feed.
    Feed,
    Text,
}

/// True when the bytes start with the gzip magic number.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.len() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
}

/// True for content that is clearly not text: NUL bytes or a high share of control characters in
/// the first 8 KB. Inputs with a UTF-16 byte-order mark are text (they are full of NULs).
pub fn is_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return false;
    }
    let head = &bytes[..bytes.len().min(8192)];
    if head.is_empty() {
        return false;
    }
    if head.contains(&0) {
        return true;
    }
    let control = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7f)
        .count();
    control * 10 > head.len()
}

/// True when the input holds nothing but whitespace (and possibly a BOM).
pub fn is_blank(text: &str) -> bool {
    text.trim_start_matches('\u{feff}').trim().is_empty()
}

static HTML_TAGS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)<(?:head|body|div|p|meta|title|article|section|span|h[1-6]|a|script|style|link|main|header|nav|ul|li|br|img|table)[\s>/]",
    )
    .unwrap()
});

/// Sniffs a decoded text's format from its first characters.
pub fn sniff(text: &str) -> Format {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let head: String = t.chars().take(2048).collect();
    let lower = head.to_ascii_lowercase();
    if lower.starts_with('{') && lower.contains("jsonfeed.org/version") {
        return Format::Feed;
    }
    // A page's markup may hold JSON objects on lines of their own (JSON-LD): never JSON Lines.
    if !lower.starts_with('<') && looks_like_jsonl(t) {
        return Format::JsonLines;
    }
    if lower.starts_with('{') {
        return Format::Json;
    }
    if let Some(after) = lower.strip_prefix('[') {
        let next = after.trim_start().chars().next();
        if matches!(next, Some('{' | '[' | ']' | '"')) {
            return Format::Json;
        }
        return Format::Text;
    }
    if lower.starts_with('<') {
        // Skip an XML declaration, comments and a doctype to find the root element.
        let root = root_element(&lower);
        if lower.starts_with("<!doctype html") || root.starts_with("html") {
            return Format::Html;
        }
        if root.starts_with("rss") || root.starts_with("feed") || root.starts_with("rdf:rdf") {
            return Format::Feed;
        }
        if HTML_TAGS.find_iter(&head).take(2).count() >= 2 {
            return Format::Html;
        }
    }
    Format::Text
}

/// The name of the first element after any `<?xml?>`, `<!-- -->` and `<!doctype>` prologue.
fn root_element(lower: &str) -> &str {
    let mut s = lower;
    loop {
        s = s.trim_start();
        if let Some(rest) = s.strip_prefix("<?") {
            match rest.find("?>") {
                Some(i) => s = &rest[i + 2..],
                None => return "",
            }
        } else if let Some(rest) = s.strip_prefix("<!--") {
            match rest.find("-->") {
                Some(i) => s = &rest[i + 3..],
                None => return "",
            }
        } else if let Some(rest) = s.strip_prefix("<!") {
            match rest.find('>') {
                Some(i) => s = &rest[i + 1..],
                None => return "",
            }
        } else if let Some(rest) = s.strip_prefix('<') {
            return rest;
        } else {
            return "";
        }
    }
}

/// Non-empty lines looked at to decide JSON Lines (the decision reads no further).
const JSONL_SAMPLE_LINES: usize = 1000;

/// JSON Lines, decided by its lines, not its first character: among the first
/// [`JSONL_SAMPLE_LINES`] non-empty lines at least two are each a whole JSON object (or one is,
/// beside at most one other line: a header and its record), or most of several lines open an
/// object (records all broken are still records, each named), and the whole is not one JSON value
/// (a pretty-printed object). Lines that are not objects — a header, a truncated record — do not
/// turn the file into text however many they are: the reader names each and keeps the good ones.
fn looks_like_jsonl(t: &str) -> bool {
    let (mut lines, mut objects, mut openers) = (0, 0, 0);
    for line in t.lines().map(str::trim).filter(|l| !l.is_empty()).take(JSONL_SAMPLE_LINES) {
        lines += 1;
        openers += usize::from(line.starts_with('{'));
        objects += usize::from(is_json_object(line));
    }
    let enough = objects >= 2
        || (objects == 1 && lines == 2)
        || (lines >= 2 && openers * 2 > lines && t.starts_with('{'));
    // A pretty-printed single value also has several lines: accept it as JSON when it parses.
    enough && serde_json::from_str::<serde::de::IgnoredAny>(t).is_err()
}

/// Whether one line is a whole JSON object (a cheap shape check before parsing).
fn is_json_object(line: &str) -> bool {
    line.starts_with('{')
        && line.ends_with('}')
        && serde_json::from_str::<serde::de::IgnoredAny>(line).is_ok()
}
