//! Direct and partial quotations with cue verb and speaker.
//!
//! Quote marks: curly “…” and straight "…" pairs (a curly opener may close with a straight mark),
//! and single ‘…’ outside double quotes. A quote never crosses a line break, so an unclosed mark
//! only loses itself. Attribution, in order: `NAME CUE[:,]` right before the quote; `,” NAME CUE` /
//! `,” CUE NAME` right after; a cue earlier in the sentence (subject = first PER / he-she / other
//! entity before it); a cue later in the sentence; otherwise a quote that opens its sentence right
//! after an attributed quote of the previous sentence of the same paragraph inherits its speaker.
//! Speakers resolve to entity canonicals; "he"/"she" → first PER of the nearest sentence with one
//! (same sentence first); role phrases ("the Kremlin spokesperson") → a PER introduced with that
//! role; a relative "who"/"which" chosen as the speaker → the name it directly follows ("Okafor,
//! who said"). Then the trained speaker model ([`speaker`]) ranks the candidate mentions around each
//! quote (the rules' own speaker among them) against "no speaker": it may fill a speaker the rules
//! missed, or overrule theirs when another option scores clearly higher; "no speaker" gets a
//! margin, larger for bare quotes (no cue; short or in Title Case), since a quote left without a
//! speaker costs recall only while a wrong one costs precision too. The margins
//! ([`speaker::Thresholds`]) are chosen by cross-validation on the training split and stored in the
//! model file. Some frames always stay with the rules ([`RuleFrame`]; the model is not asked):
//! `“…,” NAME said`, a sentence opening with the speaker at its cue (`NAME, in a statement,
//! called … “…”`), `NAME said: “…”`, and a quotation running over several paragraphs. Scare
//! quotes (no cue, no speaker, fewer than 3 words) are dropped; longer uncued quotes are kept as
//! `partial` with no speaker. [`prepare`] + [`finish`] split [`extract`] at the model for tuning.
//!
//! Modules: `marks` finds the quoted stretches, `attribution` gives each its cue and speaker by
//! the rules above over the `document` (entities and sentences by byte offset, speaker
//! resolution), and [`speaker`] ranks the candidates.

use storyline_model::offsets::CharIndex;
use storyline_model::{Entity, Quote, QuoteKind, Span, Speaker, TextSpan};

mod attribution;
mod document;
mod marks;
pub mod speaker;

use crate::lexicon;
use crate::text::{lower, tokenize, Lines};
use document::{is_cue_tok, Document};
use marks::Marks;

/// A quotation as the rules found it, before the speaker model has its say (byte offsets).
#[derive(Clone)]
struct Found {
    m: Marks,
    kind_direct: bool,
    words: usize,
    opens_sentence: bool,
    cue: Option<(usize, usize)>,
    speaker: Option<Speaker>,
    /// One paragraph of a quotation running over several: the speaker (and cue) come from the
    /// paragraph of it that names them, before or after.
    paragraph_continued: bool,
}

impl Found {
    /// No cue, no speaker, fewer than 3 words: a scare quote, dropped unless a speaker is found.
    fn scare(&self) -> bool {
        self.cue.is_none() && self.speaker.is_none() && self.words < 3
    }
}

/// A document's quotations as the rules found them, with the speaker model's candidates: the part
/// of [`extract`] that does not depend on the model, computed once when tuning it.
pub struct Prepared {
    found: Vec<Found>,
    choices: Vec<speaker::Choice>,
    /// Quoted stretches in the text, when more than [`crate::budget::MAX_QUOTES`].
    marks_found: Option<usize>,
}

impl Prepared {
    /// When the text holds more quoted stretches than the budget attributes: how many it holds
    /// and how many (the first) were attributed.
    pub fn left_out(&self) -> Option<(usize, usize)> {
        self.marks_found.map(|all| (all, crate::budget::MAX_QUOTES))
    }
}

/// Finds the quotations and their speaker candidates (see [`finish`]): the first
/// [`crate::budget::MAX_QUOTES`] quoted stretches of the text ([`Prepared::left_out`] tells when
/// there were more).
pub fn prepare(text: &str, sentences: &[Span], entities: &[Entity]) -> Prepared {
    let idx = CharIndex::new(text);
    let (found, choices, marks_found) = find_quotes(text, &idx, sentences, entities);
    Prepared { found, choices, marks_found }
}

/// Extracts quotations (character offsets).
pub fn extract(text: &str, sentences: &[Span], entities: &[Entity]) -> Vec<Quote> {
    extract_within_budget(text, sentences, entities).0
}

/// [`extract`], and when the text held more quoted stretches than the budget attributes, how
/// many it held and how many (the first) were attributed. The speaker model decides each
/// quotation as soon as its candidates are known, so their features are never all held at once
/// (what [`prepare`] + [`finish`] do for tuning).
pub fn extract_within_budget(
    text: &str,
    sentences: &[Span],
    entities: &[Entity],
) -> (Vec<Quote>, Option<(usize, usize)>) {
    let model = speaker::model();
    let (marks, marks_found) = bounded_marks(text);
    if marks.is_empty() {
        return (Vec::new(), None);
    }
    let idx = CharIndex::new(text);
    let doc = Document::new(text, &idx, sentences, entities);
    let found = attribution::attribute_all(&doc, &marks);
    let mut decisions = Vec::with_capacity(found.len());
    for_each_choice(&doc, &marks, &found, |i, c| {
        decisions.push(decide(text, &found[i], &c, model, model.thresholds));
    });
    drop(doc);
    let left_out = marks_found.map(|all| (all, crate::budget::MAX_QUOTES));
    (build(text, &idx, found, decisions), left_out)
}

/// What the speaker model decided for one quotation: nothing (no model, or a frame the rules
/// keep), or the mention it chose (`None`: no speaker).
enum Decision {
    Rules,
    Chosen(Option<speaker::Mention>),
}

fn decide(
    text: &str,
    f: &Found,
    c: &speaker::Choice,
    model: &speaker::Model,
    th: speaker::Thresholds,
) -> Decision {
    if model.is_empty() || rule_frame(text, f).is_some() {
        return Decision::Rules;
    }
    let rule = f.speaker.as_ref().map(|sp| (sp.start, sp.end));
    let bare = f.cue.is_none() && (f.words < 3 || is_title_case(&text[f.m.cs..f.m.ce]));
    Decision::Chosen(model.decide(c, rule, bare, th).map(|i| c.candidates[i].mention.clone()))
}

/// Lets `model` decide each speaker of `prepared` under thresholds `th` and builds the quotations.
pub fn finish(
    text: &str,
    prepared: &Prepared,
    model: &speaker::Model,
    th: speaker::Thresholds,
) -> Vec<Quote> {
    let idx = CharIndex::new(text);
    let decisions = prepared
        .found
        .iter()
        .zip(&prepared.choices)
        .map(|(f, c)| decide(text, f, c, model, th))
        .collect();
    build(text, &idx, prepared.found.clone(), decisions)
}

/// Applies the model's decisions and the plausibility checks, and builds the quotations.
fn build(
    text: &str,
    idx: &CharIndex,
    mut found: Vec<Found>,
    decisions: Vec<Decision>,
) -> Vec<Quote> {
    for (f, d) in found.iter_mut().zip(decisions) {
        if let Decision::Chosen(m) = d {
            apply_choice(text, f, m.as_ref());
        }
    }
    let lines = Lines::new(text);
    for f in &mut found {
        if f.speaker.as_ref().is_some_and(|sp| !plausible_speaker(text, &lines, f, sp)) {
            f.speaker = None;
        }
        if let Some(sp) = f.speaker.as_mut() {
            widen_to_title(text, &lines, sp);
        }
    }
    found
        .into_iter()
        .filter(|f| !f.scare())
        .map(|f| {
            let kind = if f.kind_direct && (f.cue.is_some() || f.speaker.is_some()) && f.words >= 3
            {
                QuoteKind::Direct
            } else {
                QuoteKind::Partial
            };
            Quote {
                kind,
                content: Span::new(idx.char_of(f.m.cs), idx.char_of(f.m.ce)),
                cue: f.cue.map(|(s, e)| TextSpan {
                    start: idx.char_of(s),
                    end: idx.char_of(e),
                    text: text[s..e].to_string(),
                }),
                speaker: f.speaker.map(|sp| Speaker {
                    start: idx.char_of(sp.start),
                    end: idx.char_of(sp.end),
                    ..sp
                }),
            }
        })
        .collect()
}

/// The frames whose speaker always stays with the rules, whatever the model scores: the rules
/// are right in them more often than a ranker fitted on train shows, and a ranker retrained on a
/// slightly different analysis may swing either way on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleFrame {
    /// "“…,” NAME said": the name right after the quote, with its cue.
    NameRightAfter,
    /// "NAME[, an aside,] CUE … “…”" with NAME opening the sentence: the subject of the cue
    /// speaks (PolNeAR names the outer speaker of "X said she recalled …" too).
    SubjectFirst,
    /// One paragraph of a quotation running over several (each opening with a mark, all but the
    /// last left open): the speaker named at one paragraph speaks them all.
    ParagraphContinued,
    /// "NAME CUE[ a word or two]: “…”", or a paragraph ending so before the quote's paragraph:
    /// the name right at the cue, the colon handing over to the quote.
    NameColonBefore,
}

/// The protected frame `f` stands in, if any (see [`RuleFrame`]).
fn rule_frame(text: &str, f: &Found) -> Option<RuleFrame> {
    let sp = f.speaker.as_ref()?;
    let right_after = sp.start >= f.m.close_end
        && f.cue.is_some()
        && text[f.m.close_end..sp.start].split_whitespace().count() <= 2;
    let subject_first = sp.canonical.is_some()
        && f.cue.is_some_and(|(cs, _)| sp.end <= cs && cs < f.m.open)
        && opens_sentence(text, sp.start);
    if right_after {
        Some(RuleFrame::NameRightAfter)
    } else if subject_first {
        Some(RuleFrame::SubjectFirst)
    } else if f.paragraph_continued {
        Some(RuleFrame::ParagraphContinued)
    } else if f.cue.is_some_and(|(cs, ce)| {
        sp.end <= cs
            && text[sp.end..cs].trim().is_empty()
            && ce <= f.m.open
            && text[ce..f.m.open].trim_end().ends_with(':')
            && text[ce..f.m.open].split_whitespace().count() <= 3
    }) {
        Some(RuleFrame::NameColonBefore)
    } else {
        None
    }
}

/// Whether byte `pos` opens a sentence: only spaces since the start of the text, a line break or
/// a sentence-final mark.
fn opens_sentence(text: &str, pos: usize) -> bool {
    let head = &text[..pos];
    let trimmed = head.trim_end();
    trimmed.is_empty() || head[trimmed.len()..].contains('\n') || trimmed.ends_with(['.', '!', '?'])
}

/// Sets the speaker the model chose (`None`: no speaker). A speaker other than the rules' takes
/// the cue verb next to it, if any.
fn apply_choice(text: &str, f: &mut Found, chosen: Option<&speaker::Mention>) {
    let Some(m) = chosen else {
        f.speaker = None;
        return;
    };
    let same = f.speaker.as_ref().is_some_and(|sp| sp.start == m.s && sp.end == m.e);
    if same {
        return;
    }
    let near = |s: usize, e: usize| {
        let toks = tokenize(text, s, e);
        toks.into_iter().find(|t| is_cue_tok(text, t)).map(|t| (t.s, t.e))
    };
    let after_end = speaker::ceil_boundary(text, m.e + 30);
    let before_start = speaker::ceil_boundary(text, m.s.saturating_sub(12));
    let overlaps_rule = f.speaker.as_ref().is_some_and(|sp| sp.start < m.e && m.s < sp.end);
    if overlaps_rule {
        return; // the rules' span is the more precise one ("Said Okafor" → "Okafor")
    }
    f.cue = near(m.e, after_end).or_else(|| near(before_start, m.s));
    f.speaker = Some(Speaker {
        start: m.s,
        end: m.e,
        text: text[m.s..m.e].to_string(),
        canonical: m.canonical.clone().or_else(|| m.antecedent.clone()),
    });
}

/// Whether a speaker the rules or the model chose can speak the quotation `f` at all. Never: a
/// mention inside the quotation itself; a photo credit ("AGENCY/Photographer", a name on a
/// "Photo: …" line); a dateline ("Tue Jul 27": only calendar words and numbers); a heading's
/// words (a short title-case or capital line without a full stop, other than the quote's own
/// line); the object of a verb of telling ("an official told Nordic Radio": the outlet heard it).
fn plausible_speaker(text: &str, lines: &Lines, f: &Found, sp: &Speaker) -> bool {
    let (s, e) = (sp.start, sp.end);
    if f.m.open <= s && e <= f.m.close_end {
        return false;
    }
    let words = &text[s..e];
    let (line_start, line_end) = (lines.start(s), lines.end(e));
    let line = &text[line_start..line_end];
    // Credit lines.
    if words.contains('/') || text[..s].ends_with('/') || text[e..].starts_with('/') {
        return false;
    }
    let first_word = line
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .map(lower)
        .unwrap_or_default();
    if lexicon::is_credit_word(&first_word) && line[..s - line_start].contains([':', '(', '|']) {
        return false;
    }
    // Datelines.
    let tokens: Vec<&str> =
        words.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    if !tokens.is_empty() && tokens.iter().all(|w| is_calendar_token(w)) {
        return false;
    }
    // A heading's words, for a quote on another line.
    let quote_on_line = line_start <= f.m.open && f.m.open <= line_end;
    if !quote_on_line && is_heading(line) {
        return false;
    }
    // The one told: "told CNN", "speaking to the Gazette".
    let before = crate::text::last_words(&text[line_start..s], 2);
    let object_of_telling = match before.as_slice() {
        [w, ..] if w == "told" => true,
        [w, v, ..]
            if w == "to"
                && matches!(v.as_str(), "speaking" | "talking" | "spoke" | "said" | "told") =>
        {
            true
        }
        [w, v, ..] if w == "the" && v == "told" => true,
        _ => false,
    };
    if object_of_telling && sp.canonical.is_some() && !lexicon::is_pronoun_person(&lower(words)) {
        return false;
    }
    true
}

/// A month or weekday name or abbreviation ("Tue", "Jul", "Sept"), or a number.
fn is_calendar_token(w: &str) -> bool {
    const ABBR: &[&str] = &[
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "jan", "feb",
        "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ];
    let l = lower(w);
    w.chars().all(|c| c.is_ascii_digit())
        || ABBR.contains(&l.as_str())
        || storyline_text::calendar::is_capitalised_month_or_weekday(w)
        || w.chars().all(|c| c.is_ascii_uppercase())
            && storyline_text::calendar::is_capitalised_month_or_weekday(&capitalise(&l))
}

fn capitalise(l: &str) -> String {
    let mut cs = l.chars();
    cs.next().map(|c| c.to_uppercase().chain(cs).collect()).unwrap_or_default()
}

/// Whether a line reads as a heading: at most 14 words, no sentence-final mark at its end, and
/// every word of four letters or more capitalised (Title Case or CAPITALS).
fn is_heading(line: &str) -> bool {
    let t = line.trim();
    // Fourteen words fit in far less (and reading on would make a long line costly per quote).
    if t.len() > 1_000 {
        return false;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    let long: Vec<&str> = words
        .iter()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 4 && w.chars().all(char::is_alphabetic))
        .collect();
    !words.is_empty()
        && words.len() <= 14
        && !t.ends_with(['.', '!', '?', '"', '”', '’', ':', ','])
        && !long.is_empty()
        && long.iter().all(|w| w.starts_with(char::is_uppercase))
}

/// Widens a speaker mention to the whole noun phrase, as PolNeAR marks the source: over the
/// rest of a name cut short ("Mitch" + "Kovac", "the economist" + "Jana Roth") and over the
/// title right before it ("Assistant Attorney General Nadia Orlov", "Foreign Minister Ivo
/// Brandt", "campaign spokeswoman Lea Marr": role words and their modifiers, one space apart, on
/// the same line). The canonical name stays the name (a name cut short gets the whole name).
fn widen_to_title(text: &str, lines: &Lines, sp: &mut Speaker) {
    if lexicon::is_pronoun_person(&lower(&sp.text))
        || matches!(lower(&sp.text).as_str(), "who" | "which" | "they" | "it")
    {
        return;
    }
    let (line_start, line_end) = (lines.start(sp.start), lines.end(sp.end));
    if !is_heading(&text[line_start..line_end]) {
        let mut end = sp.end;
        for _ in 0..4 {
            let Some(r) = text[end..line_end].strip_prefix(' ') else { break };
            let w_len =
                r.find(|c: char| !(c.is_alphabetic() || c == '-' || c == '.')).unwrap_or(r.len());
            let w = r[..w_len].trim_end_matches(['.', '-']);
            let name_word = w.chars().count() > 1
                && w.starts_with(char::is_uppercase)
                && w.chars().any(char::is_lowercase)
                && !lexicon::is_stop_cap(w)
                && !lexicon::is_speech_verb(&lower(w));
            if !name_word {
                break;
            }
            end += 1 + w.len();
        }
        if end > sp.end {
            let cut_short =
                sp.canonical.as_deref().is_none_or(|c| c == sp.text || !c.contains(' '));
            if cut_short {
                let name_from =
                    if sp.text.starts_with(char::is_lowercase) { sp.end + 1 } else { sp.start };
                sp.canonical = Some(text[name_from..end].to_string());
            }
            sp.end = end;
            sp.text = text[sp.start..end].to_string();
        }
    }
    if sp.canonical.is_none() {
        return;
    }
    let mut start = sp.start;
    let mut took_role = false;
    loop {
        let head = &text[..start];
        let Some(h) = head.strip_suffix(' ') else { break };
        let ws = h
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let w = &h[ws..];
        let bare = w.trim_end_matches('.');
        let role = lexicon::is_role_head(w)
            || lexicon::is_role_head(bare)
            || lexicon::is_role_noun(&lower(bare)) && w == bare;
        let modifier = took_role && (lexicon::is_role_mod(w) || lexicon::is_role_head(w));
        if w.is_empty() || !(role || modifier) || start - ws > 40 {
            break;
        }
        took_role = true;
        start = ws;
    }
    if start < sp.start {
        sp.start = start;
        sp.text = text[start..sp.end].to_string();
    }
}

/// Whether every word of four letters or more is capitalised (and there is one, in at most 8
/// words): the title of a show, book or campaign rather than speech.
fn is_title_case(content: &str) -> bool {
    let words: Vec<&str> = content.split_whitespace().collect();
    let long: Vec<&str> = words
        .iter()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 4)
        .collect();
    words.len() <= 8
        && !long.is_empty()
        && long.iter().all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// One quotation's speaker decision with character offsets, for training the speaker model.
#[derive(Debug, Clone)]
pub struct QuoteChoice {
    /// The quoted content.
    pub content: Span,
    /// The span of each candidate of `choice`, in order.
    pub candidates: Vec<Span>,
    pub choice: speaker::Choice,
    /// The protected frame the quotation stands in: the rules' speaker stands and the model is
    /// not asked.
    pub rule_frame: Option<RuleFrame>,
}

/// Every quotation the rules found (scare quotes included) with its speaker candidates.
pub fn speaker_choices(text: &str, prepared: &Prepared) -> Vec<QuoteChoice> {
    let idx = CharIndex::new(text);
    prepared
        .found
        .iter()
        .zip(prepared.choices.iter().cloned())
        .map(|(f, choice)| QuoteChoice {
            content: Span::new(idx.char_of(f.m.cs), idx.char_of(f.m.ce)),
            candidates: choice
                .candidates
                .iter()
                .map(|c| Span::new(idx.char_of(c.mention.s), idx.char_of(c.mention.e)))
                .collect(),
            choice,
            rule_frame: rule_frame(text, f),
        })
        .collect()
}

/// The rules' quotations and, for each, the speaker model's candidates; with the number of
/// quoted stretches when there were more than the budget's (only the first are read).
fn find_quotes(
    text: &str,
    idx: &CharIndex,
    sentences: &[Span],
    entities: &[Entity],
) -> (Vec<Found>, Vec<speaker::Choice>, Option<usize>) {
    let doc = Document::new(text, idx, sentences, entities);
    let (marks, marks_found) = bounded_marks(text);
    let found = attribution::attribute_all(&doc, &marks);
    let mut choices = Vec::with_capacity(found.len());
    for_each_choice(&doc, &marks, &found, |_, c| choices.push(c));
    (found, choices, marks_found)
}

/// The first [`crate::budget::MAX_QUOTES`] quoted stretches of `text`, and how many it holds when
/// there are more.
fn bounded_marks(text: &str) -> (Vec<Marks>, Option<usize>) {
    let mut marks = marks::find_marks(text);
    let marks_found = (marks.len() > crate::budget::MAX_QUOTES).then_some(marks.len());
    marks.truncate(crate::budget::MAX_QUOTES);
    (marks, marks_found)
}

/// The speaker model's candidates for each quotation the rules found, handed to `each` in order
/// with the quotation's index.
fn for_each_choice(
    doc: &Document,
    marks: &[Marks],
    found: &[Found],
    mut each: impl FnMut(usize, speaker::Choice),
) {
    let quoted: Vec<(usize, usize)> = marks.iter().map(|m| (m.open, m.close_end)).collect();
    let mentions = speaker::Mentions::new(doc, &quoted);
    let mut prev_canonical: Option<String> = None;
    let mut prev_span: Option<(usize, usize)> = None;
    for (i, f) in found.iter().enumerate() {
        let view = speaker::RuleView {
            open: f.m.open,
            close_end: f.m.close_end,
            words: f.words,
            title_case: is_title_case(&doc.text[f.m.cs..f.m.ce]),
            opens_sentence: f.opens_sentence,
            speaker: f.speaker.as_ref().map(|s| (s.start, s.end)),
            speaker_canonical: f.speaker.as_ref().and_then(|s| s.canonical.clone()),
            cue: f.cue.is_some(),
            prev_canonical: prev_canonical.clone(),
            prev_span,
        };
        each(i, speaker::choice(doc, &mentions, &quoted, &view));
        if let Some(sp) = &f.speaker {
            prev_span = Some((sp.start, sp.end));
            if sp.canonical.is_some() {
                prev_canonical = sp.canonical.clone();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities;
    use storyline_model::offsets::slice;
    use storyline_text::sentences;

    struct Q {
        kind: QuoteKind,
        content: String,
        cue: Option<String>,
        speaker: Option<String>,
        canonical: Option<String>,
    }

    fn quotes(t: &str) -> Vec<Q> {
        let s = sentences::split(t);
        let e = entities::extract(t, &s);
        extract(t, &s, &e)
            .into_iter()
            .map(|q| Q {
                kind: q.kind,
                content: slice(t, q.content.start, q.content.end).to_string(),
                cue: q.cue.map(|c| c.text),
                speaker: q.speaker.as_ref().map(|s| s.text.clone()),
                canonical: q.speaker.and_then(|s| s.canonical),
            })
            .collect()
    }
    fn get<'a>(qs: &'a [Q], starts: &str) -> &'a Q {
        qs.iter()
            .find(|q| q.content.starts_with(starts))
            .unwrap_or_else(|| panic!("no quote {starts}"))
    }

    /// Once a panic (slice begin > end): the outer single quote enclosed a double pair.
    #[test]
    fn nested_quote_marks_do_not_panic() {
        for t in ["‘t. “ a\"’", "‘t. “ a\"’ said Ann Lee.", "Ann Lee said: ‘t. “ a\"’ x “b”"]
        {
            let qs = quotes(t);
            assert!(qs.len() <= 2, "{t}");
        }
        let qs = quotes("‘We stay “for now”,’ said Ann Lee.");
        assert_eq!(qs.len(), 1);
        assert_eq!(qs[0].content, "We stay “for now”,");
    }

    #[test]
    fn cue_after_and_before() {
        let t = "Chancellor Ilse Brandt met Marek Sova on Monday.\n\n\
                 “We will not retreat,” Brandt said. “Our borders are closed.”\n\n\
                 “The talks were useful,” said Sova.\n\n\
                 Sova told reporters: “Nothing is agreed yet.”";
        let qs = quotes(t);
        let a = get(&qs, "We will not");
        assert_eq!(
            (a.kind, a.cue.as_deref(), a.canonical.as_deref()),
            (QuoteKind::Direct, Some("said"), Some("Ilse Brandt"))
        );
        assert_eq!(a.content, "We will not retreat,");
        let b = get(&qs, "Our borders");
        assert_eq!((b.kind, b.canonical.as_deref()), (QuoteKind::Direct, Some("Ilse Brandt")));
        let c = get(&qs, "The talks");
        assert_eq!(
            (c.speaker.as_deref(), c.canonical.as_deref()),
            (Some("Sova"), Some("Marek Sova"))
        );
        let d = get(&qs, "Nothing");
        assert_eq!(
            (d.kind, d.cue.as_deref(), d.canonical.as_deref()),
            (QuoteKind::Direct, Some("told"), Some("Marek Sova"))
        );
    }

    #[test]
    fn partial_quotes_and_pronouns() {
        let t = "Governor Tomas Reyes spoke in Lima on Friday.\n\n\
                 Reyes, in a statement posted online, called the offer “a welcome step” but urged caution.\n\n\
                 Writing on his blog, he called the mood “a very hopeful moment” for everyone.\n\n\
                 The strikes had “no real effect,” he claimed.";
        let qs = quotes(t);
        let a = get(&qs, "a welcome step");
        assert_eq!(
            (a.kind, a.cue.as_deref(), a.speaker.as_deref(), a.canonical.as_deref()),
            (QuoteKind::Partial, Some("called"), Some("Reyes"), Some("Tomas Reyes"))
        );
        let b = get(&qs, "a very hopeful");
        assert_eq!(
            (b.speaker.as_deref(), b.canonical.as_deref()),
            (Some("he"), Some("Tomas Reyes"))
        );
        let c = get(&qs, "no real effect");
        assert_eq!(
            (c.kind, c.cue.as_deref(), c.canonical.as_deref()),
            (QuoteKind::Partial, Some("claimed"), Some("Tomas Reyes"))
        );
    }

    #[test]
    fn role_speaker_and_scare_quotes() {
        let t = "Defence Spokesperson Lena Kraus denied the report.\n\n\
                 “There was no such order,” the defence spokesperson said.\n\n\
                 The so-called “truce” ended.";
        let qs = quotes(t);
        let a = get(&qs, "There was");
        assert_eq!(a.speaker.as_deref(), Some("the defence spokesperson"));
        assert_eq!(a.canonical.as_deref(), Some("Lena Kraus"));
        assert!(qs.iter().all(|q| q.content != "truce"));
        // Multi-byte characters just before a role-introduced name must not split a character.
        let t = "“Ah” — ‘yes’ — “no” — ‘so’ — ééé Spokesperson Lena Kraus left.\n\n\
                 “Nothing changed,” the spokesperson said.";
        assert_eq!(get(&quotes(t), "Nothing").canonical.as_deref(), Some("Lena Kraus"));
    }

    #[test]
    fn unclosed_quote_does_not_swallow_later_quotes() {
        let t = "Officials said “the plan is dead and nobody\n\n\
                 “We are still talking,” Envoy Paulo Reis said.";
        let qs = quotes(t);
        assert_eq!(qs.len(), 1);
        assert_eq!(qs[0].content, "We are still talking,");
        assert_eq!(qs[0].canonical.as_deref(), Some("Paulo Reis"));
        let t2 = "He said “the plan is dead. Later “we are still talking,” Mayor Ana Ruiz said.";
        let qs = quotes(t2);
        assert_eq!(qs.iter().filter(|q| q.content.starts_with("we are still")).count(), 1);
        assert_eq!(get(&qs, "we are still").canonical.as_deref(), Some("Ana Ruiz"));
    }

    #[test]
    fn straight_quotes_and_same_sentence_continuation() {
        let t = "\"Prices will fall,\" Minister Omar Haddad said, \"but not this year.\"";
        let qs = quotes(t);
        assert_eq!(qs.len(), 2);
        assert!(
            qs.iter().all(|q| q.canonical.as_deref() == Some("Omar Haddad")),
            "{:?}",
            qs.iter().map(|q| &q.speaker).collect::<Vec<_>>()
        );
    }

    #[test]
    fn doubled_apostrophe_marks_and_far_cue() {
        let t = "''The levy is a mistake,'' said Mayor Tomas Reyes, who chairs the regional \
                 council of northern towns, adding that ''nobody asked us.''";
        let qs = quotes(t);
        let a = get(&qs, "The levy");
        assert_eq!((a.kind, a.canonical.as_deref()), (QuoteKind::Direct, Some("Tomas Reyes")));
        assert_eq!(a.content, "The levy is a mistake,");
        let t = "“The port stays open,” Harbour Master Ilse Brandt, who has run the docks for a \
                 decade and more, said on Monday.";
        let qs = quotes(t);
        let q = get(&qs, "The port");
        // The name as written (with or without the title, as the entity step tags it).
        assert!(
            q.speaker.as_deref().is_some_and(|s| s.ends_with("Ilse Brandt")),
            "{:?}",
            q.speaker
        );
        assert_eq!(q.cue.as_deref(), Some("said"));
    }

    #[test]
    fn paragraph_continuation_and_colon_lead_in() {
        let t = "Minister Omar Haddad spoke in Tunis.\n\n\
                 “We will cut the fuel tax this spring. Families need relief now.\n\n\
                 “The budget can carry it,” Haddad said.\n\n\
                 Haddad added:\n\n\
                 “No new borrowing is planned.”";
        let qs = quotes(t);
        let a = get(&qs, "We will cut");
        assert_eq!(a.content, "We will cut the fuel tax this spring. Families need relief now.");
        assert_eq!((a.kind, a.canonical.as_deref()), (QuoteKind::Direct, Some("Omar Haddad")));
        assert_eq!(get(&qs, "The budget").canonical.as_deref(), Some("Omar Haddad"));
        let c = get(&qs, "No new borrowing");
        assert_eq!(
            (c.cue.as_deref(), c.canonical.as_deref()),
            (Some("added"), Some("Omar Haddad"))
        );
    }

    #[test]
    fn protected_frames_are_named() {
        let t = "Minister Omar Haddad spoke in Tunis.\n\n\
                 “We will cut the fuel tax this spring.\n\n\
                 “The budget can carry it,” Haddad said.\n\n\
                 On Monday, Haddad told reporters: “No new borrowing is planned.”\n\n\
                 Haddad said the plan was “fair to every family in the country.”\n\n\
                 The tax “was never popular” in the south.";
        let s = sentences::split(t);
        let e = entities::extract(t, &s);
        let frames: Vec<Option<RuleFrame>> =
            speaker_choices(t, &prepare(t, &s, &e)).into_iter().map(|c| c.rule_frame).collect();
        assert_eq!(
            frames,
            [
                Some(RuleFrame::ParagraphContinued),
                Some(RuleFrame::NameRightAfter),
                Some(RuleFrame::NameColonBefore),
                Some(RuleFrame::SubjectFirst),
                None,
            ]
        );
    }

    #[test]
    fn signed_quotes_inverted_cue_and_apostrophes() {
        let t =
            "Readers wrote in.\n\n“The new bridge saved me an hour every day.” ― Marta Quell\n\n\
                 Said Okafor: “I don’t see any plan here.”\n\n\
                 The mayor’s office didn’t comment on the council’s vote.";
        let qs = quotes(t);
        assert_eq!(get(&qs, "The new bridge").speaker.as_deref(), Some("Marta Quell"));
        assert_eq!(get(&qs, "I don’t see").speaker.as_deref(), Some("Okafor"));
        // Apostrophes in words never open or close a quote.
        assert!(qs.iter().all(|q| !q.content.contains("office")), "{:?}", qs.len());
    }

    #[test]
    fn statements_via_media_and_titles() {
        let t = "Senator Ruth Calder toured the plant on Monday.\n\n\
                 Posting on Chirp later, she called the closure “a betrayal of every worker here.”\n\n\
                 In a statement posted to social media platform Zeta, Calder said the firm had \
                 “broken every promise it made.”\n\n\
                 She was interviewed on “Morning Round” afterwards.";
        let qs = quotes(t);
        let a = get(&qs, "a betrayal");
        assert_eq!(a.canonical.as_deref(), Some("Ruth Calder"));
        let b = get(&qs, "broken every");
        assert_eq!(b.canonical.as_deref(), Some("Ruth Calder"));
        assert!(qs.iter().all(|q| q.content != "Morning Round" || q.speaker.is_none()));
        assert!(is_title_case("Morning Round") && !is_title_case("broken every promise it made."));
    }

    #[test]
    fn places_do_not_speak_unless_at_the_cue() {
        let t = "In Lisbon, protesters were “very angry about the fares,” according to witnesses.";
        let qs = quotes(t);
        assert!(qs.iter().all(|q| q.canonical.as_deref() != Some("Lisbon")));
    }

    #[test]
    fn a_relative_pronoun_speaks_for_the_name_it_follows() {
        let t = "Funding was cut by the Harlow Foundation, which said the program had “failed to \
                 meet any of the goals we set for it three years ago.”";
        let qs = quotes(t);
        let q = get(&qs, "failed to meet");
        assert_eq!(q.canonical.as_deref(), Some("Harlow Foundation"));
        // No name right before the pronoun: it stands for nobody we know.
        let t =
            "Harlow Foundation staff closed the program in March, which the board later called \
                 “a quiet surrender to the budget office and its endless spreadsheets.”";
        for q in quotes(t) {
            if q.speaker.as_deref() == Some("which") {
                assert_eq!(q.canonical, None);
            }
        }
    }

    /// A Found for the first quotation of `t`, with the speaker at the first `speaker` in `t`
    /// (after `from`).
    fn found_with_speaker(t: &str, speaker: &str, from: usize) -> (Found, Speaker) {
        let m = marks::find_marks(t)[0];
        let s = from + t[from..].find(speaker).expect("speaker in text");
        let sp = Speaker {
            start: s,
            end: s + speaker.len(),
            text: speaker.to_string(),
            canonical: Some(speaker.to_string()),
        };
        let f = Found {
            m,
            kind_direct: true,
            words: 4,
            opens_sentence: true,
            cue: None,
            speaker: Some(sp.clone()),
            paragraph_continued: false,
        };
        (f, sp)
    }

    /// Issue 15, quotes: a speaker is never a photo credit, a dateline, a heading's words, the
    /// outlet that was told, or a word inside the quotation; a real speaker still is.
    #[test]
    fn implausible_speakers_are_refused() {
        let cases = [
            // (text, speaker, expected)
            ("“The pier is gone,” a fisherman said.\nKESTRELPRESS/Jan Vik\n", "Jan Vik", false),
            (
                "“The pier is gone,” a fisherman said.\nPhoto: Jan Vik for the Harbour Gazette\n",
                "Jan Vik",
                false,
            ),
            ("Tue Jul 27\n“The pier is gone,” a fisherman said.", "Tue Jul 27", false),
            (
                "Varrow Mayor Warns Of Storms\n\n“The pier is gone,” a fisherman said.",
                "Varrow Mayor",
                false,
            ),
            ("“The pier is gone,” an official told Nordic Radio.", "Nordic Radio", false),
            ("“Ask Lena Osk about the pier,” a fisherman said.", "Lena Osk", false),
            ("“The pier is gone,” Lena Osk told reporters.", "Lena Osk", true),
            ("“The pier is gone,” said Lena Osk, the mayor.", "Lena Osk", true),
        ];
        for (t, speaker, expected) in cases {
            let (f, sp) = found_with_speaker(t, speaker, 0);
            assert_eq!(plausible_speaker(t, &Lines::new(t), &f, &sp), expected, "{t} / {speaker}");
        }
        // End to end: the photographer of a credit line never speaks.
        let t = "Storm Hits Varrow Harbour\n\nKESTRELPRESS/Jan Vik\n\n“The pier is gone. We lost everything in one night.”\n\nBoats were thrown onto the quay, residents said.";
        for q in quotes(t) {
            assert!(
                q.speaker.as_deref().is_none_or(|s| !s.contains("Vik") && !s.contains("Storm")),
                "{:?}",
                q.speaker
            );
        }
    }

    /// Issue 15, quotes: the speaker span is the whole noun phrase with its title, the canonical
    /// name stays the name; a name cut short is completed.
    #[test]
    fn speaker_span_keeps_title_and_whole_name() {
        let t = "Nadia Orlov spoke in Varrow.\n\n“We will appeal,” said Assistant Attorney General Nadia Orlov.";
        let qs = quotes(t);
        let q = get(&qs, "We will appeal");
        assert_eq!(q.speaker.as_deref(), Some("Assistant Attorney General Nadia Orlov"));
        assert_eq!(q.canonical.as_deref(), Some("Nadia Orlov"));
        let mut sp = Speaker { start: 0, end: 0, text: String::new(), canonical: None };
        let t = "“We will appeal,” said Mirela Kovac of the port authority.";
        let s = t.find("Mirela").unwrap();
        sp.start = s;
        sp.end = s + "Mirela".len();
        sp.text = "Mirela".into();
        sp.canonical = Some("Mirela".into());
        widen_to_title(t, &Lines::new(t), &mut sp);
        assert_eq!(
            (sp.text.as_str(), sp.canonical.as_deref()),
            ("Mirela Kovac", Some("Mirela Kovac"))
        );
    }

    /// Issue 15, quotes: quote-first frames whose speaker is a common noun phrase ("the woman",
    /// "the protesters") are resolved instead of abstaining; a phrase that is the object of
    /// another verb is not taken.
    #[test]
    fn quote_first_with_a_noun_phrase_speaker() {
        let t = "Shops in Varrow reopened on Monday.\n\n“We lost a week of trade and nobody has paid us,” said the woman, who runs a bakery near the harbour.\n\n“Open the port now!” the protesters shouted outside the Ostrel town hall.\n\n“It will take months to rebuild the quay,” the harbour engineer said.";
        let qs = quotes(t);
        assert_eq!(get(&qs, "We lost a week").speaker.as_deref(), Some("the woman"));
        assert_eq!(get(&qs, "Open the port").speaker.as_deref(), Some("the protesters"));
        assert_eq!(
            get(&qs, "It will take months").speaker.as_deref(),
            Some("the harbour engineer")
        );
        let t = "Mira Tal criticised the port's new rules and said traders were “still waiting for answers.”";
        let qs = quotes(t);
        let q = get(&qs, "still waiting");
        assert!(q.speaker.as_deref().is_none_or(|s| !s.contains("rules")), "{:?}", q.speaker);
    }
}
