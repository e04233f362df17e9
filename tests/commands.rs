//! `list`, `show`, `new` and finding the library, through the real binary.

mod common;

use common::*;

fn small_library() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "cannery.yaml", "name: Test\ndepartments: [billing]\nplaceholders:\n  order.number:\n    description: The order\n");
    write(
        root,
        "support/hours.md",
        "---\ntitle: Business hours\nshortcut: hours\ncategory: support\ntags: [hours, schedule]\n---\nHi {{ contact.first_name | default: \"there\" }}!\n\nWe are open **Monday to Friday**, see [our page](https://example.com/hours).\n",
    );
    write(
        root,
        "support/refund.md",
        "---\ntitle: Refund policy\nshortcut: refund\ncategory: support\ntags: [billing]\n---\nYour order {{ order.number }} can be refunded within 30 days, {{ contact.first_name }}.\n",
    );
    write(
        root,
        "greeting/old-sale.md",
        "---\ntitle: Holiday sale\ncategory: greeting\nactive: false\n---\nThe sale is over.\n",
    );
    write(root, "README.md", "Notes for authors, not a response.\n");
    write(root, "_drafts/wip.md", "not even front matter");
    write(root, ".hidden/x.md", "not even front matter");
    tmp
}

#[test]
fn list_shows_a_table_of_active_responses() {
    let lib = small_library();
    let out = run(cannery(lib.path()).arg("list"));
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("ID") && lines[0].contains("SHORTCUT"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("support/hours")
            && lines[1].contains("Business hours")
            && lines[1].contains("hours, schedule")
    );
    assert!(lines[2].starts_with("support/refund"));
    assert_eq!(lines[3], "2 responses");
    assert!(
        !text.contains("Holiday sale"),
        "inactive responses are listed only with --all"
    );
    assert!(stdout(&run(cannery(lib.path()).args(["list", "--all"])))
        .contains("Holiday sale (inactive)"));
}

#[test]
fn list_filters_and_searches() {
    let lib = small_library();
    let ids = |args: &[&str]| -> Vec<String> {
        let out = run(cannery(lib.path()).arg("list").args(args).arg("--json"));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&["--tag", "billing"]), ["support/refund"]);
    assert_eq!(
        ids(&["--tag", "hours", "--tag", "schedule"]),
        ["support/hours"]
    );
    assert_eq!(
        ids(&["--tag", "hours", "--tag", "billing"]),
        Vec::<String>::new()
    );
    assert_eq!(
        ids(&["--category", "greeting", "--all"]),
        ["greeting/old-sale"]
    );
    assert_eq!(ids(&["-q", "refund 30"]), ["support/refund"]);
    // Every word must match; a title hit ranks above a body hit.
    assert_eq!(ids(&["-q", "monday refund"]), Vec::<String>::new());
    write(
        lib.path(),
        "general/opening.md",
        "---\ntitle: Opening\n---\nOur business hours are long.\n",
    );
    assert_eq!(ids(&["-q", "hours"]), ["support/hours", "general/opening"]);
}

#[test]
fn list_json_gives_response_objects() {
    let lib = small_library();
    let out = run(cannery(lib.path()).args(["list", "--json"]));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let hours = &v[0];
    assert_eq!(
        hours["id"],
        "support/business-hours".replace("business-", "")
    );
    for key in [
        "title",
        "shortcut",
        "category",
        "tags",
        "visibility",
        "owner",
        "department",
        "active",
        "locale",
        "subject",
        "description",
        "body",
        "html",
        "text",
        "placeholders",
        "path",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "revision",
    ] {
        assert!(hours.get(key).is_some(), "`{key}` missing from {hours:#}");
    }
    assert_eq!(
        hours["placeholders"],
        serde_json::json!(["contact.first_name"])
    );
    assert_eq!(hours["visibility"], "shared");
    assert_eq!(hours["locale"], "en");
    assert!(hours["html"]
        .as_str()
        .unwrap()
        .contains("<strong>Monday to Friday</strong>"));
    assert!(hours["text"]
        .as_str()
        .unwrap()
        .contains("see our page (https://example.com/hours)"));
}

#[test]
fn show_fills_placeholders_in_each_format() {
    let lib = small_library();
    let show = |args: &[&str]| run(cannery(lib.path()).arg("show").args(args));
    let md = show(&["support/hours", "--set", "contact.first_name=Ana"]);
    assert_eq!(
        stdout(&md),
        "Hi Ana!\n\nWe are open **Monday to Friday**, see [our page](https://example.com/hours).\n"
    );
    let text = show(&["support/hours", "--format", "text"]);
    assert_eq!(
        stdout(&text),
        "Hi there!\n\nWe are open Monday to Friday, see our page (https://example.com/hours).\n"
    );
    let html = show(&[
        "support/hours",
        "--format",
        "html",
        "--set",
        "contact.first_name=<Ana>",
    ]);
    assert!(
        stdout(&html).starts_with("<p>Hi &lt;Ana&gt;!</p>"),
        "{}",
        stdout(&html)
    );
    // A placeholder with no value and no default stays, and is named.
    let refund = show(&[
        "support/refund",
        "--format",
        "text",
        "--set",
        "contact.first_name=Ana",
    ]);
    assert!(stdout(&refund).contains("Your order {{ order.number }} can be refunded"));
    assert!(
        stderr(&refund).contains("no value for order.number"),
        "{}",
        stderr(&refund)
    );
}

#[test]
fn show_an_unknown_id_exits_1_with_a_suggestion() {
    let lib = small_library();
    let out = run(cannery(lib.path()).args(["show", "support/hour"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("did you mean `support/hours`?"),
        "{}",
        stderr(&out)
    );
    let bad = run(cannery(lib.path()).args(["show", "support/hours", "--set", "nonsense"]));
    assert_eq!(bad.status.code(), Some(2), "a usage error");
}

#[test]
fn new_writes_a_valid_file_and_never_overwrites() {
    let lib = small_library();
    let new = |args: &[&str]| run(cannery(lib.path()).arg("new").args(args));
    let out = new(&[
        "Password reset: how-to",
        "--shortcut",
        "reset",
        "--category",
        "support",
        "--tag",
        "account",
        "--dir",
        "support/account",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let path = stdout(&out).trim().to_string();
    assert!(
        path.ends_with("support/account/password-reset-how-to.md"),
        "{path}"
    );
    let text = std::fs::read_to_string(lib.path().join(&path)).unwrap();
    assert!(text.starts_with("---\ntitle: \"Password reset: how-to\"\nshortcut: reset\ncategory: support\ntags: [\"account\"]\n---\n"), "{text}");
    let (status, doc) = check_json(lib.path());
    assert_eq!(status, 0, "{doc:#}");
    assert_eq!(doc["summary"]["responses"], 4);

    // Same title again: refused, nothing written.
    let again = new(&["password reset: How-To", "--dir", "support/account"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already has the title"));
    // A different title with the same file name gets a free name.
    let other = new(&["Password reset how to", "--dir", "support/account"]);
    assert!(
        stdout(&other)
            .trim()
            .ends_with("password-reset-how-to-2.md"),
        "{}",
        stdout(&other)
    );
    assert_eq!(
        std::fs::read_to_string(lib.path().join(&path)).unwrap(),
        text,
        "the first file is untouched"
    );
    // Bad input is refused with the reason.
    assert!(stderr(&new(&["X", "--shortcut", "Bad Shortcut"])).contains("not a valid shortcut"));
    assert!(
        stderr(&new(&["Y", "--shortcut", "hours"])).contains("already has the shortcut `hours`")
    );
    assert!(stderr(&new(&["Z", "--category", "suport"])).contains("did you mean `support`?"));
    assert_eq!(new(&["W", "--dir", "../outside"]).status.code(), Some(1));
    assert!(!lib.path().join("../outside").exists());
}

#[test]
fn the_library_is_found_as_documented() {
    let lib = small_library();
    let count = |cmd: &mut std::process::Command| -> u64 {
        let out = run(cmd.args(["check", "--format", "json"]));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["summary"]["responses"].as_u64().unwrap()
    };
    // The nearest folder upwards with cannery.yaml.
    assert_eq!(count(&mut cannery(&lib.path().join("support"))), 3);
    // $CANNERY_LIBRARY, and --library over it.
    let elsewhere = tempfile::tempdir().unwrap();
    assert_eq!(
        count(cannery(elsewhere.path()).env("CANNERY_LIBRARY", lib.path())),
        3
    );
    assert_eq!(
        count(
            cannery(elsewhere.path())
                .env("CANNERY_LIBRARY", "/nonexistent")
                .args(["--library", lib.path().to_str().unwrap()])
        ),
        3
    );
    // ./library when there is no cannery.yaml upwards.
    write(elsewhere.path(), "library/a.md", "---\ntitle: A\n---\nA\n");
    assert_eq!(count(&mut cannery(elsewhere.path())), 1);
    // A library folder that does not exist is an I/O error: exit 2.
    let out = run(cannery(elsewhere.path()).args(["--library", "missing", "check"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot open the library folder"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn help_on_every_command_and_usage_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    for cmd in ["check", "list", "show", "new"] {
        let out = run(cannery(tmp.path()).args([cmd, "--help"]));
        assert_eq!(out.status.code(), Some(0), "{cmd} --help");
        assert!(stdout(&out).contains("Usage: cannery"), "{cmd}");
    }
    assert_eq!(
        run(cannery(tmp.path()).arg("frobnicate")).status.code(),
        Some(2)
    );
    assert_eq!(
        run(cannery(tmp.path()).args(["check", "--format", "xml"]))
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_closed_pipe_is_not_a_crash() {
    let lib = small_library();
    let mut child = cannery(lib.path())
        .args(["list", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}
