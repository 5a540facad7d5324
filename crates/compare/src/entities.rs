//! Entities merged across the story's articles.
//!
//! People are merged by name matching (spelling variants, surname-only mentions attached to the one
//! full name they fit); other entities by their lowercased canonical name. Every mention gets a
//! story-wide entity id, which quotes, facts and conflicts match on.

use std::collections::{BTreeMap, BTreeSet};

use storyline_model::{EntityType, StoryEntity};

use crate::Story;
use storyline_text::names::{name_key, same_person};

/// Above this many entities, single-mention MISC entities are dropped from the report.
const MAX_ENTITIES_BEFORE_PRUNING: usize = 20;

#[derive(Debug)]
pub(crate) struct Cluster {
    pub kind: EntityType,
    pub canonical: String,
    /// Canonical forms seen, with their mention counts.
    forms: BTreeMap<String, usize>,
    /// Surface forms and canonicals seen.
    aliases: BTreeSet<String>,
    kinds: BTreeMap<EntityType, usize>,
    articles: BTreeSet<usize>,
    mentions: usize,
}

impl Cluster {
    fn new() -> Self {
        Cluster {
            kind: EntityType::Misc,
            canonical: String::new(),
            forms: BTreeMap::new(),
            aliases: BTreeSet::new(),
            kinds: BTreeMap::new(),
            articles: BTreeSet::new(),
            mentions: 0,
        }
    }
}

/// The story's entities and, for every mention, the entity it belongs to.
pub(crate) struct EntityIndex {
    pub clusters: Vec<Cluster>,
    /// `mention[article][entity index in analysis.entities]` = cluster id.
    mention: Vec<Vec<usize>>,
    /// Folded alias (lowercase, or the person-name key) → clusters carrying it.
    alias: BTreeMap<String, BTreeSet<usize>>,
    /// Names already resolved (events and quotes name the same people again and again).
    resolved: std::cell::RefCell<BTreeMap<String, Option<usize>>>,
}

fn is_person(kind: EntityType) -> bool {
    kind == EntityType::Person
}

fn multi_token(name: &str) -> bool {
    name.split_whitespace().count() > 1
}

/// The blocking keys of a person name: its surname (last word of [`name_key`]) and the surname
/// with any one character deleted. Two surnames within one edit of each other (the most
/// [`same_person`] accepts) share a key. Empty for a name with no key (it matches nobody).
fn surname_variants(name: &str) -> BTreeSet<String> {
    let key = name_key(name);
    let Some(surname) = key.split(' ').next_back().filter(|s| !s.is_empty()) else {
        return BTreeSet::new();
    };
    let chars: Vec<char> = surname.chars().collect();
    let mut out = BTreeSet::from([surname.to_string()]);
    for skip in 0..chars.len() {
        out.insert(chars.iter().enumerate().filter(|&(i, _)| i != skip).map(|(_, c)| c).collect());
    }
    out
}

impl EntityIndex {
    pub fn build(story: &Story) -> Self {
        // 1. One node per distinct key: people by canonical as written, others by lowercase canonical.
        let mut nodes: BTreeMap<(bool, String), Cluster> = BTreeMap::new();
        let key_of = |kind: EntityType, canonical: &str| -> (bool, String) {
            let c = canonical.trim();
            if is_person(kind) {
                (true, c.to_string())
            } else {
                (false, c.to_lowercase())
            }
        };
        for (ai, a) in story.arts.iter().enumerate() {
            for e in &a.analysis.entities {
                let canonical =
                    if e.canonical.trim().is_empty() { e.text.trim() } else { e.canonical.trim() };
                if canonical.is_empty() {
                    continue;
                }
                let n = nodes.entry(key_of(e.kind, canonical)).or_insert_with(Cluster::new);
                *n.forms.entry(canonical.to_string()).or_default() += 1;
                *n.kinds.entry(e.kind).or_default() += 1;
                n.aliases.insert(canonical.to_string());
                if !e.text.trim().is_empty() {
                    n.aliases.insert(e.text.trim().to_string());
                }
                n.articles.insert(ai);
                n.mentions += 1;
            }
        }
        // 2. Cluster people: full names by complete linkage (most mentioned first), then surname-only
        //    names attached to the single cluster they fit.
        let keys: Vec<(bool, String)> = nodes.keys().cloned().collect();
        let mut node_cluster: BTreeMap<(bool, String), usize> = BTreeMap::new();
        let mut members: Vec<Vec<String>> = Vec::new();
        let mut people: Vec<&(bool, String)> = keys.iter().filter(|k| k.0).collect();
        people.sort_by_key(|k| {
            (!multi_token(&k.1), std::cmp::Reverse(nodes[*k].mentions), k.1.clone())
        });
        // A cluster can fit a name only if one of its members has a surname within one edit of
        // the name's: clusters are found through an index of their members' surname variants
        // instead of comparing every name with every cluster.
        let mut by_surname: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for k in people {
            let variants = surname_variants(&k.1);
            let candidates: BTreeSet<usize> =
                variants.iter().filter_map(|v| by_surname.get(v)).flatten().copied().collect();
            let fits: Vec<usize> = candidates
                .into_iter()
                .filter(|&c| members[c].iter().all(|m| same_person(m, &k.1)))
                .collect();
            let target = match fits.as_slice() {
                [one] => *one,
                _ => {
                    members.push(Vec::new());
                    members.len() - 1
                }
            };
            members[target].push(k.1.clone());
            node_cluster.insert(k.clone(), target);
            for v in variants {
                by_surname.entry(v).or_default().insert(target);
            }
        }
        // Others: one cluster per lowercase canonical.
        for k in keys.iter().filter(|k| !k.0) {
            members.push(vec![k.1.clone()]);
            node_cluster.insert(k.clone(), members.len() - 1);
        }
        // 3. Merge node statistics into their clusters.
        let mut clusters: Vec<Cluster> = (0..members.len()).map(|_| Cluster::new()).collect();
        for (k, n) in nodes {
            let c = &mut clusters[node_cluster[&k]];
            for (f, cnt) in n.forms {
                *c.forms.entry(f).or_default() += cnt;
            }
            for (t, cnt) in n.kinds {
                *c.kinds.entry(t).or_default() += cnt;
            }
            c.aliases.extend(n.aliases);
            c.articles.extend(n.articles);
            c.mentions += n.mentions;
        }
        for c in &mut clusters {
            // The most frequent full form, then the longest; the kind seen most often.
            c.canonical = c
                .forms
                .iter()
                .max_by_key(|(f, n)| {
                    (multi_token(f), **n, f.chars().count(), std::cmp::Reverse((*f).clone()))
                })
                .map(|(f, _)| f.clone())
                .unwrap_or_default();
            c.kind = c
                .kinds
                .iter()
                .max_by_key(|(t, n)| (**n, std::cmp::Reverse(**t)))
                .map(|(t, _)| *t)
                .unwrap_or(EntityType::Misc);
        }
        // 4. Per-mention cluster ids and the alias lookup.
        let mention = story
            .arts
            .iter()
            .map(|a| {
                a.analysis
                    .entities
                    .iter()
                    .map(|e| {
                        let canonical = if e.canonical.trim().is_empty() {
                            e.text.trim()
                        } else {
                            e.canonical.trim()
                        };
                        node_cluster.get(&key_of(e.kind, canonical)).copied().unwrap_or(usize::MAX)
                    })
                    .collect()
            })
            .collect();
        let mut alias: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for (ci, c) in clusters.iter().enumerate() {
            for a in &c.aliases {
                alias.entry(a.to_lowercase()).or_default().insert(ci);
                if c.kind == EntityType::Person {
                    alias.entry(name_key(a)).or_default().insert(ci);
                }
            }
        }
        EntityIndex { clusters, mention, alias, resolved: Default::default() }
    }

    /// The entity id of mention `entity` (index into `analysis.entities`) of article `article`.
    pub fn of_mention(&self, article: usize, entity: usize) -> Option<usize> {
        self.mention.get(article)?.get(entity).copied().filter(|&c| c < self.clusters.len())
    }

    /// The entity a name refers to: an exact alias, else the one person whose name matches.
    pub fn resolve(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        if let Some(&hit) = self.resolved.borrow().get(name) {
            return hit;
        }
        let hit = self.resolve_uncached(name);
        self.resolved.borrow_mut().insert(name.to_string(), hit);
        hit
    }

    fn resolve_uncached(&self, name: &str) -> Option<usize> {
        for key in [name.to_lowercase(), name_key(name)] {
            if let Some(set) = self.alias.get(&key) {
                if set.len() == 1 {
                    return set.first().copied();
                }
            }
        }
        let fits: Vec<usize> = (0..self.clusters.len())
            .filter(|&c| {
                self.clusters[c].kind == EntityType::Person
                    && same_person(&self.clusters[c].canonical, name)
            })
            .collect();
        match fits.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// The report's entity list: most widely reported first.
    pub fn story_entities(&self, story: &Story) -> Vec<StoryEntity> {
        let mut out: Vec<StoryEntity> = self
            .clusters
            .iter()
            .filter(|c| c.mentions > 0)
            .map(|c| StoryEntity {
                canonical: c.canonical.clone(),
                kind: c.kind,
                aliases: c.aliases.iter().cloned().collect(),
                articles: c.articles.iter().map(|&a| story.id(a).clone()).collect(),
                mentions: c.mentions,
            })
            .collect();
        out.sort_by(|a, b| {
            (b.articles.len(), b.mentions)
                .cmp(&(a.articles.len(), a.mentions))
                .then_with(|| a.canonical.cmp(&b.canonical))
                .then_with(|| a.kind.cmp(&b.kind))
        });
        if out.len() > MAX_ENTITIES_BEFORE_PRUNING {
            out.retain(|e| !(e.kind == EntityType::Misc && e.mentions <= 1));
        }
        out
    }
}
