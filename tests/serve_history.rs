//! `serve` in a git repository: dates and authors from commits, a
//! response's history, changes since a revision, `--rev`, and a commit
//! noticed while serving.

mod gitrepo;
mod serve_support;

use gitrepo::{response, Repo, JANE, OMAR};
use serve_support::{eventually, Server};
use std::time::Duration;

/// hours: created by Jane (1), changed by Omar (2); refunds created (1),
/// renamed (3); old deleted (3).
fn repository() -> (Repo, Vec<String>) {
    let mut repo = Repo::new();
    repo.write("library/support/hours.md", &response("Business hours"));
    repo.write("library/support/refunds.md", &response("Refunds"));
    repo.write("library/old.md", &response("Old"));
    let first = repo.commit(JANE, "Add the first responses");
    repo.write(
        "library/support/hours.md",
        &(response("Business hours") + "One more line.\n"),
    );
    let second = repo.commit(OMAR, "Longer hours");
    repo.rename("library/support/refunds.md", "library/billing/refunds.md");
    repo.remove("library/old.md");
    let third = repo.commit(OMAR, "Move refunds, drop old");
    (repo, vec![first, second, third])
}

#[test]
fn objects_carry_dates_and_authors_from_git() {
    let (repo, commits) = repository();
    let server = Server::start(&repo.path().join("library"), &[]);
    let list = server.get("/api/v1/canned-responses").json();
    assert_eq!(list["meta"]["revision"], commits[2].as_str());
    let hours = server.get("/api/v1/canned-responses/support/hours").json();
    let hours = &hours["data"];
    assert_eq!(hours["created_by"]["name"], JANE.0);
    assert_eq!(hours["updated_by"]["email"], OMAR.1);
    assert_eq!(hours["created_at"], repo.date_of(1).as_str());
    assert_eq!(hours["updated_at"], repo.date_of(2).as_str());
    assert_eq!(hours["revision"], commits[1].as_str());
    assert_eq!(
        server.get("/api/v1/health").json()["data"]["revision"],
        commits[2].as_str()
    );

    // Newest change first; never-changed responses come after.
    let ids = server.get("/api/v1/canned-responses?sort=-updated").ids();
    assert_eq!(ids, ["billing/refunds", "support/hours"]);
    let ids = server.get("/api/v1/canned-responses?sort=created").ids();
    assert_eq!(ids, ["support/hours", "billing/refunds"], "ties by title");
}

#[test]
fn history_of_a_response_and_changes_since_a_revision() {
    let (repo, commits) = repository();
    let server = Server::start(&repo.path().join("library"), &[]);
    let history = server.get("/api/v1/history/support/hours").json();
    let kinds: Vec<&str> = history["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["changed", "created"]);
    assert_eq!(history["data"][0]["commit"], commits[1].as_str());
    assert_eq!(history["data"][0]["author"]["name"], OMAR.0);
    assert_eq!(history["data"][0]["subject"], "Longer hours");
    assert_eq!(history["meta"]["total"], 2);

    // A deleted response keeps its history.
    let old = server.get("/api/v1/history/old").json();
    assert_eq!(old["data"][0]["kind"], "deleted");
    assert_eq!(server.get("/api/v1/history/never/was").status, 404);

    let changes = server
        .get(&format!("/api/v1/changes?since={}", commits[0]))
        .json();
    let seen: Vec<(String, String)> = changes["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_string(),
                e["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(seen.contains(&("deleted".into(), "old".into())), "{seen:?}");
    assert!(
        seen.contains(&("renamed".into(), "billing/refunds".into())),
        "{seen:?}"
    );
    assert!(
        seen.contains(&("changed".into(), "support/hours".into())),
        "{seen:?}"
    );
    assert_eq!(seen.len(), 3, "{seen:?}");
    // A short commit id and a branch name work too.
    let short = server.get(&format!("/api/v1/changes?since={}", &commits[1][..10]));
    assert_eq!(short.json()["meta"]["total"], 2);
    assert_eq!(
        server.get("/api/v1/changes?since=main").json()["meta"]["total"],
        0
    );

    let missing = server.get("/api/v1/changes");
    assert_eq!(
        (
            missing.status,
            missing.json()["error"]["parameter"].as_str()
        ),
        (400, Some("since"))
    );
    assert_eq!(server.get("/api/v1/changes?since=deadbeef").status, 404);
}

#[test]
fn rev_serves_the_library_as_it_was() {
    let (repo, commits) = repository();
    let server = Server::start(&repo.path().join("library"), &["--rev", &commits[0]]);
    assert_eq!(
        server.get("/api/v1/canned-responses").ids(),
        ["support/hours", "old", "support/refunds"]
    );
    let list = server.get("/api/v1/canned-responses").json();
    assert_eq!(list["meta"]["revision"], commits[0].as_str());
    assert_eq!(
        server.get("/api/v1/history/support/hours").json()["meta"]["total"],
        1
    );
}

#[test]
fn a_commit_while_serving_updates_dates_and_authors() {
    let (mut repo, _) = repository();
    let server = Server::start(&repo.path().join("library"), &[]);
    repo.write(
        "library/support/hours.md",
        &(response("Business hours") + "Jane's line.\n"),
    );
    // The saved file reloads at once: not committed, so the dates stay.
    assert!(eventually(Duration::from_secs(10), || server.generation() >= 2));
    let updated = || {
        server.get("/api/v1/canned-responses/support/hours").json()["data"]["updated_by"]["name"]
            .clone()
    };
    assert_eq!(updated(), OMAR.0);
    let commit = repo.commit(JANE, "Jane's line");
    assert!(
        eventually(Duration::from_secs(10), || updated() == JANE.0),
        "{}",
        server.stderr()
    );
    assert_eq!(
        server.get("/api/v1/health").json()["data"]["revision"],
        commit.as_str()
    );
}
