//! Speaker ranking: the last word on who speaks a quotation.
//!
//! For each quotation the rules of the parent module found, the mentions around it (entities,
//! he/she/they/it, relative "who"/"which", possessive pronouns, role and document nouns such as
//! "the spokesman" or "the letter", and the rules' own choice) become candidates, each described by
//! named features (kind, side and distance from the quote, the words at the mention, a cue verb in
//! between, whether the rules chose it, whether it spoke the previous quote …). A linear model
//! scores them against a "no speaker" option; the best wins. The weights
//! (`models/quote_speaker.tsv`, one `feature<TAB>weight` a line) are learnt from the PolNeAR train
//! split by `crates/train/examples/train_quotes.rs` with the averaged perceptron in
//! `storyline_train::quote_speaker`; the
//! committed file is reproduced byte for byte by `cargo run --release -p storyline-train --example
//! train_quotes -- ../shared/data/quotes/polnear/train crates/analyze/models/quote_speaker.tsv
//! --min-count-words 10` (see that example's doc). The model never decides the frames the rules
//! keep (`super::RuleFrame`).

use std::collections::HashMap;
use std::sync::LazyLock;

use storyline_model::EntityType;

use super::document::Document;
use crate::budget::MAX_CANDIDATES;
use crate::lexicon;
use crate::text::{lower, range_of, tokenize, Tok};

static MODEL_TSV: &str = include_str!("../../models/quote_speaker.tsv");
static MODEL: LazyLock<Model> = LazyLock::new(|| Model::from_tsv(MODEL_TSV));

/// The embedded speaker model.
pub fn model() -> &'static Model {
    &MODEL
}

/// Nouns naming a document or medium that can be the source of a quotation.
const DOC_NOUNS: &[&str] = &[
    "letter",
    "report",
    "statement",
    "memo",
    "complaint",
    "ad",
    "advert",
    "article",
    "piece",
    "study",
    "survey",
    "poll",
    "document",
    "filing",
    "lawsuit",
    "suit",
    "campaign",
    "website",
    "post",
    "tweet",
    "clip",
    "video",
    "book",
    "editorial",
    "indictment",
    "ruling",
    "release",
    "email",
    "message",
    "announcer",
    "narrator",
    "commercial",
    "order",
    "memoir",
    "column",
    "transcript",
    "platform",
    "bill",
    "sign",
    "signs",
    "headline",
];

/// A possible speaker mention (byte offsets).
#[derive(Debug, Clone)]
pub struct Mention {
    pub s: usize,
    pub e: usize,
    pub kind: &'static str,
    pub canonical: Option<String>,
    /// Whom a relative "who"/"which" stands for: the name it directly follows ("Okafor, who
    /// said"). Not a feature (the model scores the pronoun as written, as PolNeAR marks it);
    /// it names the speaker when the pronoun is chosen.
    pub antecedent: Option<String>,
}

/// One candidate of one quote: the mention and its features.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub mention: Mention,
    pub features: Vec<String>,
}

/// The decision for one quote: its candidates and the features of "no speaker".
#[derive(Debug, Clone, Default)]
pub struct Choice {
    pub candidates: Vec<Candidate>,
    pub none_features: Vec<String>,
}

/// What the rules decided for one quote (byte offsets).
pub(super) struct RuleView {
    pub open: usize,
    pub close_end: usize,
    pub words: usize,
    /// Every longer word of the content capitalised: a title ("Morning Joe"), rarely speech.
    pub title_case: bool,
    pub opens_sentence: bool,
    pub speaker: Option<(usize, usize)>,
    /// Canonical name of the rules' speaker.
    pub speaker_canonical: Option<String>,
    pub cue: bool,
    /// Canonical name of the speaker of the previous quote.
    pub prev_canonical: Option<String>,
    /// Speaker mention of the previous quote.
    pub prev_span: Option<(usize, usize)>,
}

/// Every candidate mention of a document, and how often each canonical name is mentioned.
pub(super) struct Mentions {
    pub list: Vec<Mention>,
    salience: HashMap<String, usize>,
}

impl Mentions {
    /// Every candidate mention of the text outside quoted stretches, sorted by start.
    pub fn new(cx: &Document, quoted: &[(usize, usize)]) -> Self {
        let list = mentions(cx, quoted);
        let mut salience: HashMap<String, usize> = HashMap::new();
        for c in list.iter().filter_map(|m| m.canonical.as_ref()) {
            *salience.entry(c.clone()).or_default() += 1;
        }
        Mentions { list, salience }
    }
}

/// Every candidate mention of the text outside quoted stretches, sorted by start.
fn mentions(cx: &Document, quoted: &[(usize, usize)]) -> Vec<Mention> {
    let text = cx.text;
    let inside = |s: usize, e: usize| {
        let i = quoted.partition_point(|q| q.1 <= s);
        i < quoted.len() && quoted[i].0 < e
    };
    let mut out: Vec<Mention> = Vec::new();
    for &(s, e, ent) in &cx.ents {
        if inside(s, e) {
            continue;
        }
        let kind = match ent.kind {
            EntityType::Person => "per",
            EntityType::Organisation => "org",
            EntityType::Location => "loc",
            _ => "misc",
        };
        out.push(Mention { s, e, kind, canonical: Some(ent.canonical.clone()), antecedent: None });
    }
    let in_entity = |t: &Tok| {
        let i = cx.ents.partition_point(|x| x.1 <= t.s);
        i < cx.ents.len() && cx.ents[i].0 <= t.s
    };
    // The text's words in chunks of about 64 kB cut at white space (no token crosses one), with
    // the last four words before each kept for the look back: the words of the whole text are
    // never all held at once.
    const CHUNK: usize = 1 << 16;
    let mut recent: std::collections::VecDeque<Tok> = std::collections::VecDeque::with_capacity(5);
    let mut a = 0;
    while a < text.len() {
        let mut b = (a + CHUNK).min(text.len());
        while b < text.len()
            && !(text.is_char_boundary(b) && text[b..].starts_with(char::is_whitespace))
        {
            b += 1;
        }
        for t in tokenize(text, a, b).into_iter().filter(|t| t.word) {
            if let Some(m) = mention_at(cx, &t, &recent, &inside, &in_entity) {
                out.push(m);
            }
            if recent.len() == 4 {
                recent.pop_front();
            }
            recent.push_back(t);
        }
        a = b;
    }
    out.sort_by_key(|m| (m.s, m.e));
    out
}

/// The mention word `t` makes, if any (not inside an entity or a quotation); `recent`: the four
/// words before it.
fn mention_at(
    cx: &Document,
    t: &Tok,
    recent: &std::collections::VecDeque<Tok>,
    inside: &impl Fn(usize, usize) -> bool,
    in_entity: &impl Fn(&Tok) -> bool,
) -> Option<Mention> {
    let text = cx.text;
    if in_entity(t) || inside(t.s, t.e) {
        return None;
    }
    // The word lower-cased: on the stack for a short ASCII word (most words, none of them a
    // mention), else as `lower` gives it.
    let word = t.text(text);
    let mut buf = [0u8; 24];
    let owned;
    let w: &str = match buf.get_mut(..word.len()) {
        Some(b) if word.is_ascii() => {
            b.copy_from_slice(word.as_bytes());
            b.make_ascii_lowercase();
            std::str::from_utf8(b).unwrap_or_default()
        }
        _ => {
            owned = lower(word);
            &owned
        }
    };
    let kind = match w {
        "he" | "she" => "he",
        "they" => "they",
        "it" => "it",
        "who" | "which" => "wh",
        "his" | "her" | "their" | "its" => "poss",
        _ if lexicon::is_role_noun(w) => "role",
        _ if DOC_NOUNS.contains(&w) => "doc",
        _ => return None,
    };
    let (mut s, canonical) = match kind {
        "he" => (t.s, cx.resolve_pronoun(t.s)),
        "role" => (t.s, cx.resolve_role(w)),
        _ => (t.s, None),
    };
    if matches!(kind, "role" | "doc") {
        // Extend back over a determiner and modifiers: "the former White House spokesman".
        if let Some(d) = recent.iter().rev().find(|x| {
            matches!(
                lower(x.text(text)).as_str(),
                "the" | "a" | "an" | "his" | "her" | "their" | "its" | "this" | "that"
            )
        }) {
            let gap = &text[d.e..t.s];
            if !gap.contains(['.', ',', ';', ':', '\n', '"', '“', '”']) {
                s = d.s;
            }
        }
    }
    let antecedent = if kind == "wh" { relative_antecedent(cx, t.s, w) } else { None };
    Some(Mention { s, e: t.e, kind, canonical, antecedent })
}

/// The canonical name a relative pronoun at byte `pos` stands for: the entity ending right before
/// it, with nothing but spaces and at most one comma between ("Okafor, who", "the Vantreck
/// Institute, which"). "who" takes a person or an organisation, "which" an organisation or a
/// place; anything else leaves the pronoun unresolved.
fn relative_antecedent(cx: &Document, pos: usize, pronoun: &str) -> Option<String> {
    let i = cx.ents.partition_point(|x| x.1 <= pos);
    let &(_, ee, ent) = cx.ents[..i].last()?;
    let gap = &cx.text[ee..pos];
    let only_spaces_and_a_comma =
        gap.chars().all(|c| c == ',' || c.is_whitespace()) && gap.matches(',').count() <= 1;
    let fits = match pronoun {
        "who" => matches!(ent.kind, EntityType::Person | EntityType::Organisation),
        "which" => matches!(ent.kind, EntityType::Organisation | EntityType::Location),
        _ => false,
    };
    (only_spaces_and_a_comma && fits).then(|| ent.canonical.clone())
}

/// Whether the line holding byte `pos` is written in Title Case (see [`title_case_line`]); each
/// line is read once per document.
fn in_title_case_line(doc: &Document, pos: usize) -> bool {
    let title = doc.title_lines.get_or_init(|| {
        (0..doc.lines.len())
            .map(|i| {
                let (s, e) = doc.lines.range(i);
                title_case_line(&doc.text[s..e])
            })
            .collect()
    });
    title[doc.lines.line_of(pos)]
}

/// Whether a line is written in Title Case (a headline, a caption): at least three words of four
/// letters or more, nearly all capitalised.
fn title_case_line(line: &str) -> bool {
    let long: Vec<&str> = line
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 4)
        .collect();
    let caps = long.iter().filter(|w| w.chars().next().is_some_and(char::is_uppercase)).count();
    long.len() >= 3 && caps * 10 >= long.len() * 8
}

/// The first char boundary at or after byte `b` (the text's end at most).
pub(super) fn ceil_boundary(text: &str, b: usize) -> usize {
    (b.min(text.len())..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len())
}

fn bucket(n: usize) -> &'static str {
    match n {
        0 => "0",
        1 => "1",
        2 => "2",
        3..=5 => "3-5",
        6..=10 => "6-10",
        11..=20 => "11-20",
        _ => "21+",
    }
}

/// The candidates and features of one quote. `mentions` from [`mentions`]; `quoted` the sorted
/// quoted stretches (open, close end).
pub(super) fn choice(
    doc: &Document,
    mentions: &Mentions,
    quoted: &[(usize, usize)],
    q: &RuleView,
) -> Choice {
    let scene = Scene::new(doc, mentions, quoted, q);
    let mut cands = Vec::with_capacity(scene.window.len());
    for (i, m) in scene.window.iter().enumerate() {
        let before = m.e <= q.open;
        if !before && m.s < q.close_end {
            continue;
        }
        cands.push(Candidate { mention: m.clone(), features: scene.features(i, m) });
    }
    let none_features = scene.none_features(cands.len());
    Choice { candidates: cands, none_features }
}

/// One quote seen by the speaker model: the quote, its neighbourhood of mentions, and the
/// words at its marks.
struct Scene<'a> {
    doc: &'a Document<'a>,
    q: &'a RuleView,
    /// Every mention of the document (for how often a name is mentioned).
    mentions: &'a Mentions,
    quoted: &'a [(usize, usize)],
    /// The sentence holding the quote.
    sentence: Option<usize>,
    /// The candidate mentions: from two sentences before the quote to one after, plus the rules'
    /// own speaker.
    window: Vec<Mention>,
    /// For each sentence, the index in `window` of its first mention.
    sent_firsts: HashMap<usize, usize>,
    /// The token right before the open mark and right after the close mark (words lower-cased).
    quote_prev: Option<String>,
    quote_next: Option<String>,
    /// The content's length bucket, capitalised start and final punctuation.
    shape: String,
    /// End of the first line (the headline).
    headline_end: usize,
}

impl<'a> Scene<'a> {
    fn new(
        doc: &'a Document<'a>,
        mentions: &'a Mentions,
        quoted: &'a [(usize, usize)],
        q: &'a RuleView,
    ) -> Self {
        let text = doc.text;
        let sentence =
            range_of(&doc.sents, q.open).or_else(|| range_of(&doc.sents, q.close_end - 1));
        let window = candidate_window(doc, &mentions.list, q, sentence);
        let mut sent_firsts: HashMap<usize, usize> = HashMap::new();
        for (i, m) in window.iter().enumerate() {
            if let Some(sj) = range_of(&doc.sents, m.s) {
                sent_firsts.entry(sj).or_insert(i);
            }
        }
        // The words just outside the quotation marks and the shape of the content: "the “…”"
        // and "so-called “…”" name things, "“…,” said" and a content ending in punctuation
        // report speech.
        let as_feature =
            |t: &Tok| if t.word { lower(t.text(text)) } else { t.text(text).to_string() };
        let quote_prev = tokenize(text, ceil_boundary(text, q.open.saturating_sub(40)), q.open)
            .last()
            .map(as_feature);
        let quote_next = tokenize(text, q.close_end, ceil_boundary(text, q.close_end + 40))
            .first()
            .map(as_feature);
        let content = text[q.open..q.close_end].trim_matches(|c: char| !c.is_alphanumeric());
        let last_inner = text[q.open..q.close_end]
            .trim_end_matches(['"', '“', '”', '\'', '‘', '’', '»', '«'])
            .chars()
            .next_back();
        let ends_punct = last_inner.is_some_and(|c| matches!(c, '.' | ',' | '!' | '?' | '—' | ':'));
        let starts_cap = content.chars().next().is_some_and(char::is_uppercase);
        let shape = format!("{}_{starts_cap}_{ends_punct}", bucket(q.words.min(6)));
        let headline_end = doc.lines.end(0);
        Scene {
            doc,
            q,
            mentions,
            quoted,
            sentence,
            window,
            sent_firsts,
            quote_prev,
            quote_next,
            shape,
            headline_end,
        }
    }

    fn quote_in_headline(&self) -> bool {
        self.q.open < self.headline_end
    }

    /// How often a name is mentioned in the article: the people quoted are its main actors.
    fn salience(&self, canonical: &str) -> usize {
        self.mentions.salience.get(canonical).copied().unwrap_or(0)
    }

    /// Where mention `m` (`window[i]`) stands from the quote: its sentence (`same_before`,
    /// `prev1`, `next`…) and what lies between them.
    fn placement(&self, m: &Mention) -> Placement {
        let (text, q) = (self.doc.text, self.q);
        let before = m.e <= q.open;
        let rel = match (self.sentence, range_of(&self.doc.sents, m.s)) {
            (Some(a), Some(b)) if a == b => {
                if before {
                    "same_before"
                } else {
                    "same_after"
                }
            }
            (Some(a), Some(b)) if b < a => {
                if a - b == 1 {
                    "prev1"
                } else {
                    "prev2"
                }
            }
            (Some(_), Some(_)) => "next",
            _ => "far",
        };
        let (gs, ge) = if before { (m.e, q.open) } else { (q.close_end, m.s) };
        let outside_quotes = |t: &Tok| {
            let i = self.quoted.partition_point(|x| x.1 <= t.s);
            !(i < self.quoted.len() && self.quoted[i].0 <= t.s)
        };
        let between: Vec<Tok> = tokenize(text, gs, ge).into_iter().filter(outside_quotes).collect();
        let n_between = self
            .window
            .iter()
            .filter(|o| {
                if before {
                    o.s >= m.e && o.e <= q.open
                } else {
                    o.s >= q.close_end && o.e <= m.s
                }
            })
            .count();
        Placement {
            rel,
            n_words: between.iter().filter(|t| t.word).count(),
            n_between,
            cue_between: between
                .iter()
                .any(|t| t.word && lexicon::is_speech_verb(&lower(t.text(text)))),
            crosses_par: text[gs..ge].contains('\n'),
        }
    }

    /// The features of candidate `m` (`window[i]`).
    fn features(&self, i: usize, m: &Mention) -> Vec<String> {
        let (text, q, k) = (self.doc.text, self.q, m.kind);
        let Placement { rel, n_words, n_between, cue_between, crosses_par } = self.placement(m);
        let w = MentionWords::new(text, m);
        let is_rule = q.speaker.is_some_and(|(s, e)| m.s < e && s < m.e);
        let mut f: Vec<String> = Vec::with_capacity(32);
        f.push(format!("k={k}"));
        f.push(format!("rel={rel}"));
        f.push(format!("k_rel={k}_{rel}"));
        f.push(format!("rel_dist={rel}_{}", bucket(n_words)));
        f.push(format!("k_dist={k}_{}", bucket(n_words)));
        f.push(format!("rel_nb={rel}_{}", bucket(n_between.min(3))));
        if cue_between {
            f.push(format!("cue_between_{rel}"));
        }
        if crosses_par {
            f.push(format!("xpar_{k}"));
        }
        if let Some(nw) = &w.next_word {
            f.push(format!("nw={nw}"));
            f.push(format!("k_nw={k}_{nw}"));
        }
        if let Some(p) = w.next_punct {
            f.push(format!("np={p}"));
        }
        if let Some(pw) = &w.prev_word {
            f.push(format!("pw={pw}"));
        }
        if w.cue_after {
            f.push(format!("cue_after_{rel}"));
        }
        if w.cue_before {
            f.push(format!("cue_before_{rel}"));
        }
        if w.possessive {
            f.push("poss".into());
        }
        let sj = range_of(&self.doc.sents, m.s);
        if sj.and_then(|b| self.sent_firsts.get(&b)) == Some(&i) {
            f.push(format!("first_{rel}"));
        }
        if is_rule {
            f.push("rule".into());
            f.push(format!("rule_k={k}"));
            f.push(format!("rule_rel={rel}"));
        } else if q.speaker.is_some() {
            f.push(format!("other_than_rule_{rel}"));
        }
        if m.canonical.is_some() && m.canonical == q.prev_canonical {
            f.push(format!("prev_speaker_{rel}"));
        }
        if q.prev_span == Some((m.s, m.e)) {
            f.push(format!("prev_span_{rel}_{}", q.opens_sentence));
        }
        f.push(format!("opens_{}_{rel}", q.opens_sentence));
        if w.cue_after {
            f.push(format!("k_cue_after={k}"));
        }
        if m.canonical.is_none() && matches!(k, "he" | "role") {
            f.push("unresolved".into());
        }
        if self.quote_in_headline() {
            f.push(format!("head_{}", m.s < self.headline_end));
        }
        if q.words < 3 {
            f.push(format!("short_{k}"));
        }
        if q.title_case {
            f.push(format!("title_{k}"));
        }
        if in_title_case_line(self.doc, m.s) {
            f.push(format!("title_line_{k}"));
        }
        if let Some(c) = &m.canonical {
            f.push(format!("salience={k}_{}", bucket(self.salience(c))));
        }
        if let Some(qp) = &self.quote_prev {
            f.push(format!("qp_rel={qp}_{rel}"));
        }
        if let Some(qn) = &self.quote_next {
            f.push(format!("qn_rel={qn}_{rel}"));
        }
        f.push(format!("shape_k={}_{k}", self.shape));
        f
    }

    /// The features of "no speaker", with `n_cands` candidates.
    fn none_features(&self, n_cands: usize) -> Vec<String> {
        let q = self.q;
        let mut none = vec![
            "none".to_string(),
            format!("none_words={}", bucket(q.words)),
            format!("none_ncand={}", bucket(n_cands.min(6))),
        ];
        if q.speaker.is_some() {
            none.push("none_rule_speaker".into());
        }
        if q.cue {
            none.push("none_rule_cue".into());
        }
        if q.opens_sentence {
            none.push("none_opens_sentence".into());
        }
        if self.quote_in_headline() {
            none.push("none_headline".into());
        }
        if q.title_case {
            none.push("none_title_case".into());
        }
        if let Some(w) = &self.quote_prev {
            none.push(format!("none_qp={w}"));
        }
        if let Some(w) = &self.quote_next {
            none.push(format!("none_qn={w}"));
        }
        none.push(format!("none_shape={}", self.shape));
        none
    }
}

/// The mentions from two sentences before the quote's sentence to one after (300 bytes before
/// and 200 after when the quote lies in no sentence), and the rules' own speaker even when no
/// mention covers it (a capitalised name the entity step missed, an inherited speaker further
/// back); sorted by start.
fn candidate_window(
    doc: &Document,
    mentions: &[Mention],
    q: &RuleView,
    sentence: Option<usize>,
) -> Vec<Mention> {
    let sents = &doc.sents;
    let (lo, hi) = match sentence {
        Some(i) => (sents[i.saturating_sub(2)].0, sents[(i + 1).min(sents.len() - 1)].1),
        None => (q.open.saturating_sub(300), (q.close_end + 200).min(doc.text.len())),
    };
    let first = mentions.partition_point(|m| m.s < lo);
    let last = mentions.partition_point(|m| m.s < hi);
    let mut window: Vec<Mention> = nearest(&mentions[first..last], q, MAX_CANDIDATES);
    if let Some((rs, re)) = q.speaker {
        if !window.iter().any(|m| m.s < re && rs < m.e) {
            let canonical = q.speaker_canonical.clone();
            window.push(Mention { s: rs, e: re, kind: "ruleonly", canonical, antecedent: None });
            window.sort_by_key(|m| (m.s, m.e));
        }
    }
    window
}

/// The `max` mentions of `window` (sorted by start) nearest the quote, in their order; the rules'
/// own speaker among them whatever its distance (the work budget: a quotation amid thousands of
/// names reads a few).
fn nearest(window: &[Mention], q: &RuleView, max: usize) -> Vec<Mention> {
    if window.len() <= max {
        return window.to_vec();
    }
    let distance = |m: &Mention| {
        let rule = q.speaker.is_some_and(|(s, e)| m.s < e && s < m.e);
        if rule {
            0
        } else if m.e <= q.open {
            q.open - m.e + 1
        } else {
            m.s.saturating_sub(q.close_end) + 1
        }
    };
    let mut by_distance: Vec<usize> = (0..window.len()).collect();
    by_distance.sort_by_key(|&i| (distance(&window[i]), i));
    by_distance.truncate(max);
    by_distance.sort_unstable();
    by_distance.into_iter().map(|i| window[i].clone()).collect()
}

/// Where a mention stands from the quote.
struct Placement {
    /// Its sentence relative to the quote's.
    rel: &'static str,
    /// Words between it and the quote (outside quoted stretches).
    n_words: usize,
    /// Other candidates between it and the quote.
    n_between: usize,
    /// A speech verb between it and the quote.
    cue_between: bool,
    /// A line break between it and the quote.
    crosses_par: bool,
}

/// The words right at a mention.
struct MentionWords<'t> {
    /// The first word within three tokens after it (lower-cased).
    next_word: Option<String>,
    /// The punctuation right after it.
    next_punct: Option<&'t str>,
    /// The last word before it (lower-cased).
    prev_word: Option<String>,
    /// A speech verb among the two words after it / right before it.
    cue_after: bool,
    cue_before: bool,
    /// Written with "'s".
    possessive: bool,
}

impl<'t> MentionWords<'t> {
    fn new(text: &'t str, m: &Mention) -> Self {
        let after = tokenize(text, m.e, ceil_boundary(text, m.e + 40));
        let after: Vec<&Tok> = after.iter().take(3).collect();
        let next_word = after.iter().find(|t| t.word).map(|t| lower(t.text(text)));
        let next_punct = after.first().filter(|t| !t.word).map(|t| t.text(text));
        let prev_word = tokenize(text, ceil_boundary(text, m.s.saturating_sub(30)), m.s)
            .into_iter()
            .rev()
            .find(|t| t.word)
            .map(|t| lower(t.text(text)));
        let cue_after = after
            .iter()
            .filter(|t| t.word)
            .take(2)
            .any(|t| lexicon::is_speech_verb(&lower(t.text(text))));
        let cue_before = prev_word.as_deref().is_some_and(lexicon::is_speech_verb);
        let mention_text = &text[m.s..m.e];
        let possessive = mention_text.ends_with("'s") || mention_text.ends_with("’s");
        MentionWords { next_word, next_punct, prev_word, cue_after, cue_before, possessive }
    }
}

/// Decision thresholds, chosen by cross-validation on the training split
/// (`crates/train/examples/train_quotes.rs`) and stored in the model file as `@name<TAB>value` lines.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// How much more than the rules' own speaker another option (another candidate, or "no
    /// speaker") must score to overrule them.
    pub rule_margin: f32,
    /// Added to the score of "no speaker" for a quote the rules gave a speaker: abstaining costs
    /// recall only, a wrong speaker costs precision too.
    pub none_margin: f32,
    /// The same for a quote the rules left without a speaker (the model would fill one in).
    pub fill_margin: f32,
    /// Added to "no speaker" on top of `none_margin` for a bare quote: one the rules found no cue
    /// for that is short (fewer than 3 words) or written in Title Case — a scare quote or a title
    /// more often than speech.
    pub bare_margin: f32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { rule_margin: 4.0, none_margin: 0.0, fill_margin: 0.0, bare_margin: 0.0 }
    }
}

impl Thresholds {
    const NAMES: [&'static str; 4] =
        ["@rule_margin", "@none_margin", "@fill_margin", "@bare_margin"];

    fn get(&self, i: usize) -> f32 {
        [self.rule_margin, self.none_margin, self.fill_margin, self.bare_margin][i]
    }

    fn set(&mut self, i: usize, v: f32) {
        let fields = [
            &mut self.rule_margin,
            &mut self.none_margin,
            &mut self.fill_margin,
            &mut self.bare_margin,
        ];
        *fields.into_iter().nth(i).expect("threshold index") = v;
    }
}

/// A linear scorer over named features, with its decision thresholds.
#[derive(Debug, Clone, Default)]
pub struct Model {
    weights: HashMap<String, f32>,
    pub thresholds: Thresholds,
}

impl Model {
    /// A model of these feature weights with the default thresholds (what training produces).
    pub fn from_weights(weights: HashMap<String, f32>) -> Model {
        Model { weights, thresholds: Thresholds::default() }
    }

    /// Reads `feature<TAB>weight` and `@threshold<TAB>value` lines (others are skipped).
    pub fn from_tsv(tsv: &str) -> Model {
        let mut model = Model::default();
        for l in tsv.lines() {
            let Some((f, w)) = l.split_once('\t') else { continue };
            let Ok(w) = w.trim().parse::<f32>() else { continue };
            match Thresholds::NAMES.iter().position(|n| *n == f) {
                Some(i) => model.thresholds.set(i, w),
                None => {
                    model.weights.insert(f.to_string(), w);
                }
            }
        }
        model
    }

    /// The thresholds, then the weights as sorted `feature<TAB>weight` lines (zero weights left
    /// out).
    pub fn to_tsv(&self) -> String {
        let mut out: String = Thresholds::NAMES
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{n}\t{:.4}\n", self.thresholds.get(i)))
            .collect();
        let mut v: Vec<(&String, &f32)> =
            self.weights.iter().filter(|(_, w)| w.abs() >= 1e-4).collect();
        v.sort_by(|a, b| a.0.cmp(b.0));
        out.extend(v.into_iter().map(|(f, w)| format!("{f}\t{w:.4}\n")));
        out
    }

    pub fn len(&self) -> usize {
        self.weights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    fn score(&self, features: &[String]) -> f32 {
        features.iter().filter_map(|f| self.weights.get(f)).sum()
    }

    /// The winning candidate, or `None` when "no speaker" scores at least as high.
    pub fn choose(&self, c: &Choice) -> Option<usize> {
        self.choose_with_margin(c, 0.0)
    }

    /// The decision under thresholds `th`: "no speaker" gets `none_margin` when the rules chose a
    /// speaker (`rule`, its span), `fill_margin` when they did not, plus `bare_margin` when
    /// `bare`; the candidate on `rule` wins unless another option beats it by more than
    /// `rule_margin`.
    pub fn decide(
        &self,
        c: &Choice,
        rule: Option<(usize, usize)>,
        bare: bool,
        th: Thresholds,
    ) -> Option<usize> {
        let base = if rule.is_some() { th.none_margin } else { th.fill_margin };
        let none_margin = base + if bare { th.bare_margin } else { 0.0 };
        let best = self.choose_with_margin(c, none_margin);
        let Some((rs, re)) = rule else { return best };
        let Some(ri) = c.candidates.iter().position(|x| x.mention.s < re && rs < x.mention.e)
        else {
            return best;
        };
        let score_of = |i: Option<usize>| match i {
            Some(i) => self.score(&c.candidates[i].features),
            None => self.score(&c.none_features) + none_margin,
        };
        if best != Some(ri) && score_of(best) - score_of(Some(ri)) <= th.rule_margin {
            Some(ri)
        } else {
            best
        }
    }

    /// As [`Model::choose`], with "no speaker" given `margin` more.
    pub fn choose_with_margin(&self, c: &Choice, margin: f32) -> Option<usize> {
        let mut best: Option<usize> = None;
        let mut best_score = self.score(&c.none_features) + margin;
        for (i, cand) in c.candidates.iter().enumerate() {
            let s = self.score(&cand.features);
            if s > best_score {
                best = Some(i);
                best_score = s;
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_model_loads() {
        assert!(model().len() > 100);
    }
}
