//! The server's one writer: articles POSTed to `/api/v1/articles` go through the pipeline's
//! ordered committer ([`Ingestor`]) on one thread, one request after another, so grouping sees
//! them in the order they were accepted and the store has a single writer in this process.
//!
//! The grouping state is restored from the store once and kept between requests. Each request
//! takes the store's writer lock (so a `storyline ingest` or a committer on the same store waits,
//! and is waited for) and releases it when its articles are committed; when another process
//! committed in between, the ingestor restores its state from the store before grouping
//! ([`Ingestor::lock`]). A request whose commit fails drops the state too (it is restored from what
//! the store really holds on the next request). The queue in front of the thread is bounded.
//!
//! With a search index, the writer catches the index up after each commit, before it answers:
//! an article the server reports as stored is already searchable, and the first search after a
//! large POST does not pay the indexing. (The index stays derived: a failed catch-up is left to
//! the next search, which catches up anyway.)

use std::sync::Arc;

use storyline_ingest::Input;
use storyline_pipeline::{IngestReport, Ingestor, Store};
use storyline_search::{SearchError, SearchIndex};
use storyline_store::StoreError;
use tokio::sync::{mpsc, oneshot};

use crate::error::ApiError;

/// Requests that may wait for the writer; more are refused as busy.
const QUEUE: usize = 8;

/// One POSTed body and where its report goes.
struct Job {
    input: Input,
    reply: oneshot::Sender<Result<IngestReport, StoreError>>,
}

/// A handle on the writer thread (cheap to clone; the thread ends when every handle is gone).
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer thread over `store` (keeping `search` caught up, when given).
    pub fn start(store: Arc<dyn Store>, search: Option<Arc<SearchIndex>>) -> Writer {
        let (jobs, queue) = mpsc::channel(QUEUE);
        std::thread::Builder::new()
            .name("storyline-writer".into())
            .spawn(move || write_loop(&*store, search.as_deref(), queue))
            .expect("the writer thread starts");
        Writer { jobs }
    }

    /// Ingests one input (JSON, JSON Lines, HTML, a feed, text: sniffed as `storyline ingest`
    /// does) and returns what was stored. Refused as busy when the queue is full.
    pub async fn ingest(&self, input: Input) -> Result<IngestReport, ApiError> {
        let (reply, answer) = oneshot::channel();
        self.jobs.try_send(Job { input, reply }).map_err(|_| ApiError::writer_busy())?;
        let report = answer.await.map_err(|_| ApiError::writer_busy())?;
        Ok(report?)
    }
}

/// Takes jobs until every [`Writer`] handle is dropped.
fn write_loop(store: &dyn Store, search: Option<&SearchIndex>, mut queue: mpsc::Receiver<Job>) {
    let mut ingestor: Option<Ingestor<'_>> = None;
    while let Some(job) = queue.blocking_recv() {
        let result = ingest_one(store, &mut ingestor, job.input);
        match (&result, search) {
            (Err(_), _) => ingestor = None,
            (Ok(report), Some(index)) if report.ingested > 0 => match index.catch_up(store) {
                // Another process holds the index's writer; it (or the next search) catches up.
                Ok(_) | Err(SearchError::Busy) => {}
                Err(e) => {
                    eprintln!("search: the index was not updated ({e}); the next search catches up")
                }
            },
            _ => {}
        }
        // The client may have gone (timed out): its report is dropped, the articles stay stored.
        let _ = job.reply.send(result);
    }
}

/// Runs one input through a fresh-enough ingestor.
fn ingest_one<'s>(
    store: &'s dyn Store,
    ingestor: &mut Option<Ingestor<'s>>,
    input: Input,
) -> Result<IngestReport, StoreError> {
    if ingestor.is_none() {
        *ingestor = Some(Ingestor::open(store)?);
    }
    let open = ingestor.as_mut().expect("opened above");
    let report = open.ingest_inputs([Ok(input)], &())?;
    open.unlock()?;
    Ok(report)
}

/// Whether `given` is the operator's token, compared in time that does not depend on where the
/// two first differ.
pub fn token_matches(given: &str, token: &str) -> bool {
    let (a, b) = (given.as_bytes(), token.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::token_matches;

    #[test]
    fn only_the_exact_token_matches() {
        assert!(token_matches("s3cret-token", "s3cret-token"));
        assert!(!token_matches("s3cret-tokeN", "s3cret-token"));
        assert!(!token_matches("s3cret", "s3cret-token"));
        assert!(!token_matches("", "s3cret-token"));
    }
}
