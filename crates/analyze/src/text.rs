//! Shared low-level text helpers: a small word tokenizer over byte ranges and char↔byte span
//! conversion. Internal to the crate.

use storyline_model::offsets::CharIndex;
use storyline_model::Span;

use storyline_text::sentences::is_abbreviation;

/// One token: a word (letters/digits with inner `-`, `'`, `’`, `.`, `&`) or a single punctuation char.
/// Offsets are bytes into the full text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tok {
    pub s: usize,
    pub e: usize,
    pub word: bool,
}

impl Tok {
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.s..self.e]
    }
}

fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '\'' | '’' | '.' | '&' | '‑')
}

/// Whether `w` (without a final dot) is letters separated by single dots: "U.S", "e.g", "J".
fn is_dotted_initials(w: &str) -> bool {
    !w.is_empty()
        && w.split('.').all(|seg| {
            let mut cs = seg.chars();
            matches!((cs.next(), cs.next()), (Some(c), None) if c.is_alphabetic())
        })
}

/// Tokenizes `text[start..end]` (byte offsets on char boundaries).
pub fn tokenize(text: &str, start: usize, end: usize) -> Vec<Tok> {
    let mut out = Vec::with_capacity((end - start) / 5 + 1);
    let s = &text[start..end];
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            continue;
        }
        if c.is_alphanumeric() {
            let mut e = i + c.len_utf8();
            loop {
                match it.peek() {
                    Some(&(_, c2)) if c2.is_alphanumeric() => {
                        e += c2.len_utf8();
                        it.next();
                    }
                    Some(&(j, c2)) if is_joiner(c2) => {
                        // Join only when a letter/digit follows the joiner.
                        let after = s[j + c2.len_utf8()..].chars().next();
                        if after.is_some_and(|a| a.is_alphanumeric()) {
                            e = j + c2.len_utf8();
                            it.next();
                        } else {
                            break;
                        }
                    }
                    _ => break,
                }
            }
            // A final dot belongs to initials ("U.S.", "J.") and known abbreviations ("Mr.", "Gen.").
            if let Some(&(j, '.')) = it.peek() {
                let w = &s[i..e];
                if is_dotted_initials(w) || is_abbreviation(w) {
                    e = j + 1;
                    it.next();
                }
            }
            out.push(Tok { s: start + i, e: start + e, word: true });
        } else {
            out.push(Tok { s: start + i, e: start + i + c.len_utf8(), word: false });
        }
    }
    out
}

/// Byte ranges of the given char spans.
pub fn spans_to_bytes(idx: &CharIndex, spans: &[Span]) -> Vec<(usize, usize)> {
    spans.iter().map(|s| (idx.byte_of(s.start), idx.byte_of(s.end))).collect()
}

/// The lines of a text (split at `\n`), found by binary search: what `rfind('\n')` and
/// `find('\n')` around a position give, without reading the line each time.
pub struct Lines {
    /// Byte offset of each line's start (0 first).
    starts: Vec<usize>,
    len: usize,
}

impl Lines {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1));
        Lines { starts, len: text.len() }
    }

    /// Index of the line holding byte `pos` (a `\n` belongs to the line it ends).
    pub fn line_of(&self, pos: usize) -> usize {
        self.starts.partition_point(|&s| s <= pos).saturating_sub(1)
    }

    /// Where the line holding byte `pos` starts: after the last `\n` before `pos`.
    pub fn start(&self, pos: usize) -> usize {
        self.starts[self.line_of(pos)]
    }

    /// Where the line holding byte `pos` ends: at the first `\n` at or after `pos`, else the
    /// text's end.
    pub fn end(&self, pos: usize) -> usize {
        let next = self.starts.partition_point(|&s| s <= pos);
        self.starts.get(next).map_or(self.len, |&s| s - 1)
    }

    /// Byte range of line `i` (without its `\n`).
    pub fn range(&self, i: usize) -> (usize, usize) {
        (self.starts[i], self.starts.get(i + 1).map_or(self.len, |&s| s - 1))
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }
}

/// Index of the byte range containing byte `pos` (ranges sorted, non-overlapping).
pub fn range_of(ranges: &[(usize, usize)], pos: usize) -> Option<usize> {
    let i = ranges.partition_point(|r| r.1 <= pos);
    (i < ranges.len() && ranges[i].0 <= pos).then_some(i)
}

/// The last `n` words of `text` (runs of letters and digits), lowercased with [`lower`], the
/// nearest first.
pub fn last_words(text: &str, n: usize) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev()
        .take(n)
        .map(lower)
        .collect()
}

/// Lowercases ASCII-ish for table look-ups, folding the curly apostrophe.
pub fn lower(w: &str) -> String {
    if w.is_ascii() {
        // No curly apostrophe and nothing beyond ASCII case: one pass, one allocation.
        return w.to_ascii_lowercase();
    }
    w.to_lowercase().replace('’', "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_agree_with_find_and_rfind() {
        for t in ["", "\n", "one", "one\ntwo\n\nthree", "\n\nx\n", "é\nü"] {
            let lines = Lines::new(t);
            for pos in (0..=t.len()).filter(|&p| t.is_char_boundary(p)) {
                let start = t[..pos].rfind('\n').map_or(0, |i| i + 1);
                let end = t[pos..].find('\n').map_or(t.len(), |i| pos + i);
                assert_eq!((lines.start(pos), lines.end(pos)), (start, end), "{t:?} at {pos}");
                let (a, b) = lines.range(lines.line_of(pos));
                assert!(a <= pos && pos <= b.max(a) + 1, "{t:?} at {pos}");
            }
        }
    }

    #[test]
    fn tokenizes_initials_possessives_and_hyphens() {
        let t = "U.S. President J. Smith’s 30-day plan, Mr. Lee.";
        let toks: Vec<&str> = tokenize(t, 0, t.len()).iter().map(|x| x.text(t)).collect();
        assert_eq!(
            toks,
            ["U.S.", "President", "J.", "Smith’s", "30-day", "plan", ",", "Mr.", "Lee", "."]
        );
    }
}
