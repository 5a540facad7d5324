//! The ingest progress bar: drawn on stderr when it is a terminal, silent otherwise. Failures and
//! warnings are printed above the bar as they happen, one line each, naming the input.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use storyline_pipeline::{Failure, Progress};

pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    pub fn new(inputs: u64, visible: bool) -> Self {
        let target =
            if visible { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
        let bar = ProgressBar::with_draw_target(Some(inputs), target);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{bar:30}] {pos}/{len} inputs · {elapsed} · {wide_msg}",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        Bar { bar }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn input_done(&self, name: &str) {
        self.bar.set_message(crate::render::terminal_safe(name).into_owned());
        self.bar.inc(1);
    }
    fn failed(&self, failure: &Failure) {
        self.bar.suspend(|| say!("failed: {}: {}", failure.input, failure.reason));
    }
    fn warning(&self, message: &str) {
        self.bar.suspend(|| say!("warning: {message}"));
    }
}
