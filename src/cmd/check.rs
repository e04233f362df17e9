//! `cannery check`: validate the library, as a compiler would.

use super::{print, Failure, Global, Result};
use cannery::export;
use cannery::library::{Library, LoadOptions};
use cannery::problem::{Problem, Summary};
use cannery::progress::Progress;
use cannery::report;
use clap::builder::PossibleValuesParser;
use clap::{Args as ClapArgs, ValueEnum};
use std::process::ExitCode;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// How to write the problems.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit with status 1 on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// Also check what exporting to these targets would meet (comma-separated
    /// or repeated).
    #[arg(long = "target", value_name = "T,…", value_delimiter = ',', value_parser = PossibleValuesParser::new(cannery::config::TARGETS))]
    targets: Vec<String>,
    /// Check again each time a response or cannery.yaml changes, until
    /// Ctrl-C.
    #[arg(long)]
    pub(super) watch: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    /// Each problem with its source line, like a compiler.
    Human,
    /// One JSON document: {"problems": [...], "summary": {...}}.
    Json,
    /// GitHub Actions annotations on the pull request's files.
    Github,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    if args.watch {
        return super::check_watch::run(&args, global);
    }
    once(&args, global)
}

/// One check: prints the problems and says how it went.
pub(super) fn once(args: &Args, global: &Global) -> Result<ExitCode> {
    let progress = match args.format {
        Format::Human => Progress::new(0, "Reading responses"),
        Format::Json | Format::Github => Progress::hidden(),
    };
    let (root, library) = global.load_with(LoadOptions {
        progress: &progress,
        near_duplicates: true,
    })?;
    let problems = export_problems(&library, &args.targets)?;
    let (errors, warnings) = export::counts(&problems);
    let summary = Summary {
        errors,
        warnings,
        ..library.summary()
    };
    print(&match args.format {
        Format::Human => report::human(&problems, &summary, super::stdout_styled()),
        Format::Json => report::json(&problems, summary.clone()),
        Format::Github => report::github(&problems, &summary, &repository_prefix(&root)),
    });
    let failed = summary.errors > 0 || (args.deny_warnings && summary.warnings > 0);
    if !args.watch {
        super::leave((library, problems));
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The library's problems, the export settings' in cannery.yaml, and
/// those that exporting to each of `targets` would meet.
fn export_problems(library: &Library, targets: &[String]) -> Result<Vec<Problem>> {
    let mut problems = library.problems.clone();
    problems.extend(export::settings_problems(&library.config));
    for name in targets {
        let target = export::target(name)
            .ok_or_else(|| Failure(format!("the `{name}` export is not built yet")))?;
        problems.extend(export::check(library, target, &export::Options::default()));
    }
    export::sort(&mut problems);
    Ok(problems)
}

/// The library's folder relative to its repository's top, where GitHub
/// expects annotation paths to start.
fn repository_prefix(root: &std::path::Path) -> String {
    let Ok(root) = std::fs::canonicalize(root) else {
        return String::new();
    };
    root.ancestors()
        .find(|dir| dir.join(".git").exists())
        .and_then(|top| root.strip_prefix(top).ok())
        .map(|p| p.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/"))
        .unwrap_or_default()
}
