//! Where the served library comes from: the folder on disk, or a git
//! revision (`--rev`), and its git history when it lives in a repository.
//! Every load goes through `Library::load` (or `Library::load_again`, which
//! gives the same library), as `check`'s does.

use crate::disk::DiskSource;
use crate::history::{History, HistoryCache, Repository};
use crate::library::{Library, Memo};
use crate::source::{Listing, Source};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A library as loaded, with its history when it is in git.
pub struct Loaded {
    pub library: Library,
    /// Shared with the previous load when no commit came in between.
    pub history: Option<Arc<History>>,
    /// The files this load read from the folder, when they were few (the
    /// rest it took from earlier loads); `None` for many, or from git.
    pub read: Option<Vec<String>>,
}

/// Above this many files read, checking their stamps one by one costs
/// about as much as listing the folder.
const FEW_READ: usize = 64;

/// gix's repository handle cannot cross threads here (its `parallel`
/// feature is off), so each load opens the repository again: that costs
/// about a millisecond.
pub struct Origin {
    root: PathBuf,
    rev: Option<String>,
    in_git: bool,
    /// What earlier loads learned of the commits: a reload pays only for
    /// commits it has not seen.
    cache: Mutex<HistoryCache>,
    /// What the last load of the folder read: a reload reads again only
    /// the files that changed.
    memo: Mutex<Memo>,
}

impl Origin {
    /// The library in `root`, as it is on disk or at `rev`.
    pub fn open(root: &Path, rev: Option<&str>) -> Result<Origin, String> {
        let repository = match Repository::discover(root) {
            Ok(repository) => repository,
            Err(e) if rev.is_some() => return Err(e.to_string()),
            Err(e) => {
                super::conn::warn(&format!("no created and updated dates: {e}"));
                None
            }
        };
        if rev.is_some() && repository.is_none() {
            return Err(format!(
                "the library {} is not in a git repository, so it has no revision to read",
                root.display()
            ));
        }
        Ok(Origin {
            root: root.to_path_buf(),
            rev: rev.map(str::to_string),
            in_git: repository.is_some(),
            cache: Mutex::new(HistoryCache::new()),
            memo: Mutex::new(Memo::default()),
        })
    }

    /// The folder to watch for changes; `None` for a git revision, which
    /// never changes.
    pub fn folder(&self) -> Option<&Path> {
        self.rev.is_none().then_some(self.root.as_path())
    }

    /// The repository, opened anew; `None` outside git.
    fn repository(&self) -> Option<Repository> {
        if !self.in_git {
            return None;
        }
        Repository::discover(&self.root).ok().flatten()
    }

    /// Lists the library folder's files, with their stamps; `None` for a
    /// git revision, or when the folder cannot be opened.
    pub fn list(&self) -> Option<Listing> {
        let source = DiskSource::new(self.folder()?).ok()?;
        Some(source.list())
    }

    /// [`DiskSource::restamp`] on the library folder.
    pub fn restamp<'a>(
        &self,
        listing: &Listing,
        paths: impl IntoIterator<Item = &'a str>,
    ) -> Option<Listing> {
        DiskSource::new(self.folder()?)
            .ok()?
            .restamp(listing, paths)
    }

    /// Reads the library (the files that changed since the last load) and
    /// its history.
    pub fn load(&self) -> Result<Loaded, String> {
        self.load_listed(None)
    }

    /// [`Origin::load`], from the folder's `listing` when given (from
    /// [`Origin::list`], taken before this call).
    pub fn load_listed(&self, listing: Option<&Listing>) -> Result<Loaded, String> {
        let repository = self.repository();
        let mut read = None;
        let library = match (&self.rev, &repository) {
            (Some(rev), Some(repository)) => {
                let source = repository.source_at(rev).map_err(|e| e.to_string())?;
                Library::load(&source)
            }
            _ => {
                let source = DiskSource::new(&self.root).map_err(|e| {
                    format!(
                        "cannot open the library folder {}: {e}",
                        self.root.display()
                    )
                })?;
                let listed;
                let listing = match listing {
                    Some(listing) => listing,
                    None => {
                        listed = source.list();
                        &listed
                    }
                };
                let mut memo = self.memo.lock().unwrap_or_else(|e| e.into_inner());
                let library = Library::load_again(&source, listing, &mut memo);
                read = memo
                    .read()
                    .filter(|read| read.len() <= FEW_READ)
                    .map(<[String]>::to_vec);
                library
            }
        };
        let history = repository.as_ref().and_then(|repository| {
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            match repository.history_shared(self.rev.as_deref(), &mut cache) {
                Ok(history) => Some(history),
                Err(e) => {
                    super::conn::warn(&format!("no created and updated dates: {e}"));
                    None
                }
            }
        });
        Ok(Loaded {
            library,
            history,
            read,
        })
    }

    /// The commit `HEAD` names now, to notice commits, checkouts and pulls
    /// (they change dates and authors without touching the library's files).
    pub fn head(&self) -> Option<String> {
        match &self.rev {
            None => self.repository()?.resolve("HEAD").ok(),
            Some(_) => None,
        }
    }

    /// The full commit id of a revision (`main`, `v2`, `a1b2c3`).
    pub fn resolve(&self, rev: &str) -> Option<String> {
        self.repository()?.resolve(rev).ok()
    }
}
