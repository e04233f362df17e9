//! Where a library's files come from: a folder on disk, or a tree in git.
//!
//! Both kinds of source hand the same things to `Library::load`, so that a
//! library read at a revision and one read from disk get the same problems.

use crate::problem::Problem;
use std::time::{Duration, SystemTime};

/// Files larger than this are refused before they are read.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The name of the configuration file at the library root.
pub const CONFIG_FILE: &str = "cannery.yaml";

/// What a source found below the library root.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    /// Every response file, relative to the root, `/`-separated, sorted.
    pub files: Vec<String>,
    /// Every snippet file (under `_snippets/`), likewise.
    pub snippets: Vec<String>,
    /// Whether the root holds `cannery.yaml`.
    pub has_config: bool,
    /// Problems met while listing: links leading outside the library,
    /// unreadable folders, names that are not UTF-8.
    pub problems: Vec<Problem>,
    /// Each file's [`Stamp`], when the source can tell: a file whose stamp
    /// has not changed since it was read need not be read again.
    pub stamps: Option<Stamps>,
}

impl Listing {
    /// Whether `other` lists the same files with the same stamps: nothing
    /// was added, removed or written in between (within what stamps tell).
    pub fn same_files(&self, other: &Listing) -> bool {
        self.files == other.files
            && self.snippets == other.snippets
            && self.has_config == other.has_config
            && match (&self.stamps, &other.stamps) {
                (Some(a), Some(b)) => {
                    a.files == b.files && a.snippets == b.snippets && a.config == b.config
                }
                (None, None) => true,
                _ => false,
            }
    }

    /// Every file listed: responses, snippets and the configuration.
    pub fn all_files(&self) -> impl Iterator<Item = &str> {
        let config = self.has_config.then_some(CONFIG_FILE);
        self.files
            .iter()
            .chain(&self.snippets)
            .map(String::as_str)
            .chain(config)
    }
}

/// The stamps of a [`Listing`]'s files, in its order (`None` for a file
/// that could not be looked at), and when the listing began.
#[derive(Clone, Debug)]
pub struct Stamps {
    pub at: SystemTime,
    pub files: Vec<Option<Stamp>>,
    pub snippets: Vec<Option<Stamp>>,
    pub config: Option<Stamp>,
}

impl Default for Stamps {
    fn default() -> Stamps {
        Stamps {
            at: SystemTime::UNIX_EPOCH,
            files: Vec::new(),
            snippets: Vec::new(),
            config: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Larger than [`MAX_FILE_BYTES`]; the size in bytes.
    TooLarge(u64),
    /// Anything else, in words (permission denied, vanished since listing…).
    Unreadable(String),
    /// A git object that cannot be read: the repository is damaged.
    Damaged(String),
}

/// What a file was like, to tell whether it changed without reading it:
/// its size, its modification time, when its inode last changed (any write,
/// rename or `chmod`; unlike the modification time, no tool sets it back),
/// and which file it is (a save that renames a new file over the old one
/// gives another inode).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub size: u64,
    pub modified: Option<SystemTime>,
    pub changed: Option<SystemTime>,
    pub file: (u64, u64),
}

impl Stamp {
    /// Whether the file may have been written again, after it was read at
    /// `read_at`, with no change to its stamp: a file system records times
    /// in steps (a tick of the kernel's clock; whole seconds, even two, on
    /// some; [`TIME_STEP`] covers them), so a second write in the step of
    /// the first can leave the same times. Such a file must be read again even when its stamp has
    /// not moved (git calls this "racily clean").
    pub fn is_racy(&self, read_at: SystemTime, step: Duration) -> bool {
        let Some(settled) = read_at.checked_sub(step) else {
            return true;
        };
        self.modified.is_none_or(|t| t >= settled) || self.changed.is_some_and(|t| t >= settled)
    }
}

/// The coarsest step in which a file system records times (FAT's two
/// seconds), with room to spare.
pub const TIME_STEP: Duration = Duration::from_secs(3);

pub trait Source: Sync {
    /// Lists the library's files.
    fn list(&self) -> Listing;
    /// Reads one file named by [`Listing::files`] or [`CONFIG_FILE`].
    fn read(&self, path: &str) -> Result<Vec<u8>, ReadError>;
    /// A revision this source was read at (a commit id), if any.
    fn revision(&self) -> Option<String> {
        None
    }
}

/// Whether a path relative to the library root names a response file:
/// a `*.md` file, with no part of its path starting with `.` or `_`, and not
/// named `README.md`.
pub fn is_response_path(path: &str) -> bool {
    let Some(name) = path.rsplit('/').next() else {
        return false;
    };
    name.ends_with(".md")
        && name != "README.md"
        && path
            .split('/')
            .all(|part| !part.is_empty() && !part.starts_with('.') && !part.starts_with('_'))
}

/// Whether a path relative to the library root names a snippet file: a
/// `*.md` file under `_snippets/`, no other part starting with `.` or `_`.
pub fn is_snippet_path(path: &str) -> bool {
    path.strip_prefix("_snippets/")
        .is_some_and(|rest| rest.ends_with(".md") && is_response_path(rest))
}

/// Whether a folder (relative to the root) may hold response or snippet
/// files: no part starts with `.` or `_`, except the `_snippets` folder.
pub fn is_walked_dir(path: &str) -> bool {
    let rest = match path.strip_prefix("_snippets") {
        Some("") => return true,
        Some(rest) if rest.starts_with('/') => &rest[1..],
        _ => path,
    };
    rest.split('/')
        .all(|part| !part.starts_with('.') && !part.starts_with('_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_paths() {
        assert!(is_response_path("hours.md"));
        assert!(is_response_path("support/billing/refund.md"));
        assert!(!is_response_path("README.md"));
        assert!(!is_response_path("support/README.md"));
        assert!(!is_response_path("_drafts/x.md"));
        assert!(!is_response_path(".git/x.md"));
        assert!(!is_response_path("support/.hidden.md"));
        assert!(!is_response_path("support/_partial.md"));
        assert!(!is_response_path("notes.txt"));
        assert!(!is_response_path("hours.md~"));
        assert!(
            is_snippet_path("_snippets/signature.md") && is_snippet_path("_snippets/legal/gdpr.md")
        );
        assert!(
            !is_snippet_path("_snippets/.x.md")
                && !is_snippet_path("x/_snippets/a.md")
                && !is_snippet_path("_snippets/README.md")
        );
    }
}
