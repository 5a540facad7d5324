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
//!   committer holds what they gave in a reorder buffer (bodies up to [`REORDER_BYTES`], then
//!   only where each part is) and hands inputs to the one ordered [`Ingestor`] in the order they
//!   were *published*, each once all its parts are there — so what is stored (articles, copies,
//!   stories) is what a one-process `ingest` of the same inputs stores, however many workers ran.
//!   The store keeps the last committed input's sequence in the same transaction as the articles
//!   ([`storyline_store::Cursor`]); what the committed inputs gave is then purged from the
//!   analysed stream, so a restart reads what is left and resumes exactly after the last
//!   committed input, and an article seen twice is stored once. An input that stops coming
//!   (gone from the inputs stream, acknowledged without all its parts, or nothing for
//!   [`GAP_TIMEOUT`]) is given up with a notice, so the buffer never waits forever; what comes
//!   for it later is stored when it comes. A store that fails in a way trying again cures (a
//!   dropped connection) is opened again and the committer goes on from what it committed.
//!
//! The store and the pipeline are synchronous; this crate drives the NATS client on a small
//! tokio runtime of its own, so callers stay synchronous too.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use async_nats::jetstream::{self, consumer, stream};
use async_nats::HeaderMap;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use storyline_ingest::{IngestError, Input};
use storyline_pipeline::{Failure, IngestReport, Ingestor, PreparedArticle, Store};
use storyline_store::{Cursor, ErrorKind, StoreError};

/// The header carrying an input's name.
const INPUT_HEADER: &str = "Storyline-Input";
/// The headers of an analysed-stream message carrying the sequence of the input it came from
/// (in the inputs stream), and which part of what that input gave it is (`INDEX/COUNT`).
const INPUT_SEQ_HEADER: &str = "Storyline-Input-Seq";
const PART_HEADER: &str = "Storyline-Part";
/// Bytes of message bodies the committer's reorder buffer holds; past them it keeps only where
/// a part is and reads it again when its turn comes, so a long wait for one input costs a few
/// bytes per later part, not its body.
const REORDER_BYTES: usize = 64 << 20;
/// How often the committer, waiting for one input while later ones are there, asks whether
/// it is still coming.
const GAP_CHECK: Duration = Duration::from_secs(2);
/// How long the committer waits for one input while later ones are there before it commits
/// them without it (longer than the server takes to hand an input out [`MAX_DELIVER`] times).
const GAP_TIMEOUT: Duration = Duration::from_secs(300);
/// How long the committer, idle while inputs published are not all handed over yet (their
/// workers are busy), waits before committing a part-filled batch anyway.
const IDLE_COMMIT: Duration = Duration::from_secs(30);
/// Messages taken per pull.
const PULL: usize = 64;
/// How long a pull waits for messages before the consumer counts as idle.
const PULL_WAIT: Duration = Duration::from_secs(1);
/// An input's delivery count at which it goes to the dead-letter stream instead of a worker
/// (so it gets `MAX_DELIVER − 1` tries).
pub const MAX_DELIVER: i64 = 5;
/// The header carrying why an input went to the dead-letter stream.
const REASON_HEADER: &str = "Storyline-Reason";
/// How long the server waits for a worker's answer before it hands the input to another worker:
/// short, so the input of a worker that died is taken up again soon.
const ACK_WAIT: Duration = Duration::from_secs(30);
/// How long a worker or the committer keeps trying to reach an unreachable work stream.
const OUTAGE_LIMIT: Duration = Duration::from_secs(120);
/// The first and the longest pause between two tries.
const OUTAGE_PAUSE_MIN: Duration = Duration::from_millis(250);
const OUTAGE_PAUSE_MAX: Duration = Duration::from_secs(5);
/// How often a worker still busy with an input tells the server so ("in progress"), which
/// restarts the server's [`ACK_WAIT`] clock: a long input is not handed out twice.
const PROGRESS_EVERY: Duration = Duration::from_secs(10);

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

/// What publishing inputs did.
#[derive(Debug, Default, Serialize)]
pub struct PublishReport {
    pub published: usize,
    /// Inputs the stream already held (same content, within its duplicate window).
    pub duplicates: usize,
    pub failed: Vec<Failure>,
}

/// What a worker did before it stopped.
#[derive(Debug, Default, Serialize)]
pub struct WorkerReport {
    pub inputs: usize,
    pub articles: usize,
    pub failed: usize,
}

/// SIGTERM or SIGINT, once asked for: a worker or the committer stops between two pulls — the
/// worker after acknowledging the input it holds, the committer after committing what it read —
/// so a stopped process hands nothing back half-done.
struct Shutdown {
    #[cfg(unix)]
    signals: Vec<tokio::signal::unix::Signal>,
}

impl Shutdown {
    /// Starts listening (inside the runtime).
    fn listen() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let signals = [SignalKind::terminate(), SignalKind::interrupt()]
                .into_iter()
                .filter_map(|kind| signal(kind).ok())
                .collect();
            Shutdown { signals }
        }
        #[cfg(not(unix))]
        Shutdown {}
    }

    /// Whether a stop signal arrived since listening began (does not wait).
    fn requested(&mut self) -> bool {
        #[cfg(unix)]
        {
            use futures::FutureExt;
            self.signals.iter_mut().any(|s| s.recv().now_or_never().is_some())
        }
        #[cfg(not(unix))]
        false
    }
}

/// The state of a work stream (`storyline status`).
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Status {
    /// Inputs published and not yet taken by a worker.
    pub inputs_waiting: u64,
    /// Inputs a worker took and has not acknowledged yet.
    pub inputs_in_flight: u64,
    /// Pull requests of idle workers waiting for inputs (about the number of idle workers).
    pub workers_waiting: u64,
    /// Inputs moved to the dead-letter stream.
    pub dead_letters: u64,
    /// Sequence number of the last message of the analysed stream.
    pub analysed_last: u64,
    /// Sequence number of the last input published.
    pub inputs_last: u64,
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
        // call the synchronous store ([`blocking`]) while the NATS connection goes on.
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

    /// Publishes every input to the inputs stream (an input over the server's message size limit
    /// is reported as failed, naming the limit).
    pub fn publish_inputs(
        &self,
        inputs: impl IntoIterator<Item = Result<Input, IngestError>>,
    ) -> Result<PublishReport, StreamError> {
        let subject = self.inputs().1;
        self.run(async |js, max_payload| {
            let mut report = PublishReport::default();
            for input in inputs {
                let input = match input {
                    Ok(input) => input,
                    Err(e) => {
                        report.failed.push(e.into());
                        continue;
                    }
                };
                if input.bytes.len() + input.name.len() + 256 > max_payload {
                    report.failed.push(Failure {
                        input: input.name,
                        reason: format!(
                            "larger than the work stream's message limit ({max_payload} bytes)"
                        ),
                    });
                    continue;
                }
                let mut headers = HeaderMap::new();
                headers.insert(INPUT_HEADER, header_safe(&input.name).as_str());
                headers.insert("Nats-Msg-Id", hex(&Sha256::digest(&input.bytes)).as_str());
                let ack = js
                    .publish_with_headers(subject.clone(), headers, input.bytes.into())
                    .await
                    .map_err(|e| self.err(e))?
                    .await
                    .map_err(|e| self.err(e))?;
                if ack.duplicate {
                    report.duplicates += 1;
                } else {
                    report.published += 1;
                }
            }
            Ok(report)
        })
    }

    /// Prepares inputs from the inputs stream and publishes what they give to the analysed
    /// stream, until `until` says stop.
    pub fn run_worker(&self, until: Until) -> Result<WorkerReport, StreamError> {
        let analysed = self.analysed().1;
        self.run(async |js, max_payload| {
            let mut consumer = None;
            let mut report = WorkerReport::default();
            let mut shutdown = Shutdown::listen();
            let mut outage = Outage::new();
            loop {
                let pulled = async {
                    let consumer = match &consumer {
                        Some(c) => c,
                        None => consumer.insert(self.prepare_consumer(js).await?),
                    };
                    let mut batch = self.pull(consumer, 1).await?;
                    let mut got = 0;
                    while let Some(message) = batch.next().await {
                        let message = message.map_err(|e| self.err(e))?;
                        got += 1;
                        self.prepare_input(js, &analysed, &message, max_payload, &mut report)
                            .await?;
                    }
                    Ok(got)
                }
                .await;
                let got = match pulled {
                    Ok(got) => {
                        outage.over();
                        got
                    }
                    Err(e) => {
                        // The input in hand, unacknowledged, comes back after the wait.
                        consumer = None;
                        outage.wait(e).await?;
                        continue;
                    }
                };
                if (got == 0 && until.idle)
                    || until.messages.is_some_and(|n| report.inputs >= n)
                    || shutdown.requested()
                {
                    return Ok(report);
                }
            }
        })
    }

    /// Prepares one input and publishes what it gives, then acknowledges it; an input delivered
    /// [`MAX_DELIVER`] times goes to the dead letters instead.
    async fn prepare_input(
        &self,
        js: &jetstream::Context,
        analysed: &str,
        message: &jetstream::Message,
        max_payload: usize,
        report: &mut WorkerReport,
    ) -> Result<(), StreamError> {
        let name = message
            .headers
            .as_ref()
            .and_then(|h| h.get(INPUT_HEADER))
            .map_or("(unnamed input)".to_string(), |v| v.as_str().to_string());
        let info = message.info().map_err(|e| self.err(e))?;
        let (delivered, seq) = (info.delivered, info.stream_sequence);
        if delivered >= MAX_DELIVER {
            let reason = format!(
                "taken by a worker {} times without an answer (the worker died or timed out \
                 each time); moved to the dead-letter stream {}",
                delivered - 1,
                self.dead().0
            );
            self.dead_letter(js, message, &reason).await?;
            let failed = Analysed::Failed { input: name, reason };
            self.publish_analysed(
                js,
                analysed,
                Part { input: seq, index: 0, of: 1 },
                Some(&failed),
                max_payload,
            )
            .await?;
            message.ack().await.map_err(|e| self.err(e))?;
            report.failed += 1;
            report.inputs += 1;
            return Ok(());
        }
        let input = Input { name, bytes: message.payload.to_vec() };
        let mut progress = Progress::new(message);
        let prepared = progress
            .during(tokio::task::spawn_blocking(move || prepared_messages(&input)))
            .await
            .map_err(|e| self.err(e))?
            .map_err(|e| self.err(e))?;
        let of = prepared.len() as u32;
        if of == 0 {
            // Nothing to commit, but the committer must know this input is done.
            let part = Part { input: seq, index: 0, of: 0 };
            self.publish_analysed(js, analysed, part, None, max_payload).await?;
        }
        for (index, out) in prepared.iter().enumerate() {
            let counted = match out {
                Analysed::Article(_) => &mut report.articles,
                Analysed::Failed { .. } => &mut report.failed,
                Analysed::Warning(_) => &mut 0,
            };
            *counted += 1;
            let part = Part { input: seq, index: index as u32, of };
            self.publish_analysed(js, analysed, part, Some(out), max_payload).await?;
            progress.tick().await.map_err(|e| self.err(e))?;
        }
        message.ack().await.map_err(|e| self.err(e))?;
        report.inputs += 1;
        Ok(())
    }

    /// The durable pull consumer of the inputs stream that all workers share.
    async fn prepare_consumer(
        &self,
        js: &jetstream::Context,
    ) -> Result<consumer::PullConsumer, StreamError> {
        let durable = self.prepare_durable();
        let config = consumer::pull::Config {
            durable_name: Some(durable.clone()),
            ack_policy: consumer::AckPolicy::Explicit,
            ack_wait: ACK_WAIT,
            max_ack_pending: 64,
            max_deliver: MAX_DELIVER,
            ..Default::default()
        };
        let stream = js.get_stream(&self.inputs().0).await.map_err(|e| self.err(e))?;
        let mut consumer: consumer::PullConsumer = stream
            .get_or_create_consumer(&durable, config.clone())
            .await
            .map_err(|e| self.err(e))?;
        // A consumer made by an earlier version keeps its settings until they are updated.
        if consumer.cached_info().config.ack_wait != ACK_WAIT {
            consumer = stream.update_consumer(config).await.map_err(|e| self.err(e))?;
        }
        Ok(consumer)
    }

    /// Copies an input to the dead-letter stream with its name and the reason in headers.
    async fn dead_letter(
        &self,
        js: &jetstream::Context,
        message: &jetstream::Message,
        reason: &str,
    ) -> Result<(), StreamError> {
        let mut headers = message.headers.clone().unwrap_or_default();
        headers.insert(REASON_HEADER, header_safe(reason).as_str());
        js.publish_with_headers(self.dead().1, headers, message.payload.clone())
            .await
            .map_err(|e| self.err(e))?
            .await
            .map_err(|e| self.err(e))?;
        Ok(())
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

    /// What is waiting, in flight and dead in the work stream.
    /// A probe: it creates nothing, so asking about a mistyped stream is an error, not a new
    /// empty stream.
    pub fn status(&self) -> Result<Status, StreamError> {
        self.connect(false, async |js, _| {
            let stream_state = async |name: String| {
                let mut stream = js.get_stream(&name).await.map_err(|e| {
                    self.err(format!("no stream {name} ({e}): nothing was published here yet"))
                })?;
                stream.info().await.map(|i| i.state.clone()).map_err(|e| self.err(e))
            };
            let inputs = stream_state(self.inputs().0).await?;
            let dead = stream_state(self.dead().0).await?;
            let analysed = stream_state(self.analysed().0).await?;
            let stream = js.get_stream(&self.inputs().0).await.map_err(|e| self.err(e))?;
            let mut status = Status {
                inputs_waiting: inputs.messages,
                dead_letters: dead.messages,
                analysed_last: analysed.last_sequence,
                inputs_last: inputs.last_sequence,
                ..Status::default()
            };
            // No worker has run yet when the workers' consumer is missing: every input waits.
            let durable = self.prepare_durable();
            if let Ok(mut consumer) = stream.get_consumer::<consumer::pull::Config>(&durable).await
            {
                let info = consumer.info().await.map_err(|e| self.err(e))?;
                status.inputs_waiting = info.num_pending;
                status.inputs_in_flight = info.num_ack_pending as u64;
                status.workers_waiting = info.num_waiting as u64;
            }
            Ok(status)
        })
    }

    /// How many inputs published the committer of `store` has not committed yet, with the
    /// stream status.
    pub fn committer_lag(&self, store: &dyn Store, status: &Status) -> Result<u64, StreamError> {
        let done = store.cursor(&self.cursor_name())?.unwrap_or(0);
        Ok(status.inputs_last.saturating_sub(done))
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

    /// Publishes one message of the analysed stream — part `part` of what an input gave, or
    /// with `None` the one message of an input that gave nothing — waiting for the server to
    /// store it. Its message id is the input's sequence and the part's index, so what a
    /// redelivered input gives again is stored once. An article too large for one message is
    /// published as its failure.
    async fn publish_analysed(
        &self,
        js: &jetstream::Context,
        subject: &str,
        part: Part,
        message: Option<&Analysed>,
        max_payload: usize,
    ) -> Result<(), StreamError> {
        let mut payload = match message {
            Some(m) => serde_json::to_vec(m).expect("messages always serialise"),
            None => Vec::new(),
        };
        if payload.len() + 256 > max_payload {
            let Some(Analysed::Article(a)) = message else { return Ok(()) };
            let failed = Analysed::Failed {
                input: a.article.input_id.clone().unwrap_or_else(|| a.article.id.to_string()),
                reason: format!("analysed article larger than the work stream's message limit ({max_payload} bytes)"),
            };
            payload = serde_json::to_vec(&failed).expect("messages always serialise");
        }
        let mut headers = HeaderMap::new();
        let id = format!("{}.{}", part.input, part.index);
        headers.insert("Nats-Msg-Id", id.as_str());
        headers.insert(INPUT_SEQ_HEADER, part.input.to_string().as_str());
        headers.insert(PART_HEADER, format!("{}/{}", part.index, part.of).as_str());
        js.publish_with_headers(subject.to_string(), headers, payload.into())
            .await
            .map_err(|e| self.err(e))?
            .await
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Hands one analysed-stream message (at `position`) to the ordered committer.
    fn commit_message(
        &self,
        ingestor: &mut Ingestor<'_>,
        position: u64,
        payload: &[u8],
    ) -> Result<(), StreamError> {
        match serde_json::from_slice::<Analysed>(payload) {
            Ok(Analysed::Article(prepared)) => {
                ingestor.add_prepared(*prepared)?;
            }
            Ok(Analysed::Failed { input, reason }) => ingestor.fail(Failure { input, reason }),
            Ok(Analysed::Warning(w)) => ingestor.warn(w),
            Err(e) => ingestor.fail(Failure {
                input: format!("{} message {position}", self.analysed().0),
                reason: format!("not a Storyline work-stream message: {e}"),
            }),
        }
        Ok(())
    }

    /// Commits what the workers made of the inputs to `store`, input by input in the order the
    /// inputs were published (whatever order the workers finished them in), from where the
    /// store's cursor says the last run stopped, until `until` says stop.
    ///
    /// A store that fails in a way trying again can cure (its connection dropped, its server
    /// restarting: [`ErrorKind::Unavailable`]) is opened again and the committer goes on from
    /// what it committed, as a restarted committer would, for up to [`OUTAGE_LIMIT`]; any
    /// other store error ends the run.
    pub fn run_committer(
        &self,
        store: &dyn Store,
        until: Until,
    ) -> Result<IngestReport, StreamError> {
        self.run(async |js, _| {
            let mut shutdown = Shutdown::listen();
            let (mut stream_outage, mut store_outage) = (Outage::new(), Outage::new());
            let mut seen = 0;
            let mut report = IngestReport::default();
            loop {
                let mut session = match blocking(|| Session::open(store, self.cursor_name())) {
                    Ok(session) => session,
                    Err(e) => {
                        store_outage.wait(e.into()).await?;
                        continue;
                    }
                };
                let consumed = loop {
                    let outages = (&mut stream_outage, &mut store_outage);
                    match self
                        .consume(js, &mut session, until, &mut seen, &mut shutdown, outages)
                        .await
                    {
                        Ok(()) => break self.finish(js, &mut session).await,
                        Err(e @ StreamError::Store(_)) => break Err(e),
                        Err(e) => stream_outage.wait(e).await?,
                    }
                };
                match consumed {
                    Ok(()) => {
                        merge(&mut report, blocking(|| session.take().finish())?);
                        return Ok(report);
                    }
                    Err(e) => {
                        merge(&mut report, blocking(|| session.take().abandon()));
                        store_outage.wait(e).await?;
                    }
                }
            }
        })
    }

    /// Reads the analysed stream into `session`'s reorder buffer and hands every input that is
    /// next in order to its ingestor, until `until` (or a stop signal) says stop.
    async fn consume(
        &self,
        js: &jetstream::Context,
        session: &mut Session<'_>,
        until: Until,
        seen: &mut usize,
        shutdown: &mut Shutdown,
        (stream_outage, store_outage): (&mut Outage, &mut Outage),
    ) -> Result<(), StreamError> {
        let analysed = js.get_stream(&self.analysed().0).await.map_err(|e| self.err(e))?;
        let mut inputs = js.get_stream(&self.inputs().0).await.map_err(|e| self.err(e))?;
        // An ephemeral consumer without acknowledgements: the store, not the server, remembers
        // how far the committer got. It starts after the last message read (at the start of what
        // is left of the stream for a new session: what was committed is purged).
        let consumer: consumer::PullConsumer = analysed
            .create_consumer(consumer::pull::Config {
                deliver_policy: consumer::DeliverPolicy::ByStartSequence {
                    start_sequence: session.reorder.unread.max(1),
                },
                ack_policy: consumer::AckPolicy::None,
                ..Default::default()
            })
            .await
            .map_err(|e| self.err(e))?;
        loop {
            let mut batch = self.pull(&consumer, PULL).await?;
            stream_outage.over();
            let mut got = 0;
            while let Some(message) = batch.next().await {
                let message = message.map_err(|e| self.err(e))?;
                let position = message.info().map_err(|e| self.err(e))?.stream_sequence;
                got += 1;
                *seen += 1;
                session.reorder.unread = position + 1;
                // The store is synchronous (PostgreSQL's client runs a runtime of its own).
                blocking(|| -> Result<(), StreamError> {
                    match Part::of_message(message.headers.as_ref()) {
                        Some(part) if part.input >= session.reorder.next => {
                            session.reorder.insert(part, position, message.payload.clone());
                        }
                        // What came for an input handed over already: read again after a restart
                        // (its articles are stored; they are recognised), or come late for an
                        // input given up on (stored now, out of order).
                        Some(part) if session.given_up.contains(&part.input) => {
                            self.commit_message(session.ingestor(), position, &message.payload)?;
                        }
                        Some(_) => {
                            if let Ok(Analysed::Article(prepared)) =
                                serde_json::from_slice::<Analysed>(&message.payload)
                            {
                                session.ingestor().add_prepared(*prepared)?;
                            }
                        }
                        // Not a worker's message (or an earlier version's): reported as such.
                        None => {
                            self.commit_message(session.ingestor(), position, &message.payload)?
                        }
                    }
                    Ok(())
                })?;
                if until.messages.is_some_and(|n| *seen >= n) {
                    break;
                }
            }
            self.release(&analysed, session).await?;
            if got > 0 {
                session.idle_since = None;
            }
            let idle_since = *session.idle_since.get_or_insert_with(std::time::Instant::now);
            if !session.reorder.inputs.is_empty() {
                let input = session.reorder.next;
                let stall = match &mut session.stall {
                    Some(stall) if stall.input == input => stall,
                    stall => stall.insert(Stall::new(input)),
                };
                if got == 0 || stall.checked.elapsed() >= GAP_CHECK {
                    stall.checked = std::time::Instant::now();
                    let since = stall.since;
                    if let Some(reason) = self.gap(&analysed, &inputs, session, since).await? {
                        self.give_up(&analysed, session, &reason).await?;
                        self.release(&analysed, session).await?;
                    }
                }
            }
            if got == 0 {
                // Idle. A part-filled batch is committed now (and the store's writer lock left
                // free for another writer until the next message) when every input published so
                // far has been handed over — so the batches, and with them the stories, are
                // those of a one-process ingest of the same inputs — or when nothing came for
                // IDLE_COMMIT.
                let published = inputs.info().await.map_err(|e| self.err(e))?.state.last_sequence;
                if published < session.reorder.next || idle_since.elapsed() >= IDLE_COMMIT {
                    blocking(|| session.ingestor().unlock())?;
                }
            }
            self.purge(&analysed, session).await?;
            if session.ingestor().saved_cursor().is_some() {
                // This session has committed: a store failure from now on is a new outage.
                store_outage.over();
            }
            if (got == 0 && until.idle)
                || until.messages.is_some_and(|n| *seen >= n)
                || shutdown.requested()
            {
                return Ok(());
            }
        }
    }

    /// Commits what the session holds and purges what that committed from the analysed stream.
    async fn finish(
        &self,
        js: &jetstream::Context,
        session: &mut Session<'_>,
    ) -> Result<(), StreamError> {
        blocking(|| session.ingestor().commit())?;
        let analysed = js.get_stream(&self.analysed().0).await.map_err(|e| self.err(e))?;
        self.purge(&analysed, session).await
    }

    /// Hands every input whose parts are all there and that is next in order to the ingestor.
    async fn release(
        &self,
        analysed: &stream::Stream,
        session: &mut Session<'_>,
    ) -> Result<(), StreamError> {
        while session.reorder.ready() {
            self.load(analysed, &mut session.reorder).await?;
            let (input, parts) = session.reorder.take_next();
            blocking(|| self.hand_over(session, input, parts))?;
        }
        Ok(())
    }

    /// Reads again the bodies of the next input's parts that the buffer did not keep, before
    /// any of them goes to the ingestor (so a stream error cannot leave an input half-given).
    async fn load(
        &self,
        analysed: &stream::Stream,
        reorder: &mut Reorder,
    ) -> Result<(), StreamError> {
        let Some((_, parts)) = reorder.inputs.get_mut(&reorder.next) else { return Ok(()) };
        for held in parts.values_mut().filter(|h| h.body.is_none()) {
            let message = analysed.get_raw_message(held.seq).await.map_err(|e| self.err(e))?;
            reorder.bytes += message.payload.len();
            held.body = Some(message.payload);
        }
        Ok(())
    }

    /// Adds the parts of one input (their bodies [`WorkStream::load`]ed) to the ingestor, the
    /// input's position going with the last (so it is saved in the same transaction as the
    /// input's last article).
    fn hand_over(
        &self,
        session: &mut Session<'_>,
        input: u64,
        parts: Vec<Held>,
    ) -> Result<(), StreamError> {
        // Where a restart after this input is committed must read the analysed stream from.
        let mark = session.reorder.low_water();
        let cursor = Cursor { name: session.cursor.clone(), position: input };
        let count = parts.len();
        if count == 0 {
            session.ingestor().set_cursor(cursor.clone());
        }
        for (i, held) in parts.into_iter().enumerate() {
            let body = held.body.unwrap_or_default();
            if i + 1 == count {
                session.ingestor().set_cursor(cursor.clone());
            }
            self.commit_message(session.ingestor(), held.seq, &body)?;
        }
        session.marks.push_back((input, mark));
        Ok(())
    }

    /// Why the committer should stop waiting for input `session.reorder.next` (waited for
    /// since `since`), if it should: the input is gone from the inputs stream; or a worker
    /// acknowledged it and the analysed stream, read to its end, does not hold all it gave;
    /// or nothing has come for it in [`GAP_TIMEOUT`] (its last worker died on its last
    /// delivery, say).
    async fn gap(
        &self,
        analysed: &stream::Stream,
        inputs: &stream::Stream,
        session: &Session<'_>,
        since: std::time::Instant,
    ) -> Result<Option<String>, StreamError> {
        let input = session.reorder.next;
        match inputs.get_raw_message(input).await {
            Ok(_) => {}
            Err(e) if matches!(e.kind(), stream::LastRawMessageErrorKind::NoMessageFound) => {
                return Ok(Some("it is no longer in the inputs stream".into()));
            }
            Err(e) => return Err(self.err(e)),
        }
        let durable = self.prepare_durable();
        if let Ok(mut consumer) = inputs.get_consumer::<consumer::pull::Config>(&durable).await {
            let floor = consumer.info().await.map_err(|e| self.err(e))?.ack_floor.stream_sequence;
            if floor >= input {
                // Its worker published all it gave before acknowledging it.
                let mut analysed = analysed.clone();
                let last = analysed.info().await.map_err(|e| self.err(e))?.state.last_sequence;
                if session.reorder.unread > last {
                    return Ok(Some(
                        "a worker finished it but the analysed stream does not hold all it gave"
                            .into(),
                    ));
                }
            }
        }
        if since.elapsed() >= GAP_TIMEOUT {
            return Ok(Some(format!("nothing came for it in {} s", GAP_TIMEOUT.as_secs())));
        }
        Ok(None)
    }

    /// Stops waiting for the next input: what came for it is handed over as it is, the inputs
    /// after it go on, and what comes for it later is stored when it comes.
    async fn give_up(
        &self,
        analysed: &stream::Stream,
        session: &mut Session<'_>,
        reason: &str,
    ) -> Result<(), StreamError> {
        self.load(analysed, &mut session.reorder).await?;
        let (input, parts) = session.reorder.take_next();
        let notice = format!(
            "input {input} of {}: {reason}; committing the inputs after it without it",
            self.inputs().0
        );
        eprintln!("warning: {}", header_safe(&notice));
        session.ingestor().warn(notice);
        session.given_up.insert(input);
        session.stall = None;
        blocking(|| self.hand_over(session, input, parts))
    }

    /// Removes from the analysed stream what the committed inputs no longer need: everything
    /// before the low-water mark noted when the last committed input was handed over.
    async fn purge(
        &self,
        analysed: &stream::Stream,
        session: &mut Session<'_>,
    ) -> Result<(), StreamError> {
        let Some(saved) = session.ingestor().saved_cursor() else { return Ok(()) };
        let mut upto = None;
        while let Some(&(input, mark)) = session.marks.front() {
            if input > saved {
                break;
            }
            upto = Some(mark);
            session.marks.pop_front();
        }
        if let Some(mark) = upto.filter(|&m| m > session.purged) {
            analysed.purge().sequence(mark).await.map_err(|e| self.err(e))?;
            session.purged = mark;
        }
        Ok(())
    }
}

/// Adds what one committer session did to the run's report.
fn merge(report: &mut IngestReport, more: IngestReport) {
    report.ingested += more.ingested;
    report.duplicates += more.duplicates;
    report.already_stored += more.already_stored;
    report.failed.extend(more.failed);
    report.warnings.extend(more.warnings);
    report.articles.extend(more.articles);
    report.stories.extend(more.stories);
    report.stories.sort();
    report.stories.dedup();
}

/// One part of what a worker made of one input, from its message's headers: the input's
/// sequence in the inputs stream, the part's index and how many parts the input gave (an
/// input that gave nothing sends one message, part 0 of 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Part {
    input: u64,
    index: u32,
    of: u32,
}

impl Part {
    fn of_message(headers: Option<&HeaderMap>) -> Option<Part> {
        let headers = headers?;
        let input = headers.get(INPUT_SEQ_HEADER)?.as_str().parse().ok()?;
        let (index, of) = headers.get(PART_HEADER)?.as_str().split_once('/')?;
        let (index, of) = (index.parse().ok()?, of.parse().ok()?);
        (index < of || (index, of) == (0, 0)).then_some(Part { input, index, of })
    }
}

/// A part held in the reorder buffer: its analysed-stream sequence, and its body unless the
/// buffer was over [`REORDER_BYTES`] when it came (then it is read again when handed over).
struct Held {
    seq: u64,
    body: Option<bytes::Bytes>,
}

/// The committer's reorder buffer: what the workers gave for inputs from the next one to hand
/// over on, held until every part of the next input is there.
#[derive(Default)]
struct Reorder {
    /// The next input to hand over (one past the committed position).
    next: u64,
    /// Per input: how many parts it has, and those that came.
    inputs: BTreeMap<u64, (u32, BTreeMap<u32, Held>)>,
    /// The analysed-stream sequences of the parts held.
    seqs: BTreeSet<u64>,
    /// Bytes of the bodies held.
    bytes: usize,
    /// The analysed-stream sequence after the last message read.
    unread: u64,
}

impl Reorder {
    fn insert(&mut self, part: Part, seq: u64, body: bytes::Bytes) {
        let (_, parts) =
            self.inputs.entry(part.input).or_insert_with(|| (part.of, BTreeMap::new()));
        if parts.contains_key(&part.index) {
            return; // published twice (a redelivered input, past the duplicate window)
        }
        let body = (self.bytes + body.len() <= REORDER_BYTES).then_some(body);
        self.bytes += body.as_ref().map_or(0, |b| b.len());
        parts.insert(part.index, Held { seq, body });
        self.seqs.insert(seq);
    }

    /// Whether all the parts of the next input are there.
    fn ready(&self) -> bool {
        self.inputs.get(&self.next).is_some_and(|(of, parts)| parts.len() >= *of as usize)
    }

    /// The next input and its parts that are there (all of them when it is [`Reorder::ready`]),
    /// in order; the input after it is next.
    fn take_next(&mut self) -> (u64, Vec<Held>) {
        let input = self.next;
        self.next += 1;
        let Some((of, parts)) = self.inputs.remove(&input) else { return (input, Vec::new()) };
        for held in parts.values() {
            self.seqs.remove(&held.seq);
            self.bytes -= held.body.as_ref().map_or(0, |b| b.len());
        }
        // Part 0 of 0 (an input that gave nothing) carries nothing to commit.
        let parts = if of == 0 { Vec::new() } else { parts.into_values().collect() };
        (input, parts)
    }

    /// The first analysed-stream sequence still needed: that of the oldest part held, or the
    /// next message to read.
    fn low_water(&self) -> u64 {
        self.seqs.first().copied().unwrap_or(self.unread)
    }
}

/// How long the committer has waited for one input while later ones were there.
struct Stall {
    input: u64,
    since: std::time::Instant,
    checked: std::time::Instant,
}

impl Stall {
    fn new(input: u64) -> Self {
        let now = std::time::Instant::now();
        Stall { input, since: now, checked: now }
    }
}

/// A committer's state from where the store's cursor stood when it was opened: thrown away,
/// uncommitted work and all, when the store fails.
struct Session<'s> {
    /// Taken when the session ends ([`Session::take`]).
    ingestor: Option<Ingestor<'s>>,
    /// The store cursor's name.
    cursor: String,
    reorder: Reorder,
    /// Per input handed over and not yet known to be committed: the analysed-stream sequence
    /// everything before which is committed once it is.
    marks: VecDeque<(u64, u64)>,
    /// Where the analysed stream was purged up to (exclusive).
    purged: u64,
    stall: Option<Stall>,
    /// Since when pulls have found nothing.
    idle_since: Option<std::time::Instant>,
    /// Inputs the committer stopped waiting for in this session.
    given_up: BTreeSet<u64>,
}

impl<'s> Session<'s> {
    fn open(store: &'s dyn Store, cursor: String) -> Result<Self, StoreError> {
        let committed = store.cursor(&cursor)?.unwrap_or(0);
        let ingestor = Some(Ingestor::open(store)?);
        Ok(Session {
            ingestor,
            cursor,
            reorder: Reorder { next: committed + 1, unread: 1, ..Reorder::default() },
            marks: VecDeque::new(),
            purged: 0,
            stall: None,
            idle_since: None,
            given_up: BTreeSet::new(),
        })
    }

    fn ingestor(&mut self) -> &mut Ingestor<'s> {
        self.ingestor.as_mut().expect("a session's ingestor until it ends")
    }

    /// Ends the session: its ingestor, to finish or abandon.
    fn take(&mut self) -> Ingestor<'s> {
        self.ingestor.take().expect("a session ends once")
    }
}

impl Drop for Session<'_> {
    /// A session dropped on an error still holds its ingestor (and the store's writer lock):
    /// dropped outside the runtime, as a PostgreSQL client must be.
    fn drop(&mut self) {
        if let Some(ingestor) = self.ingestor.take() {
            blocking(|| drop(ingestor));
        }
    }
}

/// Runs `f`, which may block on the store, outside the runtime's context: PostgreSQL's
/// synchronous client runs a runtime of its own, which cannot start inside another.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

/// Failures to reach the work stream in a row (its server restarting, the network down): tried
/// again after a pause that grows to [`OUTAGE_PAUSE_MAX`], each said on stderr, until
/// [`OUTAGE_LIMIT`] has passed since the first; then the last error is the answer. A store
/// error is tried again only when it says trying again can cure it ([`ErrorKind::Unavailable`]:
/// a connection lost, a server restarting), never for a write the store refused.
struct Outage {
    since: Option<std::time::Instant>,
    pause: Duration,
}

impl Outage {
    fn new() -> Self {
        Outage { since: None, pause: OUTAGE_PAUSE_MIN }
    }

    /// The stream answered: the next failure starts a new outage.
    fn over(&mut self) {
        *self = Outage::new();
    }

    /// Waits before the next try, or gives `e` back when the outage has lasted too long.
    async fn wait(&mut self, e: StreamError) -> Result<(), StreamError> {
        if matches!(&e, StreamError::Store(s) if s.kind != ErrorKind::Unavailable) {
            return Err(e);
        }
        let since = *self.since.get_or_insert_with(std::time::Instant::now);
        if since.elapsed() >= OUTAGE_LIMIT {
            return Err(e);
        }
        let e = header_safe(&e.to_string());
        eprintln!("warning: {e}; trying again in {:.1} s", self.pause.as_secs_f32());
        tokio::time::sleep(self.pause).await;
        self.pause = (self.pause * 2).min(OUTAGE_PAUSE_MAX);
        Ok(())
    }
}

/// Tells the server a worker is still busy with one input, at most every [`PROGRESS_EVERY`].
struct Progress<'a> {
    message: &'a jetstream::Message,
    last: tokio::time::Instant,
}

impl<'a> Progress<'a> {
    fn new(message: &'a jetstream::Message) -> Self {
        Progress { message, last: tokio::time::Instant::now() }
    }

    /// Says "in progress" if [`PROGRESS_EVERY`] has passed since it last did.
    async fn tick(&mut self) -> Result<(), async_nats::Error> {
        if self.last.elapsed() >= PROGRESS_EVERY {
            self.message.ack_with(jetstream::AckKind::Progress).await?;
            self.last = tokio::time::Instant::now();
        }
        Ok(())
    }

    /// Awaits `work`, saying "in progress" every [`PROGRESS_EVERY`] until it ends.
    async fn during<T>(
        &mut self,
        work: impl std::future::Future<Output = T>,
    ) -> Result<T, async_nats::Error> {
        let mut work = std::pin::pin!(work);
        loop {
            let next = self.last + PROGRESS_EVERY;
            tokio::select! {
                done = &mut work => return Ok(done),
                _ = tokio::time::sleep_until(next) => self.tick().await?,
            }
        }
    }
}

/// The analysed-stream messages of one input: its articles, failures and warnings.
fn prepared_messages(input: &Input) -> Vec<Analysed> {
    let prepared = storyline_pipeline::prepare(input);
    let mut out: Vec<Analysed> = prepared.warnings.into_iter().map(Analysed::Warning).collect();
    for record in prepared.records {
        out.push(match record {
            Ok(article) => Analysed::Article(Box::new(article)),
            Err(e) => Analysed::Failed { input: e.input, reason: e.reason },
        });
    }
    out
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
