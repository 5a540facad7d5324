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
        .map(|record| record.and_then(|article| prepare_article(&input.name, article)))
        .collect();
    Prepared { records, warnings: parsed.warnings }
}

/// Analyses one parsed article (from the input `input`) and computes its grouping features. A
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
