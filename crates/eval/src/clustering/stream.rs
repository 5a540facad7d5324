//! Stories and storylines in a real news stream: a directory with `records.jsonl` (ingest records
//! `{id, source, published, title, text}`) and `gold.jsonl` (`{id, story, storyline}` per record),
//! the layout of `../shared/data/clustering/stream` (scored end to end by
//! `../shared/tools/score_stream.py`).
//!
//! The records are parsed by ingest exactly as `storyline ingest` parses a JSON Lines file,
//! analysed, and grouped as the pipeline groups a batch ([`storyline_group::Grouper::add_batch`]),
//! in the date order and in [`ORDERS`] − 1 seeded shuffles of the records (a shuffle moves records
//! between chunks of [`CHUNK`] too). Reported per order: story and storyline pairwise and B-cubed
//! F1; overall the date-order figures, the worst shuffle's story pairwise F1, the mean and spread
//! (max − min) over all orders, and the every-article-alone B-cubed baseline. Pairwise is the
//! headline: most stories of a stream have one article, so B-cubed rewards leaving everything
//! apart.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use storyline_group::model::Model;
use storyline_group::{Features, Grouper};
use storyline_model::{Article, ArticleId, Date};

use crate::metrics::{bcubed, pairwise, Prf};
use crate::util;
use crate::{EvalError, Metric, Row, Scores};

/// Number of record orders scored: the date order and `ORDERS − 1` shuffles.
pub const ORDERS: u64 = 6;
/// Articles grouped together: the pipeline's batch.
pub const CHUNK: usize = storyline_pipeline::BATCH;

/// Whether `dir` holds a stream (`records.jsonl` and `gold.jsonl`).
pub fn is_layout(dir: &Path) -> bool {
    dir.join("records.jsonl").is_file() && dir.join("gold.jsonl").is_file()
}

/// One labelled article of a stream.
#[derive(Debug, Clone)]
pub struct Item {
    /// The record's id.
    pub id: String,
    pub published: Option<Date>,
    pub story: String,
    pub storyline: String,
}

/// A stream read for scoring: the labelled items and their analysed articles (record order), and
/// the records ingest refused (`input: reason`).
pub type Stream = (Vec<Item>, Vec<Article>, Vec<String>);

/// The stream's labelled articles (record order) and their analysed articles. Records without a
/// gold label are skipped; records ingest refuses are returned by id (they count as singletons).
pub fn read(dir: &Path) -> Result<Stream, EvalError> {
    let gold_path = dir.join("gold.jsonl");
    let mut gold: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (n, line) in util::read(&gold_path)?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line)
            .map_err(|e| EvalError::parse(&gold_path, Some(n + 1), format!("invalid JSON: {e}")))?;
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let (Some(id), Some(story)) = (s("id"), s("story")) else {
            return Err(EvalError::parse(
                &gold_path,
                Some(n + 1),
                "expected {id, story, storyline}",
            ));
        };
        let storyline = s("storyline").unwrap_or_else(|| story.clone());
        gold.insert(id, (story, storyline));
    }
    let path = dir.join("records.jsonl");
    let bytes = std::fs::read(&path).map_err(|e| EvalError::io(&path, e))?;
    let input = storyline_ingest::Input { name: path.display().to_string(), bytes };
    let mut items = Vec::new();
    let mut articles = Vec::new();
    let mut refused = Vec::new();
    let mut panics = util::Panics::default();
    for rec in storyline_ingest::parse(&input).records {
        let mut article = match rec {
            Ok(a) => a,
            Err(e) => {
                refused.push(e.to_string());
                continue;
            }
        };
        let id = article.input_id.clone().unwrap_or_default();
        let Some((story, storyline)) = gold.get(&id).cloned() else { continue };
        let (text, published) = (&article.text, article.published);
        article.analysis =
            panics.guard(&id, || storyline_analyze::analyze(text, published)).unwrap_or_default();
        items.push(Item { id, published: article.published, story, storyline });
        articles.push(article);
    }
    if items.is_empty() {
        return Err(EvalError::layout(dir, "no record of records.jsonl has a label in gold.jsonl"));
    }
    Ok((items, articles, refused))
}

/// The record orders scored: `("date", …)` (publication date, then record id) and seeded
/// shuffles.
pub fn orders(items: &[Item], n: u64) -> Vec<(String, Vec<usize>)> {
    let mut date: Vec<usize> = (0..items.len()).collect();
    date.sort_by(|&a, &b| {
        (items[a].published, &items[a].id).cmp(&(items[b].published, &items[b].id))
    });
    let mut out = vec![("date".to_string(), date)];
    for seed in 1..n {
        out.push((format!("shuffle:{seed}"), super::shuffled(items.len(), seed)));
    }
    out
}

/// Groups the features in `order`, chunk by chunk as the pipeline does: the predicted story and
/// storyline of each item (input order).
pub fn group_in_order(
    features: &[(ArticleId, Features)],
    order: &[usize],
    model: Model,
) -> (Vec<String>, Vec<String>) {
    let mut grouper = Grouper::with_model(model);
    let mut story = vec![String::new(); features.len()];
    let mut line = vec![String::new(); features.len()];
    for chunk in order.chunks(CHUNK) {
        let batch: Vec<(ArticleId, Features)> =
            chunk.iter().map(|&i| features[i].clone()).collect();
        for (&i, g) in chunk.iter().zip(grouper.add_batch(&batch)) {
            story[i] = g.story.map_or_else(|| features[i].0.to_string(), String::from);
            line[i] = g.storyline.map_or_else(|| story[i].clone(), String::from);
        }
    }
    (story, line)
}

/// The figures of one order.
#[derive(Debug, Clone, Copy)]
pub struct OrderScores {
    pub story_pairs: Prf,
    pub story_b3: Prf,
    pub line_pairs: Prf,
    pub line_b3: Prf,
}

/// Scores one predicted labelling against the gold of the items in `subset` (indices).
pub fn score(items: &[Item], story: &[String], line: &[String], subset: &[usize]) -> OrderScores {
    let gs: Vec<&str> = subset.iter().map(|&i| items[i].story.as_str()).collect();
    let gl: Vec<&str> = subset.iter().map(|&i| items[i].storyline.as_str()).collect();
    let ps: Vec<&str> = subset.iter().map(|&i| story[i].as_str()).collect();
    let pl: Vec<&str> = subset.iter().map(|&i| line[i].as_str()).collect();
    OrderScores {
        story_pairs: pairwise(&gs, &ps),
        story_b3: bcubed(&gs, &ps),
        line_pairs: pairwise(&gl, &pl),
        line_b3: bcubed(&gl, &pl),
    }
}

fn mean_spread(v: &[f64]) -> (f64, f64) {
    let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
    let (lo, hi) = v.iter().fold((f64::MAX, f64::MIN), |(l, h), &x| (l.min(x), h.max(x)));
    (mean, if v.is_empty() { 0.0 } else { hi - lo })
}

pub fn run(dir: &Path) -> Result<Scores, EvalError> {
    let (items, articles, refused) = read(dir)?;
    let features: Vec<(ArticleId, Features)> =
        articles.iter().map(|a| (a.id.clone(), storyline_group::features(a))).collect();
    let all: Vec<usize> = (0..items.len()).collect();
    let mut rows = Vec::new();
    let mut per: Vec<OrderScores> = Vec::new();
    let mut date_multi = 0;
    for (name, order) in orders(&items, ORDERS) {
        let (story, line) = group_in_order(&features, &order, Model::default());
        let s = score(&items, &story, &line, &all);
        if name == "date" {
            let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
            for p in &story {
                *sizes.entry(p).or_insert(0) += 1;
            }
            date_multi = sizes.values().filter(|&&n| n >= 2).count();
        }
        rows.push(Row::new(
            name,
            vec![
                Metric::new("story pairs P", s.story_pairs.precision),
                Metric::new("R", s.story_pairs.recall),
                Metric::new("F1", s.story_pairs.f1),
                Metric::new("story B3 F1", s.story_b3.f1),
                Metric::new("storyline pairs F1", s.line_pairs.f1),
                Metric::new("storyline B3 F1", s.line_b3.f1),
            ],
        ));
        per.push(s);
    }
    let pf: Vec<f64> = per.iter().map(|s| s.story_pairs.f1).collect();
    let bf: Vec<f64> = per.iter().map(|s| s.story_b3.f1).collect();
    let lf: Vec<f64> = per.iter().map(|s| s.line_pairs.f1).collect();
    let (pm, ps) = mean_spread(&pf);
    let (bm, bs) = mean_spread(&bf);
    let (lm, ls) = mean_spread(&lf);
    let worst = pf[1..].iter().copied().fold(pf[0], f64::min);
    let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
    let gs: Vec<&str> = items.iter().map(|i| i.story.as_str()).collect();
    let alone = bcubed(&gs, &ids).f1;
    let d = per[0];
    let mut notes = Vec::new();
    for r in &refused {
        notes.push(format!("refused by ingest: {r}"));
    }
    Ok(Scores {
        task: "clustering (news stream stories)".into(),
        data: dir.display().to_string(),
        items: items.len(),
        unit: "articles".into(),
        rows,
        extra: vec![
            Metric::new("story pairwise F1 (date order)", d.story_pairs.f1),
            Metric::new("story pairwise F1 (worst order)", worst),
            Metric::new("story pairwise F1 mean over orders", pm),
            Metric::new("story pairwise F1 spread over orders", ps),
            Metric::new("story B-cubed F1 mean over orders", bm),
            Metric::new("story B-cubed F1 spread over orders", bs),
            Metric::new("story B-cubed F1 every article alone", alone),
            Metric::new("storyline pairwise F1 (date order)", d.line_pairs.f1),
            Metric::new("storyline pairwise F1 mean over orders", lm),
            Metric::new("storyline pairwise F1 spread over orders", ls),
            Metric::count("orders", per.len()),
            Metric::count("multi-article stories (date order)", date_multi),
            Metric::count("records refused by ingest", refused.len()),
        ],
        notes,
        headline: Metric::new("story pairwise F1 (date order)", d.story_pairs.f1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny invented stream: two outlets on one ferry strike the same day, and an unrelated
    /// council vote; the gold puts the two strike reports in one story.
    #[test]
    fn scores_a_tiny_invented_stream_in_every_order() {
        let dir = tempfile::tempdir().unwrap();
        let strike = "Ferry crews in Velmora walked out on Monday over pay, cancelling every \
sailing to the outer islands. The Seafarers' Guild said 400 crew had joined the strike.";
        let strike2 = "Every ferry sailing from Velmora to the outer islands was cancelled on \
Monday when 400 crew members of the Seafarers' Guild walked out in a pay dispute.";
        let council = "The Tarn district council approved a new library budget on Monday after \
a two-hour debate about opening hours and the cost of heating the old reading room.";
        let rec = |id: &str, src: &str, title: &str, text: &str| {
            serde_json::json!({"id": id, "source": src, "published": "2031-05-05", "title": title, "text": text})
                .to_string()
        };
        std::fs::write(
            dir.path().join("records.jsonl"),
            [
                rec("a", "Harbour Wire", "Velmora ferry crews strike over pay", strike),
                rec("b", "Island Post", "Ferry strike cancels Velmora sailings", strike2),
                rec("c", "Tarn Gazette", "Tarn council approves library budget", council),
            ]
            .join("\n"),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("gold.jsonl"),
            "{\"id\": \"a\", \"story\": \"strike\", \"storyline\": \"ferries\"}\n\
             {\"id\": \"b\", \"story\": \"strike\", \"storyline\": \"ferries\"}\n\
             {\"id\": \"c\", \"story\": \"library\", \"storyline\": \"library\"}\n",
        )
        .unwrap();
        assert!(is_layout(dir.path()));
        let s = crate::run(crate::Task::Clustering, dir.path()).unwrap();
        assert_eq!(s.items, 3);
        assert_eq!(s.extra("orders"), Some(ORDERS as f64));
        assert_eq!(s.extra("story pairwise F1 spread over orders"), Some(0.0), "{}", s.render());
        assert_eq!(s.headline.value, 1.0, "{}", s.render());
    }

    #[test]
    #[ignore = "reads ../shared/data/clustering/stream"]
    fn shared_h1n1_stream() {
        let p = util::shared_data("clustering/stream");
        let s = run(&p).unwrap();
        println!("{}", s.render());
        assert_eq!(s.items, 107);
    }
}
