//! The work stream: NATS JetStream between the machines of a distributed Storyline.
//!
//! ```text
//!  ingest --to nats://…  ──▶  PREFIX_INPUTS  ──▶  worker (any number: parse + analyse + features)
//!                                                   │
//!                                                   ▼
//!                             PREFIX_ANALYSED ──▶  committer (one, in stream order) ──▶ store
//! ```
//!
//! * [`WorkStream::publish_inputs`]: every input becomes one message (its name in a header); the
//!   message id is the content's SHA-256, so publishing the same input twice within the stream's
//!   duplicate window stores it once.
//! * [`WorkStream::run_worker`]: a durable pull consumer shared by all workers; each input is
//!   prepared (`storyline_pipeline::prepare`: stateless, pure) and every record published to the
//!   analysed stream (message id: the article id) *before* the input is acknowledged, so a
//!   worker that dies loses nothing and a redelivered input is harmless.
//!   An input delivered [`MAX_DELIVER`] times (its workers died or timed out on it every time)
//!   is not tried again: it goes to the dead-letter stream `PREFIX_DEAD` with the reason, and its
//!   failure to the analysed stream, so the committer reports it like any bad input.
//! * [`WorkStream::status`]: what is waiting, in flight, dead and not yet committed.
//! * [`WorkStream::run_committer`]: reads the analysed stream in sequence order from where the
//!   store says it stopped (the store keeps the stream position in the same transaction as the
//!   articles, [`storyline_store::Cursor`]), and feeds the one ordered [`Ingestor`]; a restart
//!   resumes exactly after the last committed message, and an article seen twice is stored once.
//!
//! The store and the pipeline are synchronous; this crate drives the NATS client on a small
//! tokio runtime of its own, so callers stay synchronous too.

use std::time::Duration;

use async_nats::jetstream::{self, consumer, stream};
use async_nats::HeaderMap;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use storyline_ingest::{IngestError, Input};
use storyline_pipeline::{Failure, IngestReport, Ingestor, PreparedArticle, Store};
use storyline_store::{Cursor, StoreError};

/// The header carrying an input's name.
const INPUT_HEADER: &str = "Storyline-Input";
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

    /// The committer's cursor name in the store.
    fn cursor_name(&self) -> String {
        self.analysed().0
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
        let runtime = tokio::runtime::Builder::new_current_thread()
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
        let delivered = message.info().map_err(|e| self.err(e))?.delivered;
        if delivered >= MAX_DELIVER {
            let reason = format!(
                "taken by a worker {} times without an answer (the worker died or timed out \
                 each time); moved to the dead-letter stream {}",
                delivered - 1,
                self.dead().0
            );
            self.dead_letter(js, message, &reason).await?;
            let failed = Analysed::Failed { input: name, reason };
            self.publish_analysed(js, analysed, &failed, max_payload).await?;
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
        for out in prepared {
            let counted = match &out {
                Analysed::Article(_) => &mut report.articles,
                Analysed::Failed { .. } => &mut report.failed,
                Analysed::Warning(_) => &mut 0,
            };
            *counted += 1;
            self.publish_analysed(js, analysed, &out, max_payload).await?;
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

    /// How far the committer of `store` is behind the analysed stream, with the stream status.
    pub fn committer_lag(&self, store: &dyn Store, status: &Status) -> Result<u64, StreamError> {
        let done = store.cursor(&self.cursor_name())?.unwrap_or(0);
        Ok(status.analysed_last.saturating_sub(done))
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

    /// Publishes one message of the analysed stream, waiting for the server to store it. An
    /// article too large for one message is published as its failure.
    async fn publish_analysed(
        &self,
        js: &jetstream::Context,
        subject: &str,
        message: &Analysed,
        max_payload: usize,
    ) -> Result<(), StreamError> {
        let mut payload = serde_json::to_vec(message).expect("messages always serialise");
        let mut id = match message {
            Analysed::Article(a) => format!("a:{}", a.article.id),
            _ => format!("n:{}", hex(&Sha256::digest(&payload))),
        };
        if payload.len() + 256 > max_payload {
            let Analysed::Article(a) = message else { return Ok(()) };
            let failed = Analysed::Failed {
                input: a.article.input_id.clone().unwrap_or_else(|| a.article.id.clone()),
                reason: format!("analysed article larger than the work stream's message limit ({max_payload} bytes)"),
            };
            payload = serde_json::to_vec(&failed).expect("messages always serialise");
            id = format!("n:{}", hex(&Sha256::digest(&payload)));
        }
        let mut headers = HeaderMap::new();
        headers.insert("Nats-Msg-Id", id.as_str());
        js.publish_with_headers(subject.to_string(), headers, payload.into())
            .await
            .map_err(|e| self.err(e))?
            .await
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Hands one analysed-stream message to the ordered committer.
    fn commit_message(
        &self,
        ingestor: &mut Ingestor<'_>,
        analysed: &str,
        position: u64,
        message: &jetstream::Message,
    ) -> Result<(), StreamError> {
        match serde_json::from_slice::<Analysed>(&message.payload) {
            Ok(Analysed::Article(prepared)) => {
                ingestor.add_prepared(*prepared)?;
            }
            Ok(Analysed::Failed { input, reason }) => ingestor.fail(Failure { input, reason }),
            Ok(Analysed::Warning(w)) => ingestor.warn(w),
            Err(e) => ingestor.fail(Failure {
                input: format!("{analysed} message {position}"),
                reason: format!("not a Storyline work-stream message: {e}"),
            }),
        }
        Ok(())
    }

    /// Commits the analysed stream to `store` in stream order, from where the store's cursor
    /// says the last run stopped, until `until` says stop.
    pub fn run_committer(
        &self,
        store: &dyn Store,
        until: Until,
    ) -> Result<IngestReport, StreamError> {
        let (analysed, _) = self.analysed();
        let cursor = self.cursor_name();
        let start = store.cursor(&cursor)?.unwrap_or(0) + 1;
        let mut ingestor = Ingestor::open(store)?;
        self.run(async |js, _| {
            let mut next = start;
            let mut seen = 0;
            let mut shutdown = Shutdown::listen();
            let mut outage = Outage::new();
            loop {
                let consumed = async {
                    // An ephemeral consumer without acknowledgements: the store, not the
                    // server, remembers how far the committer got. After an outage a new one
                    // starts after the last message read.
                    let consumer: consumer::PullConsumer = js
                        .get_stream(&analysed)
                        .await
                        .map_err(|e| self.err(e))?
                        .create_consumer(consumer::pull::Config {
                            deliver_policy: consumer::DeliverPolicy::ByStartSequence {
                                start_sequence: next,
                            },
                            ack_policy: consumer::AckPolicy::None,
                            ..Default::default()
                        })
                        .await
                        .map_err(|e| self.err(e))?;
                    loop {
                        let mut batch = self.pull(&consumer, PULL).await?;
                        outage.over();
                        let mut got = 0;
                        while let Some(message) = batch.next().await {
                            let message = message.map_err(|e| self.err(e))?;
                            let position = message.info().map_err(|e| self.err(e))?.stream_sequence;
                            got += 1;
                            seen += 1;
                            next = position + 1;
                            ingestor.set_cursor(Cursor { name: cursor.clone(), position });
                            self.commit_message(&mut ingestor, &analysed, position, &message)?;
                            if until.messages.is_some_and(|n| seen >= n) {
                                break;
                            }
                        }
                        if got == 0 {
                            // Idle: what is pending is committed now, not when the next batch
                            // fills, and the store's writer lock is free for another writer
                            // until the next message (the ingestor takes it again, restoring
                            // its state if need be).
                            ingestor.unlock()?;
                        }
                        if (got == 0 && until.idle)
                            || until.messages.is_some_and(|n| seen >= n)
                            || shutdown.requested()
                        {
                            return Ok(());
                        }
                    }
                }
                .await;
                match consumed {
                    Ok(()) => return Ok(()),
                    Err(e) => outage.wait(e).await?,
                }
            }
        })?;
        Ok(ingestor.finish()?)
    }
}

/// Failures to reach the work stream in a row (its server restarting, the network down): tried
/// again after a pause that grows to [`OUTAGE_PAUSE_MAX`], each said on stderr, until
/// [`OUTAGE_LIMIT`] has passed since the first; then the last error is the answer. A store
/// error is never tried again here.
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
        if matches!(e, StreamError::Store(_)) {
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
