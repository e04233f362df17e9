//! What the server answers from: one loaded library, with everything a
//! request needs worked out once. An index is never changed after it is
//! built; a reload builds a new one and the server swaps it in whole.

use super::origin::Loaded;
use crate::history::History;
use crate::library::Library;
use crate::object::Provenance;
use crate::response::{Response, Visibility};
use crate::search::{Query, SearchText, WordIndex};
use hyper::body::Bytes;
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, OnceLock};

pub use super::sort::Sort;
use super::sort::{order, rank_of, Order};

pub struct Index {
    pub library: Library,
    /// The library's git history, when it is in a repository.
    pub history: Option<Arc<History>>,
    /// The commit the library was read at: `--rev`, else `HEAD`.
    pub revision: Option<String>,
    /// What `cannery check` reports: the library's problems and those of
    /// the export settings (`targets:`) in cannery.yaml, in check's order.
    pub problems: Vec<crate::problem::Problem>,
    /// Counts up from 1 with every index the server swaps in.
    pub generation: u64,
    /// When this index was built, RFC 3339 UTC.
    pub loaded_at: String,
    /// Each response's git provenance, in the order of `library.responses`
    /// (shared with the previous index when it is the same).
    provenance: Arc<Vec<Provenance>>,
    /// The search index, built on first use or beside the requests right
    /// after the swap ([`Index::warm`]).
    words: OnceLock<WordIndex>,
    /// Each response's answer by id, `{"data": {…}}` with no usage and no
    /// `locale`, serialized once; lists copy the object out of it.
    objects: Vec<OnceLock<Made>>,
    /// Whether each response is active.
    active: Vec<bool>,
    /// Each response's tags, lowercase.
    tags: Vec<Arc<[String]>>,
    /// Each response's place in title order, for ties in relevance.
    title_rank: Vec<u32>,
    by_title: Order,
    by_shortcut: Order,
    by_created: Order,
    by_updated: Order,
    /// Folders that hold a library file, to tell which folder events matter.
    folders: Arc<HashSet<String>>,
}

impl Filter {
    /// Whether this filter keeps the active responses and asks nothing else
    /// of them (a query aside).
    fn is_plain(&self) -> bool {
        self.active == Some(true)
            && self.category.is_none()
            && self.tags.is_empty()
            && self.visibility.is_none()
            && self.owner.is_none()
            && self.department.is_none()
            && self.locale.is_none()
    }
}

/// Bytes made once per index, with their `ETag`.
#[derive(Clone, Debug)]
pub struct Made {
    pub body: Bytes,
    pub etag: String,
}

/// Which responses a list shows: every filter given must match.
#[derive(Debug, Default)]
pub struct Filter {
    pub query: Option<Query>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub visibility: Option<Visibility>,
    pub owner: Option<String>,
    pub department: Option<String>,
    /// Responses written in this language, or with a variant in it.
    pub locale: Option<String>,
    /// `Some(true)` active only (the default), `Some(false)` inactive only,
    /// `None` both.
    pub active: Option<bool>,
    /// `None` is relevance with a query, title without.
    pub sort: Option<Sort>,
}

/// A count of responses: the active ones, and the inactive ones beside.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Count {
    pub count: usize,
    pub inactive: usize,
}

impl Count {
    fn add(&mut self, r: &Response) {
        if r.active {
            self.count += 1;
        } else {
            self.inactive += 1;
        }
    }
}

impl Index {
    /// Builds the index of a loaded library, taking from `previous` the
    /// answers of the responses that did not change.
    pub fn build(loaded: Loaded, generation: u64, previous: Option<&Index>) -> Index {
        let Loaded {
            library, history, ..
        } = loaded;
        let revision = library.revision.clone().or_else(|| {
            history
                .as_ref()
                .map(|h| h.revision.clone())
                .filter(|r| !r.is_empty())
        });
        let responses = &library.responses;
        let n = responses.len();
        // Which response of the previous index each one is, when it is the
        // same: the same `Arc` is the same file, read once
        // (Library::load_again). What is worked out of a response alone is
        // taken from there: its answer (when its git provenance is the
        // same too), its search entries, its lowercase tags, its place in
        // the sort orders.
        let same = match previous {
            Some(p) => same_responses(p.responses(), responses),
            None => vec![None; n],
        };
        // The same history and the same files (only their contents
        // changed): the same provenance, since it depends on nothing else.
        let same_files = previous.filter(|p| {
            let same_history = match (&p.history, &history) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            };
            same_history
                && p.responses().len() == n
                && (0..n).all(|i| same[i] == Some(i) || p.responses()[i].path == responses[i].path)
        });
        let provenance: Arc<Vec<Provenance>> = match same_files {
            Some(p) => p.provenance.clone(),
            None => Arc::new(
                responses
                    .iter()
                    .map(|r| provenance_of(history.as_deref(), &r.path))
                    .collect(),
            ),
        };
        let titles = |i: usize| Some(responses[i].title.to_lowercase());
        let by_title = previous
            .and_then(|p| p.by_title.patched(&same, titles, |_| 0))
            .unwrap_or_else(|| {
                let titles: Vec<String> =
                    responses.iter().map(|r| r.title.to_lowercase()).collect();
                order(n, |i| Some(&titles[i]), |_| 0)
            });
        let rank = rank_of(&by_title);
        let tie = |i: usize| rank[i];
        let shortcut = |i: usize| responses[i].shortcut.as_ref();
        let by_shortcut = previous
            .and_then(|p| p.by_shortcut.patched(&same, shortcut, tie))
            .unwrap_or_else(|| order(n, shortcut, tie));
        // Dates come from the provenance: patched only when it is the same.
        let dated = if same_files.is_some() {
            same.clone()
        } else {
            vec![None; n]
        };
        let created = |i: usize| provenance[i].created_at.as_ref();
        let by_created = previous
            .and_then(|p| p.by_created.patched(&dated, created, tie))
            .unwrap_or_else(|| order(n, created, tie));
        let updated = |i: usize| provenance[i].updated_at.as_ref();
        let by_updated = previous
            .and_then(|p| p.by_updated.patched(&dated, updated, tie))
            .unwrap_or_else(|| order(n, updated, tie));
        let tags = (0..n)
            .map(|i| match previous.zip(same[i]) {
                Some((p, j)) => p.tags[j].clone(),
                None => responses[i].tags.iter().map(|t| t.to_lowercase()).collect(),
            })
            .collect();
        let objects = (0..n)
            .map(|i| {
                let made = previous.zip(same[i]).and_then(|(p, j)| {
                    (p.provenance[j] == provenance[i])
                        .then(|| p.objects[j].get().cloned())
                        .flatten()
                });
                made.map_or_else(OnceLock::new, OnceLock::from)
            })
            .collect();
        let words = previous
            .and_then(|p| p.words.get())
            .map(|w| w.patched(&same, &|i| SearchText::new(&responses[i])))
            .map_or_else(OnceLock::new, OnceLock::from);
        let active = responses.iter().map(|r| r.active).collect();
        let folders = match same_files {
            Some(p) if same_other_files(&p.library, &library) => p.folders.clone(),
            _ => Arc::new(folders_of(&library)),
        };
        let mut problems = library.problems.clone();
        problems.extend(crate::export::settings_problems(&library.config));
        crate::export::sort(&mut problems);
        Index {
            problems,
            library,
            history,
            revision,
            generation,
            loaded_at: now(),
            provenance,
            words,
            objects,
            active,
            tags,
            title_rank: rank,
            by_title,
            by_shortcut,
            by_created,
            by_updated,
            folders,
        }
    }

    /// Makes now what requests would otherwise make on first use: the
    /// renderings, the answers by id and the search index.
    pub fn warm(&self) {
        self.warm_answers();
        self.words();
    }

    /// Makes now the renderings and answers by id not made yet (after a
    /// reload, those of the responses that changed).
    pub fn warm_answers(&self) {
        use rayon::prelude::*;
        let missing: Vec<usize> = (0..self.objects.len())
            .filter(|&i| self.objects[i].get().is_none())
            .collect();
        // A few are made on this thread: a reload lists the folder on the
        // pool's threads meanwhile, and would make it wait for them.
        if missing.len() <= FEW {
            missing.into_iter().for_each(|i| {
                self.object(i);
            });
        } else {
            missing.into_par_iter().for_each(|i| {
                self.object(i);
            });
        }
    }

    fn words(&self) -> &WordIndex {
        self.words.get_or_init(|| {
            use rayon::prelude::*;
            let texts: Vec<SearchText> = self
                .responses()
                .par_iter()
                .map(|r| SearchText::new(r))
                .collect();
            WordIndex::new(&texts)
        })
    }

    /// The answer by id of the response at `i`, with no usage and no
    /// `locale`, made once.
    pub fn object(&self, i: usize) -> &Made {
        self.objects[i].get_or_init(|| {
            let r = &self.responses()[i];
            use crate::object::ResponseObject;
            use crate::response::Response;
            // Rendered for the answer alone: its bytes hold the HTML and
            // the text, and the response need not hold them too.
            let rendered = r.rendered_once();
            let variants: Vec<_> = r.variants.iter().map(Response::rendered_once).collect();
            let variants: Vec<_> = variants.iter().map(|v| v.as_ref()).collect();
            let object = ResponseObject::rendered_as(
                r,
                &rendered,
                &variants,
                self.provenance[i].clone(),
                None,
            );
            let mut body = serde_json::to_vec(&super::envelope::Data { data: object })
                .unwrap_or_else(|_| b"{}".to_vec());
            // Kept for the index's life: give back what growing left over.
            body.shrink_to_fit();
            Made {
                etag: super::envelope::etag(&body),
                body: Bytes::from(body),
            }
        })
    }

    /// The JSON object alone of the response at `i`: its answer by id
    /// without the `{"data":` around it.
    pub fn object_json(&self, i: usize) -> Bytes {
        let body = &self.object(i).body;
        body.slice(DATA_OPEN.len()..body.len() - 1)
    }

    pub fn responses(&self) -> &[Arc<Response>] {
        &self.library.responses
    }

    pub fn provenance(&self, i: usize) -> &Provenance {
        &self.provenance[i]
    }

    /// The git dates and authors of any file, a variant's say.
    pub fn provenance_of(&self, path: &str) -> Provenance {
        provenance_of(self.history.as_deref(), path)
    }

    /// The position of the response with this id.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.library
            .responses
            .binary_search_by(|r| r.id.as_str().cmp(id))
            .ok()
    }

    /// Whether a folder (relative to the root) holds a file of this library.
    pub fn has_folder(&self, folder: &str) -> bool {
        self.folders.contains(folder)
    }

    /// The positions of the responses `filter` lets through, in its
    /// order: all of them, but only the first `upto` need be in order.
    pub fn list(&self, filter: &Filter, upto: usize) -> Vec<usize> {
        let responses = &self.library.responses;
        let tags: Vec<String> = filter.tags.iter().map(|t| t.to_lowercase()).collect();
        // The usual list asks for active responses alone: that answer
        // needs no look at the responses themselves.
        let plain = filter.is_plain();
        let keep = |i: usize| {
            if plain {
                return self.active[i];
            }
            matches(&responses[i], filter) && tags.iter().all(|t| self.tags[i].contains(t))
        };
        let query = filter.query.as_ref().filter(|q| !q.is_empty());
        let hits = query.map(|q| self.words().hits(q));
        match (hits, filter.sort) {
            (Some(hits), None) => {
                let title_rank = &self.title_rank;
                let mut hits: Vec<(u32, u32, usize)> = hits
                    .into_iter()
                    .filter(|&(i, _)| keep(i))
                    .map(|(i, score)| (score, title_rank[i], i))
                    .collect();
                let best = |a: &(u32, u32, usize), b: &(u32, u32, usize)| {
                    b.0.cmp(&a.0).then(a.1.cmp(&b.1))
                };
                if upto < hits.len() {
                    hits.select_nth_unstable_by(upto, best);
                    hits[..upto].sort_unstable_by(best);
                } else {
                    hits.sort_unstable_by(best);
                }
                hits.into_iter().map(|(_, _, i)| i).collect()
            }
            (hits, sort) => {
                let found = hits.map(|hits| {
                    let mut found = vec![false; responses.len()];
                    for (i, _) in hits {
                        found[i] = true;
                    }
                    found
                });
                let (order, descending) = match sort.unwrap_or(Sort::Title) {
                    Sort::Title => (&self.by_title, false),
                    Sort::TitleDesc => (&self.by_title, true),
                    Sort::Created => (&self.by_created, false),
                    Sort::CreatedDesc => (&self.by_created, true),
                    Sort::Updated => (&self.by_updated, false),
                    Sort::UpdatedDesc => (&self.by_updated, true),
                    Sort::Shortcut => (&self.by_shortcut, false),
                };
                let (known, rest) = order.ids.split_at(order.known);
                let known: Box<dyn Iterator<Item = &u32>> = if descending {
                    Box::new(known.iter().rev())
                } else {
                    Box::new(known.iter())
                };
                known
                    .chain(rest)
                    .map(|&i| i as usize)
                    .filter(|&i| found.as_ref().is_none_or(|f| f[i]))
                    .filter(|&i| keep(i))
                    .collect()
            }
        }
    }

    /// Each category of the configuration, with its label and counts.
    pub fn categories(&self) -> Vec<(&str, &str, Count)> {
        let mut counts: BTreeMap<&str, Count> = BTreeMap::new();
        for r in self.responses() {
            counts.entry(&r.category).or_default().add(r);
        }
        self.library
            .config
            .categories
            .iter()
            .map(|(id, label)| {
                (
                    id.as_str(),
                    label.as_str(),
                    counts.get(id.as_str()).copied().unwrap_or_default(),
                )
            })
            .collect()
    }

    /// Every tag in use, lowercase, with counts, by name.
    pub fn tags(&self) -> Vec<(String, Count)> {
        let mut counts: BTreeMap<String, Count> = BTreeMap::new();
        for r in self.responses() {
            for tag in &r.tags {
                counts.entry(tag.to_lowercase()).or_default().add(r);
            }
        }
        counts.into_iter().collect()
    }

    /// How many responses use each placeholder, by name.
    pub fn placeholder_counts(&self) -> BTreeMap<&str, Count> {
        let mut counts: BTreeMap<&str, Count> = BTreeMap::new();
        for r in self.responses() {
            for name in r.placeholder_names() {
                counts.entry(name).or_default().add(r);
            }
        }
        counts
    }
}

const DATA_OPEN: &str = "{\"data\":";

/// Up to this many responses are worked on one thread, not the pool's.
const FEW: usize = 64;

/// Every folder that holds a file of `library`: a response, a snippet, or a
/// file with a problem.
fn folders_of(library: &Library) -> HashSet<String> {
    let mut folders = HashSet::new();
    let files = library
        .responses
        .iter()
        .map(|r| r.path.as_str())
        .chain(library.snippets.iter().map(|s| s.path.as_str()))
        .chain(library.problems.iter().map(|p| p.file.as_str()));
    for file in files {
        let mut at = file;
        while let Some((folder, _)) = at.rsplit_once('/') {
            if !folders.insert(folder.to_string()) {
                break;
            }
            at = folder;
        }
    }
    folders
}

/// Whether the snippets and the files with problems of two libraries are
/// the same files (their responses' files are compared apart).
fn same_other_files(a: &Library, b: &Library) -> bool {
    a.snippets.len() == b.snippets.len()
        && a.problems.len() == b.problems.len()
        && a.snippets
            .iter()
            .zip(&b.snippets)
            .all(|(x, y)| x.path == y.path)
        && a.problems
            .iter()
            .zip(&b.problems)
            .all(|(x, y)| x.file == y.file)
}

/// For each of `new`, the position in `old` of the same response (the same
/// `Arc`), if it is there; both are sorted by id.
fn same_responses(old: &[Arc<Response>], new: &[Arc<Response>]) -> Vec<Option<usize>> {
    let mut j = 0;
    new.iter()
        .map(|r| {
            while j < old.len() && !Arc::ptr_eq(&old[j], r) && old[j].id < r.id {
                j += 1;
            }
            let same = j < old.len() && Arc::ptr_eq(&old[j], r);
            j += usize::from(same);
            same.then(|| j - 1)
        })
        .collect()
}

/// All null outside git, and for a file not committed yet.
fn provenance_of(history: Option<&History>, path: &str) -> Provenance {
    history.map_or_else(Provenance::default, |h| h.provenance(path))
}

fn matches(r: &Response, f: &Filter) -> bool {
    f.active.is_none_or(|a| r.active == a)
        && f.category.as_ref().is_none_or(|c| &r.category == c)
        && f.visibility.is_none_or(|v| r.visibility == v)
        && f.owner.as_ref().is_none_or(|o| {
            r.owner
                .as_ref()
                .is_some_and(|ro| ro.eq_ignore_ascii_case(o))
        })
        && f.department
            .as_ref()
            .is_none_or(|d| r.department.as_ref() == Some(d))
        && f.locale.as_ref().is_none_or(|l| {
            r.locale.eq_ignore_ascii_case(l)
                || r.variants.iter().any(|v| v.locale.eq_ignore_ascii_case(l))
        })
}

/// Now, RFC 3339 UTC to the second: `2025-01-15T08:30:00Z`.
pub fn now() -> String {
    let now = jiff::Timestamp::now();
    jiff::Timestamp::from_second(now.as_second())
        .unwrap_or(now)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_is_rfc3339_utc_to_the_second() {
        let t = now();
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.ends_with('Z') && t.as_bytes()[10] == b'T', "{t}");
    }
}
