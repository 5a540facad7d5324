//! The index's schema: one tantivy document per stored article, and how an article becomes one.
//!
//! Searched text (English stemming, positions for phrase queries): `title` (boosted), `text` (its
//! first [`MAX_TEXT`] bytes) and `entities` (the canonical names the analysis found, so
//! "Zelensky" finds "Zelenskyy"). Stored for showing a hit: `id`, `seq`, `title`, `text`
//! (snippets are cut from it), `outlet`, `day`.
//! Filters: `outlet` (the exact name, untokenised) and `day` (`YYYYMMDD` as a number, so a date
//! range is a numeric range). Facets: one facet field with `/outlet/NAME`, `/day/YYYY-MM-DD` and
//! `/entity/NAME`. `seq` is a fast field: the tie-breaker that makes the ranking independent of
//! how the index happens to be split into segments.
//!
//! The story an article belongs to is deliberately *not* indexed: `regroup` can move articles
//! between stories without changing them, so a hit's story is read from the store at query time.

use storyline_model::{Date, UNATTRIBUTED};
use storyline_store::SearchableArticle;
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing,
    TextOptions, STORED, STRING,
};
use tantivy::TantivyDocument;

/// The tokenizer of every searched field: tantivy's built-in English stemmer chain.
pub const TOKENIZER: &str = "en_stem";

/// Facet roots, one per facet the results count.
pub const OUTLET_FACET: &str = "outlet";
pub const DAY_FACET: &str = "day";
pub const ENTITY_FACET: &str = "entity";

/// The fields of the schema, looked up once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub seq: Field,
    pub title: Field,
    pub text: Field,
    pub entities: Field,
    pub outlet: Field,
    pub day: Field,
    pub facets: Field,
}

/// The schema this version of the crate writes (see [`crate::VERSION`]).
pub fn schema() -> Schema {
    let mut builder = Schema::builder();
    let searched = |stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    builder.add_text_field("id", STRING | STORED);
    builder.add_u64_field("seq", NumericOptions::default().set_indexed().set_fast().set_stored());
    builder.add_text_field("title", searched(true));
    builder.add_text_field("text", searched(true));
    builder.add_text_field("entities", searched(false));
    builder.add_text_field("outlet", STRING | STORED);
    builder.add_u64_field("day", NumericOptions::default().set_indexed().set_stored());
    builder.add_facet_field("facets", FacetOptions::default());
    builder.build()
}

impl Fields {
    /// The fields of `schema`, or the name of the first one it lacks (an index written by
    /// another version).
    pub fn of(schema: &Schema) -> Result<Fields, String> {
        let field = |name: &str| schema.get_field(name).map_err(|_| name.to_string());
        Ok(Fields {
            id: field("id")?,
            seq: field("seq")?,
            title: field("title")?,
            text: field("text")?,
            entities: field("entities")?,
            outlet: field("outlet")?,
            day: field("day")?,
            facets: field("facets")?,
        })
    }

    /// The document of one stored article (its first [`MAX_TEXT`] bytes of text).
    pub fn document(&self, a: &SearchableArticle) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.id, &a.id);
        doc.add_u64(self.seq, a.seq);
        if let Some(title) = &a.title {
            doc.add_text(self.title, title);
        }
        doc.add_text(self.text, indexed_text(&a.text));
        let outlet = a.source.as_deref().unwrap_or(UNATTRIBUTED);
        doc.add_text(self.outlet, outlet);
        doc.add_facet(self.facets, Facet::from_path([OUTLET_FACET, outlet]));
        if let Some(day) = a.published {
            doc.add_u64(self.day, day_number(day));
            doc.add_facet(self.facets, Facet::from_path([DAY_FACET, &day.to_string()]));
        }
        for name in entity_names(a) {
            doc.add_text(self.entities, name);
            doc.add_facet(self.facets, Facet::from_path([ENTITY_FACET, name]));
        }
        doc
    }
}

/// The most text of one article the index takes: its first 4 MiB (cut at a character boundary).
/// Ordinary articles are a hundred times shorter; one of 50 MB would take the index writer
/// several hundred MB at once, and its hits show a snippet of the beginning anyway. What lies
/// beyond is not found by a search (the entity names of the whole article still are).
pub const MAX_TEXT: usize = 4 << 20;

/// The part of `text` the index takes ([`MAX_TEXT`]).
pub fn indexed_text(text: &str) -> &str {
    if text.len() <= MAX_TEXT {
        return text;
    }
    let mut end = MAX_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The article's distinct canonical entity names (trimmed), in the order first mentioned.
fn entity_names(a: &SearchableArticle) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    // A set of the names seen: searching `names` for each name was quadratic.
    let mut seen = std::collections::HashSet::new();
    for name in &a.names {
        let name = name.trim();
        if !name.is_empty() && seen.insert(name) {
            names.push(name);
        }
    }
    names
}

/// A day as the number `YYYYMMDD`: ordered like the days, readable in the index.
pub fn day_number(day: Date) -> u64 {
    let (y, m, d) = (day.year().max(0) as u64, day.month() as u64, day.day() as u64);
    y * 10_000 + m * 100 + d
}

/// The day `YYYYMMDD` stands for.
pub fn day_of_number(n: u64) -> Option<Date> {
    let (y, m, d) = (n / 10_000, (n / 100) % 100, n % 100);
    Date::new(i16::try_from(y).ok()?, m as i8, d as i8).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_through_their_numbers_in_order() {
        let a: Date = "2026-04-07".parse().unwrap();
        let b: Date = "2026-12-31".parse().unwrap();
        assert_eq!(day_number(a), 20260407);
        assert!(day_number(a) < day_number(b));
        assert_eq!(day_of_number(20260407), Some(a));
        assert_eq!(day_of_number(20261399), None);
    }

    #[test]
    fn the_index_takes_at_most_max_text_of_an_article_cut_at_a_character() {
        assert_eq!(indexed_text("short"), "short");
        let long = format!("{}é and more", "a".repeat(MAX_TEXT - 1));
        let cut = indexed_text(&long);
        assert_eq!(cut.len(), MAX_TEXT - 1, "é straddles the bound: cut before it");
        assert!(long.starts_with(cut));
        assert_eq!(indexed_text(&"b".repeat(MAX_TEXT + 9)).len(), MAX_TEXT);
    }

    #[test]
    fn the_schema_has_every_field() {
        assert!(Fields::of(&schema()).is_ok());
    }
}
