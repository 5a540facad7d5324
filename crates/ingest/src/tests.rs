//! Unit tests for the whole ingest path, on texts written for these tests (invented outlets,
//! people and events), plus one check against the real seeds in `../shared/seeds` when present.

use super::*;
use std::io::Write;

fn input(name: &str, bytes: impl Into<Vec<u8>>) -> Input {
    Input { name: name.into(), bytes: bytes.into() }
}

fn one(name: &str, bytes: impl Into<Vec<u8>>) -> Article {
    let p = parse(&input(name, bytes));
    assert_eq!(p.records.len(), 1, "{:?}", p.records);
    p.records.into_iter().next().unwrap().expect("article")
}

fn err(name: &str, bytes: impl Into<Vec<u8>>) -> IngestError {
    let p = parse(&input(name, bytes));
    assert_eq!(p.records.len(), 1);
    p.records.into_iter().next().unwrap().expect_err("error")
}

fn kinds(a: &Article) -> Vec<&str> {
    a.removed.iter().map(|r| r.kind.as_str()).collect()
}

const BODY: &str = "The harbour council of Velmora voted on Tuesday to close the old ferry terminal by the end of the year, ending a service that has run since 1921.\n\n\"We cannot keep patching a building that is falling into the sea,\" council chair Ilse Brandvold said after the vote.\n\nThe terminal carried about 40,000 passengers last year, according to figures published by the port authority.";

#[test]
fn sniffs_formats_from_content() {
    use sniff::{sniff, Format};
    assert_eq!(sniff("{\"text\": \"a\"}"), Format::Json);
    assert_eq!(sniff("  [{\"text\": \"a\"}]"), Format::Json);
    assert_eq!(sniff("{\"text\": \"a\"}\n{\"text\": \"b\"}\n"), Format::JsonLines);
    assert_eq!(sniff("{\n  \"text\": \"a\",\n  \"title\": \"b\"\n}\n"), Format::Json);
    assert_eq!(sniff("<!DOCTYPE html><html><body><p>x</p></body></html>"), Format::Html);
    assert_eq!(sniff("<div class=a><p>Hello</p><p>World</p></div>"), Format::Html);
    assert_eq!(
        sniff("<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel/></rss>"),
        Format::Feed
    );
    assert_eq!(sniff("<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>"), Format::Feed);
    assert_eq!(sniff("[Photo] A ferry leaves Velmora harbour."), Format::Text);
    assert_eq!(sniff("Ferry terminal to close\n\nThe council voted."), Format::Text);
    assert!(sniff::is_gzip(&[0x1f, 0x8b, 8, 0]));
}

#[test]
fn txt_extension_holding_html_is_read_as_html() {
    let html = format!(
        "<html><head><title>Ferry terminal to close</title></head><body><article><p>{}</p></article></body></html>",
        BODY.replace("\n\n", "</p><p>")
    );
    let a = one("page.txt", html);
    assert!(a.text.starts_with("The harbour council of Velmora"), "{}", a.text);
    assert!(!a.text.contains("<p>"));
    assert_eq!(a.title.as_deref(), Some("Ferry terminal to close"));
}

#[test]
fn json_extension_on_plain_text_is_read_as_text() {
    let a = one("story.json", format!("Ferry terminal to close\n\n{BODY}"));
    assert_eq!(a.title.as_deref(), Some("Ferry terminal to close"));
    assert_eq!(a.title_origin, TitleOrigin::Detected);
}

#[test]
fn decodes_windows_1252_with_warning() {
    let text = format!("Caf\u{e9} owners protest new rules\n\n{BODY} The owner of Caf\u{e9} M\u{fc}ller called it \u{201c}absurd\u{201d}.");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(std::str::from_utf8(&bytes).is_err());
    let p = parse(&input("cafe.txt", bytes.into_owned()));
    assert_eq!(p.warnings, vec!["decoded as windows-1252 (not UTF-8)".to_string()]);
    let a = p.records[0].as_ref().unwrap();
    assert_eq!(a.title.as_deref(), Some("Caf\u{e9} owners protest new rules"));
    assert!(a.text.contains("Caf\u{e9} M\u{fc}ller called it \u{201c}absurd\u{201d}."));
}

#[test]
fn decodes_utf16_with_bom() {
    let text = format!("Ferry terminal to close\n\n{BODY}");
    let mut le = vec![0xff, 0xfe];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let a = one("le.txt", le);
    assert_eq!(a.title.as_deref(), Some("Ferry terminal to close"));
    let mut be = vec![0xfe, 0xff];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    let b = one("be.txt", be);
    assert_eq!(a.text, b.text);
    assert!(a.text.starts_with("The harbour council"));
}

#[test]
fn html_meta_charset_is_honoured() {
    let html = "<html><head><meta charset=\"iso-8859-2\"><title>Zm\u{11b}na</title></head><body><p>P\u{159}\u{ed}li\u{161} \u{17e}lu\u{165}ou\u{10d}k\u{fd} k\u{16f}\u{148} \u{fa}p\u{11b}l \u{10f}\u{e1}belsk\u{e9} \u{f3}dy. Zastupitelstvo m\u{11b}sta rozhodlo o uzav\u{159}en\u{ed} p\u{159}\u{ed}stavu.</p></body></html>";
    let (bytes, _, _) = encoding_rs::ISO_8859_2.encode(html);
    let p = parse(&input("cz.html", bytes.into_owned()));
    assert!(p.warnings[0].contains("ISO-8859-2"), "{:?}", p.warnings);
    let a = p.records[0].as_ref().unwrap();
    assert!(
        a.text.contains("P\u{159}\u{ed}li\u{161} \u{17e}lu\u{165}ou\u{10d}k\u{fd}"),
        "{}",
        a.text
    );
}

#[test]
fn bad_inputs_give_clear_errors() {
    assert_eq!(err("e.txt", "").reason, "empty input");
    assert_eq!(err("e.txt", "  \n\t \n").reason, "empty input");
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10".to_vec();
    assert_eq!(err("img.txt", png).reason, "binary content, not text");
    let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0".to_vec();
    assert_eq!(err("a.out", elf).reason, "binary content, not text");
    let e = err("cut.json", "{\"title\": \"Ferry\",\n \"text\": \"The council vot");
    assert!(
        e.reason.starts_with("invalid JSON at line 2: EOF while parsing a string"),
        "{}",
        e.reason
    );
    assert_eq!(e.input, "cut.json");
    assert_eq!(e.to_string(), format!("cut.json: {}", e.reason));
    let e = err(
        "r.json",
        "{\"title\": \"Ferry terminal to close\", \"url\": \"https://example.org/a\"}",
    );
    assert_eq!(e.reason, "record has neither `text` nor `html`");
    let e = err(
        "feed.xml",
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title></channel></rss>",
    );
    assert_eq!(e.reason, "feed has no entries with an article or a link");
    let e = err(
        "nothing.html",
        "<html><head><title>x</title></head><body><script>var a=1;</script></body></html>",
    );
    assert_eq!(e.reason, "no article text found");
    let e = err(
        "wall.txt",
        "We have sent you a verification email. Please log in to continue.\n\nThis feature is \
         not available right now.",
    );
    assert!(
        e.reason.starts_with("no article text: the page holds only site notices"),
        "{}",
        e.reason
    );
}

/// A scraped page keeps its article and says what furniture it dropped.
#[test]
fn site_notices_are_removed_and_recorded() {
    let raw = "Sign up for our morning newsletter. The Harwick ferry will stop running on \
               Friday after the operator lost its licence, the port authority said. Passengers \
               with season tickets will be refunded, and a replacement bus will leave the quay \
               every hour until a new operator is found, which could take until the autumn.\n\n\
               The interactive transcript could not be loaded.";
    let a = one("ferry.txt", raw);
    assert!(a.text.starts_with("The Harwick ferry will stop running"), "{}", a.text);
    assert!(!a.text.contains("transcript"));
    assert_eq!(a.removed.iter().filter(|r| r.kind == RemovedKind::SiteNotice).count(), 2);
}

#[test]
fn gzip_is_decompressed_and_truncation_reported() {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(format!("Ferry terminal to close\n\n{BODY}").as_bytes()).unwrap();
    let gz = enc.finish().unwrap();
    let a = one("a.txt.gz", gz.clone());
    assert_eq!(a.title.as_deref(), Some("Ferry terminal to close"));
    let cut = gz[..gz.len() / 2].to_vec();
    assert_eq!(err("a.txt.gz", cut).reason, "truncated gzip stream");
}

#[test]
fn size_limit() {
    assert!(check_size(MAX_INPUT_BYTES).is_ok());
    assert_eq!(check_size(64_172_851).unwrap_err(), "too large: 61.2 MB exceeds the 50 MB limit");
}

#[test]
fn read_inputs_walks_sorted_skips_hidden_and_reports_missing() {
    let dir = std::env::temp_dir().join(format!("storyline-ingest-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::write(dir.join("b.txt"), "b").unwrap();
    std::fs::write(dir.join("a.txt"), "a").unwrap();
    std::fs::write(dir.join("sub/c.txt"), "c").unwrap();
    std::fs::write(dir.join(".git/HEAD"), "ref").unwrap();
    std::fs::write(dir.join(".hidden.txt"), "h").unwrap();
    let missing = dir.join("missing.txt");
    let res = read_inputs(&[dir.clone(), missing.clone()]);
    let names: Vec<String> = res
        .iter()
        .map(|r| match r {
            Ok(i) => i.name.clone(),
            Err(e) => e.to_string(),
        })
        .collect();
    let d = dir.display();
    assert_eq!(
        names,
        vec![
            format!("{d}/a.txt"),
            format!("{d}/b.txt"),
            format!("{d}/sub/c.txt"),
            format!("{}: no such file or directory", missing.display()),
        ]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn jsonl_bad_line_is_one_error() {
    let jsonl = "{\"id\": \"r1\", \"title\": \"Ferry terminal to close\", \"text\": \"The harbour council of Velmora voted on Tuesday to close the old ferry terminal.\", \"source\": \"Velmora Post\", \"published\": \"Sun, 11 May 2025 21:04:00 +0000\"}\n{\"id\": \"r2\", \"text\": \"The council vot\n{\"title\": \"Bridge repairs begin\", \"text\": \"Crews began repairing the Oster bridge on Monday, the city said.\", \"published\": \"May 12, 2025\"}\n";
    let p = parse(&input("batch.jsonl", jsonl));
    assert_eq!(p.records.len(), 3);
    let a = p.records[0].as_ref().unwrap();
    assert_eq!(a.input_id.as_deref(), Some("r1"));
    assert_eq!(a.title_origin, TitleOrigin::Given);
    assert_eq!(a.source.as_deref(), Some("Velmora Post"));
    assert_eq!(a.published.unwrap().to_string(), "2025-05-11");
    assert_eq!(a.published_origin, Some(DateOrigin::Record));
    let e = p.records[1].as_ref().unwrap_err();
    assert_eq!(e.input, "batch.jsonl:2");
    assert!(e.reason.starts_with("invalid JSON at line 2"), "{}", e.reason);
    let c = p.records[2].as_ref().unwrap();
    assert_eq!(c.input_id.as_deref(), Some("batch.jsonl:3"));
    assert_eq!(c.published.unwrap().to_string(), "2025-05-12");
}

#[test]
fn json_array_and_record_html() {
    let json = r#"[{"text": "Crews began repairing the Oster bridge on Monday, the city said in a statement."},
                   {"html": "<html><head><meta property=\"og:site_name\" content=\"Oster Gazette\"></head><body><article><p>The Oster bridge reopened to traffic on Friday after four days of repairs, city officials said.</p></article></body></html>", "published": "2025-05-16T08:00:00+02:00"}]"#;
    let p = parse(&input("arr.json", json));
    assert_eq!(p.records.len(), 2);
    let b = p.records[1].as_ref().unwrap();
    assert_eq!(b.source.as_deref(), Some("Oster Gazette"));
    assert_eq!(b.published.unwrap().to_string(), "2025-05-16");
    assert_eq!(b.published_origin, Some(DateOrigin::Record));
    assert!(b.text.starts_with("The Oster bridge reopened"));
    assert_eq!(b.input_id.as_deref(), Some("arr.json[1]"));
}

#[test]
fn header_prefix_on_first_line() {
    let t = format!(" date 2025-05-11 {BODY}");
    let a = one("h.txt", t);
    assert_eq!(a.published.unwrap().to_string(), "2025-05-11");
    assert_eq!(a.published_origin, Some(DateOrigin::Header));
    assert!(a.text.starts_with("The harbour council of Velmora voted"), "{}", a.text);
    assert_eq!(a.title_origin, TitleOrigin::Synthesised);
    assert_eq!(
        a.title.as_deref(),
        Some("The harbour council of Velmora voted on Tuesday to close the old…")
    );
}

#[test]
fn header_lines_with_keys_and_byline() {
    let t = format!("Title: Ferry terminal to close\nDate: May 11, 2025\nSource: Velmora Post\n\nBy Anna Lindqvist\n\n{BODY}");
    let a = one("h.txt", t);
    assert_eq!(a.title.as_deref(), Some("Ferry terminal to close"));
    assert_eq!(a.published.unwrap().to_string(), "2025-05-11");
    assert_eq!(a.source.as_deref(), Some("Velmora Post"));
    assert_eq!(a.author.as_deref(), Some("Anna Lindqvist"));
    assert!(a.text.starts_with("The harbour council"));
}

#[test]
fn byline_followed_by_its_date_is_a_header() {
    let t = format!("Ferry terminal to close\n\nBy Anna Lindqvist 4 March 2026\n\n{BODY}");
    let a = one("h.txt", t);
    assert_eq!(a.author.as_deref(), Some("Anna Lindqvist"));
    assert!(a.text.starts_with("The harbour council"), "{}", a.text);
}

#[test]
fn title_detection() {
    let a = one("t.txt", format!("Velmora to close century-old ferry terminal\n\n{BODY}"));
    assert_eq!(a.title.as_deref(), Some("Velmora to close century-old ferry terminal"));
    assert_eq!(a.title_origin, TitleOrigin::Detected);
    assert!(a.text.starts_with("The harbour council"));
    assert_eq!(a.text, BODY);
    assert_eq!(a.language.as_deref(), Some("en"));
}

#[test]
fn synthesised_title_short_sentence() {
    let a = one(
        "s.txt",
        "The U.S. consulate in Velmora closed on Monday. Staff were moved to the capital.",
    );
    assert_eq!(a.title.as_deref(), Some("The U.S. consulate in Velmora closed on Monday"));
    assert_eq!(a.title_origin, TitleOrigin::Synthesised);
}

#[test]
fn repeated_title_removed() {
    let t = format!(
        "Ferry terminal to close\n\nFerry terminal to close\n\n{BODY}\n\nFerry Terminal to Close"
    );
    let a = one("r.txt", t);
    assert_eq!(a.text, BODY);
    assert_eq!(kinds(&a), vec!["repeated title", "repeated title"]);
}

#[test]
fn editors_note_removed() {
    let t = format!("Ferry terminal to close\n\nEditor\u{2019}s Note: This story has been updated with comment from the council.\n\n{BODY}\n\nEditor's note: An earlier version misstated the year the service began.");
    let a = one("n.txt", t);
    assert_eq!(a.text, BODY);
    assert_eq!(kinds(&a), vec!["editor's note", "editor's note"]);
}

#[test]
fn teaser_removed() {
    let t = format!("Ferry terminal to close\n\n{BODY}\n\nInside the last winter of Velmora\u{2019}s fishing fleet\nEditor's Note: Some names have been changed. For forty years the boats of the northern quay have left before dawn, and the men who crew them say the");
    let a = one("t.txt", t);
    assert_eq!(a.text, BODY);
    assert_eq!(kinds(&a), vec!["teaser"]);
    assert!(a.removed[0].text.starts_with("Inside the last winter"));
}

#[test]
fn proper_final_paragraph_is_kept() {
    let t = format!("Ferry terminal to close\n\n{BODY}\n\nWhat happens next\n\nThe council will publish a plan for the site in September, officials said.");
    let a = one("k.txt", t);
    assert!(a.text.ends_with("What happens next\n\nThe council will publish a plan for the site in September, officials said."));
    assert!(a.removed.is_empty());
}

#[test]
fn glued_trailer_gives_outlet_and_author() {
    let t = format!("Ferry terminal to close\n\n{BODY}\n\nFerry terminal to closeThe Daily CourierMaria Lopez\nFerry terminal to close");
    let a = one("g.txt", t);
    assert_eq!(a.source.as_deref(), Some("The Daily Courier"));
    assert_eq!(a.author.as_deref(), Some("Maria Lopez"));
    assert_eq!(a.text, BODY);
    assert_eq!(kinds(&a), vec!["repeated title", "trailer"]);
}

#[test]
fn glued_trailer_with_camel_case_name() {
    let t = format!(
        "Ferry terminal to close\n\n{BODY}\n\nFerry terminal to closeNorth Sea NewsMaxAngus McLeod"
    );
    let a = one("g.txt", t);
    assert_eq!(a.source.as_deref(), Some("North Sea NewsMax"));
    assert_eq!(a.author.as_deref(), Some("Angus McLeod"));
}

#[test]
fn record_metadata_wins_over_trailer() {
    let rec = serde_json::json!({
        "text": format!("Ferry terminal to close\n\n{BODY}\n\nFerry terminal to closeThe Daily CourierMaria Lopez"),
        "source": "Velmora Post"
    });
    let a = one("r.json", rec.to_string());
    assert_eq!(a.source.as_deref(), Some("Velmora Post"));
    assert_eq!(a.author.as_deref(), Some("Maria Lopez"));
    assert_eq!(a.text, BODY);
}

#[test]
fn closing_byline_and_outlet_line() {
    let t = format!("Ferry terminal to close\n\n{BODY}\n\nBy Jonas Ekberg\n\nNorthern Ledger");
    let a = one("b.txt", t);
    assert_eq!(a.author.as_deref(), Some("Jonas Ekberg"));
    assert_eq!(a.source.as_deref(), Some("Northern Ledger"));
    assert_eq!(a.text, BODY);
}

#[test]
fn hard_wrapped_text_is_rejoined() {
    let t = "Ferry terminal to close\n\nThe harbour council of Velmora voted on Tuesday to close the old\nferry terminal by the end of the year, ending a service that has\nrun since 1921, officials said.\n\nThe terminal carried about 40,000 passengers last year, according\nto figures published by the port authority on its website.\n";
    let a = one("w.txt", t);
    assert_eq!(a.title.as_deref(), Some("Ferry terminal to close"));
    assert_eq!(a.text.split("\n\n").count(), 2, "{}", a.text);
    assert!(a.text.contains("the old ferry terminal"));
}

#[test]
fn html_page_main_text_and_metadata() {
    let page = r#"<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Ferry terminal to close after a century | Velmora Post</title>
<meta property="og:site_name" content="Velmora Post">
<meta property="og:title" content="Ferry terminal to close after a century | Velmora Post">
<meta property="article:published_time" content="2025-05-13T06:30:00+02:00">
<meta name="author" content="Anna Lindqvist">
</head><body>
<nav><a href="/">Home</a> <a href="/local">Local</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Ferry terminal to close after a century</h1>
<p>The harbour council of Velmora voted on Tuesday to close the old ferry terminal by the end of the year, ending a service that has run since 1921.</p>
<p>"We cannot keep patching a building that is falling into the sea," council chair Ilse Brandvold said after the vote, which passed by nine votes to four.</p>
<p>The terminal carried about 40,000 passengers last year, according to figures published by the port authority, down from more than 100,000 a decade ago.</p>
</article>
<footer><p>Copyright Velmora Post. All rights reserved.</p></footer>
</body></html>"#;
    let a = one("page.html", page);
    assert_eq!(a.title.as_deref(), Some("Ferry terminal to close after a century"));
    assert_eq!(a.title_origin, TitleOrigin::Given);
    assert_eq!(a.source.as_deref(), Some("Velmora Post"));
    assert_eq!(a.author.as_deref(), Some("Anna Lindqvist"));
    assert_eq!(a.published.unwrap().to_string(), "2025-05-13");
    assert_eq!(a.published_origin, Some(DateOrigin::HtmlMeta));
    assert!(a.text.starts_with("The harbour council of Velmora"), "{}", a.text);
    assert!(a.text.contains("\n\n\"We cannot keep patching"));
    assert!(!a.text.contains("Copyright"));
    assert!(!a.text.contains("Sport"));
}

#[test]
fn html_time_element_date() {
    let page = "<html><head><title>Bridge reopens</title></head><body><article><time datetime=\"2025-05-16\">Friday</time><p>The Oster bridge reopened to traffic on Friday after four days of repairs, city officials said.</p></article></body></html>";
    let a = one("p.html", page);
    assert_eq!(a.published.unwrap().to_string(), "2025-05-16");
}

#[test]
fn ids_are_content_addressed() {
    let t = format!("Ferry terminal to close\n\n{BODY}");
    let a = one("a.txt", t.clone());
    let b = one("other/name.txt", t.clone());
    assert_eq!(a.id, b.id);
    assert_eq!(a.id.len(), 16);
    assert!(a.id.chars().all(|c| c.is_ascii_hexdigit()));
    let spaced = one("c.txt", t.replace(". ", ".   "));
    assert_eq!(a.id, spaced.id);
    let x = one("x.json", serde_json::json!({"text": t, "source": "Velmora Post"}).to_string());
    let y = one("y.json", serde_json::json!({"text": t, "source": "Northern Ledger"}).to_string());
    assert_ne!(x.id, y.id);
    assert_eq!(
        article_id(Some("T"), Some("S"), "Body  text"),
        article_id(Some("t"), Some("S"), "body text")
    );
}

#[test]
fn raw_article_keeps_text_exactly() {
    let t = "  Ferry terminal to close\n\nEditor's Note: kept.\n\n";
    let a = raw_article("-", t);
    assert_eq!(a.text, t);
    assert_eq!(a.title, None);
    assert_eq!(a.title_origin, TitleOrigin::None);
    assert_eq!(a.input_id.as_deref(), Some("-"));
    assert_eq!(a.id, article_id(None, None, t));
    assert_eq!(a.analysis, Analysis::default());
}

#[test]
#[ignore = "needs ../shared/seeds"]
fn real_seeds() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seeds"));
    assert!(dir.is_dir(), "{} not found (it ships beside the repository)", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let find = |prefix: &str| {
        files.iter().find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix)).cloned()
    };
    if let Some(p) = find("000_") {
        let a = one(&p.display().to_string(), std::fs::read(&p).unwrap());
        assert_eq!(a.title_origin, TitleOrigin::Detected);
        assert_eq!(a.source.as_deref(), Some("The Kyiv Independent"));
        assert_eq!(a.author.as_deref(), Some("Yuliia Taradiuk"));
        assert!(!a.text.contains("We have not surrendered"));
        assert!(!a.text.contains("We have le"));
        assert!(!a.text.contains("Editor"));
        assert!(!a.text.contains("IndependentYuliia"));
        let last = a.text.rsplit("\n\n").next().unwrap();
        assert!(last.starts_with("The U.S. embassy in Kyiv also issued a warning"), "{last}");
        let k = kinds(&a);
        assert!(
            k.contains(&"teaser") && k.contains(&"trailer") && k.contains(&"editor's note"),
            "{k:?}"
        );
        assert_eq!(a.language.as_deref(), Some("en"));
    }
    if let Some(p) = find("004_") {
        let a = one(&p.display().to_string(), std::fs::read(&p).unwrap());
        assert_eq!(a.published.unwrap().to_string(), "2025-05-11");
        assert_eq!(a.published_origin, Some(DateOrigin::Header));
        assert_eq!(a.title_origin, TitleOrigin::Synthesised);
        assert!(a.title.as_deref().unwrap().starts_with("Russian President Vladimir Putin"));
        assert!(a.text.starts_with("Russian President Vladimir Putin"));
        assert!(a.text.ends_with("Trump wrote."));
    }
}

#[test]
fn never_panics_on_truncations() {
    let full = format!(
        " date 2025-05-11 Title: x\nBy Anna Lindqvist\n\nFerry terminal to close\n\nEditor's Note: updated.\n\n{BODY}\n\nInside the fleet\nEditor's Note: The boats leave\nFerry terminal to closeThe Daily CourierMaria Lopez\nFerry terminal to close"
    );
    let json = serde_json::json!({"title": "Ferry", "text": full, "published": "May 11, 2025"})
        .to_string();
    for src in [full.as_str(), json.as_str()] {
        for (i, _) in src.char_indices() {
            let _ = parse(&input("t.txt", &src.as_bytes()[..i]));
        }
    }
}

/// A news page of several paragraphs (about 150 words) about `topic`.
fn news_html(title: &str, topic: &str, extra_head: &str) -> String {
    let paras: String = (0..6)
        .map(|i| {
            format!(
                "<p>Paragraph {i} on {topic}: the harbour board of Westmere met on Thursday, and \
                 its members argued for an hour about the cost before they agreed to a plan.</p>"
            )
        })
        .collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><title>{title}</title>{extra_head}</head><body>\
         <nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav><article><h1>{title}</h1>\
         {paras}</article><footer>Contact the newsroom</footer></body></html>"
    )
}

#[test]
fn rss_feed_entries_with_content_become_articles_and_links_are_queued() {
    let body = news_html("Pier repairs approved", "the pier", "");
    let rss = format!(
        r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>The Westmere Ledger</title><link>https://ledger.example/</link>
<item><title>Pier repairs approved</title><link>https://ledger.example/2026/03/pier</link>
<pubDate>Tue, 03 Mar 2026 09:30:00 +0000</pubDate><author>desk@ledger.example (Ada Quill)</author>
<content:encoded><![CDATA[{body}]]></content:encoded></item>
<item><title>Ferry timetable</title><link>https://ledger.example/2026/03/ferry</link>
<description>Later ferries from May.</description></item>
</channel></rss>"#
    );
    let p = parse(&input("ledger.xml", rss));
    assert_eq!(p.records.len(), 1, "{:?}", p.records);
    let a = p.records[0].as_ref().unwrap();
    assert_eq!(a.title.as_deref(), Some("Pier repairs approved"));
    assert_eq!(a.source.as_deref(), Some("The Westmere Ledger"));
    assert_eq!(a.author.as_deref(), Some("Ada Quill"));
    assert_eq!(a.url.as_deref(), Some("https://ledger.example/2026/03/pier"));
    assert_eq!(a.published.unwrap().to_string(), "2026-03-03");
    assert_eq!(a.published_origin, Some(DateOrigin::Feed));
    assert!(a.text.contains("Paragraph 5 on the pier"), "{}", a.text);
    assert_eq!(p.links, vec!["https://ledger.example/2026/03/ferry".to_string()]);
    assert!(p.warnings.iter().any(|w| w.contains("1 feed entries only link")), "{:?}", p.warnings);
}

#[test]
fn json_feed_is_sniffed_as_a_feed() {
    let doc = serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Valley Post",
        "items": [{"id": "1", "url": "https://valley.example/floods", "title": "Floods recede",
                   "content_html": news_html("Floods recede", "the floods", ""),
                   "date_published": "2026-02-10T07:00:00+01:00"}]
    });
    let a = one("valley.json", doc.to_string());
    assert_eq!(a.source.as_deref(), Some("Valley Post"));
    assert_eq!(a.title.as_deref(), Some("Floods recede"));
}

#[test]
fn warc_response_record_becomes_an_article_with_its_url() {
    let head = r#"<meta property="og:site_name" content="Northgate Courier">
        <script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2026-04-01T18:00:00Z","author":{"name":"Ben Oak"}}</script>"#;
    let page = news_html("Bridge reopens", "the bridge", head);
    let h = vec![("Content-Type".to_string(), "text/html; charset=utf-8".to_string())];
    let rec = warc::response_record(
        "https://courier.example/news/bridge",
        "2026-04-02T06:00:00Z",
        200,
        &h,
        page.as_bytes(),
        &[],
    );
    let a = one("https://courier.example/news/bridge", rec.to_bytes());
    assert_eq!(a.url.as_deref(), Some("https://courier.example/news/bridge"));
    assert_eq!(a.source.as_deref(), Some("Northgate Courier"));
    assert_eq!(a.author.as_deref(), Some("Ben Oak"));
    assert_eq!(a.published.unwrap().to_string(), "2026-04-01");
    assert_eq!(a.published_origin, Some(DateOrigin::JsonLd));
    // Without any date in the page, the record's date is the fallback, labelled as such; the
    // host names the outlet when the page does not.
    let page = news_html("Bridge reopens", "the bridge", "");
    let rec = warc::response_record(
        "https://www.courier.example/news/bridge",
        "2026-04-02T06:00:00Z",
        200,
        &h,
        page.as_bytes(),
        &[],
    );
    let a = one("x", rec.to_bytes());
    assert_eq!(a.published.unwrap().to_string(), "2026-04-02");
    assert_eq!(a.published_origin, Some(DateOrigin::WarcDate));
    assert_eq!(a.source.as_deref(), Some("courier.example"));
    // A 404 or a non-HTML payload yields nothing.
    let rec = warc::response_record(
        "https://courier.example/x",
        "2026-04-02T06:00:00Z",
        404,
        &h,
        b"gone",
        &[],
    );
    assert!(parse(&input("x", rec.to_bytes())).records.is_empty());
}

#[test]
fn warc_file_streams_its_response_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crawl.warc.gz");
    let mut file = std::fs::File::create(&path).unwrap();
    let h = vec![("Content-Type".to_string(), "text/html".to_string())];
    for (i, topic) in ["the pier", "the ferry", "the lighthouse"].iter().enumerate() {
        let page = news_html(&format!("Story {i}"), topic, "");
        let rec = warc::response_record(
            &format!("https://ledger.example/{i}"),
            "2026-05-01T12:00:00Z",
            200,
            &h,
            page.as_bytes(),
            &[],
        );
        let request = warc::Record {
            headers: vec![("WARC-Type".into(), "request".into())],
            block: b"GET / HTTP/1.1\r\n\r\n".to_vec(),
        };
        for r in [request, rec] {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&r.to_bytes()).unwrap();
            file.write_all(&gz.finish().unwrap()).unwrap();
        }
    }
    drop(file);
    assert!(is_warc_path(&path));
    let inputs: Vec<Input> = warc_inputs(&path).map(Result::unwrap).collect();
    assert_eq!(inputs.len(), 3);
    assert_eq!(inputs[1].name, "https://ledger.example/1");
    let a = one(&inputs[2].name, inputs[2].bytes.clone());
    assert!(a.text.contains("the lighthouse"));
    // The whole small archive read as one input gives the same three articles.
    let p = parse(&input("crawl.warc.gz", std::fs::read(&path).unwrap()));
    assert_eq!(p.records.iter().filter(|r| r.is_ok()).count(), 3);
}

/// A record whose text is one sentence equal to its title (a wire flash, a title-only item) is an
/// article of that sentence, not "no article text found".
#[test]
fn one_sentence_record_equal_to_its_title_is_an_article() {
    let a = one(
        "flash.jsonl",
        "{\"id\": \"f1\", \"source\": \"Harbour Wire\", \"published\": \"2031-03-04\", \
         \"title\": \"Velmora ferry terminal to close by December\", \
         \"text\": \"Velmora ferry terminal to close by December\"}\n",
    );
    assert_eq!(a.text, "Velmora ferry terminal to close by December");
    assert_eq!(a.title.as_deref(), Some("Velmora ferry terminal to close by December"));
    // Title only, the text repeating it twice: one sentence kept.
    let b = one(
        "flash2.json",
        "{\"title\": \"Brandvold re-elected harbour chair\", \
         \"text\": \"Brandvold re-elected harbour chair\\n\\nBrandvold re-elected harbour chair.\"}",
    );
    assert_eq!(b.text.trim_end_matches('.'), "Brandvold re-elected harbour chair");
}

const REC_A: &str = "{\"id\": \"a\", \"title\": \"Ferry terminal to close\", \"text\": \"The harbour council of Velmora voted on Tuesday to close the old ferry terminal.\"}";
const REC_B: &str = "{\"title\": \"Bridge repairs begin\", \"text\": \"Crews began repairing the Oster bridge on Monday, the city said.\"}";

/// Results as `name: reason` for errors and the title for articles.
fn outline(p: &Parsed) -> Vec<String> {
    p.records
        .iter()
        .map(|r| match r {
            Ok(a) => a.title.clone().unwrap_or_default(),
            Err(e) => format!("{}: {}", e.input, e.reason.split(':').next().unwrap_or("")),
        })
        .collect()
}

/// A header line that is not JSON does not turn a JSON Lines file into one plain-text article of
/// raw JSON: the header is named `file:1` and skipped, the records are read.
#[test]
fn jsonl_header_line_is_named_and_skipped() {
    use sniff::{sniff, Format};
    let text = format!("id\ttitle\ttext\n{REC_A}\n{REC_B}\n");
    assert_eq!(sniff(&text), Format::JsonLines);
    let p = parse(&input("export.jsonl", text));
    assert_eq!(
        outline(&p),
        [
            "export.jsonl:1: invalid JSON at line 1",
            "Ferry terminal to close",
            "Bridge repairs begin"
        ]
    );
    // A header and one record.
    let p = parse(&input("one.jsonl", format!("# exported 2031-03-04\n{REC_B}\n")));
    assert_eq!(outline(&p), ["one.jsonl:1: invalid JSON at line 1", "Bridge repairs begin"]);
    for r in p.records.iter().flatten() {
        assert!(!r.text.contains("{\""), "{}", r.text);
    }
}

/// Good records are kept when bad lines are the majority; each bad line is named with its line.
#[test]
fn jsonl_mostly_bad_lines_keeps_the_good_records() {
    let text = format!(
        "{REC_A}\n{{\"text\": \"The council vot\nnot json at all\n[1, 2]\n{{\"title\": \"no body\"}}\n\n{REC_B}\n<html>\n"
    );
    let p = parse(&input("b.jsonl", text));
    assert_eq!(
        outline(&p),
        [
            "Ferry terminal to close",
            "b.jsonl:2: invalid JSON at line 2",
            "b.jsonl:3: invalid JSON at line 3",
            "b.jsonl:4: record is not a JSON object",
            "b.jsonl:5: record has neither `text` nor `html`",
            "Bridge repairs begin",
            "b.jsonl:8: invalid JSON at line 8",
        ]
    );
}

/// Prose that happens to hold one JSON object on a line stays prose; a pretty-printed object is
/// still one JSON document.
#[test]
fn jsonl_is_decided_by_lines_not_by_one_line() {
    use sniff::{sniff, Format};
    let prose = format!("Config leak at Velmora port\n\n{BODY}\n{{\"user\": \"admin\"}}\n{BODY}");
    assert_eq!(sniff(&prose), Format::Text);
    assert_eq!(sniff("{\n  \"text\": \"a\",\n  \"nested\": {\"b\": 1}\n}\n"), Format::Json);
    assert_eq!(sniff(&format!("{REC_A}\n{REC_B}")), Format::JsonLines);
    // Two JSON-LD blocks on lines of their own do not make a page JSON Lines.
    let page = format!(
        "<html><head>\n<script type=\"application/ld+json\">\n{REC_A}\n</script>\n\
         <script type=\"application/ld+json\">\n{REC_B}\n</script></head><body><p>x</p></body></html>"
    );
    assert_eq!(sniff(&page), Format::Html);
}

/// One corrupt WARC record in an archive read whole costs only itself; the error names where it
/// was and how much was skipped.
#[test]
fn warc_corrupt_record_is_skipped_and_counted() {
    let h = vec![("Content-Type".to_string(), "text/html".to_string())];
    let rec = |i: usize, topic: &str| {
        let page = news_html(&format!("Story {i}"), topic, "");
        let url = format!("https://ledger.example/{i}");
        warc::response_record(&url, "2026-05-01T12:00:00Z", 200, &h, page.as_bytes(), &[])
            .to_bytes()
    };
    let bad = String::from_utf8(rec(1, "the ferry"))
        .unwrap()
        .replace("Content-Length", "Content-Lngth")
        .into_bytes();
    let bytes = [rec(0, "the pier"), bad, rec(2, "the lighthouse")].concat();
    let p = parse(&input("crawl.warc", bytes));
    assert_eq!(p.records.len(), 3);
    assert!(p.records[0].as_ref().unwrap().text.contains("the pier"));
    let e = p.records[1].as_ref().unwrap_err();
    assert_eq!(e.input, "crawl.warc");
    assert!(e.reason.contains("without a valid Content-Length; skipped"), "{}", e.reason);
    assert!(p.records[2].as_ref().unwrap().text.contains("the lighthouse"));
}

/// A FIFO beside ordinary files is reported and skipped, never opened (opening it hung ingest);
/// a symlink loop adds nothing.
#[cfg(unix)]
#[test]
fn read_inputs_skips_fifos_and_symlink_loops() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    std::fs::write(d.join("a.txt"), "a").unwrap();
    std::fs::write(d.join("c.txt"), "c").unwrap();
    assert!(std::process::Command::new("mkfifo").arg(d.join("b.pipe")).status().unwrap().success());
    std::os::unix::fs::symlink(".", d.join("x")).unwrap();
    std::os::unix::fs::symlink(".", d.join("y")).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let walked = d.clone();
    std::thread::spawn(move || tx.send(read_inputs(&[walked])).unwrap());
    let got = rx.recv_timeout(std::time::Duration::from_secs(20)).expect("read_inputs hung");
    let names: Vec<String> = got
        .iter()
        .map(|r| match r {
            Ok(i) => i.name.clone(),
            Err(e) => e.to_string(),
        })
        .collect();
    let d = d.display();
    assert_eq!(
        names,
        [
            format!("{d}/a.txt"),
            format!("{d}/b.pipe: not a regular file: a FIFO; skipped"),
            format!("{d}/c.txt")
        ]
    );
}

/// A panic while reading one record is that record's error, named as the record; the input's
/// other records are unaffected (the closure stands in for a reader bug).
#[test]
fn a_panic_in_one_record_names_the_record() {
    let e = isolated("batch.jsonl:7", || panic!("reader bug")).unwrap_err();
    assert_eq!((e.input.as_str(), e.reason.as_str()), ("batch.jsonl:7", INTERNAL_ERROR));
    let fine = isolated("batch.jsonl:8", || Ok(raw_article("batch.jsonl:8", "Text.")));
    assert_eq!(fine.unwrap().text, "Text.");
}

/// Title stripping is a linear search: a 20,000-character title found at the end of a trailer
/// line of 40,000 characters of the same letter (the worst case of the old scan, which compared
/// up to the title's length at every position: O(line × title)).
#[test]
fn glued_trailer_with_a_huge_title_is_linear() {
    let title = format!("{}b", "a".repeat(19_999));
    let trailer = format!("{}{title}The Daily CourierMaria Lopez", "a".repeat(20_000));
    let body = format!("{BODY}\n\n{trailer}");
    let t = std::time::Instant::now();
    let a = one("huge.json", serde_json::json!({"title": title, "text": body}).to_string());
    assert!(t.elapsed().as_secs() < 20, "{:?}", t.elapsed());
    assert_eq!(a.source.as_deref(), Some("The Daily Courier"));
    assert_eq!(a.author.as_deref(), Some("Maria Lopez"));
    assert_eq!(a.text, BODY);
}

/// JSON Lines are read one line per record asked for (a caller committing as it goes commits a
/// big file in batches), with the line numbers, blank lines and CRLF endings `parse` gives.
#[test]
fn jsonl_records_are_read_as_they_are_asked_for() {
    let line = |n: usize| {
        format!(
            "{{\"title\": \"Quay crane {n} repaired\", \"text\": \"Crews repaired quay crane {n} at the port of Velmora on Monday, the harbour office said.\"}}"
        )
    };
    let text = format!("{}\r\n\r\n{}\nnot json\n{}\n", line(1), line(2), line(3));
    let mut records = records(&input("cranes.jsonl", text.clone()));
    assert_eq!(records.count, 4, "non-blank lines");
    let first = records.next().unwrap().unwrap();
    assert_eq!(first.input_id.as_deref(), Some("cranes.jsonl:1"));
    let Source::Lines { pos, .. } = &records.source else { panic!("JSON Lines are streamed") };
    assert_eq!(*pos, line(1).len() + 2, "only the first line was read");
    let rest: Vec<_> = records.collect();
    assert_eq!(rest.len(), 3);
    assert_eq!(rest[0].as_ref().unwrap().input_id.as_deref(), Some("cranes.jsonl:3"));
    assert_eq!(rest[1].as_ref().unwrap_err().input, "cranes.jsonl:4");
    assert_eq!(rest[2].as_ref().unwrap().input_id.as_deref(), Some("cranes.jsonl:5"));
    assert_eq!(parse(&input("cranes.jsonl", text)).records.len(), 4);
}

#[test]
fn a_page_nested_thousands_deep_still_gives_its_text() {
    // Hostile nesting skips the readability pass (quadratic in the depth); the text is read all
    // the same.
    let depth = 3_000;
    let page = format!(
        "<html><head><title>Orla votes for a library</title></head><body>{}<p>The council of \
         Orla approved a new library on Thursday, the mayor said. Building starts in spring, \
         council officials said.</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let article = one("deep.html", page);
    assert!(article.text.contains("The council of Orla approved a new library"), "{article:?}");
    assert!(!article.text.contains("<div>"));
}

#[test]
fn a_page_nested_past_the_parse_bound_is_read_from_its_tags() {
    // 100,000 nested <div>s (1.1 MB): never given to the HTML parser, whose time grows with the
    // depth; the title and text come from the tags, in one linear pass.
    let page = |depth: usize| {
        format!(
            "<html><head><title>Orla votes for a library</title><script>var x = \"<div>\";\
             </script></head><body>{}<p>The council of Orla approved a new library on Thursday, \
             the mayor said.</p><p>Building starts in spring, council officials said.</p>{}\
             </body></html>",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        )
    };
    assert!(!nesting::too_deep(&page(nesting::MAX_PARSE_DEPTH)));
    let deep = page(100_000);
    assert!(nesting::too_deep(&deep));
    html::VISITS.with(|v| v.set(0));
    let article = one("deep.html", deep);
    assert_eq!(html::VISITS.with(|v| v.get()), 0, "no DOM walked");
    assert_eq!(article.title.as_deref(), Some("Orla votes for a library"));
    assert!(article.text.contains("The council of Orla approved a new library"), "{article:?}");
    assert!(article.text.contains("Building starts in spring"), "{article:?}");
    assert!(!article.text.contains("var x"), "{article:?}");
    // At the bound the page is parsed and read as before.
    let article = one("bound.html", page(nesting::MAX_PARSE_DEPTH));
    assert!(article.text.contains("The council of Orla approved a new library"), "{article:?}");
}

#[test]
fn language_is_english_by_function_words_and_others_by_whatlang() {
    // Invented reports: English plain enough to skip the trigram detector, and four other
    // languages that must still reach it (none of their common words is on the English list).
    let english = "The harbour authority of Port Veldra said on Monday that it had closed the \
        northern quay after a crane collapsed, and that the ferries to the islands would sail \
        from the old pier until the inquiry was over. Two workers were taken to hospital.";
    let german = "Die Hafenbehörde von Port Veldra hat am Montag den nördlichen Kai geschlossen, \
        nachdem ein Kran eingestürzt war. Die Fähren zu den Inseln fahren bis zum Ende der \
        Untersuchung vom alten Pier ab. Zwei Arbeiter wurden ins Krankenhaus gebracht.";
    let french = "L'autorité portuaire de Port Veldra a fermé lundi le quai nord après \
        l'effondrement d'une grue. Les ferries vers les îles partiront du vieux quai jusqu'à la \
        fin de l'enquête. Deux ouvriers ont été transportés à l'hôpital.";
    let spanish = "La autoridad portuaria de Port Veldra cerró el lunes el muelle norte después \
        de que se derrumbara una grúa. Los transbordadores a las islas saldrán del muelle viejo \
        hasta que termine la investigación. Dos trabajadores fueron llevados al hospital.";
    let dutch = "De havenautoriteit van Port Veldra heeft maandag de noordelijke kade gesloten \
        nadat een kraan was ingestort. De veerboten naar de eilanden vertrekken tot het einde \
        van het onderzoek vanaf de oude pier. Twee arbeiders zijn naar het ziekenhuis gebracht.";
    assert!(super::plainly_english(english));
    assert_eq!(detect_language(english).as_deref(), Some("en"));
    for (text, code) in [(german, "de"), (french, "fr"), (spanish, "es"), (dutch, "nl")] {
        assert!(!super::plainly_english(text), "{code} is not plainly English");
        assert_eq!(detect_language(text).as_deref(), Some(code));
    }
}
