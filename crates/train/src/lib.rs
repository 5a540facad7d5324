//! Training and fitting: the code that learns Storyline's models and fitted weights from gold
//! data, apart from the runtime crates, which carry only what runs at inference (the model
//! formats and their decoders stay with the stage that uses them).
//!
//! - [`ner`]: training of the entity tagger (`storyline_analyze::ner`) on CoNLL-2003.
//! - [`quote_speaker`]: training of the quote speaker ranker (`storyline_analyze::quotes::speaker`).
//! - [`time_models`]: training of the time tagger's classifiers (`storyline_analyze::times::learned`).
//! - [`event_lexicon`]: the learned trigger lexicon of `storyline_analyze::events` (CAMEO → PLOVER
//!   table and WordNet).
//! - [`logistic`]: the ridge logistic regression the grouping join rule is fitted with.
//! - [`cli`]: the small command line every tool shares.
//!
//! The tools are this crate's examples, each reproducing a committed model file or fitted
//! figure (`cargo run --release -p storyline-train --example NAME -- …`; each example's doc says
//! the exact command):
//!
//! | example | writes or prints | used by |
//! | --- | --- | --- |
//! | `train_ner` | `crates/analyze/models/ner.bin` | `storyline_analyze::ner` |
//! | `train_times` | `crates/analyze/models/times_*.tsv` | `storyline_analyze::times::learned` |
//! | `train_quotes` | `crates/analyze/models/quote_speaker.tsv` | `storyline_analyze::quotes::speaker` |
//! | `train_events` | `crates/analyze/models/event_lexicon.tsv` | `storyline_analyze::events` |
//! | `fit_grouping` | `FITTED` in `crates/group/src/model.rs`; `background` writes `crates/group/models/background_df.tsv` | `storyline_group` |
//! | `stream_grouping` | error analysis and storyline-rule trials on a labelled stream (`storyline_ent_min`) | `storyline_group` |
//! | `fit_compare` | the alignment weights in `crates/compare/src/align.rs` | `storyline_compare` |
//!
//! Invariant: every tool is deterministic (fixed seeds, files read in path order), so the same
//! data gives the same files byte for byte; scoring goes through `storyline_eval`'s readers and
//! scorers, so a fitted figure is the figure `storyline eval` reports.

pub mod cli;
pub mod event_lexicon;
pub mod logistic;
pub mod ner;
pub mod quote_speaker;
pub mod time_models;
