//! Everything Cannery knows from git: the library read at a revision, each
//! response's created/updated/renamed/deleted history, and which files have
//! uncommitted edits. All git code of the product lives in this module, on
//! top of `gix`; nothing here shells out to `git`.
//!
//! # How history is derived
//!
//! Commits are walked once, newest first by commit time (as `git log` does:
//! a commit is never listed before its children). For each commit the id of
//! the library's subtree is compared with its parent's; when they are equal
//! the commit did not touch the library and is skipped without diffing.
//! Otherwise only that subtree is diffed, with rename tracking set explicitly
//! (50% similarity, no copies) so that a user's `diff.renames = false` cannot
//! change the answer. Only regular files that are response paths count.
//!
//! Merges follow git's default history simplification: a merge whose library
//! subtree equals any parent's is skipped (the changes are credited to the
//! commits that made them on their branch). Any other merge is diffed
//! against its first parent, and of those changes only the ones that match
//! no other parent are kept, so the merge is credited with conflict
//! resolutions and edits made in the merge itself, never with the branch's
//! work — what `git log -- <path>` shows for each file.
//!
//! In a shallow clone the oldest fetched commits name parents that are not
//! there. They are treated as root commits (as `git log` does in that
//! clone: everything they hold looks created there), and the history carries
//! one `shallow-history` warning saying the dates are incomplete.
//!
//! Dates are author dates (rebases rewrite the committer date), in UTC.

mod compare;
mod diff;
mod error;
mod model;
mod objects;
mod packs;
mod source;
mod uncommitted;
mod walk;

pub use compare::{
    compare, line_diff, Brief, Changed, Comparison, FieldChange, SnippetBrief, SnippetChange,
};
pub use error::GitError;
pub use model::{Event, EventKind, FileHistory, History, Person, Stamp};
pub use source::GitSource;
pub use walk::HistoryCache;

use gix::ObjectId;
use std::path::{Component, Path, PathBuf};

/// The git repository that holds a library.
pub struct Repository {
    repo: gix::ThreadSafeRepository,
    /// The library's folder inside the repository, `/`-separated, without a
    /// trailing `/`; empty when the library is the repository's root.
    prefix: String,
    /// The library root on disk, when the repository has a working tree.
    root: Option<PathBuf>,
}

impl Repository {
    /// Finds the git repository that holds `library_root`, or `None` when
    /// the library is not in one (then there is simply no history).
    pub fn discover(library_root: &Path) -> Result<Option<Repository>, GitError> {
        let root = library_root.canonicalize().map_err(|e| GitError::Io {
            path: library_root.display().to_string(),
            message: e.to_string(),
        })?;
        let repo = match gix::ThreadSafeRepository::discover(&root) {
            Ok(repo) => repo,
            Err(err) if is_no_repository(&err) => return Ok(None),
            Err(err) => {
                return Err(GitError::Open {
                    path: library_root.display().to_string(),
                    message: err.to_string(),
                })
            }
        };
        let workdir = repo.work_dir().map(Path::to_path_buf);
        let Some(workdir) = workdir else {
            // A bare repository: the library is read from its root tree.
            return Ok(Some(Repository {
                repo,
                prefix: String::new(),
                root: None,
            }));
        };
        let workdir = workdir.canonicalize().map_err(|e| GitError::Io {
            path: workdir.display().to_string(),
            message: e.to_string(),
        })?;
        let Ok(inside) = root.strip_prefix(&workdir) else {
            // The library is inside the git directory itself, not a worktree.
            return Ok(None);
        };
        let mut parts = Vec::new();
        for component in inside.components() {
            if let Component::Normal(part) = component {
                let Some(part) = part.to_str() else {
                    return Err(GitError::Io {
                        path: library_root.display().to_string(),
                        message: "the folder's name is not valid UTF-8".into(),
                    });
                };
                parts.push(part);
            }
        }
        Ok(Some(Repository {
            repo,
            prefix: parts.join("/"),
            root: Some(root),
        }))
    }

    /// The library's folder inside the repository, `/`-separated; empty when
    /// the library is the repository's root.
    pub fn library_path(&self) -> &str {
        &self.prefix
    }

    /// The full commit id that `rev` (a branch, tag, commit or `HEAD~3`)
    /// names.
    pub fn resolve(&self, rev: &str) -> Result<String, GitError> {
        let repo = self.open();
        resolve_commit(&repo, rev).map(|id| id.to_string())
    }

    /// A thread-local handle with a cache of delta bases. Trees and blobs
    /// are stored as chains of deltas whose bases are shared, and gix keeps
    /// decoded bases only with a pack cache, which it sets up by itself
    /// only with its `max-performance` feature: without one every lookup
    /// inflated the whole chain again. (The walk of the history reads
    /// packs through its own `packs::Reader`.)
    fn open(&self) -> gix::Repository {
        let mut repo = self.repo.to_thread_local();
        repo.objects
            .set_pack_cache(|| Box::new(objects::DeltaBases::new(DELTA_BASE_BYTES)));
        repo
    }
}

/// The decoded delta bases kept per handle, in each of two generations (git
/// keeps up to 96 MiB, its `core.deltaBaseCacheLimit`), for reading a
/// revision's files and the commits. Before the walk had its own reader,
/// 8 MiB in all was as fast for it as 64 MiB, and 50 MB lighter.
const DELTA_BASE_BYTES: usize = 4 * 1024 * 1024;

fn is_no_repository(err: &gix::error::Error) -> bool {
    use gix::discover::upwards::Error as Upwards;
    matches!(
        err.downcast_any_ref::<Upwards>(),
        Some(
            Upwards::NoGitRepository { .. }
                | Upwards::NoGitRepositoryWithinCeiling { .. }
                | Upwards::NoGitRepositoryWithinFs { .. }
        )
    )
}

/// Resolves `rev` to a commit, peeling annotated tags.
fn resolve_commit(repo: &gix::Repository, rev: &str) -> Result<ObjectId, GitError> {
    let id = match repo.rev_parse_single(rev) {
        Ok(id) => id,
        Err(err) => {
            use gix::revision::spec::parse::Error as Parse;
            if let Some(Parse::AmbiguousPrefix { .. } | Parse::AmbiguousRefAndObject { .. }) =
                err.downcast_any_ref::<Parse>()
            {
                return Err(GitError::Ambiguous { rev: rev.into() });
            }
            if rev == "HEAD" && repo.head().is_ok_and(|head| head.is_unborn()) {
                return Err(GitError::NoCommits);
            }
            return Err(GitError::NotARevision { rev: rev.into() });
        }
    };
    let object = id
        .object()
        .and_then(|object| object.peel_tags_to_end())
        .map_err(|e| GitError::read(format!("`{rev}`"), e))?;
    if object.kind != gix::objs::Kind::Commit {
        return Err(GitError::NotACommit {
            rev: rev.into(),
            kind: object.kind.to_string(),
        });
    }
    Ok(object.id)
}

/// The id of the library's subtree in the tree `tree_id`, or `None` when
/// the library folder does not exist there.
fn library_tree(
    repo: &gix::Repository,
    tree_id: ObjectId,
    prefix: &str,
) -> Result<Option<ObjectId>, GitError> {
    if prefix.is_empty() {
        return Ok(Some(tree_id));
    }
    let tree = repo
        .find_tree(tree_id)
        .map_err(|e| GitError::read(format!("tree {tree_id}"), e))?;
    let entry = tree
        .lookup_entry(prefix.split('/').map(str::as_bytes))
        .map_err(|e| GitError::read(format!("`{prefix}` in tree {tree_id}"), e))?;
    Ok(entry
        .filter(|entry| entry.mode().is_tree())
        .map(|entry| entry.object_id()))
}
