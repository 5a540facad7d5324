//! Attribution: the cue verb and speaker the rules give each quotation, in order of trust.
//!
//! 1. `NAME CUE[:,]` right before the quote ("Sova told reporters: “…”", inverted "Said Ellis:
//!    “…”"); 2. `,” NAME CUE` / `,” CUE NAME` right after (a far cue when an apposition sets the
//!    name off), or "according to NAME"; 2b. a signed quote (`“…” ― NAME` closing its line);
//!    2c. a paragraph-opening quote after a paragraph ending "NAME CUE:"; 3. a cue earlier in the
//!    sentence (its subject speaks); then a cue later in the sentence; 4. a quote opening its
//!    sentence right after an attributed quote of the previous sentence of the same paragraph,
//!    or the paragraph after one left open, inherits its speaker. Finally a paragraph left open
//!    takes the speaker of the quote that continues it.

use storyline_model::Speaker;

use super::document::{is_cue_tok, Document};
use super::marks::Marks;
use super::Found;
use crate::text::{lower, range_of, tokenize, Tok};

/// A cue verb's byte range.
type Cue = (usize, usize);

/// One quotation and the text around it that the rules read (tokens of byte offsets).
struct Site<'a> {
    m: &'a Marks,
    /// The sentence holding the quote's opening.
    sentence: Option<usize>,
    /// From the previous quote's close in the same sentence (or the sentence start) to the
    /// quote.
    before: Vec<Tok>,
    /// From the quote to the next quote in the same sentence (or the sentence end).
    after: Vec<Tok>,
    /// The whole sentence before the quote, outside quoted stretches.
    sent_before: Vec<Tok>,
}

impl<'a> Site<'a> {
    /// The quote `marks[qi]` in its sentence.
    fn new(doc: &Document, marks: &'a [Marks], qi: usize) -> Self {
        let text = doc.text;
        let m = &marks[qi];
        let sentence = range_of(&doc.sents, m.open).or_else(|| range_of(&doc.sents, m.cs));
        let (ss, se) = sentence.map_or((m.open, m.close_end), |i| doc.sents[i]);
        // Segment before: from the previous quote's close (same sentence) or sentence start.
        // The stretches are in text order and never overlap, so the previous one is the last
        // to close before this one opens.
        let seg_start = marks[..qi]
            .last()
            .filter(|p| p.close_end > ss && p.close_end <= m.open)
            .map_or(ss, |p| p.close_end);
        let seg_end =
            marks.get(qi + 1).filter(|n| n.open < se).map_or(se, |n| n.open).max(m.close_end);
        let before: Vec<Tok> = tokenize(text, seg_start, m.open);
        let after: Vec<Tok> = tokenize(text, m.close_end, seg_end.min(text.len()));
        // Tokens of the whole sentence before the quote, outside quoted stretches (those closing
        // in the sentence before this one: a binary search).
        let in_sent = &marks[marks[..qi].partition_point(|q| q.close_end <= ss)..qi];
        let outside = |t: &Tok| !inside_any(in_sent, t);
        let sent_before: Vec<Tok> =
            tokenize(text, ss, m.open).into_iter().filter(outside).collect();
        Site { m, sentence, before, after, sent_before }
    }

    /// No word between the quote and its sentence's start (or the previous quote).
    fn opens_sentence(&self) -> bool {
        !self.before.iter().any(|t| t.word)
    }
}

/// The rules' quotations, each with its cue and speaker (byte offsets).
pub(super) fn attribute_all(doc: &Document, marks: &[Marks]) -> Vec<Found> {
    let text = doc.text;
    let mut found: Vec<Found> = Vec::new();
    for qi in 0..marks.len() {
        let site = Site::new(doc, marks, qi);
        let f = attribute(doc, marks, &site, &found);
        found.push(f);
    }
    // A paragraph left open takes the speaker of the quote that continues it.
    for i in (0..found.len().saturating_sub(1)).rev() {
        let (head, tail) = found.split_at_mut(i + 1);
        let (cur, next) = (&mut head[i], &tail[0]);
        if cur.m.open_ended
            && cur.speaker.is_none()
            && next.speaker.is_some()
            && text[cur.m.close_end..next.m.open].trim().is_empty()
        {
            cur.speaker = next.speaker.clone();
            cur.cue = next.cue;
            cur.kind_direct = true;
            cur.paragraph_continued = true;
        }
    }
    found
}

/// The rules in order (see the module doc) for one quote; `found`: the quotes before it.
fn attribute(doc: &Document, marks: &[Marks], site: &Site, found: &[Found]) -> Found {
    let text = doc.text;
    let m = site.m;
    let before_empty = site.opens_sentence();
    let mut cue: Option<Cue> = None;
    let mut speaker: Option<Speaker> = None;
    let mut paragraph_continued = false;
    let mut kind_direct = before_empty;
    // 1.
    if let Some((c, sp)) = cue_right_before(doc, site) {
        cue = Some(c);
        speaker = sp;
        kind_direct = text[m.cs..].chars().next().is_some_and(char::is_uppercase);
    }
    // 2.
    let mut late_cue: Option<(Cue, Option<Speaker>)> = None;
    if cue.is_none() {
        match cue_right_after(doc, site) {
            After::Attributed(c, sp) => {
                cue = Some(c);
                speaker = sp;
            }
            After::Late(c, sp) => late_cue = Some((c, sp)),
            After::Nothing => {}
        }
    }
    // 2b.
    if cue.is_none() && speaker.is_none() {
        if let Some(sp) = signature(doc, site) {
            speaker = Some(sp);
            kind_direct = true;
        }
    }
    // 2c.
    if cue.is_none() && speaker.is_none() && before_empty {
        if let Some((c, sp)) = colon_paragraph_before(doc, marks, m) {
            cue = Some(c);
            speaker = Some(sp);
            kind_direct = true;
        }
    }
    // 3.
    if cue.is_none() {
        let sent_before = &site.sent_before;
        if let Some(ci) = sent_before.iter().rposition(|t| is_cue_tok(text, t)) {
            cue = Some((sent_before[ci].s, sent_before[ci].e));
            speaker = doc.speaker_in(&sent_before[..ci], true);
            kind_direct = false;
        }
    }
    if cue.is_none() {
        if let Some((c, sp)) = late_cue {
            cue = Some(c);
            speaker = sp;
        }
    }
    // 4.
    if cue.is_none() && speaker.is_none() && before_empty {
        if let Some((prev, across_paragraphs)) = continued_quote(doc, site, found) {
            cue = prev.cue;
            speaker = prev.speaker.clone();
            kind_direct = true;
            paragraph_continued = across_paragraphs;
        }
    }
    let words = text[m.cs..m.ce].split_whitespace().count();
    Found {
        m: *m,
        kind_direct,
        words,
        opens_sentence: before_empty,
        cue,
        speaker,
        paragraph_continued,
    }
}

/// Rule 1: "NAME CUE [reporters][:,] “…”" right before, or inverted "Said Ellis: “…”".
fn cue_right_before(doc: &Document, site: &Site) -> Option<(Cue, Option<Speaker>)> {
    let text = doc.text;
    let before = &site.before;
    let last_word = before.iter().rposition(|t| t.word)?;
    let ends_punct = before.last().is_some_and(|t| matches!(t.text(text), ":" | ","));
    let lo = last_word.saturating_sub(if ends_punct { 3 } else { 1 });
    let i_cue = (lo..=last_word).rev().find(|&i| is_cue_tok(text, &before[i]))?;
    let speaker = doc.speaker_in(&before[..i_cue], true).or_else(|| {
        // Inverted: "Said Ellis: “…”".
        let name: Vec<Tok> = before[i_cue + 1..].iter().take_while(|t| t.word).copied().collect();
        doc.speaker_in(&name, false)
    });
    Some(((before[i_cue].s, before[i_cue].e), speaker))
}

/// What follows a quote.
enum After {
    /// ",” NAME CUE", ",” CUE NAME", "according to NAME": the quote's attribution.
    Attributed(Cue, Option<Speaker>),
    /// A cue later in the sentence, used when nothing before the quote attributes it.
    Late(Cue, Option<Speaker>),
    Nothing,
}

/// Rule 2: ",” NAME CUE" / ",” CUE NAME" right after (or a later cue), or "according to NAME".
fn cue_right_after(doc: &Document, site: &Site) -> After {
    let text = doc.text;
    let (m, after) = (site.m, &site.after);
    let comma = text[m.cs..m.ce].trim_end().ends_with([',', '!', '?', '—'])
        || after.first().is_some_and(|t| matches!(t.text(text), "," | "—" | "–"));
    let aw: Vec<&Tok> = after.iter().filter(|t| t.word).take(24).collect();
    // "“…,” NAME, a long apposition, said": a cue far after the quote counts when a
    // capitalised name opens the stretch and a comma sets the apposition off.
    let apposition = |ci: usize| {
        aw.first().is_some_and(|t| t.text(text).starts_with(char::is_uppercase))
            && after.iter().any(|t| t.s < aw[ci].s && t.text(text) == ",")
            && !after.iter().any(|t| t.s < aw[ci].s && matches!(t.text(text), "." | ";"))
    };
    let cue_at = aw
        .iter()
        .position(|t| is_cue_tok(text, t))
        .filter(|&ci| ci < 8 || (comma && apposition(ci)));
    if let Some(ci) = cue_at {
        let c = aw[ci];
        let sp = doc.speaker_in(&name_at_cue_after(text, after, c, ci > 0), ci > 0);
        return if comma || (ci <= 3 && sp.is_some()) {
            After::Attributed((c.s, c.e), sp)
        } else {
            After::Late((c.s, c.e), sp)
        };
    }
    let Some(ai) = after.iter().position(|t| t.word) else { return After::Nothing };
    if lower(after[ai].text(text)) == "according"
        && after.get(ai + 1).is_some_and(|t| t.text(text) == "to")
    {
        let name: Vec<Tok> =
            after[ai + 2..].iter().take_while(|t| t.word).take(6).copied().collect();
        return After::Attributed((after[ai].s, after[ai + 1].e), doc.speaker_in(&name, false));
    }
    After::Nothing
}

/// The tokens naming the speaker at a cue `c` after a quote: before it (`name_first`: "NAME,
/// an apposition, said" → the name before the first comma) or after it ("said Putin", "said the
/// Kremlin spokesperson": up to punctuation).
fn name_at_cue_after(text: &str, after: &[Tok], c: &Tok, name_first: bool) -> Vec<Tok> {
    if name_first {
        let toks: Vec<Tok> = after.iter().filter(|t| t.e <= c.s).copied().collect();
        match toks.iter().position(|t| t.text(text) == ",") {
            Some(k) if k > 0 && toks[0].text(text).starts_with(char::is_uppercase) => {
                toks[..k].to_vec()
            }
            _ => toks,
        }
    } else {
        after.iter().filter(|t| t.s >= c.e).take_while(|t| t.word).take(6).copied().collect()
    }
}

/// Rule 2b: "“…” ― NAME" closing its line: a signed quote.
fn signature(doc: &Document, site: &Site) -> Option<Speaker> {
    let text = doc.text;
    let after = &site.after;
    let dash = after.first().is_some_and(|t| matches!(t.text(text), "―" | "—" | "–"));
    if !(dash && words_to_line_end_at_most(&text[site.m.close_end..], 8)) {
        return None;
    }
    let name: Vec<Tok> = after[1..].iter().take_while(|t| t.word).take(6).copied().collect();
    doc.speaker_in(&name, false)
}

/// Whether `s` holds at most `n` words before its first line break (read no further than the
/// word after the `n`th).
fn words_to_line_end_at_most(s: &str, n: usize) -> bool {
    let (mut words, mut in_word) = (0, false);
    for c in s.chars().take_while(|&c| c != '\n') {
        if c.is_whitespace() {
            in_word = false;
        } else if !in_word {
            in_word = true;
            words += 1;
            if words > n {
                return false;
            }
        }
    }
    true
}

/// Whether token `t` lies inside one of `marks` (in text order, not overlapping).
fn inside_any(marks: &[Marks], t: &Tok) -> bool {
    let i = marks.partition_point(|q| q.close_end < t.e);
    marks.get(i).is_some_and(|q| q.open <= t.s && t.e <= q.close_end)
}

/// Rule 2c: a paragraph-opening quote after a paragraph ending "NAME CUE:" ("Smith added:").
fn colon_paragraph_before(doc: &Document, marks: &[Marks], m: &Marks) -> Option<(Cue, Speaker)> {
    let text = doc.text;
    let head = text[..m.open].trim_end();
    let opens_par = text[..m.open].ends_with('\n') || head.len() < text[..m.open].len();
    if !(opens_par && head.ends_with(':')) {
        return None;
    }
    let par_start = head.rfind('\n').map_or(0, |i| i + 1);
    let prev: Vec<Tok> = tokenize(text, par_start, head.len())
        .into_iter()
        .filter(|t| !inside_any(marks, t))
        .collect();
    let n = prev.len();
    let ci = (n.saturating_sub(5)..n).rev().find(|&i| is_cue_tok(text, &prev[i]))?;
    let from = prev[..ci]
        .iter()
        .rposition(|t| matches!(t.text(text), "." | "!" | "?"))
        .map_or(0, |i| i + 1);
    let sp = doc.speaker_in(&prev[from..ci], true)?;
    Some(((prev[ci].s, prev[ci].e), sp))
}

/// Rule 4: the attributed quote this one continues: the last quote kept before it, when this one
/// opens the sentence right after the previous one's sentence in the same paragraph, or opens
/// the paragraph right after one left open at its paragraph's end (then `true`).
fn continued_quote<'f>(
    doc: &Document,
    site: &Site,
    found: &'f [Found],
) -> Option<(&'f Found, bool)> {
    let prev = found.iter().rev().find(|f| !f.scare())?;
    let m = site.m;
    let between = &doc.text[prev.m.close_end..m.open];
    let same_par = !between.contains('\n');
    let prev_sent = site.sentence.and_then(|i| i.checked_sub(1)).map(|i| doc.sents[i]);
    let adjacent = prev_sent.is_some_and(|(ps, pe)| prev.m.open >= ps && prev.m.close_end <= pe);
    let continued = prev.m.open_ended && between.trim().is_empty();
    (((same_par && adjacent) || continued) && prev.speaker.is_some()).then_some((prev, continued))
}
