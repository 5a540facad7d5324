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
//! role. Scare quotes (no cue, no speaker, fewer than 3 words) are dropped; longer uncued quotes are
//! kept as `partial` with no speaker.

use storyline_model::offsets::CharIndex;
use storyline_model::{Entity, EntityType, Quote, QuoteKind, Span, Speaker, TextSpan};

use crate::lexicon;
use crate::text::{lower, range_of, spans_to_bytes, tokenize, Tok};

/// One quoted stretch: byte offsets of the marks (open mark start, close mark end) and content.
#[derive(Debug, Clone, Copy)]
struct Marks {
    open: usize,
    close_end: usize,
    cs: usize,
    ce: usize,
}

fn find_marks(text: &str) -> Vec<Marks> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        let mut open: Option<(usize, char)> = None;
        let mut doubles: Vec<(usize, usize)> = Vec::new();
        for (i, &(b, c)) in chars.iter().enumerate() {
            let prev = if i > 0 { Some(chars[i - 1].1) } else { None };
            let next = chars.get(i + 1).map(|x| x.1);
            match c {
                '“' | '«' => open = Some((b, c)),
                '”' | '»' => {
                    if let Some((o, _)) = open.take() {
                        doubles.push((o, b + c.len_utf8()));
                    }
                }
                '"' => {
                    let can_close = prev.is_some_and(|p| !p.is_whitespace());
                    let can_open = prev.is_none_or(|p| {
                        p.is_whitespace() || matches!(p, '(' | '[' | '—' | '–' | '-' | ':')
                    }) && next.is_some_and(|n| !n.is_whitespace());
                    if open.is_some() && can_close {
                        let (o, _) = open.take().unwrap();
                        doubles.push((o, b + 1));
                    } else if can_open {
                        open = Some((b, c));
                    }
                }
                _ => {}
            }
        }
        // Single curly quotes outside the double-quoted stretches.
        let dq = doubles.clone();
        let inside = |b: usize| dq.iter().any(|&(o, e)| o < b && b < e);
        let mut sopen: Option<usize> = None;
        for (i, &(b, c)) in chars.iter().enumerate() {
            let prev = if i > 0 { Some(chars[i - 1].1) } else { None };
            let next = chars.get(i + 1).map(|x| x.1);
            if c == '‘' && !inside(b) && prev.is_none_or(|p| !p.is_alphanumeric()) {
                sopen = Some(b);
            } else if c == '’' && next.is_none_or(|n| !n.is_alphanumeric()) {
                if let Some(o) = sopen.take() {
                    if !inside(o) {
                        doubles.push((o, b + c.len_utf8()));
                    }
                }
            }
        }
        doubles.sort();
        for (o, e) in doubles {
            let open_len = line[o..].chars().next().map_or(1, char::len_utf8);
            let close_len = line[..e].chars().next_back().map_or(1, char::len_utf8);
            let (cs, ce) = (line_start + o + open_len, line_start + e - close_len);
            if ce > cs && !text[cs..ce].trim().is_empty() {
                out.push(Marks { open: line_start + o, close_end: line_start + e, cs, ce });
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

    fn entity_at(&self, s: usize, e: usize) -> Option<&(usize, usize, &Entity)> {
        self.ents_in(s, e).iter().find(|x| x.1 <= e)
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

    /// Speaker from tokens `toks` (a short attribution phrase without the cue).
    fn speaker_in(&self, toks: &[Tok]) -> Option<Speaker> {
        let (s, e) = (toks.first()?.s, toks.last()?.e);
        let in_range = |x: &&(usize, usize, &Entity)| x.0 >= s && x.1 <= e;
        if let Some(&(es, ee, ent)) =
            self.ents_in(s, e).iter().filter(in_range).find(|x| x.2.kind == EntityType::Person)
        {
            return Some(self.mk_speaker(es, ee, Some(ent.canonical.clone())));
        }
        for t in toks {
            let w = lower(t.text(self.text));
            if lexicon::is_pronoun_person(&w) {
                return Some(self.mk_speaker(t.s, t.e, self.resolve_pronoun(t.s)));
            }
        }
        if let Some(&(es, ee, ent)) = self.entity_at(s, e) {
            return Some(self.mk_speaker(es, ee, Some(ent.canonical.clone())));
        }
        // Role phrase: "the Kremlin spokesperson", "a senior official".
        let words: Vec<&Tok> = toks.iter().filter(|t| t.word).collect();
        let role_at =
            words.iter().position(|t| lexicon::is_role_noun(&lower(t.text(self.text))))?;
        let start = words
            .iter()
            .position(|t| matches!(lower(t.text(self.text)).as_str(), "the" | "a" | "an"))
            .filter(|&d| d < role_at)
            .unwrap_or(role_at);
        let role = lower(words[role_at].text(self.text));
        Some(self.mk_speaker(words[start].s, words[role_at].e, self.resolve_role(&role)))
    }

    fn mk_speaker(&self, s: usize, e: usize, canonical: Option<String>) -> Speaker {
        Speaker { start: s, end: e, text: self.text[s..e].to_string(), canonical }
    }
}

fn is_cue_tok(text: &str, t: &Tok) -> bool {
    t.word && lexicon::is_speech_verb(&lower(t.text(text)))
}

/// Extracts quotations (character offsets).
pub fn extract(text: &str, sentences: &[Span], entities: &[Entity]) -> Vec<Quote> {
    let idx = CharIndex::new(text);
    let sents = spans_to_bytes(&idx, sentences);
    let ents = entities.iter().map(|e| (idx.byte_of(e.start), idx.byte_of(e.end), e)).collect();
    let cx = Ctx { text, ents, sents };
    let marks = find_marks(text);

    struct Found {
        m: Marks,
        kind: QuoteKind,
        cue: Option<(usize, usize)>,
        speaker: Option<Speaker>,
    }
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
            speaker = cx.speaker_in(&before[..i_cue]);
            let starts_upper = text[m.cs..].chars().next().is_some_and(char::is_uppercase);
            kind_direct = starts_upper;
        }
        // 2. ",” NAME CUE" / ",” CUE NAME" right after.
        let mut late_cue: Option<((usize, usize), Option<Speaker>)> = None;
        if cue.is_none() {
            let comma = text[m.cs..m.ce].trim_end().ends_with([',', '!', '?', '—'])
                || after.first().is_some_and(|t| matches!(t.text(text), "," | "—" | "–"));
            let aw: Vec<&Tok> = after.iter().filter(|t| t.word).take(8).collect();
            if let Some(ci) = aw.iter().position(|t| is_cue_tok(text, t)) {
                let c = aw[ci];
                let name_toks: Vec<Tok> = if ci > 0 {
                    after.iter().filter(|t| t.e <= c.s).copied().collect()
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
                let sp = cx.speaker_in(&name_toks);
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
                    speaker = cx.speaker_in(&name);
                }
            }
        }
        // 3. A cue earlier in the sentence: subject before it.
        if cue.is_none() {
            if let Some(ci) = sent_before.iter().rposition(|t| is_cue_tok(text, t)) {
                cue = Some((sent_before[ci].s, sent_before[ci].e));
                speaker = cx.speaker_in(&sent_before[..ci]);
                kind_direct = false;
            }
        }
        if cue.is_none() {
            if let Some((c, sp)) = late_cue {
                cue = Some(c);
                speaker = sp;
            }
        }
        // 4. Continuation: quote opening its sentence right after an attributed quote.
        if cue.is_none() && before_empty {
            if let Some(prev) = found.last() {
                let same_par = !text[prev.m.close_end..m.open].contains('\n');
                let prev_sent = si.and_then(|i| i.checked_sub(1)).map(|i| cx.sents[i]);
                let adjacent =
                    prev_sent.is_some_and(|(ps, pe)| prev.m.open >= ps && prev.m.close_end <= pe);
                if same_par && adjacent && prev.speaker.is_some() {
                    cue = prev.cue;
                    speaker = prev.speaker.clone();
                    kind_direct = true;
                }
            }
        }
        let words = text[m.cs..m.ce].split_whitespace().count();
        if cue.is_none() && speaker.is_none() && words < 3 {
            continue; // scare quote
        }
        let kind = if kind_direct && cue.is_some() && words >= 3 {
            QuoteKind::Direct
        } else {
            QuoteKind::Partial
        };
        found.push(Found { m: *m, kind, cue, speaker });
    }

    found
        .into_iter()
        .map(|f| Quote {
            kind: f.kind,
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
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{entities, sentences};
    use storyline_model::offsets::slice;

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
}
