//! `cannery export`: the library as the create-request bodies of a
//! helpdesk's API, all or nothing.

use super::{Failure, Global, Result};
use cannery::config::TARGETS;
use cannery::export::{self, Options, Output};
use cannery::library::LoadOptions;
use cannery::problem::Summary;
use cannery::progress::Progress;
use cannery::report;
use clap::builder::PossibleValuesParser;
use clap::Args as ClapArgs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The helpdesk to export for.
    #[arg(long = "to", value_name = "TARGET", value_parser = PossibleValuesParser::new(TARGETS))]
    to: String,
    /// Write to FILE instead of standard output. It is replaced whole, and
    /// left as it was when the export is refused.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Only the responses in this locale (a BCP 47 tag such as pt-BR).
    #[arg(long, value_name = "TAG")]
    locale: Option<String>,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    // An export keeps only errors: near-duplicate warnings are for check.
    let (root, library) = global.load_with(LoadOptions {
        progress: &Progress::hidden(),
        near_duplicates: false,
    })?;
    let target = export::target(&args.to)
        .ok_or_else(|| Failure(format!("the `{}` export is not built yet", args.to)))?;
    // Only Cannery's JSON carries dates and authors; walking git is not
    // free, so the other targets skip it.
    let history = (target.name() == "json")
        .then(|| global.history(&root))
        .flatten();
    let options = Options {
        locale: args.locale,
        history: history.as_ref(),
    };
    let out = export::export(&library, target, &options);
    if !out.problems.is_empty() {
        let (errors, warnings) = export::counts(&out.problems);
        let summary = Summary {
            errors,
            warnings,
            ..library.summary()
        };
        let text = report::human(
            &out.problems,
            &summary,
            anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never,
        );
        let _ = anstream::stderr().write_all(text.as_bytes());
    }
    let Some(bytes) = out.bytes else {
        super::eprint_error(&format!(
            "nothing was exported to {}: fix the errors above (`cannery check --target {}` lists them)",
            target.product(),
            target.name()
        ));
        return Ok(ExitCode::from(1));
    };
    match &args.output {
        Some(path) => replace(path, &bytes)?,
        None => {
            let mut stdout = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
            let _ = bytes.write_to(&mut stdout).and_then(|()| stdout.flush());
        }
    }
    if let Some(path) = &args.output {
        let _ = writeln!(
            anstream::stderr(),
            "Exported {} responses for {} to {}.",
            out.count,
            target.product(),
            super::display_path(path)
        );
    }
    super::leave((library, bytes));
    Ok(ExitCode::SUCCESS)
}

/// Writes `path` whole or not at all: a temporary file beside it, renamed
/// over it once complete. Not synced to disk first: an export is made again
/// from the library in one command, and the rename alone already keeps
/// readers from ever seeing half a file; a sync made every export wait for
/// the disk (66 ms of 700 on 10,000 responses).
///
/// Only a regular file is replaced. `-o /dev/null` or a named pipe is
/// written to as it is (renaming over it would put a plain file where the
/// device was), and a symbolic link keeps pointing where it did: the file
/// it points to is the one replaced.
fn replace(path: &Path, bytes: &Output) -> Result<()> {
    let fail = |e: std::io::Error| Failure(format!("cannot write {}: {e}", path.display()));
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() && !meta.is_dir() => {
            let mut out = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map(|f| std::io::BufWriter::with_capacity(1 << 20, f))
                .map_err(fail)?;
            return bytes
                .write_to(&mut out)
                .and_then(|()| out.flush())
                .map_err(fail);
        }
        Ok(meta) if meta.is_file() => {
            let target = std::fs::canonicalize(path).map_err(fail)?;
            if target != path {
                return replace_file(&target, bytes).map_err(fail);
            }
        }
        _ => {}
    }
    replace_file(path, bytes).map_err(fail)
}

/// Writes the regular file (or new file) `path` through a temporary file
/// renamed over it.
fn replace_file(path: &Path, bytes: &Output) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&temp)
        .and_then(|f| {
            let mut f = std::io::BufWriter::with_capacity(1 << 20, f);
            bytes.write_to(&mut f).and_then(|()| f.flush())
        })
        .and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}
