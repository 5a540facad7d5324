//! Analysis of one article: sentences, entities, time expressions, quotes and events.
//!
//! Pure functions from text (plus the publication date) to an [`Analysis`] of spans into that text.
//! Never does I/O, never touches the store. Every offset produced here is a CHARACTER offset
//! (Unicode scalar values), end-exclusive; internally the steps work on byte offsets and convert
//! at their boundary with [`storyline_model::offsets::CharIndex`].
//!
//! Steps (each its own module, each usable alone):
//! sentences ([`storyline_text::sentences`], bounded by [`budget`]) → [`entities`] → [`times`] → [`quotes`] → [`events`];
//! person names are folded by [`storyline_text::names`], shared with the compare stage.

use storyline_model::{Analysis, Date};
use storyline_text::sentences;

pub mod budget;
pub mod entities;
pub mod events;
// Some word lists served the rule-based entity step the statistical tagger replaced.
mod lexicon;
pub mod ner;
pub mod quotes;
mod text;
pub mod times;

/// Runs every analysis step on `text`; relative dates resolve against `published`. The work is
/// bounded by the per-document budget ([`budget`]): linear in the text, whatever the text; a
/// bound that cut anything is named in [`Analysis::limits`].
pub fn analyze(text: &str, published: Option<Date>) -> Analysis {
    let mut limits = Vec::new();
    let (sentences, cut) =
        budget::bound_sentences(text, sentences::split(text), budget::MAX_SENTENCE_CHARS);
    if cut > 0 {
        limits.push(format!(
            "sentences: {cut} longer than {} characters cut into pieces",
            budget::MAX_SENTENCE_CHARS
        ));
    }
    let entities = entities::extract(text, &sentences);
    let times = times::extract(text, &sentences, published);
    let (quotes, left_out) = quotes::extract_within_budget(text, &sentences, &entities);
    if let Some((all, kept)) = left_out {
        limits.push(format!("quotes: {all} quoted stretches, the first {kept} attributed"));
    }
    let mut a = Analysis { sentences, entities, times, quotes, events: Vec::new(), limits };
    a.events = events::extract(text, &a);
    a
}

#[cfg(test)]
mod seed_tests;
