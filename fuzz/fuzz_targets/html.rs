//! Any text as an HTML page: main-text extraction (both candidates and the choice between
//! them), title, date and metadata, and the tag reader for pages nested too deep to parse.
//! (`html::candidates`, the two candidates for error analysis, runs the same passes as
//! `extract` on the same page: calling both, as this target did first, read every page twice.)
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    // The tag reader for pages too deep to parse (a fuzzed input is rarely deep enough to
    // reach it through `extract`).
    let _ = storyline_ingest::nesting::max_depth(&html, 8);
    let _ = storyline_ingest::nesting::plain_text(&html);
    let doc = storyline_ingest::html::extract(&html);
    if let Some(title) = doc.title.as_deref() {
        let _ = storyline_ingest::html::strip_site_suffix(title, Some("Harbour Ledger"));
    }
});
