//! Storylines on Timeline17 (`<Topic>_<outlet>/InputDocs/<YYYY-MM-DD>/<n>.htm.txt`: one sentence a
//! line, PTB tokens; the folder gives the publication date): do storylines follow the topics, and
//! do stories stay events rather than swallowing a whole topic?
//!
//! All documents are fed by date to one grouper. The gold label of a document is its topic (the
//! folder name before `_`: the outlets of one topic share it). Reported: per topic the number of
//! documents, stories and storylines and the share of its documents in its largest story;
//! overall story purity and storyline purity (each cluster counted with its majority topic), and
//! B-cubed of storylines against topics.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use storyline_group::model::Model;

use super::{doc_features, feed_order, group_features, join_tokens, Doc};
use crate::metrics::bcubed;
use crate::util;
use crate::{EvalError, Metric, Row, Scores};

/// Whether `dir` looks like Timeline17 (a subdirectory with `InputDocs`).
pub fn is_layout(dir: &Path) -> bool {
    dir.join("InputDocs").is_dir()
        || util::list_dir(dir).is_ok_and(|l| l.iter().any(|p| p.join("InputDocs").is_dir()))
}

/// Reads the documents of every `<Topic>_<outlet>` set under `dir` (or `dir` itself).
pub fn read_timeline17(dir: &Path) -> Result<Vec<Doc>, EvalError> {
    let sets: Vec<_> = if dir.join("InputDocs").is_dir() {
        vec![dir.to_path_buf()]
    } else {
        util::list_dir(dir)?.into_iter().filter(|p| p.join("InputDocs").is_dir()).collect()
    };
    let mut docs = Vec::new();
    for set in sets {
        let name = util::file_name(&set);
        let (topic, outlet) = name.split_once('_').unwrap_or((&name, ""));
        let files = util::files_under(&set.join("InputDocs"), &|p| p.is_file())?;
        for f in files {
            let Some(date) = f.parent().map(util::file_name).and_then(|d| d.parse().ok()) else {
                continue;
            };
            let raw = util::read(&f)?;
            let text = raw
                .lines()
                .map(|l| join_tokens(&l.split_whitespace().collect::<Vec<_>>()))
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n");
            if text.is_empty() {
                continue;
            }
            let rel = f.strip_prefix(dir).unwrap_or(&f).display().to_string();
            docs.push(Doc {
                name: rel,
                text,
                source: (!outlet.is_empty()).then(|| outlet.to_string()),
                published: Some(date),
                gold: topic.to_string(),
            });
        }
    }
    if docs.is_empty() {
        return Err(EvalError::layout(
            dir,
            "expected Timeline17 `<Topic>_<outlet>/InputDocs/<date>/*.txt`",
        ));
    }
    Ok(docs)
}

/// Share of items whose cluster's majority label is their own label.
pub fn purity(gold: &[&str], pred: &[String]) -> f64 {
    let mut by: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for (g, p) in gold.iter().zip(pred) {
        *by.entry(p.as_str()).or_default().entry(g).or_insert(0) += 1;
    }
    let majority: usize = by.values().map(|m| m.values().max().copied().unwrap_or(0)).sum();
    majority as f64 / gold.len().max(1) as f64
}

pub fn run(dir: &Path) -> Result<Scores, EvalError> {
    let docs = read_timeline17(dir)?;
    let mut panics = util::Panics::default();
    let (features, _) = doc_features(&docs, &mut panics);
    let (stories, storylines, secs) =
        group_features(&features, &feed_order(&docs), Model::default());
    let gold: Vec<&str> = docs.iter().map(|d| d.gold.as_str()).collect();
    let topics: BTreeSet<&str> = gold.iter().copied().collect();
    let mut rows = Vec::new();
    for t in &topics {
        let idx: Vec<usize> = (0..docs.len()).filter(|&i| gold[i] == *t).collect();
        let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
        for &i in &idx {
            *sizes.entry(stories[i].as_str()).or_insert(0) += 1;
        }
        let lines: BTreeSet<&str> = idx.iter().map(|&i| storylines[i].as_str()).collect();
        let largest = sizes.values().max().copied().unwrap_or(0);
        rows.push(Row::new(
            *t,
            vec![
                Metric::count("docs", idx.len()),
                Metric::count("stories", sizes.len()),
                Metric::count("storylines", lines.len()),
                Metric::new("largest story share", largest as f64 / idx.len().max(1) as f64),
            ],
        ));
    }
    let story_purity = purity(&gold, &stories);
    let line_purity = purity(&gold, &storylines);
    let b3 = bcubed(&gold, &storylines);
    let mut s = Scores {
        task: "clustering (Timeline17 storylines)".into(),
        data: dir.display().to_string(),
        items: docs.len(),
        unit: "documents".into(),
        rows,
        extra: vec![
            Metric::new("story purity", story_purity),
            Metric::new("storyline purity", line_purity),
            Metric::new("storyline B-cubed P", b3.precision),
            Metric::new("storyline B-cubed R", b3.recall),
            Metric::new("storyline B-cubed F1", b3.f1),
            Metric::count("stories", super::n_clusters(&stories)),
            Metric::count("storylines", super::n_clusters(&storylines)),
            Metric::new(
                "docs/s (grouping)",
                if secs > 0.0 { docs.len() as f64 / secs } else { 0.0 },
            ),
        ],
        notes: Vec::new(),
        headline: Metric::new("storyline purity", line_purity),
    };
    panics.report(&mut s.extra, &mut s.notes);
    Ok(s)
}
