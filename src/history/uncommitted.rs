//! Which response files on disk differ from the last commit, so that the
//! preview can show uncommitted edits as such.

use super::source::walk_tree;
use super::{library_tree, resolve_commit, GitError, Repository};
use crate::source::{is_response_path, is_walked_dir};
use gix::objs::tree::EntryKind;
use gix::ObjectId;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

impl Repository {
    /// The response files (paths relative to the library root, sorted) whose
    /// working-tree state differs from `HEAD`: edited, new (committed or
    /// not, ignored by git or not), or deleted. Empty for a repository
    /// without a working tree.
    ///
    /// Like `git status`, a file whose size and modification time match its
    /// index entry, which matches `HEAD`, is taken as unchanged without
    /// being read; any other file is hashed and compared with `HEAD`'s blob.
    /// So a library of 10,000 files costs 10,000 `stat` calls when nothing
    /// changed. Content filters (`core.autocrlf`, `.gitattributes`) are not
    /// applied when hashing: a file git itself checked out is caught by the
    /// index first.
    pub fn uncommitted(&self) -> Result<Vec<String>, GitError> {
        let Some(root) = &self.root else {
            return Ok(Vec::new());
        };
        let repo = self.open();
        let mut head: HashMap<String, ObjectId> = HashMap::new();
        match resolve_commit(&repo, "HEAD") {
            Ok(commit) => {
                let tree = repo
                    .find_commit(commit)
                    .and_then(|c| c.tree_id().map(|id| id.detach()))
                    .map_err(|e| GitError::read(format!("commit {commit}"), e))?;
                if let Some(subtree) = library_tree(&repo, tree, &self.prefix)? {
                    walk_tree(&repo, subtree, &mut |path, kind, id| {
                        if matches!(kind, EntryKind::Blob | EntryKind::BlobExecutable)
                            && is_response_path(path)
                        {
                            head.insert(path.to_string(), id);
                        }
                    })?;
                }
            }
            Err(GitError::NoCommits) => {}
            Err(err) => return Err(err),
        }
        let index = repo
            .index_or_empty()
            .map_err(|e| GitError::read("the index", e))?;
        let stat_options = repo
            .stat_options()
            .map_err(|e| GitError::read("the index settings", e))?;
        let unchanged = |path: &str, file: &Path, id: ObjectId| -> bool {
            let in_repo = if self.prefix.is_empty() {
                path.to_string()
            } else {
                format!("{}/{path}", self.prefix)
            };
            if let Some(entry) = index.entry_by_path(in_repo.as_str().into()) {
                let stat = gix::index::fs::Metadata::from_path_no_follow(file)
                    .ok()
                    .and_then(|meta| gix::index::entry::Stat::from_fs(&meta).ok());
                if entry.id == id
                    && stat.is_some_and(|stat| entry.stat.matches(&stat, stat_options))
                    && !entry.stat.is_racy(index.timestamp(), stat_options)
                {
                    return true;
                }
            }
            std::fs::read(file)
                .ok()
                .and_then(|data| {
                    gix::objs::compute_hash(repo.object_hash(), gix::objs::Kind::Blob, &data).ok()
                })
                .is_some_and(|hash| hash == id)
        };

        let mut changed = BTreeSet::new();
        let mut on_disk = BTreeSet::new();
        let walk = walkdir::WalkDir::new(root)
            .follow_links(false)
            .into_iter()
            .filter_entry(|entry| {
                entry.depth() == 0
                    || !entry.file_type().is_dir()
                    || relative(root, entry.path()).is_some_and(|rel| is_walked_dir(&rel))
            });
        // Unreadable folders are passed over here: the library's own load
        // reports them.
        for entry in walk.flatten() {
            if !entry.file_type().is_file() {
                continue;
            }
            let Some(path) = relative(root, entry.path()) else {
                continue;
            };
            if !is_response_path(&path) {
                continue;
            }
            match head.get(&path) {
                Some(&id) if unchanged(&path, entry.path(), id) => {}
                _ => {
                    changed.insert(path.clone());
                }
            }
            on_disk.insert(path);
        }
        for path in head.keys() {
            if !on_disk.contains(path) {
                changed.insert(path.clone());
            }
        }
        Ok(changed.into_iter().collect())
    }
}

/// `path` relative to `root`, `/`-separated, when it is valid UTF-8.
fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}
