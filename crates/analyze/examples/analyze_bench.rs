//! Debug helper: times each analysis step on FILE (`cargo run --release -p storyline-analyze --example analyze_bench -- FILE`).
use std::time::Instant;
use storyline_analyze::*;
fn main() {
    let path = std::env::args().nth(1).expect("FILE");
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
        events: vec![],
    };
    let t = Instant::now();
    let ev = events::extract(&text, &a);
    println!("events    {:?} ({} events)", t.elapsed(), ev.len());
}
