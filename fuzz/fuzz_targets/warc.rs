//! Any bytes as a WARC stream: records, their HTTP payloads, resynchronisation after a bad one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storyline_ingest::warc;

fuzz_target!(|data: &[u8]| {
    for record in warc::Reader::new(data).take(10_000) {
        if let Ok(record) = record {
            let _ = warc::parse_http(&record.block);
            let _ = warc::parse_record(&record.to_bytes());
        }
    }
});
