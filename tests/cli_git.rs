//! The real binary on repositories built in the test: `history`, `diff`,
//! and `--rev` on the commands that read the library.

mod common;
mod gitrepo;
use gitrepo::{response, Repo, JANE, OMAR};
use std::path::Path;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The binary as the other CLI tests run it, with git's system and global
/// config cut off too.
fn cannery(dir: &Path, args: &[&str]) -> Run {
    let out = common::run(
        common::cannery(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .args(args),
    );
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: common::stdout(&out),
        stderr: common::stderr(&out),
    }
}

/// A library in `library/`: three responses at `v1`, then one commit that
/// edits one, renames one, deletes one and adds one.
fn sample() -> (Repo, String, String) {
    let mut repo = Repo::new();
    repo.write("library/support/hours.md", &response("Business hours"));
    repo.write("library/billing/refund.md", &response("Refunds"));
    repo.write("library/support/old.md", &response("Old thing"));
    let c1 = repo.commit(JANE, "Add the first responses");
    repo.git(&["tag", "v1"]);
    let hours = response("Business hours")
        .replace(
            "title: Business hours",
            "title: Opening hours\ntags: [hours]",
        )
        .replace("Line 4 ", "Line four ");
    repo.write("library/support/hours.md", &hours);
    repo.rename("library/billing/refund.md", "library/billing/refunds.md");
    repo.remove("library/support/old.md");
    repo.write("library/support/new.md", &response("New one"));
    let c2 = repo.commit(OMAR, "Rework hours, rename refunds");
    (repo, c1, c2)
}

#[test]
fn history_lists_events_newest_first() {
    let (repo, _, _) = sample();
    let run = cannery(repo.path(), &["history"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn history_of_one_id_as_json_matches_git_log_follow() {
    let (repo, c1, c2) = sample();
    let run = cannery(repo.path(), &["history", "billing/refunds", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let events: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let commits: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["commit"].as_str().unwrap())
        .collect();
    let logged = repo.git(&[
        "log",
        "--follow",
        "--format=%H",
        "--",
        "library/billing/refunds.md",
    ]);
    assert_eq!(commits, logged.lines().collect::<Vec<_>>());
    assert_eq!(commits, [c2.as_str(), c1.as_str()]);
    assert_eq!(events[0]["kind"], "renamed");
    assert_eq!(events[0]["old_id"], "billing/refund");
    assert_eq!(events[0]["author"]["name"], "Omar Haddad");
    assert_eq!(events[1]["kind"], "created");
}

#[test]
fn history_shows_uncommitted_edits_as_such() {
    let (repo, _, _) = sample();
    repo.write("library/support/new.md", &response("New one, edited"));
    let run = cannery(repo.path(), &["history", "support/new"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(
        lines[0].starts_with("uncommitted  changed  support/new"),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains("created  support/new"), "{}", lines[1]);
}

#[test]
fn history_of_an_unknown_id_exits_1_with_a_suggestion() {
    let (repo, _, _) = sample();
    let run = cannery(repo.path(), &["history", "support/hour"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("did you mean `support/hours`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_bad_revision_exits_2_naming_it() {
    let (repo, _, _) = sample();
    for args in [
        &["check", "--rev", "nope"][..],
        &["--rev", "nope", "list"],
        &["history", "--rev", "nope"],
        &["diff", "nope"],
        &["diff", "v1", "nope"],
    ] {
        let run = cannery(repo.path(), args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(
            run.stderr
                .contains("`nope` is not a revision in this repository"),
            "{args:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn check_list_and_show_read_an_older_revision() {
    let (mut repo, _, _) = sample();
    repo.write("library/support/broken.md", "---\ntittle: x\n---\nBody\n");
    repo.commit(JANE, "Break something");
    assert_eq!(cannery(repo.path(), &["check"]).code, 1);
    let old = cannery(repo.path(), &["check", "--rev", "HEAD~1"]);
    assert_eq!(old.code, 0, "{}", old.stdout);

    let list = cannery(repo.path(), &["list", "--rev", "v1", "--json"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let listed: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["billing/refund", "support/hours", "support/old"]);

    // The working tree is ignored: an uncommitted edit does not show.
    repo.write(
        "library/support/hours.md",
        &response("Edited, not committed"),
    );
    let show = cannery(repo.path(), &["show", "--rev", "v1", "support/hours"]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(show
        .stdout
        .contains("Line 4 of the answer about Business hours."));
    let show = cannery(repo.path(), &["show", "--rev", "HEAD", "support/hours"]);
    assert!(
        show.stdout.contains("Line four of the answer"),
        "{}",
        show.stdout
    );
}

#[test]
fn diff_writes_a_pull_request_summary() {
    let (repo, _, _) = sample();
    let run = cannery(repo.path(), &["diff", "v1", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn diff_as_json_names_added_changed_renamed_and_removed() {
    let (repo, c1, c2) = sample();
    let run = cannery(repo.path(), &["diff", "v1", "HEAD", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["base"]["commit"], c1.as_str());
    assert_eq!(doc["head"]["commit"], c2.as_str());
    assert_eq!(doc["added"][0]["id"], "support/new");
    assert_eq!(doc["removed"][0]["id"], "support/old");
    assert_eq!(doc["renamed"][0]["old_id"], "billing/refund");
    assert_eq!(doc["renamed"][0]["id"], "billing/refunds");
    let changed = &doc["changed"][0];
    assert_eq!(changed["id"], "support/hours");
    let fields: Vec<&str> = changed["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["title", "tags", "body"]);
    assert_eq!(changed["fields"][0]["old"], "Business hours");
    assert_eq!(changed["fields"][0]["new"], "Opening hours");
    assert!(changed["body_diff"]
        .as_array()
        .unwrap()
        .contains(&"+Line four of the answer about Business hours.".into()));
}

#[test]
fn diff_defaults_to_the_working_tree() {
    let (repo, _, _) = sample();
    assert!(cannery(repo.path(), &["diff", "HEAD"])
        .stdout
        .contains("no changes"));
    repo.write(
        "library/support/new.md",
        &response("New one").replace("Line 1 ", "First "),
    );
    repo.write("library/support/broken.md", "---\ntittle: x\n---\nBody\n");
    let run = cannery(repo.path(), &["diff", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("and the working tree"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("| changed | `support/new` New one | `body` |"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("| **has errors** | `support/broken` |"),
        "{}",
        run.stdout
    );
}

#[test]
fn outside_git_history_and_rev_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("library")).unwrap();
    std::fs::write(dir.path().join("library/a.md"), response("A")).unwrap();
    for args in [
        &["history"][..],
        &["check", "--rev", "HEAD"],
        &["diff", "HEAD"],
    ] {
        let run = cannery(dir.path(), args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(
            run.stderr.contains("is not in a git repository"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn rev_is_refused_where_it_has_no_meaning() {
    let (repo, _, _) = sample();
    let run = cannery(repo.path(), &["new", "Another", "--rev", "v1"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--rev cannot be used here"),
        "{}",
        run.stderr
    );
    assert!(!repo.path().join("library/another.md").exists());
}

#[test]
fn list_json_carries_created_and_updated_from_git() {
    let (repo, c1, c2) = sample();
    let run = cannery(repo.path(), &["list", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let listed: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let refunds = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "billing/refunds")
        .unwrap();
    // Renamed in c2: created stays with c1, the rename is the last change.
    assert_eq!(refunds["created_at"], "2025-01-02T08:30:00Z");
    assert_eq!(refunds["created_by"]["name"], "Jane Smith");
    assert_eq!(refunds["created_by"]["email"], "jane@example.com");
    assert_eq!(refunds["updated_at"], "2025-01-03T08:30:00Z");
    assert_eq!(refunds["updated_by"]["name"], "Omar Haddad");
    assert_eq!(refunds["revision"], c2.as_str());
    let logged = repo.git(&[
        "log",
        "--follow",
        "--format=%H %aI",
        "--",
        "library/billing/refunds.md",
    ]);
    // git writes UTC as `Z` or `+00:00`, depending on its version.
    assert_eq!(
        logged.lines().last().unwrap().replace("+00:00", "Z"),
        format!("{c1} 2025-01-02T08:30:00Z")
    );

    let old = cannery(repo.path(), &["list", "--json", "--rev", "v1"]);
    let listed: serde_json::Value = serde_json::from_str(&old.stdout).unwrap();
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["revision"] == c1.as_str()));

    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir(outside.path().join("library")).unwrap();
    std::fs::write(outside.path().join("library/a.md"), response("A")).unwrap();
    let run = cannery(outside.path(), &["list", "--json"]);
    let listed: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(listed[0]["created_at"], serde_json::Value::Null);
    assert_eq!(listed[0]["revision"], serde_json::Value::Null);
}

/// Three responses at `v1`: `support/hours` includes `signature`, which
/// includes `legal/footer`; `billing/refund` includes `legal/footer`
/// itself; `support/plain` includes nothing and `support/hello` includes
/// `greeting`. Then one commit that changes `legal/footer` alone.
fn snippet_sample() -> Repo {
    let mut repo = Repo::new();
    let with = |title: &str, include: &str| format!("{}\n{include}\n", response(title));
    repo.write(
        "library/_snippets/legal/footer.md",
        "Acme Inc., 1 Main Street, Springfield.\n",
    );
    repo.write(
        "library/_snippets/signature.md",
        "---\ndescription: How we sign off\n---\nKind regards,\nthe support team\n\n{{> legal/footer }}\n",
    );
    repo.write("library/_snippets/greeting.md", "Hello there!\n");
    repo.write(
        "library/support/hours.md",
        &with("Business hours", "{{> signature }}"),
    );
    repo.write(
        "library/billing/refund.md",
        &with("Refunds", "{{> legal/footer }}"),
    );
    repo.write("library/support/plain.md", &response("Plain"));
    repo.write(
        "library/support/hello.md",
        &with("Hello", "{{> greeting }}"),
    );
    repo.commit(JANE, "Add responses and snippets");
    repo.git(&["tag", "v1"]);
    repo.write(
        "library/_snippets/legal/footer.md",
        "Acme Inc., 2 Harbour Road, Shelbyville.\n",
    );
    repo.commit(OMAR, "We moved");
    repo
}

#[test]
fn diff_shows_the_responses_a_changed_snippet_renders_differently() {
    let repo = snippet_sample();
    let check = cannery(repo.path(), &["--library", "library", "check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);

    let run = cannery(repo.path(), &["diff", "v1", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = &run.stdout;
    assert!(
        md.starts_with("### Canned responses: 2 changed through snippets\n"),
        "{md}"
    );
    // Directly and through `signature`; the snippet named is the one whose
    // own text changed.
    assert!(
        md.contains(
            "- Changed through snippet `legal/footer`: `billing/refund`, `support/hours`\n"
        ),
        "{md}"
    );
    assert!(!md.contains("`signature`"), "{md}");
    assert!(!md.contains("support/plain"), "{md}");
    assert!(!md.contains("support/hello"), "{md}");
    // No table: no response file changed. The snippet's own diff is shown.
    assert!(!md.contains("| Response |"), "{md}");
    assert!(md.contains("`_snippets/legal/footer.md`"), "{md}");
    assert!(
        md.contains("+Acme Inc., 2 Harbour Road, Shelbyville."),
        "{md}"
    );

    let run = cannery(repo.path(), &["diff", "v1", "HEAD", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["changed"], serde_json::json!([]));
    let snippets = doc["snippets"].as_array().unwrap();
    assert_eq!(snippets.len(), 1, "{snippets:?}");
    assert_eq!(snippets[0]["name"], "legal/footer");
    assert_eq!(snippets[0]["path"], "_snippets/legal/footer.md");
    let ids: Vec<&str> = snippets[0]["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["billing/refund", "support/hours"]);
    assert_eq!(snippets[0]["responses"][1]["title"], "Business hours");
}

#[test]
fn a_response_changed_itself_and_through_a_snippet_is_in_both_lists() {
    let mut repo = snippet_sample();
    repo.write(
        "library/support/hours.md",
        &format!("{}\n{{{{> signature }}}}\n", response("Opening hours")),
    );
    repo.write("library/_snippets/greeting.md", "Hi!\n");
    repo.commit(JANE, "Retitle hours, shorter greeting");

    let run = cannery(repo.path(), &["diff", "v1", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = &run.stdout;
    assert!(
        md.starts_with("### Canned responses: 1 changed, 2 changed through snippets\n"),
        "{md}"
    );
    assert!(
        md.contains("| changed | `support/hours` Opening hours |"),
        "{md}"
    );
    assert!(
        md.contains("- Changed through snippet `greeting`: `support/hello`\n"),
        "{md}"
    );
    assert!(
        md.contains(
            "- Changed through snippet `legal/footer`: `billing/refund`, `support/hours`\n"
        ),
        "{md}"
    );
}

#[test]
fn diff_lists_snippets_added_and_removed_with_the_responses_they_reach() {
    let mut repo = snippet_sample();
    // `greeting` goes: `support/hello` stops including it. `closing` is new
    // and `support/plain` includes it; `unused` is new and nobody's.
    repo.remove("library/_snippets/greeting.md");
    repo.write("library/support/hello.md", &response("Hello"));
    repo.write("library/_snippets/closing.md", "Talk soon!\n");
    repo.write("library/_snippets/unused.md", "Not yet used.\n");
    repo.write(
        "library/support/plain.md",
        &format!("{}\n{{{{> closing }}}}\n", response("Plain")),
    );
    repo.commit(JANE, "Say goodbye instead of hello");
    let check = cannery(repo.path(), &["--library", "library", "check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);

    let run = cannery(repo.path(), &["diff", "HEAD~1", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = &run.stdout;
    assert!(
        md.contains("- Snippet `closing` added, included by `support/plain`\n"),
        "{md}"
    );
    assert!(
        md.contains("- Snippet `unused` added; no response includes it yet.\n"),
        "{md}"
    );
    assert!(
        md.contains("- Snippet `greeting` removed; it was included by `support/hello`\n"),
        "{md}"
    );
    // An edited snippet is neither added nor removed.
    assert!(!md.contains("`legal/footer`"), "{md}");

    let run = cannery(repo.path(), &["diff", "HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let names = |field: &str| -> Vec<(String, String, Vec<String>)> {
        doc[field]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let ids = s["responses"].as_array().unwrap();
                (
                    s["name"].as_str().unwrap().to_string(),
                    s["path"].as_str().unwrap().to_string(),
                    ids.iter()
                        .map(|r| r["id"].as_str().unwrap().to_string())
                        .collect(),
                )
            })
            .collect()
    };
    assert_eq!(
        names("snippets_added"),
        [
            (
                "closing".into(),
                "_snippets/closing.md".into(),
                vec!["support/plain".to_string()]
            ),
            ("unused".into(), "_snippets/unused.md".into(), vec![]),
        ]
    );
    assert_eq!(
        names("snippets_removed"),
        [(
            "greeting".into(),
            "_snippets/greeting.md".into(),
            vec!["support/hello".to_string()]
        )]
    );
    assert_eq!(doc["snippets"], serde_json::json!([]));

    // Snippets alone make the headline.
    repo.remove("library/_snippets/unused.md");
    repo.commit(OMAR, "Drop the unused snippet");
    let run = cannery(repo.path(), &["diff", "HEAD~1", "HEAD"]);
    assert!(
        run.stdout
            .starts_with("### Canned responses: 1 snippet removed\n"),
        "{}",
        run.stdout
    );
}
