//! The one data model every Storyline stage shares.
//!
//! Data flows through the pipeline as these types:
//!
//! ```text
//! ingest  : bytes            -> Article (text cleaned, metadata recovered, `analysis` empty)
//! analyze : &Article         -> Analysis (sentences, entities, times, quotes, events)
//! group   : Article features -> Grouping (copy_of, story)
//! compare : [Article]        -> StoryReport (agreed / unique / conflicts, timeline, quotes …)
//! store   : persists Articles, their Grouping and Stories
//! ```
//!
//! Every annotation is a [`Span`] into the article's one cleaned `text`: character offsets (Unicode
//! scalar values), end-exclusive, never copies of substrings that could drift apart. The serde shapes
//! are the machine contract (`../shared/docs/contract.md`): field names here are public interface.

use serde::{Deserialize, Serialize};

mod article_de;
mod ids;
mod kinds;
mod timex;

pub use ids::{ArticleId, StoryId, StorylineId};
pub use jiff::civil::Date;
pub use kinds::{ConflictKind, DateOrigin, EventType, RemovedKind, UnknownName};
pub use timex::{TimeReference, Timex};

/// Version of every JSON document Storyline prints (the `schema` field).
pub const SCHEMA_VERSION: u32 = 1;

/// A character-offset range into an article's `text`, end-exclusive.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// A span together with the words it covers (as written in the text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TextSpan {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl TextSpan {
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }
}

/// One news article after ingest: cleaned text plus recovered metadata, and (after the analyze
/// stage) its annotations. Serialises to the contract's `analyze` shape (without `schema`).
/// `Deserialize` is written by hand (`article_de.rs`): the derived one buffers the flattened
/// analysis whole before reading it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Article {
    /// Content address of this input: same input, same id (idempotent ingest).
    pub id: ArticleId,
    /// Id given in the input record, or the file path it came from.
    pub input_id: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    /// How the title was obtained.
    pub title_origin: TitleOrigin,
    pub published: Option<Date>,
    /// Where `published` came from.
    pub published_origin: Option<DateOrigin>,
    /// The outlet.
    pub source: Option<String>,
    pub author: Option<String>,
    /// ISO 639-1 code ("en"), when detected.
    pub language: Option<String>,
    /// The cleaned body text; every offset in `analysis` points into it.
    pub text: String,
    /// What the cleaner removed, for transparency ("teaser", "trailer", "repeated title", …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<Removed>,
    #[serde(flatten)]
    pub analysis: Analysis,
}

/// A piece of boilerplate the cleaner dropped from the raw input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Removed {
    pub kind: RemovedKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum TitleOrigin {
    /// Given by the input record or HTML.
    Given,
    /// Detected in the text (its first line).
    Detected,
    /// Made from the lead sentence because none was found.
    Synthesised,
    #[default]
    None,
}

/// Everything the analyze stage reads out of one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Analysis {
    #[serde(default)]
    pub sentences: Vec<Span>,
    #[serde(default)]
    pub entities: Vec<Entity>,
    #[serde(default)]
    pub times: Vec<TimeExpr>,
    #[serde(default)]
    pub quotes: Vec<Quote>,
    #[serde(default)]
    pub events: Vec<Event>,
    /// The bounds of the per-document work budget that cut this analysis short, each with what
    /// was left out ("sentences: 3 cut at 2000 characters", "quotes: the first 1000 of 4000
    /// kept"); empty — and absent from JSON — for any ordinary article.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limits: Vec<String>,
}

impl Analysis {
    /// Index of the sentence that contains character offset `pos` (sentences in text order, not
    /// overlapping, as the analysis gives them: a binary search).
    pub fn sentence_of(&self, pos: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.end <= pos);
        self.sentences.get(i).is_some_and(|s| s.start <= pos && pos < s.end).then_some(i)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EntityType {
    #[serde(rename = "PER")]
    Person,
    #[serde(rename = "ORG")]
    Organisation,
    #[serde(rename = "LOC")]
    Location,
    #[serde(rename = "MISC")]
    Misc,
}

impl EntityType {
    pub fn as_str(&self) -> &'static str {
        match self {
            EntityType::Person => "PER",
            EntityType::Organisation => "ORG",
            EntityType::Location => "LOC",
            EntityType::Misc => "MISC",
        }
    }
}

/// One mention of a named entity; `canonical` names the entity it refers to (one canonical name per
/// person across surname-only mentions and spelling variants).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entity {
    pub start: usize,
    pub end: usize,
    pub text: String,
    #[serde(rename = "type")]
    pub kind: EntityType,
    pub canonical: String,
}

impl Entity {
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum TimeType {
    Date,
    Time,
    Duration,
    Set,
}

/// A time expression, normalised TimeML-style against the publication date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeExpr {
    pub start: usize,
    pub end: usize,
    pub text: String,
    #[serde(rename = "type")]
    pub kind: TimeType,
    /// TIMEX3 value: `2025-05-15`, `2025-W20`, `2025-05`, `P30D`, `2025-05-08T24:00`, `PRESENT_REF`…
    /// `None` when it cannot be resolved (e.g. a weekday in an undated article).
    pub value: Option<Timex>,
}

impl TimeExpr {
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }
    /// The calendar day this expression fixes, when its value names one day.
    pub fn day(&self) -> Option<Date> {
        self.value.as_ref()?.day()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// A whole quoted statement: "…," Putin said.
    Direct,
    /// Quoted words inside reported speech: he called it "a positive sign".
    Partial,
    /// Reported speech without quotation marks.
    Indirect,
}

/// A quotation with its cue verb and speaker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Quote {
    pub kind: QuoteKind,
    /// The quoted words, without the quotation marks.
    pub content: Span,
    pub cue: Option<TextSpan>,
    pub speaker: Option<Speaker>,
}

/// The words of an attribution that name a quote's source, and the entity they resolve to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Speaker {
    pub start: usize,
    pub end: usize,
    /// As written: "Putin", "the Kremlin spokesperson", "he".
    pub text: String,
    /// The entity it resolves to ("Vladimir Putin"), when resolved.
    pub canonical: Option<String>,
}

/// Who did what to whom, when and where (PLOVER event types).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    /// PLOVER type: CONSULT, DEMAND, THREATEN, ACCUSE, AGREE, …
    #[serde(rename = "type")]
    pub kind: EventType,
    /// The word(s) that signal the event ("proposed", "demanded").
    pub trigger: Option<TextSpan>,
    /// Canonical entity names.
    pub actor: Option<String>,
    pub target: Option<String>,
    /// TIMEX3 value of the event's date.
    pub date: Option<Timex>,
    pub place: Option<String>,
    /// Index into `Analysis::sentences`.
    pub sentence: usize,
}

/// How an article relates to the rest of the corpus (output of the group stage).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Grouping {
    /// Earlier article this one copies (exact or near-duplicate); never dropped, only linked.
    pub duplicate_of: Option<ArticleId>,
    /// Similarity to `duplicate_of` (1.0 for an exact copy).
    pub duplicate_similarity: Option<f32>,
    pub story: Option<StoryId>,
    pub storyline: Option<StorylineId>,
}

/// A story as listed by `storyline stories`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StorySummary {
    pub id: StoryId,
    pub headline: String,
    pub date: Option<Date>,
    pub articles: usize,
    pub sources: usize,
}

/// The full report on one story: the contract's `story ID --json` shape (without `schema`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoryReport {
    pub id: StoryId,
    pub headline: String,
    pub date: Option<Date>,
    pub summary: Vec<SummarySentence>,
    pub articles: Vec<ArticleRef>,
    pub entities: Vec<StoryEntity>,
    pub quotes: Vec<StoryQuote>,
    pub timeline: Vec<TimelineEntry>,
    pub comparison: Comparison,
    /// Per outlet: what it covered and what it left out relative to the story.
    #[serde(default)]
    pub outlets: Vec<OutletCoverage>,
}

/// The outlet name shown for an article whose outlet is not known: in report JSON
/// ([`OutletCoverage::outlet`]), the terminal views and the HTML page alike.
pub const UNATTRIBUTED: &str = "unattributed";

/// What one outlet covered of a story and what it left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutletCoverage {
    /// The outlet's name as given (or [`UNATTRIBUTED`]).
    pub outlet: String,
    pub articles: Vec<ArticleId>,
    /// Indices into `comparison.agreed` of the facts it carries.
    pub agreed: Vec<usize>,
    /// Indices into `comparison.agreed` of the facts other outlets share that it leaves out.
    pub missing: Vec<usize>,
    /// Number of facts only it carries (`comparison.unique`).
    pub unique: usize,
    /// Indices into `comparison.conflicts` it takes part in.
    pub conflicts: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SummarySentence {
    pub text: String,
    /// Article ids that support this sentence.
    pub sources: Vec<ArticleId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleRef {
    pub id: ArticleId,
    pub source: Option<String>,
    pub title: Option<String>,
    pub published: Option<Date>,
    pub duplicate_of: Option<ArticleId>,
    /// For an article without a publication date: the date inferred from the story and its own
    /// relative references.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inferred_published: Option<InferredDate>,
}

/// A date that was not given but inferred, with the evidence it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InferredDate {
    pub date: Date,
    /// How it was inferred, in words.
    pub reason: String,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoryEntity {
    pub canonical: String,
    #[serde(rename = "type")]
    pub kind: EntityType,
    pub aliases: Vec<String>,
    pub articles: Vec<ArticleId>,
    /// Total mentions across the story's articles.
    pub mentions: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoryQuote {
    pub speaker: String,
    pub text: String,
    pub articles: Vec<ArticleId>,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    /// The day.
    pub date: Date,
    /// The sentence that mentions the date (from the first article that does).
    pub text: String,
    pub articles: Vec<ArticleId>,
    pub evidence: Vec<Evidence>,
    /// True for an announced or expected event (talks, a deadline) later than the story's
    /// latest publication date.
    #[serde(default)]
    pub future: bool,
}

/// Where a fact was read: a span of an article's cleaned text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    pub article: ArticleId,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comparison {
    pub agreed: Vec<AgreedFact>,
    pub unique: Vec<UniqueFact>,
    pub conflicts: Vec<Conflict>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreedFact {
    pub fact: String,
    pub articles: Vec<ArticleId>,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UniqueFact {
    pub fact: String,
    pub article: ArticleId,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Conflict {
    pub about: String,
    pub claims: Vec<ConflictClaim>,
    /// What differs.
    #[serde(default)]
    pub kind: ConflictKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictClaim {
    pub article: ArticleId,
    pub value: String,
    pub evidence: Span,
}

/// Character-offset helpers: the contract counts Unicode scalar values, Rust strings count bytes.
pub mod offsets {
    /// Byte offset -> char offset.
    pub fn char_index(text: &str, byte: usize) -> usize {
        text[..byte].chars().count()
    }

    /// Maps byte offsets to char offsets in O(log n) after an O(n) build; use when converting many.
    ///
    /// Only the characters of more than one byte are kept (with the bytes they add up to), so
    /// an English text costs next to nothing and any text at most 8 bytes per such character —
    /// not 8 bytes per character of the text.
    pub struct CharIndex {
        /// For each character of more than one byte, in order: its char offset and the extra
        /// bytes (beyond one per char) of all multi-byte chars up to and including it.
        multi: Vec<(u32, u32)>,
        /// Texts of 4 GiB or more: the byte offset of every char boundary, then `text.len()`.
        dense: Vec<usize>,
        chars: usize,
        /// The text's length in bytes.
        text_len: usize,
    }

    impl CharIndex {
        pub fn new(text: &str) -> Self {
            let (mut multi, mut dense) = (Vec::new(), Vec::new());
            let mut chars = 0;
            if u32::try_from(text.len()).is_ok() {
                let mut extra = 0u32;
                for c in text.chars() {
                    if c.len_utf8() > 1 {
                        extra += c.len_utf8() as u32 - 1;
                        // Fits: a char offset is at most a byte offset.
                        multi.push((chars as u32, extra));
                    }
                    chars += 1;
                }
            } else {
                dense = text.char_indices().map(|(b, _)| b).collect();
                chars = dense.len();
                dense.push(text.len());
            }
            CharIndex { multi, dense, chars, text_len: text.len() }
        }

        /// Extra bytes of the multi-byte chars before `multi[k]`.
        fn extra_before(&self, k: usize) -> usize {
            if k == 0 {
                0
            } else {
                self.multi[k - 1].1 as usize
            }
        }

        /// Char offset of a byte offset that lies on a char boundary (inside a char: the next
        /// char's offset).
        pub fn char_of(&self, byte: usize) -> usize {
            if !self.dense.is_empty() {
                return match self.dense.binary_search(&byte) {
                    Ok(i) | Err(i) => i,
                };
            }
            if byte > self.text_len {
                return self.chars + 1;
            }
            // The last multi-byte char starting before `byte`.
            let start_of = |k: usize| self.multi[k].0 as usize + self.extra_before(k);
            let (mut lo, mut hi) = (0, self.multi.len());
            while lo < hi {
                let mid = (lo + hi) / 2;
                if start_of(mid) < byte {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            let Some(k) = lo.checked_sub(1) else { return byte };
            let end = start_of(k) + 1 + self.multi[k].1 as usize - self.extra_before(k);
            if byte < end {
                self.multi[k].0 as usize + 1
            } else {
                byte - self.multi[k].1 as usize
            }
        }

        /// Byte offset of a char offset (the text's length past its end).
        pub fn byte_of(&self, ch: usize) -> usize {
            if !self.dense.is_empty() {
                return self.dense[ch.min(self.dense.len() - 1)];
            }
            if ch >= self.chars {
                return self.text_len;
            }
            // Multi-byte chars before char `ch` add their extra bytes.
            let k = self.multi.partition_point(|&(c, _)| (c as usize) < ch);
            ch + self.extra_before(k)
        }

        /// Number of chars in the text.
        pub fn len(&self) -> usize {
            self.chars
        }
        pub fn is_empty(&self) -> bool {
            self.len() == 0
        }
    }

    /// The substring between two char offsets.
    pub fn slice(text: &str, start: usize, end: usize) -> &str {
        let mut it = text.char_indices().map(|(b, _)| b).chain(std::iter::once(text.len()));
        let b0 = it.by_ref().nth(start).unwrap_or(text.len());
        let b1 = if end > start { it.nth(end - start - 1).unwrap_or(text.len()) } else { b0 };
        &text[b0..b1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index gives what counting characters gives, at every byte and char offset.
    #[test]
    fn char_index_agrees_with_counting() {
        for t in
            ["", "plain ascii", "“Kyiv” — Zelenskiy", "ééé", "a😀b€c", "日本語のテキスト x", "x€"]
        {
            let idx = offsets::CharIndex::new(t);
            let bounds: Vec<usize> = t.char_indices().map(|(b, _)| b).chain([t.len()]).collect();
            assert_eq!(idx.len(), bounds.len() - 1, "{t}");
            for (ch, &b) in bounds.iter().enumerate() {
                assert_eq!(idx.byte_of(ch), b, "{t}: byte_of({ch})");
                assert_eq!(idx.char_of(b), ch, "{t}: char_of({b})");
            }
            assert_eq!(idx.byte_of(bounds.len() + 3), t.len());
            for b in 0..=t.len() {
                // Inside a char: the next char.
                let expect = bounds.partition_point(|&x| x < b);
                assert_eq!(idx.char_of(b), expect, "{t}: char_of({b})");
            }
            assert_eq!(idx.char_of(t.len() + 5), bounds.len());
        }
    }

    #[test]
    fn slice_counts_chars_not_bytes() {
        let t = "“Kyiv” — Zelenskiy";
        assert_eq!(offsets::slice(t, 1, 5), "Kyiv");
        assert_eq!(offsets::slice(t, 9, 18), "Zelenskiy");
        let idx = offsets::CharIndex::new(t);
        let b = t.find("Zelenskiy").unwrap();
        assert_eq!(idx.char_of(b), 9);
        assert_eq!(idx.byte_of(9), b);
    }

    #[test]
    fn article_serialises_to_contract_shape() {
        let a = Article {
            id: "abc".into(),
            input_id: None,
            url: None,
            title: Some("T".into()),
            title_origin: TitleOrigin::Given,
            published: Some("2025-05-11".parse().unwrap()),
            published_origin: Some(DateOrigin::Record),
            source: None,
            author: None,
            language: Some("en".into()),
            text: "Putin spoke.".into(),
            removed: vec![],
            analysis: Analysis {
                sentences: vec![Span::new(0, 12)],
                entities: vec![Entity {
                    start: 0,
                    end: 5,
                    text: "Putin".into(),
                    kind: EntityType::Person,
                    canonical: "Vladimir Putin".into(),
                }],
                ..Default::default()
            },
        };
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(v["published"], "2025-05-11");
        assert_eq!(v["sentences"][0]["end"], 12);
        assert_eq!(v["entities"][0]["type"], "PER");
        let back: Article = serde_json::from_value(v).unwrap();
        assert_eq!(back, a);
    }

    /// The `Article` of before issue 14's read-path fix: the derived `Deserialize` with the
    /// analysis flattened. The hand-written one must accept and refuse the same documents.
    #[derive(Debug, Deserialize)]
    struct DerivedArticle {
        id: ArticleId,
        input_id: Option<String>,
        url: Option<String>,
        title: Option<String>,
        title_origin: TitleOrigin,
        published: Option<Date>,
        published_origin: Option<DateOrigin>,
        source: Option<String>,
        author: Option<String>,
        language: Option<String>,
        text: String,
        #[serde(default)]
        removed: Vec<Removed>,
        #[serde(flatten)]
        analysis: Analysis,
    }

    impl From<DerivedArticle> for Article {
        fn from(d: DerivedArticle) -> Article {
            Article {
                id: d.id,
                input_id: d.input_id,
                url: d.url,
                title: d.title,
                title_origin: d.title_origin,
                published: d.published,
                published_origin: d.published_origin,
                source: d.source,
                author: d.author,
                language: d.language,
                text: d.text,
                removed: d.removed,
                analysis: d.analysis,
            }
        }
    }

    /// Issue 14: reading an article back no longer buffers its analysis (the derived
    /// `Deserialize` of the flattened struct held a whole 50 MB article's document as a generic
    /// tree, ≈ 4 GB); the documents it reads are the ones the derived impl read, field for field,
    /// and the ones it refuses are the ones the derived impl refused.
    #[test]
    fn article_reads_as_the_derived_flatten_did() {
        let full = r#"{"id":"a1b2","input_id":"wire/7.txt","url":"https://example.invalid/7",
            "title":"Lock gates fail","title_origin":"detected","published":"2030-02-03",
            "published_origin":"record","source":"Canal Gazette","author":"Rhea Stone",
            "language":"en","text":"Lock gates failed at Ferrow on Monday.",
            "removed":[{"kind":"teaser","text":"Read more"}],
            "sentences":[{"start":0,"end":38}],
            "entities":[{"start":20,"end":26,"text":"Ferrow","type":"LOC","canonical":"Ferrow"}],
            "times":[{"start":30,"end":37,"text":"Monday","type":"DATE","value":"2030-02-03"}],
            "quotes":[],"events":[],"limits":["quotes: the first 1 of 2 kept"]}"#;
        let documents = [
            full.to_string(),
            // Only the required fields: every option None, every list empty.
            r#"{"id":"x","title_origin":"none","text":""}"#.into(),
            // Nulls for options, unknown fields (a scalar, an object, an array) ignored,
            // fields in any order, an escaped key.
            r#"{"extra":1,"text":"T","analysis":{"sentences":[1]},"title":null,
                "title_origin":"given","id":"y","published":null,"more":[{"a":[]}],
                "sentences":[{"start":0,"end":1}]}"#
                .into(),
            // Missing required fields, wrong types, repeated fields: refused by both.
            r#"{"title_origin":"none","text":""}"#.into(),
            r#"{"id":"x","text":""}"#.into(),
            r#"{"id":"x","title_origin":"none"}"#.into(),
            r#"{"id":"x","title_origin":"sideways","text":""}"#.into(),
            r#"{"id":"x","title_origin":"none","text":"","sentences":null}"#.into(),
            r#"{"id":"x","title_origin":"none","text":"","removed":null}"#.into(),
            r#"{"id":"x","title_origin":"none","text":"","published":"2030-13-01"}"#.into(),
            r#"{"id":"x","id":"y","title_origin":"none","text":""}"#.into(),
            r#"{"id":"x","title_origin":"none","text":"","sentences":[],"sentences":[]}"#.into(),
            r#"["x","none",""]"#.into(),
            r#""x""#.into(),
            r#"{"id":"x","title_origin":"none","text":"""#.into(),
        ];
        let mut read = 0;
        for doc in &documents {
            let ours = serde_json::from_str::<Article>(doc);
            let derived = serde_json::from_str::<DerivedArticle>(doc).map(Article::from);
            match (ours, derived) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a, b, "{doc}");
                    read += 1;
                }
                (Err(_), Err(_)) => {}
                (a, b) => panic!("{doc}: hand-written {a:?}, derived {b:?}"),
            }
        }
        assert_eq!(read, 3, "the first three documents are articles");
        let a: Article = serde_json::from_str(full).unwrap();
        assert_eq!(a.analysis.entities[0].canonical, "Ferrow");
        assert_eq!(a.analysis.limits.len(), 1);
        assert_eq!(a.removed[0].kind, RemovedKind::Teaser);
        // And what it writes it reads back unchanged.
        let again: Article = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        assert_eq!(again, a);
    }
}
