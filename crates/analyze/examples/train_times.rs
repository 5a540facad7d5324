//! Trains the two learned decisions of the time tagger (`times::learned`) on TempEval-3 TimeML and
//! writes `models/times_weekday.tsv` and `models/times_reference.tsv`.
//!
//! `cargo run --release -p storyline-analyze --example train_times -- DATA OUT_DIR [--folds N] [--epochs N]`
//! The committed models: `-- ../shared/data/temporal/tbaq crates/analyze/models` (10 folds, 10
//! epochs). `DATA` is searched recursively for `.tml` files (read in path order); the first folder
//! below `DATA` names each document's corpus (AQUAINT, TimeBank) in the report.
//!
//! Labels come from the gold TIMEX3 overlapping each decision point: a weekday is "forward" when
//! the gold value equals the forward reading and not the backward one (and "back" the other way;
//! a weekday whose two readings agree teaches nothing); a reference word is "kept" when a gold
//! TIMEX3 overlaps it. Documents are split into folds by their index (i mod N); each fold is tagged
//! with models trained on the other folds, so the printed cross-validated value F1 is a held-out
//! figure. The models written are then trained on every document. The perceptron is deterministic,
//! so the same data gives the same files.

use std::path::{Path, PathBuf};

use storyline_analyze::sentences;
use storyline_analyze::times::learned::{Decision, DecisionKind, Linear, TimeModels};
use storyline_analyze::times::{decisions, extract_with};
use storyline_model::{Date, TimeExpr};

#[path = "support/cli.rs"]
mod cli;

struct Gold {
    start: usize,
    end: usize,
    value: String,
}

struct Doc {
    corpus: String,
    text: String,
    dct: Option<Date>,
    gold: Vec<Gold>,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let i = tag.find(&key)? + key.len();
    let j = tag[i..].find('"')?;
    Some(tag[i..i + j].to_string())
}

fn decode_entity(s: &str) -> Option<(char, usize)> {
    let end = s[..s.len().min(12)].find(';')?;
    let c = match &s[1..end] {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        other => {
            let num = other.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(h) => u32::from_str_radix(h, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((c, end + 1))
}

/// Text of `<TEXT>` with tags stripped and entities decoded, the gold TIMEX3s (character
/// offsets) and the creation date — as `storyline eval temporal` reads them.
fn parse(xml: &str, corpus: String) -> Option<Doc> {
    let dct = xml.find("CREATION_TIME").and_then(|i| {
        let open = xml[..i].rfind('<')?;
        let close = i + xml[i..].find('>')?;
        attr(&xml[open..close], "value")?.get(..10)?.parse().ok()
    });
    let open = xml.find("<TEXT>").or_else(|| xml.find("<TEXT "))?;
    let body_start = open + xml[open..].find('>')? + 1;
    let body = &xml[body_start..xml.rfind("</TEXT>")?];
    let (mut text, mut n, mut gold, mut cur) = (String::new(), 0, Vec::new(), None);
    let mut i = 0;
    while i < body.len() {
        let rest = &body[i..];
        if rest.starts_with('<') {
            let end = rest.find('>')?;
            let inner = &rest[1..end];
            if inner.starts_with("/TIMEX3") {
                if let Some((start, value)) = cur.take() {
                    gold.push(Gold { start, end: n, value });
                }
            } else if inner.starts_with("TIMEX3") && !inner.ends_with('/') {
                cur = Some((n, attr(inner, "value").unwrap_or_default()));
            }
            i += end + 1;
        } else if rest.starts_with('&') {
            let (c, len) = decode_entity(rest).unwrap_or(('&', 1));
            text.push(c);
            n += 1;
            i += len;
        } else {
            let c = rest.chars().next()?;
            text.push(c);
            n += 1;
            i += c.len_utf8();
        }
    }
    gold.retain(|g: &Gold| g.end > g.start);
    Some(Doc { corpus, text, dct, gold })
}

fn tml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            tml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "tml") {
            out.push(p);
        }
    }
}

fn overlap(a: (usize, usize), b: (usize, usize)) -> usize {
    a.1.min(b.1).saturating_sub(a.0.max(b.0))
}

/// The label of a decision from the gold, if it teaches anything.
fn label(d: &Decision, gold: &[Gold]) -> Option<bool> {
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

/// TempEval-3 value counts: (correct, predicted, gold), one-to-one by largest overlap.
#[derive(Default, Clone, Copy)]
struct Tally {
    correct: usize,
    predicted: usize,
    gold: usize,
}

impl Tally {
    fn add(&mut self, gold: &[Gold], pred: &[TimeExpr]) {
        self.gold += gold.len();
        self.predicted += pred.len();
        let mut pairs = Vec::new();
        for (pi, p) in pred.iter().enumerate() {
            for (gi, g) in gold.iter().enumerate() {
                let o = overlap((p.start, p.end), (g.start, g.end));
                if o > 0 {
                    pairs.push((o, pi, gi));
                }
            }
        }
        pairs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let (mut used_p, mut used_g) = (vec![false; pred.len()], vec![false; gold.len()]);
        for (_, pi, gi) in pairs {
            if used_p[pi] || used_g[gi] {
                continue;
            }
            used_p[pi] = true;
            used_g[gi] = true;
            if pred[pi].value.as_deref() == Some(gold[gi].value.as_str()) {
                self.correct += 1;
            }
        }
    }

    fn f1(&self) -> f64 {
        2.0 * self.correct as f64 / (self.predicted + self.gold).max(1) as f64
    }

    fn line(&self) -> String {
        let p = self.correct as f64 / self.predicted.max(1) as f64;
        let r = self.correct as f64 / self.gold.max(1) as f64;
        format!("value F1 {:.3} (P {p:.3} R {r:.3}, {} correct)", self.f1(), self.correct)
    }
}

type Examples = Vec<(Vec<String>, bool)>;

/// Labelled examples of one document: (weekday, reference).
fn examples(doc: &Doc) -> (Examples, Examples) {
    let sents = sentences::split(&doc.text);
    let (mut weekday, mut reference) = (Vec::new(), Vec::new());
    for d in decisions(&doc.text, &sents, doc.dct) {
        let Some(y) = label(&d, &doc.gold) else { continue };
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
        weekday: Some(Linear::train(&weekday, epochs)),
        reference: Some(Linear::train(&reference, epochs)),
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
    let mut files = Vec::new();
    tml_files(Path::new(data), &mut files);
    let docs: Vec<Doc> = files
        .iter()
        .filter_map(|f| {
            let corpus = f
                .strip_prefix(data)
                .ok()
                .and_then(|r| r.components().next())
                .map_or("all".into(), |c| c.as_os_str().to_string_lossy().to_string());
            let corpus = if f.parent() == Some(Path::new(data)) { "all".into() } else { corpus };
            parse(&std::fs::read_to_string(f).ok()?, corpus)
        })
        .collect();
    if docs.is_empty() {
        eprintln!("no TimeML documents under {data}");
        std::process::exit(2);
    }
    let ex: Vec<(Examples, Examples)> = docs.iter().map(examples).collect();
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
    let mut tallies = vec![[Tally::default(); 5]; corpora.len() + 1];
    let mut acc_week = [0usize; 3];
    let mut acc_ref = [0usize; 3];
    let full = train(&ex.iter().collect::<Vec<_>>(), epochs);
    let rules = TimeModels::rules();
    for k in 0..folds {
        let train_ex: Vec<&(Examples, Examples)> =
            ex.iter().enumerate().filter(|(i, _)| i % folds != k).map(|(_, e)| e).collect();
        let fold_models = train(&train_ex, epochs);
        for (i, doc) in docs.iter().enumerate().filter(|(i, _)| i % folds == k) {
            let sents = sentences::split(&doc.text);
            let c = corpora.iter().position(|c| *c == doc.corpus).unwrap_or(0);
            let weekday_only = TimeModels { weekday: fold_models.weekday.clone(), reference: None };
            let reference_only =
                TimeModels { weekday: None, reference: fold_models.reference.clone() };
            let runs = [&rules, &weekday_only, &reference_only, &fold_models, &full];
            for (j, models) in runs.into_iter().enumerate() {
                let pred = extract_with(&doc.text, &sents, doc.dct, models);
                tallies[c][j].add(&doc.gold, &pred);
                tallies[corpora.len()][j].add(&doc.gold, &pred);
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
        println!("  rules only                  {}", t[0].line());
        println!("  cross-validated, weekday    {}", t[1].line());
        println!("  cross-validated, reference  {}", t[2].line());
        println!("  cross-validated, both       {}", t[3].line());
        println!("  training fit, both          {}", t[4].line());
    }
    let header = |what: &str| {
        format!(
            "{what}\nAveraged perceptron, {epochs} epochs, on {} TimeML documents under {data}\n\
             (written by `cargo run --release -p storyline-analyze --example train_times -- {data} {out}`)",
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
    let gate = |model: &Option<Linear>, cv: Tally, what: &str| {
        if cv.f1() > all[0].f1() {
            model.clone()
        } else {
            println!("{what}: no cross-validated gain over the rule; the rule stays in charge");
            None
        }
    };
    let weekday = gate(&full.weekday, all[1], "weekday model");
    let reference = gate(&full.reference, all[2], "reference model");
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
