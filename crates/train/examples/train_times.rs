//! Trains the two learned decisions of the time tagger (`storyline_analyze::times::learned`) on
//! TempEval-3 TimeML and writes `models/times_weekday.tsv` and `models/times_reference.tsv`.
//!
//! `cargo run --release -p storyline-train --example train_times -- DATA OUT_DIR [--folds N] [--epochs N]`
//! The committed models: `-- ../shared/data/temporal/tbaq crates/analyze/models` (10 folds, 10
//! epochs). `DATA` is searched recursively for `.tml` files (read in path order); the first folder
//! below `DATA` names each document's corpus (AQUAINT, TimeBank) in the report. The documents are
//! read, and the predictions scored, by `storyline eval temporal`'s own code
//! (`storyline_eval::temporal`): the same text, gold TIMEX3s and value F1 the scorer reports.
//!
//! Labels come from the gold TIMEX3 overlapping each decision point most: a weekday is "forward"
//! when the gold value equals the forward reading and not the backward one (and "back" the other
//! way; a weekday whose two readings agree teaches nothing); a reference word is "kept" when a gold
//! TIMEX3 overlaps it. Documents are split into folds by their index (i mod N); each fold is tagged
//! with models trained on the other folds, so the printed cross-validated value F1 is a held-out
//! figure. The models written are then trained on every document. The perceptron is deterministic,
//! so the same data gives the same files.

use std::path::Path;

use storyline_analyze::times::learned::{Decision, DecisionKind, Linear, TimeModels};
use storyline_analyze::times::{decisions, extract_with};
use storyline_eval::metrics::{overlap, Counts};
use storyline_eval::temporal::{self, Tally, TimeMl, Timex};
use storyline_eval::util::{files_under, has_ext, read};
use storyline_text::sentences;

use storyline_train::cli;

/// One TimeML document and the corpus (first folder below `DATA`) it belongs to.
struct Doc {
    corpus: String,
    timeml: TimeMl,
}

/// The label of a decision from the gold, if it teaches anything.
fn label(d: &Decision, gold: &[Timex]) -> Option<bool> {
    let best = gold
        .iter()
        .map(|g| (overlap((d.start, d.end), (g.start, g.end)), g))
        .filter(|(o, _)| *o > 0)
        .max_by_key(|(o, _)| *o)
        .map(|(_, g)| g);
    match d.kind {
        DecisionKind::KeepReference => Some(best.is_some()),
        DecisionKind::WeekdayDirection => {
            let g = best?;
            let [back, forward] = &d.values;
            if back == forward {
                return None;
            }
            let is = |v: &Option<String>| v.as_deref() == Some(g.value.as_str());
            match (is(back), is(forward)) {
                (true, false) => Some(false),
                (false, true) => Some(true),
                _ => None,
            }
        }
    }
}

/// The value line of a tally, as `storyline eval temporal` scores it.
fn value_line(c: Counts) -> String {
    format!("value F1 {:.3} (P {:.3} R {:.3}, {} correct)", c.f1(), c.precision(), c.recall(), c.tp)
}

type Examples = Vec<(Vec<String>, bool)>;

/// Labelled examples of one document: (weekday, reference).
fn examples(doc: &TimeMl) -> (Examples, Examples) {
    let sents = sentences::split(&doc.text);
    let (mut weekday, mut reference) = (Vec::new(), Vec::new());
    for d in decisions(&doc.text, &sents, doc.dct) {
        let Some(y) = label(&d, &doc.timexes) else { continue };
        match d.kind {
            DecisionKind::WeekdayDirection => weekday.push((d.features, y)),
            DecisionKind::KeepReference => reference.push((d.features, y)),
        }
    }
    (weekday, reference)
}

fn train(ex: &[&(Examples, Examples)], epochs: usize) -> TimeModels {
    let weekday: Examples = ex.iter().flat_map(|e| e.0.iter().cloned()).collect();
    let reference: Examples = ex.iter().flat_map(|e| e.1.iter().cloned()).collect();
    TimeModels {
        weekday: Some(storyline_train::time_models::train(&weekday, epochs)),
        reference: Some(storyline_train::time_models::train(&reference, epochs)),
    }
}

/// Decision accuracy of `model` (overruling the rule only beyond its margin) on `ex` against the
/// rule (weekday: the `rule=forward` feature; reference: always keep): (model right, rule right,
/// count).
fn accuracy(model: &Linear, ex: &Examples, rule: impl Fn(&[String]) -> bool) -> [usize; 3] {
    let mut acc = [0, 0, ex.len()];
    for (f, y) in ex {
        acc[0] += usize::from(model.decide_over_rule(f, rule(f)) == *y);
        acc[1] += usize::from(rule(f) == *y);
    }
    acc
}

fn main() {
    let args = cli::Args::parse(
        "usage: train_times DATA OUT_DIR [--folds N] [--epochs N]",
        &["--folds", "--epochs"],
    );
    let [data, out] = args.positional();
    let (folds, epochs) = (args.value("--folds", 10usize).max(2), args.value("--epochs", 10));
    let files = files_under(Path::new(data), &|p| has_ext(p, "tml")).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let docs: Vec<Doc> = files
        .iter()
        .filter_map(|f| {
            let corpus = f
                .strip_prefix(data)
                .ok()
                .and_then(|r| r.components().next())
                .map_or("all".into(), |c| c.as_os_str().to_string_lossy().to_string());
            let corpus = if f.parent() == Some(Path::new(data)) { "all".into() } else { corpus };
            // A document the scorer cannot read is left out, with a note.
            match read(f).and_then(|xml| temporal::parse(&xml, f)) {
                Ok(timeml) => Some(Doc { corpus, timeml }),
                Err(e) => {
                    eprintln!("skipped: {e}");
                    None
                }
            }
        })
        .collect();
    if docs.is_empty() {
        eprintln!("no TimeML documents under {data}");
        std::process::exit(2);
    }
    let ex: Vec<(Examples, Examples)> = docs.iter().map(|d| examples(&d.timeml)).collect();
    let n_week: usize = ex.iter().map(|e| e.0.len()).sum();
    let n_ref: usize = ex.iter().map(|e| e.1.len()).sum();
    println!(
        "{} documents; {n_week} weekday and {n_ref} reference decisions with a label",
        docs.len()
    );

    let mut corpora: Vec<String> = docs.iter().map(|d| d.corpus.clone()).collect();
    corpora.sort();
    corpora.dedup();
    // Tallies per corpus and overall: [rules only, cross-validated weekday model alone,
    // cross-validated reference model alone, cross-validated both, training fit].
    let mut tallies = vec![<[Tally; 5]>::default(); corpora.len() + 1];
    let mut acc_week = [0usize; 3];
    let mut acc_ref = [0usize; 3];
    let full = train(&ex.iter().collect::<Vec<_>>(), epochs);
    let rules = TimeModels::rules();
    for k in 0..folds {
        let train_ex: Vec<&(Examples, Examples)> =
            ex.iter().enumerate().filter(|(i, _)| i % folds != k).map(|(_, e)| e).collect();
        let fold_models = train(&train_ex, epochs);
        for (i, Doc { corpus, timeml: doc }) in
            docs.iter().enumerate().filter(|(i, _)| i % folds == k)
        {
            let sents = sentences::split(&doc.text);
            let c = corpora.iter().position(|c| c == corpus).unwrap_or(0);
            let weekday_only = TimeModels { weekday: fold_models.weekday.clone(), reference: None };
            let reference_only =
                TimeModels { weekday: None, reference: fold_models.reference.clone() };
            let runs = [&rules, &weekday_only, &reference_only, &fold_models, &full];
            for (j, models) in runs.into_iter().enumerate() {
                let pred = extract_with(&doc.text, &sents, doc.dct, models);
                tallies[c][j].add(&doc.timexes, &pred);
                tallies[corpora.len()][j].add(&doc.timexes, &pred);
            }
            let (w, r) = &ex[i];
            // The weekday model decides only where the rule found no tense cue.
            let uncued: Examples =
                w.iter().filter(|(f, _)| f.iter().any(|x| x == "rule=none")).cloned().collect();
            let fw = fold_models.weekday.as_ref().map_or([0, 0, 0], |m| {
                accuracy(m, &uncued, |f| f.iter().any(|x| x == "rule=forward"))
            });
            let fr = fold_models.reference.as_ref().map_or([0, 0, 0], |m| accuracy(m, r, |_| true));
            for j in 0..3 {
                acc_week[j] += fw[j];
                acc_ref[j] += fr[j];
            }
        }
    }
    let pct = |a: [usize; 3], j: usize| a[j] as f64 / a[2].max(1) as f64;
    println!(
        "weekday direction without a tense cue, {folds}-fold cross-validated accuracy {:.3} (rule {:.3}) on {}",
        pct(acc_week, 0),
        pct(acc_week, 1),
        acc_week[2]
    );
    println!(
        "keep reference word, {folds}-fold cross-validated accuracy {:.3} (always keep {:.3}) on {}",
        pct(acc_ref, 0),
        pct(acc_ref, 1),
        acc_ref[2]
    );
    let names: Vec<String> = corpora.iter().cloned().chain(["all".to_string()]).collect();
    for (name, t) in names.iter().zip(&tallies) {
        println!("{name}:");
        println!("  rules only                  {}", value_line(t[0].value()));
        println!("  cross-validated, weekday    {}", value_line(t[1].value()));
        println!("  cross-validated, reference  {}", value_line(t[2].value()));
        println!("  cross-validated, both       {}", value_line(t[3].value()));
        println!("  training fit, both          {}", value_line(t[4].value()));
    }
    let header = |what: &str| {
        format!(
            "{what}\nAveraged perceptron, {epochs} epochs, on {} TimeML documents under {data}\n\
             (written by `cargo run --release -p storyline-train --example train_times -- {data} {out}`)",
            docs.len()
        )
    };
    let write = |name: &str, model: &Option<Linear>, what: &str| {
        let path = Path::new(out).join(name);
        let text = model.as_ref().map_or_else(
            || format!("# {what}\n# Not shipped: no cross-validated gain over the rule.\n"),
            |m| m.to_tsv(&header(what)),
        );
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("cannot write {}: {e}", path.display());
            std::process::exit(1);
        }
        println!("wrote {}", path.display());
    };
    // A model ships only when, cross-validated, it beats the rule it replaces.
    let all = &tallies[corpora.len()];
    let gate = |model: &Option<Linear>, cv: &Tally, what: &str| {
        if cv.value().f1() > all[0].value().f1() {
            model.clone()
        } else {
            println!("{what}: no cross-validated gain over the rule; the rule stays in charge");
            None
        }
    };
    let weekday = gate(&full.weekday, &all[1], "weekday model");
    let reference = gate(&full.reference, &all[2], "reference model");
    write(
        "times_weekday.tsv",
        &weekday,
        "Weekday direction: score > 0 → the weekday points forward (times::learned).",
    );
    write(
        "times_reference.tsv",
        &reference,
        "Reference words (now, current, currently, recently): score > 0 → a time expression.",
    );
}
