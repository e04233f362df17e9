//! What one commit did to the library's response files, from a diff of the
//! library subtree alone.

use super::model::EventKind;
use super::packs::Reader;
use super::GitError;
use crate::source::is_response_path;
use gix::bstr::{BStr, ByteSlice};
use gix::diff::tree_with_rewrites::{ChangeRef, Options};
use gix::diff::Rewrites;
use gix::objs::tree::EntryMode;
use gix::objs::TreeRefIter;
use gix::ObjectId;
use std::ops::ControlFlow;

/// One change to one response file, paths relative to the library root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Change {
    pub kind: EventKind,
    pub path: String,
    pub old_path: Option<String>,
}

/// A change, and the blob it left at `path` (for every kind but a
/// deletion), to compare a merge with its other parents.
struct Raw {
    change: Change,
    id: Option<ObjectId>,
}

/// Diffs library subtrees, reusing one blob cache for every commit.
pub(crate) struct Differ<'r> {
    objects: &'r Reader<'r>,
    blobs: gix::diff::blob::Platform,
    state: gix::diff::tree::State,
    /// The two trees of a diff, their buffers reused from one to the next.
    old: Vec<u8>,
    new: Vec<u8>,
}

impl<'r> Differ<'r> {
    pub(crate) fn new(objects: &'r Reader<'r>) -> Result<Differ<'r>, GitError> {
        // Blobs as stored in git, as `git log -M` compares them.
        let blobs = objects
            .repo()
            .diff_resource_cache(gix::diff::blob::pipeline::Mode::ToGit, Default::default())
            .map_err(|e| GitError::read("the diff settings", e))?;
        Ok(Differ {
            objects,
            blobs,
            state: Default::default(),
            old: Vec::new(),
            new: Vec::new(),
        })
    }

    /// Reads the trees `old` and `new` (empty where `None`) into the
    /// buffers of the same names.
    fn read_trees(&mut self, old: Option<ObjectId>, new: Option<ObjectId>) -> Result<(), GitError> {
        for (tree, buffer) in [(old, &mut self.old), (new, &mut self.new)] {
            match tree {
                None => buffer.clear(),
                Some(id) => self.objects.tree(id, buffer)?,
            }
        }
        Ok(())
    }

    /// The response-file changes that turn the tree `old` into `new`.
    fn diff(&mut self, old: Option<ObjectId>, new: Option<ObjectId>) -> Result<Vec<Raw>, GitError> {
        self.read_trees(old, new)?;
        let hash = self.objects.object_hash();
        // Set explicitly: leaving them unset would read `diff.renames` from
        // the user's git config, and `false` there would turn renames off.
        let options = Options {
            location: Some(gix::diff::tree::recorder::Location::Path),
            rewrites: Some(Rewrites {
                copies: None,
                percentage: Some(0.5),
                limit: 1000,
                track_empty: false,
            }),
        };
        let mut out = Vec::new();
        let result = gix::diff::tree_with_rewrites(
            TreeRefIter::from_bytes(&self.old, hash),
            TreeRefIter::from_bytes(&self.new, hash),
            &mut self.blobs,
            &mut self.state,
            self.objects,
            |change| {
                out.extend(raw_change(change));
                Ok(ControlFlow::Continue(()))
            },
            options,
        );
        self.blobs.clear_resource_cache_keep_allocation();
        result.map_err(|e| GitError::read("the changes of a commit", e))?;
        out.sort_by(|a, b| a.change.path.cmp(&b.change.path));
        Ok(out)
    }

    /// The response paths that are in the tree `old` and not in `new`, and
    /// those in `new` and not in `old`: how the list of response files
    /// changed, renames not followed.
    pub(crate) fn paths_between(
        &mut self,
        old: Option<ObjectId>,
        new: Option<ObjectId>,
    ) -> Result<(Vec<String>, Vec<String>), GitError> {
        self.read_trees(old, new)?;
        let hash = self.objects.object_hash();
        let options = Options {
            location: Some(gix::diff::tree::recorder::Location::Path),
            rewrites: None,
        };
        let (mut gone, mut arrived) = (Vec::new(), Vec::new());
        gix::diff::tree_with_rewrites(
            TreeRefIter::from_bytes(&self.old, hash),
            TreeRefIter::from_bytes(&self.new, hash),
            &mut self.blobs,
            &mut self.state,
            self.objects,
            |change| {
                let (before, after) = match change {
                    ChangeRef::Addition {
                        location,
                        entry_mode,
                        ..
                    } => (None, response(entry_mode, location)),
                    ChangeRef::Deletion {
                        location,
                        entry_mode,
                        ..
                    } => (response(entry_mode, location), None),
                    ChangeRef::Modification {
                        location,
                        previous_entry_mode,
                        entry_mode,
                        ..
                    } => (
                        response(previous_entry_mode, location),
                        response(entry_mode, location),
                    ),
                    ChangeRef::Rewrite {
                        source_location,
                        source_entry_mode,
                        location,
                        entry_mode,
                        ..
                    } => (
                        response(source_entry_mode, source_location),
                        response(entry_mode, location),
                    ),
                };
                if before != after {
                    gone.extend(before);
                    arrived.extend(after);
                }
                Ok(ControlFlow::Continue(()))
            },
            options,
        )
        .map_err(|e| GitError::read("the changes between two commits", e))?;
        Ok((gone, arrived))
    }

    /// The regular file at `path` in `tree`, if there is one.
    fn blob_at(&self, tree: Option<ObjectId>, path: &str) -> Result<Option<ObjectId>, GitError> {
        let Some(tree) = tree else { return Ok(None) };
        Ok(self
            .objects
            .entry_at(tree, path)?
            .filter(|(_, mode)| mode.is_blob())
            .map(|(id, _)| id))
    }

    /// Whether the tree `other` already holds what `raw` produced, so that
    /// the change came from that parent and not from the merge.
    fn comes_from(&self, other: Option<ObjectId>, raw: &Raw) -> Result<bool, GitError> {
        let here = self.blob_at(other, &raw.change.path)?;
        Ok(match raw.change.kind {
            EventKind::Deleted => here.is_none(),
            EventKind::Created | EventKind::Changed => here == raw.id,
            EventKind::Renamed => {
                let old = raw.change.old_path.as_deref().unwrap_or_default();
                here == raw.id && self.blob_at(other, old)?.is_none()
            }
        })
    }
}

/// What a commit whose library subtree is `subtree` did, given its parents'
/// subtrees (`None` for a parent missing from a shallow clone). See the
/// module comment of `history` for how merges are treated.
pub(crate) fn changes_of(
    differ: &mut Differ<'_>,
    subtree: Option<ObjectId>,
    parents: &[Option<Option<ObjectId>>],
) -> Result<Vec<Change>, GitError> {
    let present: Vec<Option<ObjectId>> = parents.iter().flatten().copied().collect();
    if present.contains(&subtree) {
        return Ok(Vec::new());
    }
    let base = present.first().copied().flatten();
    let mut kept = Vec::new();
    for raw in differ.diff(base, subtree)? {
        let mut from_other = false;
        for other in present.iter().skip(1) {
            if differ.comes_from(*other, &raw)? {
                from_other = true;
                break;
            }
        }
        if !from_other {
            kept.push(raw.change);
        }
    }
    Ok(kept)
}

/// A response file's path, when `mode` is a regular file and `location`
/// names a response; links, folders and submodules are not responses.
fn response(mode: EntryMode, location: &BStr) -> Option<String> {
    let path = location.to_str().ok()?;
    (mode.is_blob() && is_response_path(path)).then(|| path.to_string())
}

fn raw_change(change: ChangeRef<'_>) -> Option<Raw> {
    let made = |kind, path, old_path, id| {
        Some(Raw {
            change: Change {
                kind,
                path,
                old_path,
            },
            id,
        })
    };
    match change {
        ChangeRef::Addition {
            location,
            entry_mode,
            id,
            ..
        } => made(
            EventKind::Created,
            response(entry_mode, location)?,
            None,
            Some(id),
        ),
        ChangeRef::Deletion {
            location,
            entry_mode,
            ..
        } => made(
            EventKind::Deleted,
            response(entry_mode, location)?,
            None,
            None,
        ),
        ChangeRef::Modification {
            location,
            previous_entry_mode,
            previous_id,
            entry_mode,
            id,
        } => match (
            response(previous_entry_mode, location),
            response(entry_mode, location),
        ) {
            // A mode change alone (`chmod +x`) leaves the response as it was.
            (Some(_), Some(path)) if previous_id != id => {
                made(EventKind::Changed, path, None, Some(id))
            }
            (None, Some(path)) => made(EventKind::Created, path, None, Some(id)),
            (Some(path), None) => made(EventKind::Deleted, path, None, None),
            _ => None,
        },
        ChangeRef::Rewrite {
            source_location,
            source_entry_mode,
            entry_mode,
            id,
            location,
            copy,
            ..
        } => match (
            response(source_entry_mode, source_location),
            response(entry_mode, location),
        ) {
            (Some(old), Some(path)) if !copy => made(EventKind::Renamed, path, Some(old), Some(id)),
            (_, Some(path)) => made(EventKind::Created, path, None, Some(id)),
            (Some(old), None) if !copy => made(EventKind::Deleted, old, None, None),
            _ => None,
        },
    }
}
