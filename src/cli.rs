//! The command line, declared once; `--help` comes from these comments.

use crate::cmd;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Canned responses as Markdown files in git: check them, serve them,
/// trace their history and export them to your helpdesk.
#[derive(Debug, Parser)]
#[command(
    name = "cannery",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// The library folder. Default: the nearest folder upwards holding
    /// cannery.yaml, else ./library, else the current folder.
    #[arg(long, global = true, env = "CANNERY_LIBRARY", value_name = "DIR")]
    pub library: Option<PathBuf>,

    /// Read the library at this git revision (a branch, tag or commit, e.g.
    /// main, v1.2, HEAD~3) straight from git, without a checkout.
    #[arg(long, global = true, value_name = "REV")]
    pub rev: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate every response; exit 1 if there are errors.
    Check(cmd::check::Args),
    /// A table of responses.
    List(cmd::list::Args),
    /// One response, rendered, with its placeholders filled.
    Show(cmd::show::Args),
    /// Write a new, valid response file and print its path.
    New(cmd::new::Args),
    /// The commits that created, changed, renamed and deleted responses.
    History(cmd::history::Args),
    /// Responses added, changed, renamed and removed between two revisions:
    /// a pull-request summary.
    Diff(cmd::diff::Args),
    /// Write the library as the JSON a helpdesk's API imports.
    Export(cmd::export::Args),
    /// Turn a helpdesk's canned responses into library files.
    Import(cmd::import::Args),
    /// Serve the library read-only over HTTP, reloading on every change.
    Serve(cmd::serve::Args),
    /// How often each response was used, from `serve --usage-log`'s log,
    /// and which ones nobody uses.
    Usage(cmd::usage::Args),
    /// Start a library: cannery.yaml, an example response, a README for
    /// authors, a pre-commit hook and a CI workflow.
    Init(cmd::init::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell).
    Completions(cmd::completions::Args),
    /// Print the manual page (roff) of cannery or of one command.
    Man(cmd::man::Args),
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
