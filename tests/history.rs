//! The history module against the `git` CLI as the oracle: every test builds
//! its repository here, with pinned dates and the user's git config cut off,
//! then checks what `cannery::history` says against what `git log` says.

use cannery::history::{Event, EventKind, GitError, History, HistoryCache, Repository};
use cannery::source::{is_response_path, ReadError, Source, MAX_FILE_BYTES};

mod gitrepo;
use gitrepo::{git_in, response, Repo, BASE, DAY, JANE, OMAR};

/// One event as `git log --raw` reports it.
#[derive(Debug, PartialEq, Eq)]
struct Logged {
    kind: &'static str,
    path: String,
    old_path: Option<String>,
    commit: String,
    name: String,
    email: String,
    date: String,
    subject: String,
}

fn logged(event: &Event) -> Logged {
    Logged {
        kind: match event.kind {
            EventKind::Created => "created",
            EventKind::Changed => "changed",
            EventKind::Renamed => "renamed",
            EventKind::Deleted => "deleted",
        },
        path: event.path.clone(),
        old_path: event.old_path.clone(),
        commit: event.commit.clone(),
        name: event.author.name.clone(),
        email: event.author.email.clone(),
        date: event.date.clone(),
        subject: event.subject.clone(),
    }
}

/// The oracle: what `git log --full-history --raw -M` says each non-merge
/// commit did to the response files below `library` (`""` for the root),
/// newest first, by path within a commit.
fn git_events(repo: &Repo, library: &str, rev: &str) -> Vec<Logged> {
    let pathspec = if library.is_empty() { "." } else { library };
    let out = repo.git(&[
        "log",
        "--full-history",
        "--raw",
        "-M",
        "--no-abbrev",
        "--format=%x01%H%x02%an%x02%ae%x02%aI%x02%s",
        rev,
        "--",
        pathspec,
    ]);
    let strip = |path: &str| -> Option<String> {
        let rel = if library.is_empty() {
            path
        } else {
            path.strip_prefix(library)?.strip_prefix('/')?
        };
        is_response_path(rel).then(|| rel.to_string())
    };
    let mut events = Vec::new();
    for chunk in out.split('\x01').filter(|c| !c.is_empty()) {
        let mut lines = chunk.lines();
        let header: Vec<&str> = lines.next().unwrap().split('\x02').collect();
        let mut of_commit = Vec::new();
        for line in lines.filter(|l| l.starts_with(':')) {
            let fields: Vec<&str> = line.split('\t').collect();
            let meta: Vec<&str> = fields[0].split(' ').collect();
            let (old_mode, new_mode, status) = (meta[0], meta[1], meta[4]);
            let blob = |mode: &str| mode.starts_with(":100") || mode.starts_with("100");
            let (kind, path, old_path) = match &status[..1] {
                "A" if blob(new_mode) => ("created", strip(fields[1]), None),
                "M" if blob(old_mode) => ("changed", strip(fields[1]), None),
                "D" if blob(old_mode) => ("deleted", strip(fields[1]), None),
                "R" => match (strip(fields[1]), strip(fields[2])) {
                    (Some(old), Some(new)) => ("renamed", Some(new), Some(old)),
                    (None, new) => ("created", new, None),
                    (old, None) => ("deleted", old, None),
                },
                _ => continue,
            };
            let Some(path) = path else { continue };
            of_commit.push(Logged {
                kind,
                path,
                old_path,
                commit: header[0].to_string(),
                name: header[1].to_string(),
                email: header[2].to_string(),
                date: header[3].replace("+00:00", "Z"),
                subject: header[4].to_string(),
            });
        }
        of_commit.sort_by(|a, b| a.path.cmp(&b.path));
        events.extend(of_commit);
    }
    events
}

/// The oracle for one file, (created, updated): `git log --follow` back to
/// the commit that added it (a re-created file's older life, which
/// `--follow` also shows, is cut off at the add), and the newest commit that
/// `git log` shows for the path.
fn git_follow(repo: &Repo, path: &str) -> (String, String) {
    let out = repo.git(&[
        "log",
        "--follow",
        "-M",
        "--format=%x01%H",
        "--name-status",
        "--",
        path,
    ]);
    let mut commits = Vec::new();
    for chunk in out.split('\x01').filter(|c| !c.is_empty()) {
        let mut lines = chunk.lines();
        let commit = lines.next().unwrap().to_string();
        let added = lines.any(|l| l.starts_with('A'));
        commits.push(commit);
        if added {
            break;
        }
    }
    // `--follow` never lists merges; a merge that changed the file itself
    // (a conflict resolution) is the newest commit `git log -- path` shows.
    let newest = repo.git(&["log", "-1", "--format=%H", "--", path]);
    (commits.last().unwrap().clone(), newest.trim().to_string())
}

fn assert_files_match_git(repo: &Repo, history: &History, library: &str) {
    let listed = repo.git(&[
        "ls-files",
        "--",
        if library.is_empty() { "." } else { library },
    ]);
    let mut paths = Vec::new();
    for path in listed.lines() {
        let rel = if library.is_empty() {
            path
        } else {
            path.strip_prefix(library)
                .unwrap()
                .strip_prefix('/')
                .unwrap()
        };
        if is_response_path(rel) {
            paths.push(rel.to_string());
            let (created, updated) = git_follow(repo, path);
            let file = &history.files[rel];
            assert_eq!(file.created.commit, created, "created of {rel}");
            assert_eq!(file.updated.commit, updated, "updated of {rel}");
            assert_eq!(file.revision(), updated);
        }
    }
    let mut ours: Vec<&String> = history.files.keys().collect();
    ours.sort();
    paths.sort();
    assert_eq!(ours, paths.iter().collect::<Vec<_>>());
}

fn kinds(events: &[&Event]) -> Vec<(EventKind, String)> {
    events.iter().map(|e| (e.kind, e.id.clone())).collect()
}

#[test]
fn create_edit_rename_move_delete_and_recreate_match_git_log() {
    let mut repo = Repo::new();
    repo.write("support/hours.md", &response("Business hours"));
    repo.write("greeting/hello.md", &response("Hello"));
    repo.write("README.md", "Notes for humans.\n");
    repo.write("_snippets/signature.md", "Kind regards\n");
    repo.write("cannery.yaml", "name: Acme\n");
    let c1 = repo.commit(JANE, "Add the first responses");
    repo.write(
        "support/hours.md",
        &response("Business hours").replace("Line 3 ", "Line three "),
    );
    let c2 = repo.commit(OMAR, "Say three");
    repo.rename("greeting/hello.md", "greeting/welcome.md");
    let c3 = repo.commit(JANE, "Rename hello to welcome");
    let edited = std::fs::read_to_string(repo.path().join("support/hours.md")).unwrap();
    repo.rename("support/hours.md", "support/business-hours.md");
    repo.write(
        "support/business-hours.md",
        &edited.replace("Line 5 ", "Line five "),
    );
    let c4 = repo.commit(OMAR, "Rename and edit hours");
    repo.rename("greeting/welcome.md", "closing/welcome.md");
    let c5 = repo.commit(JANE, "Move welcome to closing");
    repo.write("billing/refund.md", &response("Refunds"));
    repo.commit(OMAR, "Add refunds");
    repo.remove("billing/refund.md");
    let c7 = repo.commit(JANE, "Remove refunds");
    repo.write("billing/refund.md", &response("Refunds, again, rewritten"));
    let c8 = repo.commit(OMAR, "Bring refunds back");
    repo.write("README.md", "More notes.\n");
    repo.write("_snippets/signature.md", "Best\n");
    repo.commit(JANE, "Edit notes only");

    let history = repo.open("").history(None).unwrap();
    let ours: Vec<Logged> = history.events.iter().map(|e| logged(e)).collect();
    assert_eq!(ours, git_events(&repo, "", "HEAD"));
    assert_files_match_git(&repo, &history, "");
    assert!(!history.shallow);
    assert!(history.problems.is_empty());
    assert_eq!(history.revision, repo.head());

    // The same facts, spelled out.
    let hours = &history.files["support/business-hours.md"];
    assert_eq!(hours.created.commit, c1);
    assert_eq!(hours.created.author.name, "Jane Smith");
    assert_eq!(hours.created.author.email, "jane@example.com");
    assert_eq!(hours.created.date, repo.date_of(1));
    assert_eq!(hours.created.date, "2025-01-02T08:30:00Z");
    assert_eq!(hours.updated.commit, c4);
    assert_eq!(hours.updated.author.name, "Omar Haddad");
    assert_eq!(history.files["closing/welcome.md"].created.commit, c1);
    assert_eq!(history.files["closing/welcome.md"].updated.commit, c5);
    assert_eq!(history.files["billing/refund.md"].created.commit, c8);

    let life = history.for_id("support/business-hours");
    assert_eq!(
        kinds(&life),
        [
            (EventKind::Renamed, "support/business-hours".into()),
            (EventKind::Changed, "support/hours".into()),
            (EventKind::Created, "support/hours".into()),
        ]
    );
    assert_eq!(life[0].old_id.as_deref(), Some("support/hours"));
    assert_eq!(life[1].commit, c2);
    let welcome = history.for_id("closing/welcome");
    assert_eq!(
        welcome
            .iter()
            .map(|e| e.commit.as_str())
            .collect::<Vec<_>>(),
        [c5.as_str(), c3.as_str(), c1.as_str()]
    );
    // A re-created id starts a new life.
    assert_eq!(
        kinds(&history.for_id("billing/refund")),
        [(EventKind::Created, "billing/refund".into())]
    );
    assert!(history.for_id("billing/refund")[0].commit == c8 && c7 != c8);
    assert!(history.for_id("README").is_empty());
}

#[test]
fn an_event_serializes_as_the_api_history_event() {
    let mut repo = Repo::new();
    repo.write("a.md", &response("A"));
    repo.commit(JANE, "Add A");
    repo.rename("a.md", "b.md");
    let c2 = repo.commit(OMAR, "Rename A to B\n\nBecause B is better.");
    let history = repo.open("").history(None).unwrap();
    let json = serde_json::to_value(&*history.events[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "kind": "renamed", "id": "b", "old_id": "a", "commit": c2,
            "author": {"name": "Omar Haddad", "email": "omar@example.com"},
            "date": "2025-01-03T08:30:00Z", "subject": "Rename A to B",
            "path": "b.md", "old_path": "a.md",
        })
    );
    assert_eq!(
        serde_json::to_value(&*history.events[1]).unwrap()["old_id"],
        serde_json::Value::Null
    );
}

#[test]
fn a_deleted_id_is_answered_with_its_last_life() {
    let mut repo = Repo::new();
    repo.write("gone.md", &response("Gone"));
    repo.write("old.md", &response("Old"));
    let c1 = repo.commit(JANE, "Add");
    repo.write("gone.md", &response("Gone").replace("Line 1 ", "First "));
    let c2 = repo.commit(OMAR, "Edit");
    repo.remove("gone.md");
    repo.rename("old.md", "new.md");
    let c3 = repo.commit(JANE, "Remove gone, rename old");

    let history = repo.open("").history(None).unwrap();
    assert!(!history.files.contains_key("gone.md"));
    let gone = history.for_id("gone");
    assert_eq!(
        gone.iter()
            .map(|e| (e.kind, e.commit.as_str()))
            .collect::<Vec<_>>(),
        [
            (EventKind::Deleted, c3.as_str()),
            (EventKind::Changed, c2.as_str()),
            (EventKind::Created, c1.as_str()),
        ]
    );
    // An id renamed away answers with the rename that took it.
    let old = history.for_id("old");
    assert_eq!(old[0].kind, EventKind::Renamed);
    assert_eq!(old[0].id, "new");
    assert_eq!(old.last().unwrap().kind, EventKind::Created);
    assert!(history.for_id("never-was").is_empty());
}

#[test]
fn a_treesame_merge_is_skipped_and_the_branch_commit_is_credited() {
    let mut repo = Repo::new();
    repo.write("a.md", &response("A"));
    repo.commit(JANE, "Add A");
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("a.md", &response("A").replace("Line 2 ", "Second "));
    let side = repo.commit(OMAR, "Edit A on a branch");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("NOTES.txt", "outside the responses\n");
    repo.commit(JANE, "Unrelated");
    let merge = repo
        .merge(JANE, "side", "Merge side")
        .expect("merges cleanly");

    let history = repo.open("").history(None).unwrap();
    assert!(history.events.iter().all(|e| e.commit != merge));
    assert_eq!(history.files["a.md"].updated.commit, side);
    let ours: Vec<Logged> = history.events.iter().map(|e| logged(e)).collect();
    assert_eq!(ours, git_events(&repo, "", "HEAD"));
    assert_files_match_git(&repo, &history, "");
}

#[test]
fn a_real_merge_credits_branch_work_to_the_branch_and_only_its_own_edits_to_itself() {
    let mut repo = Repo::new();
    repo.write("a.md", &response("A"));
    repo.write("b.md", &response("B"));
    repo.write("c.md", &response("C"));
    repo.commit(JANE, "Add A, B and C");
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("a.md", &response("A").replace("Line 2 ", "Second "));
    repo.write("c.md", &response("C").replace("Line 2 ", "Side "));
    repo.rename("b.md", "bee.md");
    let side = repo.commit(OMAR, "Edit A and C, rename B, on a branch");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("c.md", &response("C").replace("Line 2 ", "Main "));
    repo.write("d.md", &response("D"));
    let main = repo.commit(JANE, "Edit C, add D, on main");
    assert!(
        repo.merge(JANE, "side", "Merge side").is_none(),
        "c.md conflicts"
    );
    repo.write("c.md", &response("C").replace("Line 2 ", "Both "));
    let merge = repo.commit(JANE, "Merge side");

    let history = repo.open("").history(None).unwrap();
    // The merge did exactly one thing itself: it resolved c.md.
    let by_merge: Vec<&Event> = history
        .events
        .iter()
        .filter(|e| e.commit == merge)
        .map(|e| &**e)
        .collect();
    assert_eq!(kinds(&by_merge), [(EventKind::Changed, "c".into())]);
    assert_eq!(history.files["a.md"].updated.commit, side);
    assert_eq!(history.files["bee.md"].updated.commit, side);
    assert_eq!(history.files["d.md"].updated.commit, main);
    assert_eq!(history.files["c.md"].updated.commit, merge);
    // Every other event is what `git log` reports for the non-merge commits.
    let ours: Vec<Logged> = history
        .events
        .iter()
        .filter(|e| e.commit != merge)
        .map(|e| logged(e))
        .collect();
    assert_eq!(ours, git_events(&repo, "", "HEAD"));
    assert_files_match_git(&repo, &history, "");
}

#[test]
fn a_library_in_a_subfolder_ignores_commits_outside_it() {
    let mut repo = Repo::new();
    repo.write("src/main.c", "int main() {}\n");
    repo.write("docs/replies/support/hours.md", &response("Hours"));
    repo.write("docs/other.md", &response("Not in the library"));
    let c1 = repo.commit(JANE, "Start");
    repo.write("src/main.c", "int main() { return 0; }\n");
    repo.write("docs/other.md", &response("Still not"));
    repo.commit(OMAR, "Outside the library");
    repo.write(
        "docs/replies/support/hours.md",
        &response("Hours").replace("Line 1 ", "One "),
    );
    let c3 = repo.commit(OMAR, "Edit hours");
    repo.write("src/lib.c", "\n");
    repo.commit(JANE, "Outside again");

    let git = repo.open("docs/replies");
    assert_eq!(git.library_path(), "docs/replies");
    let history = git.history(None).unwrap();
    assert_eq!(history.events.len(), 2);
    assert_eq!(history.events[0].path, "support/hours.md");
    assert_eq!(history.events[0].commit, c3);
    assert_eq!(history.events[1].commit, c1);
    let ours: Vec<Logged> = history.events.iter().map(|e| logged(e)).collect();
    assert_eq!(ours, git_events(&repo, "docs/replies", "HEAD"));
    assert_files_match_git(&repo, &history, "docs/replies");

    let source = git.source_at("HEAD").unwrap();
    assert_eq!(source.list().files, ["support/hours.md"]);
}

#[test]
fn a_shallow_clone_gives_one_warning_and_no_error() {
    let mut repo = Repo::new();
    repo.write("a.md", &response("A"));
    repo.write("b.md", &response("B"));
    repo.commit(JANE, "Add A and B");
    repo.write("a.md", &response("A").replace("Line 1 ", "One "));
    repo.commit(OMAR, "Edit A");
    repo.write("c.md", &response("C"));
    let c3 = repo.commit(JANE, "Add C");
    repo.write("a.md", &response("A").replace("Line 1 ", "Uno "));
    let c4 = repo.commit(OMAR, "Edit A again");

    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    git_in(
        clones.path(),
        &["clone", "-q", "--depth", "2", &url, "clone"],
        &[],
    );
    let in_clone = clones.path().join("clone");
    let git = Repository::discover(&in_clone).unwrap().unwrap();
    let history = git.history(None).expect("a shallow clone is no error");
    assert!(history.shallow);
    assert_eq!(history.problems.len(), 1);
    let problem = &history.problems[0];
    assert_eq!(problem.code, "shallow-history");
    assert!(!problem.is_error());
    assert!(problem.hint.as_deref().unwrap().contains("--unshallow"));
    assert!(problem.hint.as_deref().unwrap().contains("fetch-depth: 0"));
    // What the clone can see: the boundary commit holds everything it has.
    assert_eq!(history.files["a.md"].updated.commit, c4);
    assert_eq!(history.files["b.md"].created.commit, c3);
    let logged_in_clone: Vec<String> = git_in(&in_clone, &["log", "--format=%H"], &[])
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(logged_in_clone, [c4.clone(), c3.clone()]);
    assert!(history
        .events
        .iter()
        .all(|e| e.commit == c4 || e.commit == c3));
}

#[test]
fn a_bad_revision_is_a_clear_error_naming_it() {
    let mut repo = Repo::new();
    repo.write("a.md", &response("A"));
    repo.commit(JANE, "Add A");
    let git = repo.open("");
    let err = git.source_at("nope").unwrap_err();
    assert_eq!(err, GitError::NotARevision { rev: "nope".into() });
    assert!(err
        .to_string()
        .starts_with("`nope` is not a revision in this repository"));
    assert!(matches!(
        git.history(Some("HEAD~5")),
        Err(GitError::NotARevision { .. })
    ));
    let tree = repo.git(&["rev-parse", "HEAD^{tree}"]);
    let err = git.source_at(tree.trim()).unwrap_err();
    assert!(
        err.to_string().contains("names a tree, not a commit"),
        "{err}"
    );
}

#[test]
fn an_empty_repository_has_an_empty_history() {
    let repo = Repo::new();
    repo.write("a.md", &response("A"));
    let git = repo.open("");
    let history = git.history(None).unwrap();
    assert!(history.events.is_empty() && history.files.is_empty());
    assert_eq!(git.source_at("HEAD").unwrap_err(), GitError::NoCommits);
    assert_eq!(git.uncommitted().unwrap(), ["a.md"]);
}

#[test]
fn outside_git_there_is_no_repository() {
    let dir = tempfile::tempdir().unwrap();
    assert!(Repository::discover(dir.path()).unwrap().is_none());
}

#[test]
fn source_at_reads_an_older_revision_and_ignores_the_working_tree() {
    let mut repo = Repo::new();
    repo.write("library/support/hours.md", "version one\n");
    repo.write("library/README.md", "notes\n");
    repo.write("library/_drafts/x.md", "draft\n");
    repo.write("library/.hidden/y.md", "hidden\n");
    repo.write("library/cannery.yaml", "name: Acme\n");
    let c1 = repo.commit(JANE, "One");
    repo.git(&["tag", "-a", "v1", "-m", "first"]);
    repo.write("library/support/hours.md", "version two\n");
    repo.write("library/big.md", &"x".repeat(MAX_FILE_BYTES as usize + 1));
    repo.commit(OMAR, "Two");
    repo.write("library/support/hours.md", "not committed\n");
    repo.write("library/new.md", "untracked\n");

    let git = repo.open("library");
    for rev in ["HEAD~1", "v1", c1.as_str(), &c1[..10]] {
        let old = git.source_at(rev).unwrap();
        assert_eq!(old.revision().as_deref(), Some(c1.as_str()), "{rev}");
        let listing = old.list();
        assert_eq!(listing.files, ["support/hours.md"]);
        assert!(listing.has_config);
        assert_eq!(old.read("support/hours.md").unwrap(), b"version one\n");
        assert_eq!(old.read("cannery.yaml").unwrap(), b"name: Acme\n");
        assert!(matches!(old.read("new.md"), Err(ReadError::Unreadable(_))));
    }
    let head = git.source_at("main").unwrap();
    assert_eq!(head.list().files, ["big.md", "support/hours.md"]);
    assert_eq!(head.read("support/hours.md").unwrap(), b"version two\n");
    assert_eq!(
        head.read("big.md"),
        Err(ReadError::TooLarge(MAX_FILE_BYTES + 1))
    );
    assert_eq!(git.resolve("HEAD~1").unwrap(), c1);

    fn is_sync<T: Sync>(_: &T) {}
    is_sync(&head);
}

#[cfg(unix)]
#[test]
fn a_symlink_in_the_tree_is_skipped_with_a_warning() {
    let mut repo = Repo::new();
    repo.write("secret.md", &response("Outside"));
    repo.write("lib/a.md", &response("A"));
    std::os::unix::fs::symlink("../secret.md", repo.path().join("lib/link.md")).unwrap();
    repo.commit(JANE, "Add a link");
    let git = repo.open("lib");
    let listing = git.source_at("HEAD").unwrap().list();
    assert_eq!(listing.files, ["a.md"]);
    assert_eq!(listing.problems.len(), 1);
    assert_eq!(listing.problems[0].code, "symlink-skipped");
    assert_eq!(listing.problems[0].file, "link.md");
    let history = git.history(None).unwrap();
    assert_eq!(history.files.keys().collect::<Vec<_>>(), ["a.md"]);
    assert!(history.events.iter().all(|e| e.path == "a.md"));
}

#[test]
fn renames_are_found_even_when_the_user_turned_them_off() {
    let mut repo = Repo::new();
    repo.git(&["config", "diff.renames", "false"]);
    repo.write("a.md", &response("A"));
    let c1 = repo.commit(JANE, "Add A");
    repo.rename("a.md", "b.md");
    repo.commit(OMAR, "Rename");
    let history = repo.open("").history(None).unwrap();
    assert_eq!(history.events[0].kind, EventKind::Renamed);
    assert_eq!(history.files["b.md"].created.commit, c1);
}

#[test]
fn dates_are_author_dates_and_order_is_by_commit_time() {
    let mut repo = Repo::new();
    repo.write("a.md", &response("A"));
    let c1 = repo.commit(JANE, "Add A");
    repo.write("b.md", &response("B"));
    // Authored before A (a rebased commit), committed after it.
    let env = vec![
        ("GIT_AUTHOR_NAME", OMAR.0.to_string()),
        ("GIT_AUTHOR_EMAIL", OMAR.1.to_string()),
        ("GIT_AUTHOR_DATE", format!("{BASE} +0200")),
        ("GIT_COMMITTER_DATE", format!("{} +0000", BASE + 10 * DAY)),
    ];
    repo.git(&["add", "-A"]);
    git_in(repo.path(), &["commit", "-q", "-m", "Add B"], &env);
    let c2 = repo.head();
    let history = repo.open("").history(None).unwrap();
    assert_eq!(history.events[0].commit, c2);
    assert_eq!(history.events[1].commit, c1);
    assert_eq!(history.events[0].date, "2025-01-01T08:30:00Z");
    assert_eq!(history.events[0].author.name, "Omar Haddad");
}

#[test]
fn changes_since_a_revision_include_deletions() {
    let mut repo = Repo::new();
    repo.write("a.md", &response("A"));
    repo.write("b.md", &response("B"));
    let c1 = repo.commit(JANE, "Add");
    repo.remove("b.md");
    let c2 = repo.commit(OMAR, "Remove B");
    repo.write("a.md", &response("A").replace("Line 1 ", "One "));
    let c3 = repo.commit(JANE, "Edit A");
    let history = repo.open("").history(None).unwrap();

    let since = history.since(&c1).unwrap();
    assert_eq!(
        since
            .iter()
            .map(|e| (e.kind, e.commit.as_str()))
            .collect::<Vec<_>>(),
        [
            (EventKind::Changed, c3.as_str()),
            (EventKind::Deleted, c2.as_str())
        ]
    );
    assert_eq!(history.since(&c2[..8]).unwrap().len(), 1);
    assert!(history.since(&c3).unwrap().is_empty());
    assert!(history
        .since("0123456789012345678901234567890123456789")
        .is_none());
}

#[test]
fn the_cache_examines_only_new_commits() {
    let mut repo = Repo::new();
    repo.write("a.md", &response("A"));
    repo.commit(JANE, "Add A");
    for n in 0..5 {
        repo.write("a.md", &response(&format!("A{n}")));
        repo.commit(OMAR, "Edit A");
    }
    let git = repo.open("");
    let mut cache = HistoryCache::new();
    let first = git.history_with(None, &mut cache).unwrap();
    assert_eq!(cache.examined(), 6);
    git.history_with(None, &mut cache).unwrap();
    assert_eq!(cache.examined(), 6, "nothing new, nothing examined");

    repo.write("b.md", &response("B"));
    let c7 = repo.commit(JANE, "Add B");
    let second = git.history_with(None, &mut cache).unwrap();
    assert_eq!(cache.examined(), 7, "one new commit, one examined");
    assert_eq!(second.events.len(), first.events.len() + 1);
    assert_eq!(second.files["b.md"].created.commit, c7);
    let fresh = git.history(None).unwrap();
    assert_eq!(second.events, fresh.events);
    assert_eq!(second.files, fresh.files);
    // An older revision is answered from the cache alone.
    git.history_with(Some("HEAD~3"), &mut cache).unwrap();
    assert_eq!(cache.examined(), 7);
}

/// A server reloading with no new commit shares the history it has (the
/// same `Arc`); after a commit it gets the new one.
#[test]
fn a_shared_history_is_kept_until_a_commit_comes() {
    let mut repo = Repo::new();
    repo.write("a.md", &response("A"));
    repo.commit(JANE, "Add A");
    let git = repo.open("");
    let mut cache = HistoryCache::new();
    let first = git.history_shared(None, &mut cache).unwrap();
    let again = git.history_shared(None, &mut cache).unwrap();
    assert!(std::sync::Arc::ptr_eq(&first, &again));

    repo.write("b.md", &response("B"));
    let c2 = repo.commit(OMAR, "Add B");
    let after = git.history_shared(None, &mut cache).unwrap();
    assert!(!std::sync::Arc::ptr_eq(&first, &after));
    assert_eq!(after.files["b.md"].created.commit, c2);
    assert_eq!(after.events, git.history(None).unwrap().events);
}

/// Everything a history answers, compared between one that the cache
/// extended and one derived whole: the events, each file's dates, the
/// warning, and what came after each commit of the history.
fn assert_same_history(repo: &Repo, extended: &History, whole: &History) {
    assert_eq!(extended.revision, whole.revision);
    assert_eq!(extended.events, whole.events);
    assert_eq!(extended.files, whole.files);
    assert_eq!(extended.shallow, whole.shallow);
    assert_eq!(extended.problems, whole.problems);
    for commit in repo.git(&["rev-list", &whole.revision]).lines() {
        assert_eq!(
            extended.since(commit),
            whole.since(commit),
            "since {commit}"
        );
    }
    for event in &whole.events {
        assert_eq!(extended.for_id(&event.id), whole.for_id(&event.id));
    }
}

/// A server keeps one cache and asks again after each commit: when the new
/// tip is built on the last one, the last history is extended with the new
/// commits' events (the cache says so), and that must give exactly what a
/// walk of the whole history gives, through creations, edits, renames,
/// deletions, re-creations, commits outside the library, a merge, and tips
/// that are not built on the last one (a reset, a branch from further back).
#[test]
fn an_extended_history_is_the_history_derived_whole() {
    let mut repo = Repo::new();
    repo.write("lib/a.md", &response("A"));
    repo.write("lib/b.md", &response("B"));
    repo.write("lib/c.md", &response("C"));
    repo.write("lib/README.md", "Notes.\n");
    repo.commit(JANE, "Add A, B and C");
    let git = repo.open("lib");
    let mut cache = HistoryCache::new();
    let mut extended = 0;
    // Asks with the cache and without one; `extends` says which way the
    // cache must have taken.
    let mut check = |repo: &Repo, extends: bool| {
        let ours = git.history_with(None, &mut cache).unwrap();
        if extends {
            extended += 1;
        }
        assert_eq!(cache.extended(), extended, "extended at {}", repo.head());
        let whole = git.history(None).unwrap();
        assert_same_history(repo, &ours, &whole);
        assert_eq!(
            ours.events.iter().map(|e| logged(e)).collect::<Vec<_>>(),
            git_events(repo, "lib", "HEAD"),
        );
    };
    check(&repo, false);

    repo.write("lib/a.md", &response("A").replace("Line 1 ", "One "));
    repo.commit(OMAR, "Edit A");
    check(&repo, true);

    let b = std::fs::read_to_string(repo.path().join("lib/b.md")).unwrap();
    repo.remove("lib/b.md");
    repo.write("lib/topic/bee.md", &b.replace("Line 2 ", "Two "));
    repo.commit(JANE, "Move B to topic/bee and edit it");
    check(&repo, true);

    repo.remove("lib/c.md");
    repo.write("lib/d/e.md", &response("E"));
    repo.commit(OMAR, "Remove C, add E");
    check(&repo, true);

    repo.write("lib/c.md", &response("C, once more, written anew"));
    repo.write("src/main.c", "int main() {}\n");
    repo.commit(JANE, "Bring C back");
    repo.write("src/main.c", "int main() { return 0; }\n");
    repo.commit(JANE, "Outside the library");
    repo.write("lib/README.md", "More notes.\n");
    repo.commit(OMAR, "Notes only");
    check(&repo, true);

    // A branch from the last tip, merged: the merge, the branch's commit and
    // main's are all new, and the walk meets the last tip after them.
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("lib/a.md", &response("A").replace("Line 3 ", "Three "));
    repo.rename("lib/d/e.md", "lib/d/f.md");
    repo.commit(OMAR, "Edit A, rename E to F, on a branch");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("lib/topic/bee.md", &response("Bee"));
    repo.write("lib/g.md", &response("G"));
    repo.commit(JANE, "Rewrite bee, add G, on main");
    repo.merge(JANE, "side", "Merge side")
        .expect("merges cleanly");
    check(&repo, true);

    // Back one commit: not built on the last tip, so derived whole.
    repo.git(&["reset", "-q", "--hard", "HEAD~1"]);
    check(&repo, false);
    repo.write("lib/g.md", &response("G").replace("Line 4 ", "Four "));
    repo.commit(OMAR, "Edit G");
    check(&repo, true);

    // A branch that forked further back than the last tip.
    repo.git(&["checkout", "-q", "-b", "old", "HEAD~3"]);
    repo.write("lib/h.md", &response("H"));
    repo.commit(JANE, "Add H on an old branch");
    repo.git(&["checkout", "-q", "main"]);
    repo.merge(OMAR, "old", "Merge old")
        .expect("merges cleanly");
    check(&repo, false);
    // Nothing new: the same history.
    check(&repo, false);
}

/// The history reads packs itself (keeping every object decoded on the
/// way down a delta chain): it must say the same of loose objects, of a
/// pack whose deltas name their base by offset, and of one that names it
/// by id, and what `git log` says.
#[test]
fn the_same_history_from_loose_objects_and_from_packs() {
    let mut repo = Repo::new();
    for n in 0..30 {
        for topic in ["a", "b", "c"] {
            repo.write(
                &format!("{topic}/r{}.md", n % 7),
                &response(&format!("{topic} {n}")).replace("Line 2 ", &format!("Line {n} ")),
            );
        }
        if n % 5 == 4 {
            repo.rename(&format!("a/r{}.md", n % 7), &format!("d/moved{n}.md"));
        }
        repo.commit(if n % 2 == 0 { JANE } else { OMAR }, &format!("Commit {n}"));
    }
    let loose = repo.open("").history(None).unwrap();
    let ours: Vec<Logged> = loose.events.iter().map(|e| logged(e)).collect();
    assert_eq!(ours, git_events(&repo, "", "HEAD"));
    for by_id in ["true", "false"] {
        repo.git(&[
            "-c",
            &format!("repack.useDeltaBaseOffset={by_id}"),
            "repack",
            "-q",
            "-a",
            "-d",
            "-f",
            "--depth=50",
        ]);
        let objects = repo.git(&["count-objects", "-v"]);
        assert!(objects.starts_with("count: 0\n"), "{objects}");
        // Deltas there are, or the pack would prove nothing.
        let bases = repo.git(&[
            "cat-file",
            "--batch-all-objects",
            "--batch-check=%(objecttype) %(deltabase)",
        ]);
        assert!(
            bases
                .lines()
                .any(|l| l.starts_with("tree ") && !l.ends_with(&"0".repeat(40))),
            "{bases}"
        );
        let packed = repo.open("").history(None).unwrap();
        assert_eq!(packed.events, loose.events);
        assert_eq!(packed.files, loose.files);
    }
}

#[test]
fn uncommitted_lists_edited_new_and_deleted_files() {
    let mut repo = Repo::new();
    for name in ["a", "b", "c", "d"] {
        repo.write(&format!("lib/{name}.md"), &response(name));
    }
    repo.write("lib/README.md", "notes\n");
    repo.commit(JANE, "Add");
    let git = repo.open("lib");
    assert!(git.uncommitted().unwrap().is_empty());

    repo.write("lib/a.md", &response("edited"));
    repo.remove("lib/b.md");
    repo.write("lib/new/e.md", &response("e"));
    repo.write("lib/README.md", "edited notes\n");
    // Rewritten with the same bytes: not an edit.
    std::thread::sleep(std::time::Duration::from_millis(20));
    repo.write("lib/c.md", &response("c"));
    // Staged but not committed is still uncommitted.
    repo.write("lib/d.md", &response("staged"));
    repo.git(&["add", "lib/d.md"]);
    assert_eq!(
        git.uncommitted().unwrap(),
        ["a.md", "b.md", "d.md", "new/e.md"]
    );
}

#[test]
fn discover_from_inside_the_library_finds_the_library_path() {
    let mut repo = Repo::new();
    repo.write("docs/replies/a.md", &response("A"));
    repo.commit(JANE, "Add");
    let git = repo.open("docs/replies/");
    assert_eq!(git.library_path(), "docs/replies");
    let root = repo.open("");
    assert_eq!(root.library_path(), "");
}

#[test]
fn a_revision_before_the_library_existed_is_a_clear_error() {
    let mut repo = Repo::new();
    repo.write("README.txt", "a project\n");
    repo.commit(JANE, "Start");
    repo.write("docs/replies/a.md", &response("A"));
    repo.commit(OMAR, "Add the library");
    let git = repo.open("docs/replies");
    let err = git.source_at("HEAD~1").unwrap_err();
    assert_eq!(
        err.to_string(),
        "the library folder `docs/replies` does not exist at `HEAD~1`"
    );
    let history = git.history(None).unwrap();
    assert_eq!(history.events.len(), 1);
    assert_eq!(history.events[0].kind, EventKind::Created);
}

/// A history long enough for the walk to diff its commits on several
/// threads (from 256 new commits on), built with `git fast-import`:
/// creations, edits, renames with and without an edit, moves and
/// deletions, compared with `git log` whole and when the cache is filled in
/// two steps.
#[test]
fn a_long_history_diffed_on_several_threads_matches_git_log() {
    let repo = Repo::new();
    let mut stream = String::new();
    let mut live: Vec<String> = Vec::new();
    let mut texts = std::collections::HashMap::new();
    for n in 1..=400i64 {
        let when = BASE + n * 3600;
        stream.push_str(&format!(
            "commit refs/heads/main\nmark :{n}\n\
             author Jane Smith <jane@example.com> {when} +0000\n\
             committer Jane Smith <jane@example.com> {when} +0000\n\
             data <<EOF\nCommit {n}\nEOF\n"
        ));
        if n > 1 {
            stream.push_str(&format!("from :{}\n", n - 1));
        }
        let put = |path: &str,
                   text: String,
                   stream: &mut String,
                   texts: &mut std::collections::HashMap<String, String>| {
            stream.push_str(&format!("M 100644 inline {path}\ndata <<EOF\n{text}EOF\n"));
            texts.insert(path.to_string(), text);
        };
        let path = format!("topic{}/r{n}.md", n % 5);
        put(&path, response(&format!("R{n}")), &mut stream, &mut texts);
        live.push(path);
        // Never the file this commit created.
        let pick = |k: i64, live: &Vec<String>| (n * k) as usize % (live.len() - 1).max(1);
        if n % 3 == 0 && live.len() > 1 {
            let path = live[pick(7, &live)].clone();
            let text = format!("{}Edited in commit {n}.\n", texts[&path]);
            put(&path, text, &mut stream, &mut texts);
        }
        if n % 5 == 0 {
            let old = live.remove(pick(11, &live));
            let new = format!("moved/{n}-{}", old.replace('/', "-"));
            if n % 10 == 0 {
                stream.push_str(&format!("R {old} {new}\n"));
                texts.insert(new.clone(), texts[&old].clone());
            } else {
                stream.push_str(&format!("D {old}\n"));
                let text = format!("{}Moved in commit {n}.\n", texts[&old]);
                put(&new, text, &mut stream, &mut texts);
            }
            live.push(new);
        }
        if n % 7 == 0 {
            let gone = live.remove(pick(13, &live));
            stream.push_str(&format!("D {gone}\n"));
        }
        stream.push('\n');
    }
    let mut child = std::process::Command::new("git")
        .current_dir(repo.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args(["fast-import", "--quiet"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());

    let git = repo.open("");
    let history = git.history(None).unwrap();
    let theirs = git_events(&repo, "", "HEAD");
    assert!(theirs.iter().any(|e| e.kind == "renamed"));
    assert!(theirs.iter().any(|e| e.kind == "deleted"));
    let ours: Vec<Logged> = history.events.iter().map(|e| logged(e)).collect();
    assert_eq!(ours, theirs);

    // 100 commits first, on one thread; then the 300 newer ones, on several.
    let mut cache = HistoryCache::new();
    git.history_with(Some("HEAD~300"), &mut cache).unwrap();
    assert_eq!(cache.examined(), 100);
    let stepwise = git.history_with(None, &mut cache).unwrap();
    assert_eq!(cache.examined(), 400);
    assert_eq!(stepwise.events, history.events);
    assert_eq!(stepwise.files, history.files);
}
