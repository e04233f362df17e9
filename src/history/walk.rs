//! Walking the commits once, and remembering what each one did, so that a
//! long-running server pays only for the commits it has not seen yet.

use super::diff::{changes_of, Change, Differ};
use super::model::{Event, Graph, History, IdIndex, Person};
use super::packs::{Packs, Reader};
use super::source::walk_tree;
use super::{resolve_commit, GitError, Repository};
use crate::problem::Problem;
use crate::response::id_from_path;
use crate::source::is_response_path;
use gix::objs::tree::EntryKind;
use gix::ObjectId;
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::Arc;

/// What the walk learned about each commit, keyed by commit id, and the
/// last history derived from it. Keep one per [`Repository`] and pass it to
/// [`Repository::history_with`]: each call then examines only the commits
/// that were not examined before, and a tip built on the last one (a new
/// commit, a pull that fast-forwards) extends the last history with the new
/// commits' events instead of deriving it again.
#[derive(Debug, Default)]
pub struct HistoryCache {
    /// The library folder the cache was filled for: a cache is only valid
    /// for one library.
    prefix: Option<String>,
    commits: HashMap<ObjectId, Examined>,
    examined: usize,
    last: Option<Derived>,
    /// The history last returned by [`Repository::history_shared`].
    shared: Option<Arc<History>>,
    extended: usize,
}

impl HistoryCache {
    pub fn new() -> HistoryCache {
        HistoryCache::default()
    }

    /// How many commits were read and compared through this cache, in all
    /// calls together.
    pub fn examined(&self) -> usize {
        self.examined
    }

    /// How many of the histories returned through this cache extended the
    /// one before instead of being derived whole.
    pub fn extended(&self) -> usize {
        self.extended
    }
}

#[derive(Debug)]
struct Examined {
    /// Committer time, to order the walk as `git log` does.
    time: i64,
    parents: Vec<ObjectId>,
    /// Whether some parent is missing: the boundary of a shallow clone.
    boundary: bool,
    /// The commit's tree.
    tree: ObjectId,
    /// The library's subtree, `None` where the library folder is absent.
    subtree: Option<ObjectId>,
    author: Person,
    date: String,
    subject: String,
    changes: Vec<Change>,
}

/// The last history derived, with what extending it needs.
#[derive(Debug)]
struct Derived {
    tip: ObjectId,
    history: History,
    index: IdIndex,
    /// The response paths at `tip`.
    paths: HashSet<String>,
    /// Whether some commit of the history is a shallow boundary.
    boundary: bool,
}

impl Repository {
    /// The history of the library up to `rev` (`HEAD` when `None`).
    pub fn history(&self, rev: Option<&str>) -> Result<History, GitError> {
        let mut cache = HistoryCache::new();
        let derived = self.derive(rev, &mut cache);
        // Freeing what every commit left in the cache and the index of
        // events, a few strings each, took 40 ms of 10,000 commits' walk
        // (perf): another thread does it while the caller goes on.
        let (history, leftovers) = match derived {
            Ok(Some(Derived {
                history,
                index,
                paths,
                ..
            })) => (Ok(history), Some((index, paths))),
            Ok(None) => (Ok(empty_history()), None),
            Err(err) => (Err(err), None),
        };
        rayon::spawn(move || drop((cache, leftovers)));
        history
    }

    /// Like [`Repository::history`], reusing and extending `cache`.
    pub fn history_with(
        &self,
        rev: Option<&str>,
        cache: &mut HistoryCache,
    ) -> Result<History, GitError> {
        let Some(derived) = self.derive(rev, cache)? else {
            return Ok(empty_history());
        };
        let history = derived.history.clone();
        // Kept to be extended by the next call.
        cache.last = Some(derived);
        Ok(history)
    }

    /// Like [`Repository::history_with`], but when no commit is new since
    /// the last call (the same tip, nothing examined), the history that call
    /// returned rather than a copy: a server reloading after a saved file
    /// need not copy 30,000 events.
    pub fn history_shared(
        &self,
        rev: Option<&str>,
        cache: &mut HistoryCache,
    ) -> Result<Arc<History>, GitError> {
        let examined = cache.examined;
        let Some(derived) = self.derive(rev, cache)? else {
            return Ok(Arc::new(empty_history()));
        };
        let same = cache.examined == examined
            && cache
                .shared
                .as_ref()
                .is_some_and(|shared| shared.revision == derived.history.revision);
        let history = match (&cache.shared, same) {
            (Some(shared), true) => shared.clone(),
            _ => Arc::new(derived.history.clone()),
        };
        cache.last = Some(derived);
        cache.shared = Some(history.clone());
        Ok(history)
    }

    /// The history up to `rev`, reusing what `cache` holds; `None` for a
    /// repository without commits, whose history is empty.
    fn derive(
        &self,
        rev: Option<&str>,
        cache: &mut HistoryCache,
    ) -> Result<Option<Derived>, GitError> {
        let repo = self.open();
        let tip = match resolve_commit(&repo, rev.unwrap_or("HEAD")) {
            Ok(tip) => tip,
            // A repository without commits has an empty history, not an error.
            Err(GitError::NoCommits) if rev.is_none() => return Ok(None),
            Err(err) => return Err(err),
        };
        if cache.prefix.as_deref() != Some(self.prefix.as_str()) {
            *cache = HistoryCache {
                prefix: Some(self.prefix.clone()),
                ..HistoryCache::default()
            };
        }
        if self.examine_new(&repo, tip, cache)? {
            // Older commits were examined again: the last history may have
            // missed their past.
            cache.last = None;
        }
        let shallow_repo = repo.is_shallow().unwrap_or(false);
        let last = cache.last.take();
        let derived = match last {
            Some(last) if last.tip == tip => Derived {
                history: History {
                    shallow: last.boundary || shallow_repo,
                    problems: shallow_problems(last.boundary || shallow_repo),
                    ..last.history
                },
                ..last
            },
            Some(last) => match extension(tip, &last, &cache.commits) {
                Some(order) => {
                    let derived =
                        self.extend(&repo, last, tip, &order, &cache.commits, shallow_repo)?;
                    cache.extended += 1;
                    derived
                }
                None => self.derive_whole(&repo, tip, &cache.commits, shallow_repo)?,
            },
            None => self.derive_whole(&repo, tip, &cache.commits, shallow_repo)?,
        };
        Ok(Some(derived))
    }

    /// The history up to `tip` from every commit's examined changes.
    fn derive_whole(
        &self,
        repo: &gix::Repository,
        tip: ObjectId,
        commits: &HashMap<ObjectId, Examined>,
        shallow_repo: bool,
    ) -> Result<Derived, GitError> {
        let order = walk_order(tip, commits);
        let mut graph = Graph::default();
        let with_parents: Vec<(ObjectId, &[ObjectId])> = order
            .iter()
            .map(|id| (*id, commits[id].parents.as_slice()))
            .collect();
        graph.add_newer(&with_parents);
        let events = events_of(&order, commits);
        let boundary = order.iter().any(|id| commits[id].boundary);
        let mut index = IdIndex::default();
        index.add_newer(&events);
        let mut paths = Vec::new();
        if let Some(tree) = commits[&tip].subtree {
            walk_tree(repo, tree, &mut |path, kind, _| {
                if matches!(kind, EntryKind::Blob | EntryKind::BlobExecutable)
                    && is_response_path(path)
                {
                    paths.push(path.to_string());
                }
            })?;
        }
        let shallow = boundary || shallow_repo;
        let history = History::new(
            tip.to_string(),
            events,
            &index,
            &paths,
            shallow,
            shallow_problems(shallow),
            graph,
        );
        Ok(Derived {
            tip,
            history,
            index,
            paths: paths.into_iter().collect(),
            boundary,
        })
    }

    /// `last` with the commits of `order` on top (newest first, all of
    /// them newer than `last.tip`, as [`extension`] found). The response
    /// paths at `tip` come from a diff of the two tips' library trees, not
    /// from a walk of the whole tree.
    fn extend(
        &self,
        repo: &gix::Repository,
        mut last: Derived,
        tip: ObjectId,
        order: &[ObjectId],
        commits: &HashMap<ObjectId, Examined>,
        shallow_repo: bool,
    ) -> Result<Derived, GitError> {
        let (old, new) = (commits[&last.tip].subtree, commits[&tip].subtree);
        let (gone, arrived) = if old == new {
            (Vec::new(), Vec::new())
        } else {
            let packs = Packs::open(repo);
            let objects = Reader::new(self.open(), &packs);
            Differ::new(&objects)?.paths_between(old, new)?
        };
        for path in &gone {
            last.paths.remove(path);
        }
        last.paths.extend(arrived.iter().cloned());
        let events = events_of(order, commits);
        last.index.add_newer(&events);
        let boundary = last.boundary || order.iter().any(|id| commits[id].boundary);
        let shallow = boundary || shallow_repo;
        let with_parents: Vec<(ObjectId, &[ObjectId])> = order
            .iter()
            .map(|id| (*id, commits[id].parents.as_slice()))
            .collect();
        let history = last.history.extended(
            tip.to_string(),
            &with_parents,
            events,
            &last.index,
            &last.paths,
            &gone,
            &arrived,
            shallow,
            shallow_problems(shallow),
        );
        Ok(Derived {
            tip,
            history,
            index: last.index,
            paths: last.paths,
            boundary,
        })
    }
}

/// The events of the commits `order` (newest first), newest first. Each
/// event is eight strings; a long history's are made on all cores.
fn events_of(order: &[ObjectId], commits: &HashMap<ObjectId, Examined>) -> Vec<Arc<Event>> {
    if order.len() >= PARALLEL_FROM {
        return order
            .par_chunks(PARALLEL_FROM)
            .flat_map_iter(|ids| events_here(ids, commits))
            .collect();
    }
    events_here(order, commits)
}

/// [`events_of`] on this thread.
fn events_here(order: &[ObjectId], commits: &HashMap<ObjectId, Examined>) -> Vec<Arc<Event>> {
    let mut events = Vec::new();
    for id in order {
        let commit = &commits[id];
        if commit.changes.is_empty() {
            continue;
        }
        let hex = id.to_string();
        for change in &commit.changes {
            events.push(Arc::new(Event {
                kind: change.kind,
                id: id_from_path(&change.path).to_string(),
                old_id: change
                    .old_path
                    .as_deref()
                    .map(|p| id_from_path(p).to_string()),
                commit: hex.clone(),
                author: commit.author.clone(),
                date: commit.date.clone(),
                subject: commit.subject.clone(),
                path: change.path.clone(),
                old_path: change.old_path.clone(),
            }));
        }
    }
    events
}

/// At most one warning: that the clone is shallow.
fn shallow_problems(shallow: bool) -> Vec<Problem> {
    if !shallow {
        return Vec::new();
    }
    vec![Problem::warning(
        "shallow-history",
        "",
        "this is a shallow clone: commits older than the ones fetched are missing, \
         so responses from before them show the oldest fetched commit as their creation",
    )
    .with_hint(
        "fetch the whole history: `git fetch --unshallow`, \
         or `fetch-depth: 0` for actions/checkout in CI",
    )]
}

fn empty_history() -> History {
    History::new(
        String::new(),
        Vec::new(),
        &IdIndex::default(),
        &[],
        false,
        Vec::new(),
        Graph::default(),
    )
}

/// The commits reachable from `tip` that come before `last.tip` in the
/// walk from `tip` (newest first), when the walk from `tip` is exactly
/// those commits followed by the walk that `last` was derived from; `None`
/// otherwise: a reset, an amended commit, a merge of a branch that forked
/// below `last.tip` or that holds a commit dated before it.
///
/// That holds when the walk meets `last.tip` before any other commit of
/// `last`, with nothing else left to visit: from there on it visits what
/// the walk from `last.tip` visited, in the same order, since the commits
/// already visited are not ancestors of `last.tip`.
fn extension(
    tip: ObjectId,
    last: &Derived,
    commits: &HashMap<ObjectId, Examined>,
) -> Option<Vec<ObjectId>> {
    let mut order = Vec::new();
    let mut walk = Walk::from(tip, commits);
    while let Some(id) = walk.next() {
        if id == last.tip {
            return walk.is_done().then_some(order);
        }
        if last.history.graph.contains(&id) {
            return None;
        }
        order.push(id);
    }
    None
}

/// The commits reachable from a tip, newest first by committer time, a
/// commit never before its children: `git log`'s default order. A
/// commit's parents join the walk when the next commit is asked for, so
/// that right after a commit is given, [`Walk::is_done`] tells whether it
/// is the only one left to visit.
struct Walk<'a> {
    commits: &'a HashMap<ObjectId, Examined>,
    seen: HashSet<ObjectId>,
    queue: BinaryHeap<(i64, Reverse<u64>, ObjectId)>,
    seq: u64,
    given: Option<ObjectId>,
}

impl<'a> Walk<'a> {
    fn from(tip: ObjectId, commits: &'a HashMap<ObjectId, Examined>) -> Walk<'a> {
        let mut walk = Walk {
            commits,
            seen: HashSet::new(),
            queue: BinaryHeap::new(),
            seq: 0,
            given: None,
        };
        walk.visit(tip);
        walk
    }

    fn visit(&mut self, id: ObjectId) {
        if self.seen.insert(id) {
            self.seq += 1;
            self.queue
                .push((self.commits[&id].time, Reverse(self.seq), id));
        }
    }

    /// Whether nothing is left to visit besides the commit last given and
    /// its ancestors.
    fn is_done(&self) -> bool {
        self.queue.is_empty()
    }
}

impl Iterator for Walk<'_> {
    type Item = ObjectId;

    fn next(&mut self) -> Option<ObjectId> {
        if let Some(given) = self.given.take() {
            let commits = self.commits;
            for parent in &commits[&given].parents {
                if commits.contains_key(parent) {
                    self.visit(*parent);
                }
            }
        }
        let (_, _, id) = self.queue.pop()?;
        self.given = Some(id);
        Some(id)
    }
}

impl Repository {
    /// Reads every commit reachable from `tip` that the cache does not hold
    /// yet and records what it did to the library. The cache holds whole
    /// ancestries: a commit is only added together with its ancestors.
    /// Returns whether commits examined before were examined again.
    fn examine_new(
        &self,
        repo: &gix::Repository,
        tip: ObjectId,
        cache: &mut HistoryCache,
    ) -> Result<bool, GitError> {
        // A shallow boundary whose parents have been fetched since
        // (`git fetch --unshallow`) is examined again, along with the new past.
        let mut todo = vec![tip];
        let deepened: Vec<ObjectId> = cache
            .commits
            .iter()
            .filter(|(_, c)| c.boundary && c.parents.iter().any(|p| repo.has_object(p)))
            .map(|(id, _)| *id)
            .collect();
        let again = !deepened.is_empty();
        for id in deepened {
            cache.commits.remove(&id);
            todo.push(id);
        }

        let mut new: HashMap<ObjectId, Examined> = HashMap::new();
        // The order they were found in, a child before its first parent, so
        // that one diff's new tree is the next one's old tree, still in the
        // caches of the handle that diffs both.
        let mut found = Vec::new();
        let mut missing: HashSet<ObjectId> = HashSet::new();
        while let Some(id) = todo.pop() {
            if cache.commits.contains_key(&id) || new.contains_key(&id) || missing.contains(&id) {
                continue;
            }
            let Some(commit) = read_commit(repo, id)? else {
                missing.insert(id);
                continue;
            };
            todo.extend(commit.parents.iter().rev().copied());
            found.push(id);
            new.insert(id, commit);
        }

        let packs = Packs::open(repo);
        let commits = Commits {
            known: &cache.commits,
            new: &new,
            prefix: &self.prefix,
        };
        // Diffing is nearly all the work, and each commit's diff stands
        // alone: runs of consecutive commits are diffed on all cores.
        // Finding the library's subtree in each commit's tree is done there
        // too, not while the commits are read one after the other. A
        // handful of new commits (a server's reload) stays on this thread.
        //
        // Each of rayon's jobs keeps one reader (its handle and caches) for
        // all the runs it diffs, and they are consecutive: a reader starts
        // cold, and the chains of deltas are long (see `packs.rs`). On the
        // benchmark history, two runs a thread with a reader each took 17%
        // more CPU time than one run a thread; small runs with a reader per
        // job let a thread that is done take runs from a slower one without
        // that cost.
        let runs: Vec<Vec<Diffed>> = if found.len() < PARALLEL_FROM {
            let objects = Reader::new(self.open(), &packs);
            vec![diff_run(&objects, &found, &commits)?]
        } else {
            found
                .par_chunks(PARALLEL_FROM)
                .map_init(
                    || Reader::new(self.open(), &packs),
                    |objects, ids| diff_run(objects, ids, &commits),
                )
                .collect::<Result<_, _>>()?
        };
        for (id, diffed) in found.iter().zip(runs.into_iter().flatten()) {
            let mut commit = new.remove(id).expect("every found commit was read");
            (commit.subtree, commit.boundary, commit.changes) =
                (diffed.subtree, diffed.boundary, diffed.changes);
            cache.commits.insert(*id, commit);
            cache.examined += 1;
        }
        Ok(again)
    }
}

/// The commits a walk knows: those examined before, and those just read.
struct Commits<'c> {
    known: &'c HashMap<ObjectId, Examined>,
    new: &'c HashMap<ObjectId, Examined>,
    prefix: &'c str,
}

/// What the diff of one new commit found.
struct Diffed {
    subtree: Option<ObjectId>,
    /// Whether some parent is missing: the boundary of a shallow clone.
    boundary: bool,
    changes: Vec<Change>,
}

/// What each of the new commits `ids` did, reading with `objects`.
fn diff_run(
    objects: &Reader<'_>,
    ids: &[ObjectId],
    commits: &Commits<'_>,
) -> Result<Vec<Diffed>, GitError> {
    // The subtrees found so far: a commit's first parent is most often the
    // next commit of the run.
    let mut subtrees: HashMap<ObjectId, Option<ObjectId>> = HashMap::new();
    // `None` for a commit that is not in this clone.
    let mut subtree_of = |id: &ObjectId| -> Result<Option<Option<ObjectId>>, GitError> {
        if let Some(commit) = commits.known.get(id) {
            return Ok(Some(commit.subtree));
        }
        let Some(commit) = commits.new.get(id) else {
            return Ok(None);
        };
        if let Some(subtree) = subtrees.get(id) {
            return Ok(Some(*subtree));
        }
        let subtree = if commits.prefix.is_empty() {
            Some(commit.tree)
        } else {
            objects
                .entry_at(commit.tree, commits.prefix)?
                .filter(|(_, mode)| mode.is_tree())
                .map(|(id, _)| id)
        };
        subtrees.insert(*id, subtree);
        Ok(Some(subtree))
    };
    let mut differ = Differ::new(objects)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let subtree = subtree_of(id)?.flatten();
        let parents = commits.new[id]
            .parents
            .iter()
            .map(&mut subtree_of)
            .collect::<Result<Vec<_>, _>>()?;
        out.push(Diffed {
            subtree,
            boundary: parents.iter().any(Option::is_none),
            changes: changes_of(&mut differ, subtree, &parents)?,
        });
    }
    Ok(out)
}

/// From how many new commits the diffs are spread over threads, and how
/// many a run holds.
const PARALLEL_FROM: usize = 256;

/// Reads one commit, or `None` when its object is not in the repository
/// (the parent of a shallow clone's oldest commit).
fn read_commit(repo: &gix::Repository, id: ObjectId) -> Result<Option<Examined>, GitError> {
    let what = || format!("commit {id}");
    let Some(object) = repo
        .try_find_object(id)
        .map_err(|e| GitError::read(what(), e))?
    else {
        return Ok(None);
    };
    let commit = gix::objs::CommitRef::from_bytes(&object.data, repo.object_hash())
        .map_err(|e| GitError::read(what(), e))?;
    let author = commit
        .author()
        .map_err(|e| GitError::read(what(), e))?
        .trim();
    let committer = commit.committer().map_err(|e| GitError::read(what(), e))?;
    let date = jiff::Timestamp::from_second(author.seconds())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_string();
    Ok(Some(Examined {
        time: committer.seconds(),
        parents: commit.parents().collect(),
        boundary: false,
        tree: commit.tree(),
        subtree: None,
        author: Person {
            name: author.name.to_string(),
            email: author.email.to_string(),
        },
        date,
        subject: commit.message().summary().to_string(),
        changes: Vec::new(),
    }))
}

/// The commits reachable from `tip` in `git log`'s default order.
fn walk_order(tip: ObjectId, commits: &HashMap<ObjectId, Examined>) -> Vec<ObjectId> {
    Walk::from(tip, commits).collect()
}
