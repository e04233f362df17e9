//! The `cannery` command: parses arguments, runs a command, picks the exit
//! status. Everything else lives in the library crate.

mod cli;
mod cmd;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version are not usage errors.
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cmd::run(cli) {
        Ok(code) => code,
        Err(failure) => {
            cmd::eprint_error(&failure.to_string());
            ExitCode::from(2)
        }
    }
}
