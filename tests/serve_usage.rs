//! `serve --usage-log FILE` (SPEC §5.3): counting uses without writing
//! into the library.

mod serve_support;

use serve_support::{library, Server, LIBRARY};

fn lines(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or(serde_json::Value::Null))
        .collect()
}

#[test]
fn a_use_is_one_line_in_the_log_and_counted_in_the_object() {
    let dir = library(LIBRARY);
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("usage.jsonl");
    let server = Server::start(dir.path(), &["--usage-log", log.to_str().unwrap()]);

    let fresh = server.get("/api/v1/canned-responses/closing/bye").json();
    assert_eq!(fresh["data"]["usage_count"], 0);
    assert!(fresh["data"]["last_used_at"].is_null());

    let used = server.send(
        "POST",
        "/api/v1/canned-responses/closing/bye/use",
        &[],
        None,
    );
    assert_eq!(used.status, 204, "{}", used.body);
    assert_eq!(used.body, "");
    let body = server.send(
        "POST",
        "/api/v1/canned-responses/closing/bye/use",
        &[("Content-Type", "application/json")],
        Some(r#"{"agent": "ana@example.com"}"#),
    );
    assert_eq!(body.status, 204);
    let query = server.send(
        "POST",
        "/api/v1/canned-responses/support%2Frefunds/use?agent=omar",
        &[],
        None,
    );
    assert_eq!(query.status, 204);

    let written = lines(&log);
    assert_eq!(written.len(), 3);
    assert_eq!(written[0]["id"], "closing/bye");
    assert!(written[0].get("agent").is_none());
    assert_eq!(written[1]["agent"], "ana@example.com");
    assert_eq!(written[2]["id"], "support/refunds");
    assert_eq!(written[2]["agent"], "omar");
    let at = written[0]["at"].as_str().unwrap();
    assert!(at.len() == 20 && at.ends_with('Z'), "{at}");

    let counted = server.get("/api/v1/canned-responses/closing/bye").json();
    assert_eq!(counted["data"]["usage_count"], 2);
    assert_eq!(counted["data"]["last_used_at"], written[1]["at"]);

    // Unknown ids and bad bodies write nothing.
    let unknown = server.send(
        "POST",
        "/api/v1/canned-responses/closing/nope/use",
        &[],
        None,
    );
    assert_eq!(unknown.status, 404);
    let bad = server.send(
        "POST",
        "/api/v1/canned-responses/closing/bye/use",
        &[],
        Some("agent=ana"),
    );
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"]["parameter"], "body");
    let big = "x".repeat(20_000);
    let empty = server.send(
        "POST",
        "/api/v1/canned-responses/closing/bye/use?agent=",
        &[],
        None,
    );
    assert_eq!(empty.status, 400);
    assert_eq!(empty.json()["error"]["parameter"], "agent");
    let too_large = server.send(
        "POST",
        "/api/v1/canned-responses/closing/bye/use",
        &[],
        Some(&big),
    );
    assert_eq!(too_large.status, 413);
    assert_eq!(lines(&log).len(), 3);
    // `…/use` is for POST alone; an id ending in `/use` is read as `…%2Fuse`
    // (sent raw: the HTTP client would turn `%2F` back into `/`).
    let get = server.get("/api/v1/canned-responses/closing/bye/use");
    assert_eq!((get.status, get.header("allow")), (405, Some("POST")));
    let encoded = serve_support::raw(
        &server.addr,
        b"GET /api/v1/canned-responses/closing/bye%2Fuse HTTP/1.1\r\nHost: t\r\n\r\n",
        std::time::Duration::from_secs(5),
    );
    assert!(encoded.starts_with("HTTP/1.1 404"), "{encoded}");
    // Nothing was written into the library.
    assert!(!dir.path().join("usage.jsonl").exists());
}

#[test]
fn the_log_survives_a_restart_and_a_torn_last_line() {
    let dir = library(LIBRARY);
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("usage.jsonl");
    std::fs::write(
        &log,
        "{\"id\":\"closing/bye\",\"at\":\"2025-01-01T00:00:00Z\"}\n{\"id\":\"closing/bye\",\"at\":\"2025-02-01T00:00:00Z\"}\n{\"id\":\"closing/bye\",\"a",
    )
    .unwrap();
    let server = Server::start(dir.path(), &["--usage-log", log.to_str().unwrap()]);
    assert!(server.wait_stderr("cut short"), "{}", server.stderr());
    let counted = server.get("/api/v1/canned-responses/closing/bye").json();
    assert_eq!(counted["data"]["usage_count"], 2);
    assert_eq!(counted["data"]["last_used_at"], "2025-02-01T00:00:00Z");

    assert_eq!(
        server
            .send(
                "POST",
                "/api/v1/canned-responses/closing/bye/use",
                &[],
                None
            )
            .status,
        204
    );
    drop(server);
    // The new line starts on a line of its own, after the torn one.
    let text = std::fs::read_to_string(&log).unwrap();
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("{\"id\":\"closing/bye\",\"at\":\"20"),
        "{text}"
    );

    let server = Server::start(dir.path(), &["--usage-log", log.to_str().unwrap()]);
    let counted = server.get("/api/v1/canned-responses/closing/bye").json();
    assert_eq!(counted["data"]["usage_count"], 3);
}

#[test]
fn the_log_may_not_live_in_the_library() {
    let dir = library(LIBRARY);
    let inside = dir.path().join("support/usage.jsonl");
    let out = std::process::Command::new(serve_support::BIN)
        .arg("--library")
        .arg(dir.path())
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--usage-log",
            inside.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("inside the library"));
    assert!(!inside.exists());
}
