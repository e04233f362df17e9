//! The one error type of the history module, worded for a support agent.

use std::fmt;

/// A git failure: a revision that does not exist, a repository that cannot
/// be read. Problems in the library itself are never a `GitError`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitError {
    /// The revision names nothing in this repository.
    NotARevision { rev: String },
    /// The revision is a prefix shared by several objects.
    Ambiguous { rev: String },
    /// The revision names something that is not a commit (a blob, a tree).
    NotACommit { rev: String, kind: String },
    /// The library's folder does not exist at the revision.
    NoLibrary { rev: String, path: String },
    /// The repository has no commit yet, so there is nothing at `HEAD`.
    NoCommits,
    /// The repository at `path` could not be opened.
    Open { path: String, message: String },
    /// Something in the repository could not be read.
    Read { what: String, message: String },
    /// A file of the working tree could not be read.
    Io { path: String, message: String },
}

impl GitError {
    pub(crate) fn read(what: impl Into<String>, err: impl fmt::Display) -> GitError {
        GitError::Read {
            what: what.into(),
            message: err.to_string(),
        }
    }
}

impl fmt::Display for GitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GitError::NotARevision { rev } => write!(
                f,
                "`{rev}` is not a revision in this repository \
                 (use a branch, a tag or a commit id, e.g. `main`, `v1.2` or `HEAD~3`)"
            ),
            GitError::Ambiguous { rev } => write!(
                f,
                "`{rev}` is ambiguous: several objects start with it; give more characters of the commit id"
            ),
            GitError::NotACommit { rev, kind } => {
                write!(f, "`{rev}` names a {kind}, not a commit")
            }
            GitError::NoLibrary { rev, path } => {
                write!(f, "the library folder `{path}` does not exist at `{rev}`")
            }
            GitError::NoCommits => write!(
                f,
                "this repository has no commits yet: commit the library first"
            ),
            GitError::Open { path, message } => {
                write!(f, "could not open the git repository at `{path}`: {message}")
            }
            GitError::Read { what, message } => {
                write!(f, "could not read {what} from git: {message}")
            }
            GitError::Io { path, message } => write!(f, "could not read `{path}`: {message}"),
        }
    }
}

impl std::error::Error for GitError {}
