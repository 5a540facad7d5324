//! HTML pages: the main text and the page's metadata.
//!
//! **Main text** comes from two candidates chosen per page:
//! * `dom_smoothie` (a readability.js port) on a pre-cleaned DOM;
//! * a trafilatura-style block extractor ([`density_text`]): boilerplate removed by tag, by
//!   hidden-ness and by class/id patterns (navigation, share bars, related lists, comments,
//!   newsletters, cookie banners, ads), then the container holding most paragraph text (scored on
//!   non-link text), read block by block, dropping link-dense and menu-like blocks.
//!
//! The candidates are compared by their word 4-gram overlap; when they agree the more precise one
//! is kept, when they disagree the one whose text sits in paragraph prose is preferred (see
//! [`choose`]). Both are post-filtered the same way (link-dense blocks, "Read more" style teasers,
//! share/subscribe lines).
//!
//! **Metadata**: title (og:title, JSON-LD headline, `<title>`, h1; a " | Outlet" suffix removed),
//! publication date (JSON-LD `datePublished`, meta tags, `<time>` elements, the URL's
//! `/yyyy/mm/dd/`; published preferred over modified, a day never invented from a month-only
//! date; the signal is recorded in `published_origin`), outlet (og:site_name, JSON-LD publisher,
//! else the host name), authors (JSON-LD, meta, byline), language (`<html lang>`, meta) and the
//! canonical URL.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use crate::dates::parse_date;
use crate::nesting;
use dom_query::{Document, Matcher, NodeRef, Selection};
use jiff::civil::Date;
use regex::Regex;
use serde_json::Value;
use storyline_model::DateOrigin;

/// What an HTML page yields before the plain-text cleaner runs over its text.
#[derive(Debug, Default)]
pub struct HtmlDoc {
    pub text: String,
    pub title: Option<String>,
    pub published: Option<Date>,
    /// Which signal gave `published`: JSON-LD, a meta tag, a time element, the URL, or the
    /// "-modified" variants of the first two when only a modification date was found.
    pub published_origin: Option<DateOrigin>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub url: Option<String>,
    pub lang: Option<String>,
}

/// The compiled CSS selector `$sel`, compiled once per process: compiling costs more than
/// matching on a small page (compiling each selector as it was matched was about a fifth of the
/// time it took to read a short page).
macro_rules! css {
    ($sel:expr) => {{
        static MATCHER: LazyLock<Matcher> =
            LazyLock::new(|| Matcher::new($sel).expect("a valid CSS selector"));
        &*MATCHER
    }};
}

fn meta(doc: &Document, selectors: &[&Matcher]) -> Option<String> {
    selectors.iter().find_map(|sel| {
        doc.select_matcher(sel)
            .attr("content")
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
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

/// The host of an URL without "www." ("https://www.example.org/a" → "example.org").
pub fn host_name(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?;
    let host = host.split(':').next()?.trim_start_matches("www.").to_ascii_lowercase();
    (!host.is_empty() && host.contains('.')).then_some(host)
}

// ---------------------------------------------------------------------------------------------
// Boilerplate patterns

/// Class/id tokens of boilerplate blocks. Matched against each `-`/`_`/space separated token of
/// the class and id attributes (so "article-body" never matches "ad").
static BOILERPLATE_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:comments?|commentlist|disqus|share|sharing|shares|sharebar|social|socials|related|relatedposts|recommended|recommendations|recirc|newsletter|newsletters|subscribe|subscription|signup|promo|promos|promoted|advert|advertisement|advertising|ads?|adslot|adunit|dfp|sponsor|sponsored|cookie|cookies|consent|gdpr|popup|modal|breadcrumbs?|tags|tagcloud|taglist|sidebar|widget|widgets|outbrain|taboola|trending|popular|mostread|mostpopular|masthead|navbar|menu|nav|navigation|footer|pagination|pager|toolbar|byline|author|authors|bio|dateline|timestamp|caption|credit|credits|copyright|disclaimer|print|email|rss|jump|skip|hidden|visually|sr|screen|offscreen|paywall|inline|teaser|teasers|more|readmore|see|also|video|player|gallery|slideshow|carousel|banner|alert|toast)$",
    )
    .unwrap()
});

/// Whole class/id values that mark boilerplate even when no single token does.
static BOILERPLATE_PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(read[-_]?more|more[-_]?stories|most[-_]?(read|popular|viewed)|you[-_]?may[-_]?like|see[-_]?also|related[-_]?(articles?|stories|content|links)|social[-_]?(media|links|share)|share[-_]?(tools|buttons|links)|sign[-_]?up|follow[-_]?us|author[-_]?(bio|info|box)|about[-_]?the[-_]?author|skip[-_]?link|sr[-_]?only|visually[-_]?hidden|screen[-_]?reader)")
        .unwrap()
});

/// Class/id tokens that mark the article body: never removed as boilerplate.
static CONTENT_HINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(article[-_]?body|articlebody|story[-_]?body|entry[-_]?content|post[-_]?content|article[-_]?content|article[-_]?text|story[-_]?content|body[-_]?text|main[-_]?content|content[-_]?body|post[-_]?body|rich[-_]?text)")
        .unwrap()
});

/// Short blocks that are page furniture whatever their markup.
static FURNITURE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:advertisement|advertising|sponsored( content)?|share( this)?( article| story)?|share on \w+|follow us.*|sign up.*newsletter.*|subscribe( now| today)?.*|(read|see) (more|also)\b.*|related( articles| stories| content)?:?|recommended( for you)?|click here.*|image( copyright)?:? .*|photo:? .*|getty images|©.*|copyright .*|all rights reserved\.?|comments?|\d+ comments?|leave a (comment|reply)|print|email|tweet|whatsapp|facebook|twitter|linkedin|pinterest|reddit|we use cookies.*|this (site|website) uses cookies.*|accept( all)?( cookies)?|loading\.*|continue reading.*|show (more|less)|back to top|skip to (main )?content.*|listen to (this )?article.*|\d+ min(ute)? read|updated:? .*|published:? .*|posted:? .*)$")
        .unwrap()
});

fn attr_tokens(node: &NodeRef) -> String {
    let mut s = String::new();
    if let Some(c) = node.attr("class") {
        s.push_str(&c);
    }
    if let Some(i) = node.attr("id") {
        s.push(' ');
        s.push_str(&i);
    }
    s
}

/// Whether the class/id of `node` marks boilerplate (and nothing marks it as content).
fn is_boilerplate_attr(node: &NodeRef) -> bool {
    let attrs = attr_tokens(node);
    if attrs.is_empty() || CONTENT_HINT.is_match(&attrs) {
        return false;
    }
    if BOILERPLATE_PHRASE.is_match(&attrs) {
        return true;
    }
    // Only the first two tokens of a class list count (utility classes follow), and only
    // whole tokens or dash-joined compounds whose every part is boilerplate-ish.
    attrs.split_whitespace().take(3).any(|cls| {
        let parts: Vec<&str> = cls.split(['-', '_']).filter(|p| !p.is_empty()).collect();
        !parts.is_empty()
            && (BOILERPLATE_TOKEN.is_match(cls)
                || parts.first().is_some_and(|p| BOILERPLATE_TOKEN.is_match(p))
                    && parts.len() <= 3
                    && !parts.iter().any(|p| {
                        matches!(
                            p.to_ascii_lowercase().as_str(),
                            "body" | "content" | "text" | "article" | "story" | "main" | "entry"
                        )
                    }))
    })
}

fn is_hidden(node: &NodeRef) -> bool {
    if node.has_attr("hidden") {
        return true;
    }
    if node.attr("aria-hidden").is_some_and(|v| v.as_ref() == "true") {
        return true;
    }
    node.attr("style").is_some_and(|s| {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// Tags that never hold article prose.
const JUNK_TAGS: &str = "script, style, noscript, template, iframe, svg, canvas, button, \
     select, input, textarea, nav, footer, aside, menu, dialog, object, embed, video, audio, \
     picture, img, map, link, meta, head, figure, figcaption";

#[cfg(test)]
thread_local! {
    /// Nodes visited by this module's own DOM walks (tests assert it grows linearly with the
    /// page).
    pub(crate) static VISITS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn count_visits(_n: usize) {
    #[cfg(test)]
    VISITS.with(|v| v.set(v.get() + _n));
}

/// The elements under `root` in document order, by an explicit stack (no recursion, and no
/// descendant selector: matching `body *` walks every element's ancestors, quadratic in the
/// depth).
fn descendants<'a>(root: &NodeRef<'a>) -> Vec<NodeRef<'a>> {
    let mut out = Vec::new();
    let mut stack: Vec<NodeRef<'a>> = root.element_children();
    stack.reverse();
    while let Some(node) = stack.pop() {
        let at = stack.len();
        stack.extend(node.element_children());
        stack[at..].reverse();
        out.push(node);
    }
    count_visits(out.len());
    out
}

/// Paragraph text (bytes of `<p>` text, a `<p>` inside another counted in both) under every
/// element of `elements` (`root`'s descendants in document order, from [`descendants`]), and
/// under `root` itself: one pass from the leaves up, each text node read once.
fn paragraph_bytes(
    root: &NodeRef,
    elements: &[NodeRef],
) -> (HashMap<dom_query::NodeId, usize>, usize) {
    // Own text (text-node children) of each element, then totals bottom-up: a node's subtree
    // text is its own plus its element children's; its paragraph bytes are its element
    // children's paragraph bytes plus the subtree text of those children that are <p>s.
    let mut text: HashMap<dom_query::NodeId, usize> = HashMap::with_capacity(elements.len());
    let mut para: HashMap<dom_query::NodeId, usize> = HashMap::with_capacity(elements.len());
    let fold = |node: &NodeRef, text: &mut HashMap<_, usize>, para: &mut HashMap<_, usize>| {
        let (mut t, mut p) = (0usize, 0usize);
        for child in node.children_it(false) {
            count_visits(1);
            if child.is_text() {
                t += child.text().len();
            } else if child.is_element() {
                let ct = text.get(&child.id).copied().unwrap_or(0);
                t += ct;
                p += para.get(&child.id).copied().unwrap_or(0);
                if child.node_name().is_some_and(|n| n.as_ref() == "p") {
                    p += ct;
                }
            } else {
                // Other nodes (comments…) hold no text of `text()`'s.
            }
        }
        text.insert(node.id, t);
        para.insert(node.id, p);
    };
    // Document order reversed: every element comes after its descendants.
    for node in elements.iter().rev() {
        fold(node, &mut text, &mut para);
    }
    fold(root, &mut text, &mut para);
    let total = para[&root.id];
    (para, total)
}

/// Removes junk tags, hidden elements and class/id boilerplate from the body.
/// A node holding more than this share of the page's paragraph text is never removed by its
/// class/id or role (the article is sometimes wrapped in a "paywall" or "author-…" element).
const PROTECTED_SHARE: f64 = 0.3;

fn remove_boilerplate(doc: &Document) {
    doc.select_matcher(css!(JUNK_TAGS)).remove();
    let Some(body) = doc.select_matcher(css!("body")).nodes().first().copied() else { return };
    let elements = descendants(&body);
    let (paragraph, total) = paragraph_bytes(&body, &elements);
    let total = total as f64;
    let mut doomed = Vec::new();
    for node in &elements {
        let suspect = is_hidden(node)
            || is_boilerplate_attr(node)
            || node.node_name().is_some_and(|n| n.as_ref() == "form")
            || node.attr("role").is_some_and(|role| {
                matches!(
                    role.as_ref(),
                    "navigation"
                        | "banner"
                        | "contentinfo"
                        | "complementary"
                        | "dialog"
                        | "menu"
                        | "alert"
                )
            });
        if suspect && (paragraph[&node.id] as f64) <= total * PROTECTED_SHARE {
            doomed.push(*node);
        }
    }
    for n in doomed {
        n.remove_from_parent();
    }
}

// ---------------------------------------------------------------------------------------------
// Block reading

/// Block-level elements whose text is read as one paragraph.
fn is_block_tag(name: &str) -> bool {
    matches!(
        name,
        "p" | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "blockquote"
            | "pre"
            | "div"
            | "section"
            | "article"
            | "main"
            | "dd"
            | "dt"
            | "figcaption"
            | "table"
            | "caption"
            | "tr"
            | "ul"
            | "ol"
            | "dl"
            | "header"
            | "address"
            | "center"
            | "font"
    )
}

/// One paragraph of a candidate text.
#[derive(Debug, Clone)]
struct Block {
    text: String,
    /// Characters inside links.
    link_chars: usize,
    tag: String,
}

/// Reads the text under `root` as blocks: every run of inline content between block boundaries
/// is one block (so `<div>text<p>para</p>more</div>` gives three).
fn blocks_of(root: &NodeRef) -> Vec<Block> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_links = 0usize;
    let mut cur_tag = String::from("p");
    walk(root, false, &mut cur, &mut cur_links, &mut cur_tag, &mut out);
    flush(&mut cur, &mut cur_links, &cur_tag, &mut out);
    out
}

fn flush(cur: &mut String, links: &mut usize, tag: &str, out: &mut Vec<Block>) {
    let t = clean_ws(cur);
    if !t.is_empty() {
        out.push(Block { text: t, link_chars: (*links).min(cur.len()), tag: tag.to_string() });
    }
    cur.clear();
    *links = 0;
}

fn walk(
    node: &NodeRef,
    in_link: bool,
    cur: &mut String,
    links: &mut usize,
    tag: &mut String,
    out: &mut Vec<Block>,
) {
    for child in node.children_it(false) {
        count_visits(1);
        if child.is_text() {
            let t = child.text();
            if in_link {
                *links += t.trim().chars().count();
            }
            cur.push_str(&t);
            continue;
        }
        if !child.is_element() {
            continue;
        }
        let name = child.node_name().map(|n| n.to_string()).unwrap_or_default();
        if name == "br" {
            cur.push(' ');
            continue;
        }
        if name == "td" || name == "th" {
            // Table cells are read across the row: "1 Kyle Busch 5040".
            cur.push(' ');
            walk(&child, in_link, cur, links, tag, out);
            cur.push(' ');
            continue;
        }
        let block = is_block_tag(&name);
        if block {
            flush(cur, links, tag, out);
            *tag = name.clone();
        }
        walk(&child, in_link || name == "a", cur, links, tag, out);
        if block {
            flush(cur, links, tag, out);
            *tag = node.node_name().map(|n| n.to_string()).unwrap_or_else(|| "div".into());
        } else if matches!(name.as_str(), "span" | "a" | "em" | "strong" | "b" | "i") {
            // inline: keep going
        }
    }
}

/// Whether a block is page furniture rather than prose.
fn is_furniture(b: &Block) -> bool {
    let chars = b.text.chars().count();
    if chars == 0 {
        return true;
    }
    let link_ratio = b.link_chars as f64 / chars as f64;
    if link_ratio > 0.5 {
        return true;
    }
    if chars < 120 && FURNITURE_LINE.is_match(&b.text) {
        return true;
    }
    false
}

/// Non-link characters of prose under `node` (blocks of at least 25 characters).
fn prose_chars(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .filter(|b| !is_furniture(b))
        .map(|b| b.text.chars().count().saturating_sub(b.link_chars))
        .filter(|&n| n >= 25)
        .sum()
}

/// Joins the prose blocks of a candidate; list items and headings are kept only when they sit
/// among paragraphs (not in a trailing menu).
fn join_blocks(blocks: &[Block]) -> String {
    let kept: Vec<&Block> = blocks.iter().filter(|b| !is_furniture(b)).collect();
    // Trim leading/trailing short non-sentences (kickers, bylines, "Tags: …" rows).
    let is_sentence = |b: &Block| {
        let t = b.text.trim_end();
        let n = t.chars().count();
        n >= 60 || (n >= 25 && t.ends_with(['.', '!', '?', '"', '”', ':']))
    };
    let first =
        kept.iter().position(|b| is_sentence(b) || b.tag.starts_with('h') && b.tag.len() == 2);
    let last = kept.iter().rposition(|b| is_sentence(b));
    let (Some(first), Some(last)) = (first, last) else {
        return String::new();
    };
    if first > last {
        return String::new();
    }
    kept[first..=last].iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join("\n\n")
}

/// The trafilatura-style candidate: boilerplate removed, the container with the most prose,
/// read block by block.
pub fn density_text(doc: &Document) -> String {
    remove_boilerplate(doc);
    // Score containers: each paragraph-like leaf gives its prose length to its ancestors.
    let mut score: HashMap<dom_query::NodeId, f64> = HashMap::new();
    let mut nodes: HashMap<dom_query::NodeId, NodeRef> = HashMap::new();
    for p in doc.select_matcher(css!("p, pre, blockquote, li, h2, h3, td, div")).nodes() {
        let name = p.node_name().map(|n| n.to_string()).unwrap_or_default();
        // Only the element's own inline text counts (nested blocks count for themselves).
        let own: Vec<Block> = own_inline_text(p);
        let n: usize = own
            .iter()
            .filter(|b| !is_furniture(b))
            .map(|b| b.text.chars().count().saturating_sub(b.link_chars))
            .sum();
        if n < 25 {
            continue;
        }
        let commas = own.iter().map(|b| b.text.matches([',', '.']).count()).sum::<usize>();
        let weight = (n as f64).min(600.0) + 10.0 * commas.min(10) as f64;
        let weight = if name == "li" || name == "td" { weight * 0.5 } else { weight };
        for (depth, a) in p.ancestors_it(Some(4)).enumerate() {
            count_visits(1);
            let share = [1.0, 0.6, 0.35, 0.2][depth.min(3)];
            *score.entry(a.id).or_insert(0.0) += weight * share;
            nodes.entry(a.id).or_insert(a);
        }
    }
    let Some((best_id, _)) = score.iter().max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
    else {
        return String::new();
    };
    let mut best = nodes[best_id];
    // Semantic containers win when they hold the best one's prose and are not much bigger.
    for sel in
        [css!(r#"[itemprop="articleBody"]"#), css!(r#"[property="articleBody"]"#), css!("article")]
    {
        let cands = doc.select_matcher(sel);
        if cands.length() != 1 {
            continue;
        }
        let c = cands.nodes()[0];
        let contains = best.ancestors_it(None).any(|a| a.id == c.id) || c.id == best.id;
        if contains {
            let inner = prose_chars(&blocks_of(&best));
            let outer = prose_chars(&blocks_of(&c));
            if outer as f64 <= inner as f64 * 1.6 {
                best = c;
            }
            break;
        }
    }
    // Climb while the parent holds more of the body beside the chosen node: sibling paragraphs
    // or sibling containers with prose of their own (bodies split into sections).
    for _ in 0..3 {
        let Some(parent) = best.parent() else { break };
        if parent.node_name().is_some_and(|n| n.as_ref() == "body" || n.as_ref() == "html") {
            break;
        }
        let inner = prose_chars(&blocks_of(&best));
        let outer = prose_chars(&blocks_of(&parent));
        let prose_siblings = parent
            .element_children()
            .iter()
            .filter(|c| c.id != best.id)
            .filter(|c| {
                let p = prose_chars(&blocks_of(c));
                p >= 200.max(inner / 5)
            })
            .count();
        if prose_siblings >= 1 && (outer as f64) < inner as f64 * 3.0 {
            best = parent;
        } else {
            break;
        }
    }
    join_blocks(&blocks_of(&best))
}

/// The inline text directly inside `node` (not inside nested block elements), as blocks.
fn own_inline_text(node: &NodeRef) -> Vec<Block> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut links = 0usize;
    for child in node.children_it(false) {
        if child.is_text() {
            cur.push_str(&child.text());
        } else if child.is_element() {
            let name = child.node_name().map(|n| n.to_string()).unwrap_or_default();
            if is_block_tag(&name) {
                continue;
            }
            let t = child.text();
            if name == "a" || child.select_inner_links() {
                links += t.trim().chars().count();
            }
            cur.push_str(&t);
            cur.push(' ');
        }
    }
    flush(&mut cur, &mut links, "p", &mut out);
    out
}

trait InnerLinks {
    fn select_inner_links(&self) -> bool;
}

impl InnerLinks for NodeRef<'_> {
    /// Whether this inline element is (almost) all link: `<span><a>…</a></span>`.
    fn select_inner_links(&self) -> bool {
        let all = self.text().trim().chars().count();
        if all == 0 {
            return false;
        }
        let linked: usize = Selection::from(*self)
            .select_matcher(css!("a"))
            .nodes()
            .iter()
            .map(|a| a.text().trim().chars().count())
            .sum();
        linked * 2 > all
    }
}

/// Pages whose elements nest deeper than this get no readability candidate: readability's
/// cleaning walks every node's ancestors and descendants, quadratic in the depth (a hostile page
/// of 4,000 nested `<div>`s took 2.4 s, of 100,000 more than five minutes), and real pages nest
/// a few dozen deep. The density candidate, linear, reads such a page.
const READABILITY_MAX_DEPTH: usize = 256;

/// Whether some element of `doc` is nested deeper than `limit` (one pass, stopping early).
fn nested_deeper_than(doc: &Document, limit: usize) -> bool {
    let mut stack = vec![(doc.root(), 0usize)];
    while let Some((node, depth)) = stack.pop() {
        if depth > limit {
            return true;
        }
        stack.extend(node.children_it(false).filter(|c| c.is_element()).map(|c| (c, depth + 1)));
    }
    false
}

/// The readability candidate: dom_smoothie on the page, its content read as blocks (none for a
/// page nested deeper than [`READABILITY_MAX_DEPTH`]).
fn readability_text(doc: Document) -> (String, Option<dom_smoothie::Article>) {
    if nested_deeper_than(&doc, READABILITY_MAX_DEPTH) {
        return (String::new(), None);
    }
    let cfg = dom_smoothie::Config { text_mode: dom_smoothie::TextMode::Raw, ..Default::default() };
    let Some(article) = dom_smoothie::Readability::with_document(doc, None, Some(cfg))
        .ok()
        .and_then(|mut r| r.parse().ok())
    else {
        return (String::new(), None);
    };
    let frag = Document::fragment(article.content.clone());
    let root = frag.root();
    let text = join_blocks(&blocks_of(&root));
    (text, Some(article))
}

fn shingle_set(text: &str) -> HashSet<[u64; 1]> {
    use std::hash::{Hash, Hasher};
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut out = HashSet::new();
    for w in words.windows(4) {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        w.hash(&mut h);
        out.insert([h.finish()]);
    }
    out
}

/// Picks the main text from the readability candidate `a` and the density candidate `b`.
///
/// Readability is the default: it rarely misses the body. The density candidate replaces it when
/// it is (nearly) a subset of it that still covers most of it — the same body without the extra
/// blocks readability kept (captions, teasers, author boxes). When the density candidate adds
/// text of its own or covers too little, readability stays.
fn choose(a: String, b: String) -> String {
    let (sa, sb) = (shingle_set(&a), shingle_set(&b));
    if sa.len() < 8 {
        return if sb.len() > sa.len() { b } else { a };
    }
    if sb.len() < 8 {
        return a;
    }
    let inter = sa.intersection(&sb).count() as f64;
    let a_in_b = inter / sa.len() as f64;
    let b_in_a = inter / sb.len() as f64;
    if b_in_a >= 0.95 && a_in_b >= 0.7 {
        b
    } else {
        a
    }
}

// ---------------------------------------------------------------------------------------------
// Metadata

/// What JSON-LD says about the page's article.
#[derive(Debug, Default)]
struct JsonLd {
    headline: Option<String>,
    published: Option<String>,
    modified: Option<String>,
    authors: Vec<String>,
    publisher: Option<String>,
    url: Option<String>,
}

const ARTICLE_TYPES: &[&str] = &[
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "blogposting",
    "liveblogposting",
    "socialmediaposting",
    "webpage",
    "report",
    "scholarlyarticle",
    "techarticle",
];

fn json_ld(doc: &Document) -> JsonLd {
    let mut out = JsonLd::default();
    let values: Vec<Value> = doc
        .select_matcher(css!(r#"script[type="application/ld+json"]"#))
        .nodes()
        .iter()
        .filter_map(|script| serde_json::from_str::<Value>(script.text().trim()).ok())
        .collect();
    let mut objects = Vec::new();
    for v in &values {
        collect_objects(v, &mut objects, 0);
    }
    // Article types first (a WebPage is only a fallback).
    objects.sort_by_key(|o| type_rank(o));
    for o in objects.iter().filter(|o| type_rank(o) < ARTICLE_TYPES.len()) {
        let s = |k: &str| {
            o.get(k)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        out.headline = out
            .headline
            .take()
            .or_else(|| s("headline"))
            .or_else(|| s("name").filter(|_| type_rank(o) < 10));
        out.published =
            out.published.take().or_else(|| s("datePublished")).or_else(|| s("dateCreated"));
        out.modified = out.modified.take().or_else(|| s("dateModified"));
        if out.authors.is_empty() {
            out.authors = names(o.get("author").or_else(|| o.get("creator")));
        }
        if out.publisher.is_none() {
            out.publisher = names(o.get("publisher")).into_iter().next();
        }
        out.url = out.url.take().or_else(|| s("url"));
    }
    if out.publisher.is_none() {
        out.publisher = objects
            .iter()
            .find(|o| has_type(o, "newsmediaorganization") || has_type(o, "organization"))
            .and_then(|o| o.get("name").and_then(Value::as_str).map(str::to_string));
    }
    out
}

fn has_type(o: &Value, t: &str) -> bool {
    match o.get("@type") {
        Some(Value::String(s)) => s.eq_ignore_ascii_case(t),
        Some(Value::Array(a)) => {
            a.iter().any(|v| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case(t)))
        }
        _ => false,
    }
}

fn type_rank(o: &Value) -> usize {
    ARTICLE_TYPES.iter().position(|t| has_type(o, t)).unwrap_or(ARTICLE_TYPES.len())
}

fn collect_objects<'a>(v: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    if depth > 4 {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| collect_objects(x, out, depth + 1)),
        Value::Object(o) => {
            out.push(v);
            if let Some(g) = o.get("@graph") {
                collect_objects(g, out, depth + 1);
            }
            if let Some(m) = o.get("mainEntity") {
                collect_objects(m, out, depth + 1);
            }
        }
        _ => {}
    }
}

fn names(v: Option<&Value>) -> Vec<String> {
    let mut out = Vec::new();
    match v {
        Some(Value::String(s)) => out.push(s.trim().to_string()),
        Some(Value::Object(o)) => {
            if let Some(n) = o.get("name").and_then(Value::as_str) {
                out.push(n.trim().to_string());
            }
        }
        Some(Value::Array(a)) => a.iter().for_each(|x| out.extend(names(Some(x)))),
        _ => {}
    }
    out.retain(|n| !n.is_empty() && !n.starts_with("http"));
    out.dedup();
    out
}

static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|[-_.]|$)")
        .unwrap()
});
static URL_DATE_COMPACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[/_-]((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])[/_.-]").unwrap()
});

/// A full day (year, month and day) in an URL path: `/2025/05/11/`, `/2025-05-11-`, `_20250511_`.
pub fn date_from_url(url: &str) -> Option<Date> {
    let path = url.split_once("://").map_or(url, |(_, r)| r);
    let c = URL_DATE.captures(path).or_else(|| URL_DATE_COMPACT.captures(path))?;
    Date::new(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?).ok()
}

fn clean_author(a: &str) -> Option<String> {
    let a = clean_ws(a);
    let a = a
        .strip_prefix("By ")
        .or_else(|| a.strip_prefix("by "))
        .or_else(|| a.strip_prefix("BY "))
        .unwrap_or(&a)
        .trim()
        .trim_end_matches([',', '|'])
        .to_string();
    (!a.is_empty() && !a.starts_with("http") && a.chars().count() <= 120).then_some(a)
}

/// Extracts main text and metadata from an HTML page. A page nested deeper than
/// [`nesting::MAX_PARSE_DEPTH`] is not parsed (the parser's time grows with the depth): its
/// title and text are read from its tags ([`nesting::plain_text`]).
pub fn extract(html: &str) -> HtmlDoc {
    if nesting::too_deep(html) {
        let (title, text) = nesting::plain_text(html);
        return HtmlDoc { text, title, ..Default::default() };
    }
    let doc = Document::from(html);
    let ld = json_ld(&doc);
    let site = meta(
        &doc,
        &[
            css!(r#"meta[property="og:site_name"]"#),
            css!(r#"meta[name="og:site_name"]"#),
            css!(r#"meta[name="application-name"]"#),
        ],
    )
    .or(ld.publisher.clone());
    let published_meta = meta(
        &doc,
        &[
            css!(r#"meta[property="article:published_time"]"#),
            css!(r#"meta[name="article:published_time"]"#),
            css!(r#"meta[itemprop="datePublished"]"#),
            css!(r#"meta[property="og:article:published_time"]"#),
            css!(r#"meta[name="parsely-pub-date"]"#),
            css!(r#"meta[name="sailthru.date"]"#),
            css!(r#"meta[name="publish-date"]"#),
            css!(r#"meta[name="publish_date"]"#),
            css!(r#"meta[name="pubdate"]"#),
            css!(r#"meta[name="date"]"#),
            css!(r#"meta[name="dc.date"]"#),
            css!(r#"meta[name="DC.date"]"#),
            css!(r#"meta[name="dcterms.date"]"#),
            css!(r#"meta[name="DC.date.issued"]"#),
            css!(r#"meta[name="dc.date.issued"]"#),
            css!(r#"meta[name="citation_publication_date"]"#),
        ],
    );
    let modified_meta = meta(
        &doc,
        &[
            css!(r#"meta[property="article:modified_time"]"#),
            css!(r#"meta[itemprop="dateModified"]"#),
            css!(r#"meta[property="og:updated_time"]"#),
            css!(r#"meta[name="last-modified"]"#),
        ],
    );
    let time_published = doc
        .select_matcher(css!(r#"time[itemprop="datePublished"], time[pubdate], time.published, time[class*="publish"], [itemprop="datePublished"][datetime]"#))
        .attr("datetime")
        .map(|v| v.to_string());
    let time_any = doc
        .select_matcher(css!("article time[datetime], time[datetime]"))
        .attr("datetime")
        .map(|v| v.to_string());
    let author_meta = meta(
        &doc,
        &[
            css!(r#"meta[name="author"]"#),
            css!(r#"meta[property="article:author"]"#),
            css!(r#"meta[name="parsely-author"]"#),
            css!(r#"meta[name="sailthru.author"]"#),
        ],
    )
    .and_then(|a| clean_author(&a));
    let og_title =
        meta(&doc, &[css!(r#"meta[property="og:title"]"#), css!(r#"meta[name="twitter:title"]"#)]);
    let title_tag = Some(clean_ws(&doc.select_matcher(css!("head title")).text()))
        .filter(|t| !t.is_empty())
        .or_else(|| {
            Some(clean_ws(&doc.select_matcher(css!("title")).first().text()))
                .filter(|t| !t.is_empty())
        });
    let h1 =
        Some(clean_ws(&doc.select_matcher(css!("h1")).first().text())).filter(|t| !t.is_empty());
    let canonical = doc
        .select_matcher(css!(r#"link[rel="canonical"]"#))
        .attr("href")
        .map(|v| v.trim().to_string())
        .filter(|u| u.starts_with("http"))
        .or_else(|| {
            meta(&doc, &[css!(r#"meta[property="og:url"]"#)]).filter(|u| u.starts_with("http"))
        })
        .or_else(|| ld.url.clone().filter(|u| u.starts_with("http")));
    let lang = doc.select_matcher(css!("html")).attr("lang").map(|v| v.to_string()).or_else(|| {
        meta(
            &doc,
            &[
                css!(r#"meta[http-equiv="content-language"]"#),
                css!(r#"meta[property="og:locale"]"#),
            ],
        )
    });

    // Second candidate on its own copy of the DOM (the readability pass mutates its document).
    let density = density_text(&doc.clone());
    let (readable, extracted) = readability_text(doc);
    let mut text = choose(readable, density);
    if text.trim().is_empty() {
        text = fallback_text(html);
    }

    let mut out = HtmlDoc { url: canonical.clone(), lang, text, ..Default::default() };
    out.source = site
        .or_else(|| extracted.as_ref().and_then(|a| a.site_name.clone()))
        .or_else(|| canonical.as_deref().and_then(host_name));
    out.author = if !ld.authors.is_empty() {
        Some(ld.authors.join(", "))
    } else {
        author_meta
            .or_else(|| extracted.as_ref().and_then(|a| a.byline.as_deref()).and_then(clean_author))
    };
    let raw_title = og_title
        .or(ld.headline.clone())
        .or(title_tag)
        .or(h1)
        .or_else(|| extracted.as_ref().map(|a| a.title.clone()).filter(|t| !t.is_empty()));
    out.title =
        raw_title.map(|t| strip_site_suffix(&t, out.source.as_deref())).filter(|t| !t.is_empty());

    let signals: [(Option<&str>, DateOrigin); 7] = [
        (ld.published.as_deref(), DateOrigin::JsonLd),
        (published_meta.as_deref(), DateOrigin::HtmlMeta),
        (time_published.as_deref(), DateOrigin::HtmlTime),
        (None, DateOrigin::Url),
        (time_any.as_deref(), DateOrigin::HtmlTime),
        (ld.modified.as_deref(), DateOrigin::JsonLdModified),
        (modified_meta.as_deref(), DateOrigin::HtmlMetaModified),
    ];
    for (value, origin) in signals {
        let date = if origin == DateOrigin::Url {
            canonical.as_deref().and_then(date_from_url)
        } else {
            value.and_then(parse_date)
        };
        if let Some(d) = date {
            out.published = Some(d);
            out.published_origin = Some(origin);
            break;
        }
    }
    out
}

/// The two main-text candidates of a page, (readability, density), before [`choose`] (for error
/// analysis: `cargo run --example html_candidates -- page.html`).
pub fn candidates(html: &str) -> (String, String) {
    if nesting::too_deep(html) {
        return (String::new(), nesting::plain_text(html).1);
    }
    let doc = Document::from(html);
    let density = density_text(&doc.clone());
    let (readable, _) = readability_text(doc);
    (readable, density)
}

/// Last resort: every paragraph-ish block of the page.
fn fallback_text(html: &str) -> String {
    let doc = Document::from(html);
    doc.select_matcher(css!(JUNK_TAGS)).remove();
    let body = doc.select_matcher(css!("body"));
    let Some(root) = body.nodes().first().cloned() else { return String::new() };
    blocks_of(&root).into_iter().map(|b| b.text).collect::<Vec<_>>().join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_dates_need_a_day() {
        let d = |u: &str| date_from_url(u).map(|d| d.to_string());
        assert_eq!(d("https://x.example/2025/05/11/story").as_deref(), Some("2025-05-11"));
        assert_eq!(d("https://x.example/news/2025-05-11-story").as_deref(), Some("2025-05-11"));
        assert_eq!(d("https://x.example/a_20250511_b.html").as_deref(), Some("2025-05-11"));
        assert_eq!(d("https://x.example/2025/05/story"), None);
        assert_eq!(d("https://x.example/2025/13/40/story"), None);
    }

    #[test]
    fn json_ld_published_beats_modified_and_names_authors() {
        let page = r#"<html><head><script type="application/ld+json">
        {"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Site"},
         {"@type":"NewsArticle","headline":"Dam holds","datePublished":"2026-03-04T08:00:00+01:00",
          "dateModified":"2026-03-05T10:00:00Z","author":[{"@type":"Person","name":"Ida Brook"},{"name":"Tom Vale"}],
          "publisher":{"@type":"Organization","name":"Valley Herald"}}]}
        </script></head><body><article><p>The dam held through the night, engineers of the valley authority said on Wednesday morning after the inspection.</p></article></body></html>"#;
        let d = extract(page);
        assert_eq!(d.published.unwrap().to_string(), "2026-03-04");
        assert_eq!(d.published_origin, Some(DateOrigin::JsonLd));
        assert_eq!(d.author.as_deref(), Some("Ida Brook, Tom Vale"));
        assert_eq!(d.source.as_deref(), Some("Valley Herald"));
        assert_eq!(d.title.as_deref(), Some("Dam holds"));
    }

    #[test]
    fn modified_only_is_labelled_and_url_date_is_used() {
        let page = r#"<html><head><meta property="article:modified_time" content="2026-01-02T00:00:00Z">
        <link rel="canonical" href="https://news.example/2025/12/30/storm"></head>
        <body><p>The storm passed over the coast in the night and left thousands without power until the morning.</p></body></html>"#;
        let d = extract(page);
        assert_eq!(d.published.unwrap().to_string(), "2025-12-30");
        assert_eq!(d.published_origin, Some(DateOrigin::Url));
        assert_eq!(d.source.as_deref(), Some("news.example"));
        let page = page.replace("/2025/12/30/", "/");
        let d = extract(&page);
        assert_eq!(d.published_origin, Some(DateOrigin::HtmlMetaModified));
    }

    #[test]
    fn boilerplate_blocks_are_dropped() {
        let para = |i: usize| {
            format!(
                "<p>Paragraph {i} of the report: the river council met on Monday, and the members \
                 agreed to fund the new flood wall before the autumn rains arrive.</p>"
            )
        };
        let body: String = (0..6).map(para).collect();
        let page = format!(
            r##"<html><body>
            <div class="cookie-banner"><p>We use cookies to improve your experience on this website, accept them all.</p></div>
            <nav><a href="/">Home</a><a href="/news">News</a></nav>
            <div class="article-body">{body}
              <div class="share-tools"><a href="#">Share on Facebook</a><a href="#">Share on X</a></div>
              <div class="related-articles"><h3>Related</h3><ul><li><a href="/a">Another story about something else entirely today</a></li><li><a href="/b">A second unrelated story about the weather</a></li></ul></div>
            </div>
            <section id="comments"><p>Great article, I have been saying this for years and nobody listens to me.</p></section>
            <footer><p>Copyright 2026 The River Post. All rights reserved.</p></footer></body></html>"##
        );
        let d = extract(&page);
        assert!(d.text.starts_with("Paragraph 0"), "{}", d.text);
        assert!(d.text.contains("Paragraph 5"));
        for junk in ["cookies", "Share on", "Another story", "Great article", "Copyright", "Home"] {
            assert!(!d.text.contains(junk), "{junk} in {}", d.text);
        }
    }

    /// Issue 14: the density reader's own walks visit each node a bounded number of times: the
    /// work grows with the page, not with its depth times its size. (Its boilerplate pass matched
    /// `body *`, which walks every element's ancestors, and read the paragraphs under every
    /// suspect element again: 16,000 nested `<div class="share">`s were quadratic.)
    #[test]
    fn density_walks_grow_linearly_with_the_depth() {
        let para = "<p>The council of Orla approved a new library on Thursday, the mayor said, \
                    and building starts in spring.</p>";
        let page = |depth: usize| {
            format!(
                "<html><body>{}{}{}</body></html>",
                "<div class=\"share\"><div>".repeat(depth / 2),
                para.repeat(5),
                "</div></div>".repeat(depth / 2)
            )
        };
        let visits = |depth: usize| {
            let doc = Document::from(page(depth).as_str());
            VISITS.with(|v| v.set(0));
            let text = density_text(&doc);
            assert!(text.contains("Orla approved"), "{text}");
            VISITS.with(|v| v.get())
        };
        let (small, large) = (visits(100), visits(400));
        assert!(large <= small * 5, "{small} visits at depth 100, {large} at 400");
    }

    #[test]
    fn host_names() {
        assert_eq!(host_name("https://www.Example.org:8080/a?b").as_deref(), Some("example.org"));
        assert_eq!(host_name("not a url"), None);
    }
}
