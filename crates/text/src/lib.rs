//! The lexical layer under every stage: what a word, a sentence, a month or a name is, decided once.
//!
//! - [`tokens`]: words with character offsets.
//! - [`normalise`]: the normalised forms texts are compared by.
//! - [`sentences`]: the sentence splitter with its abbreviations, and the plain fallback splitter.
//! - [`stop`]: stop lists, each named by what it is for.
//! - [`stem`]: the stemmers (a light suffix stripper, Porter's, Snowball English).
//! - [`calendar`] and [`numbers`]: month, weekday and number words.
//! - [`names`]: person-name folding and matching.
//! - [`references`]: character references in markup (`&amp;`, `&#233;`).
//!
//! Invariants: every function is pure and deterministic (no hashing with random seeds, no
//! locale); offsets are character offsets into the text given unless a function says bytes; word
//! lists are data files (`words/`, one entry a line, `#` starts a comment) read at compile time, so
//! a list changes without touching code. Nothing here knows about articles or stages: callers pass
//! text and get text, spans or booleans back.

pub mod calendar;
pub mod names;
pub mod normalise;
pub mod numbers;
pub mod references;
pub mod sentences;
pub mod stem;
pub mod stop;
pub mod tokens;
pub mod word_list;
