//! Live reload: every way an editor saves, broken files, and the event
//! stream that tells pages to reload.

mod serve_support;

use serve_support::{eventually, library, write, Events, Server, LIBRARY};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(10);

fn title(server: &Server, id: &str) -> Option<String> {
    let answer = server.get(&format!("/api/v1/canned-responses/{id}"));
    (answer.status == 200).then(|| answer.json()["data"]["title"].as_str().unwrap().to_string())
}

const BYE: &str = "closing/bye.md";

fn bye(title: &str) -> String {
    format!("---\ntitle: {title}\nshortcut: bye\ncategory: closing\n---\nHave a nice day!\n")
}

#[test]
fn an_in_place_write_is_served_and_announced() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    let mut events = Events::open(&server);
    assert!(
        events.wait_for("event: reload", 1, LIMIT),
        "{}",
        events.seen
    );
    assert!(events.seen.contains("\"generation\":1"), "{}", events.seen);
    assert!(events.seen.contains("retry: 1000"));

    write(dir.path(), BYE, &bye("Farewell"));
    assert!(eventually(LIMIT, || title(&server, "closing/bye")
        .as_deref()
        == Some("Farewell")));
    assert!(
        events.wait_for("event: reload", 2, LIMIT),
        "{}",
        events.seen
    );
    assert!(events.seen.contains("\"generation\":2"), "{}", events.seen);
    assert!(
        server.stderr().contains("reloaded: 6 responses"),
        "{}",
        server.stderr()
    );
}

#[test]
fn a_temp_file_renamed_over_the_response() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    let tmp = dir.path().join("closing/.bye.md.tmp123");
    std::fs::write(&tmp, bye("Renamed into place")).unwrap();
    std::fs::rename(&tmp, dir.path().join(BYE)).unwrap();
    assert!(eventually(LIMIT, || title(&server, "closing/bye")
        .as_deref()
        == Some("Renamed into place")));
}

#[test]
fn vim_style_backup_then_write() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    let file = dir.path().join(BYE);
    // Vim: probe with `4913`, rename the original to `bye.md~`, write a new
    // file, delete the backup.
    std::fs::write(dir.path().join("closing/4913"), "").unwrap();
    std::fs::remove_file(dir.path().join("closing/4913")).unwrap();
    std::fs::rename(&file, dir.path().join("closing/bye.md~")).unwrap();
    std::fs::write(&file, bye("Saved by vim")).unwrap();
    std::fs::remove_file(dir.path().join("closing/bye.md~")).unwrap();
    assert!(eventually(LIMIT, || title(&server, "closing/bye")
        .as_deref()
        == Some("Saved by vim")));
}

#[test]
fn a_deleted_file_and_a_new_folder() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    std::fs::remove_file(dir.path().join(BYE)).unwrap();
    assert!(eventually(LIMIT, || server
        .get("/api/v1/canned-responses/closing/bye")
        .status
        == 404));
    write(
        dir.path(),
        "billing/invoices/copy.md",
        "---\ntitle: Invoice copy\ncategory: support\n---\nHere it is.\n",
    );
    assert!(eventually(LIMIT, || title(
        &server,
        "billing/invoices/copy"
    )
    .is_some()));
    // A folder moved away takes its responses with it.
    std::fs::rename(dir.path().join("billing"), dir.path().join("_archive")).unwrap();
    assert!(eventually(LIMIT, || title(
        &server,
        "billing/invoices/copy"
    )
    .is_none()));
}

/// The ids of the responses a list answer at `path` holds, in order.
fn ids(server: &Server, path: &str) -> Vec<String> {
    server.get(path).json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

/// A reload builds its search index from the previous one's: what a
/// search finds after edits, additions and deletions is what the files say.
#[test]
fn search_finds_what_the_files_say_after_reloads() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    let found = |q: &str| ids(&server, &format!("/api/v1/canned-responses?q={q}"));
    assert_eq!(found("nice"), ["closing/bye"]);
    // The body changes: its new word is found, its old one no longer.
    write(
        dir.path(),
        BYE,
        "---\ntitle: Goodbye\nshortcut: bye\ncategory: closing\n---\nHave a splendid evening!\n",
    );
    assert!(eventually(LIMIT, || found("splendid") == ["closing/bye"]));
    assert_eq!(found("nice"), Vec::<String>::new());
    // The responses not saved are found as before.
    assert_eq!(found("hours+refunds"), ["support/refunds"]);
    // A new file, with a word no response had; then it goes again.
    write(
        dir.path(),
        "billing/aardvark.md",
        "---\ntitle: Aardvark policy\ncategory: support\n---\nAbout aardvarks and hours.\n",
    );
    assert!(eventually(LIMIT, || found("aardvark") == ["billing/aardvark"]));
    assert_eq!(found("hours").len(), 3, "{:?}", found("hours"));
    std::fs::remove_file(dir.path().join("billing/aardvark.md")).unwrap();
    assert!(eventually(LIMIT, || found("aardvark").is_empty()));
    assert_eq!(found("evening"), ["closing/bye"]);
}

/// A reload puts the saved responses in their new places in the sort
/// orders, the others keeping theirs.
#[test]
fn sort_orders_follow_a_changed_title_and_shortcut() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    let ids = |sort: &str| ids(&server, &format!("/api/v1/canned-responses?sort={sort}"));
    let by_title = [
        "sales/discount",
        "support/business-hours",
        "closing/bye",
        "support/refunds",
        "greeting/welcome",
    ];
    assert_eq!(ids("title"), by_title);
    write(
        dir.path(),
        BYE,
        "---\ntitle: Zzz, goodbye\nshortcut: aaa\ncategory: closing\n---\nHave a nice day!\n",
    );
    assert!(eventually(LIMIT, || title(&server, "closing/bye")
        .as_deref()
        == Some("Zzz, goodbye")));
    assert_eq!(
        ids("title"),
        [
            "sales/discount",
            "support/business-hours",
            "support/refunds",
            "greeting/welcome",
            "closing/bye",
        ]
    );
    assert_eq!(
        ids("-title"),
        [
            "closing/bye",
            "greeting/welcome",
            "support/refunds",
            "support/business-hours",
            "sales/discount",
        ]
    );
    // Shortcuts first (aaa, hi, hours, refund), then those without one.
    assert_eq!(
        ids("shortcut"),
        [
            "closing/bye",
            "greeting/welcome",
            "support/business-hours",
            "support/refunds",
            "sales/discount",
        ]
    );
}

#[test]
fn a_broken_file_keeps_the_others_served_and_is_listed() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    write(
        dir.path(),
        BYE,
        "---\ntitle: Goodbye\nshortcut: bye\ncategory: nowhere\n---\nHave a nice day!\n",
    );
    let problem_listed = || {
        server.get("/api/v1/problems").json()["data"]["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["file"] == BYE)
    };
    assert!(eventually(LIMIT, problem_listed));
    assert_eq!(
        server.get("/api/v1/canned-responses/closing/bye").status,
        404
    );
    assert!(server
        .get("/api/v1/canned-responses/closing/bye")
        .body
        .contains("its file has errors"));
    assert_eq!(server.get("/api/v1/canned-responses").ids().len(), 4);
    assert_eq!(server.get("/api/v1/health").json()["data"]["problems"], 1);

    write(dir.path(), BYE, &bye("Goodbye again"));
    assert!(eventually(LIMIT, || title(&server, "closing/bye")
        .as_deref()
        == Some("Goodbye again")));
    assert!(!problem_listed());
}

#[test]
fn a_changed_snippet_reaches_the_responses_that_include_it() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    write(
        dir.path(),
        "_snippets/signature.md",
        "Love, the Acme team\n",
    );
    assert!(eventually(LIMIT, || {
        server
            .get("/api/v1/canned-responses/greeting/welcome")
            .json()["data"]["html"]
            .as_str()
            .unwrap()
            .contains("Love, the Acme team")
    }));
}

#[test]
fn editor_droppings_do_not_reload() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    for name in [
        "closing/.bye.md.swp",
        "closing/bye.md~",
        "closing/4913",
        "closing/notes.txt",
        "closing/README.md",
        "_drafts/x.md",
    ] {
        write(dir.path(), name, "scratch");
    }
    // A real change afterwards shows the watcher is alive; the droppings
    // before it made no reload of their own.
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(server.generation(), 1, "{}", server.stderr());
    write(dir.path(), BYE, &bye("After the droppings"));
    assert!(eventually(LIMIT, || server.generation() == 2));
}

#[test]
fn a_burst_of_saves_is_one_reload() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    for i in 0..100 {
        write(
            dir.path(),
            &format!("bulk/r{i:03}.md"),
            &format!("---\ntitle: Bulk {i}\n---\nBody {i}.\n"),
        );
    }
    assert!(eventually(LIMIT, || server.get("/api/v1/health").json()
        ["data"]["responses"]
        == 106));
    std::thread::sleep(Duration::from_millis(300));
    // The watcher waits for a burst to settle and reloads once: one reload
    // when the writes take less than the settle time, a few when a loaded
    // machine spreads them out — never one per file.
    let reloads = server.generation() - 1;
    assert!(
        reloads <= 5,
        "{reloads} reloads for 100 saves\n{}",
        server.stderr()
    );
}

#[test]
fn polling_notices_two_saves_in_one_second() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &["--poll", "100"]);
    write(dir.path(), BYE, &bye("Polled once"));
    assert!(eventually(LIMIT, || title(&server, "closing/bye")
        .as_deref()
        == Some("Polled once")));
    write(dir.path(), BYE, &bye("Polled twice"));
    assert!(eventually(LIMIT, || title(&server, "closing/bye")
        .as_deref()
        == Some("Polled twice")));
}

#[test]
fn no_watch_serves_what_it_loaded() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &["--no-watch"]);
    write(dir.path(), BYE, &bye("Not seen"));
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(title(&server, "closing/bye").as_deref(), Some("Goodbye"));
}

/// The library folder itself replaced: deleted and made again, or another
/// folder renamed in its place. The watch on the old folder sees nothing
/// of the new one, so the server must watch again.
#[test]
fn a_replaced_library_folder_is_watched_again() {
    let parent = tempfile::tempdir().unwrap();
    let root = parent.path().join("library");
    let fill = |at: &std::path::Path| {
        for (path, text) in LIBRARY {
            write(at, path, text);
        }
    };
    fill(&root);
    let server = Server::start(&root, &[]);
    let shows = |title_now: &str| {
        assert!(
            eventually(LIMIT, || title(&server, "closing/bye").as_deref()
                == Some(title_now)),
            "{}",
            server.stderr()
        )
    };

    // Deleted and made again.
    std::fs::remove_dir_all(&root).unwrap();
    fill(&root);
    write(&root, BYE, &bye("Made again"));
    shows("Made again");
    write(&root, BYE, &bye("Edited after"));
    shows("Edited after");

    // Replaced by a rename, the way a sync tool swaps in a new copy.
    let next = parent.path().join("library.next");
    fill(&next);
    let old = parent.path().join("library.old");
    std::fs::rename(&root, &old).unwrap();
    std::fs::rename(&next, &root).unwrap();
    write(&root, BYE, &bye("Renamed in"));
    shows("Renamed in");
    // Edits to the folder that moved away no longer count.
    write(&old, BYE, &bye("Old copy"));
    write(&root, BYE, &bye("Edited in the new one"));
    shows("Edited in the new one");
}
