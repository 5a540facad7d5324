//! Benchmark of the analysis steps.
//!
//! `cargo run --release -p storyline-analyze --example analyze_bench -- FILE` times each step on one
//! text file. Given Reuters-21578 SGML files or their directory
//! (`-- ../shared/data/bench/reuters21578`), it reads every `<BODY>`, then prints tokens/s of the
//! entity step, articles/s of the whole `analyze`, and the peak memory (VmHWM).
use std::path::{Path, PathBuf};
use std::time::Instant;
use storyline_analyze::*;
use storyline_text::sentences;

fn main() {
    let path = PathBuf::from(std::env::args().nth(1).expect("FILE, *.sgm or a directory"));
    let sgm: Vec<PathBuf> = if path.is_dir() {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&path)
            .expect("read dir")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "sgm"))
            .collect();
        v.sort();
        v
    } else if path.extension().is_some_and(|x| x == "sgm") {
        vec![path.clone()]
    } else {
        Vec::new()
    };
    if sgm.is_empty() {
        return one_file(&path);
    }
    let bodies: Vec<String> = sgm.iter().flat_map(|p| reuters_bodies(p)).collect();
    let tokens: usize = bodies.iter().map(|b| b.split_whitespace().count()).sum();
    let t = Instant::now();
    let _ = ner::model();
    println!("model load {:?}", t.elapsed());
    let mut ent_secs = 0.0;
    let mut n_ent = 0;
    for b in &bodies {
        let s = sentences::split(b);
        let t = Instant::now();
        n_ent += entities::extract(b, &s).len();
        ent_secs += t.elapsed().as_secs_f64();
    }
    println!(
        "entities: {} articles, {tokens} whitespace tokens, {n_ent} entities, {:.0} tokens/s",
        bodies.len(),
        tokens as f64 / ent_secs
    );
    let t = Instant::now();
    for b in &bodies {
        std::hint::black_box(analyze(b, None));
    }
    let secs = t.elapsed().as_secs_f64();
    println!("analyze: {:.0} articles/s ({:.1}s)", bodies.len() as f64 / secs, secs);
    if let Some(hwm) = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM")).map(str::to_string))
    {
        println!("peak memory {}", hwm.trim_start_matches("VmHWM:").trim());
    }
}

/// The `<BODY>` texts of a Reuters-21578 SGML file, with the SGML entities decoded.
fn reuters_bodies(p: &Path) -> Vec<String> {
    let raw = String::from_utf8_lossy(&std::fs::read(p).expect("read sgm")).into_owned();
    let mut out = Vec::new();
    let mut rest = raw.as_str();
    while let Some(i) = rest.find("<BODY>") {
        rest = &rest[i + 6..];
        let end = rest.find("</BODY>").unwrap_or(rest.len());
        let body = rest[..end]
            .trim_end_matches(|c: char| c.is_whitespace() || c == '\u{3}')
            .trim_end_matches("Reuter")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        out.push(body);
        rest = &rest[end..];
    }
    out
}

fn one_file(path: &Path) {
    let text = std::fs::read_to_string(path).expect("read");
    let words = text.split_whitespace().count();
    let t = Instant::now();
    let s = sentences::split(&text);
    println!("sentences {:?}", t.elapsed());
    let t = Instant::now();
    let e = entities::extract(&text, &s);
    let d = t.elapsed();
    println!("entities  {d:?} ({:.0} words/s)", words as f64 / d.as_secs_f64());
    let t = Instant::now();
    let tm = times::extract(&text, &s, Some("2025-05-11".parse().unwrap()));
    println!("times     {:?}", t.elapsed());
    let t = Instant::now();
    let q = quotes::extract(&text, &s, &e);
    println!("quotes    {:?}", t.elapsed());
    let a = storyline_model::Analysis {
        sentences: s,
        entities: e,
        times: tm,
        quotes: q,
        ..Default::default()
    };
    let t = Instant::now();
    let ev = events::extract(&text, &a);
    println!("events    {:?} ({} events)", t.elapsed(), ev.len());
}
