//! Word tokenizer for the tagger: splits raw news text the way CoNLL-2003 is tokenised, so that
//! the tagger sees the same units at training time (CoNLL tokens joined by spaces) and on raw
//! articles. Whitespace separates chunks; each chunk loses its opening and closing punctuation
//! (quotes, brackets, commas, a sentence-final dot) as tokens of their own; a possessive "'s" and
//! a negation "n't" become their own tokens ("Putin's" → "Putin" "'s"); dots stay in
//! abbreviations and initials ("U.S.", "Corp.", "J."); hyphens and inner apostrophes stay inside
//! words ("al-Assad", "O'Brien", "1996-08-22"). Offsets are bytes into the text.

use storyline_text::sentences::is_abbreviation;

/// A token: byte range `[s, e)` into the text.
pub type TokSpan = (usize, usize);

fn is_opening(c: char) -> bool {
    matches!(c, '"' | '“' | '‘' | '(' | '[' | '{' | '«' | '`' | '„')
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '”' | '’' | '\'' | ')' | ']' | '}' | '»' | ',' | ';' | ':' | '!' | '?' | '…')
}

/// Characters that are always tokens of their own, even inside a chunk.
fn is_breaking(c: char) -> bool {
    matches!(c, '—' | '–' | '…' | '“' | '”' | '"' | '(' | ')' | '[' | ']' | '«' | '»')
}

/// US state and other abbreviations common in wire copy, beyond [`is_abbreviation`].
const EXTRA_ABBREVS: &[&str] = &[
    "Calif", "Fla", "Ariz", "Mass", "Wash", "Conn", "Penn", "Mich", "Minn", "Ill", "Tenn", "Ky",
    "Va", "Md", "Ga", "Ala", "Okla", "Colo", "Nev", "Wis", "Ore", "Tex", "Kan", "Neb", "Miss",
    "Ind", "Del", "Bros", "vol", "Vol", "Gen'l", "Sgt", "Pte", "Plc", "plc", "Cie", "Mfg", "Dept",
];

/// Whether `w` (without its final dot) keeps the dot: initials, dotted abbreviations, titles.
fn keeps_dot(w: &str, first_in_sentence: bool) -> bool {
    let mut cs = w.chars();
    let single_letter = matches!((cs.next(), cs.next()), (Some(c), None) if c.is_alphabetic());
    single_letter
        || (w.contains('.') && w.chars().any(char::is_alphabetic))
        || is_abbreviation(w)
        || EXTRA_ABBREVS.contains(&w)
        // "1. Schumacher": a rank at the start of a list line.
        || (first_in_sentence && !w.is_empty() && w.len() <= 3 && w.bytes().all(|b| b.is_ascii_digit()))
}

/// Appends the tokens of `text[start..end]` to `out`.
pub fn tokenize(text: &str, start: usize, end: usize, out: &mut Vec<TokSpan>) {
    let s = &text[start..end];
    let mut chunk_start: Option<usize> = None;
    let mut first = true;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if let Some(cs) = chunk_start.take() {
                chunk(text, start + cs, start + i, first, out);
                first = false;
            }
        } else if chunk_start.is_none() {
            chunk_start = Some(i);
        }
    }
    if let Some(cs) = chunk_start {
        chunk(text, start + cs, end, first, out);
    }
}

/// Splits one whitespace-free chunk at breaking characters, then peels each piece.
fn chunk(text: &str, s: usize, e: usize, first: bool, out: &mut Vec<TokSpan>) {
    let mut piece = s;
    let mut first = first;
    for (i, c) in text[s..e].char_indices() {
        if is_breaking(c) {
            let at = s + i;
            if at > piece {
                peel(text, piece, at, first, out);
            }
            out.push((at, at + c.len_utf8()));
            first = false;
            piece = at + c.len_utf8();
        }
    }
    if e > piece {
        peel(text, piece, e, first, out);
    }
}

fn first_char(text: &str, s: usize, e: usize) -> Option<char> {
    text[s..e].chars().next()
}

fn last_char(text: &str, s: usize, e: usize) -> Option<char> {
    text[s..e].chars().next_back()
}

/// Peels opening and closing punctuation and a possessive off a piece without breaking chars.
fn peel(text: &str, mut s: usize, mut e: usize, first: bool, out: &mut Vec<TokSpan>) {
    // Opening punctuation; an apostrophe opens only before a capital ("'The"), not in "'s", "'96".
    while s < e {
        let c = first_char(text, s, e).unwrap_or(' ');
        let next = text[s + c.len_utf8()..e].chars().next();
        let opens =
            is_opening(c) || (matches!(c, '\'' | '’') && next.is_some_and(char::is_uppercase));
        if opens && next.is_some() {
            out.push((s, s + c.len_utf8()));
            s += c.len_utf8();
        } else {
            break;
        }
    }
    let mut tail: Vec<TokSpan> = Vec::new();
    while s < e {
        let c = last_char(text, s, e).unwrap_or(' ');
        let cl = c.len_utf8();
        if e - cl == s {
            break;
        }
        if c == '.' {
            let body = &text[s..e];
            let dots = body.bytes().rev().take_while(|&b| b == b'.').count();
            if dots == body.len() {
                break;
            }
            if dots >= 2 {
                tail.push((e - dots, e));
                e -= dots;
                continue;
            }
            if keeps_dot(&text[s..e - 1], first) {
                break;
            }
            tail.push((e - 1, e));
            e -= 1;
            continue;
        }
        if is_closing(c) {
            tail.push((e - cl, e));
            e -= cl;
            continue;
        }
        break;
    }
    if s < e {
        let w = &text[s..e];
        let split = ["'s", "’s", "'S", "’S", "n't", "n’t", "N'T"]
            .iter()
            .find(|suf| w.len() > suf.len() && w.ends_with(*suf))
            .map(|suf| e - suf.len());
        match split {
            Some(at) => {
                out.push((s, at));
                out.push((at, e));
            }
            None => out.push((s, e)),
        }
    }
    out.extend(tail.into_iter().rev());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(t: &str) -> Vec<&str> {
        let mut out = Vec::new();
        tokenize(t, 0, t.len(), &mut out);
        out.iter().map(|&(s, e)| &t[s..e]).collect()
    }

    #[test]
    fn splits_like_conll() {
        assert_eq!(
            toks("“Kyiv’s plan,” said U.S. envoy J. Smith (Acme Corp.) in al-Hasaka."),
            [
                "“",
                "Kyiv",
                "’s",
                "plan",
                ",",
                "”",
                "said",
                "U.S.",
                "envoy",
                "J.",
                "Smith",
                "(",
                "Acme",
                "Corp.",
                ")",
                "in",
                "al-Hasaka",
                "."
            ]
        );
        assert_eq!(
            toks("It doesn't matter... O'Brien's 1996-08-22"),
            ["It", "does", "n't", "matter", "...", "O'Brien", "'s", "1996-08-22"]
        );
        assert_eq!(toks("1. Ann Berg 5."), ["1.", "Ann", "Berg", "5", "."]);
        assert_eq!(
            toks("Ukrainians' land—and 'The End'"),
            ["Ukrainians", "'", "land", "—", "and", "'", "The", "End", "'"]
        );
        // CoNLL tokens joined by spaces come back unchanged.
        assert_eq!(toks("' s 's ( U.N. ) ."), ["'", "s", "'s", "(", "U.N.", ")", "."]);
    }
}
