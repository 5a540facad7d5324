//! The command line of the training examples: positional arguments and `--name VALUE` options;
//! anything else (an unknown option, a missing or unparsable value, the wrong number of
//! positional arguments) prints the usage line and exits with status 2.
//!
//! Shared by the training examples (`train_ner`, `train_times`, `train_quotes`).

use std::str::FromStr;

/// A tool's parsed command line.
pub struct Args {
    usage: &'static str,
    positional: Vec<String>,
    /// `(name, value)` in the order given.
    options: Vec<(String, String)>,
}

impl Args {
    /// The process's arguments; `options` are the names that take a value (`"--epochs"`).
    pub fn parse(usage: &'static str, options: &[&str]) -> Args {
        let mut args = Args { usage, positional: Vec::new(), options: Vec::new() };
        let mut given = std::env::args().skip(1);
        while let Some(arg) = given.next() {
            if options.contains(&arg.as_str()) {
                let Some(value) = given.next() else { args.fail(&format!("{arg} needs a value")) };
                args.options.push((arg, value));
            } else if arg.starts_with("--") {
                args.fail(&format!("unknown option {arg}"));
            } else {
                args.positional.push(arg);
            }
        }
        args
    }

    /// Exactly `N` positional arguments.
    pub fn positional<const N: usize>(&self) -> [&str; N] {
        let given: Vec<&str> = self.positional.iter().map(String::as_str).collect();
        given.try_into().unwrap_or_else(|_| self.fail(&format!("{N} arguments expected")))
    }

    /// The last value given for `name`, parsed; `default` when the option is absent.
    pub fn value<T: FromStr>(&self, name: &str, default: T) -> T {
        let Some(v) = self.last(name) else { return default };
        v.parse().unwrap_or_else(|_| self.fail(&format!("{name}: cannot read {v:?}")))
    }

    /// The last value given for `name`.
    pub fn last(&self, name: &str) -> Option<&str> {
        self.all(name).pop()
    }

    /// Every value given for `name` (a repeatable option), in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.options.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect()
    }

    fn fail(&self, problem: &str) -> ! {
        eprintln!("{problem}\n{}", self.usage);
        std::process::exit(2)
    }
}
