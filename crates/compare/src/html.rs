//! A self-contained HTML page for one story report: conflicts first, the cited summary, the
//! outlets side by side with the claims highlighted in each text (agreed, unique, conflicting), and
//! the timeline drawn as a dated line. Inline CSS, no scripts, no external assets; every piece of
//! article text and metadata is HTML-escaped (articles are hostile input). Pure: report and texts
//! in, page out.

use std::collections::BTreeMap;
use std::fmt::Write;

use storyline_model::{offsets::CharIndex, ArticleId, StoryReport, UNATTRIBUTED};

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The page's stylesheet (also served by the web UI, whose story page embeds [`side_by_side`]).
pub const STYLE: &str = "body{font-family:Georgia,serif;margin:2em;color:#222;background:#fcfcfa}\
h1{font-size:1.6em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.6em}\
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:1em}\
.col{background:#fff;border:1px solid #ddd;padding:.8em;font-size:.92em;line-height:1.45}\
.col h3{font-size:1em;margin:.2em 0}.meta{color:#666;font-size:.85em}\
mark{padding:0 .1em}mark.agreed{background:#cdeccd}mark.unique{background:#d6e4f7}\
mark.conflict{background:#f7c9c9}.legend mark{margin-right:1em}\
.conflict-box{border-left:4px solid #c33;padding:.3em .8em;margin:.6em 0;background:#fff5f5}\
.tl{border-left:3px solid #888;margin-left:1em;padding-left:1em}\
.tl div{position:relative;margin:.5em 0}.tl div::before{content:'';position:absolute;left:-1.45em;\
top:.35em;width:.7em;height:.7em;border-radius:50%;background:#555}\
.tl div.future::before{background:#fff;border:2px dashed #555}.date{font-weight:bold;margin-right:.6em}\
.src{color:#555;font-size:.85em}";

/// The page for `report`; `texts` maps article ids to their cleaned text (what evidence spans
/// point into). Articles without a text are listed without a column.
pub fn render(report: &StoryReport, texts: &BTreeMap<ArticleId, String>) -> String {
    let label = labels(report);
    let cite = |ids: &mut dyn Iterator<Item = &ArticleId>| cite(&label, ids);
    let mut out = String::new();
    let title = escape(&report.headline);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title>\
         <style>{STYLE}</style></head><body><h1>{title}</h1>"
    );
    if let Some(d) = report.date {
        let _ = write!(out, "<p class=\"meta\">story {} · {d}</p>", escape(&report.id));
    }

    let c = &report.comparison;
    if !c.conflicts.is_empty() {
        out.push_str("<h2>Conflicts</h2>");
        for k in &c.conflicts {
            let _ = write!(
                out,
                "<div class=\"conflict-box\"><b>{}</b> <span class=\"meta\">({})</span><ul>",
                escape(&k.about),
                escape(k.kind.as_str())
            );
            for cl in &k.claims {
                let sentence = texts
                    .get(&cl.article)
                    .map(|t| storyline_model::offsets::slice(t, cl.evidence.start, cl.evidence.end))
                    .unwrap_or_default();
                let _ = write!(
                    out,
                    "<li>{} <b>{}</b>: {}</li>",
                    cite(&mut std::iter::once(&cl.article)),
                    escape(&cl.value),
                    escape(sentence)
                );
            }
            out.push_str("</ul></div>");
        }
    }
    if !report.summary.is_empty() {
        out.push_str("<h2>Summary</h2><ul>");
        for s in &report.summary {
            let _ = write!(
                out,
                "<li>{} <span class=\"src\">{}</span></li>",
                escape(&s.text),
                cite(&mut s.sources.iter())
            );
        }
        out.push_str("</ul>");
    }

    out.push_str(&side_by_side(report, texts));

    if !report.timeline.is_empty() {
        out.push_str("<h2>Timeline</h2><div class=\"tl\">");
        for t in &report.timeline {
            let class = if t.future { " class=\"future\"" } else { "" };
            let note = if t.future { " <i>(announced)</i>" } else { "" };
            let _ = write!(
                out,
                "<div{class}><span class=\"date\">{}</span>{}{note} <span class=\"src\">{}</span></div>",
                t.date,
                escape(&t.text),
                cite(&mut t.articles.iter())
            );
        }
        out.push_str("</div>");
    }
    if !report.outlets.is_empty() {
        out.push_str("<h2>Coverage by outlet</h2><ul>");
        for o in &report.outlets {
            let _ = write!(
                out,
                "<li><b>{}</b> {}: {} of {} shared facts, {} of its own, {} conflict(s)</li>",
                escape(&o.outlet),
                cite(&mut o.articles.iter()),
                o.agreed.len(),
                c.agreed.len(),
                o.unique,
                o.conflicts.len()
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</body></html>\n");
    out
}

/// The "outlets side by side" section: one column per article with a text, its claims highlighted
/// (agreed, unique, in conflict), with a legend. An HTML fragment, every text escaped; the web UI
/// embeds it in its story page.
pub fn side_by_side(report: &StoryReport, texts: &BTreeMap<ArticleId, String>) -> String {
    let label = labels(report);
    let cite = |ids: &mut dyn Iterator<Item = &ArticleId>| cite(&label, ids);
    let c = &report.comparison;
    let mut out = String::new();
    // Highlights per article: (start, end, class, note); conflicts win over agreed over unique.
    let mut marks: BTreeMap<&str, Vec<Mark>> = BTreeMap::new();
    for k in &c.conflicts {
        for cl in &k.claims {
            marks.entry(cl.article.as_str()).or_default().push((
                cl.evidence.start,
                cl.evidence.end,
                "conflict",
                format!("conflict: {}", k.about),
            ));
        }
    }
    for f in &c.agreed {
        let others = cite(&mut f.articles.iter());
        for e in &f.evidence {
            marks.entry(e.article.as_str()).or_default().push((
                e.start,
                e.end,
                "agreed",
                format!("also in {others}"),
            ));
        }
    }
    for u in &c.unique {
        for e in &u.evidence {
            marks.entry(e.article.as_str()).or_default().push((
                e.start,
                e.end,
                "unique",
                "only this outlet".into(),
            ));
        }
    }
    out.push_str(
        "<h2>Outlets side by side</h2><p class=\"legend\"><mark class=\"agreed\">agreed</mark>\
         <mark class=\"unique\">only one outlet</mark><mark class=\"conflict\">in conflict</mark></p>\
         <div class=\"cols\">",
    );
    for (i, a) in report.articles.iter().enumerate() {
        let Some(text) = texts.get(&a.id) else { continue };
        let date = match (a.published, &a.inferred_published) {
            (Some(d), _) => d.to_string(),
            (None, Some(inf)) => format!("undated, about {} (inferred)", inf.date),
            _ => "undated".into(),
        };
        let _ = write!(
            out,
            "<div class=\"col\"><h3>[{}] {}</h3><p class=\"meta\">{} · {}</p>",
            i + 1,
            escape(a.source.as_deref().unwrap_or(UNATTRIBUTED)),
            escape(&date),
            escape(a.title.as_deref().unwrap_or(""))
        );
        out.push_str(&highlighted(
            text,
            marks.get(a.id.as_str()).map(Vec::as_slice).unwrap_or(&[]),
        ));
        out.push_str("</div>");
    }
    out.push_str("</div>");
    out
}

/// Short labels `[1]`, `[2]` … of the report's articles, by id.
fn labels(report: &StoryReport) -> BTreeMap<&str, usize> {
    report.articles.iter().enumerate().map(|(i, a)| (a.id.as_str(), i + 1)).collect()
}

/// The labels of `ids`, as `[1][3]`.
fn cite(label: &BTreeMap<&str, usize>, ids: &mut dyn Iterator<Item = &ArticleId>) -> String {
    ids.filter_map(|id| label.get(id.as_str())).map(|n| format!("[{n}]")).collect()
}

/// A highlighted span of a text: char offsets (start, end), the `<mark>` class and its tooltip.
pub type Mark<'a> = (usize, usize, &'a str, String);

/// The text as paragraphs with the marked spans highlighted (overlapping marks: the first wins),
/// every character escaped.
pub fn highlighted(text: &str, marks: &[Mark]) -> String {
    let index = CharIndex::new(text);
    let n = index.len();
    let mut spans: Vec<&Mark> = marks.iter().filter(|m| m.0 < m.1 && m.1 <= n).collect();
    spans.sort_by_key(|m| m.0);
    let mut out = String::from("<p>");
    let mut pos = 0;
    let plain = |from: usize, to: usize| -> String {
        escape(&text[index.byte_of(from)..index.byte_of(to)]).replace("\n\n", "</p><p>")
    };
    for m in spans {
        if m.0 < pos {
            continue;
        }
        out.push_str(&plain(pos, m.0));
        let _ = write!(
            out,
            "<mark class=\"{}\" title=\"{}\">{}</mark>",
            m.2,
            escape(&m.3),
            plain(m.0, m.1)
        );
        pos = m.1;
    }
    out.push_str(&plain(pos, n));
    out.push_str("</p>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyline_model::{AgreedFact, ArticleRef, Comparison, Evidence};

    #[test]
    fn hostile_text_is_escaped_and_claims_marked() {
        let text = "<script>alert(1)</script> Talks open on Thursday. Other & more.".to_string();
        let id = ArticleId::new("a1");
        let start = text.chars().position(|c| c == 'T').unwrap();
        let report = StoryReport {
            id: "s1".into(),
            headline: "Talks <b>".into(),
            articles: vec![ArticleRef {
                id: id.clone(),
                source: Some("Outlet \"X\"".into()),
                title: None,
                published: None,
                duplicate_of: None,
                inferred_published: None,
            }],
            comparison: Comparison {
                agreed: vec![AgreedFact {
                    fact: "Talks open on Thursday.".into(),
                    articles: vec![id.clone()],
                    evidence: vec![Evidence { article: id.clone(), start, end: start + 23 }],
                }],
                ..Default::default()
            },
            ..Default::default()
        };
        let page = render(&report, &BTreeMap::from([(id, text)]));
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("<mark class=\"agreed\""));
        assert!(page.contains("Talks &lt;b&gt;"));
        assert!(!page.contains("http"), "no external assets");
    }
}
