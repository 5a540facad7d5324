//! The two learned decisions of the time tagger, where rules alone stay wrong most often:
//! which way a bare weekday points ("said Thursday" → the past week, "meet separately Monday" →
//! the coming one; "Until Thursday, they had not…" and "planned for Saturday was canceled" point
//! back), and whether a present/past reference word ("now", "current", "currently", "recently")
//! is a time expression TimeBank would mark ("Cuban exiles will now proceed…" yes; "Kopp is now
//! the second activist…" no).
//!
//! Each is a linear classifier over string features (averaged perceptron), stored as a small
//! text model (`feature<TAB>weight`, one per line) under `crates/analyze/models/times_*.tsv`,
//! trained with document-level k-fold cross-validation by `crates/train/examples/train_times.rs`
//! (`cargo run --release -p storyline-train --example train_times`) and compiled in. A missing
//! model leaves the rule in charge.

use std::collections::HashMap;
use std::sync::LazyLock;

static WEEKDAY_TSV: &str = include_str!("../../models/times_weekday.tsv");
static REFERENCE_TSV: &str = include_str!("../../models/times_reference.tsv");

/// How far a model's score must lean against the rule to overrule it.
pub const RULE_MARGIN: f64 = 2.0;

/// The feature that carries a model's bias.
pub const BIAS: &str = "__bias__";

/// A binary linear classifier: positive score → `true`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Linear {
    pub weights: HashMap<String, f64>,
}

impl Linear {
    /// Reads `feature<TAB>weight` lines (blank lines and `#` comments skipped); `None` when the
    /// text holds no weight.
    pub fn parse(tsv: &str) -> Option<Linear> {
        let weights: HashMap<String, f64> = tsv
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let (f, w) = l.rsplit_once('\t')?;
                Some((f.to_string(), w.trim().parse().ok()?))
            })
            .collect();
        (!weights.is_empty()).then_some(Linear { weights })
    }

    /// The model as text, features sorted (so the same weights give the same file).
    pub fn to_tsv(&self, header: &str) -> String {
        let mut rows: Vec<(&String, &f64)> =
            self.weights.iter().filter(|(_, w)| w.abs() >= 5e-5).collect();
        rows.sort_by(|a, b| a.0.cmp(b.0));
        let mut out = String::new();
        for line in header.lines() {
            out.push_str(&format!("# {line}\n"));
        }
        for (f, w) in rows {
            out.push_str(&format!("{f}\t{w:.4}\n"));
        }
        out
    }

    pub fn score(&self, features: &[String]) -> f64 {
        self.weights.get(BIAS).copied().unwrap_or(0.0)
            + features.iter().filter_map(|f| self.weights.get(f)).sum::<f64>()
    }

    pub fn decide(&self, features: &[String]) -> bool {
        self.score(features) > 0.0
    }

    /// The model's answer where it is confident (score beyond [`RULE_MARGIN`] against the rule),
    /// else the rule's: with a few hundred examples, a clear cue ("will vote on Tuesday") must
    /// not be outvoted by a weak pattern.
    pub fn decide_over_rule(&self, features: &[String], rule: bool) -> bool {
        let score = self.score(features);
        if rule {
            score > -RULE_MARGIN
        } else {
            score > RULE_MARGIN
        }
    }
}

/// The models the time tagger consults; `None` leaves the rule's answer.
#[derive(Debug, Clone, Default)]
pub struct TimeModels {
    /// `true`: the weekday points forward (the publication day or the six after it).
    pub weekday: Option<Linear>,
    /// `true`: the reference word is a time expression.
    pub reference: Option<Linear>,
}

impl TimeModels {
    /// The models compiled into the binary.
    pub fn embedded() -> &'static TimeModels {
        static MODELS: LazyLock<TimeModels> = LazyLock::new(|| TimeModels {
            weekday: Linear::parse(WEEKDAY_TSV),
            reference: Linear::parse(REFERENCE_TSV),
        });
        &MODELS
    }

    /// Rules only.
    pub fn rules() -> TimeModels {
        TimeModels::default()
    }
}

/// Which decision a [`Decision`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionKind {
    /// A bare weekday: back (the publication day or the six before) or forward.
    WeekdayDirection,
    /// A present/past reference word: keep it as a time expression or not.
    KeepReference,
}

/// One decision point met while tagging, for training: the features the model sees and the value
/// each answer gives (`[false, true]`), at character offsets of the expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub kind: DecisionKind,
    pub start: usize,
    pub end: usize,
    pub features: Vec<String>,
    pub values: [Option<String>; 2],
}

/// Lower-cased words (letters, digits, apostrophes) of `s`.
pub(super) fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

/// Features shared by both decisions: the words around the mention (one before and one after;
/// when `rich`, also two before and two after and a bag of the six before and four after),
/// punctuation right before and after, negation, an open quotation, and the rule's tense cue.
pub(super) fn context_features(
    before: &str,
    after: &str,
    rule: Option<bool>,
    rich: bool,
    out: &mut Vec<String>,
) {
    let wb = words(before);
    let wa = words(after);
    let at = |v: &[String], i: usize| v.get(i).cloned().unwrap_or_else(|| "<none>".into());
    let p1 = at(&wb, wb.len().wrapping_sub(1));
    let p2 = at(&wb, wb.len().wrapping_sub(2));
    let n1 = at(&wa, 0);
    let n2 = at(&wa, 1);
    out.push(format!("p1={p1}"));
    out.push(format!("n1={n1}"));
    if rich {
        out.push(format!("p2p1={p2}_{p1}"));
        out.push(format!("n1n2={n1}_{n2}"));
        out.push(format!("p1n1={p1}_{n1}"));
        for w in wb.iter().rev().take(6) {
            out.push(format!("b={w}"));
        }
        for w in wa.iter().take(4) {
            out.push(format!("a={w}"));
        }
    }
    let last_char = before.trim_end().chars().next_back();
    let next_char = after.trim_start().chars().next();
    out.push(format!("pc={}", last_char.filter(|c| !c.is_alphanumeric()).unwrap_or('_')));
    out.push(format!("nc={}", next_char.filter(|c| !c.is_alphanumeric()).unwrap_or('_')));
    if wb.iter().rev().take(8).any(|w| matches!(w.as_str(), "not" | "no" | "never"))
        || wb.iter().rev().take(8).any(|w| w.ends_with("n't"))
    {
        out.push("negated".into());
    }
    let quotes = before.chars().filter(|c| matches!(c, '"' | '“' | '”')).count()
        + before.matches("``").count();
    if quotes % 2 == 1 {
        out.push("in_quote".into());
    }
    out.push(format!(
        "rule={}",
        match rule {
            Some(true) => "forward",
            Some(false) => "back",
            None => "none",
        }
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_models_load() {
        // A model that did not beat its rule under cross-validation is written as a header only
        // and leaves the rule in charge.
        let m = TimeModels::embedded();
        assert_eq!(m.weekday.is_some(), Linear::parse(WEEKDAY_TSV).is_some());
        assert_eq!(m.reference.is_some(), Linear::parse(REFERENCE_TSV).is_some());
    }
}
