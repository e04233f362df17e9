//! One file per command. Each turns its arguments into calls on the
//! library crate and prints the result.

pub mod check;
mod check_watch;
pub mod completions;
pub mod diff;
pub mod export;
pub mod history;
pub mod import;
pub mod init;
pub mod list;
pub mod man;
pub mod new;
pub mod serve;
pub mod show;
pub mod usage;

use crate::cli::{Cli, Command};
use cannery::disk::{self, DiskSource};
use cannery::history::{GitError, History, Repository};
use cannery::library::{Library, LoadOptions};
use cannery::progress::Progress;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What stops a command before it can do its job: a usage, I/O or git
/// error. Exit status 2.
#[derive(Debug)]
pub struct Failure(pub String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub type Result<T> = std::result::Result<T, Failure>;

impl From<GitError> for Failure {
    fn from(e: GitError) -> Failure {
        Failure(e.to_string())
    }
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    let global = Global {
        library: cli.library,
        rev: cli.rev,
    };
    if global.rev.is_some() {
        let refused = match &cli.command {
            Command::New(_) => Some("`new` writes a file into the folder on disk"),
            Command::Import(_) => Some("`import` writes files into the folder on disk"),
            Command::Diff(_) => Some("`diff` takes its revisions as BASE and HEAD"),
            Command::Init(_) => Some("`init` writes files into a folder on disk"),
            Command::Check(args) if args.watch => {
                Some("`check --watch` follows the folder on disk; a revision never changes")
            }
            _ => None,
        };
        if let Some(why) = refused {
            return Err(Failure(format!("--rev cannot be used here: {why}")));
        }
    }
    match cli.command {
        Command::Check(args) => check::run(args, &global),
        Command::List(args) => list::run(args, &global),
        Command::Show(args) => show::run(args, &global),
        Command::New(args) => new::run(args, &global),
        Command::History(args) => history::run(args, &global),
        Command::Diff(args) => diff::run(args, &global),
        Command::Export(args) => export::run(args, &global),
        Command::Import(args) => import::run(args, &global),
        Command::Serve(args) => serve::run(args, &global),
        Command::Usage(args) => usage::run(args, &global),
        Command::Init(args) => init::run(args, &global),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
    }
}

/// Options every command shares.
pub struct Global {
    pub library: Option<PathBuf>,
    /// `--rev`: read the library at this git revision instead of from disk.
    pub rev: Option<String>,
}

impl Global {
    /// The library's root folder.
    pub fn root(&self) -> Result<PathBuf> {
        let cwd = std::env::current_dir()
            .map_err(|e| Failure(format!("cannot read the current folder: {e}")))?;
        Ok(disk::find_root(self.library.as_deref(), &cwd))
    }

    /// Loads the library: the one way every command reads it. With
    /// `--rev`, from git objects at that revision.
    pub fn load(&self) -> Result<(PathBuf, Library)> {
        self.load_with(LoadOptions {
            progress: &Progress::hidden(),
            near_duplicates: true,
        })
    }

    /// [`Global::load`], as `options` say.
    pub fn load_with(&self, options: LoadOptions) -> Result<(PathBuf, Library)> {
        let root = self.root()?;
        if let Some(rev) = &self.rev {
            let source = repository(&root)?.source_at(rev)?;
            return Ok((root, Library::load_with(&source, options)));
        }
        let source = DiskSource::new(&root).map_err(|e| {
            Failure(format!(
                "cannot open the library folder {}: {e}",
                root.display()
            ))
        })?;
        Ok((root, Library::load_with(&source, options)))
    }
}

impl Global {
    /// The library's history from git, for the `created_*`/`updated_*` of
    /// response objects: `None` outside git, and (with a warning) when git
    /// cannot be read, since those fields are then simply unknown.
    pub fn history(&self, root: &Path) -> Option<History> {
        let history = Repository::discover(root)
            .and_then(|repo| repo.map(|r| r.history(self.rev.as_deref())).transpose());
        match history {
            Ok(history) => {
                for p in history.iter().flat_map(|h| &h.problems) {
                    eprint_warning(&p.message);
                }
                history
            }
            Err(e) => {
                eprint_warning(&format!("no created and updated dates: {e}"));
                None
            }
        }
    }
}

/// The git repository that holds the library at `root`.
pub fn repository(root: &Path) -> Result<Repository> {
    match Repository::discover(root)? {
        Some(repository) => Ok(repository),
        None => Err(Failure(format!(
            "the library {} is not in a git repository; history, diff and --rev read its commits",
            display_path(root)
        ))),
    }
}

/// Writes to standard output; a closed pipe (`cannery list | head`) ends
/// the output quietly instead of panicking.
pub fn print(text: &str) {
    let mut out = anstream::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Writes `value` as pretty JSON and a newline, as it is made. JSON holds
/// no colour codes (serde escapes control characters), so it skips
/// anstream, whose scan for them was 2% of `history --json` on 10,000
/// commits (17 MB).
pub fn print_json(value: &impl serde::Serialize) {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let _ = serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
}

pub fn eprint_error(message: &str) {
    let style = anstyle::Style::new()
        .bold()
        .fg_color(Some(anstyle::AnsiColor::Red.into()));
    let _ = writeln!(anstream::stderr(), "{style}error{style:#}: {message}");
}

pub fn eprint_warning(message: &str) {
    let style = anstyle::Style::new()
        .bold()
        .fg_color(Some(anstyle::AnsiColor::Yellow.into()));
    let _ = writeln!(anstream::stderr(), "{style}warning{style:#}: {message}");
}

/// Whether colour may be used on standard output.
pub fn stdout_styled() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
}

/// `path` relative to the current folder when it is below it.
pub fn display_path(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

/// Ends a one-shot command's use of `value` without freeing it: the process
/// exits right after, and the system takes its memory back at once, where
/// freeing 10,000 responses piece by piece took 50 ms of a 300 ms check.
pub(crate) fn leave<T>(value: T) {
    std::mem::forget(value);
}
