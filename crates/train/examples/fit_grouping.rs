//! Fits the grouping join rule (`storyline_group::model`) on gold clusterings and prints the
//! parameters to commit as `FITTED`, with the figures behind them; also the error analysis of the
//! committed rule.
//!
//! ```text
//! cargo run --release -p storyline-train --example fit_grouping -- [fit|extend|errors] \
//!     ECB_DIR MULTINEWS_JSONL [TIMELINE17_DIR]
//! ```
//!
//! A dated corpus (Timeline17) is a **guard**, not fitted on: a rule that costs it more than a
//! little storyline B-cubed F1 or story purity, or lets a story swallow more of a topic, than the
//! committed rule scores −∞; its storyline threshold is chosen on it (see `Objective`).
//!
//! `fit` (the default):
//!
//! 1. Every data set is analysed once (`STORYLINE_FIT_CACHE=DIR` caches the analysed articles)
//!    and its gold clusters are split in two halves by a hash of the cluster's *topic* (ECB+: the
//!    topic directory, so both events of a topic fall in one half; Multi-News: the record).
//!    Fitting sees the first half only.
//! 2. The first half is fed in the evaluation's fixed order; each document's candidate stories are
//!    scored against the *gold* stories built so far (teacher forcing), and every (document,
//!    candidate) pair becomes an example labelled by whether the candidate is its gold story.
//!    Each data set weighs the same in total.
//! 3. A ridge logistic regression (Newton) fits the bias and the text/entity weights; the prior
//!    weights stay as stated in the model (the data sets are undated).
//! 4. The join threshold is the one on a grid (σ(−7) … σ(2), step 0.25 in logit) that maximises
//!    the mean B-cubed F1 of the real online grouper on the first halves.
//! 5. Printed: B-cubed F1 on the held-out halves and on the whole sets, for the new and the
//!    committed rule.
//!
//! `errors`: runs the committed rule online over each whole set and classifies every decision
//! (joined its gold story, joined another story of the same topic / another topic, started a new
//! story although its gold story was a candidate / was not retrieved), with the features behind
//! the worst merges.
//!
//! `background REUTERS_DIR OUT` writes the background document frequencies grouping weighs terms
//! by (`storyline_group::text::background`); the committed table is reproduced byte for byte by
//! `cargo run --release -p storyline-train --example fit_grouping -- background
//! ../shared/data/bench/reuters21578 crates/group/models/background_df.tsv`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use storyline_eval::clustering::{self, Doc};
use storyline_eval::metrics::bcubed;
use storyline_group::model::{
    sigmoid, Model, CONFLICT_FEATURES, FEATURE_NAMES, FITTED, NF, PRIOR_FEATURES, PRIOR_WEIGHTS,
};
use storyline_group::stories::Stories;
use storyline_group::{Features, Grouper};
use storyline_model::{Article, ArticleId, Grouping, StoryId};
use storyline_train::logistic::{fit_logistic, Example};

struct Set {
    name: String,
    docs: Vec<Doc>,
    features: Vec<(ArticleId, Features)>,
    order: Vec<usize>,
}

impl Set {
    /// The topic of a document's gold cluster (ECB+: the directory; Multi-News: the record).
    fn topic(&self, i: usize) -> &str {
        let g = &self.docs[i].gold;
        g.split('/').next().unwrap_or(g)
    }

    /// Whether a document's topic is in the fitting half.
    fn in_fit_half(&self, i: usize) -> bool {
        storyline_group::text::fnv1a(self.topic(i).as_bytes()).is_multiple_of(2)
    }

    /// Whether every document is dated (a storyline guard corpus, not fitted on).
    fn dated(&self) -> bool {
        self.docs.iter().all(|d| d.published.is_some())
    }

    /// The feed order restricted to one half (`Some(true)`: fitting half), or all.
    fn order_of(&self, half: Option<bool>) -> Vec<usize> {
        self.order
            .iter()
            .copied()
            .filter(|&i| half.is_none_or(|h| self.in_fit_half(i) == h))
            .collect()
    }
}

fn load(path: &Path) -> Set {
    let docs = if clustering::timelines::is_layout(path) {
        clustering::timelines::read_timeline17(path).expect("Timeline17 layout")
    } else if path.is_dir() {
        clustering::read_ecb(path).expect("ECB+ layout")
    } else {
        clustering::read_multinews(path).expect("Multi-News layout")
    };
    eprintln!("{}: {} documents", path.display(), docs.len());
    // Analysis is the slow part: cache the analysed articles (STORYLINE_FIT_CACHE=DIR), so that
    // changes to the grouping features need no re-analysis.
    let cache = std::env::var_os("STORYLINE_FIT_CACHE").map(|d| {
        let name: String = path
            .display()
            .to_string()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '_' })
            .collect();
        Path::new(&d).join(format!("{name}.articles.json"))
    });
    let cached: Option<Vec<Article>> = cache
        .as_ref()
        .and_then(|c| std::fs::read(c).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(|v: &Vec<Article>| v.len() == docs.len());
    let articles = match cached {
        Some(a) => a,
        None => {
            eprintln!("analysing…");
            let a = clustering::articles_of(&docs);
            if let Some(c) = &cache {
                let _ = std::fs::write(c, serde_json::to_vec(&a).expect("articles serialise"));
            }
            a
        }
    };
    let features = articles.iter().map(|a| (a.id.clone(), storyline_group::features(a))).collect();
    let order = clustering::feed_order(&docs);
    Set { name: path.display().to_string(), docs, features, order }
}

/// Teacher-forced (document, candidate story) examples over the documents of `order`.
fn examples(set: &Set, order: &[usize]) -> Vec<Example<NF>> {
    let mut stories = Stories::default();
    let mut out = Vec::new();
    for &i in order {
        let (id, f) = &set.features[i];
        let gold = &set.docs[i].gold;
        stories.advance(f.published);
        for c in stories.candidates(f) {
            let same = stories.id(c.story) == gold;
            out.push(Example { x: c.x, same, weight: 1.0 });
        }
        let gold = StoryId::from(gold.as_str());
        let s = stories.get_or_create(&gold, None);
        let grouping = Grouping { story: Some(gold), ..Default::default() };
        stories.join(s, id, f, grouping, false);
    }
    let w = 1.0 / out.len().max(1) as f64;
    for e in &mut out {
        e.weight = w;
    }
    out
}

fn with_join(mut m: Model, join: f64) -> Model {
    m.join = join;
    m.storyline = sigmoid(logit(join) - 1.0);
    m
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

/// B-cubed F1 of the online grouper over the documents of `order`.
fn b3(set: &Set, order: &[usize], model: Model) -> f64 {
    let (pred, _, _) = clustering::group_features(&set.features, order, model);
    let gold: Vec<&str> = order.iter().map(|&i| set.docs[i].gold.as_str()).collect();
    let pred: Vec<&str> = order.iter().map(|&i| pred[i].as_str()).collect();
    bcubed(&gold, &pred).f1
}

/// What a dated storyline corpus (Timeline17) must keep while the rule is fitted on the undated
/// event corpora: it has no story gold, so it is a constraint, not an objective.
#[derive(Debug, Clone, Copy)]
struct Storylines {
    /// Storyline B-cubed F1 against the topics.
    b3: f64,
    /// Share of documents whose storyline's majority topic is their own.
    storyline_purity: f64,
    /// Share of documents whose story's majority topic is their own.
    story_purity: f64,
    /// Mean over topics of the share of the topic's documents in its largest story (a story
    /// swallowing its topic).
    largest_share: f64,
}

/// The storylines a rule gives a dated corpus, with its storyline threshold chosen on that
/// corpus: the best storyline B-cubed F1 on a grid of 0 … 6 logit units below `join` among the
/// thresholds whose storyline purity is at least `min_purity` (lower thresholds raise B-cubed F1
/// by merging topics). The storyline gold is the only gold for that threshold. `None` when no
/// threshold keeps the purity.
fn storylines(set: &Set, model: Model, min_purity: f64) -> Option<(Storylines, f64)> {
    (0..=24)
        .map(|k| {
            let mut m = model;
            m.storyline = sigmoid(logit(m.join) - 0.25 * k as f64);
            (storylines_at(set, m), m.storyline)
        })
        .filter(|(s, _)| s.storyline_purity >= min_purity)
        .fold(None, |best: Option<(Storylines, f64)>, (s, t)| match best {
            Some(b) if b.0.b3 >= s.b3 => Some(b),
            _ => Some((s, t)),
        })
}

fn storylines_at(set: &Set, model: Model) -> Storylines {
    let (stories, lines, _) = clustering::group_features(&set.features, &set.order, model);
    let gold: Vec<&str> = set.docs.iter().map(|d| d.gold.as_str()).collect();
    let mut by_topic: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for (g, s) in gold.iter().zip(&stories) {
        *by_topic.entry(g).or_default().entry(s.as_str()).or_insert(0) += 1;
    }
    let shares: Vec<f64> = by_topic
        .values()
        .map(|m| {
            m.values().max().copied().unwrap_or(0) as f64 / m.values().sum::<usize>().max(1) as f64
        })
        .collect();
    Storylines {
        b3: bcubed(&gold, &lines).f1,
        storyline_purity: clustering::timelines::purity(&gold, &lines),
        story_purity: clustering::timelines::purity(&gold, &stories),
        largest_share: shares.iter().sum::<f64>() / shares.len().max(1) as f64,
    }
}

/// The fitting objective: the mean online B-cubed F1 of the event corpora's fitting halves, and
/// −∞ when a guard corpus (Timeline17) loses more than a little of what the committed rule gives
/// it (storyline B-cubed F1 − 0.02 at a storyline threshold keeping storyline purity − 0.005,
/// story purity − 0.005, largest story share + 0.05).
struct Objective<'a> {
    sets: Vec<(&'a Set, Vec<usize>)>,
    guards: Vec<(&'a Set, Storylines)>,
}

impl<'a> Objective<'a> {
    fn new(sets: &'a [Set]) -> Self {
        let (guards, events): (Vec<&Set>, Vec<&Set>) = sets.iter().partition(|s| s.dated());
        let guards = guards
            .into_iter()
            .map(|g| {
                let floor = storylines_at(g, FITTED);
                eprintln!("{}: guard, committed rule gives {floor:.3?}", g.name);
                (g, floor)
            })
            .collect();
        Objective {
            sets: events.into_iter().map(|s| (s, s.order_of(Some(true)))).collect(),
            guards,
        }
    }

    /// Whether the guards hold for a rule.
    fn guards_hold(&self, m: Model) -> bool {
        self.guards.iter().all(|(g, floor)| {
            storylines(g, m, floor.storyline_purity - 0.005).is_some_and(|(now, _)| {
                now.b3 >= floor.b3 - 0.02
                    && now.story_purity >= floor.story_purity - 0.005
                    && now.largest_share <= floor.largest_share + 0.05
            })
        })
    }

    /// The storyline threshold for a rule: chosen on the first guard corpus (see [`storylines`]),
    /// if there is one and a threshold keeps its storyline purity.
    fn storyline_threshold(&self, m: Model) -> Option<f64> {
        let (g, floor) = self.guards.first()?;
        storylines(g, m, floor.storyline_purity - 0.005).map(|(_, t)| t)
    }

    fn score(&self, m: Model) -> f64 {
        let mean =
            self.sets.iter().map(|(s, o)| b3(s, o, m)).sum::<f64>() / self.sets.len().max(1) as f64;
        if self.guards_hold(m) {
            mean
        } else {
            f64::NEG_INFINITY
        }
    }
}

fn fit(sets: &[Set]) {
    let objective = Objective::new(sets);
    let mut all = Vec::new();
    for (s, order) in &objective.sets {
        let ex = examples(s, order);
        let pos = ex.iter().filter(|e| e.same).count();
        eprintln!("{}: {} examples, {} positive (fitting half)", s.name, ex.len(), pos);
        all.extend(ex);
    }
    let fixed: Vec<(usize, f64)> = PRIOR_FEATURES.iter().copied().zip(PRIOR_WEIGHTS).collect();
    let (bias, mut weights) = fit_logistic(&all, &fixed, 1e-4, 50);
    for i in CONFLICT_FEATURES {
        weights[i] = weights[i].min(0.0);
    }
    let mut base = FITTED;
    base.bias = bias;
    base.weights = weights;
    eprintln!("fitted bias {bias:.3}, weights {weights:.3?}");
    let mut best = (f64::MIN, 0.5);
    for k in 0..=36 {
        let join = sigmoid(-7.0 + 0.25 * k as f64);
        let score = objective.score(with_join(base, join));
        eprintln!("join {join:.4} (logit {:.2}): {score:.4}", logit(join));
        if score > best.0 {
            best = (score, join);
        }
    }
    if std::env::var_os("STORYLINE_FIT_BASELINE").is_some() {
        // Reference: text alone (P = σ(10·(cmax − t)) ≥ ½, i.e. single link at threshold t, and
        // the same with the average-link cosine).
        for feature in [0, 1] {
            for k in 1..=12 {
                let t = 0.05 * k as f64;
                let mut m = Model { bias: -10.0 * t, weights: [0.0; NF], ..FITTED };
                m.weights[feature] = 10.0;
                let m = with_join(m, 0.5);
                let scores: Vec<f64> = sets.iter().map(|s| b3(s, &s.order, m)).collect();
                eprintln!("{} ≥ {t:.2}: whole sets {scores:.3?}", FEATURE_NAMES[feature]);
            }
        }
    }
    // Coordinate ascent starts from the better, on the fitting halves, of the fresh fit and the
    // committed rule (with the current priors), so a re-fit never returns a worse rule than the
    // one it replaces.
    let mut committed = FITTED;
    for (&i, &w) in PRIOR_FEATURES.iter().zip(&PRIOR_WEIGHTS) {
        committed.weights[i] = w;
    }
    let committed_score = objective.score(committed);
    eprintln!("committed rule: {committed_score:.4} on the fitting halves");
    let start = if committed_score > best.0 {
        (committed, committed_score)
    } else {
        (with_join(base, best.1), best.0)
    };
    let free: Vec<usize> = (0..NF).filter(|i| !PRIOR_FEATURES.contains(i)).collect();
    let mut model = ascend(&objective, start.0, start.1, &free, true);
    // The storyline threshold from the dated storyline corpus, where there is one.
    if let Some(t) = objective.storyline_threshold(model) {
        model.storyline = t;
    }
    report(sets, &[("fitted", model), ("committed", FITTED)]);
    println!("pub const FITTED: Model = Model {{");
    println!("    bias: {:.4},", model.bias);
    println!("    weights: [");
    for (n, w) in FEATURE_NAMES.iter().zip(model.weights) {
        println!("        {w:.4}, // {n}");
    }
    println!("    ],");
    println!("    join: {:.4}, // logit {:.2}", model.join, logit(model.join));
    println!("    storyline: {:.4},", model.storyline);
    println!("}};");
}

/// Coordinate ascent of the weights `free` (and the bias when `bias`) on the online objective:
/// the pair-wise fit does not see the decisions it leads to (one wrong join pulls later articles),
/// so each weight is moved by ±step while the objective improves; the step halves when no move
/// helps. Conflict weights stay ≤ 0.
fn ascend(
    objective: &Objective,
    mut model: Model,
    mut score: f64,
    free: &[usize],
    bias: bool,
) -> Model {
    let mut step = 1.0;
    while step >= 0.12 {
        let mut moved = false;
        let bias_move = if bias { Some(None) } else { None };
        for p in bias_move.into_iter().chain(free.iter().map(|&i| Some(i))) {
            for sign in [1.0, -1.0] {
                let mut m = model;
                match p {
                    None => m.bias += sign * step,
                    Some(i) => m.weights[i] += sign * step,
                }
                if CONFLICT_FEATURES.iter().any(|&i| m.weights[i] > 0.0) {
                    continue;
                }
                let s = objective.score(m);
                if s > score + 1e-4 {
                    (model, score, moved) = (m, s, true);
                    let name = p.map_or("bias", |i| FEATURE_NAMES[i]);
                    eprintln!("refine: {name} {:+.2} → {score:.4}", sign * step);
                    break;
                }
            }
        }
        if !moved {
            step /= 2.0;
        }
    }
    model
}

fn report(sets: &[Set], models: &[(&str, Model)]) {
    for s in sets {
        for (label, m) in models {
            if s.dated() {
                let min_purity = storylines_at(s, FITTED).storyline_purity - 0.005;
                eprintln!("{}: {label} rule: {:.3?}", s.name, storylines_at(s, *m));
                if let Some((best, threshold)) = storylines(s, *m, min_purity) {
                    eprintln!(
                        "    best storyline threshold keeping storyline purity ≥ {min_purity:.3}: {threshold:.4}: {best:.3?}"
                    );
                }
                continue;
            }
            let held = b3(s, &s.order_of(Some(false)), *m);
            let fitting = b3(s, &s.order_of(Some(true)), *m);
            let whole = b3(s, &s.order, *m);
            eprintln!(
                "{}: {label} rule: B-cubed F1 held-out half {held:.4}, fitting half {fitting:.4}, whole {whole:.4}",
                s.name
            );
        }
    }
}

/// `extend`: fits only the weights the committed rule leaves at 0 (features added since its
/// fit), by coordinate ascent on the fitting halves from the committed rule; the other
/// parameters stay as committed. `STORYLINE_FIT_FREE=name,name…` names the weights to fit instead.
fn extend(sets: &[Set]) {
    let objective = Objective::new(sets);
    // `STORYLINE_FIT_FREE=name,name…` names the weights to fit instead.
    let named = std::env::var("STORYLINE_FIT_FREE").ok();
    let free: Vec<usize> = (0..NF)
        .filter(|&i| match &named {
            Some(list) => list.split(',').any(|n| n.trim() == FEATURE_NAMES[i]),
            None => !PRIOR_FEATURES.contains(&i) && FITTED.weights[i] == 0.0,
        })
        .collect();
    let score = objective.score(FITTED);
    eprintln!("committed rule: {score:.4} on the fitting halves; fitting {free:?}");
    let model = ascend(&objective, FITTED, score, &free, false);
    report(sets, &[("extended", model), ("committed", FITTED)]);
    for i in free {
        println!("{}: {:.4}", FEATURE_NAMES[i], model.weights[i]);
    }
}

/// How one online decision went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// First document of its gold cluster, started a story.
    NewOk,
    /// First of its gold cluster, joined a story of its own topic (the other event of the kind).
    NewJoinedSameTopic,
    /// First of its gold cluster, joined a story of another topic.
    NewJoinedOtherTopic,
    JoinedGold,
    /// Joined a story whose majority is another gold cluster of the same topic.
    JoinedSameTopic,
    JoinedOtherTopic,
    /// Started a story although a story of its gold cluster was among the scored candidates.
    SplitScored,
    /// Started a story; no story of its gold cluster was among the candidates.
    SplitNotRetrieved,
    Copy,
}

fn errors(set: &Set) {
    let mut grouper = Grouper::new();
    // story id → gold → members
    let mut story_gold: HashMap<String, BTreeMap<String, u32>> = HashMap::new();
    let mut gold_seen: HashMap<&str, u32> = HashMap::new();
    let mut counts: BTreeMap<Outcome, u32> = BTreeMap::new();
    let mut merges: Vec<(f64, usize, String, [f64; NF])> = Vec::new();
    // Wrong joins by the first document of a gold cluster (the merges that start a cascade).
    let mut first_merges: Vec<(f64, usize, String, [f64; NF])> = Vec::new();
    let mut retrieved_gold = (0u32, 0u32);
    for &i in &set.order {
        let (id, f) = &set.features[i];
        let gold = set.docs[i].gold.as_str();
        let topic = set.topic(i);
        let majority = |story: &str, m: &HashMap<String, BTreeMap<String, u32>>| {
            m.get(story)
                .and_then(|g| g.iter().max_by_key(|(_, &n)| n).map(|(g, _)| g.clone()))
                .unwrap_or_default()
        };
        // Candidates before the decision.
        let cands = grouper.stories_mut().candidates(f);
        let gold_cand = cands.iter().find(|c| {
            story_gold
                .get(grouper.stories().id(c.story).as_str())
                .is_some_and(|g| g.contains_key(gold))
        });
        let first = !gold_seen.contains_key(gold);
        if !first {
            retrieved_gold.1 += 1;
            retrieved_gold.0 += gold_cand.is_some() as u32;
        }
        let d = grouper.decide(id, f.clone());
        let story = d.grouping.story.clone().unwrap_or_default();
        let joined = d.join_probability.is_some();
        let maj = majority(&story, &story_gold);
        let maj_topic = maj.split('/').next().unwrap_or(&maj).to_string();
        let outcome = if d.grouping.duplicate_of.is_some() {
            Outcome::Copy
        } else if first {
            if !joined {
                Outcome::NewOk
            } else if maj_topic == topic {
                Outcome::NewJoinedSameTopic
            } else {
                Outcome::NewJoinedOtherTopic
            }
        } else if joined {
            if maj == gold {
                Outcome::JoinedGold
            } else if maj_topic == topic {
                Outcome::JoinedSameTopic
            } else {
                Outcome::JoinedOtherTopic
            }
        } else if gold_cand.is_some() {
            Outcome::SplitScored
        } else {
            Outcome::SplitNotRetrieved
        };
        *counts.entry(outcome).or_insert(0) += 1;
        if joined && maj != gold {
            let x = cands
                .iter()
                .find(|c| grouper.stories().find(&story) == Some(c.story))
                .map_or([0.0; NF], |c| c.x);
            merges.push((d.join_probability.unwrap_or(0.0), i, maj.clone(), x));
            if first {
                first_merges.push((d.join_probability.unwrap_or(0.0), i, maj.clone(), x));
            }
        }
        *story_gold.entry(story.into_string()).or_default().entry(gold.to_string()).or_insert(0) +=
            1;
        *gold_seen.entry(gold).or_insert(0) += 1;
    }
    eprintln!("== {}", set.name);
    let all = b3(set, &set.order, FITTED);
    eprintln!("B-cubed F1 {all:.4}");
    eprintln!(
        "gold story among the scored candidates: {}/{} ({:.1}%)",
        retrieved_gold.0,
        retrieved_gold.1,
        100.0 * retrieved_gold.0 as f64 / retrieved_gold.1.max(1) as f64
    );
    for (o, n) in &counts {
        eprintln!("  {o:?}: {n}");
    }
    merges.sort_by(|a, b| b.0.total_cmp(&a.0));
    first_merges.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (label, list) in [
        ("most confident wrong joins", &merges),
        ("most confident wrong joins by a gold cluster's first document", &first_merges),
    ] {
        print_merges(set, label, list);
    }
}

fn print_merges(set: &Set, label: &str, merges: &[(f64, usize, String, [f64; NF])]) {
    eprintln!("{label} (p, doc, gold → story majority, features):");
    for (p, i, maj, x) in merges.iter().take(12) {
        let opening: String =
            set.docs[*i].text.split_whitespace().take(12).collect::<Vec<_>>().join(" ");
        eprintln!("  {p:.3} {} {} → {maj}: «{opening}»", set.docs[*i].name, set.docs[*i].gold);
        let named: Vec<String> =
            FEATURE_NAMES.iter().zip(x).map(|(n, v)| format!("{n}={v:.2}")).collect();
        eprintln!("      {}", named.join(" "));
    }
}

/// Writes the background document frequencies of a Reuters-21578 directory (`docs N` then
/// `term<TAB>df` for the stemmed terms in at least 3 documents, sorted by term).
fn background(reuters: &Path, out: &Path) {
    let wires = storyline_eval::clustering::copies::read_reuters(reuters).expect("Reuters-21578");
    let mut df: BTreeMap<String, u32> = BTreeMap::new();
    for w in &wires {
        let mut terms = storyline_group::text::terms(&w.title);
        terms.extend(storyline_group::text::terms(&w.body));
        terms.sort_unstable();
        terms.dedup();
        for t in terms {
            *df.entry(t).or_insert(0) += 1;
        }
    }
    let mut text = format!("docs\t{}\n", wires.len());
    for (t, n) in df.into_iter().filter(|&(_, n)| n >= 3) {
        text.push_str(&format!("{t}\t{n}\n"));
    }
    std::fs::write(out, text).expect("write the table");
    eprintln!("{} documents → {}", wires.len(), out.display());
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "background") && args.len() == 3 {
        background(Path::new(&args[1]), Path::new(&args[2]));
        return;
    }
    let command = match args.first().map(String::as_str) {
        Some("fit") | Some("errors") | Some("extend") => args.remove(0),
        _ => "fit".to_string(),
    };
    if args.is_empty() {
        eprintln!(
            "usage: fit_grouping [fit|extend|errors] ECB_DIR MULTINEWS_JSONL [TIMELINE17_DIR]"
        );
        std::process::exit(2);
    }
    let sets: Vec<Set> = args.iter().map(|p| load(Path::new(p))).collect();
    match command.as_str() {
        "errors" => sets.iter().filter(|s| !s.dated()).for_each(errors),
        "extend" => extend(&sets),
        _ => fit(&sets),
    }
}
