//! Sentence splitting: the one rule set that cuts text into sentence spans ([`split`]), with its
//! abbreviation and sentence-starter lists, and the plain splitter ([`plain_bounds`]) kept for the
//! two places whose outputs were tuned on it.
//!
//! Splits on `.`, `!`, `?`, `…` followed by whitespace and a capital/digit/opening quote, and on
//! every line break (paragraphs and single-line headlines). Keeps abbreviations ("Mr.", "Gen.",
//! "Jan."), initials ("J. Smith"), dotted acronyms ("U.S." unless a typical sentence starter
//! follows), decimals ("3.5") together; a closing quote after the terminator stays in the sentence
//! (`."`, `.”`); no split while a quotation is still open (bounded, so an unclosed quote never
//! swallows the paragraph). Spans are trimmed of whitespace; character offsets.

use storyline_model::offsets::CharIndex;
use storyline_model::Span;

use std::sync::LazyLock;

use crate::word_list::{self, WordSet};

static ABBREVIATIONS: LazyLock<WordSet> =
    LazyLock::new(|| word_list::set(include_str!("../words/abbreviations.txt")));
static AMBIGUOUS_ABBREVIATIONS: LazyLock<WordSet> =
    LazyLock::new(|| word_list::set(include_str!("../words/ambiguous_abbreviations.txt")));
static STARTERS: LazyLock<WordSet> =
    LazyLock::new(|| word_list::set(include_str!("../words/sentence_starters.txt")));

/// Whether `word` (without its dot, as written) is an abbreviation that takes a period without
/// ending the sentence ("Mr", "Gen", "Jan").
pub fn is_abbreviation(word: &str) -> bool {
    ABBREVIATIONS.contains(word)
}

/// Whether a period after `word` may end a sentence or not ("Inc", "a.m"): it does only before a
/// [sentence starter](is_sentence_starter).
fn is_ambiguous_abbreviation(word: &str) -> bool {
    AMBIGUOUS_ABBREVIATIONS.contains(word)
}

/// Whether `word` typically begins a sentence ("The", "He", "However").
fn is_sentence_starter(word: &str) -> bool {
    STARTERS.contains(word)
}

/// A quotation open longer than this (bytes) no longer blocks splitting.
const MAX_OPEN_QUOTE: usize = 600;

/// Splits `text` into sentence spans (character offsets, trimmed, in order).
pub fn split(text: &str) -> Vec<Span> {
    let idx = CharIndex::new(text);
    split_bytes(text).into_iter().map(|(s, e)| Span::new(idx.char_of(s), idx.char_of(e))).collect()
}

/// Byte-offset sentence ranges.
fn split_bytes(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut chars = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let line_end = line_start + line.len();
        // A line without a terminator (no '.', '!', '?', nor a byte 0xE2 that could lead '…')
        // is one piece: nothing to decode.
        if line.bytes().any(|b| matches!(b, b'.' | b'!' | b'?' | 0xE2)) {
            split_line(text, line_start, line_end, &mut chars, &mut out);
        } else {
            push_trimmed(text, line_start, line_end, &mut out);
        }
        line_start = line_end;
    }
    out
}

fn push_trimmed(text: &str, s: usize, e: usize, out: &mut Vec<(usize, usize)>) {
    let piece = &text[s..e];
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if !trimmed.is_empty() {
        out.push((s + lead, s + lead + trimmed.len()));
    }
}

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

fn is_closer(c: char) -> bool {
    matches!(c, '”' | '"' | '’' | '\'' | ')' | ']' | '»')
}

/// Splits the line `ls..le`; `chars` is a buffer the lines share (its contents are replaced).
fn split_line(
    text: &str,
    ls: usize,
    le: usize,
    chars: &mut Vec<(usize, char)>,
    out: &mut Vec<(usize, usize)>,
) {
    let line = &text[ls..le];
    chars.clear();
    chars.extend(line.char_indices());
    let chars = &chars[..];
    let mut sent_start = 0usize; // relative byte offset
    let mut open_quote: Option<usize> = None; // relative byte offset of the opening mark
    let mut i = 0;
    while i < chars.len() {
        let (b, c) = chars[i];
        match c {
            '“' | '«' => open_quote = Some(b),
            '”' | '»' => open_quote = None,
            '"' => {
                let prev = if i > 0 { Some(chars[i - 1].1) } else { None };
                let opens = prev
                    .is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '[' | '—' | '–' | '-'));
                open_quote = if opens && open_quote.is_none() { Some(b) } else { None };
            }
            _ => {}
        }
        if !is_terminator(c) {
            i += 1;
            continue;
        }
        // Run of terminators, then closing quotes/brackets.
        let mut j = i;
        while j < chars.len() && is_terminator(chars[j].1) {
            j += 1;
        }
        let run_single_dot = j == i + 1 && c == '.';
        while j < chars.len() && is_closer(chars[j].1) {
            if matches!(chars[j].1, '”' | '"' | '»') {
                open_quote = None;
            }
            j += 1;
        }
        let end_rel = if j < chars.len() { chars[j].0 } else { line.len() };
        // What follows: must be whitespace then a sentence opener (or end of line).
        let mut k = j;
        while k < chars.len() && chars[k].1.is_whitespace() && chars[k].1 != '\n' {
            k += 1;
        }
        let at_line_end = k >= chars.len() || chars[k].1 == '\n';
        let next_ok = if at_line_end {
            true
        } else if k == j {
            false // no space after the terminator: "3.5", "U.S.-led", "e.g.x"
        } else {
            let n = chars[k].1;
            n.is_uppercase()
                || n.is_ascii_digit()
                || matches!(n, '“' | '"' | '‘' | '\'' | '(' | '[' | '«' | '—' | '–')
        };
        let mut split_here = next_ok && !at_line_end;
        if split_here && run_single_dot && !dot_ends_sentence(line, chars, i, k) {
            split_here = false;
        }
        if split_here {
            if let Some(q) = open_quote {
                if b - q < MAX_OPEN_QUOTE {
                    split_here = false;
                } else {
                    open_quote = None;
                }
            }
        }
        if split_here {
            push_trimmed(text, ls + sent_start, ls + end_rel, out);
            sent_start = end_rel;
        }
        i = j.max(i + 1);
    }
    push_trimmed(text, ls + sent_start, le, out);
}

/// Decides whether the single `.` at `chars[dot]` ends a sentence, given the next word starts at
/// `chars[next]`.
fn dot_ends_sentence(line: &str, chars: &[(usize, char)], dot: usize, next: usize) -> bool {
    // The word before the dot.
    let mut w0 = dot;
    while w0 > 0 && {
        let p = chars[w0 - 1].1;
        p.is_alphanumeric() || p == '.' || p == '-' || p == '\'' || p == '’'
    } {
        w0 -= 1;
    }
    let word = &line[chars[w0].0..chars[dot].0];
    if word.is_empty() {
        return true;
    }
    let next_word: &str = {
        let s = chars[next].0;
        let rest = &line[s..];
        let e = rest.find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len());
        &rest[..e]
    };
    // Initials: "J. Smith", and dotted acronyms "U.S." / "a.m." unless a sentence starter follows.
    let single_letter = word.chars().count() == 1 && word.chars().all(|c| c.is_uppercase());
    if single_letter {
        return false;
    }
    let dotted = word.contains('.')
        && word.split('.').all(|s| s.chars().count() <= 2 && s.chars().all(char::is_alphabetic));
    if dotted || is_ambiguous_abbreviation(word) {
        return is_sentence_starter(next_word);
    }
    if is_abbreviation(word) {
        // "Jan. 5", "Gen. Smith", "No. 10": never a boundary.
        return false;
    }
    true
}

/// Plain sentence bounds (byte ranges, untrimmed, covering the whole text): a break after `.`,
/// `!` or `?` and any closing quotes or bracket (`"”’')`) when white space or the end of the text
/// follows; with `at_line_breaks`, a line break followed by white space (a blank line) is a break
/// too. No abbreviation rules: "Mr. Smith" is cut. Kept beside [`split`] because the notice
/// stripper (ingest) and the report's fallback for texts without analysis (compare) were tuned on
/// it, and [`split`] would change their outputs.
pub fn plain_bounds(text: &str, at_line_breaks: bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !(matches!(c, '.' | '!' | '?') || at_line_breaks && c == '\n') {
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, q)) = chars.peek() {
            if matches!(q, '"' | '”' | '’' | '\'' | ')') {
                end = j + q.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        if chars.peek().is_none_or(|&(_, n)| n.is_whitespace()) {
            out.push((start, end));
            start = end;
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyline_model::offsets::slice;

    fn texts(t: &str) -> Vec<String> {
        split(t).iter().map(|s| slice(t, s.start, s.end).to_string()).collect()
    }

    #[test]
    fn abbreviations_initials_decimals() {
        let t =
            "Mr. Halvorsen met Gen. Tarkov on Jan. 5 in the U.S. capital. Growth was 3.5 percent. \
                 J. Smith agreed, e.g. on taxes. Dr. Wu left at 10 a.m. on Monday.";
        assert_eq!(
            texts(t),
            [
                "Mr. Halvorsen met Gen. Tarkov on Jan. 5 in the U.S. capital.",
                "Growth was 3.5 percent.",
                "J. Smith agreed, e.g. on taxes.",
                "Dr. Wu left at 10 a.m. on Monday."
            ]
        );
    }

    #[test]
    fn acronym_at_sentence_end() {
        let t = "Sanctions were imposed by the U.S. The talks stalled.";
        assert_eq!(texts(t), ["Sanctions were imposed by the U.S.", "The talks stalled."]);
    }

    #[test]
    fn closing_quotes_and_continuing_quotes() {
        let t = "“We are ready,” Dana Orlov said. “We will come.” Then she left.\n\
                 She said: “It is late. We go now.” Nobody moved!";
        assert_eq!(
            texts(t),
            [
                "“We are ready,” Dana Orlov said.",
                "“We will come.”",
                "Then she left.",
                "She said: “It is late. We go now.”",
                "Nobody moved!"
            ]
        );
    }

    #[test]
    fn paragraphs_and_headlines() {
        let t = "Big Headline Without Period\n\nFirst para. Second sentence?\nLast line…";
        assert_eq!(
            texts(t),
            ["Big Headline Without Period", "First para.", "Second sentence?", "Last line…"]
        );
    }

    #[test]
    fn unclosed_quote_is_bounded_by_paragraph() {
        let t = "He said “this never closes. Still inside.\nNext paragraph. Another one.";
        let v = texts(t);
        assert_eq!(v[0], "He said “this never closes. Still inside.");
        assert_eq!(&v[1..], ["Next paragraph.", "Another one."]);
    }

    #[test]
    fn plain_bounds_cut_after_closing_quotes_and_blank_lines() {
        let text = "\"We will rebuild.\" Mr. Lee left\n\nDone";
        let cut = |b: bool| -> Vec<&str> {
            plain_bounds(text, b).into_iter().map(|(s, e)| &text[s..e]).collect()
        };
        assert_eq!(cut(false), ["\"We will rebuild.\"", " Mr.", " Lee left\n\nDone"]);
        assert_eq!(cut(true), ["\"We will rebuild.\"", " Mr.", " Lee left\n", "\nDone"]);
    }

    #[test]
    fn char_offsets_with_multibyte() {
        let t = "“Ä” ist gut. Ja.";
        let s = split(t);
        assert_eq!(s, [Span::new(0, 12), Span::new(13, 16)]);
    }
}
