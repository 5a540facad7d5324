//! Any bytes as a feed (RSS, Atom, JSON Feed): entries with their article become articles.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = storyline_ingest::parse_feed("fuzz.xml", data, Some("https://example.invalid/feed"));
});
