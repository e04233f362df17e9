//! `cannery usage` (SPEC §4, §5.3): counts from the log `serve
//! --usage-log` writes, the period, the unused, and a torn last line.

mod common;

use common::{cannery, run_within};
use serde_json::Value;
use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

const LOG: &str = concat!(
    "{\"id\":\"greeting/welcome\",\"at\":\"2026-01-05T10:00:00Z\"}\n",
    "{\"id\":\"greeting/welcome\",\"at\":\"2026-03-05T10:00:00Z\",\"agent\":\"ana\"}\n",
    "{\"id\":\"closing/resolved\",\"at\":\"2026-02-10T08:30:00Z\"}\n",
    "{\"id\":\"billing/old-refund\",\"at\":\"2026-02-01T00:00:00Z\"}\n",
    "{\"id\":\"greeting/welcome\",\"at\":\"2026-03-0",
);

fn library() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/library"))
}

/// `cannery --library <the sample library> usage ARGS…`, run in `dir`.
fn run_usage(dir: &Path, args: &[&OsStr]) -> std::process::Output {
    run_within(
        cannery(dir)
            .arg("--library")
            .arg(library())
            .arg("usage")
            .args(args),
        Duration::from_secs(60),
    )
}

fn usage(log: &Path, extra: &[&str]) -> (Value, String) {
    let mut args: Vec<&OsStr> = vec!["--json".as_ref(), "--usage-log".as_ref(), log.as_os_str()];
    args.extend(extra.iter().map(OsStr::new));
    let out = run_usage(log.parent().unwrap(), &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = serde_json::from_slice(&out.stdout).expect("usage --json prints JSON");
    (json, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn counts(report: &Value, key: &str) -> Vec<(String, u64)> {
    report[key]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["usage_count"].as_u64().unwrap() > 0)
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["usage_count"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn counts_each_response_and_warns_about_the_torn_last_line() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("usage.jsonl");
    std::fs::write(&log, LOG).unwrap();
    let (report, stderr) = usage(&log, &[]);
    assert_eq!(
        counts(&report, "responses"),
        [
            ("greeting/welcome".to_string(), 2),
            ("closing/resolved".to_string(), 1)
        ]
    );
    assert_eq!(
        report["responses"][0]["last_used_at"],
        "2026-03-05T10:00:00Z"
    );
    // Every response is listed, the unused with 0.
    let listed = report["responses"].as_array().unwrap().len();
    assert!(listed >= 20, "{listed} responses listed");
    assert_eq!(
        counts(&report, "not_in_library"),
        [("billing/old-refund".to_string(), 1)]
    );
    assert!(
        stderr.contains("line 5 of the usage log was cut short"),
        "{stderr}"
    );
    // The log is only read.
    assert_eq!(std::fs::read_to_string(&log).unwrap(), LOG);
}

#[test]
fn since_and_unused_narrow_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("usage.jsonl");
    std::fs::write(&log, LOG).unwrap();
    let (report, _) = usage(&log, &["--since", "2026-02-01"]);
    assert_eq!(
        counts(&report, "responses"),
        [
            ("closing/resolved".to_string(), 1),
            ("greeting/welcome".to_string(), 1)
        ]
    );
    assert_eq!(report["since"], "2026-02-01T00:00:00Z");

    let (unused, _) = usage(&log, &["--unused", "--since", "2026-03-01"]);
    let ids: Vec<&str> = unused["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&"greeting/welcome"), "used on 2026-03-05");
    assert!(ids.contains(&"closing/resolved"), "used only before March");
    assert!(ids.iter().all(|id| !id.is_empty()));
}

#[test]
fn a_missing_log_or_a_bad_date_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.jsonl");
    let out = run_usage(dir.path(), &["--usage-log".as_ref(), missing.as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot read the usage log"), "{stderr}");

    std::fs::write(dir.path().join("u.jsonl"), LOG).unwrap();
    let args = ["--usage-log", "u.jsonl", "--since", "2026-13-01"];
    let out = run_usage(dir.path(), &args.map(OsStr::new));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`2026-13-01` is not a date"), "{stderr}");
}

#[test]
fn the_table_names_the_unused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("u.jsonl"), LOG).unwrap();
    let args = ["--usage-log", "u.jsonl", "--unused"];
    let out = run_usage(dir.path(), &args.map(OsStr::new));
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("active responses nobody used:"), "{stdout}");
    assert!(stdout.contains("closing/follow-up"), "{stdout}");
    assert!(!stdout.contains("greeting/welcome "), "{stdout}");
}
