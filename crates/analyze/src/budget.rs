//! The per-document work budget: bounds that keep the analysis of any one document linear in its
//! size, whatever the document (issue 14: one hostile article must not hold a batch for minutes).
//!
//! Every step's own algorithms are linear or n log n in the text and in what it found; what is
//! left are the steps whose work per item grows with a neighbourhood (a sentence's tokens for
//! each trigger, quote or time expression, the mentions around each quotation). These bounds
//! cap those neighbourhoods and the number of items, far above what any real article needs:
//!
//! - a sentence longer than [`MAX_SENTENCE_CHARS`] is cut at its last space before the bound
//!   (news sentences stay under ~600; an unpunctuated list or a page of one "sentence" is cut);
//! - at most [`MAX_QUOTES`] quotations per document are attributed (the first, in text order);
//! - the speaker model ranks at most [`MAX_CANDIDATES`] mentions per quotation, the nearest.
//!
//! A bound that cut anything is recorded in [`storyline_model::Analysis::limits`].

use storyline_model::Span;

/// Longest sentence (characters) the steps read as one; longer ones are cut.
pub const MAX_SENTENCE_CHARS: usize = 2_000;
/// Quotations attributed per document.
pub const MAX_QUOTES: usize = 5_000;
/// Candidate speakers the speaker model ranks per quotation (the nearest to it).
pub const MAX_CANDIDATES: usize = 100;

/// Cuts every sentence of more than `max` characters into pieces of at most `max`, at the last
/// white space inside each piece (anywhere when a piece has none); returns the sentences and
/// the number of sentences cut. `sentences`: character spans of `text`, in order, not
/// overlapping, trimmed (as [`storyline_text::sentences::split`] gives them).
pub fn bound_sentences(text: &str, sentences: Vec<Span>, max: usize) -> (Vec<Span>, usize) {
    let max = max.max(1);
    if sentences.iter().all(|s| s.end.saturating_sub(s.start) <= max) {
        return (sentences, 0);
    }
    let mut out = Vec::with_capacity(sentences.len());
    let mut cut = 0;
    let mut chars = text.chars();
    let mut pos = 0; // character offset of the next character `chars` yields
    for s in sentences {
        if s.end.saturating_sub(s.start) <= max || s.start < pos {
            out.push(s);
            continue;
        }
        cut += 1;
        while pos < s.start && chars.next().is_some() {
            pos += 1;
        }
        let mut piece = s.start;
        // Start of the white-space run being read, and the last run ended inside the piece.
        let mut run: Option<usize> = None;
        let mut last_run: Option<(usize, usize)> = None;
        while pos < s.end {
            let Some(c) = chars.next() else { break };
            if c.is_whitespace() {
                run.get_or_insert(pos);
            } else if let Some(ws) = run.take() {
                if ws == piece {
                    piece = pos; // a piece never opens with white space
                } else {
                    last_run = Some((ws, pos));
                }
            }
            pos += 1;
            if pos - piece >= max {
                match (run, last_run) {
                    (Some(ws), _) if ws > piece => {
                        out.push(Span::new(piece, ws));
                        piece = ws;
                    }
                    (_, Some((ws, we))) => {
                        out.push(Span::new(piece, ws));
                        piece = we;
                    }
                    _ => {
                        out.push(Span::new(piece, pos));
                        piece = pos;
                    }
                }
                last_run = None;
            }
        }
        if piece < s.end {
            out.push(Span::new(piece, s.end));
        }
    }
    (out, cut)
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyline_model::offsets::slice;

    fn pieces(text: &str, max: usize) -> (Vec<&str>, usize) {
        let (spans, cut) = bound_sentences(text, storyline_text::sentences::split(text), max);
        (spans.iter().map(|s| slice(text, s.start, s.end)).collect(), cut)
    }

    #[test]
    fn short_sentences_are_kept_as_they_are() {
        let t = "The pier reopened. Boats moor there again.";
        assert_eq!(pieces(t, 100), (vec!["The pier reopened.", "Boats moor there again."], 0));
    }

    #[test]
    fn long_sentences_are_cut_at_spaces_within_the_bound() {
        let t = "Short one. Alpha beta gamma delta epsilon zeta eta theta. Last one.";
        let (p, cut) = pieces(t, 20);
        assert_eq!(cut, 1);
        assert_eq!(
            p,
            ["Short one.", "Alpha beta gamma", "delta epsilon zeta", "eta theta.", "Last one."]
        );
        assert!(p.iter().all(|s| s.chars().count() <= 20 && s.trim() == *s));
        // A word longer than the bound is cut inside; multi-byte text stays on char boundaries.
        let (p, _) = pieces("ééééééééééééé ab", 5);
        assert_eq!(p, ["ééééé", "ééééé", "ééé", "ab"]);
    }

    #[test]
    fn every_piece_is_bounded_on_generated_text() {
        let words = ["harbour", "council", "  ", "voted", "—", "Velmora", "é", "x"];
        let mut t = String::new();
        for i in 0..5_000 {
            t.push_str(words[i * 7 % words.len()]);
            t.push(if i % 13 == 0 { '\u{a0}' } else { ' ' });
        }
        let (spans, cut) = bound_sentences(&t, storyline_text::sentences::split(&t), 100);
        assert_eq!(cut, 1);
        let n = t.chars().count();
        let mut prev_end = 0;
        for s in &spans {
            assert!(s.start >= prev_end && s.start < s.end && s.end <= n, "{s:?}");
            assert!(s.end - s.start <= 100);
            let piece = slice(&t, s.start, s.end);
            assert_eq!(piece.trim(), piece);
            prev_end = s.end;
        }
    }
}
