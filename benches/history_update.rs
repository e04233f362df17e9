//! How long a long-running `cannery serve` takes to bring its history up to
//! date after one new commit: the path `src/server/origin.rs` takes on every
//! reload, `Repository::history_with` and a `HistoryCache` kept between
//! calls.
//!
//! It walks the whole history once (filling the cache), then, ROUNDS times:
//! edits one response in the working tree and commits it with the `git`
//! CLI (not timed), and times the next `history_with`. Each timed call must
//! examine exactly one commit and find that commit's event, or the
//! benchmark fails: a cache that stopped working must not pass for fast.
//!
//! ```sh
//! cargo bench --bench history_update -- LIBRARY_DIR [ROUNDS]
//! ```
//!
//! It commits into the repository it is given: point it at a scratch copy
//! (benches/history.sh does). Prints one JSON object on standard output.

use cannery::history::{HistoryCache, Repository};
use std::path::{Path, PathBuf};
use std::process::{exit, Command};
use std::time::Instant;

fn main() {
    // `cargo bench` passes `--bench`; only positional arguments count.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let Some(library) = args.first().map(PathBuf::from) else {
        eprintln!("usage: history_update LIBRARY_DIR [ROUNDS]");
        exit(2);
    };
    let rounds: usize = args.get(1).map_or(20, |n| n.parse().expect("ROUNDS"));
    let repo = match Repository::discover(&library) {
        Ok(Some(repo)) => repo,
        Ok(None) => fail(&format!("{} is not in a git repository", library.display())),
        Err(e) => fail(&e.to_string()),
    };

    let mut cache = HistoryCache::new();
    let start = Instant::now();
    let full = repo
        .history_with(None, &mut cache)
        .unwrap_or_else(|e| fail(&e.to_string()));
    let first_ms = ms(start);
    let commits = cache.examined();

    let mut paths: Vec<&String> = full.files.keys().collect();
    paths.sort();
    let mut update_ms = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let path = paths[(round * 7919) % paths.len()];
        let file = library.join(path);
        let mut text = std::fs::read_to_string(&file).unwrap_or_else(|e| fail(&e.to_string()));
        text.push_str(&format!(
            "\nEdited in round {round} of the update benchmark.\n"
        ));
        std::fs::write(&file, text).unwrap_or_else(|e| fail(&e.to_string()));
        let commit = git_commit(&library, path, round);

        let before = cache.examined();
        let start = Instant::now();
        let history = repo
            .history_with(None, &mut cache)
            .unwrap_or_else(|e| fail(&e.to_string()));
        update_ms.push(ms(start));

        if cache.examined() != before + 1 {
            fail(&format!(
                "one new commit, but {} were examined",
                cache.examined() - before
            ));
        }
        let newest = &history.events[0];
        if history.revision != commit || newest.commit != commit || newest.path != *path {
            fail(&format!(
                "the new commit {commit} changing {path} is not the newest event"
            ));
        }
    }
    let mut sorted = update_ms.clone();
    sorted.sort_by(f64::total_cmp);
    let median = if sorted.is_empty() {
        f64::NAN
    } else if sorted.len() % 2 == 1 {
        sorted[sorted.len() / 2]
    } else {
        (sorted[sorted.len() / 2 - 1] + sorted[sorted.len() / 2]) / 2.0
    };
    println!(
        "{{\"commits\": {commits}, \"events\": {}, \"first_walk_ms\": {first_ms:.1}, \
         \"rounds\": {rounds}, \"update_median_ms\": {median:.2}, \"update_min_ms\": {:.2}, \
         \"update_max_ms\": {:.2}}}",
        full.events.len(),
        sorted.first().copied().unwrap_or(f64::NAN),
        sorted.last().copied().unwrap_or(f64::NAN),
    );
}

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

/// Commits `path` (relative to the library) with the `git` CLI, the user's
/// git config cut off, dates after the generated history's; returns the id.
fn git_commit(library: &Path, path: &str, round: usize) -> String {
    // After the last generated commit (2022–2025), a minute apart.
    let when = format!("{} +0000", 1_800_000_000 + 60 * round as i64);
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .current_dir(library)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Bench Mark")
            .env("GIT_AUTHOR_EMAIL", "bench@example.com")
            .env("GIT_COMMITTER_NAME", "Bench Mark")
            .env("GIT_COMMITTER_EMAIL", "bench@example.com")
            .env("GIT_AUTHOR_DATE", &when)
            .env("GIT_COMMITTER_DATE", &when)
            .args(args)
            .output()
            .unwrap_or_else(|e| fail(&format!("git: {e}")));
        if !out.status.success() {
            fail(&format!(
                "git {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    git(&["commit", "-q", "-m", &format!("Reword {path}"), "--", path]);
    git(&["rev-parse", "HEAD"])
}

fn fail(message: &str) -> ! {
    eprintln!("history_update: {message}");
    exit(1);
}
