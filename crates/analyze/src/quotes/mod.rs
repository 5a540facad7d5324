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

use storyline_model::offsets::CharIndex;
use storyline_model::{Entity, EntityType, Quote, QuoteKind, Span, Speaker, TextSpan};

use crate::lexicon;

pub mod speaker;
use crate::text::{lower, range_of, spans_to_bytes, tokenize, Tok};

/// One quoted stretch: byte offsets of the marks (open mark start, close mark end) and content.
#[derive(Debug, Clone, Copy)]
struct Marks {
    open: usize,
    close_end: usize,
    cs: usize,
    ce: usize,
    /// Opens a paragraph and is not closed in it.
    open_ended: bool,
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

/// Double quotation marks of one line: (byte offset in the line, byte length, role).
fn double_marks(line: &str) -> Vec<(usize, usize, Role)> {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (b, c) = chars[i];
        let prev = i.checked_sub(1).map(|j| chars[j].1);
        match c {
            '“' | '«' => out.push((b, c.len_utf8(), Role::Open)),
            // A right mark opening a paragraph or following a space before a word is a misused
            // opener ("”Fear. I am…").
            '”' => {
                let next = chars.get(i + 1).map(|x| x.1);
                let opens =
                    prev.is_none_or(char::is_whitespace) && next.is_some_and(char::is_alphanumeric);
                out.push((b, c.len_utf8(), if opens { Role::Open } else { Role::Close }));
            }
            '»' => out.push((b, c.len_utf8(), Role::Close)),
            '"' => out.push((b, 1, Role::Either)),
            '\'' if chars.get(i + 1).is_some_and(|x| x.1 == '\'') => {
                out.push((b, 2, Role::Either));
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn find_marks(text: &str) -> Vec<Marks> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        let char_before = |b: usize| line[..b].chars().next_back();
        let char_after = |b: usize| line[b..].chars().next();
        let mut open: Option<(usize, usize)> = None;
        // (open mark start, close mark end, open mark length, close mark length)
        let mut pairs: Vec<(usize, usize, usize, usize)> = Vec::new();
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
        // Single marks (‘…’, '…') outside the double-quoted stretches, at word boundaries.
        let dq = pairs.clone();
        let inside = |b: usize| dq.iter().any(|&(o, e, _, _)| o < b && b < e);
        let mut sopen: Option<(usize, char)> = None;
        for (i, &(b, c)) in chars.iter().enumerate() {
            let prev = if i > 0 { Some(chars[i - 1].1) } else { None };
            let next = chars.get(i + 1).map(|x| x.1);
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
        pairs.sort();
        for (o, e, olen, clen) in pairs {
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

struct Ctx<'a> {
    text: &'a str,
    /// Byte-offset entities.
    ents: Vec<(usize, usize, &'a Entity)>,
    sents: Vec<(usize, usize)>,
}

impl Ctx<'_> {
    /// Entities starting within `s..e` (sorted by start).
    fn ents_in(&self, s: usize, e: usize) -> &[(usize, usize, &Entity)] {
        let lo = self.ents.partition_point(|x| x.0 < s);
        let hi = self.ents.partition_point(|x| x.0 < e);
        &self.ents[lo..hi.max(lo)]
    }

    /// First PER of the same sentence before `pos`, else of the nearest earlier sentence with one.
    fn resolve_pronoun(&self, pos: usize) -> Option<String> {
        let si = range_of(&self.sents, pos)?;
        let per_in = |s: usize, e: usize| {
            self.ents
                .iter()
                .find(|x| x.0 >= s && x.1 <= e && x.2.kind == EntityType::Person)
                .map(|x| x.2.canonical.clone())
        };
        if let Some(c) = per_in(self.sents[si].0, pos) {
            return Some(c);
        }
        (0..si).rev().take(4).find_map(|j| per_in(self.sents[j].0, self.sents[j].1))
    }

    /// A PER introduced with a role word ("Spokesperson Dmitry X" ← "the spokesperson").
    fn resolve_role(&self, role: &str) -> Option<String> {
        self.ents.iter().filter(|x| x.2.kind == EntityType::Person).find_map(|x| {
            let mut from = x.0.saturating_sub(40);
            while !self.text.is_char_boundary(from) {
                from += 1;
            }
            let before = &self.text[from..x.0];
            let hit = before
                .split_whitespace()
                .rev()
                .take(3)
                .any(|w| lower(w.trim_matches(|c: char| !c.is_alphanumeric())) == role);
            hit.then(|| x.2.canonical.clone())
        })
    }

    /// Speaker from tokens `toks` (an attribution phrase without the cue). `before_cue`: the
    /// phrase precedes the cue, so the candidate nearest its end is nearest the cue; otherwise
    /// the nearest is at its start. Preference: a person (name or he/she/they, nearest the cue),
    /// then an organisation, then a place standing right at the cue ("Russia said"), then a role
    /// phrase ("the Kremlin spokesperson"), then a run of capitalised words at the cue (a name
    /// the entity step missed).
    fn speaker_in(&self, toks: &[Tok], before_cue: bool) -> Option<Speaker> {
        let (s, e) = (toks.first()?.s, toks.last()?.e);
        let in_range: Vec<(usize, usize, &Entity)> =
            self.ents_in(s, e).iter().filter(|x| x.1 <= e).copied().collect();
        let nearest = |a: usize| if before_cue { a } else { usize::MAX - a };
        // People: entities and pronouns.
        let mut best: Option<(usize, Speaker)> = None;
        for &(es, ee, ent) in &in_range {
            if ent.kind == EntityType::Person {
                let sp = self.mk_speaker(es, ee, Some(ent.canonical.clone()));
                if best.as_ref().is_none_or(|b| nearest(es) > b.0) {
                    best = Some((nearest(es), sp));
                }
            }
        }
        for t in toks.iter().filter(|t| t.word) {
            let w = lower(t.text(self.text));
            let inside_entity = in_range.iter().any(|x| x.0 <= t.s && t.e <= x.1);
            if inside_entity {
                continue;
            }
            let canonical = if lexicon::is_pronoun_person(&w) {
                self.resolve_pronoun(t.s)
            } else if w == "they" {
                None
            } else {
                continue;
            };
            if best.as_ref().is_none_or(|b| nearest(t.s) > b.0) {
                best = Some((nearest(t.s), self.mk_speaker(t.s, t.e, canonical)));
            }
        }
        if let Some((_, sp)) = best {
            return Some(sp);
        }
        let pick = |kind: EntityType| {
            let mut it = in_range.iter().filter(move |x| x.2.kind == kind);
            if before_cue {
                it.next_back()
            } else {
                it.next()
            }
        };
        if let Some(&(es, ee, ent)) = pick(EntityType::Organisation) {
            return Some(self.mk_speaker(es, ee, Some(ent.canonical.clone())));
        }
        let words: Vec<&Tok> = toks.iter().filter(|t| t.word).collect();
        let at_cue = if before_cue { words.last() } else { words.first() };
        if let Some(&(es, ee, ent)) = pick(EntityType::Location) {
            if at_cue.is_some_and(|t| es <= t.s && t.e <= ee) {
                return Some(self.mk_speaker(es, ee, Some(ent.canonical.clone())));
            }
        }
        // Role phrase: "the Kremlin spokesperson", "a senior official".
        if let Some(role_at) =
            words.iter().rposition(|t| lexicon::is_role_noun(&lower(t.text(self.text))))
        {
            let start = words[..role_at]
                .iter()
                .rposition(|t| matches!(lower(t.text(self.text)).as_str(), "the" | "a" | "an"))
                .filter(|&d| role_at - d <= 4)
                .unwrap_or(role_at);
            let role = lower(words[role_at].text(self.text));
            return Some(self.mk_speaker(
                words[start].s,
                words[role_at].e,
                self.resolve_role(&role),
            ));
        }
        // Capitalised words at the cue.
        let is_cap = |t: &Tok| {
            let w = t.text(self.text);
            w.chars().next().is_some_and(char::is_uppercase)
                && !lexicon::is_stop_cap(w)
                && !lexicon::is_common_word(&lower(w))
        };
        let run: Vec<&Tok> = if before_cue {
            let mut r: Vec<&Tok> = toks.iter().rev().take_while(|t| t.word && is_cap(t)).collect();
            r.reverse();
            r
        } else {
            toks.iter().take_while(|t| t.word && is_cap(t)).collect()
        };
        if (1..=4).contains(&run.len()) && run.iter().any(|t| t.e - t.s > 2) {
            let (rs, re) = (run[0].s, run[run.len() - 1].e);
            return Some(self.mk_speaker(rs, re, Some(self.text[rs..re].to_string())));
        }
        None
    }

    fn mk_speaker(&self, s: usize, e: usize, canonical: Option<String>) -> Speaker {
        Speaker { start: s, end: e, text: self.text[s..e].to_string(), canonical }
    }
}

fn is_cue_tok(text: &str, t: &Tok) -> bool {
    t.word && lexicon::is_speech_verb(&lower(t.text(text)))
}

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
}

/// Finds the quotations and their speaker candidates (see [`finish`]).
pub fn prepare(text: &str, sentences: &[Span], entities: &[Entity]) -> Prepared {
    let idx = CharIndex::new(text);
    let (found, choices) = find_quotes(text, &idx, sentences, entities);
    Prepared { found, choices }
}

/// Extracts quotations (character offsets).
pub fn extract(text: &str, sentences: &[Span], entities: &[Entity]) -> Vec<Quote> {
    let model = speaker::model();
    finish(text, &prepare(text, sentences, entities), model, model.thresholds)
}

/// Lets `model` decide each speaker of `prepared` under thresholds `th` and builds the quotations.
pub fn finish(
    text: &str,
    prepared: &Prepared,
    model: &speaker::Model,
    th: speaker::Thresholds,
) -> Vec<Quote> {
    let idx = CharIndex::new(text);
    let mut found = prepared.found.clone();
    if !model.is_empty() {
        for (f, c) in found.iter_mut().zip(&prepared.choices) {
            if rule_frame(text, f).is_some() {
                continue;
            }
            let rule = f.speaker.as_ref().map(|sp| (sp.start, sp.end));
            let bare = f.cue.is_none() && (f.words < 3 || is_title_case(&text[f.m.cs..f.m.ce]));
            apply_choice(text, f, c, model.decide(c, rule, bare, th));
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
fn apply_choice(text: &str, f: &mut Found, c: &speaker::Choice, chosen: Option<usize>) {
    let Some(i) = chosen else {
        f.speaker = None;
        return;
    };
    let m = &c.candidates[i].mention;
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

/// The rules' quotations and, for each, the speaker model's candidates.
fn find_quotes(
    text: &str,
    idx: &CharIndex,
    sentences: &[Span],
    entities: &[Entity],
) -> (Vec<Found>, Vec<speaker::Choice>) {
    let sents = spans_to_bytes(idx, sentences);
    let ents = entities.iter().map(|e| (idx.byte_of(e.start), idx.byte_of(e.end), e)).collect();
    let cx = Ctx { text, ents, sents };
    let marks = find_marks(text);

    let mut found: Vec<Found> = Vec::new();
    for (qi, m) in marks.iter().enumerate() {
        let si = range_of(&cx.sents, m.open).or_else(|| range_of(&cx.sents, m.cs));
        let (ss, se) = si.map_or((m.open, m.close_end), |i| cx.sents[i]);
        // Segment before: from the previous quote's close (same sentence) or sentence start.
        let seg_start = marks[..qi]
            .iter()
            .rev()
            .find(|p| p.close_end > ss && p.close_end <= m.open)
            .map_or(ss, |p| p.close_end);
        let seg_end =
            marks.get(qi + 1).filter(|n| n.open < se).map_or(se, |n| n.open).max(m.close_end);
        let before: Vec<Tok> = tokenize(text, seg_start, m.open);
        let after: Vec<Tok> = tokenize(text, m.close_end, seg_end.min(text.len()));
        // Tokens of the whole sentence before the quote, outside quoted stretches.
        let in_sent: Vec<&Marks> =
            marks.iter().filter(|q| q.close_end > ss && q.open < m.open).collect();
        let outside = |t: &Tok| !in_sent.iter().any(|q| q.open <= t.s && t.e <= q.close_end);
        let sent_before: Vec<Tok> =
            tokenize(text, ss, m.open).into_iter().filter(outside).collect();

        let mut cue: Option<(usize, usize)> = None;
        let mut speaker: Option<Speaker> = None;
        let mut paragraph_continued = false;
        let before_empty = !before.iter().any(|t| t.word);
        // 1. "NAME CUE [reporters][:,] “…”" right before.
        let mut kind_direct = before_empty;
        let last_word = before.iter().rposition(|t| t.word);
        let ends_punct = before.last().is_some_and(|t| matches!(t.text(text), ":" | ","));
        let tail_cue = last_word.and_then(|lw| {
            let lo = lw.saturating_sub(if ends_punct { 3 } else { 1 });
            (lo..=lw).rev().find(|&i| is_cue_tok(text, &before[i]))
        });
        if let Some(i_cue) = tail_cue {
            cue = Some((before[i_cue].s, before[i_cue].e));
            speaker = cx.speaker_in(&before[..i_cue], true).or_else(|| {
                // Inverted: "Said Ellis: “…”".
                let name: Vec<Tok> =
                    before[i_cue + 1..].iter().take_while(|t| t.word).copied().collect();
                cx.speaker_in(&name, false)
            });
            let starts_upper = text[m.cs..].chars().next().is_some_and(char::is_uppercase);
            kind_direct = starts_upper;
        }
        // 2. ",” NAME CUE" / ",” CUE NAME" right after.
        let mut late_cue: Option<((usize, usize), Option<Speaker>)> = None;
        if cue.is_none() {
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
                let name_toks: Vec<Tok> = if ci > 0 {
                    let toks: Vec<Tok> = after.iter().filter(|t| t.e <= c.s).copied().collect();
                    // "NAME, an apposition, said": the name before the first comma.
                    match toks.iter().position(|t| t.text(text) == ",") {
                        Some(k) if k > 0 && toks[0].text(text).starts_with(char::is_uppercase) => {
                            toks[..k].to_vec()
                        }
                        _ => toks,
                    }
                } else {
                    // "said Putin", "said the Kremlin spokesperson": up to punctuation.
                    after
                        .iter()
                        .filter(|t| t.s >= c.e)
                        .take_while(|t| t.word)
                        .take(6)
                        .copied()
                        .collect()
                };
                let sp = cx.speaker_in(&name_toks, ci > 0);
                if comma || (ci <= 3 && sp.is_some()) {
                    cue = Some((c.s, c.e));
                    speaker = sp;
                } else {
                    late_cue = Some(((c.s, c.e), sp));
                }
            } else if let Some(ai) = after.iter().position(|t| t.word) {
                if lower(after[ai].text(text)) == "according"
                    && after.get(ai + 1).is_some_and(|t| t.text(text) == "to")
                {
                    cue = Some((after[ai].s, after[ai + 1].e));
                    let name: Vec<Tok> =
                        after[ai + 2..].iter().take_while(|t| t.word).take(6).copied().collect();
                    speaker = cx.speaker_in(&name, false);
                }
            }
        }
        // 2b. "“…” ― NAME" closing its line: a signed quote.
        if cue.is_none() && speaker.is_none() {
            let dash = after.first().is_some_and(|t| matches!(t.text(text), "―" | "—" | "–"));
            let line_rest = text[m.close_end..].split('\n').next().unwrap_or("");
            if dash && line_rest.split_whitespace().count() <= 8 {
                let name: Vec<Tok> =
                    after[1..].iter().take_while(|t| t.word).take(6).copied().collect();
                if let Some(sp) = cx.speaker_in(&name, false) {
                    speaker = Some(sp);
                    kind_direct = true;
                }
            }
        }
        // 2c. A paragraph-opening quote after a paragraph ending "NAME CUE:" ("Smith added:").
        if cue.is_none() && speaker.is_none() && before_empty {
            let head = text[..m.open].trim_end();
            let opens_par = text[..m.open].ends_with('\n') || head.len() < text[..m.open].len();
            if opens_par && head.ends_with(':') {
                let par_start = head.rfind('\n').map_or(0, |i| i + 1);
                let prev: Vec<Tok> = tokenize(text, par_start, head.len())
                    .into_iter()
                    .filter(|t| !marks.iter().any(|q| q.open <= t.s && t.e <= q.close_end))
                    .collect();
                let n = prev.len();
                if let Some(ci) =
                    (n.saturating_sub(5)..n).rev().find(|&i| is_cue_tok(text, &prev[i]))
                {
                    let from = prev[..ci]
                        .iter()
                        .rposition(|t| matches!(t.text(text), "." | "!" | "?"))
                        .map_or(0, |i| i + 1);
                    if let Some(sp) = cx.speaker_in(&prev[from..ci], true) {
                        cue = Some((prev[ci].s, prev[ci].e));
                        speaker = Some(sp);
                        kind_direct = true;
                    }
                }
            }
        }
        // 3. A cue earlier in the sentence: subject before it.
        if cue.is_none() {
            if let Some(ci) = sent_before.iter().rposition(|t| is_cue_tok(text, t)) {
                cue = Some((sent_before[ci].s, sent_before[ci].e));
                speaker = cx.speaker_in(&sent_before[..ci], true);
                kind_direct = false;
            }
        }
        if cue.is_none() {
            if let Some((c, sp)) = late_cue {
                cue = Some(c);
                speaker = sp;
            }
        }
        // 4. Continuation: quote opening its sentence right after an attributed quote, or opening
        // the paragraph after an attributed quote left open at its paragraph's end.
        if cue.is_none() && speaker.is_none() && before_empty {
            if let Some(prev) = found.iter().rev().find(|f| !f.scare()) {
                let between = &text[prev.m.close_end..m.open];
                let same_par = !between.contains('\n');
                let prev_sent = si.and_then(|i| i.checked_sub(1)).map(|i| cx.sents[i]);
                let adjacent =
                    prev_sent.is_some_and(|(ps, pe)| prev.m.open >= ps && prev.m.close_end <= pe);
                let continued = prev.m.open_ended && between.trim().is_empty();
                if ((same_par && adjacent) || continued) && prev.speaker.is_some() {
                    cue = prev.cue;
                    speaker = prev.speaker.clone();
                    kind_direct = true;
                    paragraph_continued = continued;
                }
            }
        }
        let words = text[m.cs..m.ce].split_whitespace().count();
        found.push(Found {
            m: *m,
            kind_direct,
            words,
            opens_sentence: before_empty,
            cue,
            speaker,
            paragraph_continued,
        });
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
    let quoted: Vec<(usize, usize)> = marks.iter().map(|m| (m.open, m.close_end)).collect();
    let mentions = speaker::mentions(&cx, &quoted);
    let mut prev_canonical: Option<String> = None;
    let mut prev_span: Option<(usize, usize)> = None;
    let mut choices = Vec::with_capacity(found.len());
    for f in &found {
        let view = speaker::RuleView {
            open: f.m.open,
            close_end: f.m.close_end,
            words: f.words,
            title_case: is_title_case(&text[f.m.cs..f.m.ce]),
            opens_sentence: f.opens_sentence,
            speaker: f.speaker.as_ref().map(|s| (s.start, s.end)),
            speaker_canonical: f.speaker.as_ref().and_then(|s| s.canonical.clone()),
            cue: f.cue.is_some(),
            prev_canonical: prev_canonical.clone(),
            prev_span,
        };
        choices.push(speaker::choice(&cx, &mentions, &quoted, &view));
        if let Some(sp) = &f.speaker {
            prev_span = Some((sp.start, sp.end));
            if sp.canonical.is_some() {
                prev_canonical = sp.canonical.clone();
            }
        }
    }
    (found, choices)
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
}
