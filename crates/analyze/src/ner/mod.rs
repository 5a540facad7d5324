//! The statistical named-entity tagger behind [`crate::entities`]: CoNLL-style tokenisation of raw
//! text, hashed sparse features, and a greedy left-to-right averaged perceptron over BILOU tags
//! for PER / ORG / LOC / MISC, trained on CoNLL-2003 `eng.train` by `storyline_train::ner`.
//!
//! Why this design: a linear model over rich indicator features (word, shape, affixes, ±2 window,
//! gazetteers, word clusters ([`clusters`]), document-level case and prediction-history features)
//! is the classic CoNLL recipe (0.87–0.91 F1 on the development set), needs no new dependency, trains in a minute on one
//! core, tags hundreds of thousands of tokens per second and fits in a file small enough to embed.
//! Greedy decoding with transition constraints instead of Viterbi keeps the history features
//! simple (Ratinov & Roth 2009 found greedy as accurate for NER).
//!
//! The model (`crates/analyze/models/ner.bin`) is embedded with `include_bytes!` and decoded once
//! on first use. It is rebuilt, deterministically, by
//! `cargo run --release -p storyline-train --example train_ner -- ../shared/data/ner/conll2003/eng.train crates/analyze/models/ner.bin`
//! (with the committed word clusters; rebuild it after changing them).
//!
//! Word clusters (eng.testa, `storyline eval ner`; recall on gold names whose surface form is no
//! name of eng.train): F1 0.902 → 0.912, recall on unseen names 0.743 → 0.775, on seen names
//! 0.972 → 0.973. Pairs of neighbouring clusters as features, or clusters from skip-gram
//! windows of 2 instead of 5, scored the same or lower (0.909–0.911).

use std::sync::LazyLock;

pub mod clusters;
pub mod features;
pub mod model;
pub mod tokenize;

pub use model::Model;
use tokenize::TokSpan;

/// Hypotheses kept per sentence when tagging (training decodes greedily).
pub const BEAM: usize = 4;

static MODEL_BYTES: &[u8] = include_bytes!("../../models/ner.bin");

static MODEL: LazyLock<Model> = LazyLock::new(|| {
    Model::from_bytes(MODEL_BYTES).expect("the embedded NER model (models/ner.bin) decodes")
});

/// The embedded model (decoded on first use; a build whose embedded file is not a model fails
/// loudly rather than tagging nothing — `embedded_model_loads` tests it).
pub fn model() -> &'static Model {
    &MODEL
}

/// A tagged entity: token range `[start, end)` within its sentence's tokens and a type index
/// (0 PER, 1 ORG, 2 LOC, 3 MISC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaggedSpan {
    pub sentence: usize,
    pub start: usize,
    pub end: usize,
    pub ty: usize,
}

/// Tokens of each sentence (byte ranges into `text`) and the entity spans the model finds.
pub fn tag(
    model: &Model,
    text: &str,
    sentences: &[(usize, usize)],
) -> (Vec<Vec<TokSpan>>, Vec<TaggedSpan>) {
    let toks: Vec<Vec<TokSpan>> = sentences
        .iter()
        .map(|&(s, e)| {
            let mut v = Vec::new();
            tokenize::tokenize(text, s, e, &mut v);
            v
        })
        .collect();
    let words: Vec<Vec<&str>> =
        toks.iter().map(|s| s.iter().map(|&(a, b)| &text[a..b]).collect()).collect();
    let cx = features::DocContext::new(&words, &model.gazetteer);
    let tags = features::tag_document(&mut &*model, &cx, BEAM);
    drop(cx);
    let mut spans = Vec::new();
    let mut sb = 0;
    for (si, sentence) in words.iter().enumerate() {
        let se = sb + sentence.len();
        let mut open: Option<(usize, usize)> = None;
        for (i, &t) in tags.iter().enumerate().take(se).skip(sb) {
            let Some(ty) = features::tag_type(t) else {
                open = None;
                continue;
            };
            match features::tag_pos(t) {
                0 => open = Some((i, ty)),
                1 => {}
                2 => {
                    if let Some((a, oty)) = open.take() {
                        // A name does not end in a word in lower case ("Port Varnholm went").
                        let mut end = i + 1;
                        while end - a > 1 && starts_lower(words[si][end - 1 - sb]) {
                            end -= 1;
                        }
                        if oty == ty {
                            spans.push(TaggedSpan {
                                sentence: si,
                                start: a - sb,
                                end: end - sb,
                                ty,
                            });
                        }
                    }
                }
                _ => spans.push(TaggedSpan { sentence: si, start: i - sb, end: i + 1 - sb, ty }),
            }
        }
        sb = se;
    }
    (toks, spans)
}

fn starts_lower(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_lowercase)
}

#[cfg(test)]
mod embedded {
    use super::*;

    #[test]
    fn embedded_model_loads() {
        let model = Model::from_bytes(MODEL_BYTES).expect("models/ner.bin decodes");
        assert!(!model.is_empty(), "models/ner.bin has weights");
    }
}
