//! `storyline serve` end to end: a real server on an ephemeral port over a real SQLite store
//! filled through `storyline_pipeline::ingest` with invented articles (invented outlets, places
//! and events), queried over HTTP — the JSON API, its errors and OpenAPI document, the pages and
//! their escaping of hostile article text, full-text search (API and page), and (when Debian's
//! `chromium` is installed) the story page as a headless browser renders it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use serde_json::Value;
use storyline_ingest::Input;
use storyline_search::SearchIndex;
use storyline_store_sqlite::SqliteStore;

const STRIKE_TITLE: &str = "Dock workers at Port Varnholm walk out";
const TALKS_TITLE: &str = "Port Varnholm pay talks resume after dock walkout";

/// Invented articles: a three-outlet strike (one outlet's copy hostile, one giving another count
/// of strikers), a ferry story whose
/// title carries markup, and a festival.
fn inputs() -> Vec<Input> {
    let record = |name: &str, title: &str, outlet: &str, day: &str, text: &str| {
        Input {
        name: name.into(),
        bytes: serde_json::json!({
            "title": title, "source": outlet, "published": day, "text": text,
            "url": if name == "hostile.json" { "javascript:alert(3)" } else { "https://example.org/a" },
        })
        .to_string()
        .into_bytes(),
    }
    };
    vec![
        record(
            "ledger.json",
            STRIKE_TITLE,
            "Varnholm Ledger",
            "2026-04-07",
            "Dock workers at Port Varnholm walked out on Tuesday over pay, halting cargo traffic. \
             The union said 1,200 members joined the strike. Harbour master Ilse Brandt said ships \
             were being diverted to Kestrel Bay.",
        ),
        record(
            "courier.json",
            STRIKE_TITLE,
            "Kestrel Courier",
            "2026-04-07",
            "Dock workers at Port Varnholm went on strike on Tuesday in a dispute over pay. The \
             union said 1,500 members joined the strike. Ships were diverted to Kestrel Bay, \
             harbour master Ilse Brandt said, as cargo traffic stopped.",
        ),
        record(
            "hostile.json",
            STRIKE_TITLE,
            "Northgate \"Post\" <i>",
            "2026-04-07",
            "Dock workers at Port Varnholm walked out on Tuesday over pay. <script>alert(1)</script> \
             Harbour master Ilse Brandt said ships were diverted to Kestrel Bay. \
             <img src=x onerror=alert(2)> The union said 1,200 members joined the strike.",
        ),
        record(
            "ferry.json",
            "Lake Ormsby ferry resumes <script>alert('t')</script> service",
            "Ormsby Gazette",
            "2026-05-02",
            "The Lake Ormsby ferry resumed service on Saturday after a three-week repair of its \
             engine, the operator Bluewater Lines said. Fares are unchanged.",
        ),
        record(
            "talks.json",
            TALKS_TITLE,
            "Varnholm Ledger",
            "2026-04-21",
            "Two weeks after the dock walkout at Port Varnholm, the union and the port operators \
             resumed pay talks on Tuesday. Harbour master Ilse Brandt said cargo traffic at Port \
             Varnholm had returned to normal and that ships were no longer diverted to Kestrel \
             Bay. The union said its members would vote on any offer.",
        ),
        record(
            "festival.json",
            "Tilbury Vale orchard festival draws record crowd",
            "Northgate \"Post\" <i>",
            "2026-03-15",
            "The orchard festival in Tilbury Vale drew a record crowd of 8,000 visitors on Sunday, \
             organiser Marta Quell said. Cider makers from six villages took part.",
        ),
    ]
}

struct Server {
    base: String,
}

/// One server for every test of this file, on a fresh store.
fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("serve-test");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let store = SqliteStore::open(dir.join("store.db")).unwrap();
        let mut inputs = inputs();
        let late = inputs.pop().unwrap();
        let report = storyline_pipeline::ingest(&store, inputs.into_iter().map(Ok), &()).unwrap();
        assert_eq!((report.ingested, report.failed.len()), (5, 0), "{report:?}");
        let (search, _) = SearchIndex::open(&dir.join("store.db.search"), &store).unwrap();
        // Stored after the index opened: the first search must catch up with it.
        let report = storyline_pipeline::ingest(&store, std::iter::once(Ok(late)), &()).unwrap();
        assert_eq!(report.ingested, 1, "{report:?}");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            let config =
                storyline_server::Config { search: Some(Arc::new(search)), ingest_token: None };
            storyline_server::run(listener, Arc::new(store), config, std::future::pending())
                .unwrap()
        });
        Server { base }
    })
}

/// A response: status, headers (names lower-cased) and body.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> &str {
        self.headers.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
    }
}

/// GET `path` over plain HTTP/1.0 (so the server closes the connection after an unchunked body).
fn request(path: &str) -> Response {
    let addr = server().base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").expect("a header block");
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Response { status, headers, body: body.to_string() }
}

/// GET `path`: the status, the content type and the body.
fn get(path: &str) -> (u16, String, String) {
    let r = request(path);
    (r.status, r.header("content-type").to_string(), r.body)
}

fn get_json(path: &str) -> (u16, Value) {
    let (status, kind, body) = get(path);
    assert!(kind.starts_with("application/json"), "{path}: {kind}: {body}");
    (status, serde_json::from_str(&body).unwrap())
}

fn headlines(list: &Value) -> Vec<String> {
    list["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["headline"].as_str().unwrap().into())
        .collect()
}

/// The id of the invented harbour master, as the entity index gives it.
fn brandt_id() -> String {
    storyline_store::entity_id(storyline_model::EntityType::Person, "Ilse Brandt")
}

fn strike_id() -> String {
    let (_, list) = get_json("/api/v1/stories?min_sources=2");
    list["stories"][0]["id"].as_str().unwrap().to_string()
}

#[test]
fn api_lists_filters_and_pages_stories() {
    let (status, all) = get_json("/api/v1/stories");
    assert_eq!(status, 200);
    assert_eq!(all["total"], 4, "{all}");
    assert_eq!((all["limit"].as_u64(), all["offset"].as_u64()), (Some(20), Some(0)));
    let newest = headlines(&all);
    assert!(newest[0].starts_with("Lake Ormsby ferry"), "{newest:?}");
    assert!(newest[3].starts_with("Tilbury Vale"), "{newest:?}");

    let (_, big) = get_json("/api/v1/stories?min_sources=2");
    assert_eq!(big["total"], 1);
    assert_eq!(headlines(&big), [STRIKE_TITLE]);
    assert_eq!(big["stories"][0]["sources"], 3);

    let (_, by_size) = get_json("/api/v1/stories?sort=size&limit=1");
    assert_eq!(
        (by_size["total"].as_u64(), headlines(&by_size)),
        (Some(4), vec![STRIKE_TITLE.into()])
    );

    let (_, second) = get_json("/api/v1/stories?limit=1&offset=2");
    assert_eq!(headlines(&second), [STRIKE_TITLE]);
    let (_, past_end) = get_json("/api/v1/stories?offset=10");
    assert_eq!((past_end["total"].as_u64(), headlines(&past_end).len()), (Some(4), 0));

    let (_, april) = get_json("/api/v1/stories?since=2026-04-01&until=2026-04-30");
    assert_eq!(headlines(&april), [TALKS_TITLE, STRIKE_TITLE]);
    let (_, oldest) = get_json("/api/v1/stories?sort=oldest&limit=2");
    assert!(headlines(&oldest)[0].starts_with("Tilbury Vale"), "{oldest}");
    let (_, outlet) = get_json("/api/v1/stories?outlet=Ormsby%20Gazette");
    assert_eq!(outlet["total"], 1);
    assert!(headlines(&outlet)[0].starts_with("Lake Ormsby ferry"));
}

#[test]
fn api_gives_one_story_its_articles_and_an_article() {
    let id = strike_id();
    let (status, report) = get_json(&format!("/api/v1/stories/{id}"));
    assert_eq!(status, 200);
    assert_eq!(report["id"], id.as_str());
    assert_eq!(report["headline"], STRIKE_TITLE);
    assert_eq!(report["articles"].as_array().unwrap().len(), 3);
    assert!(report["comparison"]["agreed"].is_array(), "{report}");

    // A unique prefix is enough, as on the command line.
    let (status, same) = get_json(&format!("/api/v1/stories/{}", &id[..10]));
    assert_eq!((status, &same["id"]), (200, &report["id"]));

    let (status, members) = get_json(&format!("/api/v1/stories/{id}/articles"));
    assert_eq!(status, 200);
    assert_eq!(members["story"]["id"], id.as_str());
    let articles = members["articles"].as_array().unwrap();
    assert_eq!(articles.len(), 3);
    assert!(articles.iter().all(|a| a["grouping"]["story"] == id.as_str()));

    let article_id = articles[0]["id"].as_str().unwrap();
    let (status, article) = get_json(&format!("/api/v1/articles/{article_id}"));
    assert_eq!(status, 200);
    assert_eq!(article["id"], article_id);
    assert!(article["text"].as_str().unwrap().contains("Port Varnholm"));
    assert!(!article["sentences"].as_array().unwrap().is_empty(), "the analysis comes along");
    assert_eq!(article["grouping"]["story"], id.as_str());
}

#[test]
fn api_errors_are_json_with_a_code_and_status() {
    for (path, status, code) in [
        ("/api/v1/stories/ffffffffffffffff", 404, "not_found"),
        ("/api/v1/stories/ffffffffffffffff/articles", 404, "not_found"),
        ("/api/v1/articles/ffffffffffffffff", 404, "not_found"),
        ("/api/v1/no-such-endpoint", 404, "not_found"),
        ("/api/v1/stories?limit=1000", 400, "bad_request"),
        ("/api/v1/stories?limit=ten", 400, "bad_request"),
        ("/api/v1/stories?sort=random", 400, "bad_request"),
        ("/api/v1/stories?since=last-week", 400, "bad_request"),
        ("/api/v1/stories/%20", 404, "not_found"),
    ] {
        let (got, body) = get_json(path);
        assert_eq!(got, status, "{path}: {body}");
        assert_eq!(body["error"]["code"], code, "{path}: {body}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty(), "{path}");
    }
    let (_, body) = get_json("/api/v1/stories?limit=1000");
    assert!(body["error"]["message"].as_str().unwrap().starts_with("limit"), "{body}");
}

#[test]
fn openapi_document_parses_and_lists_the_paths() {
    let (status, doc) = get_json("/api/v1/openapi.json");
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/stories",
        "/api/v1/stories/{id}",
        "/api/v1/stories/{id}/articles",
        "/api/v1/articles/{id}",
        "/api/v1/entities",
        "/api/v1/entities/{id}",
        "/api/v1/entities/{id}/stories",
        "/api/v1/storylines/{id}",
        "/api/v1/search",
        "/api/v1/events",
        "/api/v1/openapi.json",
    ] {
        assert!(paths.contains_key(path), "{path} missing from {:?}", paths.keys());
    }
    let post = &paths["/api/v1/articles"]["post"];
    assert_eq!(post["security"][0]["token"], serde_json::json!([]), "{post}");
    assert!(post["responses"]["401"].is_object(), "{post}");
    assert_eq!(doc["components"]["securitySchemes"]["token"]["scheme"], "bearer");
    let params: Vec<&str> = paths["/api/v1/stories"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        params,
        [
            "limit",
            "offset",
            "sort",
            "min_sources",
            "since",
            "until",
            "outlet",
            "entity",
            "storyline"
        ]
    );
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for schema in [
        "StoryList",
        "StoryReport",
        "ArticleView",
        "ErrorBody",
        "Comparison",
        "SearchPage",
        "Hit",
        "IngestReport",
        "StoriesChanged",
        "StoryView",
        "StorylineLink",
        "StorylineStories",
        "EntityList",
        "EntityView",
        "EntityStories",
    ] {
        assert!(schemas.contains_key(schema), "schema {schema} missing");
    }
}

/// Hostile text must come out as text: no tag of it survives, its characters are escaped.
fn assert_inert(page: &str) {
    for raw in ["<script>alert", "<img src=x", "Northgate \"Post\" <i>", "href=\"javascript:"] {
        assert!(!page.contains(raw), "{raw:?} survived:\n{page}");
    }
}

#[test]
fn front_page_lists_headlines_filters_and_escapes() {
    let (status, kind, page) = get("/");
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/html"), "{kind}");
    assert!(page.contains(STRIKE_TITLE), "{page}");
    assert!(
        page.contains("Lake Ormsby ferry resumes &#60;script&#62;")
            || page.contains("Lake Ormsby ferry resumes &lt;script&gt;"),
        "{page}"
    );
    assert!(page.contains("3 outlets"), "{page}");
    assert_inert(&page);

    let (_, _, filtered) = get("/?since=&until=&outlet=&min_sources=2&sort=date");
    assert!(filtered.contains(STRIKE_TITLE));
    assert!(!filtered.contains("Tilbury Vale"), "{filtered}");

    let (_, _, paged) = get("/?limit=1");
    let next = paged.split("rel=\"next\" href=\"").nth(1).expect("a next-page link");
    assert!(
        next.starts_with("/?limit=1&#38;offset=1\"")
            || next.starts_with("/?limit=1&amp;offset=1\""),
        "{next}"
    );

    let (status, _, bad) = get("/?min_sources=many");
    assert_eq!(status, 400);
    assert!(bad.contains("min_sources"), "{bad}");
}

#[test]
fn front_page_threads_a_storylines_stories_under_its_first_listed() {
    // Newest first: the ferry, then the pay talks with the strike they follow beneath them (one
    // storyline), then the festival. Paging still counts every story.
    let (_, _, page) = get("/");
    assert!(page.contains("Stories 1–4 of 4"), "{page}");
    let entries: Vec<&str> = page.split("<li data-story=").skip(1).collect();
    assert_eq!(entries.len(), 4, "{page}");
    let talks = page.find(TALKS_TITLE).expect("the talks are listed");
    let strike = page.find(STRIKE_TITLE).expect("the strike is listed");
    assert!(talks < strike, "the strike comes after the talks it led to");
    let talks_entry = &page[talks..].split("</ul></li>").next().unwrap();
    assert!(
        talks_entry.contains("class=\"thread-rest\"") && talks_entry.contains(STRIKE_TITLE),
        "the strike is listed inside the talks' entry: {talks_entry}"
    );
    assert_eq!(page.matches("class=\"thread-rest\"").count(), 1, "one thread: {page}");

    // By size the strike (three outlets) leads, with the talks beneath it.
    let (_, _, by_size) = get("/?sort=size");
    let strike = by_size.find(STRIKE_TITLE).unwrap();
    let entry = &by_size[strike..].split("</ul></li>").next().unwrap();
    assert!(entry.contains("thread-rest") && entry.contains(TALKS_TITLE), "{by_size}");
}

#[test]
fn story_and_article_pages_show_the_story_and_escape_hostile_text() {
    let id = strike_id();
    let (status, _, page) = get(&format!("/stories/{id}"));
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(&format!("<h1>{STRIKE_TITLE}</h1>")), "{page}");
    assert!(page.contains("Varnholm Ledger") && page.contains("Kestrel Courier"), "{page}");
    assert!(page.contains("Outlets side by side"), "{page}");
    let conflicts = page.find("<h2 id=\"conflicts\">Conflicts</h2>").expect("a conflicts section");
    assert!(conflicts < page.find("<h2 id=\"summary\">").unwrap(), "conflicts come first");
    assert!(page[conflicts..].contains("1,500"), "each side's value is shown");
    assert_inert(&page);
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
            || page.contains("&#60;script&#62;alert(1)"),
        "the hostile text is shown, as text:\n{page}"
    );

    let (_, members) = get_json(&format!("/api/v1/stories/{id}/articles"));
    let hostile = members["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["text"].as_str().unwrap().contains("alert(1)"))
        .expect("the hostile article keeps its text");
    let (status, _, page) = get(&format!("/articles/{}", hostile["id"].as_str().unwrap()));
    assert_eq!(status, 200);
    assert!(page.contains("Port Varnholm"), "{page}");
    assert_inert(&page);
    assert!(page.contains("javascript:alert(3)"), "the URL is shown as text, not a link");

    let (status, kind, missing) = get("/stories/ffffffffffffffff");
    assert_eq!(status, 404);
    assert!(kind.starts_with("text/html") && missing.contains("not_found"), "{missing}");
}

#[test]
fn responses_carry_a_content_security_policy_without_inline_or_foreign_script() {
    let response = request("/");
    let csp = response.header("content-security-policy");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    let script = csp.split(';').map(str::trim).find(|d| d.starts_with("script-src")).unwrap();
    assert_eq!(script, "script-src 'self'", "no inline script, nothing from elsewhere: {csp}");
    assert!(response.body.contains(r#"<script src="/assets/live.js" defer></script>"#));
    let (status, kind, js) = get("/assets/live.js");
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/javascript") && js.contains("EventSource"), "{kind}");
    assert!(!js.contains("innerHTML"), "the live notice writes text only");
    let (status, kind, css) = get("/assets/style.css");
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/css") && css.contains("mark.agreed"), "{kind}");
}

#[test]
fn api_search_ranks_marks_labels_and_counts() {
    let (status, page) = get_json("/api/v1/search?q=strike");
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 3, "{page}");
    let strike = strike_id();
    let hits = page["hits"].as_array().unwrap();
    assert!(hits.iter().all(|h| h["story"] == strike.as_str()), "{page}");
    assert_eq!(page["stories"][0]["id"], strike.as_str());
    assert_eq!(page["facets"]["outlets"].as_array().unwrap().len(), 3, "{page}");
    let snippet = &hits[0]["snippet"];
    let marked = &snippet["highlights"][0];
    let text: Vec<char> = snippet["text"].as_str().unwrap().chars().collect();
    let (start, end) = (marked["start"].as_u64().unwrap(), marked["end"].as_u64().unwrap());
    let word: String = text[start as usize..end as usize].iter().collect();
    assert_eq!(word.to_lowercase(), "strike", "{snippet}");

    // The festival was stored after the index opened: the search caught up with it.
    let (_, festival) = get_json("/api/v1/search?q=orchard+festival");
    assert_eq!(festival["total"], 1, "{festival}");

    let (_, phrase) = get_json("/api/v1/search?q=%22harbour+master%22&outlet=Kestrel%20Courier");
    assert_eq!(phrase["total"], 1, "{phrase}");
    assert_eq!(phrase["hits"][0]["outlet"], "Kestrel Courier");
    let (_, may) = get_json("/api/v1/search?q=ferry&since=2026-05-01&until=2026-05-31");
    assert_eq!(may["total"], 1, "{may}");
    let (_, none) = get_json("/api/v1/search?q=ferry&until=2026-04-30");
    assert_eq!(none["total"], 0, "{none}");
    let (_, paged) = get_json("/api/v1/search?q=strike&limit=1&offset=1");
    assert_eq!((paged["total"].as_u64(), paged["hits"].as_array().unwrap().len()), (Some(3), 1));
}

#[test]
fn api_search_refuses_malformed_queries_with_a_code() {
    for (path, status, code) in [
        ("/api/v1/search", 400, "bad_query"),
        ("/api/v1/search?q=+", 400, "bad_query"),
        ("/api/v1/search?q=nosuchfield:dock", 400, "bad_query"),
        ("/api/v1/search?q=dock&limit=0", 400, "bad_request"),
        ("/api/v1/search?q=dock&limit=101", 400, "bad_request"),
        ("/api/v1/search?q=dock&since=soon", 400, "bad_request"),
        ("/api/v1/search?q=dock&offset=-3", 400, "bad_request"),
    ] {
        let (got, body) = get_json(path);
        assert_eq!(got, status, "{path}: {body}");
        assert_eq!(body["error"]["code"], code, "{path}: {body}");
    }
}

#[test]
fn search_page_groups_hits_marks_words_links_facets_and_escapes() {
    let (_, _, front) = get("/");
    assert!(front.contains("action=\"/search\"") && front.contains("name=\"q\""), "{front}");
    let (status, _, blank) = get("/search");
    assert_eq!(status, 200);
    assert!(blank.contains("name=\"q\""), "{blank}");

    let (status, _, page) = get("/search?q=pay+strike");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(&format!("href=\"/stories/{}\"", strike_id())), "{page}");
    assert!(page.contains("<mark>strike</mark>"), "{page}");
    assert!(page.contains("Varnholm Ledger"), "{page}");
    assert!(
        page.contains("/search?q=pay+strike&#38;outlet=")
            || page.contains("/search?q=pay+strike&amp;outlet="),
        "facet links narrow the search: {page}"
    );
    assert_inert(&page);

    // The hostile article's snippet shows its markup as text.
    let (_, _, hostile) = get("/search?q=pay+alert&outlet=Northgate+%22Post%22+%3Ci%3E");
    assert!(hostile.contains("Articles 1–1 of 1"), "{hostile}");
    assert!(
        hostile.contains("&lt;script&gt;") || hostile.contains("&#60;script&#62;"),
        "{hostile}"
    );
    assert_inert(&hostile);

    let (status, _, bad) = get("/search?q=nosuchfield:dock");
    assert_eq!(status, 400);
    assert!(bad.contains("bad_query"), "{bad}");
}

/// Runs Debian's headless Chromium with `args` then `url`; `None` (with a message) when it is not
/// installed.
fn chromium(args: &[&str], url: &str) -> Option<std::process::Output> {
    let chromium = PathBuf::from("/usr/bin/chromium");
    if !chromium.exists() {
        eprintln!("SKIPPED: /usr/bin/chromium is not installed (apt-get install -y chromium)");
        return None;
    }
    // A profile per run: tests run side by side, and Chromium locks its profile.
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let profile = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("chromium-profile-{}-{run}", std::process::id()));
    let output = std::process::Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&profile);
    assert!(output.status.success(), "chromium: {}", String::from_utf8_lossy(&output.stderr));
    Some(output)
}

/// The story and search pages as headless Chromium renders them: the headline and the marked
/// words are there and the hostile article added no element. Screenshots of the front, story and
/// search pages are left in the test's temporary directory to look at. Skipped (with a message) when `chromium` is not installed.
#[test]
fn story_and_search_pages_render_in_headless_chromium() {
    let url = format!("{}/stories/{}", server().base, strike_id());
    let Some(output) = chromium(&["--dump-dom"], &url) else { return };
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(dom.contains(&format!("<h1>{STRIKE_TITLE}</h1>")), "{dom}");
    assert!(
        !dom.contains("<script") && !dom.contains("<img"),
        "hostile markup became elements:\n{dom}"
    );
    assert!(dom.contains("&lt;script&gt;alert(1)"), "{dom}");

    let search = format!("{}/search?q=strike+OR+alert", server().base);
    let Some(found) = chromium(&["--dump-dom"], &search) else { return };
    let dom = String::from_utf8_lossy(&found.stdout);
    assert!(dom.contains("<mark>strike</mark>"), "{dom}");
    assert!(!dom.contains("<script") && !dom.contains("<img"), "hostile markup in search:\n{dom}");

    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let pages = [("front", format!("{}/", server().base)), ("story", url), ("search", search)];
    for (name, url) in pages {
        let file = shots.join(format!("serve-{name}.png"));
        let shot = format!("--screenshot={}", file.display());
        chromium(&[&shot, "--window-size=1100,1600", "--hide-scrollbars"], &url);
        assert!(file.exists(), "no screenshot at {}", file.display());
        eprintln!("screenshot: {}", file.display());
    }
}

#[test]
fn api_entities_look_up_names_and_list_their_stories() {
    let (status, found) = get_json("/api/v1/entities?q=brandt");
    assert_eq!(status, 200);
    assert_eq!(found["total"], 1, "{found}");
    let brandt = &found["entities"][0];
    assert_eq!(brandt["id"], brandt_id().as_str());
    assert_eq!(
        (brandt["name"].as_str(), brandt["kind"].as_str()),
        (Some("Ilse Brandt"), Some("PER"))
    );
    assert_eq!((brandt["articles"].as_u64(), brandt["stories"].as_u64()), (Some(4), Some(2)));

    let (_, places) = get_json("/api/v1/entities?q=VARNHOLM&kind=loc");
    let names: Vec<&str> = places["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Port Varnholm"]);
    let (_, none) = get_json("/api/v1/entities?q=varnholm&kind=PER");
    assert_eq!(none["total"], 0);
    let (_, paged) = get_json("/api/v1/entities?limit=2&offset=1");
    assert_eq!(
        (paged["entities"].as_array().unwrap().len(), paged["offset"].as_u64()),
        (2, Some(1))
    );

    let (status, one) = get_json(&format!("/api/v1/entities/{}", brandt_id()));
    assert_eq!((status, &one), (200, brandt));

    let (status, stories) = get_json(&format!("/api/v1/entities/{}/stories", brandt_id()));
    assert_eq!(status, 200);
    assert_eq!(stories["entity"], *brandt);
    assert_eq!(
        (stories["total"].as_u64(), headlines(&stories)),
        (Some(2), vec![TALKS_TITLE.into(), STRIKE_TITLE.into()])
    );
    let (_, oldest) = get_json(&format!("/api/v1/entities/{}/stories?sort=oldest", brandt_id()));
    assert_eq!(headlines(&oldest), [STRIKE_TITLE, TALKS_TITLE]);
    let (_, wide) = get_json(&format!("/api/v1/entities/{}/stories?min_sources=2", brandt_id()));
    assert_eq!(headlines(&wide), [STRIKE_TITLE], "the listing's filters apply");
    let (_, listed) = get_json(&format!("/api/v1/stories?entity={}", brandt_id()));
    assert_eq!(listed["total"], 2);

    for (path, status, code) in [
        ("/api/v1/entities/ffffffffffffffff", 404, "not_found"),
        ("/api/v1/entities/ffffffffffffffff/stories", 404, "not_found"),
        ("/api/v1/entities?kind=city", 400, "bad_request"),
        ("/api/v1/entities?limit=0", 400, "bad_request"),
        ("/api/v1/storylines/ffffffffffffffff", 404, "not_found"),
        ("/api/v1/storylines/ffffffffffffffff?limit=many", 400, "bad_request"),
    ] {
        let (got, body) = get_json(path);
        assert_eq!((got, body["error"]["code"].as_str()), (status, Some(code)), "{path}: {body}");
    }
}

#[test]
fn api_storylines_thread_the_stories_oldest_first() {
    let strike = strike_id();
    let (_, report) = get_json(&format!("/api/v1/stories/{strike}"));
    assert_eq!(report["storyline"], serde_json::json!({"id": strike, "stories": 2}), "{report}");
    assert_eq!(report["headline"], STRIKE_TITLE, "the report is still all there");

    let (status, line) = get_json(&format!("/api/v1/storylines/{strike}"));
    assert_eq!(status, 200);
    assert_eq!((line["id"].as_str(), line["total"].as_u64()), (Some(strike.as_str()), Some(2)));
    assert_eq!(headlines(&line), [STRIKE_TITLE, TALKS_TITLE]);
    let (_, newest) = get_json(&format!("/api/v1/storylines/{strike}?sort=date&limit=1"));
    assert_eq!(headlines(&newest), [TALKS_TITLE]);

    let (_, list) = get_json("/api/v1/stories");
    for story in list["stories"].as_array().unwrap() {
        let threaded = story["headline"] == STRIKE_TITLE || story["headline"] == TALKS_TITLE;
        let want = if threaded { (strike.as_str(), 2) } else { (story["id"].as_str().unwrap(), 1) };
        let got = (
            story["storyline"]["id"].as_str().unwrap(),
            story["storyline"]["stories"].as_u64().unwrap(),
        );
        assert_eq!(got, want, "{story}");
    }
}

/// The link to the entity page of the hostile "name" (markup the tagger took for a name).
fn hostile_entity_link(names: &str) -> String {
    let at = names.find("onerror").expect("the hostile name is listed");
    let start = names[..at].rfind("href=\"/entities/").expect("as a link");
    names[start + 6..].split('"').next().unwrap().to_string()
}

#[test]
fn entity_and_storyline_pages_are_linked_from_the_story_and_escape_names() {
    let strike = strike_id();
    let (_, _, story) = get("/stories/{strike}".replace("{strike}", &strike).as_str());
    let names = story.find("<h2 id=\"names\">Names</h2>").expect("a names section");
    assert!(story[names..].contains(&format!("href=\"/entities/{}\"", brandt_id())), "{story}");
    let thread = story.find("<h2 id=\"storyline\">Storyline</h2>").expect("a storyline section");
    let thread = &story[thread..];
    assert!(thread.contains(&format!("href=\"/storylines/{strike}\"")), "{thread}");
    let (mine, talks) = (thread.find("(this story)").unwrap(), thread.find(TALKS_TITLE).unwrap());
    assert!(mine < talks, "oldest first: {thread}");
    assert_inert(&story);

    let (_, _, front) = get("/");
    assert!(
        front.contains(&format!("href=\"/storylines/{strike}\"")),
        "a storyline badge:\n{front}"
    );
    assert!(front.contains("href=\"/entities\""), "the names page is in the navigation");

    let (status, _, entity) = get(&format!("/entities/{}", brandt_id()));
    assert_eq!(status, 200, "{entity}");
    assert!(entity.contains("<h1>Ilse Brandt</h1>"), "{entity}");
    assert!(entity.contains("person · named in 4 articles of 2 stories"), "{entity}");
    assert!(entity.find(TALKS_TITLE).unwrap() < entity.find(STRIKE_TITLE).unwrap(), "newest first");
    let (_, _, paged) = get(&format!("/entities/{}?limit=1", brandt_id()));
    assert!(
        paged.contains(&format!("rel=\"next\" href=\"/entities/{}?limit=1", brandt_id())),
        "{paged}"
    );

    let (status, _, line) = get(&format!("/storylines/{strike}"));
    assert_eq!(status, 200, "{line}");
    assert!(line.contains(&format!("<h1>Storyline: {STRIKE_TITLE}</h1>")), "{line}");
    assert!(line.find(STRIKE_TITLE).unwrap() < line.find(TALKS_TITLE).unwrap(), "oldest first");

    let (status, _, all) = get("/entities");
    assert_eq!(status, 200);
    assert!(all.contains("Ilse Brandt") && all.contains("Marta Quell"), "{all}");
    assert_inert(&all);
    let (_, _, hostile) = get(&hostile_entity_link(&all));
    assert!(hostile.contains("onerror=alert(2)"), "shown as text:\n{hostile}");
    assert_inert(&hostile);
    let (_, _, people) = get("/entities?q=a&kind=PER");
    assert!(people.contains("Marta Quell") && !people.contains("Port Varnholm"), "{people}");
    assert!(people.contains("<option value=\"PER\" selected>"), "{people}");

    for path in ["/entities/ffffffffffffffff", "/storylines/ffffffffffffffff"] {
        let (status, kind, missing) = get(path);
        assert_eq!(status, 404, "{path}");
        assert!(kind.starts_with("text/html") && missing.contains("not_found"), "{missing}");
    }
    let (status, _, bad) = get("/entities?kind=city");
    assert_eq!(status, 400);
    assert!(bad.contains("kind"), "{bad}");
}

/// The names, entity and storyline pages as headless Chromium renders them: the hostile "name"
/// stays text, the story page's thread and chips are there; screenshots are left beside the
/// others. Skipped (with a message) when `chromium` is not installed.
#[test]
fn entity_and_storyline_pages_render_in_headless_chromium() {
    let base = &server().base;
    let (_, _, names) = get("/entities");
    let hostile = format!("{base}{}", hostile_entity_link(&names));
    let Some(output) = chromium(&["--dump-dom"], &hostile) else { return };
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(dom.contains("src=x onerror=alert(2)&gt; The"), "{dom}");
    assert!(!dom.contains("<img") && !dom.contains("<script"), "hostile markup:\n{dom}");

    let story = format!("{base}/stories/{}", strike_id());
    let dom = chromium(&["--dump-dom"], &story).unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains(&format!("href=\"/entities/{}\"", brandt_id())), "{dom}");
    assert!(dom.contains("aria-current=\"page\""), "the thread marks this story:\n{dom}");

    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let pages = [
        ("names", format!("{base}/entities")),
        ("entity", format!("{base}/entities/{}", brandt_id())),
        ("storyline", format!("{base}/storylines/{}", strike_id())),
    ];
    for (name, url) in pages {
        let dom = chromium(&["--dump-dom"], &url).unwrap();
        let dom = String::from_utf8_lossy(&dom.stdout);
        assert!(dom.contains("<h1>"), "{name}: {dom}");
        assert!(!dom.contains("<img") && !dom.contains("<script"), "{name}:\n{dom}");
        let file = shots.join(format!("serve-{name}.png"));
        let shot = format!("--screenshot={}", file.display());
        chromium(&[&shot, "--window-size=1100,1200", "--hide-scrollbars"], &url);
        assert!(file.exists(), "no screenshot at {}", file.display());
        eprintln!("screenshot: {}", file.display());
    }
}
