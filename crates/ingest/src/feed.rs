//! Feeds: RSS 0.9x/1.0/2.0, Atom and JSON Feed (parsed by `feed-rs`), split into what can be
//! ingested directly and what must be fetched.
//!
//! An entry whose content (`content:encoded`, Atom `<content>`, JSON Feed `content_html`/
//! `content_text`, or failing those a long description) holds the article is an [`FeedEntry`] with
//! its HTML, title, link, date, author, and the feed's title as the outlet. An entry with only a
//! link (and at most a teaser) is queued: its URL goes to [`FeedItems::links`] for the fetcher.

use std::collections::HashSet;

use crate::dates::parse_date;
use jiff::civil::Date;

/// Below this many words of text, an entry's body is a teaser: the article is fetched instead.
pub const MIN_FULL_CONTENT_WORDS: usize = 80;

/// One feed entry that carries its article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedEntry {
    /// The entry id (guid / Atom id).
    pub id: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub published: Option<Date>,
    pub author: Option<String>,
    /// The article body as HTML (plain-text content is escaped into paragraphs).
    pub html: String,
}

/// An entry that only links to its article: what the fetcher needs to fetch it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedLink {
    pub url: String,
    pub title: Option<String>,
    /// The entry's publication date (a fallback when the page has none).
    pub published: Option<Date>,
}

/// What a feed yields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedItems {
    /// The feed's title: the outlet of its entries.
    pub title: Option<String>,
    /// The feed's site link (used as the outlet when there is no title).
    pub site: Option<String>,
    /// Entries ingested directly.
    pub entries: Vec<FeedEntry>,
    /// Entries that only point at their article, in feed order, without repeated URLs.
    pub links: Vec<FeedLink>,
    /// Entries with neither usable content nor a link.
    pub skipped: usize,
}

/// Parses a feed document. `base_url` resolves relative links (the feed's own URL when fetched).
pub fn parse(bytes: &[u8], base_url: Option<&str>) -> Result<FeedItems, String> {
    let parser = feed_rs::parser::Builder::new().base_uri(base_url).build();
    let feed = parser.parse(bytes).map_err(|e| format!("invalid feed: {e}"))?;
    let title = feed.title.as_ref().map(|t| plain(&t.content)).filter(|t| !t.is_empty());
    let site = feed.links.iter().find(|l| l.rel.as_deref() != Some("self")).map(|l| l.href.clone());
    let mut out = FeedItems { title, site, ..Default::default() };
    // Links queued so far: a set, so de-duplicating stays linear in the entries.
    let mut linked: HashSet<String> = HashSet::new();
    for e in feed.entries {
        let url = e
            .links
            .iter()
            .find(|l| matches!(l.rel.as_deref(), None | Some("alternate")))
            .or(e.links.first())
            .map(|l| l.href.trim().to_string())
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
        let body = e
            .content
            .as_ref()
            .and_then(|c| c.body.clone().map(|b| (b, c.content_type.to_string())))
            .or_else(|| {
                e.summary.as_ref().map(|s| (s.content.clone(), s.content_type.to_string()))
            });
        let html =
            body.map(
                |(b, ty)| {
                    if ty.contains("html") || looks_like_html(&b) {
                        b
                    } else {
                        text_to_html(&b)
                    }
                },
            );
        let full = html.as_deref().is_some_and(|h| word_count(h) >= MIN_FULL_CONTENT_WORDS);
        let published = e.published.or(e.updated).and_then(|d| parse_date(&d.to_rfc3339()));
        let title = e.title.map(|t| plain(&t.content)).filter(|t| !t.is_empty());
        if full {
            let author = e
                .authors
                .iter()
                .filter_map(|p| p.name.as_deref().map(author_name))
                .filter(|n| !n.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            out.entries.push(FeedEntry {
                id: e.id,
                title,
                url,
                published,
                author: Some(author).filter(|a| !a.is_empty()),
                html: html.unwrap_or_default(),
            });
        } else if let Some(u) = url {
            if linked.insert(u.clone()) {
                out.links.push(FeedLink { url: u, title, published });
            }
        } else {
            out.skipped += 1;
        }
    }
    Ok(out)
}

/// "jane@example.org (Jane Roe)" → "Jane Roe"; other names unchanged.
fn author_name(raw: &str) -> String {
    let raw = raw.trim();
    if raw.starts_with('(') && raw.ends_with(')') {
        return raw[1..raw.len() - 1].trim().to_string();
    }
    if let (Some(open), true) = (raw.find('('), raw.ends_with(')')) {
        if raw[..open].contains('@') {
            return raw[open + 1..raw.len() - 1].trim().to_string();
        }
    }
    raw.to_string()
}

fn looks_like_html(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    ["<p", "<br", "<div", "</a>", "<ul", "<h2"].iter().any(|t| l.contains(t))
}

/// Text with tags stripped and whitespace collapsed (feed titles may hold markup).
fn plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn word_count(html: &str) -> usize {
    plain(html).split_whitespace().count()
}

/// Plain text (paragraphs separated by blank lines) as escaped HTML paragraphs.
fn text_to_html(text: &str) -> String {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", esc(p)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn long_body(topic: &str) -> String {
        (0..15)
            .map(|i| {
                format!(
                    "<p>Paragraph {i} about {topic}: the harbour board of Westmere met again on \
                     Thursday and the members argued at length.</p>"
                )
            })
            .collect()
    }

    /// Link de-duplication is a set lookup, not a scan of the links so far (50,000 link-only
    /// entries took 6.4 s): 20,000 entries over 10,000 links keep each link once, first first.
    #[test]
    fn many_link_only_entries_are_deduplicated_in_order() {
        let items: String = (0..20_000)
            .map(|i| {
                let n = i % 10_000;
                format!("<item><title>T{i}</title><link>https://ledger.example/{n}</link></item>")
            })
            .collect();
        let rss = format!("<rss version=\"2.0\"><channel><title>L</title>{items}</channel></rss>");
        let got = parse(rss.as_bytes(), None).unwrap();
        assert_eq!(got.links.len(), 10_000);
        assert_eq!(got.links[9_999].url, "https://ledger.example/9999");
        assert_eq!(got.links[9_999].title.as_deref(), Some("T9999"));
    }

    #[test]
    fn rss_splits_full_entries_from_links() {
        let rss = format!(
            r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>The Westmere Ledger</title><link>https://ledger.example/</link>
<item><title>Pier repairs approved</title><link>https://ledger.example/2026/03/pier</link>
<guid>pier-1</guid><pubDate>Tue, 03 Mar 2026 09:30:00 +0000</pubDate><dc:creator>Ada Quill</dc:creator>
<description>Short teaser.</description>
<content:encoded><![CDATA[{}]]></content:encoded></item>
<item><title>Ferry timetable</title><link>https://ledger.example/2026/03/ferry</link>
<description>The ferry runs later from May.</description></item>
<item><title>Ferry timetable again</title><link>https://ledger.example/2026/03/ferry</link></item>
</channel></rss>"#,
            long_body("the pier")
        );
        let items = parse(rss.as_bytes(), None).unwrap();
        assert_eq!(items.title.as_deref(), Some("The Westmere Ledger"));
        assert_eq!(items.entries.len(), 1);
        let e = &items.entries[0];
        assert_eq!(e.title.as_deref(), Some("Pier repairs approved"));
        assert_eq!(e.url.as_deref(), Some("https://ledger.example/2026/03/pier"));
        assert_eq!(e.published.map(|d| d.to_string()).as_deref(), Some("2026-03-03"));
        assert_eq!(e.author.as_deref(), Some("Ada Quill"));
        assert!(e.html.contains("Paragraph 14"));
        assert_eq!(items.links.len(), 1);
        assert_eq!(items.links[0].url, "https://ledger.example/2026/03/ferry");
        assert_eq!(items.links[0].title.as_deref(), Some("Ferry timetable"));
    }

    #[test]
    fn atom_with_content_and_relative_links() {
        let atom = format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Northgate Courier</title>
<link href="https://courier.example/"/><id>urn:courier</id><updated>2026-04-02T10:00:00Z</updated>
<entry><title>Bridge reopens</title><id>urn:b1</id><link href="/news/bridge"/>
<published>2026-04-01T18:00:00Z</published><updated>2026-04-02T08:00:00Z</updated>
<author><name>Ben Oak</name></author>
<content type="html">{}</content></entry>
<entry><title>Only a link</title><id>urn:b2</id><link href="https://courier.example/news/link"/>
<summary>Teaser only.</summary></entry>
</feed>"#,
            long_body("the bridge").replace('<', "&lt;").replace('>', "&gt;")
        );
        let items = parse(atom.as_bytes(), Some("https://courier.example/feed.xml")).unwrap();
        assert_eq!(items.entries.len(), 1);
        let e = &items.entries[0];
        assert_eq!(e.published.map(|d| d.to_string()).as_deref(), Some("2026-04-01"));
        assert_eq!(e.author.as_deref(), Some("Ben Oak"));
        assert_eq!(e.url.as_deref(), Some("https://courier.example/news/bridge"));
        assert_eq!(items.links[0].url, "https://courier.example/news/link");
    }

    #[test]
    fn json_feed_text_content() {
        let text = (0..30)
            .map(|i| format!("Sentence {i} of the report on the valley floods and the repairs."))
            .collect::<Vec<_>>()
            .join(" ");
        let doc = serde_json::json!({
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Valley Post",
            "items": [
                {"id": "1", "url": "https://valley.example/floods", "title": "Floods recede",
                 "content_text": text, "date_published": "2026-02-10T07:00:00+01:00",
                 "authors": [{"name": "Cleo Marsh"}]},
                {"id": "2", "url": "https://valley.example/roads", "title": "Roads", "summary": "Soon."}
            ]
        });
        let items = parse(doc.to_string().as_bytes(), None).unwrap();
        assert_eq!(items.title.as_deref(), Some("Valley Post"));
        assert_eq!(items.entries.len(), 1);
        assert!(items.entries[0].html.starts_with("<p>Sentence 0"));
        assert_eq!(items.entries[0].author.as_deref(), Some("Cleo Marsh"));
        assert_eq!(items.links[0].url, "https://valley.example/roads");
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(parse(b"<rss><channel><item>", None).is_err() || parse(b"{}", None).is_err());
        assert_eq!(author_name("ed@example.org (Ed Vale)"), "Ed Vale");
    }
}
