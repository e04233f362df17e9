//! Git repositories built inside tests with the `git` CLI: pinned dates,
//! the user's and the system's git config cut off.
#![allow(dead_code)]

use cannery::history::Repository;
use std::path::Path;
use std::process::Command;

pub const JANE: (&str, &str) = ("Jane Smith", "jane@example.com");
pub const OMAR: (&str, &str) = ("Omar Haddad", "omar@example.com");

/// 2025-01-01T08:30:00Z; commit `n` is authored `n` days later.
pub const BASE: i64 = 1_735_720_200;
pub const DAY: i64 = 86_400;

pub struct Repo {
    pub dir: tempfile::TempDir,
    pub commits: i64,
}

pub fn git_in(dir: &Path, args: &[&str], envs: &[(&str, String)]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_COMMITTER_NAME", "Merge Bot")
        .env("GIT_COMMITTER_EMAIL", "bot@example.com")
        .envs(envs.iter().map(|(k, v)| (k, v)))
        .args(["-c", "init.defaultBranch=main", "-c", "core.autocrlf=false"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

impl Repo {
    pub fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        git_in(dir.path(), &["init", "-q"], &[]);
        Repo { dir, commits: 0 }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn git(&self, args: &[&str]) -> String {
        git_in(self.path(), args, &[])
    }

    pub fn write(&self, path: &str, text: &str) {
        let file = self.path().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }

    pub fn remove(&self, path: &str) {
        std::fs::remove_file(self.path().join(path)).unwrap();
    }

    pub fn rename(&self, from: &str, to: &str) {
        let to_file = self.path().join(to);
        std::fs::create_dir_all(to_file.parent().unwrap()).unwrap();
        std::fs::rename(self.path().join(from), to_file).unwrap();
    }

    /// The environment of the next commit: its author, and dates a day
    /// apart, the committer's an hour after the author's.
    pub fn next_env(&mut self, who: (&str, &str)) -> Vec<(&'static str, String)> {
        self.commits += 1;
        let author = BASE + self.commits * DAY;
        vec![
            ("GIT_AUTHOR_NAME", who.0.to_string()),
            ("GIT_AUTHOR_EMAIL", who.1.to_string()),
            ("GIT_AUTHOR_DATE", format!("{author} +0000")),
            ("GIT_COMMITTER_DATE", format!("{} +0000", author + 3600)),
        ]
    }

    /// Commits everything in the working tree; returns the commit id.
    pub fn commit(&mut self, who: (&str, &str), subject: &str) -> String {
        self.git(&["add", "-A"]);
        let env = self.next_env(who);
        git_in(
            self.path(),
            &["commit", "-q", "--allow-empty", "-m", subject],
            &env,
        );
        self.head()
    }

    pub fn merge(&mut self, who: (&str, &str), branch: &str, subject: &str) -> Option<String> {
        let env = self.next_env(who);
        let out = Command::new("git")
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_COMMITTER_NAME", "Merge Bot")
            .env("GIT_COMMITTER_EMAIL", "bot@example.com")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .args(["merge", "-q", "--no-ff", "-m", subject, branch])
            .output()
            .unwrap();
        out.status.success().then(|| self.head())
    }

    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    pub fn date_of(&self, n: i64) -> String {
        jiff::Timestamp::from_second(BASE + n * DAY)
            .unwrap()
            .to_string()
    }

    pub fn open(&self, library: &str) -> Repository {
        Repository::discover(&self.path().join(library))
            .expect("discovers")
            .expect("is a repository")
    }
}

pub fn response(title: &str) -> String {
    let mut text = format!("---\ntitle: {title}\n---\n");
    for line in 1..=12 {
        text.push_str(&format!("Line {line} of the answer about {title}.\n"));
    }
    text
}
