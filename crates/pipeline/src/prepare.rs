//! The stateless step: parse one input and analyse each of its articles. Pure (the same input
//! gives the same articles), so it can run on any thread or worker; a panic in analysis costs
//! one article, never the batch.

use storyline_ingest::{IngestError, Input};
use storyline_model::Article;

/// What one input turned into: its analysed articles (or why a record failed) and notes.
#[derive(Debug, Default)]
pub struct Prepared {
    /// One entry per record of the input, in input order.
    pub records: Vec<Result<Article, IngestError>>,
    /// Non-fatal notes (e.g. an input decoded from a legacy encoding).
    pub warnings: Vec<String>,
}

/// Parses `input` (any supported format) and analyses every article in it.
pub fn prepare(input: &Input) -> Prepared {
    let parsed = storyline_ingest::parse(input);
    let records = parsed
        .records
        .into_iter()
        .map(|record| {
            record.and_then(|article| analyse(article).ok_or_else(|| analysis_failed(&input.name)))
        })
        .collect();
    Prepared { records, warnings: parsed.warnings }
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
