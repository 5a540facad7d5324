//! Probe of issue 14's analysis rows: generates one hostile input in memory, parses it as ingest
//! does and analyses it step by step, printing the time and the peak memory of each step.
//!
//! `cargo run --release -p storyline-pipeline --example hostile_analysis -- KIND SIZE`
//!
//! KIND (SIZE is the count named):
//! - `quotes`   SIZE quotations in one paragraph (“…,” Name said.)
//! - `divs`     SIZE nested `<div>`s around one article (HTML, parsed by ingest)
//! - `sentence` one unpunctuated "sentence" of SIZE words
//! - `stray`    SIZE kB of one paragraph of words with stray quote marks
//! - `article`  SIZE kB of news-like paragraphs (many people, places, dates, quotes)
//!
//! The steps run as `storyline_analyze::analyze` runs them (with its work budget). Prints one line
//! of `key=value` fields: input bytes, parse and per-step seconds (`t_…`), the counts of
//! the analysis and `peak_mb` (the most memory resident at once during the analysis, above what
//! was resident before it: VmHWM reset through /proc/self/clear_refs) with `bytes_per_byte`, that
//! peak per input byte. `bench/analysis.sh` runs it over sizes and prints the growth. A third
//! argument, a path, writes the input there instead (`hostile_analysis article 52000 big.txt`,
//! then `storyline ingest big.txt`). Inputs are invented: words, names and places are drawn from
//! small made-up lists.

use std::time::Instant;

use storyline_analyze::{budget, entities, events, quotes, times};
use storyline_model::Analysis;
use storyline_text::sentences;

/// A small deterministic generator (xorshift64*), so every run sees the same input.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const FIRST: &[&str] = &[
    "Mara", "Ilse", "Tomas", "Lena", "Oskar", "Nadia", "Ivo", "Petra", "Arkady", "Sven", "Joana",
    "Marek", "Halia", "Edvin", "Runa", "Kasimir", "Talia", "Bruno", "Elif", "Dorin",
];
const SYLL: &[&str] = &["Vel", "Kor", "Bran", "Hal", "Orl", "Stav", "Mir", "Dun", "Tal", "Ros"];
const END: &[&str] = &["t", "ova", "sen", "dt", "ic", "ez", "berg", "ani"];
const PLACES: &[&str] = &[
    "Velmora",
    "Keldhaven",
    "Tolsk",
    "Varrow",
    "Ostrel",
    "Dravograd",
    "Lunmark",
    "Pellis",
    "Carrow Bay",
    "Northfell",
];
const ORGS: &[&str] = &[
    "Harbour Council",
    "Velmora Port Authority",
    "Kestrel Bank",
    "Ministry of Transport",
    "Dockers' Union",
    "Northfell Energy",
    "Varrow City Council",
    "Tolsk Rail",
];
const WORDS: &[&str] = &[
    "the",
    "harbour",
    "council",
    "voted",
    "to",
    "close",
    "old",
    "ferry",
    "terminal",
    "by",
    "end",
    "of",
    "year",
    "service",
    "has",
    "run",
    "since",
    "workers",
    "said",
    "plan",
    "would",
    "cost",
    "more",
    "than",
    "expected",
    "and",
    "talks",
    "with",
    "union",
    "broke",
    "down",
    "on",
    "after",
    "weeks",
    "a",
    "new",
    "bridge",
    "opened",
    "residents",
    "were",
    "angry",
    "about",
    "fares",
    "officials",
    "promised",
    "review",
    "in",
    "spring",
];
const WEEKDAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
const MONTHS: &[&str] = &["January", "March", "May", "July", "September", "November"];

fn person(r: &mut Rng) -> String {
    format!("{} {}{}{}", r.pick(FIRST), r.pick(SYLL), r.pick(SYLL).to_lowercase(), r.pick(END))
}

fn words(r: &mut Rng, n: usize, out: &mut String) {
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(r.pick(WORDS));
    }
}

/// `n` quotations in one paragraph: “…,” NAME said.
fn quotes_paragraph(n: usize) -> String {
    let mut r = Rng(7);
    let mut s = String::new();
    for _ in 0..n {
        s.push('“');
        let mut w = String::new();
        words(&mut r, 6, &mut w);
        s.push_str(&capitalise(&w));
        s.push_str(",” ");
        s.push_str(&person(&mut r));
        s.push_str(" said. ");
    }
    s
}

/// One article nested `depth` `<div>`s deep.
fn nested_divs(depth: usize) -> String {
    let mut r = Rng(11);
    let mut s = String::from("<html><head><title>Ferry terminal to close</title></head><body>");
    s.push_str(&"<div>".repeat(depth));
    for _ in 0..5 {
        s.push_str("<p>");
        s.push_str(&sentence(&mut r));
        s.push_str("</p>");
    }
    s.push_str(&"</div>".repeat(depth));
    s.push_str("</body></html>");
    s
}

/// One "sentence" of `n` words and names, no punctuation.
fn long_sentence(n: usize) -> String {
    let mut r = Rng(13);
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        match r.below(8) {
            0 => s.push_str(r.pick(FIRST)),
            1 => s.push_str(r.pick(PLACES)),
            _ => s.push_str(r.pick(WORDS)),
        }
    }
    s
}

/// `kb` kB of one paragraph of words and sentences with stray quote marks.
fn stray_quotes(kb: usize) -> String {
    let mut r = Rng(17);
    let mut s = String::new();
    while s.len() < kb * 1000 {
        match r.below(12) {
            0 => s.push('"'),
            1 => s.push('“'),
            2 => s.push('”'),
            3 => s.push('\''),
            _ => {}
        }
        match r.below(10) {
            0 => s.push_str(&person(&mut r)),
            1 => s.push_str(r.pick(PLACES)),
            _ => s.push_str(r.pick(WORDS)),
        }
        match r.below(20) {
            0 => s.push_str(". "),
            1 => s.push_str(", "),
            2 => s.push_str(" said "),
            _ => s.push(' '),
        }
    }
    s
}

fn capitalise(w: &str) -> String {
    let mut cs = w.chars();
    cs.next().map(|c| c.to_uppercase().chain(cs).collect()).unwrap_or_default()
}

/// One news-like sentence: people, places, organisations, days.
fn sentence(r: &mut Rng) -> String {
    let mut w = String::new();
    words(r, 5, &mut w);
    match r.below(7) {
        0 => format!(
            "{} of the {} said on {} that the {w} in {}.",
            person(r),
            r.pick(ORGS),
            r.pick(WEEKDAYS),
            r.pick(PLACES)
        ),
        1 => format!("“{},” {} said on {}.", capitalise(&w), person(r), r.pick(WEEKDAYS)),
        2 => format!(
            "Minister {} met {} in {} on {} {}.",
            person(r),
            person(r),
            r.pick(PLACES),
            r.pick(MONTHS),
            1 + r.below(28)
        ),
        3 => format!(
            "The {} accused {} of delays in {}, according to {}.",
            r.pick(ORGS),
            person(r),
            r.pick(PLACES),
            person(r)
        ),
        4 => {
            let name = person(r);
            let surname = name.split(' ').nth(1).unwrap_or("").to_string();
            format!(
                "{name} arrived on {}. {surname} told reporters: “{}.”",
                r.pick(WEEKDAYS),
                capitalise(&w)
            )
        }
        5 => format!(
            "Police arrested {} people in {} last week, he said.",
            2 + r.below(40),
            r.pick(PLACES)
        ),
        _ => format!("{}.", capitalise(&w)),
    }
}

/// `kb` kB of news-like paragraphs of three to six sentences.
fn article(kb: usize) -> String {
    let mut r = Rng(19);
    let mut s = String::from("Ferry terminal to close as talks fail\n\n");
    while s.len() < kb * 1000 {
        for i in 0..3 + r.below(4) {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(&sentence(&mut r));
        }
        s.push_str("\n\n");
    }
    s
}

/// A field of /proc/self/status, in kB.
fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.trim().strip_suffix("kB")?.trim().parse().ok())
        .unwrap_or(0)
}

thread_local! {
    /// The highest VmHWM seen during the analysis (kB).
    static PEAK: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Resets the peak resident size (VmHWM) to the current one.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() {
    let mut args = std::env::args().skip(1);
    let kind = args.next().expect("KIND: quotes, divs, sentence, stray or article");
    let size: usize = args.next().and_then(|s| s.parse().ok()).expect("SIZE, a number");
    let (name, bytes) = match kind.as_str() {
        "quotes" => ("quotes.txt", quotes_paragraph(size)),
        "divs" => ("divs.html", nested_divs(size)),
        "sentence" => ("sentence.txt", long_sentence(size)),
        "stray" => ("stray.txt", stray_quotes(size)),
        "article" => ("article.txt", article(size)),
        other => panic!("unknown KIND {other}"),
    };
    if let Some(path) = args.next() {
        // A third argument: write the input there instead (for `storyline ingest` or `analyze`).
        std::fs::write(&path, &bytes).expect("write the input");
        return;
    }
    let input = storyline_ingest::Input { name: name.into(), bytes: bytes.into_bytes() };
    let n_bytes = input.bytes.len();
    let t = Instant::now();
    let article = match kind.as_str() {
        // The HTML goes through ingest's reader; the texts are analysed as given.
        "divs" => storyline_ingest::parse(&input).records.into_iter().next().expect("a record"),
        _ => {
            let text = std::str::from_utf8(&input.bytes).expect("utf-8");
            Ok(storyline_ingest::raw_article(name, text))
        }
    };
    let parse_s = t.elapsed().as_secs_f64();
    let article = article.expect("the input parses");
    drop(input);
    let text = article.text.as_str();
    // Warm up: the models, word lists and the time expressions' regex caches are built once per
    // process, not per document.
    let warm = "Warm up\n\n“We met on Monday,” Mayor Lena Brandt of Velmora said in May 2025.";
    let _ = storyline_analyze::analyze(warm, "2026-03-04".parse().ok());

    let rss_before = status_kb("VmRSS:");
    reset_peak();
    // Each step's time, and the most memory resident during it above the start of the analysis.
    let step = |label: &str, secs: &mut Vec<(String, f64)>, f: &mut dyn FnMut()| {
        let hwm = status_kb("VmHWM:");
        reset_peak();
        let t = Instant::now();
        f();
        secs.push((label.to_string(), t.elapsed().as_secs_f64()));
        let peak = status_kb("VmHWM:");
        secs.push((format!("mb_{label}"), peak.saturating_sub(rss_before) as f64 / 1024.0));
        if hwm > peak {
            // Keep the analysis's peak so far for the total below.
            PEAK.with(|p| p.set(p.get().max(hwm)));
        }
        PEAK.with(|p| p.set(p.get().max(peak)));
    };
    let mut secs = Vec::new();
    let mut a = Analysis::default();
    let published = Some("2026-03-04".parse().expect("date"));
    step("sentences", &mut secs, &mut || {
        let (s, cut) =
            budget::bound_sentences(text, sentences::split(text), budget::MAX_SENTENCE_CHARS);
        a.sentences = s;
        if cut > 0 {
            a.limits.push(format!("{cut} sentences cut"));
        }
    });
    step("entities", &mut secs, &mut || a.entities = entities::extract(text, &a.sentences));
    step("times", &mut secs, &mut || a.times = times::extract(text, &a.sentences, published));
    step("quotes", &mut secs, &mut || {
        let (q, left_out) = quotes::extract_within_budget(text, &a.sentences, &a.entities);
        a.quotes = q;
        if left_out.is_some() {
            a.limits.push("quotes left out".into());
        }
    });
    step("events", &mut secs, &mut || a.events = events::extract(text, &a));
    let peak_kb = PEAK.with(|p| p.get()).saturating_sub(rss_before);
    let total: f64 = secs.iter().filter(|(l, _)| !l.starts_with("mb_")).map(|(_, s)| s).sum();
    let steps: Vec<String> = secs
        .iter()
        .map(
            |(l, s)| {
                if l.starts_with("mb_") {
                    format!("{l}={s:.1}")
                } else {
                    format!("t_{l}={s:.3}")
                }
            },
        )
        .collect();
    println!(
        "kind={kind} size={size} bytes={n_bytes} text={} parse={parse_s:.3} analyse={total:.3} {} \
         sentences={} entities={} times={} quotes={} events={} limits={} peak_mb={:.1} \
         bytes_per_byte={:.1}",
        text.len(),
        steps.join(" "),
        a.sentences.len(),
        a.entities.len(),
        a.times.len(),
        a.quotes.len(),
        a.events.len(),
        a.limits.len(),
        peak_kb as f64 / 1024.0,
        peak_kb as f64 * 1024.0 / text.len().max(1) as f64,
    );
}
