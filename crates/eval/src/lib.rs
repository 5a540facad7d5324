//! Scores Storyline's analysis and grouping steps on public gold data, each the way its field
//! scores it (`storyline eval TASK --data PATH`).
//!
//! * [`ner`]: CoNLL-2003, conlleval span F1 per type and micro.
//! * [`temporal`]: TempEval-3 TimeML, strict/relaxed span F1, type accuracy, value F1.
//! * [`quotes`]: PolNeAR BRAT attributions, content F1, speaker F1, direct-quote + speaker F1.
//! * [`events`]: PLOVER JSONL, event type accuracy, actor/target match.
//! * [`clustering`]: ECB+ (or Multi-News JSONL), B-cubed, pairwise F1, adjusted Rand index.
//! * [`summaries`]: Multi-News, ROUGE-1/2/L of the story summary at the reference length.
//! * [`timelines`]: Timeline17, date-selection F1 and alignment ROUGE-1 (tilse `align+ m:1`).
//! * [`comparison`]: invented story fixtures, P/R of agreed, unique and conflicting claims.
//! * [`html`]: ScrapingHub article-extraction benchmark, 4-word-shingle macro P/R/F1.
//!
//! [`run`] discovers the files of a layout under any directory (other splits exist), so nothing
//! beyond the layout conventions is hard-coded. Every result is a [`Scores`]: serialisable for
//! `--json`, and [`Scores::render`] prints a human table whose last line is the headline figure.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Serialize;

pub mod clustering;
pub mod comparison;
pub mod events;
pub mod html;
pub mod metrics;
pub mod ner;
pub mod quotes;
pub mod rouge;
pub mod summaries;
pub mod temporal;
pub mod timelines;
pub mod util;

/// The steps `storyline eval` can score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Task {
    Ner,
    Temporal,
    Quotes,
    Events,
    Clustering,
    Html,
    Summaries,
    Timelines,
    Comparison,
}

impl Task {
    pub const ALL: [Task; 9] = [
        Task::Ner,
        Task::Temporal,
        Task::Quotes,
        Task::Events,
        Task::Clustering,
        Task::Html,
        Task::Summaries,
        Task::Timelines,
        Task::Comparison,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Task::Ner => "ner",
            Task::Temporal => "temporal",
            Task::Quotes => "quotes",
            Task::Events => "events",
            Task::Clustering => "clustering",
            Task::Html => "html",
            Task::Summaries => "summaries",
            Task::Timelines => "timelines",
            Task::Comparison => "comparison",
        }
    }
}

impl fmt::Display for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Task {
    type Err = EvalError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        Task::ALL.into_iter().find(|t| t.as_str() == s).ok_or(EvalError::UnknownTask(s))
    }
}

/// One named figure: a rate in 0..1, a speed, or a count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metric {
    pub name: String,
    pub value: f64,
    /// Whether `value` counts things (printed as an integer).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub count: bool,
}

impl Metric {
    /// A rate or other real-valued figure.
    pub fn new(name: impl Into<String>, value: f64) -> Self {
        Metric { name: name.into(), value, count: false }
    }
    /// A count.
    pub fn count(name: impl Into<String>, n: usize) -> Self {
        Metric { name: name.into(), value: n as f64, count: true }
    }
    /// The value as printed in tables.
    pub fn display(&self) -> String {
        if self.count {
            format!("{:.0}", self.value)
        } else if self.value.abs() >= 100.0 {
            format!("{:.1}", self.value)
        } else {
            format!("{:.3}", self.value)
        }
    }
}

/// One line of a task's table (e.g. one entity type), with its metrics in column order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub label: String,
    pub metrics: Vec<Metric>,
}

impl Row {
    pub fn new(label: impl Into<String>, metrics: Vec<Metric>) -> Self {
        Row { label: label.into(), metrics }
    }
    /// The value of the metric named `name`.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.metrics.iter().find(|m| m.name == name).map(|m| m.value)
    }
}

/// The result of scoring one task on one data set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    pub task: String,
    /// The data path scored.
    pub data: String,
    /// Number of scored items (sentences, documents, records) — see `unit`.
    pub items: usize,
    /// What `items` counts ("sentences", "documents", …).
    pub unit: String,
    /// The table, one row per label (overall rows included).
    pub rows: Vec<Row>,
    /// Extra figures that fit no row (speed, counts, baselines).
    pub extra: Vec<Metric>,
    /// Error breakdown and examples, printed after the table.
    pub notes: Vec<String>,
    /// The task's headline figure (also the last line of [`Scores::render`]).
    pub headline: Metric,
}

impl Scores {
    /// The row labelled `label`.
    pub fn row(&self, label: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.label == label)
    }

    /// The extra figure named `name`.
    pub fn extra(&self, name: &str) -> Option<f64> {
        self.extra.iter().find(|m| m.name == name).map(|m| m.value)
    }

    /// A human-readable table; the last line is the headline figure, e.g. `value F1 0.734`.
    pub fn render(&self) -> String {
        let mut out = format!("{} on {} ({} {})\n", self.task, self.data, self.items, self.unit);
        // Columns: metric names in order of first appearance.
        let mut cols: Vec<&str> = Vec::new();
        for r in &self.rows {
            for m in &r.metrics {
                if !cols.contains(&m.name.as_str()) {
                    cols.push(&m.name);
                }
            }
        }
        if !self.rows.is_empty() {
            let lw = self.rows.iter().map(|r| r.label.chars().count()).max().unwrap_or(0).max(5);
            let widths: Vec<usize> = cols.iter().map(|c| c.chars().count().max(6)).collect();
            out.push_str(&format!("{:<lw$}", ""));
            for (c, w) in cols.iter().zip(&widths) {
                out.push_str(&format!("  {c:>w$}"));
            }
            out.push('\n');
            for r in &self.rows {
                out.push_str(&format!("{:<lw$}", r.label));
                for (c, w) in cols.iter().zip(&widths) {
                    let cell = r.metrics.iter().find(|m| m.name == *c).map(Metric::display);
                    let cell = cell.unwrap_or_else(|| "-".into());
                    out.push_str(&format!("  {cell:>w$}"));
                }
                out.push('\n');
            }
        }
        for m in &self.extra {
            out.push_str(&format!("{}: {}\n", m.name, m.display()));
        }
        for n in &self.notes {
            out.push_str(n);
            out.push('\n');
        }
        out.push_str(&format!("{} {:.3}", self.headline.name, self.headline.value));
        out
    }
}

/// Why a task could not be scored.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(
        "unknown eval task `{0}` (expected one of: ner, temporal, quotes, events, clustering, html, summaries, timelines, comparison)"
    )]
    UnknownTask(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The path does not hold the task's layout.
    #[error("{path}: {expected}")]
    Layout { path: PathBuf, expected: String },
    /// A file of the layout could not be parsed.
    #[error("{path}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Parse { path: PathBuf, line: Option<usize>, message: String },
}

impl EvalError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        EvalError::Io { path: path.to_path_buf(), source }
    }
    pub(crate) fn layout(path: &Path, expected: impl Into<String>) -> Self {
        EvalError::Layout { path: path.to_path_buf(), expected: expected.into() }
    }
    pub(crate) fn parse(path: &Path, line: Option<usize>, message: impl Into<String>) -> Self {
        EvalError::Parse { path: path.to_path_buf(), line, message: message.into() }
    }
}

/// Scores `task` on the gold data at `data` (a directory in the task's layout or, where the
/// layout is one file, that file).
pub fn run(task: Task, data: &Path) -> Result<Scores, EvalError> {
    if !data.exists() {
        return Err(EvalError::layout(data, format!("no such file or directory (eval {task})")));
    }
    match task {
        Task::Ner => ner::run(data),
        Task::Temporal => temporal::run(data),
        Task::Quotes => quotes::run(data),
        Task::Events => events::run(data),
        Task::Clustering => clustering::run(data),
        Task::Html => html::run(data),
        Task::Summaries => summaries::run(data),
        Task::Timelines => timelines::run(data),
        Task::Comparison => comparison::run(data),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_names_round_trip() {
        for t in Task::ALL {
            assert_eq!(t.as_str().parse::<Task>().unwrap(), t);
        }
        assert!("NER".parse::<Task>().is_ok());
        let e = "html2".parse::<Task>().unwrap_err().to_string();
        assert!(e.contains("html2"), "{e}");
    }

    #[test]
    fn render_ends_with_headline() {
        let s = Scores {
            task: "ner".into(),
            data: "x".into(),
            items: 2,
            unit: "sentences".into(),
            rows: vec![Row::new("PER", vec![Metric::new("P", 1.0), Metric::count("gold", 4)])],
            extra: vec![Metric::new("tokens/s", 1234.5)],
            notes: vec!["note".into()],
            headline: Metric::new("F1", 0.7341),
        };
        let r = s.render();
        assert_eq!(r.lines().last().unwrap(), "F1 0.734");
        assert!(
            r.contains("1.000") && r.contains("  4\n") && r.contains("tokens/s: 1234.5"),
            "{r}"
        );
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["headline"]["name"], "F1");
    }

    #[test]
    fn missing_data_names_the_path() {
        let e = run(Task::Ner, Path::new("/nonexistent/eval-data")).unwrap_err().to_string();
        assert!(e.contains("/nonexistent/eval-data"), "{e}");
    }
}
