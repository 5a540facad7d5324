//! Error analysis of the grouping stage on a labelled news stream (the layout of
//! `../shared/data/clustering/stream`: `records.jsonl` + `gold.jsonl`), and its figures on two
//! halves split by publication day (tune on one, check on the other).
//!
//! ```text
//! cargo run --release -p storyline-train --example stream_grouping -- STREAM_DIR [--verbose] \
//!     [--timeline17 DIR]
//! ```
//!
//! Prints, in date order, every decision that puts an article in a wrong story or apart from
//! its gold story's earlier articles, with the features of the chosen and the gold candidate;
//! then story and storyline pairwise F1 on the whole stream, on the first days and on the last
//! days (each half grouped on its own). `STORYLINE_FIT_CACHE=DIR` caches the analysed articles.
//! With `--timeline17 DIR`, also Timeline17's storyline purity and B-cubed F1 under the same
//! model (what `storyline eval clustering` reports there), for trying storyline rules on both.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use storyline_eval::clustering::stream;
use storyline_group::model::{Model, FEATURE_NAMES};
use storyline_group::{Features, Grouper};
use storyline_model::{Article, ArticleId};

/// The cache file: (id, published, story, storyline) per item, and the analysed articles.
type Cached = (Vec<(String, Option<String>, String, String)>, Vec<Article>);

/// A candidate story as the model saw it: join probability, story id, pair features.
type Scored = (f64, String, [f64; storyline_group::model::NF]);

/// Predicted story id → the items put in it so far.
type StoryMembers = BTreeMap<String, Vec<usize>>;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: stream_grouping STREAM_DIR [--verbose]");
        std::process::exit(2);
    };
    let verbose = args.iter().any(|a| a == "--verbose");
    let timeline17 = args.iter().position(|a| a == "--timeline17").and_then(|k| args.get(k + 1));
    let dir = Path::new(dir);
    let (items, articles) = load_stream(dir, cache_path(dir).as_deref());
    let features: Vec<(ArticleId, Features)> =
        articles.iter().map(|a| (a.id.clone(), storyline_group::features(a))).collect();
    let model = model_from_env();
    if let Some(t17) = timeline17 {
        timeline17_storylines(Path::new(t17), model);
    }
    let orders = stream::orders(&items, 1);
    let order = &orders[0].1;

    print_decisions(&items, &articles, &features, order, model, verbose);
    if args.iter().any(|a| a == "--pairs") {
        pairs(&items, &features, order);
    }
    print_whole_stream(&items, &articles, &features, order, model, verbose);
    print_halves(&items, &features, order, model);
}

/// Where `STORYLINE_FIT_CACHE` (if set) keeps the analysed stream read from `dir`.
fn cache_path(dir: &Path) -> Option<PathBuf> {
    std::env::var_os("STORYLINE_FIT_CACHE").map(|d| {
        let name: String = dir
            .display()
            .to_string()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '_' })
            .collect();
        Path::new(&d).join(format!("{name}.stream.json"))
    })
}

/// The labelled items and their analysed articles: from the cache when it holds them, else read
/// (and analysed) from `dir` and written to the cache.
fn load_stream(dir: &Path, cache: Option<&Path>) -> (Vec<stream::Item>, Vec<Article>) {
    let cached: Option<Cached> =
        cache.and_then(|c| std::fs::read(c).ok()).and_then(|b| serde_json::from_slice(&b).ok());
    match cached {
        Some((it, a)) => (
            it.into_iter()
                .map(|(id, p, story, storyline)| stream::Item {
                    id,
                    published: p.and_then(|p| p.parse().ok()),
                    story,
                    storyline,
                })
                .collect::<Vec<_>>(),
            a,
        ),
        None => {
            let (items, articles, _) = stream::read(dir).expect("stream layout");
            if let Some(c) = cache {
                write_cache(c, &items, &articles);
            }
            (items, articles)
        }
    }
}

/// Writes the items and articles to the cache file `c` (a failure only loses the cache).
fn write_cache(c: &Path, items: &[stream::Item], articles: &[Article]) {
    let it: Vec<_> = items
        .iter()
        .map(|i| {
            (i.id.clone(), i.published.map(|d| d.to_string()), i.story.clone(), i.storyline.clone())
        })
        .collect();
    let _ = std::fs::write(c, serde_json::to_vec(&(it, articles)).unwrap());
}

/// An article's title (else the start of its text), at most 60 characters.
fn title(articles: &[Article], i: usize) -> String {
    let a = &articles[i];
    let t = a.title.clone().unwrap_or_else(|| a.text.chars().take(60).collect());
    t.chars().take(60).collect()
}

/// The gold stories of the items already put in predicted story `s`.
fn golds_in(story_of: &StoryMembers, items: &[stream::Item], s: &str) -> Vec<String> {
    story_of.get(s).map_or(vec![], |v| v.iter().map(|&j| items[j].story.clone()).collect())
}

/// Groups the stream in date order (the batch order the pipeline uses) and prints every decision
/// that puts an article in a wrong story or apart from its gold story's earlier articles (every
/// decision with `verbose`), with its candidates' features.
fn print_decisions(
    items: &[stream::Item],
    articles: &[Article],
    features: &[(ArticleId, Features)],
    order: &[usize],
    model: Model,
    verbose: bool,
) {
    let batch: Vec<(ArticleId, Features)> = order.iter().map(|&i| features[i].clone()).collect();
    let sorted: Vec<usize> =
        storyline_group::batch_order(&batch).into_iter().map(|k| order[k]).collect();
    let mut g = Grouper::with_model(model);
    let mut story_of: StoryMembers = BTreeMap::new();
    for &i in &sorted {
        let (id, f) = &features[i];
        let cands = g.stories_mut().candidates(f);
        let scored: Vec<Scored> = cands
            .iter()
            .map(|c| (model.prob(&c.x), g.stories().id(c.story).to_string(), c.x))
            .collect();
        let d = g.decide(id, f.clone());
        let s = d.grouping.story.clone().unwrap().into_string();
        let chosen_gold = golds_in(&story_of, items, &s);
        let wrong_join = !chosen_gold.is_empty() && !chosen_gold.contains(&items[i].story);
        let gold_earlier: Vec<&String> = story_of
            .iter()
            .filter(|(_, v)| v.iter().any(|&j| items[j].story == items[i].story))
            .map(|(k, _)| k)
            .collect();
        let missed = !gold_earlier.is_empty() && !gold_earlier.contains(&&s);
        if wrong_join || missed || verbose {
            println!(
                "{} {} [{}] {}{}{}",
                items[i].published.map(|d| d.to_string()).unwrap_or_default(),
                items[i].id,
                items[i].story,
                title(articles, i),
                if wrong_join { "  WRONG JOIN" } else { "" },
                if missed { "  MISSED" } else { "" },
            );
            if d.grouping.duplicate_of.is_some() {
                println!("    copy of {:?}", d.grouping.duplicate_of);
            }
            print_candidates(&scored, &s, &items[i].story, |sid| golds_in(&story_of, items, sid));
        }
        story_of.entry(s).or_default().push(i);
    }
}

/// One line per candidate story of a decision, with its join probability, gold stories and
/// features: `*` marks the chosen story, `G` one holding the article's gold story `gold`.
/// Unlikely candidates (p < 0.02) that are not gold are left out.
fn print_candidates(
    scored: &[Scored],
    chosen: &str,
    gold: &str,
    golds_in: impl Fn(&str) -> Vec<String>,
) {
    for (p, sid, x) in scored {
        let golds = golds_in(sid);
        let mark = if sid == chosen { "*" } else { " " };
        let is_gold = golds.iter().any(|g| g == gold);
        if p < &0.02 && !is_gold {
            continue;
        }
        let xs: Vec<String> =
            FEATURE_NAMES.iter().zip(x).map(|(n, v)| format!("{n}={v:.2}")).collect();
        println!(
            "   {mark}{} p={p:.3} {:?} {}",
            if is_gold { "G" } else { " " },
            golds.iter().take(3).collect::<Vec<_>>(),
            xs.join(" ")
        );
    }
}

/// Groups the whole stream and prints its figures (with `verbose`, first every predicted
/// storyline of more than one article).
fn print_whole_stream(
    items: &[stream::Item],
    articles: &[Article],
    features: &[(ArticleId, Features)],
    order: &[usize],
    model: Model,
    verbose: bool,
) {
    let all: Vec<usize> = (0..items.len()).collect();
    let (st, li) = stream::group_in_order(features, order, model);
    let s = stream::score(items, &st, &li, &all);
    if verbose {
        print_storylines(items, articles, &li);
    }
    println!(
        "all: story pairs P {:.3} R {:.3} F1 {:.3}, B3 {:.3}; storyline pairs F1 {:.3}",
        s.story_pairs.precision,
        s.story_pairs.recall,
        s.story_pairs.f1,
        s.story_b3.f1,
        s.line_pairs.f1
    );
}

/// Every predicted storyline (`li`: per item) of more than one article, with its items' gold
/// storyline and story.
fn print_storylines(items: &[stream::Item], articles: &[Article], li: &[String]) {
    let mut lines: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, l) in li.iter().enumerate() {
        lines.entry(l).or_default().push(i);
    }
    for m in lines.values().filter(|m| m.len() > 1) {
        println!("storyline of {}:", m.len());
        for &i in m {
            println!(
                "    {} [{} / {}] {}",
                items[i].id,
                items[i].storyline,
                items[i].story,
                title(articles, i)
            );
        }
    }
}

/// Figures on two halves by publication day: the first days and the last days, each grouped on
/// its own.
fn print_halves(
    items: &[stream::Item],
    features: &[(ArticleId, Features)],
    order: &[usize],
    model: Model,
) {
    let mut days: Vec<_> = items.iter().filter_map(|i| i.published).collect();
    days.sort();
    days.dedup();
    let cut = days.get(days.len() / 2).copied();
    for (name, first) in [("first days", true), ("last days", false)] {
        let sub: Vec<usize> =
            order.iter().copied().filter(|&i| (items[i].published < cut) == first).collect();
        let (st, li) = stream::group_in_order(features, &sub, model);
        let s = stream::score(items, &st, &li, &sub);
        println!(
            "{name} ({} articles): story pairs P {:.3} R {:.3} F1 {:.3}, B3 {:.3}; storyline pairs F1 {:.3}",
            sub.len(),
            s.story_pairs.precision,
            s.story_pairs.recall,
            s.story_pairs.f1,
            s.story_b3.f1,
            s.line_pairs.f1
        );
    }
}

/// Timeline17's storyline purity and B-cubed F1 (gold: the topic) under `model`.
fn timeline17_storylines(dir: &Path, model: Model) {
    use storyline_eval::clustering::{features_of, feed_order, group_features, timelines};
    let docs = timelines::read_timeline17(dir).expect("Timeline17 layout");
    let features = features_of(&docs);
    let (_, lines, _) = group_features(&features, &feed_order(&docs), model);
    let gold: Vec<&str> = docs.iter().map(|d| d.gold.as_str()).collect();
    let b3 = storyline_eval::metrics::bcubed(&gold, &lines);
    println!(
        "timeline17: storyline purity {:.3}, B3 P {:.3} R {:.3} F1 {:.3}",
        timelines::purity(&gold, &lines),
        b3.precision,
        b3.recall,
        b3.f1
    );
}

/// The committed model, with overrides from `STREAM_MODEL` (`join=0.2,lead_min=0.3,
/// max_cycle_gap=0,bias=-5,w14=2`) for experiments.
fn model_from_env() -> Model {
    let mut m = Model::default();
    for kv in std::env::var("STREAM_MODEL").unwrap_or_default().split(',') {
        let Some((k, v)) = kv.split_once('=') else { continue };
        let v: f64 = v.parse().expect("number");
        match k {
            "join" => m.join = v,
            "storyline" => m.storyline = v,
            "lead_min" => m.lead_min = v,
            "dominance" => m.dominance = v,
            "storyline_lead_min" => m.storyline_lead_min = v,
            "storyline_ent_min" => m.storyline_ent_min = v,
            "lead_mean_min" => m.lead_mean_min = v,
            "max_cycle_gap" => m.max_cycle_gap = v,
            "bias" => m.bias = v,
            w if w.starts_with('w') => m.weights[w[1..].parse::<usize>().unwrap()] = v,
            _ => panic!("unknown {k}"),
        }
    }
    m
}

/// Every article alone in one working set (nothing joins), then each article's candidates: how
/// well the pair features separate gold pairs from the others, by publication-day gap.
fn pairs(items: &[stream::Item], features: &[(ArticleId, Features)], order: &[usize]) {
    let never = Model { join: 2.0, storyline: 2.0, ..Model::default() };
    let mut g = Grouper::with_model(never);
    let mut slot_item: BTreeMap<String, usize> = BTreeMap::new();
    for &i in order {
        let d = g.add(&features[i].0, features[i].1.clone());
        slot_item.insert(d.story.unwrap().into_string(), i);
    }
    let mut rows = Vec::new();
    for &i in order {
        for c in g.stories_mut().candidates(&features[i].1) {
            let j = slot_item[g.stories().id(c.story).as_str()];
            if j == i || features[j].0 <= features[i].0 {
                continue;
            }
            let same = items[i].story == items[j].story;
            let p = Model::default().prob(&c.x);
            rows.push((same, c.gap, c.x, p, i, j));
        }
    }
    let key: usize = std::env::var("SORT_FEATURE").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    rows.sort_by(|a, b| b.2[key].total_cmp(&a.2[key]));
    let pos = rows.iter().filter(|r| r.0).count();
    println!("candidate pairs {} (gold {pos}); by cmax:", rows.len());
    let mut tp = 0;
    for (k, r) in rows.iter().enumerate().take(120) {
        if r.0 {
            tp += 1;
        }
        println!(
            "{:3} {} gap={} cmax={:.2} lead={:.2} ent={:.2} core_missing={:.2} shared_day={} p={:.2} tp={tp} {} / {}",
            k, if r.0 { "G" } else { "-" }, r.1, r.2[0], r.2[14], r.2[2], r.2[11], r.2[9], r.3, items[r.4].id, items[r.5].id
        );
    }
}
