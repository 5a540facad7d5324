//! The application layer: the one place that knows the pipeline's order, over any [`Store`].
//!
//! ```text
//!  Input ──prepare──▶ Article (parsed + analysed)      pure, panic-isolated: any thread or worker
//!                       │
//!                       ▼
//!  Ingestor::add ──▶ features ──group (ordered, batched by day)──▶ Grouping ──commit──▶ Store
//! ```
//!
//! * [`prepare`]: parse one input and analyse its articles — a pure function of the input, the
//!   stateless unit a thread or a worker runs.
//! * [`Ingestor`]: the one ordered committer — computes grouping features, groups each batch of
//!   articles (by publication day, then id, so a batch's stories do not depend on arrival order),
//!   gives every new article the next sequence number and commits the batch with the summaries of
//!   the stories it touched, in one transaction.
//! * [`ingest`]: `prepare` then `Ingestor` over a sequence of inputs (what `storyline ingest` runs).
//! * [`regroup()`]: recomputes the stored stories of a range of days in date order; [`settle`]
//!   does it for the days an ingest run touched, so its stories do not depend on how its
//!   articles were cut into batches or runs.
//! * [`reports`]: story reports (computed when a story changed, then read from the store's cache)
//!   and lookups by id prefix.
//! * [`crawl`]: fetches pages and feeds politely and ingests them (what `storyline fetch` runs).
//!
//! The binary, the evaluation tools and any server or worker are thin callers of this crate.

pub mod crawl;
mod ingestor;
mod inputs;
mod late;
mod prepare;
pub mod regroup;
pub mod reports;

pub use ingestor::{
    ingest, ingest_with_threads, Failure, IngestReport, Ingestor, Progress, BATCH, REGROUPS_CURSOR,
};
pub use inputs::{read_paths, Inputs};
pub use prepare::{analyse, prepare, prepare_article, Prepared, PreparedArticle};
pub use regroup::{regroup, settle, Days, RegroupReport};
pub use reports::{
    find_article, find_story, story_report, story_with_texts, summarise, LookupError,
};
pub use storyline_store::Store;
