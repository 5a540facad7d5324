//! The work stream: NATS JetStream between the machines of a distributed Storyline.
//!
//! ```text
//!  ingest --to nats://…  ──▶  PREFIX_INPUTS  ──▶  worker (any number: parse + analyse + features)
//!                                                   │
//!                                                   ▼
//!                             PREFIX_ANALYSED ──▶  committer (one, in input order) ──▶ store
//! ```
//!
//! * [`WorkStream::publish_inputs`]: every input becomes one message (its name in a header); the
//!   message id is the content's SHA-256, so publishing the same input twice within the stream's
//!   duplicate window stores it once.
//! * [`WorkStream::run_worker`]: a durable pull consumer shared by all workers; each input is
//!   prepared (`storyline_pipeline::prepare`: stateless, pure) and every record published to the
//!   analysed stream *before* the input is acknowledged, so a worker that dies loses nothing and
//!   a redelivered input is harmless. Each analysed message names the input's sequence in the
//!   inputs stream and its part (`INDEX/COUNT`; its message id is both, so what a redelivered
//!   input gives again is stored once); an input that gives nothing sends one empty part 0/0.
//!   An input delivered [`MAX_DELIVER`] times (its workers died or timed out on it every time)
//!   is not tried again: it goes to the dead-letter stream `PREFIX_DEAD` with the reason, and its
//!   failure to the analysed stream, so the committer reports it like any bad input.
//! * [`WorkStream::status`]: what is waiting, in flight, dead and not yet committed.
//! * [`WorkStream::run_committer`]: one per store. Workers finish inputs in any order; the
//!   committer holds what they gave in a reorder buffer (bodies up to [`REORDER_BYTES`](reorder::REORDER_BYTES), then
//!   only where each part is) and hands inputs to the one ordered [`Ingestor`](storyline_pipeline::Ingestor) in the order they
//!   were *published*, each once all its parts are there — so what is stored (articles, copies,
//!   stories) is what a one-process `ingest` of the same inputs stores, however many workers ran.
//!   The store keeps the last committed input's sequence in the same transaction as the articles
//!   ([`storyline_store::Cursor`]); what the committed inputs gave is then purged from the
//!   analysed stream, so a restart reads what is left and resumes exactly after the last
//!   committed input, and an article seen twice is stored once. An input that stops coming
//!   (gone from the inputs stream, acknowledged without all its parts, or nothing for
//!   [`GAP_TIMEOUT`](committer::GAP_TIMEOUT)) is given up with a notice, so the buffer never waits forever; what comes
//!   for it later is stored when it comes. A store that fails in a way trying again cures (a
//!   dropped connection) is opened again and the committer goes on from what it committed.
//!
//! The store and the pipeline are synchronous; this crate drives the NATS client on a small
//! tokio runtime of its own, so callers stay synchronous too.
//!
//! Modules by job: this file names the streams and connects ([`WorkStream`]); `publish`,
//! `worker`, `dead_letters`, `committer` (with its `reorder` buffer) and `status` each add the
//! `WorkStream` methods of one job; `outage` rides out outages and stop signals for the
//! long-running ones.

use std::time::Duration;

use async_nats::jetstream::{self, consumer, stream};
use serde::{Deserialize, Serialize};
use storyline_pipeline::PreparedArticle;
use storyline_store::StoreError;

mod committer;
mod dead_letters;
mod outage;
mod publish;
mod reorder;
mod status;
mod worker;

pub use publish::PublishReport;
pub use status::Status;
pub use worker::{WorkerReport, MAX_DELIVER};

/// The header carrying an input's name.
const INPUT_HEADER: &str = "Storyline-Input";

/// The headers of an analysed-stream message carrying the sequence of the input it came from
/// (in the inputs stream), and which part of what that input gave it is (`INDEX/COUNT`).
const INPUT_SEQ_HEADER: &str = "Storyline-Input-Seq";
const PART_HEADER: &str = "Storyline-Part";

/// How long a pull waits for messages before the consumer counts as idle.
const PULL_WAIT: Duration = Duration::from_secs(1);

/// What can go wrong talking to the work stream.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error("work stream {url}: {message}")]
    Nats { url: String, message: String },
    #[error("work stream URL {0:?}: expected nats://HOST:PORT[?prefix=NAME]")]
    BadUrl(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One message of the analysed stream.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Analysed {
    Article(Box<PreparedArticle>),
    Failed { input: String, reason: String },
    Warning(String),
}

/// Where the work stream is: a NATS server and the prefix naming its two streams.
#[derive(Debug, Clone)]
pub struct WorkStream {
    url: String,
    prefix: String,
}

/// When a consumer stops.
#[derive(Debug, Clone, Copy, Default)]
pub struct Until {
    /// Stop once a pull finds the stream empty (for batch runs and tests); otherwise run on.
    pub idle: bool,
    /// Stop after this many messages.
    pub messages: Option<usize>,
}

impl WorkStream {
    /// `nats://HOST:PORT` (streams `STORYLINE_INPUTS` and `STORYLINE_ANALYSED`), or with
    /// `?prefix=NAME` for streams `NAME_INPUTS` and `NAME_ANALYSED` (letters, digits, `_`).
    pub fn parse(url: &str) -> Result<Self, StreamError> {
        let bad = || StreamError::BadUrl(url.to_string());
        if !url.starts_with("nats://") {
            return Err(bad());
        }
        let (server, prefix) = match url.split_once("?prefix=") {
            Some((server, prefix)) => (server, prefix.to_string()),
            None => (url, "STORYLINE".to_string()),
        };
        if prefix.is_empty() || !prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(bad());
        }
        Ok(WorkStream { url: server.to_string(), prefix })
    }

    fn inputs(&self) -> (String, String) {
        (format!("{}_INPUTS", self.prefix), format!("{}.inputs", self.prefix))
    }

    fn analysed(&self) -> (String, String) {
        (format!("{}_ANALYSED", self.prefix), format!("{}.analysed", self.prefix))
    }

    fn dead(&self) -> (String, String) {
        (format!("{}_DEAD", self.prefix), format!("{}.dead", self.prefix))
    }

    /// The durable consumer all workers share.
    fn prepare_durable(&self) -> String {
        format!("{}_prepare", self.prefix)
    }

    /// The committer's cursor name in the store: its position is the sequence of the last
    /// input (in the inputs stream) committed, every input before it committed too.
    fn cursor_name(&self) -> String {
        self.inputs().0
    }

    fn err(&self, e: impl std::fmt::Display) -> StreamError {
        StreamError::Nats { url: self.url.clone(), message: e.to_string() }
    }

    /// Runs `work` on a runtime of its own with a JetStream context, creating the streams first
    /// where they are missing.
    fn run<T>(
        &self,
        work: impl AsyncFnOnce(&jetstream::Context, usize) -> Result<T, StreamError>,
    ) -> Result<T, StreamError> {
        self.connect(true, work)
    }

    /// [`WorkStream::run`], creating the streams only when `create` says so.
    fn connect<T>(
        &self,
        create: bool,
        work: impl AsyncFnOnce(&jetstream::Context, usize) -> Result<T, StreamError>,
    ) -> Result<T, StreamError> {
        // Multi-threaded (with one worker thread), so the committer can leave the runtime to
        // call the synchronous store (`committer::blocking`) while the NATS connection goes on.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| self.err(e))?;
        runtime.block_on(async {
            let client = async_nats::connect(self.url.trim_start_matches("nats://"))
                .await
                .map_err(|e| self.err(e))?;
            let max_payload = client.server_info().max_payload;
            let js = jetstream::new(client.clone());
            let streams =
                if create { vec![self.inputs(), self.analysed(), self.dead()] } else { vec![] };
            for (name, subject) in streams {
                js.get_or_create_stream(stream::Config {
                    name,
                    subjects: vec![subject],
                    duplicate_window: Duration::from_secs(600),
                    ..Default::default()
                })
                .await
                .map_err(|e| self.err(e))?;
            }
            let done = work(&js, max_payload).await;
            // Acknowledgements are buffered: send them before the connection closes, or the
            // server would hand the last inputs out again when their acknowledgement wait ends.
            client.flush().await.map_err(|e| self.err(e))?;
            done
        })
    }

    /// Deletes the work stream's streams (inputs, analysed, dead letters) and all they hold, as
    /// when a finished backfill is torn down; a stream that is not there is no error.
    pub fn delete_streams(&self) -> Result<(), StreamError> {
        self.connect(false, async |js, _| {
            for (name, _) in [self.inputs(), self.analysed(), self.dead()] {
                if js.get_stream(&name).await.is_ok() {
                    js.delete_stream(&name).await.map_err(|e| self.err(e))?;
                }
            }
            Ok(())
        })
    }

    /// Asks for up to `max` messages, waiting at most [`PULL_WAIT`] for them.
    async fn pull(
        &self,
        consumer: &consumer::PullConsumer,
        max: usize,
    ) -> Result<consumer::pull::Batch, StreamError> {
        consumer
            .fetch()
            .max_messages(max)
            .expires(PULL_WAIT)
            .messages()
            .await
            .map_err(|e| self.err(e))
    }
}

/// A header value: no line breaks, bounded.
fn header_safe(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(512).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
