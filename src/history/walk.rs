//! Walking the commits once, and remembering what each one did, so that a
//! long-running server pays only for the commits it has not seen yet.

use super::diff::{changes_of, Change, Differ};
use super::model::{Event, Graph, History, Person};
use super::source::walk_tree;
use super::{library_tree, resolve_commit, GitError, Repository};
use crate::problem::Problem;
use crate::response::id_from_path;
use crate::source::is_response_path;
use gix::objs::tree::EntryKind;
use gix::ObjectId;
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::Arc;

/// What the walk learned about each commit, keyed by commit id. Keep one
/// per [`Repository`] and pass it to [`Repository::history_with`]: each
/// call then examines only the commits that were not examined before.
#[derive(Debug, Default)]
pub struct HistoryCache {
    /// The library folder the cache was filled for: a cache is only valid
    /// for one library.
    prefix: Option<String>,
    commits: HashMap<ObjectId, Examined>,
    examined: usize,
    /// The history last made through [`Repository::history_shared`], and
    /// its tip.
    last: Option<(ObjectId, Arc<History>)>,
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
}

#[derive(Debug)]
struct Examined {
    /// Committer time, to order the walk as `git log` does.
    time: i64,
    parents: Vec<ObjectId>,
    /// Whether some parent is missing: the boundary of a shallow clone.
    boundary: bool,
    /// The library's subtree, `None` where the library folder is absent.
    subtree: Option<ObjectId>,
    author: Person,
    date: String,
    subject: String,
    changes: Vec<Change>,
}

impl Repository {
    /// The history of the library up to `rev` (`HEAD` when `None`).
    pub fn history(&self, rev: Option<&str>) -> Result<History, GitError> {
        self.history_with(rev, &mut HistoryCache::new())
    }

    /// Like [`Repository::history`], reusing and extending `cache`.
    pub fn history_with(
        &self,
        rev: Option<&str>,
        cache: &mut HistoryCache,
    ) -> Result<History, GitError> {
        let repo = self.open();
        let Some(tip) = self.tip(&repo, rev)? else {
            return Ok(empty_history());
        };
        self.examine(&repo, tip, cache)?;
        self.assemble(&repo, tip, cache)
    }

    /// Like [`Repository::history_with`], but when no commit is new since
    /// the last call (the tip is the same and nothing was examined), the
    /// history that call made, not a new one: a server reloading after a
    /// saved file need not put 30,000 events together again.
    pub fn history_shared(
        &self,
        rev: Option<&str>,
        cache: &mut HistoryCache,
    ) -> Result<Arc<History>, GitError> {
        let repo = self.open();
        let Some(tip) = self.tip(&repo, rev)? else {
            return Ok(Arc::new(empty_history()));
        };
        let examined = self.examine(&repo, tip, cache)?;
        if let Some((last_tip, last)) = &cache.last {
            if *last_tip == tip && examined == 0 {
                return Ok(last.clone());
            }
        }
        let history = Arc::new(self.assemble(&repo, tip, cache)?);
        cache.last = Some((tip, history.clone()));
        Ok(history)
    }

    /// The commit `rev` (or `HEAD`) names; `None` for a repository without
    /// commits, whose history is empty, not an error.
    fn tip(&self, repo: &gix::Repository, rev: Option<&str>) -> Result<Option<ObjectId>, GitError> {
        match resolve_commit(repo, rev.unwrap_or("HEAD")) {
            Ok(tip) => Ok(Some(tip)),
            Err(GitError::NoCommits) if rev.is_none() => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Brings `cache` up to `tip`; how many commits that examined.
    fn examine(
        &self,
        repo: &gix::Repository,
        tip: ObjectId,
        cache: &mut HistoryCache,
    ) -> Result<usize, GitError> {
        if cache.prefix.as_deref() != Some(self.prefix.as_str()) {
            *cache = HistoryCache {
                prefix: Some(self.prefix.clone()),
                ..HistoryCache::default()
            };
        }
        let before = cache.examined;
        self.examine_new(repo, tip, cache)?;
        Ok(cache.examined - before)
    }

    /// The history from `tip`, out of the commits `cache` holds.
    fn assemble(
        &self,
        repo: &gix::Repository,
        tip: ObjectId,
        cache: &HistoryCache,
    ) -> Result<History, GitError> {
        let order = walk_order(tip, &cache.commits);
        let mut graph = Graph::default();
        for (i, id) in order.iter().enumerate() {
            graph.index.insert(*id, i);
        }
        let mut events = Vec::new();
        let mut boundary = false;
        for id in &order {
            let commit = &cache.commits[id];
            boundary |= commit.boundary;
            graph.commits.push(*id);
            graph.parents.push(
                commit
                    .parents
                    .iter()
                    .filter_map(|p| graph.index.get(p).copied())
                    .collect(),
            );
            for change in &commit.changes {
                events.push(Event {
                    kind: change.kind,
                    id: id_from_path(&change.path).to_string(),
                    old_id: change
                        .old_path
                        .as_deref()
                        .map(|p| id_from_path(p).to_string()),
                    commit: id.to_string(),
                    author: commit.author.clone(),
                    date: commit.date.clone(),
                    subject: commit.subject.clone(),
                    path: change.path.clone(),
                    old_path: change.old_path.clone(),
                });
            }
        }
        let shallow = boundary || repo.is_shallow().unwrap_or(false);
        let problems = if shallow {
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
        } else {
            Vec::new()
        };
        let tip_tree = cache.commits[&tip].subtree;
        let mut paths = Vec::new();
        if let Some(tree) = tip_tree {
            walk_tree(repo, tree, &mut |path, kind, _| {
                if matches!(kind, EntryKind::Blob | EntryKind::BlobExecutable)
                    && is_response_path(path)
                {
                    paths.push(path.to_string());
                }
            })?;
        }
        Ok(History::new(
            tip.to_string(),
            events,
            &paths,
            shallow,
            problems,
            graph,
        ))
    }
}

fn empty_history() -> History {
    History::new(
        String::new(),
        Vec::new(),
        &[],
        false,
        Vec::new(),
        Graph::default(),
    )
}

impl Repository {
    /// Reads every commit reachable from `tip` that the cache does not hold
    /// yet and records what it did to the library. The cache holds whole
    /// ancestries: a commit is only added together with its ancestors.
    fn examine_new(
        &self,
        repo: &gix::Repository,
        tip: ObjectId,
        cache: &mut HistoryCache,
    ) -> Result<(), GitError> {
        // A shallow boundary whose parents have been fetched since
        // (`git fetch --unshallow`) is examined again, along with the new past.
        let mut todo = vec![tip];
        let deepened: Vec<ObjectId> = cache
            .commits
            .iter()
            .filter(|(_, c)| c.boundary && c.parents.iter().any(|p| repo.has_object(p)))
            .map(|(id, _)| *id)
            .collect();
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
            let Some(commit) = read_commit(repo, &self.prefix, id)? else {
                missing.insert(id);
                continue;
            };
            todo.extend(commit.parents.iter().rev().copied());
            found.push(id);
            new.insert(id, commit);
        }

        let subtree_of = |id: &ObjectId| {
            cache
                .commits
                .get(id)
                .or_else(|| new.get(id))
                .map(|c| c.subtree)
        };
        // Diffing is nearly all the work, and each commit's diff stands
        // alone: runs of consecutive commits are diffed on all cores, each
        // run with its own handle and caches. A handful of new commits (a
        // server's reload) stays on this thread.
        let threads = rayon::current_num_threads().max(1);
        let run = if found.len() < PARALLEL_FROM {
            found.len().max(1)
        } else {
            found.len().div_ceil(threads * 4).max(PARALLEL_FROM / 4)
        };
        let runs: Vec<Vec<(bool, Vec<Change>)>> = if found.len() <= run {
            vec![diff_run(repo, &found, &new, &subtree_of)?]
        } else {
            found
                .par_chunks(run)
                .map(|ids| diff_run(&self.open(), ids, &new, &subtree_of))
                .collect::<Result<_, _>>()?
        };
        for (id, (boundary, changes)) in found.iter().zip(runs.into_iter().flatten()) {
            let mut commit = new.remove(id).expect("every found commit was read");
            (commit.boundary, commit.changes) = (boundary, changes);
            cache.commits.insert(*id, commit);
            cache.examined += 1;
        }
        Ok(())
    }
}

/// What each of the commits `ids` did, and whether it is a shallow
/// boundary, diffing with one [`Differ`] on `repo`.
fn diff_run(
    repo: &gix::Repository,
    ids: &[ObjectId],
    new: &HashMap<ObjectId, Examined>,
    subtree_of: &(dyn Fn(&ObjectId) -> Option<Option<ObjectId>> + Sync),
) -> Result<Vec<(bool, Vec<Change>)>, GitError> {
    let mut differ = Differ::new(repo)?;
    ids.iter()
        .map(|id| {
            let commit = &new[id];
            // `None` for a parent that is not in this clone.
            let parents: Vec<Option<Option<ObjectId>>> =
                commit.parents.iter().map(subtree_of).collect();
            let boundary = parents.iter().any(Option::is_none);
            Ok((boundary, changes_of(&mut differ, commit.subtree, &parents)?))
        })
        .collect()
}

/// From how many new commits the diffs are spread over threads.
const PARALLEL_FROM: usize = 256;

/// Reads one commit, or `None` when its object is not in the repository
/// (the parent of a shallow clone's oldest commit).
fn read_commit(
    repo: &gix::Repository,
    prefix: &str,
    id: ObjectId,
) -> Result<Option<Examined>, GitError> {
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
    let subtree = library_tree(repo, commit.tree(), prefix)?;
    let date = jiff::Timestamp::from_second(author.seconds())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_string();
    Ok(Some(Examined {
        time: committer.seconds(),
        parents: commit.parents().collect(),
        boundary: false,
        subtree,
        author: Person {
            name: author.name.to_string(),
            email: author.email.to_string(),
        },
        date,
        subject: commit.message().summary().to_string(),
        changes: Vec::new(),
    }))
}

/// The commits reachable from `tip`, newest first by committer time, a
/// commit never before its children: `git log`'s default order.
fn walk_order(tip: ObjectId, commits: &HashMap<ObjectId, Examined>) -> Vec<ObjectId> {
    let mut order = Vec::new();
    let mut seen = HashSet::from([tip]);
    let mut queue = BinaryHeap::new();
    let mut seq = 0u64;
    queue.push((commits[&tip].time, Reverse(seq), tip));
    while let Some((_, _, id)) = queue.pop() {
        order.push(id);
        for parent in &commits[&id].parents {
            if commits.contains_key(parent) && seen.insert(*parent) {
                seq += 1;
                queue.push((commits[parent].time, Reverse(seq), *parent));
            }
        }
    }
    order
}
