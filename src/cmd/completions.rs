//! `cannery completions SHELL`: a completion script, from the same
//! definitions as `--help`, so it never lags behind the commands.

use super::{print, Result};
use crate::cli::Cli;
use clap::{Args as ClapArgs, CommandFactory};
use clap_complete::Shell;
use std::process::ExitCode;

#[derive(Debug, ClapArgs)]
#[command(after_help = "Install them:
  bash        cannery completions bash > ~/.local/share/bash-completion/completions/cannery
  zsh         cannery completions zsh > ~/.zfunc/_cannery   (with fpath+=~/.zfunc before compinit in ~/.zshrc)
  fish        cannery completions fish > ~/.config/fish/completions/cannery.fish
  powershell  add `cannery completions powershell | Out-String | Invoke-Expression` to $PROFILE")]
pub struct Args {
    /// The shell to complete in.
    shell: Shell,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "cannery", &mut script);
    print(&String::from_utf8_lossy(&script));
    Ok(ExitCode::SUCCESS)
}
