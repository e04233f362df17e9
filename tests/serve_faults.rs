//! `cannery serve` when things go wrong around it: a thousand rapid saves
//! under a reader, `kill -9` in the middle of usage-log writes, a library
//! on a read-only file system, a repository stopped mid-rebase or holding
//! a corrupt object. `CANNERY_STRESS=1` saves 10,000 times instead of
//! 1,000 (figures in RELIABILITY.md §5).

mod gitrepo;
mod serve_support;

use gitrepo::{Repo, JANE, OMAR};
use serve_support::{eventually, write, Server, LIBRARY};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One test at a time: the rapid saves need the CPU to find pauses
/// between saves (a load must fit in one), and the kill test takes both
/// cores.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn turn() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// Files written together, as one "generation", by the rapid saves.
const BATCH: usize = 10;

fn batch_file(i: usize, generation: usize) -> String {
    format!(
        "---\ntitle: File {i} generation {generation}\ncategory: support\ntags: [g{generation}]\n---\nFile {i} holds generation {generation}.\n"
    )
}

/// One save of `path`, in one of the three ways editors save.
fn save(root: &Path, path: &str, text: &str, how: usize) {
    let full = root.join(path);
    match how % 3 {
        // In place: truncate and write.
        0 => std::fs::write(&full, text).unwrap(),
        // Write a temp file beside it, rename it over.
        1 => {
            let temp = root.join(format!("{path}.tmp~"));
            std::fs::write(&temp, text).unwrap();
            std::fs::rename(&temp, &full).unwrap();
        }
        // Delete, then create anew.
        _ => {
            std::fs::remove_file(&full).unwrap();
            std::fs::write(&full, text).unwrap();
        }
    }
}

/// The generation of each batch file in a list answer, by file number.
fn generations(list: &serde_json::Value) -> BTreeMap<usize, usize> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| {
            let title = r["title"].as_str()?;
            let rest = title.strip_prefix("File ")?;
            let (i, g) = rest.split_once(" generation ")?;
            Some((i.parse().ok()?, g.parse().ok()?))
        })
        .collect()
}

/// What the saves leave on disk at any instant: files 0..k at generation
/// G, the rest at G-1 (they are saved in order). A list answer whose
/// generations fit no such instant mixes two versions of the library.
fn is_a_state_the_disk_had(gens: &BTreeMap<usize, usize>) -> bool {
    let values: Vec<usize> = gens.values().copied().collect();
    values.windows(2).all(|w| w[0] >= w[1])
        && values
            .first()
            .zip(values.last())
            .is_none_or(|(a, b)| a - b <= 1)
}

#[test]
fn a_thousand_rapid_saves_under_a_reader_never_fail_a_read_or_mix_versions() {
    let _turn = turn();
    let saves = if std::env::var_os("CANNERY_STRESS").is_some() {
        10_000
    } else {
        1_000
    };
    let dir = serve_support::library(LIBRARY);
    for i in 0..BATCH {
        write(dir.path(), &format!("batch/f{i}.md"), &batch_file(i, 0));
    }
    let server = Server::start(dir.path(), &["--quiet"]);
    let stop = Arc::new(AtomicBool::new(false));
    // Readers: the batch as a list, one batch file by id, the health.
    let readers: Vec<_> = (0..3)
        .map(|n| {
            let stop = stop.clone();
            let url = server.url.clone();
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(Duration::from_secs(10)))
                    .build()
                    .into();
                let mut failures = Vec::new();
                let mut mixed = Vec::new();
                let (mut reads, mut uniform, mut between) = (0, 0, 0);
                let mut last_generation = 0;
                let mut last_newest = 0;
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let path = match n {
                        0 => "/api/v1/canned-responses?per_page=500".to_string(),
                        1 => format!("/api/v1/canned-responses/batch/f{}", i % BATCH),
                        _ => "/api/v1/health".to_string(),
                    };
                    let answer = agent.get(&format!("{url}{path}")).call();
                    reads += 1;
                    let mut answer = match answer {
                        Ok(a) => a,
                        Err(e) => {
                            failures.push(format!("{path}: {e}"));
                            continue;
                        }
                    };
                    let status = answer.status().as_u16();
                    let body = answer.body_mut().read_to_string().unwrap_or_default();
                    if status != 200 {
                        failures.push(format!("{path}: {status} {body}"));
                        continue;
                    }
                    let json: serde_json::Value = match serde_json::from_str(&body) {
                        Ok(j) => j,
                        Err(e) => {
                            failures.push(format!("{path}: not JSON ({e})"));
                            continue;
                        }
                    };
                    match n {
                        0 => {
                            let gens = generations(&json);
                            if gens.len() != BATCH {
                                failures
                                    .push(format!("{} batch files listed: {gens:?}", gens.len()));
                            } else if !is_a_state_the_disk_had(&gens) {
                                mixed.push(gens);
                            } else {
                                let newest = *gens.values().max().unwrap();
                                if gens.values().all(|g| *g == newest) {
                                    uniform += 1;
                                } else {
                                    between += 1;
                                }
                                // An older library is never served after a newer one.
                                if newest < last_newest {
                                    failures
                                        .push(format!("generation {newest} after {last_newest}"));
                                }
                                last_newest = newest;
                            }
                        }
                        1 => {
                            let title = json["data"]["title"].as_str().unwrap_or_default();
                            if !title.starts_with(&format!("File {} generation", i % BATCH)) {
                                failures.push(format!("{path}: {title}"));
                            }
                        }
                        _ => {
                            let generation = json["data"]["generation"].as_u64().unwrap();
                            if generation < last_generation {
                                failures
                                    .push(format!("index {generation} after {last_generation}"));
                            }
                            last_generation = generation;
                        }
                    }
                }
                (reads, uniform, between, mixed, failures)
            })
        })
        .collect();
    let began = Instant::now();
    let mut generation = 0;
    for s in 0..saves {
        let i = s % BATCH;
        if i == 0 {
            generation += 1;
            // A generation's ten saves come at once (a save-all, a
            // checkout); between generations, a varying pause of 5-65 ms,
            // so that loads fall both between and across them. (Saves
            // with no pause for longer than 3 s are served as they
            // stand: see src/server/watch/mod.rs, MAX_DEFER.)
            std::thread::sleep(Duration::from_millis(5 + (s as u64 * 7919) % 61));
        }
        save(
            dir.path(),
            &format!("batch/f{i}.md"),
            &batch_file(i, generation),
            s / BATCH,
        );
    }
    let writing = began.elapsed();
    // The last generation is served once the saves stop.
    let settled = eventually(Duration::from_secs(10), || {
        let list = server.get("/api/v1/canned-responses?per_page=500");
        generations(&list.json()).values().all(|g| *g == generation)
    });
    stop.store(true, Ordering::Relaxed);
    let mut failures = Vec::new();
    let mut mixed = Vec::new();
    let (mut reads, mut uniform, mut between) = (0, 0, 0);
    for r in readers {
        let (n, u, b, m, f) = r.join().unwrap();
        reads += n;
        uniform += u;
        between += b;
        mixed.extend(m);
        failures.extend(f);
    }
    let reloads = server.stderr().matches("reloaded:").count();
    eprintln!(
        "{saves} saves ({generation} generations of {BATCH} files) in {writing:?}; {reloads} reloads; \
         {reads} reads, {} failed; list answers: {uniform} one generation, {between} between two as on disk, {} mixed",
        failures.len(),
        mixed.len()
    );
    assert!(settled, "the last generation was never served");
    assert!(
        failures.is_empty(),
        "{:?}",
        &failures[..failures.len().min(10)]
    );
    assert!(
        mixed.is_empty(),
        "{} answers mixed versions: {:?}",
        mixed.len(),
        &mixed[..mixed.len().min(5)]
    );
    assert!(
        reloads > 5,
        "only {reloads} reloads: the saves were not seen"
    );
    assert!(!server.stderr().contains("panicked"), "{}", server.stderr());
}

/// The use counts the server reports for `ids`.
fn counts(server: &Server, ids: &[&str]) -> Vec<u64> {
    ids.iter()
        .map(|id| {
            server.get(&format!("/api/v1/canned-responses/{id}")).json()["data"]["usage_count"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

#[test]
fn kill_9_during_usage_log_writes_loses_nothing_acknowledged() {
    let _turn = turn();
    let dir = serve_support::library(LIBRARY);
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("usage.jsonl");
    let log_arg = log.display().to_string();
    let ids = ["closing/bye", "support/business-hours", "support/refunds"];
    let mut total_acked = vec![0u64; ids.len()];
    for round in 0..3 {
        let mut server = Server::start(dir.path(), &["--quiet", "--usage-log", &log_arg]);
        assert_eq!(
            counts(&server, &ids),
            total_acked,
            "round {round}: counts after restart"
        );
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..6)
            .map(|n| {
                let url = server.url.clone();
                let stop = stop.clone();
                let id = ids[n % ids.len()];
                std::thread::spawn(move || {
                    let agent: ureq::Agent = ureq::Agent::config_builder()
                        .http_status_as_error(false)
                        .timeout_global(Some(Duration::from_secs(5)))
                        .build()
                        .into();
                    let mut acked = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        let sent = agent
                            .post(&format!("{url}/api/v1/canned-responses/{id}/use"))
                            .header("content-type", "application/json")
                            .send(format!("{{\"agent\": \"writer {n} ünïcödé\"}}"));
                        match sent {
                            Ok(r) if r.status().as_u16() == 204 => acked += 1,
                            _ => break,
                        }
                    }
                    (n % ids.len(), acked)
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(700 + round * 300));
        // As an out-of-memory kill or a power switch would: no chance to
        // finish anything.
        server.kill();
        stop.store(true, Ordering::Relaxed);
        for w in writers {
            let (i, acked) = w.join().unwrap();
            total_acked[i] += acked;
        }
        let text = std::fs::read_to_string(&log).unwrap();
        let (uses, warnings) = cannery::usage::read(&text);
        eprintln!(
            "round {round}: {} lines, {} uses acknowledged so far, {} warnings",
            text.lines().count(),
            total_acked.iter().sum::<u64>(),
            warnings.len()
        );
        // Every acknowledged use is in the log; at most the one line
        // being written when the kill came is extra or torn.
        let mut in_log = vec![0u64; ids.len()];
        for u in &uses {
            in_log[ids.iter().position(|id| *id == u.id).unwrap()] += 1;
        }
        for i in 0..ids.len() {
            assert!(
                in_log[i] >= total_acked[i] && in_log[i] <= total_acked[i] + 2,
                "{}: {} in the log, {} acknowledged",
                ids[i],
                in_log[i],
                total_acked[i]
            );
        }
        assert!(warnings.len() <= 1, "{warnings:?}");
        // Those in the log are what the next server counts.
        total_acked = in_log;
    }
    // A torn last line, as a crash mid-write leaves it: skipped with a
    // warning, and the next use starts a line of its own.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&log)
        .unwrap()
        .write_all(b"{\"id\":\"closing/bye\",\"at\":\"2025-")
        .unwrap();
    let server = Server::start(dir.path(), &["--quiet", "--usage-log", &log_arg]);
    assert!(server.wait_stderr("cut short"), "{}", server.stderr());
    assert_eq!(counts(&server, &ids), total_acked);
    let used = server.send(
        "POST",
        "/api/v1/canned-responses/closing/bye/use",
        &[],
        None,
    );
    assert_eq!(used.status, 204);
    total_acked[0] += 1;
    assert_eq!(counts(&server, &ids), total_acked);
}

/// `cannery serve` run in a mount namespace of its own where `folder` is
/// `source` bound read-only, or `None` where mounts are not permitted
/// (not root, no `unshare`).
fn serve_read_only(source: &Path, folder: &Path, library: &str, args: &[&str]) -> Option<Command> {
    let probe = Command::new("unshare")
        .args(["-m", "sh", "-c", "mount -t tmpfs none /mnt"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: mounts are not permitted here (needs root and unshare)");
        return None;
    }
    let mut command = Command::new("unshare");
    command
        .args(["-m", "sh", "-c"])
        .arg(r#"mount --bind -o ro "$1" "$2" && shift 3 && exec "$@""#)
        .arg("sh")
        .arg(source)
        .arg(folder)
        .arg("--")
        .arg(serve_support::BIN)
        .arg("--library")
        .arg(folder.join(library))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(args);
    Some(command)
}

#[test]
fn a_library_on_a_read_only_file_system_serves_and_reloads() {
    let _turn = turn();
    let mut repo = Repo::new();
    for (path, text) in LIBRARY {
        repo.write(&format!("library/{path}"), text);
    }
    repo.commit(JANE, "First");
    repo.write("library/closing/bye.md", "---\ntitle: Bye\n---\nBye now.\n");
    repo.commit(OMAR, "Second");
    let mount = tempfile::tempdir().unwrap();
    let Some(command) = serve_read_only(repo.path(), mount.path(), "library", &["--quiet"]) else {
        return;
    };
    let server = Server::spawn(command);
    let bye = server.get("/api/v1/canned-responses/closing/bye");
    assert_eq!(bye.status, 200, "{}", server.stderr());
    assert_eq!(bye.json()["data"]["updated_by"]["name"], "Omar Haddad");
    let history = server.get("/api/v1/history/closing/bye").json();
    assert_eq!(history["data"].as_array().unwrap().len(), 2, "{history}");
    assert_eq!(server.get("/api/v1/export/json").status, 200);
    assert_eq!(server.get("/api/v1/problems").status, 200);
    // Proof that the server's view is read-only, and that writes made
    // elsewhere (a git pull beside it) still reach it.
    let before = server.generation();
    repo.write(
        "library/closing/bye.md",
        "---\ntitle: Bye again\n---\nBye.\n",
    );
    assert!(
        eventually(Duration::from_secs(10), || server.generation() > before),
        "no reload: {}",
        server.stderr()
    );
    let title = server.get("/api/v1/canned-responses/closing/bye").json()["data"]["title"].clone();
    assert_eq!(title, "Bye again");
    assert!(!server.stderr().contains("panicked"), "{}", server.stderr());

    // A usage log on the read-only file system is refused at start, clearly.
    let mount2 = tempfile::tempdir().unwrap();
    let log = mount2.path().join("usage.jsonl").display().to_string();
    let mut refused = serve_read_only(
        repo.path(),
        mount2.path(),
        "library",
        &["--usage-log", &log],
    )
    .unwrap();
    let out = refused.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("Read-only file system"), "{stderr}");
}

fn library_repo() -> Repo {
    let mut repo = Repo::new();
    for (path, text) in LIBRARY {
        repo.write(path, text);
    }
    repo.commit(JANE, "First");
    repo.write("closing/bye.md", "---\ntitle: Bye\n---\nBye now.\n");
    repo.commit(OMAR, "Second");
    repo
}

#[test]
fn a_repository_stopped_mid_rebase_still_serves_the_files_on_disk() {
    let _turn = turn();
    let mut repo = library_repo();
    repo.git(&["checkout", "-q", "-b", "topic", "HEAD~1"]);
    repo.write(
        "closing/bye.md",
        "---\ntitle: Bye from topic\n---\nBye, topic.\n",
    );
    repo.commit(JANE, "Topic");
    // Rebasing topic onto main stops on the conflict in closing/bye.md.
    let out = Command::new("git")
        .current_dir(repo.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_COMMITTER_NAME", "Bot")
        .env("GIT_COMMITTER_EMAIL", "bot@example.com")
        .args(["rebase", "main"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "the rebase was meant to stop");
    assert!(
        repo.path().join(".git/rebase-merge").exists()
            || repo.path().join(".git/rebase-apply").exists()
    );
    let server = Server::start(repo.path(), &["--quiet"]);
    // The conflicted file is a problem that says what it is, at the
    // marker's line; the rest is served.
    let problems = server.get("/api/v1/problems").json();
    let problem = &problems["data"]["problems"][0];
    assert_eq!(problem["code"], "conflict-markers", "{problems}");
    assert_eq!(problem["file"], "closing/bye.md", "{problems}");
    assert_eq!(problem["line"], 2, "{problems}");
    assert_eq!(
        problems["data"]["problems"].as_array().unwrap().len(),
        1,
        "{problems}"
    );
    assert_eq!(
        server
            .get("/api/v1/canned-responses/support/refunds")
            .status,
        200
    );
    let hours = server
        .get("/api/v1/canned-responses/support/business-hours")
        .json();
    assert_eq!(hours["data"]["created_by"]["name"], "Jane Smith", "{hours}");
    assert!(!server.stderr().contains("panicked"), "{}", server.stderr());
    eprintln!("mid-rebase: {problems}");
    // Resolving it is picked up.
    let before = server.generation();
    repo.write("closing/bye.md", "---\ntitle: Bye resolved\n---\nBye.\n");
    assert!(eventually(Duration::from_secs(10), || server.generation() > before));
    assert_eq!(
        server.get("/api/v1/canned-responses/closing/bye").json()["data"]["title"],
        "Bye resolved"
    );
}

/// Overwrites the loose object `rev` names with bytes git cannot read.
fn corrupt(repo: &Repo, rev: &str) -> String {
    let id = repo.git(&["rev-parse", rev]).trim().to_string();
    let path = repo
        .path()
        .join(format!(".git/objects/{}/{}", &id[..2], &id[2..]));
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&path, perms).unwrap();
    std::fs::write(&path, b"this is not a zlib stream").unwrap();
    id
}

#[test]
fn a_corrupt_object_is_a_clear_warning_and_the_files_on_disk_are_served() {
    let _turn = turn();
    for (what, rev) in [
        ("a tree", "HEAD~1:support"),
        ("a blob", "HEAD~1:closing/bye.md"),
        ("a commit", "HEAD~1"),
    ] {
        let repo = library_repo();
        let id = corrupt(&repo, rev);
        let server = Server::start(repo.path(), &["--quiet"]);
        let stderr = server.stderr();
        eprintln!("{what}: {stderr}");
        assert_eq!(server.get("/api/v1/health").status, 200, "{what}");
        assert_eq!(
            server.get("/api/v1/canned-responses/closing/bye").json()["data"]["title"],
            "Bye",
            "{what}: the file on disk is served"
        );
        assert_eq!(
            server
                .get("/api/v1/canned-responses?per_page=500")
                .ids()
                .len(),
            5,
            "{what}"
        );
        assert!(!stderr.contains("panicked"), "{what}: {stderr}");
        // Either the history could be read around it, or the server says
        // which object it could not read.
        let dated = server
            .get("/api/v1/canned-responses/support/refunds")
            .json()["data"]["created_at"]
            .is_string();
        assert!(
            dated || (stderr.contains("warning") && stderr.contains(&id[2..])),
            "{what}: no dates and no clear warning: {stderr}"
        );
        drop(server);
        // At a revision, the corrupt object is an error that names it,
        // with exit status 2.
        let out = Command::new(serve_support::BIN)
            .arg("--library")
            .arg(repo.path())
            .args(["export", "--to", "json", "--rev", "HEAD~1"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        eprintln!("{what} at --rev: {:?} {err}", out.status.code());
        assert!(!err.contains("panicked"), "{what}: {err}");
        assert!(
            !out.status.success(),
            "{what}: exported past a damaged object"
        );
        // A damaged file is a located problem (exit 1) that points at the
        // repository, not at permissions; a damaged tree or commit, a git
        // error (exit 2).
        if out.status.code() == Some(1) {
            assert!(
                err.contains("git fsck") && !err.contains("permissions"),
                "{what}: {err}"
            );
        } else {
            assert_eq!(out.status.code(), Some(2), "{what}: {err}");
        }
    }
}
