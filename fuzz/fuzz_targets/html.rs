//! Any text as an HTML page: main-text extraction, title, date and metadata.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let doc = storyline_ingest::html::extract(&html);
    let _ = storyline_ingest::html::candidates(&html);
    if let Some(title) = doc.title.as_deref() {
        let _ = storyline_ingest::html::strip_site_suffix(title, Some("Harbour Ledger"));
    }
});
