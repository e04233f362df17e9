//! `cannery man [COMMAND]`: the manual page, in roff, from the same
//! definitions as `--help`.

use super::{print, Failure, Result};
use crate::cli::Cli;
use clap::{Args as ClapArgs, CommandFactory};
use std::process::ExitCode;

#[derive(Debug, ClapArgs)]
#[command(after_help = "Read it with `cannery man | man -l -`, or install it:
  cannery man > ~/.local/share/man/man1/cannery.1
  cannery man check > ~/.local/share/man/man1/cannery-check.1")]
pub struct Args {
    /// One command's page (cannery-check(1), …) instead of cannery(1).
    command: Option<String>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let mut command = Cli::command();
    // Global options (--library) appear in each command's page too.
    command.build();
    let page = match &args.command {
        None => command,
        Some(name) => {
            let Some(sub) = command.find_subcommand(name).cloned() else {
                let names: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
                let hint = cannery::suggest::did_you_mean(name, names.iter().copied())
                    .map(|n| format!("did you mean `{n}`?"))
                    .unwrap_or_else(|| format!("the commands are: {}", names.join(", ")));
                return Err(Failure(format!("`{name}` is not a command: {hint}")));
            };
            // clap names are `&'static str` without its `string` feature;
            // the process prints one page and ends.
            let full: &'static str = Box::leak(format!("cannery-{}", sub.get_name()).into());
            sub.name(full)
                .version(env!("CARGO_PKG_VERSION"))
                .bin_name(format!("cannery {name}"))
        }
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut roff)
        .map_err(|e| Failure(format!("cannot write the manual page: {e}")))?;
    print(&String::from_utf8_lossy(&roff));
    Ok(ExitCode::SUCCESS)
}
