//! Helpers shared by the export and import tests: run the real binary on a
//! library copied into a temporary folder.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Runs `cannery --library <dir> <args>`, colour off, from inside `dir`.
pub fn cannery(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cannery"))
        .arg("--library")
        .arg(dir)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("CANNERY_LIBRARY")
        .output()
        .expect("the binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A copy of the fixture library `name` without the files in `except`.
pub fn copy_of(name: &str, except: &[&str]) -> TempDir {
    let from = fixture(name);
    let dir = TempDir::new().expect("a temporary folder");
    for entry in walk(&from) {
        let relative = entry.strip_prefix(&from).unwrap();
        let key = relative.to_string_lossy().replace('\\', "/");
        if except.contains(&key.as_str()) {
            continue;
        }
        let to = dir.path().join(relative);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &to).unwrap();
    }
    dir
}

/// A library made of `files` (path, text).
pub fn library(files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new().expect("a temporary folder");
    for (path, text) in files {
        let to = dir.path().join(path);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, text).unwrap();
    }
    dir
}

/// Every file below `dir`, sorted.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The files of `check --format json` that have errors, with their codes.
pub fn errors(dir: &Path, args: &[&str]) -> Vec<(String, String)> {
    let mut all = vec!["check", "--format", "json"];
    all.extend(args);
    let out = cannery(dir, &all);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("check prints JSON");
    let mut found: Vec<(String, String)> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["severity"] == "error")
        .map(|p| {
            (
                p["file"].as_str().unwrap().to_string(),
                p["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

/// Each target and the acme files it cannot hold (see `tests/export.rs`).
pub const REFUSED: &[(&str, &[&str])] = &[
    ("json", &[]),
    ("oktopost", &["support/billing/refund-policy.md"]),
    (
        "whatomate",
        &[
            "closing/resolved.md",
            "general/ana-sign-off.md",
            "greeting/welcome.de.md",
            "greeting/welcome.md",
            "support/billing/refund-policy.md",
            "support/escalation.md",
            "support/password-reset.md",
            "support/shipping/order-status.md",
        ],
    ),
    (
        "rocketchat",
        &[
            "closing/resolved.md",
            "general/out-of-office.md",
            "greeting/welcome.de.md",
            "greeting/welcome.md",
            "support/escalation.md",
            "support/shipping/order-status.md",
        ],
    ),
    (
        "supporthub",
        &[
            "closing/resolved.md",
            "greeting/welcome.de.md",
            "greeting/welcome.md",
            "support/billing/refund-policy.md",
            "support/escalation.md",
            "support/password-reset.md",
            "support/shipping/order-status.md",
        ],
    ),
    (
        "suppuo",
        &[
            "general/ana-sign-off.md",
            "support/billing/refund-policy.md",
        ],
    ),
    (
        "chatwoot",
        &[
            "general/ana-sign-off.md",
            "general/out-of-office.md",
            "support/billing/refund-policy.md",
        ],
    ),
    ("zendesk", &[]),
    (
        "freshdesk",
        &[
            "closing/resolved.md",
            "greeting/welcome.de.md",
            "greeting/welcome.md",
            "support/escalation.md",
            "support/password-reset.md",
        ],
    ),
    (
        "helpscout",
        &[
            "closing/resolved.md",
            "general/ana-sign-off.md",
            "greeting/welcome.de.md",
            "greeting/welcome.md",
            "support/billing/refund-policy.md",
            "support/escalation.md",
            "support/password-reset.md",
            "support/shipping/order-status.md",
        ],
    ),
    ("front", &["general/ana-sign-off.md"]),
    ("zammad", &["general/ana-sign-off.md"]),
    (
        "zammad-csv",
        &[
            "general/ana-sign-off.md",
            "support/billing/refund-policy.md",
        ],
    ),
];
