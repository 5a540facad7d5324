//! Any bytes as an input file: the sniffer (gzip, WARC, JSON, JSON Lines, HTML, feed, text), the
//! decoder and every reader behind it. libFuzzer's panic hook aborts on any panic, so a panic that
//! `parse` would have caught and reported still counts as a crash here.
//!
//! Reads the input once, through [`records`] (what `parse` collects): comparing `parse` with
//! `records`, as this target did first, read every input twice through the same code.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storyline_ingest::{records, Input};

fuzz_target!(|data: &[u8]| {
    let input = Input { name: "fuzz.in".into(), bytes: data.to_vec() };
    let mut records = records(&input);
    let count = records.count;
    let mut read = 0;
    for record in records.by_ref() {
        read += 1;
        if let Ok(article) = record {
            // A content address: 16 hex digits.
            let id = article.id.as_str();
            assert!(id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
        }
    }
    // The count announced up front (a progress bar's total) is the number of records read.
    assert_eq!(read, count);
});
