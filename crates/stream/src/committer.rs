//! The committer: reads the analysed stream into a reorder buffer and hands inputs to the one
//! ordered `Ingestor` in the order they were published, saving its position in the store with
//! the articles and purging what was committed; an input that stops coming is given up on.

use std::collections::{BTreeSet, VecDeque};
use std::time::Duration;

use async_nats::jetstream::{self, consumer, stream};
use futures::StreamExt;
use storyline_pipeline::{Failure, IngestReport, Ingestor, Store};
use storyline_store::{Cursor, StoreError};

use crate::outage::{Outage, Shutdown};
use crate::reorder::{Held, Part, Reorder};
use crate::{header_safe, Analysed, StreamError, Until, WorkStream};

/// How often the committer, waiting for one input while later ones are there, asks whether
/// it is still coming.
const GAP_CHECK: Duration = Duration::from_secs(2);

/// How long the committer waits for one input while later ones are there before it commits
/// them without it (longer than the server takes to hand an input out [`MAX_DELIVER`](crate::MAX_DELIVER) times).
pub(crate) const GAP_TIMEOUT: Duration = Duration::from_secs(300);

/// How long the committer, idle while inputs published are not all handed over yet (their
/// workers are busy), waits before committing a part-filled batch anyway.
const IDLE_COMMIT: Duration = Duration::from_secs(30);

/// Messages taken per pull.
const PULL: usize = 64;

impl WorkStream {
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
    /// restarting: [`ErrorKind::Unavailable`](storyline_store::ErrorKind::Unavailable)) is opened again and the committer goes on from
    /// what it committed, as a restarted committer would, for up to [`OUTAGE_LIMIT`](crate::outage::OUTAGE_LIMIT); any
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
