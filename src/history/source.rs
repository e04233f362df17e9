//! The library as it is at a revision, read straight from git objects: no
//! checkout, the working tree ignored.

use super::{library_tree, resolve_commit, GitError, Repository};
use crate::problem::Problem;
use crate::source::{
    is_response_path, is_snippet_path, is_walked_dir, Listing, ReadError, Source, CONFIG_FILE,
    MAX_FILE_BYTES,
};
use gix::objs::tree::EntryKind;
use gix::ObjectId;
use std::collections::HashMap;

/// A library read at one commit. Every file it lists is read when the
/// source is made (blobs over [`MAX_FILE_BYTES`] only have their size
/// looked up), so the source holds no repository handle and is `Sync`.
#[derive(Debug)]
pub struct GitSource {
    commit: String,
    listing: Listing,
    files: HashMap<String, Result<Vec<u8>, ReadError>>,
}

impl Repository {
    /// The library at `rev`: a branch, a tag, a commit id, `HEAD~3`…
    pub fn source_at(&self, rev: &str) -> Result<GitSource, GitError> {
        let repo = self.open();
        let commit = resolve_commit(&repo, rev)?;
        let tree = repo
            .find_commit(commit)
            .and_then(|c| c.tree_id().map(|id| id.detach()))
            .map_err(|e| GitError::read(format!("commit {commit}"), e))?;
        let mut listing = Listing::default();
        let mut blobs = Vec::new();
        let Some(subtree) = library_tree(&repo, tree, &self.prefix)? else {
            return Err(GitError::NoLibrary {
                rev: rev.to_string(),
                path: self.prefix.clone(),
            });
        };
        walk_tree(&repo, subtree, &mut |path, kind, id| match kind {
            EntryKind::Blob | EntryKind::BlobExecutable => {
                if path == CONFIG_FILE {
                    listing.has_config = true;
                    blobs.push((path.to_string(), id));
                } else if is_response_path(path) {
                    listing.files.push(path.to_string());
                    blobs.push((path.to_string(), id));
                } else if is_snippet_path(path) {
                    listing.snippets.push(path.to_string());
                    blobs.push((path.to_string(), id));
                }
            }
            EntryKind::Link
                if path == CONFIG_FILE || is_response_path(path) || is_snippet_path(path) =>
            {
                listing.problems.push(
                    Problem::warning(
                        "symlink-skipped",
                        path,
                        format!("`{path}` is a symbolic link in git; it is not followed"),
                    )
                    .with_hint("commit the file itself instead of a link to it"),
                );
            }
            _ => {}
        })?;
        listing.files.sort();
        listing.snippets.sort();
        listing.problems.sort_by(|a, b| a.file.cmp(&b.file));
        let mut files = HashMap::new();
        for (path, id) in blobs {
            files.insert(path, read_blob(&repo, id));
        }
        Ok(GitSource {
            commit: commit.to_string(),
            listing,
            files,
        })
    }
}

impl Source for GitSource {
    fn list(&self) -> Listing {
        Listing {
            files: self.listing.files.clone(),
            snippets: self.listing.snippets.clone(),
            has_config: self.listing.has_config,
            problems: self.listing.problems.clone(),
            stamps: None,
        }
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, ReadError> {
        match self.files.get(path) {
            Some(file) => file.clone(),
            None => Err(ReadError::Unreadable(format!(
                "`{path}` does not exist at revision {}",
                &self.commit[..self.commit.len().min(12)]
            ))),
        }
    }

    fn revision(&self) -> Option<String> {
        Some(self.commit.clone())
    }
}

/// Reads a blob, looking at its header first so that an oversized one is
/// never inflated.
fn read_blob(repo: &gix::Repository, id: ObjectId) -> Result<Vec<u8>, ReadError> {
    let damaged = |e: &dyn std::fmt::Display| ReadError::Damaged(format!("git object {id}: {e}"));
    let header = repo.find_header(id).map_err(|e| damaged(&e))?;
    if header.size() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(header.size()));
    }
    let object = repo.find_object(id).map_err(|e| damaged(&e))?;
    Ok(object.detach().data)
}

/// Calls `visit` with the path (relative to `tree`), kind and id of every
/// non-tree entry below `tree`, descending only into folders that may hold
/// responses. Names that are not UTF-8 cannot be response paths and are
/// passed over.
pub(crate) fn walk_tree(
    repo: &gix::Repository,
    tree: ObjectId,
    visit: &mut dyn FnMut(&str, EntryKind, ObjectId),
) -> Result<(), GitError> {
    let mut stack = vec![(String::new(), tree)];
    while let Some((dir, id)) = stack.pop() {
        let tree = repo
            .find_tree(id)
            .map_err(|e| GitError::read(format!("folder `{dir}`"), e))?;
        let decoded = tree
            .decode()
            .map_err(|e| GitError::read(format!("folder `{dir}`"), e))?;
        for entry in &decoded.entries {
            let Ok(name) = std::str::from_utf8(entry.filename) else {
                continue;
            };
            let path = if dir.is_empty() {
                name.to_string()
            } else {
                format!("{dir}/{name}")
            };
            match entry.mode.kind() {
                EntryKind::Tree => {
                    if is_walked_dir(&path) {
                        stack.push((path, entry.oid.to_owned()));
                    }
                }
                kind => visit(&path, kind, entry.oid.to_owned()),
            }
        }
    }
    Ok(())
}
