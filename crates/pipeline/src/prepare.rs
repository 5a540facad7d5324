//! The stateless step: parse one input, analyse each of its articles and compute their grouping
//! features. Pure (the same input gives the same articles), so it can run on any thread or
//! worker; a panic costs one article, never the batch.

use serde::{Deserialize, Serialize};
use storyline_group::Features;
use storyline_ingest::{IngestError, Input};
use storyline_model::Article;

/// What one input turned into: its prepared articles (or why a record failed) and notes.
#[derive(Debug, Default)]
pub struct Prepared {
    /// One entry per record of the input, in input order.
    pub records: Vec<Result<PreparedArticle, IngestError>>,
    /// Non-fatal notes (e.g. an input decoded from a legacy encoding).
    pub warnings: Vec<String>,
}

/// An analysed article with its grouping features: what the ordered committer takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreparedArticle {
    pub article: Article,
    pub features: Features,
}

/// Parses `input` (any supported format) and prepares every article in it.
pub fn prepare(input: &Input) -> Prepared {
    let parsed = storyline_ingest::parse(input);
    let records = parsed
        .records
        .into_iter()
        .map(|record| {
            record.and_then(|article| prepare_article(&record_name(&input.name, &article), article))
        })
        .collect();
    Prepared { records, warnings: parsed.warnings }
}

/// How failures name a record of input `input`: the record's own name when it extends the
/// input's (`batch.jsonl:12`, `feed.xml[3]`), else the input with the record's id.
pub(crate) fn record_name(input: &str, article: &Article) -> String {
    match article.input_id.as_deref() {
        Some(id) if id == input || id.starts_with(input) => id.to_string(),
        Some(id) => format!("{input} (record {id})"),
        None => input.to_string(),
    }
}

/// Analyses one parsed article (from the input or record named `input`) and computes its grouping features. A
/// panic in either is this article's failure.
pub fn prepare_article(input: &str, article: Article) -> Result<PreparedArticle, IngestError> {
    let Some(article) = analyse(article) else { return Err(analysis_failed(input)) };
    std::panic::catch_unwind(|| storyline_group::features(&article))
        .map(|features| PreparedArticle { article, features })
        .map_err(|_| analysis_failed(input))
}

/// Fills in an article's analysis. A bug in analysis must cost one article, not the batch: a
/// panic there is caught (analysis is pure, so nothing is left half-changed) and `None` returned.
pub fn analyse(mut article: Article) -> Option<Article> {
    let (text, published) = (&article.text, article.published);
    let analysis = std::panic::catch_unwind(|| storyline_analyze::analyze(text, published)).ok()?;
    article.analysis = analysis;
    Some(article)
}

/// The failure reported for an article whose analysis panicked.
pub(crate) fn analysis_failed(input: &str) -> IngestError {
    IngestError {
        input: input.to_string(),
        reason: "internal error while analysing this article (please report it)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A failure names the record: its own name when it extends the input's, else the input
    /// with the record's id.
    #[test]
    fn failures_name_the_record() {
        let mut a = storyline_ingest::raw_article("batch.jsonl:12", "Text.");
        assert_eq!(record_name("batch.jsonl", &a), "batch.jsonl:12");
        a.input_id = Some("r7".into());
        assert_eq!(record_name("batch.jsonl", &a), "batch.jsonl (record r7)");
        a.input_id = None;
        assert_eq!(record_name("page.html", &a), "page.html");
    }
}
