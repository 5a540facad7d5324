//! Error analysis of HTML main-text extraction: prints the two candidates of one page (gzip
//! accepted) and the chosen text, or, given a benchmark directory (`pages/*.html.gz`) and an
//! output directory, writes `readability.json`, `density.json` and `chosen.json` predictions in
//! the benchmark's `{id: {articleBody}}` shape.

use std::io::Read;
use std::path::Path;

fn read_html(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("readable file");
    let mut html = String::new();
    if bytes.starts_with(&[0x1f, 0x8b]) {
        flate2::read::MultiGzDecoder::new(&bytes[..]).read_to_string(&mut html).expect("gzip");
    } else {
        html = String::from_utf8_lossy(&bytes).into_owned();
    }
    html
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = Path::new(args.first().expect("usage: html_candidates PAGE | DATA_DIR OUT_DIR"));
    if path.is_dir() && args.get(1).map(String::as_str) == Some("--time") {
        let pages: Vec<String> = std::fs::read_dir(path.join("pages"))
            .expect("pages/")
            .filter_map(|e| e.ok().map(|e| read_html(&e.path())))
            .collect();
        let t = std::time::Instant::now();
        pages.iter().for_each(|h| drop(dom_query::Document::from(h.as_str())));
        println!("parse only:  {:.1} pages/s", pages.len() as f64 / t.elapsed().as_secs_f64());
        let t = std::time::Instant::now();
        pages.iter().for_each(|h| {
            drop(storyline_ingest::html::density_text(&dom_query::Document::from(h.as_str())))
        });
        println!("density:     {:.1} pages/s", pages.len() as f64 / t.elapsed().as_secs_f64());
        let t = std::time::Instant::now();
        pages.iter().for_each(|h| drop(storyline_ingest::html::candidates(h)));
        println!("candidates:  {:.1} pages/s", pages.len() as f64 / t.elapsed().as_secs_f64());
        let t = std::time::Instant::now();
        pages.iter().for_each(|h| drop(storyline_ingest::html::extract(h)));
        println!("extract:     {:.1} pages/s", pages.len() as f64 / t.elapsed().as_secs_f64());
        return;
    }
    if path.is_dir() {
        let out = Path::new(args.get(1).expect("an output directory"));
        let mut maps = [serde_json::Map::new(), serde_json::Map::new(), serde_json::Map::new()];
        let mut files: Vec<_> = std::fs::read_dir(path.join("pages"))
            .expect("pages/")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        for f in files {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            let id = name.split('.').next().unwrap_or("").to_string();
            let html = read_html(&f);
            let (readable, density) = storyline_ingest::html::candidates(&html);
            let chosen = storyline_ingest::html::extract(&html).text;
            for (m, t) in maps.iter_mut().zip([readable, density, chosen]) {
                m.insert(id.clone(), serde_json::json!({ "articleBody": t }));
            }
        }
        for (m, n) in maps.into_iter().zip(["readability", "density", "chosen"]) {
            let p = out.join(format!("{n}.json"));
            std::fs::write(&p, serde_json::Value::Object(m).to_string()).expect("writable");
        }
        return;
    }
    let html = read_html(path);
    let (readable, density) = storyline_ingest::html::candidates(&html);
    let chosen = storyline_ingest::html::extract(&html).text;
    let which = if chosen == readable {
        "readability"
    } else if chosen == density {
        "density"
    } else {
        "other"
    };
    println!("=== readability\n{readable}\n\n=== density\n{density}\n\n=== chosen: {which}");
}
