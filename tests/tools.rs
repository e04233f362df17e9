//! The tools around the library, through the real binary: shell
//! completions, the man page, `init`, the CI and pre-commit files, and
//! `check --watch`.

mod common;

use common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const INIT_FILES: [&str; 5] = [
    "cannery.yaml",
    "greeting/welcome.md",
    "README.md",
    ".pre-commit-config.yaml",
    ".github/workflows/cannery.yml",
];

fn repo_file(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn yaml(text: &str) -> Value {
    serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// Every file below `dir`, relative, sorted.
fn files_below(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_string_lossy();
                out.push(rel.replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

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
        for command in ["check", "init", "deny-warnings"] {
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

#[test]
fn init_creates_a_library_that_checks_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(cannery(tmp.path()).args(["init", "support/replies"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lib = tmp.path().join("support/replies");
    assert_eq!(files_below(&lib), {
        let mut all = INIT_FILES.map(String::from).to_vec();
        all.sort();
        all
    });
    let printed = stdout(&out);
    for path in INIT_FILES {
        assert!(printed.contains(path), "{path} not in {printed}");
    }
    let (code, doc) = check_json(&lib);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(
        doc["summary"],
        serde_json::json!({"errors": 0, "warnings": 0, "files": 1, "responses": 1})
    );
    // The author's README is notes, not a response, and says how to check.
    let readme = std::fs::read_to_string(lib.join("README.md")).unwrap();
    assert!(readme.contains("cannery check") && readme.contains("{{ contact.first_name"));

    // Without DIR, the current folder (and --library, when given).
    let here = tmp.path().join("here");
    std::fs::create_dir(&here).unwrap();
    assert_eq!(run(cannery(&here).arg("init")).status.code(), Some(0));
    assert!(here.join("cannery.yaml").is_file());
    let out = run(cannery(tmp.path()).args(["--library", "there", "init"]));
    assert_eq!(out.status.code(), Some(0));
    assert!(tmp.path().join("there/greeting/welcome.md").is_file());
}

#[test]
fn init_refuses_to_overwrite_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path();
    write(lib, "README.md", "Our own notes.\n");
    write(lib, "notes.txt", "keep me\n");
    let out = run(cannery(lib).arg("init"));
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("README.md") && err.contains("nothing was written"),
        "{err}"
    );
    assert!(
        !err.contains("cannery.yaml"),
        "only the clash is named: {err}"
    );
    assert_eq!(files_below(lib), ["README.md", "notes.txt"]);
    assert_eq!(
        std::fs::read_to_string(lib.join("README.md")).unwrap(),
        "Our own notes.\n"
    );

    // A file where init needs a folder is a clash too.
    let other = tempfile::tempdir().unwrap();
    write(other.path(), "greeting", "a file, not a folder\n");
    let out = run(cannery(other.path()).arg("init"));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("greeting"), "{}", stderr(&out));
    assert_eq!(files_below(other.path()), ["greeting"]);
}

#[test]
fn init_joins_a_folder_that_has_no_clashing_files() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path();
    write(
        lib,
        "support/refund.md",
        "---\ntitle: Refund policy\nshortcut: refund\ncategory: support\n---\nRefunds take 5 days.\n",
    );
    write(lib, "notes.txt", "keep me\n");
    let out = run(cannery(lib).args(["init", "."]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(lib.join("notes.txt")).unwrap(),
        "keep me\n"
    );
    let (code, doc) = check_json(lib);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["summary"]["responses"], 2);
}

#[test]
fn init_below_a_repository_root_points_its_ci_files_at_the_library() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join(".git")).unwrap();
    let out = run(cannery(tmp.path()).args(["init", "help desk/replies"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("move .pre-commit-config.yaml and .github/"));
    let lib = tmp.path().join("help desk/replies");
    let hooks = yaml(&std::fs::read_to_string(lib.join(".pre-commit-config.yaml")).unwrap());
    assert_eq!(
        hooks["repos"][0]["hooks"][0]["args"],
        serde_json::json!(["--library", "help desk/replies"])
    );
    let workflow =
        yaml(&std::fs::read_to_string(lib.join(".github/workflows/cannery.yml")).unwrap());
    assert_eq!(workflow["env"]["CANNERY_LIBRARY"], "help desk/replies");
}

#[test]
fn the_github_workflow_checks_and_summarises_pull_requests() {
    let docs = repo_file("docs/github-actions.yml");
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(run(cannery(tmp.path()).arg("init")).status.code(), Some(0));
    let written =
        std::fs::read_to_string(tmp.path().join(".github/workflows/cannery.yml")).unwrap();
    let repository = env!("CARGO_PKG_REPOSITORY");
    let expected = if repository.is_empty() {
        docs.clone()
    } else {
        docs.replace("https://github.com/YOUR-ORG/cannery", repository)
    };
    assert_eq!(written, expected, "init writes the documented workflow");

    let workflow = yaml(&docs);
    assert!(workflow["on"].get("pull_request").is_some(), "{workflow:#}");
    assert_eq!(workflow["permissions"]["pull-requests"], "write");
    assert_eq!(workflow["env"]["CANNERY_LIBRARY"], ".");
    let steps = workflow["jobs"]["check"]["steps"].as_array().unwrap();
    let checkout = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/checkout@"))
        })
        .expect("a checkout step");
    assert_eq!(checkout["with"]["fetch-depth"], 0);
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(runs
        .iter()
        .any(|r| r.contains("cannery check --format github")));
    let diff = steps
        .iter()
        .find(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.contains("cannery diff --format markdown \"origin/$BASE\" HEAD"))
        })
        .expect("a diff step");
    assert_eq!(diff["env"]["BASE"], "${{ github.base_ref }}");
    let comment = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/github-script@"))
        })
        .expect("a step that posts the summary");
    let script = comment["with"]["script"].as_str().unwrap();
    assert!(script.contains("updateComment") && script.contains("cannery-diff.md"));
}

#[test]
fn the_pre_commit_hook_checks_the_whole_library() {
    let hooks = yaml(&repo_file(".pre-commit-hooks.yaml"));
    let hook = &hooks[0];
    assert_eq!(hook["id"], "cannery-check");
    assert_eq!(hook["entry"], "cannery check");
    assert_eq!(hook["language"], "rust");
    assert_eq!(hook["pass_filenames"], false);
    assert_eq!(hook["files"], r"\.(md|yaml)$");

    // What init writes uses that hook, from Cannery's repository.
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(run(cannery(tmp.path()).arg("init")).status.code(), Some(0));
    let config =
        yaml(&std::fs::read_to_string(tmp.path().join(".pre-commit-config.yaml")).unwrap());
    let repo = &config["repos"][0];
    assert!(repo["repo"].as_str().unwrap().starts_with("https://"));
    assert_eq!(repo["rev"], format!("v{}", env!("CARGO_PKG_VERSION")));
    assert_eq!(repo["hooks"][0]["id"], "cannery-check");
    assert_eq!(
        repo["hooks"][0]["args"],
        serde_json::json!(["--library", "."])
    );
}

#[test]
fn the_gitlab_jobs_check_merge_requests_and_post_a_note() {
    let jobs = repo_file("docs/gitlab-ci.yml");
    assert!(
        repo_file("docs/ci.md").contains(&jobs),
        "docs/ci.md shows docs/gitlab-ci.yml as it is"
    );
    let jobs = yaml(&jobs);
    assert_eq!(jobs[".cannery"]["variables"]["GIT_DEPTH"], 0);
    let check = &jobs["cannery-check"];
    assert_eq!(check["extends"], ".cannery");
    assert!(check["script"][0]
        .as_str()
        .unwrap()
        .starts_with("cannery check"));
    let rules = check["rules"].as_array().unwrap();
    assert!(rules
        .iter()
        .any(|r| r["if"].as_str().unwrap().contains("merge_request_event")));
    let summary = jobs["cannery-summary"]["script"].as_array().unwrap();
    let script: Vec<&str> = summary.iter().filter_map(Value::as_str).collect();
    assert!(script.iter().any(|s| s.starts_with(
        "cannery diff --format markdown \"origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME\" HEAD"
    )));
    assert!(script.iter().any(|s| s.contains("/notes")));
}

/// Runs `cannery ARGS` on a pseudo-terminal (util-linux `script`), its
/// stdout thrown away: what it drew on stderr for a person watching.
fn on_a_terminal(lib: &Path, args: &str, env: &[(&str, &str)]) -> String {
    let command = format!(
        "'{}' --library '{}' {args} > /dev/null",
        env!("CARGO_BIN_EXE_cannery"),
        lib.display()
    );
    let out = run(std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_remove("CI")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CANNERY_LIBRARY")
        .env("TERM", "xterm")
        .envs(env.iter().copied()));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn check_shows_a_progress_bar_only_to_a_person_at_a_terminal() {
    // Big enough that reading it takes longer than the bar's delay. The
    // bodies share no words, so the near-duplicate pass stays quick.
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..6_000 {
        write(
            tmp.path(),
            &format!("support/{}/reply-{i}.md", i % 20),
            format!("---\ntitle: Reply {i}\n---\nr{i}a r{i}b r{i}c r{i}d r{i}e r{i}f.\n"),
        );
    }
    // Loading got faster than the bar's delay: the test asks for none.
    let drawn = on_a_terminal(tmp.path(), "check", &[("CANNERY_PROGRESS_DELAY_MS", "0")]);
    assert!(drawn.contains("Reading responses ["), "no bar: {drawn:?}");
    for (args, env) in [
        (
            "check",
            &[("CI", "true"), ("CANNERY_PROGRESS_DELAY_MS", "0")][..],
        ),
        (
            "check --format json",
            &[("CANNERY_PROGRESS_DELAY_MS", "0")][..],
        ),
    ] {
        let drawn = on_a_terminal(tmp.path(), args, env);
        assert!(!drawn.contains("Reading"), "{args} {env:?} drew {drawn:?}");
    }
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
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannery starts");
        let (tx, lines) = mpsc::channel();
        let out: Box<dyn std::io::Read + Send> = Box::new(child.stdout.take().unwrap());
        let err: Box<dyn std::io::Read + Send> = Box::new(child.stderr.take().unwrap());
        for stream in [out, err] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
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

    /// Like `expect`, but a line already seen counts: stdout and stderr
    /// are two pipes, so their lines may arrive in either order.
    fn expect_either_order(&mut self, text: &str, limit: Duration) {
        if !self.seen.iter().any(|l| l.contains(text)) {
            self.expect(text, limit);
        }
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
    // Each check ends with the time it ran and what is watched.
    watching.expect_either_order("] watching . for changes; Ctrl-C to stop", wait);

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
