//! What the history of a library is made of, and the questions asked of
//! it: one response's events, and everything that changed since a revision.

use crate::object::{Author, Provenance};
use crate::problem::Problem;
use crate::response::id_from_path as id_of;
use gix::ObjectId;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Who made a commit: its author, not its committer.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Person {
    pub name: String,
    pub email: String,
}

/// A commit, who authored it, and when (RFC 3339, UTC, author date).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stamp {
    pub commit: String,
    pub author: Person,
    pub date: String,
}

/// When the file now at a path was created (following renames) and last
/// changed (a rename included). The stamps are shared with every other file
/// of the same commits, so that a history is cheap to copy and to extend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileHistory {
    pub created: Arc<Stamp>,
    pub updated: Arc<Stamp>,
}

impl FileHistory {
    /// The last commit that touched the file: a response's `revision`.
    pub fn revision(&self) -> &str {
        &self.updated.commit
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    Created,
    Changed,
    Renamed,
    Deleted,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::Changed => "changed",
            EventKind::Renamed => "renamed",
            EventKind::Deleted => "deleted",
        }
    }
}

/// One thing a commit did to one response. Fields are in the order of a
/// history event in the HTTP API; paths are relative to the library root.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Event {
    pub kind: EventKind,
    pub id: String,
    /// The id before a rename; `None` for every other kind.
    pub old_id: Option<String>,
    pub commit: String,
    pub author: Person,
    pub date: String,
    /// The first line of the commit message.
    pub subject: String,
    pub path: String,
    pub old_path: Option<String>,
}

impl Event {
    pub fn stamp(&self) -> Stamp {
        Stamp {
            commit: self.commit.clone(),
            author: self.author.clone(),
            date: self.date.clone(),
        }
    }
}

/// The history of a library up to one revision. Events are shared (`Arc`)
/// so that a server can keep the last history and extend it with a new
/// commit's events without copying the older ones.
#[derive(Clone, Debug)]
pub struct History {
    /// The full id of the commit the history was read at.
    pub revision: String,
    /// Newest first; the events of one commit are together, by path.
    pub events: Vec<Arc<Event>>,
    /// Keyed by the path of each response file at `revision`.
    pub files: HashMap<String, FileHistory>,
    /// Whether the repository is a shallow clone, so that the oldest
    /// history is missing.
    pub shallow: bool,
    /// At most one `shallow-history` warning.
    pub problems: Vec<Problem>,
    pub(crate) graph: Graph,
}

/// The commits walked, with their parents, to answer "what happened after
/// this revision". Commits are numbered from the oldest, so that newer
/// commits are added without renumbering the older ones.
#[derive(Clone, Debug, Default)]
pub(crate) struct Graph {
    index: HashMap<ObjectId, u32>,
    /// Oldest first.
    commits: Vec<ObjectId>,
    /// The parents of commit `i` are `parents[ends[i - 1]..ends[i]]`: one
    /// list for all, so that copying a graph is three copies of memory.
    parents: Vec<u32>,
    ends: Vec<u32>,
}

impl Graph {
    /// Adds commits, given newest first as in the walk, with their
    /// parents. Each parent must be one of them or already in the graph;
    /// others (missing from a shallow clone) are left out.
    pub(crate) fn add_newer(&mut self, commits: &[(ObjectId, &[ObjectId])]) {
        for (id, _) in commits.iter().rev() {
            self.index.insert(*id, self.commits.len() as u32);
            self.commits.push(*id);
        }
        for (_, parents) in commits.iter().rev() {
            self.parents
                .extend(parents.iter().filter_map(|p| self.index.get(p).copied()));
            self.ends.push(self.parents.len() as u32);
        }
    }

    pub(crate) fn contains(&self, id: &ObjectId) -> bool {
        self.index.contains_key(id)
    }

    fn parents_of(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.parents[start..self.ends[i] as usize]
    }
}

/// Where the events of each id are, counted from the oldest event, so that
/// newer events are added without moving the positions of older ones. It
/// answers "the next event of this id at or after position `from`" without
/// a scan, for each response file's chain of events.
#[derive(Clone, Debug, Default)]
pub(crate) struct IdIndex {
    /// Ascending positions from the oldest event.
    by_id: HashMap<String, Vec<u32>>,
    len: usize,
}

impl IdIndex {
    /// Adds `newer` (newest first), which go on top of the events indexed
    /// so far.
    pub(crate) fn add_newer(&mut self, newer: &[Arc<Event>]) {
        for event in newer.iter().rev() {
            let position = self.len as u32;
            match self.by_id.get_mut(event.id.as_str()) {
                Some(list) => list.push(position),
                None => {
                    self.by_id.insert(event.id.clone(), vec![position]);
                }
            }
            self.len += 1;
        }
    }

    /// The index (newest first) of the first event at or after index
    /// `from` whose id is `target`.
    fn next(&self, target: &str, from: usize) -> Option<usize> {
        let list = self.by_id.get(target)?;
        let last = self.len.checked_sub(from + 1)? as u32;
        let at = list.partition_point(|&p| p <= last);
        let position = *list.get(at.checked_sub(1)?)?;
        Some(self.len - 1 - position as usize)
    }
}

impl History {
    /// The git fields of the response object of the file at `path`: who
    /// created it and when, who changed it last and when, and that commit.
    /// All `None` when git knows nothing of the file (not committed yet).
    pub fn provenance(&self, path: &str) -> Provenance {
        let Some(file) = self.files.get(path) else {
            return Provenance::default();
        };
        let author = |p: &Person| Author {
            name: p.name.clone(),
            email: p.email.clone(),
        };
        Provenance {
            created_at: Some(file.created.date.clone()),
            created_by: Some(author(&file.created.author)),
            updated_at: Some(file.updated.date.clone()),
            updated_by: Some(author(&file.updated.author)),
            revision: Some(file.updated.commit.clone()),
        }
    }

    /// Builds a history from its events (newest first, grouped by commit),
    /// `index` of those events, and the response paths at `revision`.
    pub(crate) fn new(
        revision: String,
        events: Vec<Arc<Event>>,
        index: &IdIndex,
        paths: &[String],
        shallow: bool,
        problems: Vec<Problem>,
        graph: Graph,
    ) -> History {
        let mut stamps = Stamps::default();
        let mut files = HashMap::with_capacity(paths.len());
        for path in paths {
            if let Some(file) = file_history(&events, index, path, &mut stamps) {
                files.insert(path.clone(), file);
            }
        }
        History {
            revision,
            events,
            files,
            shallow,
            problems,
            graph,
        }
    }

    /// This history with newer commits on top: `commits` (newest first,
    /// with their parents) and their `events` (newest first), read at
    /// `revision`, where the response paths are `paths`. `index` already
    /// holds the new events; `gone` are the paths that are not at
    /// `revision` any more and `arrived` the ones that are new there.
    ///
    /// Only the files whose chain of events can differ are followed again:
    /// those that arrived and those that a new event names. Every other
    /// file's chain lies in the older events alone, as it did before.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn extended(
        &self,
        revision: String,
        commits: &[(ObjectId, &[ObjectId])],
        events: Vec<Arc<Event>>,
        index: &IdIndex,
        paths: &HashSet<String>,
        gone: &[String],
        arrived: &[String],
        shallow: bool,
        problems: Vec<Problem>,
    ) -> History {
        let mut graph = self.graph.clone();
        graph.add_newer(commits);
        let mut again: Vec<String> = arrived.to_vec();
        again.extend(
            events
                .iter()
                .filter(|e| paths.contains(&e.path))
                .map(|e| e.path.clone()),
        );
        again.sort_unstable();
        again.dedup();
        let mut all = events;
        all.extend(self.events.iter().cloned());
        let mut files = self.files.clone();
        for path in gone.iter().chain(&again) {
            files.remove(path);
        }
        let mut stamps = Stamps::default();
        for path in again {
            if let Some(file) = file_history(&all, index, &path, &mut stamps) {
                files.insert(path, file);
            }
        }
        History {
            revision,
            events: all,
            files,
            shallow,
            problems,
            graph,
        }
    }

    /// The events of one response, newest first. A current id gets its
    /// whole life, following renames back to its creation; an id that is
    /// gone gets the life that ended with its deletion (or with the rename
    /// that took it away).
    pub fn for_id(&self, id: &str) -> Vec<&Event> {
        let alive = self.files.contains_key(&format!("{id}.md"));
        let events = &self.events;
        let next =
            |target: &str, from: usize| (from..events.len()).find(|&i| events[i].id == target);
        let indices = if alive {
            chain(events, id, true, next)
        } else {
            let renamed_away = events
                .iter()
                .position(|e| e.kind == EventKind::Renamed && e.old_id.as_deref() == Some(id));
            let deleted = events
                .iter()
                .position(|e| e.id == id && e.kind == EventKind::Deleted);
            match (renamed_away, deleted) {
                (Some(r), d) if d.is_none_or(|d| r < d) => {
                    let mut out = vec![r];
                    out.extend(chain_from(events, id, true, next_commit(events, r), next));
                    out
                }
                _ => chain(events, id, false, next),
            }
        };
        indices.into_iter().map(|i| &*self.events[i]).collect()
    }

    /// The events of the commits that came after `commit` (a full commit id
    /// or an unambiguous prefix of one), newest first: what a sync job that
    /// last looked at `commit` must apply. `None` when `commit` is not in
    /// this history (not an ancestor of its revision).
    pub fn since(&self, commit: &str) -> Option<Vec<&Event>> {
        let start = self.graph.find(commit)?;
        let mut seen = vec![false; self.graph.commits.len()];
        let mut stack = vec![start];
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            stack.extend(self.graph.parents_of(i).iter().map(|&p| p as usize));
        }
        let old = |event: &Event| {
            let id = ObjectId::from_hex(event.commit.as_bytes()).ok();
            id.and_then(|id| self.graph.index.get(&id))
                .is_some_and(|&i| seen[i as usize])
        };
        Some(
            self.events
                .iter()
                .map(|e| &**e)
                .filter(|e| !old(e))
                .collect(),
        )
    }
}

impl Graph {
    fn find(&self, commit: &str) -> Option<usize> {
        if let Ok(id) = ObjectId::from_hex(commit.as_bytes()) {
            return self.index.get(&id).map(|&i| i as usize);
        }
        if commit.len() < 4 || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let commit = commit.to_ascii_lowercase();
        let mut found = self
            .commits
            .iter()
            .enumerate()
            .filter(|(_, id)| id.to_string().starts_with(&commit));
        match (found.next(), found.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    }
}

/// One `Arc<Stamp>` per commit, shared by the files it created or changed
/// last.
#[derive(Default)]
struct Stamps<'e> {
    by_commit: HashMap<&'e str, Arc<Stamp>>,
}

impl<'e> Stamps<'e> {
    fn of(&mut self, event: &'e Event) -> Arc<Stamp> {
        self.by_commit
            .entry(event.commit.as_str())
            .or_insert_with(|| Arc::new(event.stamp()))
            .clone()
    }
}

/// When the file at `path` was created and last changed, from its chain of
/// events; `None` when no event names it.
fn file_history<'e>(
    events: &'e [Arc<Event>],
    index: &IdIndex,
    path: &str,
    stamps: &mut Stamps<'e>,
) -> Option<FileHistory> {
    let chain = chain(events, id_of(path), true, |target, from| {
        index.next(target, from)
    });
    let (&newest, &oldest) = (chain.first()?, chain.last()?);
    Some(FileHistory {
        created: stamps.of(&events[oldest]),
        updated: stamps.of(&events[newest]),
    })
}

/// The index of the first event of the commit after the one of event `i`.
fn next_commit(events: &[Arc<Event>], i: usize) -> usize {
    let commit = &events[i].commit;
    (i..events.len())
        .find(|&j| events[j].commit != *commit)
        .unwrap_or(events.len())
}

/// One life of `id`, newest first: see [`chain_from`].
fn chain(
    events: &[Arc<Event>],
    id: &str,
    alive: bool,
    next: impl Fn(&str, usize) -> Option<usize>,
) -> Vec<usize> {
    chain_from(events, id, alive, 0, next)
}

/// Follows `id` back from event `from` to its creation: renames switch to
/// the old id (from the commit before the rename on), a creation ends the
/// life. A file that is `alive` at the revision skips deletions, which can
/// only be deletions on a branch that a merge did not take; otherwise the
/// first deletion met is where the life ends, and later ones are skipped
/// alike. `next(target, from)` finds the next event at or after `from`
/// whose id is `target`.
fn chain_from(
    events: &[Arc<Event>],
    id: &str,
    alive: bool,
    from: usize,
    next: impl Fn(&str, usize) -> Option<usize>,
) -> Vec<usize> {
    let mut out = Vec::new();
    let mut target = id.to_string();
    let mut at = from;
    while let Some(i) = next(&target, at) {
        let event = &events[i];
        at = i + 1;
        match event.kind {
            EventKind::Created => {
                out.push(i);
                break;
            }
            EventKind::Changed => out.push(i),
            EventKind::Renamed => {
                out.push(i);
                if let Some(old) = &event.old_id {
                    target = old.clone();
                }
                at = next_commit(events, i);
            }
            EventKind::Deleted => {
                if !alive && out.is_empty() {
                    out.push(i);
                }
            }
        }
    }
    out
}
