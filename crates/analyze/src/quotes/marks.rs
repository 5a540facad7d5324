//! Quote marks: the quoted stretches of a text, before anyone asks who speaks them.
//!
//! Curly “…” and straight "…" pairs (a curly opener may close with a straight mark, a doubled
//! apostrophe `''` acts as a straight double mark), and single ‘…’ / '…' outside double quotes at
//! word boundaries. A quote never crosses a line break, so an unclosed mark only loses itself;
//! but a quote opening its paragraph and left open runs to the paragraph's end (the next
//! paragraph, opening with a mark again, continues it). The stretches never overlap: of a
//! nested or crossing pair, the one opening first stands.

/// One quoted stretch: byte offsets of the marks (open mark start, close mark end) and content.
#[derive(Debug, Clone, Copy)]
pub(super) struct Marks {
    pub open: usize,
    pub close_end: usize,
    pub cs: usize,
    pub ce: usize,
    /// Opens a paragraph and is not closed in it.
    pub open_ended: bool,
}

/// Longest stretch (bytes) a pair of straight single quotes may enclose.
const MAX_STRAIGHT_SINGLE: usize = 300;

/// How a double quotation mark may act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Open,
    Close,
    /// Straight `"` or a doubled apostrophe `''`: decided by its neighbours.
    Either,
}

/// A pair of marks in one line: (open mark start, close mark end, open mark length, close mark
/// length; 0 for a quote left open at the paragraph's end), byte offsets in the line.
type Pair = (usize, usize, usize, usize);

/// The quoted stretches of `text`, in text order, line by line.
pub(super) fn find_marks(text: &str) -> Vec<Marks> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let mut pairs = double_pairs(line);
        let singles = single_pairs(line, &pairs);
        pairs.extend(singles);
        for (o, e, olen, clen) in disjoint(pairs) {
            let (cs, ce) = (line_start + o + olen, line_start + e - clen);
            if ce > cs && !text[cs..ce].trim().is_empty() {
                out.push(Marks {
                    open: line_start + o,
                    close_end: line_start + e,
                    cs,
                    ce,
                    open_ended: clen == 0,
                });
            }
        }
        line_start += line.len();
    }
    out
}

/// The pairs in line order, none overlapping another: a pair that starts inside an earlier one
/// (a double pair nested in ‘…’, or two pairs crossing) is dropped, so the outer quote stands.
/// Attribution reads the text between consecutive quotes and relies on this order.
fn disjoint(mut pairs: Vec<Pair>) -> Vec<Pair> {
    pairs.sort();
    let mut end = 0;
    pairs.retain(|&(o, e, _, _)| {
        let keep = o >= end;
        if keep {
            end = e;
        }
        keep
    });
    pairs
}

/// The double-quoted pairs of one line, and a quote opening the line left open to its end.
fn double_pairs(line: &str) -> Vec<Pair> {
    let char_before = |b: usize| line[..b].chars().next_back();
    let char_after = |b: usize| line[b..].chars().next();
    let mut open: Option<(usize, usize)> = None;
    let mut pairs: Vec<Pair> = Vec::new();
    for (b, len, role) in double_marks(line) {
        let prev = char_before(b);
        let next = char_after(b + len);
        let can_close = match role {
            Role::Close => true,
            Role::Open => false,
            Role::Either => prev.is_some_and(|p| !p.is_whitespace()),
        };
        let can_open = match role {
            Role::Open => true,
            Role::Close => false,
            Role::Either => {
                prev.is_none_or(|p| {
                    p.is_whitespace() || matches!(p, '(' | '[' | '—' | '–' | '-' | ':' | '―')
                }) && next.is_some_and(|n| !n.is_whitespace())
            }
        };
        if open.is_some() && can_close {
            let (o, olen) = open.take().unwrap_or_default();
            pairs.push((o, b + len, olen, len));
        } else if can_open {
            open = Some((b, len));
        }
    }
    // A quote opening its paragraph and left open runs to the end of the paragraph (the next
    // paragraph, opening with a mark again, continues it).
    if let Some((o, olen)) = open {
        if line[..o].trim().is_empty() {
            let end = line.trim_end().len();
            if end > o + olen {
                pairs.push((o, end, olen, 0));
            }
        }
    }
    pairs
}

/// Single-quoted pairs (‘…’, '…') of one line outside the double-quoted stretches `dq`, at word
/// boundaries.
fn single_pairs(line: &str, dq: &[Pair]) -> Vec<Pair> {
    // The double pairs are in line order and never overlap: the one that may hold `b` is the
    // first ending after it.
    let inside = |b: usize| {
        let i = dq.partition_point(|&(_, e, _, _)| e <= b);
        dq.get(i).is_some_and(|&(o, _, _, _)| o < b)
    };
    let mut pairs = Vec::new();
    let mut sopen: Option<(usize, char)> = None;
    for (b, c, prev, next) in mark_candidates(line) {
        let opener = matches!(c, '‘' | '\'')
            && prev.is_none_or(|p| !p.is_alphanumeric() && p != '\'')
            && next.is_some_and(char::is_alphanumeric);
        let closer = matches!(c, '’' | '\'')
            && next.is_none_or(|n| !n.is_alphanumeric() && n != '\'')
            && prev.is_some_and(|p| !p.is_whitespace() && p != '\'');
        if opener && !inside(b) {
            sopen = Some((b, c));
        } else if closer {
            if let Some((o, oc)) = sopen.take() {
                // A straight apostrophe pair is a quote only over a short stretch.
                let plausible = oc != '\'' || b - o <= MAX_STRAIGHT_SINGLE;
                if !inside(o) && plausible {
                    pairs.push((o, b + c.len_utf8(), oc.len_utf8(), c.len_utf8()));
                }
            }
        }
    }
    pairs
}

/// The characters of `line` that can be quotation marks (`"`, `'` and the characters whose
/// first byte is 0xC2 or 0xE2: « » ‘ ’ “ ”…), each with its byte offset and the characters
/// before and after it. Every other character is read past as bytes, never decoded: the rules
/// below act on marks only.
fn mark_candidates(
    line: &str,
) -> impl Iterator<Item = (usize, char, Option<char>, Option<char>)> + '_ {
    line.bytes().enumerate().filter(|&(_, b)| matches!(b, b'"' | b'\'' | 0xC2 | 0xE2)).map(
        move |(b, _)| {
            // A lead byte or an ASCII byte: `b` starts a character.
            let c = line[b..].chars().next().unwrap_or_default();
            let prev = line[..b].chars().next_back();
            let next = line[b + c.len_utf8()..].chars().next();
            (b, c, prev, next)
        },
    )
}

/// Double quotation marks of one line: (byte offset in the line, byte length, role).
fn double_marks(line: &str) -> Vec<(usize, usize, Role)> {
    let mut out = Vec::new();
    let mut skip = false;
    for (b, c, prev, next) in mark_candidates(line) {
        if std::mem::take(&mut skip) {
            continue;
        }
        match c {
            '“' | '«' => out.push((b, c.len_utf8(), Role::Open)),
            // A right mark opening a paragraph or following a space before a word is a misused
            // opener ("”Fear. I am…").
            '”' => {
                let opens =
                    prev.is_none_or(char::is_whitespace) && next.is_some_and(char::is_alphanumeric);
                out.push((b, c.len_utf8(), if opens { Role::Open } else { Role::Close }));
            }
            '»' => out.push((b, c.len_utf8(), Role::Close)),
            '"' => out.push((b, 1, Role::Either)),
            '\'' if next == Some('\'') => {
                out.push((b, 2, Role::Either));
                skip = true;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stretches(text: &str) -> Vec<(&str, bool)> {
        find_marks(text).iter().map(|m| (&text[m.cs..m.ce], m.open_ended)).collect()
    }

    /// Outer single quotes around a double pair (the nine-character input that panicked
    /// attribution) give one stretch, the outer; two crossing pairs give the first.
    #[test]
    fn nested_and_crossing_pairs_do_not_overlap() {
        assert_eq!(stretches("‘t. “ a\"’"), [("t. “ a\"", false)]);
        assert_eq!(
            stretches("‘Leave,” he said “now’ and go.” Then"),
            [("Leave,” he said “now", false)]
        );
        let ms = find_marks("“One,” she said. ‘Two.’ Then “three.”\n'Four' and \"five\"");
        for w in ms.windows(2) {
            assert!(w[0].close_end <= w[1].open, "{ms:?}");
        }
        assert_eq!(ms.len(), 5);
    }
}
