//! The worker: takes inputs from the shared durable consumer, prepares each
//! (`storyline_pipeline::prepare`) and publishes every record to the analysed stream before it
//! acknowledges the input, telling the server it is still busy on a long one.

use std::time::Duration;

use async_nats::jetstream::{self, consumer};
use async_nats::HeaderMap;
use futures::StreamExt;
use serde::Serialize;
use storyline_ingest::Input;

use crate::outage::{Outage, Shutdown};
use crate::reorder::Part;
use crate::{
    Analysed, StreamError, Until, WorkStream, INPUT_HEADER, INPUT_SEQ_HEADER, PART_HEADER,
};

/// An input's delivery count at which it goes to the dead-letter stream instead of a worker
/// (so it gets `MAX_DELIVER − 1` tries).
pub const MAX_DELIVER: i64 = 5;

/// How long the server waits for a worker's answer before it hands the input to another worker:
/// short, so the input of a worker that died is taken up again soon.
const ACK_WAIT: Duration = Duration::from_secs(30);

/// How often a worker still busy with an input tells the server so ("in progress"), which
/// restarts the server's [`ACK_WAIT`] clock: a long input is not handed out twice.
const PROGRESS_EVERY: Duration = Duration::from_secs(10);

/// What a worker did before it stopped.
#[derive(Debug, Default, Serialize)]
pub struct WorkerReport {
    pub inputs: usize,
    pub articles: usize,
    pub failed: usize,
}

impl WorkStream {
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
    pub(crate) async fn prepare_input(
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
    pub(crate) async fn prepare_consumer(
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
