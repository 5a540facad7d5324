//! HTML pages: main text with `dom_smoothie` (a readability.js port) and metadata from meta tags
//! via `dom_query`: title (og:title, <title>, h1, with a trailing " | Outlet" removed), published
//! date (article:published_time, meta date, JSON-LD datePublished, <time datetime>), outlet
//! (og:site_name), author (meta author, byline) and canonical URL.

use crate::dates::parse_date;
use dom_query::Document;
use jiff::civil::Date;

/// What an HTML page yields before the plain-text cleaner runs over its text.
#[derive(Debug, Default)]
pub struct HtmlDoc {
    pub text: String,
    pub title: Option<String>,
    pub published: Option<Date>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub url: Option<String>,
    pub lang: Option<String>,
}

fn meta(doc: &Document, selectors: &[&str]) -> Option<String> {
    selectors.iter().find_map(|sel| {
        doc.select(sel).attr("content").map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
    })
}

fn clean_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes a trailing (or leading) " | Outlet", " - Outlet", " — Outlet" from a page title when
/// that part matches the site name (or, without one, when it is short and the rest is long).
pub fn strip_site_suffix(title: &str, site: Option<&str>) -> String {
    let title = clean_ws(title);
    for sep in [" | ", " - ", " — ", " – ", " :: ", " · "] {
        if let Some((head, tail)) = title.rsplit_once(sep) {
            let matches_site = site.is_some_and(|s| {
                let (s, t) = (s.to_lowercase(), tail.to_lowercase());
                t == s || t.contains(&s) || s.contains(&t)
            });
            if matches_site {
                return head.trim().to_string();
            }
        }
        if let Some((head, tail)) = title.split_once(sep) {
            if site.is_some_and(|s| s.eq_ignore_ascii_case(head.trim())) {
                return tail.trim().to_string();
            }
        }
    }
    title
}

/// Paragraph-ish text of the extracted main content: block boundaries become "\n\n".
fn block_text(html_fragment: &str) -> String {
    let doc = Document::from(html_fragment);
    let mut paras = Vec::new();
    for node in doc.select("p, h1, h2, h3, h4, h5, h6, li, blockquote, pre, figcaption").nodes() {
        // Skip blocks nested in another selected block (e.g. <p> inside <blockquote>).
        let nested = node.ancestors(None).iter().any(|a| {
            a.node_name().is_some_and(|n| {
                matches!(n.as_ref(), "p" | "li" | "blockquote" | "pre" | "figcaption")
            })
        });
        if nested {
            continue;
        }
        let t = clean_ws(&node.text());
        if !t.is_empty() {
            paras.push(t);
        }
    }
    if paras.is_empty() {
        doc.select("script, style, noscript, template, nav, footer").remove();
        let t = doc.select("body").text();
        return t.lines().map(clean_ws).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n\n");
    }
    paras.join("\n\n")
}

/// Extracts main text and metadata from an HTML page.
pub fn extract(html: &str) -> HtmlDoc {
    let doc = Document::from(html);
    let site =
        meta(&doc, &[r#"meta[property="og:site_name"]"#, r#"meta[name="application-name"]"#]);
    let published_meta = meta(
        &doc,
        &[
            r#"meta[property="article:published_time"]"#,
            r#"meta[name="article:published_time"]"#,
            r#"meta[itemprop="datePublished"]"#,
            r#"meta[name="date"]"#,
            r#"meta[name="pubdate"]"#,
            r#"meta[name="publish-date"]"#,
            r#"meta[name="dc.date"]"#,
            r#"meta[name="DC.date.issued"]"#,
        ],
    );
    let time_attr = doc.select("time[datetime]").attr("datetime").map(|v| v.to_string());
    let author_meta = meta(&doc, &[r#"meta[name="author"]"#, r#"meta[property="article:author"]"#])
        .filter(|a| !a.starts_with("http"));
    let og_title = meta(&doc, &[r#"meta[property="og:title"]"#, r#"meta[name="twitter:title"]"#]);
    let title_tag = Some(clean_ws(&doc.select("title").text())).filter(|t| !t.is_empty());
    let h1 = Some(clean_ws(&doc.select("h1").text())).filter(|t| !t.is_empty());
    let url = meta(&doc, &[r#"meta[property="og:url"]"#])
        .or_else(|| doc.select(r#"link[rel="canonical"]"#).attr("href").map(|v| v.to_string()));
    let lang = doc.select("html").attr("lang").map(|v| v.to_string());

    let cfg = dom_smoothie::Config { text_mode: dom_smoothie::TextMode::Raw, ..Default::default() };
    let extracted = dom_smoothie::Readability::with_document(doc, None, Some(cfg))
        .ok()
        .and_then(|mut r| r.parse().ok());

    let mut out = HtmlDoc { url, lang, ..Default::default() };
    let mut ld_published = None;
    if let Some(a) = &extracted {
        out.text = block_text(&a.content);
        ld_published = a.published_time.clone();
        out.source = site.clone().or_else(|| a.site_name.clone());
        out.author = author_meta.clone().or_else(|| a.byline.clone().map(|b| clean_ws(&b)));
    } else {
        out.source = site.clone();
        out.author = author_meta.clone();
    }
    if out.text.trim().is_empty() {
        out.text = block_text(html);
    }
    if let Some(b) = out.author.take() {
        let b = b
            .strip_prefix("By ")
            .or_else(|| b.strip_prefix("by "))
            .unwrap_or(&b)
            .trim()
            .to_string();
        out.author = Some(b).filter(|b| !b.is_empty());
    }
    let raw_title = og_title
        .or(title_tag)
        .or(h1)
        .or_else(|| extracted.as_ref().map(|a| a.title.clone()).filter(|t| !t.is_empty()));
    out.title =
        raw_title.map(|t| strip_site_suffix(&t, out.source.as_deref())).filter(|t| !t.is_empty());
    out.published =
        [published_meta, ld_published, time_attr].iter().flatten().find_map(|s| parse_date(s));
    out
}
