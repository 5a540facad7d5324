//! Ingest: turns raw inputs (files, directories, stdin) into cleaned [`Article`]s.
//!
//! Owns format sniffing, character-encoding detection, the per-format readers (plain text, HTML,
//! JSON, JSON Lines), boilerplate removal and metadata recovery (title, date, outlet, author,
//! language). It never analyses text and never touches the store.

use storyline_model::Article;

/// Inputs larger than this are refused with a clear error.
pub const MAX_INPUT_BYTES: u64 = 50 * 1024 * 1024;

/// One raw input: a file's bytes (or stdin's) and the name it is reported under.
#[derive(Debug, Clone)]
pub struct Input {
    /// File path as given/walked, or "-" for stdin.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Why an input (or one record inside it) could not be ingested. Displays as `name: reason`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input}: {reason}")]
pub struct IngestError {
    pub input: String,
    pub reason: String,
}

/// Lists the files under `paths` (directories recursively, sorted) and reads each, bounded by
/// [`MAX_INPUT_BYTES`]. "-" reads stdin. Errors name the path and the reason.
pub fn read_inputs(paths: &[std::path::PathBuf]) -> Vec<Result<Input, IngestError>> {
    let _ = paths;
    Vec::new()
}

/// Parses one input into articles (a JSON Lines file holds many; a bad record is one error and
/// the others still come through).
pub fn parse(input: &Input) -> Vec<Result<Article, IngestError>> {
    let _ = input;
    Vec::new()
}

/// Takes `text` exactly as given (nothing stripped): what `analyze --raw` uses.
pub fn raw_article(name: &str, text: &str) -> Article {
    let _ = (name, text);
    unimplemented!()
}
