//! [`Article`]'s `Deserialize`, written by hand.
//!
//! `Article` serialises its [`Analysis`] flattened into its own object (`#[serde(flatten)]`, the
//! contract's shape). A derived `Deserialize` for a flattened struct buffers every field it does
//! not know itself — here the whole analysis — as a generic `Content` tree first and reads the
//! `Analysis` from that: for a 50 MB article about 4 GB of memory, where the article itself
//! needs a few hundred MB (issue 14). This one reads each field straight into its place in one
//! pass over the object, and accepts exactly what the derived one accepted: the same field
//! names, the `Option` fields and the analysis's fields optional, `removed` and the analysis
//! defaulting to empty, unknown fields ignored, a repeated field an error.

use crate::{Analysis, Article, ArticleId, Date, DateOrigin, Removed, TitleOrigin};
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::fmt;

/// Every field name of [`Article`]'s JSON object: its own, then its analysis's.
const FIELDS: &[&str] = &[
    "id",
    "input_id",
    "url",
    "title",
    "title_origin",
    "published",
    "published_origin",
    "source",
    "author",
    "language",
    "text",
    "removed",
    "sentences",
    "entities",
    "times",
    "quotes",
    "events",
    "limits",
];

/// One key of the object: the index of its name in [`FIELDS`], or `None` for an unknown key.
struct Key(Option<usize>);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(Key(FIELDS.iter().position(|f| *f == v)))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Key, E> {
                Ok(Key(FIELDS.iter().position(|f| f.as_bytes() == v)))
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for Article {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `deserialize_map`, as the derived impl of a struct with a flattened field calls.
        deserializer.deserialize_map(ArticleVisitor)
    }
}

struct ArticleVisitor;

/// Reads the next value into `slot`, or fails on a field seen before.
fn once<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

impl<'de> Visitor<'de> for ArticleVisitor {
    type Value = Article;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an article object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Article, A::Error> {
        let mut id: Option<ArticleId> = None;
        let mut input_id: Option<Option<String>> = None;
        let mut url: Option<Option<String>> = None;
        let mut title: Option<Option<String>> = None;
        let mut title_origin: Option<TitleOrigin> = None;
        let mut published: Option<Option<Date>> = None;
        let mut published_origin: Option<Option<DateOrigin>> = None;
        let mut source: Option<Option<String>> = None;
        let mut author: Option<Option<String>> = None;
        let mut language: Option<Option<String>> = None;
        let mut text: Option<String> = None;
        let mut removed: Option<Vec<Removed>> = None;
        let mut sentences = None;
        let mut entities = None;
        let mut times = None;
        let mut quotes = None;
        let mut events = None;
        let mut limits = None;
        while let Some(Key(key)) = map.next_key()? {
            let Some(i) = key else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let name = FIELDS[i];
            match i {
                0 => once(&mut map, &mut id, name)?,
                1 => once(&mut map, &mut input_id, name)?,
                2 => once(&mut map, &mut url, name)?,
                3 => once(&mut map, &mut title, name)?,
                4 => once(&mut map, &mut title_origin, name)?,
                5 => once(&mut map, &mut published, name)?,
                6 => once(&mut map, &mut published_origin, name)?,
                7 => once(&mut map, &mut source, name)?,
                8 => once(&mut map, &mut author, name)?,
                9 => once(&mut map, &mut language, name)?,
                10 => once(&mut map, &mut text, name)?,
                11 => once(&mut map, &mut removed, name)?,
                12 => once(&mut map, &mut sentences, name)?,
                13 => once(&mut map, &mut entities, name)?,
                14 => once(&mut map, &mut times, name)?,
                15 => once(&mut map, &mut quotes, name)?,
                16 => once(&mut map, &mut events, name)?,
                _ => once(&mut map, &mut limits, name)?,
            }
        }
        Ok(Article {
            id: id.ok_or_else(|| de::Error::missing_field("id"))?,
            input_id: input_id.flatten(),
            url: url.flatten(),
            title: title.flatten(),
            title_origin: title_origin.ok_or_else(|| de::Error::missing_field("title_origin"))?,
            published: published.flatten(),
            published_origin: published_origin.flatten(),
            source: source.flatten(),
            author: author.flatten(),
            language: language.flatten(),
            text: text.ok_or_else(|| de::Error::missing_field("text"))?,
            removed: removed.unwrap_or_default(),
            analysis: Analysis {
                sentences: sentences.unwrap_or_default(),
                entities: entities.unwrap_or_default(),
                times: times.unwrap_or_default(),
                quotes: quotes.unwrap_or_default(),
                events: events.unwrap_or_default(),
                limits: limits.unwrap_or_default(),
            },
        })
    }
}
