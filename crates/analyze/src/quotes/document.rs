//! The document as attribution reads it: entities and sentences by byte offset, and who a
//! phrase names as a speaker (a person, he/she resolved to the nearest person before, an
//! organisation, a place at the cue, a role phrase resolved to the person introduced with it, or
//! a run of capitalised words the entity step missed).

use std::collections::HashMap;

use storyline_model::offsets::CharIndex;
use storyline_model::{Entity, EntityType, Span, Speaker};

use crate::lexicon;
use crate::text::{lower, range_of, spans_to_bytes, Lines, Tok};

pub(super) struct Document<'a> {
    pub text: &'a str,
    /// Byte-offset entities.
    pub ents: Vec<(usize, usize, &'a Entity)>,
    /// Sentence byte ranges.
    pub sents: Vec<(usize, usize)>,
    /// The text's lines.
    pub lines: Lines,
    /// For each lower-cased word, the canonical name of the first person it stands among the
    /// last three words before (within 40 bytes): whom "the spokesperson" is (built when first
    /// asked).
    roles: std::cell::OnceCell<HashMap<String, String>>,
    /// Whether each line is written in Title Case (computed when first asked).
    pub title_lines: std::cell::OnceCell<Vec<bool>>,
}

impl<'a> Document<'a> {
    /// The document's entities and sentences (character offsets) by byte offset.
    pub fn new(text: &'a str, idx: &CharIndex, sentences: &[Span], entities: &'a [Entity]) -> Self {
        let sents = spans_to_bytes(idx, sentences);
        let ents: Vec<(usize, usize, &Entity)> =
            entities.iter().map(|e| (idx.byte_of(e.start), idx.byte_of(e.end), e)).collect();
        Document {
            text,
            ents,
            sents,
            lines: Lines::new(text),
            roles: Default::default(),
            title_lines: Default::default(),
        }
    }

    /// Entities starting within `s..e` (sorted by start).
    fn ents_in(&self, s: usize, e: usize) -> &[(usize, usize, &Entity)] {
        let lo = self.ents.partition_point(|x| x.0 < s);
        let hi = self.ents.partition_point(|x| x.0 < e);
        &self.ents[lo..hi.max(lo)]
    }

    /// First PER of the same sentence before `pos` that is not the object of a preposition
    /// ("Posting on Chirp, she said": not Chirp), else the first PER of the nearest earlier
    /// sentence with one.
    pub fn resolve_pronoun(&self, pos: usize) -> Option<String> {
        let si = range_of(&self.sents, pos)?;
        let per_in = |s: usize, e: usize, same_sentence: bool| {
            let from = self.ents.partition_point(|x| x.0 < s);
            self.ents[from..]
                .iter()
                .take_while(|x| x.0 <= e)
                .filter(|x| !(same_sentence && self.after_preposition(x.0)))
                .find(|x| x.1 <= e && x.2.kind == EntityType::Person)
                .map(|x| x.2.canonical.clone())
        };
        if let Some(c) = per_in(self.sents[si].0, pos, true) {
            return Some(c);
        }
        (0..si).rev().take(4).find_map(|j| per_in(self.sents[j].0, self.sents[j].1, false))
    }

    /// Whether the word right before byte `pos` is a preposition.
    fn after_preposition(&self, pos: usize) -> bool {
        let mut from = pos.saturating_sub(16);
        while !self.text.is_char_boundary(from) {
            from += 1;
        }
        self.text[from..pos]
            .split_whitespace()
            .next_back()
            .is_some_and(|w| PREPOSITIONS.contains(&lower(w).as_str()))
    }

    /// A PER introduced with a role word ("Spokesperson Dmitry X" ← "the spokesperson"): the
    /// first person with `role` among the three words before it.
    pub fn resolve_role(&self, role: &str) -> Option<String> {
        let roles = self.roles.get_or_init(|| {
            let mut roles: HashMap<String, String> = HashMap::new();
            for x in self.ents.iter().filter(|x| x.2.kind == EntityType::Person) {
                let mut from = x.0.saturating_sub(40);
                while !self.text.is_char_boundary(from) {
                    from += 1;
                }
                for w in self.text[from..x.0].split_whitespace().rev().take(3) {
                    let w = lower(w.trim_matches(|c: char| !c.is_alphanumeric()));
                    roles.entry(w).or_insert_with(|| x.2.canonical.clone());
                }
            }
            roles
        });
        roles.get(role).cloned()
    }

    /// Speaker from tokens `toks` (an attribution phrase without the cue). `before_cue`: the
    /// phrase precedes the cue, so the candidate nearest its end is nearest the cue; otherwise
    /// the nearest is at its start. Preference: a person (name or he/she/they, nearest the cue),
    /// then an organisation, then a place standing right at the cue ("Russia said"), then a role
    /// phrase ("the Kremlin spokesperson"), then a run of capitalised words at the cue (a name
    /// the entity step missed).
    pub fn speaker_in(&self, toks: &[Tok], before_cue: bool) -> Option<Speaker> {
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
        // A noun phrase opened by a determiner, standing right at the cue ("“…,” the woman
        // said", "said the real estate developer", "the protesters chanted"): whoever it names
        // speaks, whatever the noun.
        if let Some((ns, ne)) = determiner_phrase_at_cue(self.text, toks, before_cue) {
            return Some(self.mk_speaker(ns, ne, None));
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

    pub fn mk_speaker(&self, s: usize, e: usize, canonical: Option<String>) -> Speaker {
        Speaker { start: s, end: e, text: self.text[s..e].to_string(), canonical }
    }
}

/// Prepositions whose object is not the antecedent of a later pronoun of its sentence.
const PREPOSITIONS: &[&str] =
    &["on", "to", "with", "at", "from", "by", "for", "against", "about", "into", "onto", "via"];

/// Words that open a noun phrase naming someone ("the", "a", "another", "one", "his" …).
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "another", "one", "this", "that", "these", "those", "his", "her", "their",
    "its", "our", "some", "many", "several", "both", "each",
];

/// Words that cannot end a noun phrase: conjunctions, prepositions, relatives, auxiliaries and
/// adverbs of time.
const FUNCTION_WORDS: &[&str] = &[
    "and", "or", "but", "nor", "of", "to", "in", "on", "at", "for", "with", "by", "from", "as",
    "into", "about", "than", "that", "which", "who", "whom", "whose", "also", "then", "later",
    "again", "still", "once", "not", "is", "was", "are", "were", "be", "been", "has", "had",
    "have", "will", "would", "can", "could", "may", "might", "must", "should", "did", "does", "do",
    "it", "he", "she", "they", "we", "i", "you", "there", "here", "now", "today",
];

/// The byte range of a noun phrase opened by a determiner that ends at the cue (`before_cue`:
/// the last words of `toks`) or starts right after it: at most six words, no punctuation
/// inside, its last word a noun-like word (not a function word or an adverb).
fn determiner_phrase_at_cue(text: &str, toks: &[Tok], before_cue: bool) -> Option<(usize, usize)> {
    const MAX: usize = 6;
    let run: Vec<&Tok> = if before_cue {
        let mut r: Vec<&Tok> = toks.iter().rev().take_while(|t| t.word).take(MAX).collect();
        r.reverse();
        r
    } else {
        toks.iter().take_while(|t| t.word).take(MAX).collect()
    };
    let is_det = |t: &Tok| DETERMINERS.contains(&lower(t.text(text)).as_str());
    let (first, last) = if before_cue {
        let d = run.iter().position(|t| is_det(t))?;
        (d, run.len().checked_sub(1)?)
    } else {
        if !run.first().is_some_and(|t| is_det(t)) {
            return None;
        }
        // Up to the first word after the head noun that cannot belong to the phrase.
        let end = run
            .iter()
            .skip(1)
            .position(|t| {
                matches!(
                    lower(t.text(text)).as_str(),
                    "who"
                        | "which"
                        | "that"
                        | "as"
                        | "in"
                        | "on"
                        | "at"
                        | "after"
                        | "before"
                        | "of"
                        | "to"
                        | "and"
                )
            })
            .map_or(run.len(), |i| i + 1);
        (0, end.checked_sub(1)?)
    };
    if last <= first {
        return None;
    }
    let head = lower(run[last].text(text));
    let noun_like = head.chars().all(char::is_alphabetic)
        && !DETERMINERS.contains(&head.as_str())
        && !head.ends_with("ly")
        && !lexicon::is_speech_verb(&head)
        && !FUNCTION_WORDS.contains(&head.as_str());
    noun_like.then(|| (run[first].s, run[last].e))
}

/// Whether a token is a speech verb ("said", "told").
pub(super) fn is_cue_tok(text: &str, t: &Tok) -> bool {
    t.word && lexicon::is_speech_verb(&lower(t.text(text)))
}
