//! `cannery check` against fixture libraries: one folder per problem code
//! under tests/fixtures/invalid/, each with a bad file beside a good one.

mod common;

use common::*;
use std::time::Duration;

#[test]
fn every_invalid_fixture_reports_its_code_and_keeps_the_good_file() {
    let mut seen = 0;
    for entry in std::fs::read_dir(fixtures().join("invalid")).unwrap() {
        let dir = entry.unwrap().path();
        let case = dir.file_name().unwrap().to_str().unwrap().to_string();
        let code = case.strip_prefix("config-").unwrap_or(&case);
        let (status, doc) = check_json(&dir);
        let problems = doc["problems"].as_array().unwrap();
        let hit = problems
            .iter()
            .find(|p| p["code"] == code)
            .unwrap_or_else(|| panic!("{case}: no `{code}` problem in {doc:#}"));
        for key in [
            "severity",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "message",
        ] {
            assert!(!hit[key].is_null(), "{case}: `{key}` missing in {hit}");
        }
        assert!(hit["line"].as_u64().unwrap() >= 1 && hit["column"].as_u64().unwrap() >= 1);
        let errors = doc["summary"]["errors"].as_u64().unwrap();
        assert_eq!(
            status,
            if errors > 0 { 1 } else { 0 },
            "{case}: exit status"
        );
        // The good file is never lost because of its neighbour.
        assert!(
            doc["summary"]["responses"].as_u64().unwrap() >= 1,
            "{case}: ok.md was not loaded"
        );
        let list = run(cannery(&dir).args(["--library", ".", "list", "--json"]));
        assert!(
            stdout(&list).contains("\"id\": \"ok\""),
            "{case}: ok.md not listed"
        );
        seen += 1;
    }
    assert!(seen >= 30, "only {seen} fixtures");
}

#[test]
fn human_output_of_every_invalid_fixture() {
    let mut cases: Vec<_> = std::fs::read_dir(fixtures().join("invalid"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    for dir in cases {
        let case = dir.file_name().unwrap().to_str().unwrap().to_string();
        let out = run(cannery(&dir).args(["--library", ".", "check"]));
        insta::assert_snapshot!(format!("human__{case}"), stdout(&out));
    }
}

#[test]
fn problems_point_at_the_exact_line_and_column() {
    let dir = fixtures().join("invalid");
    let at = |case: &str, code: &str| {
        let (_, doc) = check_json(&dir.join(case));
        let p = doc["problems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["code"] == code)
            .cloned()
            .unwrap();
        (
            p["file"].as_str().unwrap().to_string(),
            p["line"].as_u64().unwrap(),
            p["column"].as_u64().unwrap(),
            p["end_column"].as_u64().unwrap(),
        )
    };
    assert_eq!(
        at("unknown-field", "unknown-field"),
        ("support/bad.md".into(), 2, 1, 7)
    );
    assert_eq!(
        at("duplicate-key", "duplicate-key"),
        ("support/bad.md".into(), 3, 1, 6)
    );
    assert_eq!(
        at("wrong-type", "wrong-type"),
        ("support/bad.md".into(), 3, 9, 14)
    );
    assert_eq!(
        at("unknown-placeholder", "unknown-placeholder"),
        ("support/bad.md".into(), 4, 4, 28)
    );
    assert_eq!(
        at("unclosed-placeholder", "unclosed-placeholder"),
        ("support/bad.md".into(), 4, 4, 6)
    );
    assert_eq!(
        at("duplicate-shortcut", "duplicate-shortcut"),
        ("support/bad.md".into(), 3, 11, 16)
    );
    assert_eq!(
        at("config-unknown-field", "unknown-field"),
        ("cannery.yaml".into(), 2, 1, 10)
    );
}

#[test]
fn duplicates_name_both_files() {
    for case in ["duplicate-id", "duplicate-title", "duplicate-shortcut"] {
        let (_, doc) = check_json(&fixtures().join("invalid").join(case));
        let p = doc["problems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["code"] == case)
            .cloned()
            .unwrap();
        assert_eq!(p["file"], "support/bad.md");
        assert!(
            p["message"]
                .as_str()
                .unwrap()
                .contains("support/a-hours.md"),
            "{p}"
        );
    }
}

#[test]
fn hostile_files_each_get_a_problem_quickly_and_spare_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("lib");
    write(&root, "ok.md", "---\ntitle: Fine\n---\nFine.\n");
    write(&root, "latin1.md", b"---\ntitle: Caf\xe9\n---\nBody\n");
    let mut big = b"---\ntitle: Big\n---\n".to_vec();
    big.resize(2 * 1024 * 1024, b'a');
    write(&root, "big.md", big);
    let laughs = "---\ntitle: Bomb\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n---\nBody\n";
    write(&root, "alias-bomb.md", laughs);
    write(
        &root,
        "deep.md",
        format!(
            "---\ntitle: Deep\ntags: {}{}\n---\nBody\n",
            "[".repeat(5000),
            "]".repeat(5000)
        ),
    );
    write(
        &root,
        "deep-map.md",
        format!(
            "---\ntitle: Deep\nx: {}1{}\n---\nBody\n",
            "{a: ".repeat(5000),
            "}".repeat(5000)
        ),
    );
    std::os::unix::fs::symlink("/etc/passwd", root.join("escape.md")).unwrap();
    std::os::unix::fs::symlink(root.join("nowhere.md"), root.join("dangling.md")).unwrap();
    std::os::unix::fs::symlink(root.join("ok.md"), root.join("inside-link.md")).unwrap();
    let fifo = root.join("pipe.md");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    write(&root, "line\nbreak.md", "---\ntitle: Newline\n---\nBody\n");
    write(
        &root,
        "deeper.md",
        format!(
            "---\ntitle: Deeper\ntags: {}\n---\nBody\n",
            "[".repeat(100_000)
        ),
    );
    // A 1 GB sparse file: refused by its size, never read.
    let sparse = std::fs::File::create(root.join("sparse.md")).unwrap();
    sparse.set_len(1 << 30).unwrap();
    std::os::unix::fs::symlink(root.join("loop-b.md"), root.join("loop-a.md")).unwrap();
    std::os::unix::fs::symlink(root.join("loop-a.md"), root.join("loop-b.md")).unwrap();
    std::os::unix::fs::symlink(&root, root.join("self")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", root.join("zero.md")).unwrap();
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
        std::fs::write(root.join(name), "---\ntitle: Latin-1 name\n---\nBody\n").unwrap();
    }

    let out = run_within(
        cannery(&root).args(["check", "--format", "json"]),
        Duration::from_secs(20),
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = codes(&doc);
    let expect = [
        ("latin1.md", "not-utf8"),
        ("big.md", "file-too-large"),
        ("alias-bomb.md", "yaml-too-complex"),
        ("deep.md", "yaml-too-complex"),
        ("deep-map.md", "yaml-too-complex"),
        ("escape.md", "symlink-outside"),
        ("dangling.md", "broken-symlink"),
        ("pipe.md", "not-a-file"),
        ("line\\nbreak.md", "invalid-file-name"),
        ("deeper.md", "yaml-too-complex"),
        ("sparse.md", "file-too-large"),
        ("loop-a.md", "broken-symlink"),
        ("loop-b.md", "broken-symlink"),
        ("zero.md", "symlink-outside"),
    ];
    for (file, code) in expect {
        assert!(
            found.contains(&(file.to_string(), code.to_string())),
            "{file}: {code} not in {found:?}"
        );
    }
    // The link inside the library is read like any file: its title clashes.
    assert!(
        found.contains(&("ok.md".to_string(), "duplicate-title".to_string()))
            || found.contains(&("inside-link.md".to_string(), "duplicate-title".to_string())),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "caf\u{FFFD}.md".to_string(),
            "invalid-file-name".to_string()
        )),
        "{found:?}"
    );
    assert_eq!(doc["summary"]["responses"], 1, "{doc:#}");
    assert_eq!(out.status.code(), Some(1));
    // The byte position of a non-UTF-8 byte is shown as line and column.
    let p = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "not-utf8")
        .unwrap();
    assert_eq!(
        (p["line"].as_u64(), p["column"].as_u64()),
        (Some(2), Some(11))
    );
}

#[test]
fn an_unreadable_file_is_a_problem() {
    // Root reads everything, so this can only be shown as another user.
    let uid = std::process::Command::new("id").arg("-u").output().unwrap();
    if String::from_utf8_lossy(&uid.stdout).trim() == "0" {
        eprintln!("skipped: running as root, permissions do not apply");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "ok.md", "---\ntitle: Fine\n---\nFine.\n");
    write(tmp.path(), "secret.md", "---\ntitle: Secret\n---\nBody\n");
    write(
        tmp.path(),
        "closed/inner.md",
        "---\ntitle: Inner\n---\nBody\n",
    );
    std::fs::set_permissions(
        tmp.path().join("secret.md"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    std::fs::set_permissions(
        tmp.path().join("closed"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let (status, doc) = check_json(tmp.path());
    std::fs::set_permissions(
        tmp.path().join("closed"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let found = codes(&doc);
    assert!(
        found.contains(&("secret.md".into(), "unreadable".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("closed".into(), "unreadable".into())),
        "{found:?}"
    );
    assert_eq!(status, 1);
}

#[test]
fn bom_and_crlf_are_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "hours.md",
        "\u{FEFF}---\r\ntitle: Hours\r\ntags: [a]\r\n---\r\nHi {{ contact.first_name }}\r\n",
    );
    let (status, doc) = check_json(tmp.path());
    assert_eq!(
        (status, doc["summary"]["errors"].as_u64()),
        (0, Some(0)),
        "{doc:#}"
    );
}

#[test]
fn deny_warnings_turns_warnings_into_failure() {
    let dir = fixtures().join("invalid/raw-html");
    assert_eq!(run(cannery(&dir).args(["check"])).status.code(), Some(0));
    assert_eq!(
        run(cannery(&dir).args(["check", "--deny-warnings"]))
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn github_format_annotates_the_files() {
    let dir = fixtures().join("invalid/unknown-field");
    let out = run(cannery(&dir).args(["check", "--format", "github"]));
    assert!(stdout(&out).contains("::error file="), "{}", stdout(&out));
    assert!(stdout(&out).contains("support/bad.md,line=2,col=1,endLine=2,endColumn=7,title=unknown-field::`tittle` is not a field — did you mean `title`?"));
}

#[test]
fn colour_only_when_asked_and_never_with_no_color() {
    let dir = fixtures().join("invalid/unknown-field");
    let forced = run(cannery(&dir)
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .arg("check"));
    assert!(stdout(&forced).contains('\u{1b}'), "no colour when forced");
    let piped = run(cannery(&dir).env_remove("NO_COLOR").arg("check"));
    assert!(!stdout(&piped).contains('\u{1b}'), "colour on a pipe");
    let no_color = run(cannery(&dir)
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .arg("check"));
    assert!(
        !stdout(&no_color).contains('\u{1b}'),
        "colour despite NO_COLOR"
    );
}
