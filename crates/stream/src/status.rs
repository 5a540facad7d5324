//! What the work stream holds: inputs waiting, in flight and dead, and how far a store's
//! committer is behind (`storyline status`). Probes only: nothing is created.

use async_nats::jetstream::consumer;
use serde::Serialize;
use storyline_pipeline::Store;

use crate::{StreamError, WorkStream};

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

impl WorkStream {
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
}
