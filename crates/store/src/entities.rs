//! The store's entity index: which stored articles name which entity, so a reader can look names
//! up and list an entity's stories. An entity is a canonical name of one kind, as the analysis gave
//! it (`Entity::canonical`, trimmed); its id is a content address of the kind and the name folded
//! to lower case, so the same entity has the same id on every backend and after any re-ingest.
//!
//! The rows are extracted here, once, for every backend ([`entity_rows`]); the backends only store
//! them with each new article and answer [`EntityQuery`]s over them.

use sha2::{Digest, Sha256};
use storyline_model::{Entity, EntityType};

/// One entity as the store lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntitySummary {
    /// Content address of the kind and the folded name (hex, 16 characters).
    pub id: String,
    pub kind: EntityType,
    /// The canonical name as the first stored article gave it.
    pub name: String,
    /// Stored articles naming it.
    pub articles: usize,
    /// Stories of those articles.
    pub stories: usize,
}

/// A page of the entity index: names containing `text` (case-insensitive), most named first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityQuery {
    /// What the name must contain (any case); empty lists every entity.
    pub text: String,
    /// Only entities of this kind.
    pub kind: Option<EntityType>,
    pub limit: usize,
    pub offset: usize,
}

impl Default for EntityQuery {
    fn default() -> Self {
        EntityQuery { text: String::new(), kind: None, limit: usize::MAX, offset: 0 }
    }
}

/// One page of entities and how many match in all. Ordered by articles naming them (most first),
/// then folded name, then id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EntityPage {
    pub total: usize,
    pub entities: Vec<EntitySummary>,
}

/// What a backend stores for one entity named by one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityRow {
    pub id: String,
    pub kind: EntityType,
    pub name: String,
    pub folded: String,
}

/// A name folded for matching: trimmed, inner whitespace collapsed, lower case.
pub fn fold(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The id of the entity `name` of kind `kind` (see the module doc).
pub fn entity_id(kind: EntityType, name: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(kind.as_str().as_bytes());
    hash.update([0x1f]);
    hash.update(fold(name).as_bytes());
    hash.finalize()[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The distinct entities an article names, in order of first mention (a mention without a
/// canonical name counts under its text; an empty one is skipped).
pub fn entity_rows(entities: &[Entity]) -> Vec<EntityRow> {
    let mut rows: Vec<EntityRow> = Vec::new();
    // The ids seen (a set: searching the rows for each mention was quadratic, 19 % of a 13 MB
    // article's ingest).
    let mut seen = std::collections::HashSet::new();
    for e in entities {
        let name = if e.canonical.trim().is_empty() { e.text.trim() } else { e.canonical.trim() };
        let folded = fold(name);
        if folded.is_empty() {
            continue;
        }
        let id = entity_id(e.kind, name);
        if !seen.insert(id.clone()) {
            continue;
        }
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        rows.push(EntityRow { id, kind: e.kind, name, folded });
    }
    rows
}

/// The kind stored as text ([`EntityType::as_str`]) read back.
pub fn kind_from_str(s: &str) -> Option<EntityType> {
    [EntityType::Person, EntityType::Organisation, EntityType::Location, EntityType::Misc]
        .into_iter()
        .find(|k| k.as_str() == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention(text: &str, kind: EntityType, canonical: &str) -> Entity {
        Entity { start: 0, end: 0, text: text.into(), kind, canonical: canonical.into() }
    }

    #[test]
    fn ids_fold_case_and_space_but_not_kind() {
        let a = entity_id(EntityType::Person, "Ilse  Brandt");
        assert_eq!(a, entity_id(EntityType::Person, " ilse brandt"));
        assert_eq!(a.len(), 16);
        assert_ne!(a, entity_id(EntityType::Location, "Ilse Brandt"));
    }

    #[test]
    fn rows_are_distinct_entities_in_order_of_first_mention() {
        let rows = entity_rows(&[
            mention("Brandt", EntityType::Person, "Ilse Brandt"),
            mention("Varnholm", EntityType::Location, "Port Varnholm"),
            mention("Ilse Brandt", EntityType::Person, "Ilse Brandt"),
            mention("the port", EntityType::Location, " "),
            mention(" ", EntityType::Misc, ""),
        ]);
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Ilse Brandt", "Port Varnholm", "the port"]);
        assert_eq!(rows[0].folded, "ilse brandt");
        assert_eq!(kind_from_str(rows[1].kind.as_str()), Some(EntityType::Location));
    }

    /// Issue 14: tens of thousands of mentions of thousands of entities (a 52 MB article names
    /// 1.37 M): each distinct once, in order of first mention, found by a set (the rows were
    /// searched for every mention before).
    #[test]
    fn many_mentions_give_each_entity_once_in_order() {
        let names: Vec<String> = (0..5_000).map(|i| format!("Harbour Office {i}")).collect();
        let mentions: Vec<Entity> = (0..4)
            .flat_map(|_| names.iter().map(|n| mention(n, EntityType::Organisation, n)))
            .collect();
        let rows = entity_rows(&mentions);
        assert_eq!(rows.len(), names.len());
        assert!(rows.iter().zip(&names).all(|(r, n)| &r.name == n));
    }
}
