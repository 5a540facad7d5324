//! Small shared helpers: file discovery, reading, and a minimal XML tag/entity scanner (enough
//! for TimeML and CAT XML; no DTDs, no namespaces).

use std::path::{Path, PathBuf};

use crate::EvalError;

/// Reads a UTF-8 file (a leading BOM is dropped), naming the path on error.
pub fn read(path: &Path) -> Result<String, EvalError> {
    let s = std::fs::read_to_string(path).map_err(|e| EvalError::io(path, e))?;
    Ok(match s.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => s,
    })
}

/// Files under `dir` (recursively) accepted by `keep`, sorted by path. Hidden entries are skipped.
pub fn files_under(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Result<Vec<PathBuf>, EvalError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| EvalError::io(&d, e))? {
            let entry = entry.map_err(|e| EvalError::io(&d, e))?;
            let p = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else if keep(&p) {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Sorted entries directly inside `dir`.
pub fn list_dir(dir: &Path) -> Result<Vec<PathBuf>, EvalError> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| EvalError::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    out.sort();
    Ok(out)
}

pub fn has_ext(p: &Path, ext: &str) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

pub fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Decodes the five XML entities and numeric character references; anything else is kept.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    storyline_text::references::decode_into(s, false, &mut out);
    out
}

/// A parsed XML tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub closing: bool,
    pub self_closing: bool,
    pub attrs: Vec<(String, String)>,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Parses the inside of `<…>` (without the angle brackets). Comments, declarations and
/// processing instructions come back with an empty name.
pub fn parse_tag(inner: &str) -> Tag {
    let mut t = Tag { name: String::new(), closing: false, self_closing: false, attrs: Vec::new() };
    let mut s = inner.trim();
    if s.starts_with('!') || s.starts_with('?') {
        return t;
    }
    if let Some(r) = s.strip_prefix('/') {
        t.closing = true;
        s = r;
    }
    if let Some(r) = s.strip_suffix('/') {
        t.self_closing = true;
        s = r;
    }
    let name_end = s.find(|c: char| c.is_whitespace()).unwrap_or(s.len());
    t.name = s[..name_end].to_string();
    let mut rest = &s[name_end..];
    loop {
        rest = rest.trim_start();
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq].trim().to_string();
        let after = rest[eq + 1..].trim_start();
        let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else { break };
        let Some(close) = after[1..].find(q) else { break };
        t.attrs.push((key, unescape(&after[1..1 + close])));
        rest = &after[close + 2..];
    }
    t
}

/// Every tag in `xml`, with the byte range of the whole `<…>`.
pub fn tags(xml: &str) -> impl Iterator<Item = (usize, usize, Tag)> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        let start = pos + xml[pos..].find('<')?;
        let end = start + xml[start..].find('>')? + 1;
        pos = end;
        Some((start, end, parse_tag(&xml[start + 1..end - 1])))
    })
}

/// Documents on which an analysis step panicked: scored as if it found nothing, and reported.
#[derive(Debug, Clone, Default)]
pub struct Panics {
    pub count: usize,
    pub names: Vec<String>,
}

impl Panics {
    /// Runs `f`, catching a panic (recorded under `name`; the panic message still goes to stderr).
    pub fn guard<T>(&mut self, name: &str, f: impl FnOnce() -> T) -> Option<T> {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
            Ok(v) => Some(v),
            Err(_) => {
                self.count += 1;
                if self.names.len() < 5 {
                    self.names.push(name.to_string());
                }
                None
            }
        }
    }

    /// Adds the count to `extra` and a note naming the documents, when there were panics.
    pub fn report(&self, extra: &mut Vec<crate::Metric>, notes: &mut Vec<String>) {
        if self.count > 0 {
            extra.push(crate::Metric::count("analysis panics (scored as empty)", self.count));
            notes.push(format!(
                "WARNING: the analysis panicked on {} item(s), e.g. {}",
                self.count,
                self.names.join(", ")
            ));
        }
    }
}

/// Words of `s`: maximal runs of alphanumeric characters, lowercased.
pub fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

/// The gold data directory shared beside the repository, for the smoke tests marked
/// `#[ignore = "needs ../shared…"]` (`.ci/run` runs them); a clear failure when it is absent.
#[cfg(test)]
pub fn shared_data(rel: &str) -> PathBuf {
    let p = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(rel);
    assert!(p.exists(), "gold data not found at {} (it ships beside the repository)", p.display());
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_entities() {
        let t = parse_tag(r#"TIMEX3 tid="t1" type='DATE' value="2001-02-03""#);
        assert_eq!(t.name, "TIMEX3");
        assert_eq!(t.attr("type"), Some("DATE"));
        assert_eq!(t.attr("value"), Some("2001-02-03"));
        assert!(parse_tag("/TIMEX3").closing);
        assert!(parse_tag("token_anchor t_id=\"9\"/").self_closing);
        assert_eq!(
            unescape("a &amp; b &lt;c&gt; &quot;d&apos; &#233; &bogus"),
            "a & b <c> \"d' é &bogus"
        );
        let all: Vec<String> = tags("<a x=\"1\">hi</a><b/>").map(|(_, _, t)| t.name).collect();
        assert_eq!(all, ["a", "a", "b"]);
    }
}
