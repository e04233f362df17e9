//! A library in a folder on disk.

use crate::problem::Problem;
use crate::source::{self, Listing, ReadError, Source, Stamp, Stamps, MAX_FILE_BYTES};
use rayon::prelude::*;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

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
        // Taken before any file is looked at (see `Stamp::is_racy`).
        let at = SystemTime::now();
        let config = fs::metadata(self.root.join(source::CONFIG_FILE))
            .ok()
            .filter(fs::Metadata::is_file);
        let mut listing = Listing {
            has_config: config.is_some(),
            ..Listing::default()
        };
        let mut stamps = Stamps {
            at,
            config: config.as_ref().map(stamp_of),
            ..Stamps::default()
        };
        let walked = self.walk(&self.root, Some(""), 0);
        (listing.files, stamps.files) = walked.files.into_iter().unzip();
        (listing.snippets, stamps.snippets) = walked.snippets.into_iter().unzip();
        listing.problems = walked.problems;
        listing.stamps = Some(stamps);
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
}

/// What a walk of one folder found: files with their stamps, in order.
#[derive(Default)]
struct Walked {
    files: Vec<(String, Option<Stamp>)>,
    snippets: Vec<(String, Option<Stamp>)>,
    problems: Vec<Problem>,
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
    /// `listing` (of this folder, earlier) with the stamps of `paths` taken
    /// again: what listing the folder again gives when only those files
    /// were written to, at the cost of a look at each of them rather than
    /// at every file. `None` when one of them is not a plain file of the
    /// listing now (a new file, one gone, a link): then only a listing
    /// tells.
    pub fn restamp<'a>(
        &self,
        listing: &Listing,
        paths: impl IntoIterator<Item = &'a str>,
    ) -> Option<Listing> {
        let mut stamps = listing.stamps.clone()?;
        for path in paths {
            let meta = fs::symlink_metadata(self.root.join(path)).ok()?;
            if !meta.is_file() {
                return None;
            }
            let stamp = Some(stamp_of(&meta));
            if path == source::CONFIG_FILE && listing.has_config {
                stamps.config = stamp;
            } else if let Some(i) = listing.files.iter().position(|f| f == path) {
                stamps.files[i] = stamp;
            } else if let Some(i) = listing.snippets.iter().position(|f| f == path) {
                stamps.snippets[i] = stamp;
            } else {
                return None;
            }
        }
        Some(Listing {
            stamps: Some(stamps),
            ..listing.clone()
        })
    }

    /// Lists the folder `dir` (`relative` below the root; `None` when its
    /// name is not UTF-8) and the folders in it, as a walk that visits each
    /// folder's entries sorted by name, depth first: response and snippet
    /// files with their stamps, and the problems met. Files are stamped
    /// through the open folder, not by their whole path, and folders are
    /// walked side by side: a stamp of each of 10,000 files on every reload
    /// of the server is most of a reload.
    fn walk(&self, dir: &Path, relative: Option<&str>, depth: usize) -> Walked {
        let mut out = Walked::default();
        let unreadable = |out: &mut Walked, path: &Path, e: std::io::Error| {
            out.problems.push(
                Problem::error(
                    "unreadable",
                    self.relative(path),
                    format!("this folder or file cannot be read: {e}"),
                )
                .with_hint(
                    "check its permissions (the user running cannery must be able to read it)",
                ),
            );
        };
        let mut entries: Vec<(std::ffi::OsString, fs::DirEntry)> = Vec::new();
        match fs::read_dir(dir) {
            Ok(read) => {
                for entry in read {
                    match entry {
                        Ok(entry) => entries.push((entry.file_name(), entry)),
                        Err(e) => unreadable(&mut out, dir, e),
                    }
                }
            }
            Err(e) => unreadable(&mut out, dir, e),
        }
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // Files in order, and the folders among them, walked afterwards.
        enum Step {
            File(String, Option<Stamp>, bool),
            Folder(PathBuf, Option<String>),
        }
        let mut steps = Vec::with_capacity(entries.len());
        for (name, entry) in entries {
            let name = name.to_str();
            let walked = (depth == 0 && name == Some(crate::snippet::FOLDER))
                || name.is_none_or(|n| !n.starts_with('.') && !n.starts_with('_'));
            if !walked {
                continue;
            }
            let kind = match entry.file_type() {
                Ok(kind) => kind,
                Err(e) => {
                    unreadable(&mut out, &entry.path(), e);
                    continue;
                }
            };
            let relative = match (relative, name) {
                (Some(""), Some(name)) => Some(name.to_string()),
                (Some(dir), Some(name)) => Some(format!("{dir}/{name}")),
                _ => None,
            };
            let Some(relative) = relative else {
                out.problems.push(
                    Problem::error(
                        "invalid-file-name",
                        self.relative(&entry.path()),
                        "this name is not valid UTF-8",
                    )
                    .with_hint("rename it using letters, digits and `-`"),
                );
                if kind.is_dir() {
                    steps.push(Step::Folder(entry.path(), None));
                }
                continue;
            };
            if kind.is_dir() {
                steps.push(Step::Folder(entry.path(), Some(relative)));
                continue;
            }
            // A link to a folder is never walked (its files would leave the
            // library or be read twice), but it must not be silence either:
            // the responses behind it would vanish without a word.
            if kind.is_symlink()
                && source::is_walked_dir(&relative)
                && fs::metadata(entry.path()).is_ok_and(|m| m.is_dir())
            {
                out.problems
                    .push(self.folder_link_problem(&entry.path(), relative));
                continue;
            }
            let snippet = source::is_snippet_path(&relative);
            if !(snippet || source::is_response_path(&relative)) {
                continue;
            }
            if relative.contains(['\n', '\r']) {
                out.problems.push(
                    Problem::error(
                        "invalid-file-name",
                        relative.escape_debug().to_string(),
                        "this file name has a line break in it",
                    )
                    .with_hint("rename the file"),
                );
                continue;
            }
            let meta = if kind.is_symlink() {
                let path = entry.path();
                if let Err([code, message, hint]) = self.check_link(&path) {
                    out.problems
                        .push(Problem::error(code, relative, message).with_hint(hint));
                    continue;
                }
                // The file the link leads to: that is what is read.
                fs::metadata(&path).ok()
            } else if kind.is_file() {
                entry.metadata().ok()
            } else {
                // FIFOs and devices would block or never end when read.
                out.problems.push(
                    Problem::error(
                        "not-a-file",
                        relative,
                        "this is not a regular file (a pipe or a device), so it is not read",
                    )
                    .with_hint("replace it with an ordinary Markdown file"),
                );
                continue;
            };
            steps.push(Step::File(relative, meta.as_ref().map(stamp_of), snippet));
        }
        let folders: Vec<(&PathBuf, Option<&str>)> = steps
            .iter()
            .filter_map(|step| match step {
                Step::Folder(path, relative) => Some((path, relative.as_deref())),
                Step::File(..) => None,
            })
            .collect();
        let mut folders = folders
            .into_par_iter()
            .map(|(path, relative)| self.walk(path, relative, depth + 1))
            .collect::<Vec<_>>()
            .into_iter();
        for step in steps {
            match step {
                Step::File(path, stamp, true) => out.snippets.push((path, stamp)),
                Step::File(path, stamp, false) => out.files.push((path, stamp)),
                Step::Folder(..) => {
                    let folder = folders.next().unwrap_or_default();
                    out.files.extend(folder.files);
                    out.snippets.extend(folder.snippets);
                    out.problems.extend(folder.problems);
                }
            }
        }
        out
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk lists files in the order walkdir's `sort_by_file_name`
    /// walk did (each folder's entries by name, depth first), which is not
    /// the order of the paths as strings: `a/x.md` comes before `a-b/x.md`.
    #[test]
    fn files_are_listed_folder_by_folder_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let files = [
            "a-b/x.md",
            "a/x.md",
            "a/b/c/deep.md",
            "a/z.md",
            "a.md",
            "B.md",
            "_snippets/sig.md",
            "_snippets/legal/gdpr.md",
            "_drafts/no.md",
            ".git/no.md",
            "a/.hidden.md",
            "a/README.md",
            "a/notes.txt",
        ];
        for path in files {
            let full = root.join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, "---\ntitle: x\n---\nx\n").unwrap();
        }
        fs::write(root.join(source::CONFIG_FILE), "").unwrap();
        let listing = DiskSource::new(root).unwrap().list();
        assert_eq!(
            listing.files,
            [
                "B.md",
                "a/b/c/deep.md",
                "a/x.md",
                "a/z.md",
                "a-b/x.md",
                "a.md"
            ]
        );
        assert_eq!(
            listing.snippets,
            ["_snippets/legal/gdpr.md", "_snippets/sig.md"]
        );
        assert!(listing.has_config && listing.problems.is_empty());
        let stamps = listing.stamps.unwrap();
        assert_eq!(stamps.files.len(), 6);
        assert!(stamps
            .files
            .iter()
            .chain(&stamps.snippets)
            .all(Option::is_some));
        assert!(stamps.config.is_some());
    }
}
