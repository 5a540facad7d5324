//! The ingest progress bar: drawn on stderr when it is a terminal, silent otherwise. It counts
//! records (a JSON Lines file or a WARC archive is thousands of them) with their rate, and names
//! the inputs done; failures and warnings are printed above the bar as they happen, one line
//! each, naming the input.

use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use storyline_pipeline::{Failure, Progress};

pub struct Bar {
    bar: ProgressBar,
    /// Inputs done, and how many there are (0: not known).
    inputs_done: AtomicU64,
    inputs: u64,
}

impl Bar {
    pub fn new(inputs: u64, visible: bool) -> Self {
        let target =
            if visible { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
        let bar = ProgressBar::with_draw_target(Some(0), target);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{bar:30}] {human_pos}/{human_len} records · {per_sec} · {elapsed} · {wide_msg}",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        Bar { bar, inputs_done: AtomicU64::new(0), inputs }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn records_found(&self, count: usize) {
        self.bar.inc_length(count as u64);
    }
    fn record_done(&self) {
        self.bar.inc(1);
    }
    fn input_done(&self, name: &str) {
        let done = self.inputs_done.fetch_add(1, Ordering::Relaxed) + 1;
        let of = if self.inputs > 0 { format!("/{}", self.inputs) } else { String::new() };
        let name = crate::render::terminal_safe(name);
        self.bar.set_message(format!("{done}{of} inputs · {name}"));
    }
    fn failed(&self, failure: &Failure) {
        self.bar.suspend(|| say!("failed: {}: {}", failure.input, failure.reason));
    }
    fn warning(&self, message: &str) {
        self.bar.suspend(|| say!("warning: {message}"));
    }
}
