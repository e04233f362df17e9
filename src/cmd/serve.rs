//! `cannery serve`: the library over HTTP, read-only, reloading on change.

use super::{Failure, Global, Result};
use cannery::disk::DiskSource;
use cannery::server::{self, usage::UsageLog, Options, Origin, Token, Watching};
use clap::Args as ClapArgs;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Where to listen. Port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:4000", value_name = "HOST:PORT")]
    addr: String,
    /// Serve the library as it is now; do not reload on changes.
    #[arg(long, conflicts_with = "poll")]
    no_watch: bool,
    /// Look for changes every MS milliseconds instead of waiting for the
    /// system's file events: for network drives and WSL mounts, which send
    /// none.
    #[arg(long, value_name = "MS", num_args = 0..=1, default_missing_value = "500")]
    poll: Option<u64>,
    /// Count uses: turns on POST /api/v1/canned-responses/{id}/use, which
    /// appends a line to FILE (kept outside the library).
    #[arg(long, value_name = "FILE")]
    usage_log: Option<PathBuf>,
    /// Require `Authorization: Bearer <token>`, the token read from FILE.
    /// Without it, $CANNERY_TOKEN is used when set.
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,
    /// Allow a non-loopback --addr without a token: anyone who can reach
    /// it may read the library.
    #[arg(long)]
    public: bool,
    /// No log line per request.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    let root = global.root()?;
    let addr = resolve(&args.addr)?;
    let token = token(args.token_file.as_deref())?;
    server::check_exposure(addr, token.as_ref(), args.public).map_err(Failure)?;
    if global.rev.is_none() {
        DiskSource::new(&root).map_err(|e| {
            Failure(format!(
                "cannot open the library folder {}: {e}",
                root.display()
            ))
        })?;
    }
    let usage = match &args.usage_log {
        Some(path) => Some(usage_log(path, &root)?),
        None => None,
    };
    let watch = match (args.no_watch, args.poll) {
        (true, _) => None,
        (false, Some(ms)) => Some(Watching::Poll(Duration::from_millis(ms.max(50)))),
        (false, None) => Some(Watching::Native),
    };
    // With --rev the library is read from git objects, and never changes.
    let origin = Origin::open(&root, global.rev.as_deref()).map_err(Failure)?;
    let options = Options {
        addr,
        origin,
        watch,
        usage,
        token,
        quiet: args.quiet,
    };
    let shown = super::display_path(&root);
    server::run(options, |url, index| {
        let problems = index.library.problems.len();
        let mut line = format!(
            "Serving {} responses from {shown} at {url}",
            index.responses().len()
        );
        if problems > 0 {
            line.push_str(&format!(
                " ({problems} problem{}: {url}api/v1/problems)",
                if problems == 1 { "" } else { "s" }
            ));
        }
        // The one line on standard output, so scripts can read the URL.
        super::print(&format!("{line}\n"));
    })
    .map_err(Failure)?;
    Ok(ExitCode::SUCCESS)
}

fn resolve(addr: &str) -> Result<SocketAddr> {
    addr.to_socket_addrs()
        .ok()
        .and_then(|mut all| all.next())
        .ok_or_else(|| {
            Failure(format!(
                "`{addr}` is not an address to listen on: write HOST:PORT, like 127.0.0.1:4000"
            ))
        })
}

fn token(file: Option<&Path>) -> Result<Option<Token>> {
    let (text, from) = match file {
        Some(path) => (
            std::fs::read_to_string(path).map_err(|e| {
                Failure(format!(
                    "cannot read the token file {}: {e}",
                    path.display()
                ))
            })?,
            path.display().to_string(),
        ),
        None => match std::env::var("CANNERY_TOKEN") {
            Ok(text) => (text, "$CANNERY_TOKEN".to_string()),
            Err(_) => return Ok(None),
        },
    };
    Token::new(&text)
        .map(Some)
        .map_err(|why| Failure(format!("{from}: {why}")))
}

/// Opens the usage log, which must not be inside the library: the server
/// never writes there.
fn usage_log(path: &Path, root: &Path) -> Result<UsageLog> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if let (Ok(folder), Ok(root)) = (folder.canonicalize(), root.canonicalize()) {
        if folder.starts_with(&root) {
            return Err(Failure(format!(
                "the usage log {} is inside the library: put it somewhere else, the library holds only responses",
                path.display()
            )));
        }
    }
    let (log, warnings) = UsageLog::open(path)
        .map_err(|e| Failure(format!("cannot open the usage log {}: {e}", path.display())))?;
    for warning in warnings {
        super::eprint_warning(&format!("{}: {warning}", path.display()));
    }
    Ok(log)
}
