//! Any bytes as an input file: the sniffer (gzip, WARC, JSON, JSON Lines, HTML, feed, text), the
//! decoder and every reader behind it. libFuzzer's panic hook aborts on any panic, so a panic that
//! `parse` would have caught and reported still counts as a crash here.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storyline_ingest::{parse, records, Input};

fuzz_target!(|data: &[u8]| {
    let input = Input { name: "fuzz.in".into(), bytes: data.to_vec() };
    let whole = parse(&input);
    // The streamed records are the parsed ones, one by one.
    let streamed: Vec<_> = records(&input).collect();
    assert_eq!(whole.records.len(), streamed.len());
    for (a, b) in whole.records.iter().zip(&streamed) {
        match (a, b) {
            (Ok(a), Ok(b)) => assert_eq!(a.id, b.id),
            (Err(a), Err(b)) => assert_eq!(a, b),
            _ => panic!("parse and records disagree"),
        }
    }
});
