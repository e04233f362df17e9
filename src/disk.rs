//! A library in a folder on disk.

use crate::problem::Problem;
use crate::source::{self, Listing, ReadError, Source, Stamp, MAX_FILE_BYTES};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Finds the library: `--library` (or `$CANNERY_LIBRARY`, which the command
/// line reads into the same flag), else the nearest folder upwards holding
/// `cannery.yaml`, else `./library` if it exists, else the current folder.
pub fn find_root(flag: Option<&Path>, cwd: &Path) -> PathBuf {
    if let Some(dir) = flag {
        return cwd.join(dir);
    }
    for dir in cwd.ancestors() {
        if dir.join(source::CONFIG_FILE).is_file() {
            return dir.to_path_buf();
        }
    }
    let library = cwd.join("library");
    if library.is_dir() {
        return library;
    }
    cwd.to_path_buf()
}

pub struct DiskSource {
    root: PathBuf,
    /// The root with links resolved, to tell whether a link leads outside.
    canonical_root: PathBuf,
}

impl DiskSource {
    /// A source for the folder `root`; fails when it is not a readable folder.
    pub fn new(root: &Path) -> std::io::Result<DiskSource> {
        let canonical_root = fs::canonicalize(root)?;
        if !canonical_root.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotADirectory,
                "not a folder",
            ));
        }
        Ok(DiskSource {
            root: root.to_path_buf(),
            canonical_root,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Source for DiskSource {
    fn list(&self) -> Listing {
        let mut listing = Listing {
            has_config: self.root.join(source::CONFIG_FILE).is_file(),
            ..Listing::default()
        };
        let walk = WalkDir::new(&self.root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let name = e.file_name().to_str();
                e.depth() == 0
                    || (e.depth() == 1 && name == Some(crate::snippet::FOLDER))
                    || name.is_none_or(|n| !n.starts_with('.') && !n.starts_with('_'))
            });
        for entry in walk {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let path = e.path().map(|p| self.relative(p)).unwrap_or_default();
                    let reason = e
                        .io_error()
                        .map_or_else(|| e.to_string(), ToString::to_string);
                    listing.problems.push(
                        Problem::error("unreadable", path, format!("this folder or file cannot be read: {reason}"))
                            .with_hint("check its permissions (the user running cannery must be able to read it)"),
                    );
                    continue;
                }
            };
            if entry.depth() == 0 {
                continue;
            }
            let Some(relative) = entry
                .path()
                .strip_prefix(&self.root)
                .ok()
                .and_then(|p| p.to_str())
            else {
                listing.problems.push(
                    Problem::error(
                        "invalid-file-name",
                        self.relative(entry.path()),
                        "this name is not valid UTF-8",
                    )
                    .with_hint("rename it using letters, digits and `-`"),
                );
                continue;
            };
            let relative = relative.replace(std::path::MAIN_SEPARATOR, "/");
            let kind = entry.file_type();
            // A link to a folder is never walked (its files would leave the
            // library or be read twice), but it must not be silence either:
            // the responses behind it would vanish without a word.
            if kind.is_symlink()
                && source::is_walked_dir(&relative)
                && fs::metadata(entry.path()).is_ok_and(|m| m.is_dir())
            {
                listing
                    .problems
                    .push(self.folder_link_problem(entry.path(), relative));
                continue;
            }
            let snippet = source::is_snippet_path(&relative);
            if kind.is_dir() || !(snippet || source::is_response_path(&relative)) {
                continue;
            }
            if relative.contains(['\n', '\r']) {
                listing.problems.push(
                    Problem::error(
                        "invalid-file-name",
                        relative.escape_debug().to_string(),
                        "this file name has a line break in it",
                    )
                    .with_hint("rename the file"),
                );
                continue;
            }
            if kind.is_symlink() {
                match self.check_link(entry.path()) {
                    Ok(()) if snippet => listing.snippets.push(relative),
                    Ok(()) => listing.files.push(relative),
                    Err([code, message, hint]) => listing
                        .problems
                        .push(Problem::error(code, relative, message).with_hint(hint)),
                }
            } else if kind.is_file() && snippet {
                listing.snippets.push(relative);
            } else if kind.is_file() {
                listing.files.push(relative);
            } else {
                // FIFOs and devices would block or never end when read.
                listing.problems.push(
                    Problem::error(
                        "not-a-file",
                        relative,
                        "this is not a regular file (a pipe or a device), so it is not read",
                    )
                    .with_hint("replace it with an ordinary Markdown file"),
                );
            }
        }
        listing
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, ReadError> {
        let full = self.root.join(path);
        let file = fs::File::open(&full).map_err(|e| ReadError::Unreadable(e.to_string()))?;
        let meta = file
            .metadata()
            .map_err(|e| ReadError::Unreadable(e.to_string()))?;
        if !meta.is_file() {
            return Err(ReadError::Unreadable("not a regular file".into()));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(ReadError::TooLarge(meta.len()));
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        // Read one byte past the limit, in case the file grew since.
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ReadError::Unreadable(e.to_string()))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(ReadError::TooLarge(bytes.len() as u64));
        }
        Ok(bytes)
    }

    fn stamp(&self, path: &str) -> Option<Stamp> {
        // The file a link leads to: that is what `read` reads.
        let meta = fs::metadata(self.root.join(path)).ok()?;
        Some(stamp_of(&meta))
    }
}

/// The [`Stamp`] of a file's metadata.
pub fn stamp_of(meta: &fs::Metadata) -> Stamp {
    #[cfg(unix)]
    let (changed, file) = {
        use std::os::unix::fs::MetadataExt;
        let changed = u64::try_from(meta.ctime())
            .ok()
            .map(|s| std::time::UNIX_EPOCH + std::time::Duration::new(s, meta.ctime_nsec() as u32));
        (changed, (meta.dev(), meta.ino()))
    };
    #[cfg(not(unix))]
    let (changed, file) = (None, (0, 0));
    Stamp {
        size: meta.len(),
        modified: meta.modified().ok(),
        changed,
        file,
    }
}

impl DiskSource {
    fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace(std::path::MAIN_SEPARATOR, "/")
    }

    /// The problem of a link to a folder: an error when it leads outside
    /// the library, a warning when its files are read at their own place.
    fn folder_link_problem(&self, link: &Path, relative: String) -> Problem {
        let inside = fs::canonicalize(link).is_ok_and(|t| t.starts_with(&self.canonical_root));
        if inside {
            Problem::warning(
                "symlink-folder",
                relative,
                "this link to a folder in the library is not followed; its files are read where they are",
            )
            .with_hint("remove the link")
        } else {
            Problem::error(
                "symlink-outside",
                relative,
                "this link leads to a folder outside the library, so its files are not read",
            )
            .with_hint("copy the files into the library instead of linking to their folder")
        }
    }

    /// A link is read only when it leads to a regular file inside the
    /// library; otherwise the code, message and hint of its problem.
    fn check_link(&self, link: &Path) -> Result<(), [&'static str; 3]> {
        let Ok(target) = fs::canonicalize(link) else {
            return Err([
                "broken-symlink",
                "this link leads nowhere",
                "remove the link or point it at a file in the library",
            ]);
        };
        if !target.starts_with(&self.canonical_root) {
            return Err([
                "symlink-outside",
                "this link leads outside the library, so it is not read",
                "copy the file into the library instead of linking to it",
            ]);
        }
        if !target.is_file() {
            return Err([
                "not-a-file",
                "this link does not lead to a regular file",
                "link to a Markdown file",
            ]);
        }
        Ok(())
    }
}
