//! The tools around the library, through the real binary: shell
//! completions, the man page and `check --watch`.

mod common;

use common::*;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[test]
fn completions_are_written_for_every_shell() {
    let tmp = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef cannery"),
        ("fish", "complete -c cannery"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = run(cannery(tmp.path()).args(["completions", shell]));
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        assert!(script.contains(marker), "{shell}: no `{marker}`");
        for command in ["check", "man", "deny-warnings"] {
            assert!(
                script.contains(command),
                "{shell} does not complete {command}"
            );
        }
    }
    let bash = run(cannery(tmp.path()).args(["completions", "bash"]));
    let file = tmp.path().join("cannery.bash");
    std::fs::write(&file, &bash.stdout).unwrap();
    let parsed = std::process::Command::new("bash")
        .arg("-n")
        .arg(&file)
        .output()
        .expect("bash runs");
    assert!(parsed.status.success(), "{}", stderr(&parsed));

    let out = run(cannery(tmp.path()).args(["completions", "tcsh"]));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_prints_roff_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(cannery(tmp.path()).arg("man"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.starts_with(".TH") || page.starts_with(".ie"), "{page}");
    assert!(page.contains(".TH cannery 1"));
    assert!(page.contains(".SH SYNOPSIS") && page.contains("cannery\\-check(1)"));

    let out = run(cannery(tmp.path()).args(["man", "check"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH cannery\\-check 1") || page.contains(".TH cannery-check 1"));
    assert!(page.contains("\\-\\-deny\\-warnings") && page.contains("\\-\\-watch"));

    let out = run(cannery(tmp.path()).args(["man", "chek"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean `check`?"));
}

/// `check --watch` running in the background; killed when dropped, so a
/// failing test leaves no process behind.
struct Watching {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Watching {
    fn start(lib: &Path) -> Watching {
        let mut child = cannery(lib)
            .args(["--library", ".", "check", "--watch"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannery starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watching {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits (at most `limit`) for a line containing `text`.
    fn expect(&mut self, text: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let found = line.contains(text);
                    self.seen.push(line);
                    if found {
                        return;
                    }
                }
                Err(_) => break,
            }
        }
        panic!(
            "no line with {text:?} within {limit:?}; saw:\n{}",
            self.seen.join("\n")
        );
    }

    /// How many checks have printed their summary so far.
    fn summaries(&mut self) -> usize {
        while let Ok(line) = self.lines.try_recv() {
            self.seen.push(line);
        }
        self.seen
            .iter()
            .filter(|l| l.starts_with("Checked "))
            .count()
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn check_watch_checks_again_after_an_edit() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path();
    write(
        lib,
        "support/hours.md",
        "---\ntitle: Business hours\n---\nWe are open 9 to 5.\n",
    );
    let wait = Duration::from_secs(20);
    let mut watching = Watching::start(lib);
    watching.expect("Checked 1 file: 1 response, 0 errors", wait);

    // A typo in a response: the next check reports it.
    write(
        lib,
        "support/hours.md",
        "---\ntittle: Business hours\n---\nWe are open 9 to 5.\n",
    );
    watching.expect("error[unknown-field]", wait);
    watching.expect("Checked 1 file: 0 responses, 2 errors", wait);

    // Editors' temporary and backup files are not responses: no check.
    let before = watching.summaries();
    write(lib, "support/hours.md~", "backup");
    write(lib, "support/.hours.md.swp", "swap");
    write(lib, "support/4913", "");
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(watching.summaries(), before, "{}", watching.seen.join("\n"));

    // A new file in a new folder, and the fix.
    write(
        lib,
        "closing/thanks.md",
        "---\ntitle: Thanks\n---\nThanks for writing!\n",
    );
    watching.expect("Checked 2 files: 1 response, 2 errors", wait);
    write(
        lib,
        "support/hours.md",
        "---\ntitle: Business hours\n---\nWe are open 9 to 5.\n",
    );
    watching.expect("Checked 2 files: 2 responses, 0 errors", wait);
}
