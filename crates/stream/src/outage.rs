//! Riding out outages and stopping cleanly: failures to reach the work stream (or a store that
//! says trying again can cure it) are tried again with a growing pause up to a limit; SIGTERM
//! and SIGINT stop a worker or the committer between two pulls.

use std::time::Duration;

use storyline_store::ErrorKind;

use crate::{header_safe, StreamError};

/// How long a worker or the committer keeps trying to reach an unreachable work stream.
pub(crate) const OUTAGE_LIMIT: Duration = Duration::from_secs(120);

/// The first and the longest pause between two tries.
const OUTAGE_PAUSE_MIN: Duration = Duration::from_millis(250);

const OUTAGE_PAUSE_MAX: Duration = Duration::from_secs(5);

/// Failures to reach the work stream in a row (its server restarting, the network down): tried
/// again after a pause that grows to [`OUTAGE_PAUSE_MAX`], each said on stderr, until
/// [`OUTAGE_LIMIT`] has passed since the first; then the last error is the answer. A store
/// error is tried again only when it says trying again can cure it ([`ErrorKind::Unavailable`]:
/// a connection lost, a server restarting), never for a write the store refused.
pub(crate) struct Outage {
    since: Option<std::time::Instant>,
    pause: Duration,
}

impl Outage {
    pub(crate) fn new() -> Self {
        Outage { since: None, pause: OUTAGE_PAUSE_MIN }
    }

    /// The stream answered: the next failure starts a new outage.
    pub(crate) fn over(&mut self) {
        *self = Outage::new();
    }

    /// Waits before the next try, or gives `e` back when the outage has lasted too long.
    pub(crate) async fn wait(&mut self, e: StreamError) -> Result<(), StreamError> {
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

/// SIGTERM or SIGINT, once asked for: a worker or the committer stops between two pulls — the
/// worker after acknowledging the input it holds, the committer after committing what it read —
/// so a stopped process hands nothing back half-done.
pub(crate) struct Shutdown {
    #[cfg(unix)]
    signals: Vec<tokio::signal::unix::Signal>,
}

impl Shutdown {
    /// Starts listening (inside the runtime).
    pub(crate) fn listen() -> Self {
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
    pub(crate) fn requested(&mut self) -> bool {
        #[cfg(unix)]
        {
            use futures::FutureExt;
            self.signals.iter_mut().any(|s| s.recv().now_or_never().is_some())
        }
        #[cfg(not(unix))]
        false
    }
}
