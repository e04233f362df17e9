//! `cannery export` and `check --target`, through the real binary, on the
//! acme fixture library and on small libraries made for one rule each.

mod export_common;
mod gitrepo;

use export_common::{cannery, copy_of, errors, fixture, library, stderr, stdout, REFUSED};
use serde_json::Value;
use std::path::Path;

/// What `check --target T` refuses in acme is exactly what the table in
/// `export_common` says, and `export` refuses the same way.
#[test]
fn each_target_refuses_exactly_what_it_cannot_hold() {
    let acme = fixture("export/acme");
    assert_eq!(errors(&acme, &[]), [], "the fixture itself is valid");
    for (target, refused) in REFUSED {
        let files: Vec<String> = errors(&acme, &["--target", target])
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        let mut files = files;
        files.dedup();
        assert_eq!(files, *refused, "check --target {target}");
        let out = cannery(&acme, &["export", "--to", target]);
        assert_eq!(
            out.status.code(),
            Some(if refused.is_empty() { 0 } else { 1 }),
            "export --to {target}"
        );
    }
}

/// Each target's export of the acme responses it can hold: a snapshot,
/// and each element valid against the product's request schema.
#[test]
fn each_target_exports_the_responses_it_can_hold() {
    for (target, refused) in REFUSED {
        let dir = copy_of("export/acme", refused);
        let out = cannery(dir.path(), &["export", "--to", target]);
        assert!(out.status.success(), "{target}: {}", stderr(&out));
        let text = stdout(&out);
        insta::assert_snapshot!(format!("export_{target}"), text);
        if *target == "zammad-csv" {
            assert!(
                text.starts_with("id,name,keywords,content,note,active\n"),
                "{text}"
            );
            continue;
        }
        let doc: Value = serde_json::from_str(&text).unwrap();
        let elements = doc.as_array().expect("one JSON array");
        assert!(!elements.is_empty(), "{target}");
        if let Some(validator) = schema(target) {
            for element in elements {
                let problems: Vec<String> = validator
                    .iter_errors(element)
                    .map(|e| e.to_string())
                    .collect();
                assert!(
                    problems.is_empty(),
                    "{target}: {element} breaks the schema: {problems:?}"
                );
            }
        }
    }
}

/// The request schema `shared/helpdesk-schemas/<target>.json` beside the
/// repository, where there is one.
fn schema(target: &str) -> Option<jsonschema::Validator> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/helpdesk-schemas");
    assert!(
        dir.is_dir(),
        "{} must hold the helpdesk schemas (shared/ beside the repository)",
        dir.display()
    );
    let text = std::fs::read_to_string(dir.join(format!("{target}.json"))).ok()?;
    let schema: Value = serde_json::from_str(&text).unwrap();
    Some(jsonschema::validator_for(&schema).expect("a valid schema"))
}

fn export(dir: &Path, target: &str) -> Value {
    let out = cannery(dir, &["export", "--to", target]);
    assert!(out.status.success(), "{target}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

const CONFIG: &str =
    "departments: [billing, shipping]\ntargets:\n  freshdesk:\n    folder_id: 42\n";

fn response(title: &str, shortcut: &str, extra: &str, body: &str) -> String {
    format!("---\ntitle: {title}\nshortcut: {shortcut}\n{extra}---\n{body}\n")
}

/// One row of helpdesks.md's dialect table per built-in placeholder, one
/// column per target: the spelling written, or "—" for an error that names
/// the placeholder and the config key that would give one.
#[test]
fn placeholders_are_spelled_in_each_targets_dialect() {
    let names = [
        "contact.name",
        "contact.first_name",
        "contact.last_name",
        "contact.email",
        "contact.phone",
        "agent.name",
        "agent.first_name",
        "agent.email",
        "ticket.id",
        "ticket.subject",
        "company.name",
    ];
    const NO: &str = "—";
    let columns: &[(&str, [&str; 11])] = &[
        (
            "chatwoot",
            [
                "{{contact.name}}",
                "{{contact.first_name}}",
                "{{contact.last_name}}",
                "{{contact.email}}",
                "{{contact.phone}}",
                "{{agent.name}}",
                "{{agent.first_name}}",
                "{{agent.email}}",
                "{{conversation.id}}",
                NO,
                NO,
            ],
        ),
        (
            "rocketchat",
            [
                "{{contact.name}}",
                NO,
                NO,
                "{{contact.email}}",
                "{{contact.phone}}",
                "{{agent.name}}",
                NO,
                "{{agent.email}}",
                NO,
                NO,
                NO,
            ],
        ),
        (
            "whatomate",
            [
                "{{contact_name}}",
                NO,
                NO,
                NO,
                "{{phone_number}}",
                NO,
                NO,
                NO,
                NO,
                NO,
                NO,
            ],
        ),
        (
            "supporthub",
            [NO, NO, NO, NO, NO, NO, NO, NO, "{{ticket.id}}", NO, NO],
        ),
        (
            "zendesk",
            [
                "{{ticket.requester.name}}",
                "{{ticket.requester.first_name}}",
                "{{ticket.requester.last_name}}",
                "{{ticket.requester.email}}",
                "{{ticket.requester.phone}}",
                "{{current_user.name}}",
                "{{current_user.first_name}}",
                "{{current_user.email}}",
                "{{ticket.id}}",
                "{{ticket.title}}",
                NO,
            ],
        ),
        // Unverified spellings are "—": offered in the hint, never written.
        (
            "freshdesk",
            [
                NO,
                "{{ticket.requester.firstname}}",
                NO,
                NO,
                NO,
                NO,
                NO,
                NO,
                "{{ticket.id}}",
                NO,
                NO,
            ],
        ),
        (
            "helpscout",
            [
                NO,
                "{%customer.firstName%}",
                "{%customer.lastName%}",
                NO,
                NO,
                NO,
                NO,
                NO,
                NO,
                NO,
                NO,
            ],
        ),
        (
            "front",
            [
                "{{recipient.name}}",
                "{{recipient.first_name}}",
                "{{recipient.last_name}}",
                "{{recipient.email}}",
                "{{recipient.phone}}",
                "{{user.name}}",
                "{{user.first_name}}",
                "{{user.email}}",
                "{{conversation.ticket_id}}",
                NO,
                NO,
            ],
        ),
        (
            "zammad",
            [
                NO,
                "#{ticket.customer.firstname}",
                "#{ticket.customer.lastname}",
                "#{ticket.customer.email}",
                "#{ticket.customer.phone}",
                NO,
                "#{user.firstname}",
                "#{user.email}",
                "#{ticket.number}",
                "#{ticket.title}",
                NO,
            ],
        ),
    ];
    let mut files: Vec<(String, String)> = vec![("cannery.yaml".into(), CONFIG.into())];
    for (i, name) in names.iter().enumerate() {
        let body = format!("Hello {{{{ {name} }}}}.");
        files.push((
            format!("p{i}.md"),
            response(&format!("P{i}"), &format!("p{i}"), "", &body),
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = library(&files);
    for (target, spellings) in columns {
        let refused = errors(dir.path(), &["--target", target]);
        for (i, (name, spelling)) in names.iter().zip(spellings).enumerate() {
            let file = format!("p{i}.md");
            let is_refused = refused.contains(&(file.clone(), "target-placeholder".into()));
            assert_eq!(is_refused, *spelling == NO, "{target}: {name}");
        }
        let out = cannery(dir.path(), &["check", "--target", target]);
        assert!(
            stdout(&out).contains(&format!(
                "`placeholders.company.name.targets.{target}` in cannery.yaml"
            )),
            "{}",
            stdout(&out)
        );
        // Leave out the refused ones; the rest must carry the spelling.
        let kept: Vec<(&str, &str)> = files
            .iter()
            .filter(|(p, _)| !refused.iter().any(|(f, _)| f == p))
            .copied()
            .collect();
        let dir = library(&kept);
        let doc = export(dir.path(), target);
        for element in doc.as_array().unwrap() {
            let (name, text) = name_and_text(target, element);
            let i: usize = name.trim_start_matches(['p', 'P']).parse().unwrap();
            assert!(
                text.contains(&format!("Hello {}.", spellings[i])),
                "{target}: {text}"
            );
        }
    }
}

/// An element's name (title or shortcut) and its reply, for any target.
fn name_and_text<'a>(target: &str, e: &'a Value) -> (&'a str, &'a str) {
    let field = |k: &str| e[k].as_str().unwrap_or_default();
    match target {
        "chatwoot" => (field("short_code"), field("content")),
        "rocketchat" => (field("shortcut"), field("text")),
        "supporthub" | "front" => (field("name"), field("body")),
        "zendesk" => (
            e["macro"]["title"].as_str().unwrap(),
            e["macro"]["actions"][0]["value"].as_str().unwrap(),
        ),
        "freshdesk" => (field("title"), field("content_html")),
        "helpscout" => (field("name"), field("text")),
        _ => (field("name"), field("content")),
    }
}

#[test]
fn unverified_spellings_are_suggested_not_written() {
    let dir = library(&[
        (
            "cannery.yaml",
            "targets:\n  freshdesk:\n    folder_id: 42\n",
        ),
        ("a.md", &response("A", "a", "", "Hi {{ contact.name }}.")),
    ]);
    let out = cannery(dir.path(), &["check", "--target", "freshdesk"]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "error[target-placeholder]: `{{ contact.name }}` has no known equivalent in Freshdesk"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "(Freshdesk's documentation suggests `{{ticket.requester.name}}`, not confirmed)"
        ),
        "{text}"
    );
}

#[test]
fn help_scout_keeps_a_default_as_its_fallback() {
    let body = "Hi {{ contact.first_name | default: \"there\" }}!";
    let dir = library(&[("a.md", &response("A", "a", "", body))]);
    let doc = export(dir.path(), "helpscout");
    assert_eq!(
        doc[0]["text"],
        "<p>Hi {%customer.firstName,fallback=there%}!</p>\n"
    );
    assert_eq!(
        doc[0]["chatText"],
        "Hi {%customer.firstName,fallback=there%}!"
    );
    let out = cannery(dir.path(), &["export", "--to", "helpscout"]);
    assert!(!stderr(&out).contains("target-default"), "{}", stderr(&out));
}

#[test]
fn a_missing_setting_is_an_error_naming_its_key() {
    let dir = library(&[
        ("cannery.yaml", "departments: [billing]\n"),
        ("a.md", &response("A", "a", "", "Hi.")),
        (
            "b.md",
            &response(
                "B",
                "b",
                "visibility: department\ndepartment: billing\n",
                "Hi.",
            ),
        ),
    ]);
    let out = cannery(dir.path(), &["export", "--to", "freshdesk"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert_eq!(
        text.matches("Freshdesk needs `targets.freshdesk.folder_id` in cannery.yaml")
            .count(),
        1,
        "{text}"
    );
    assert!(text.contains("--> cannery.yaml"), "{text}");
    assert!(
        text.contains(
            "Freshdesk needs `targets.freshdesk.groups.billing` in cannery.yaml for this response"
        ),
        "{text}"
    );
    let out = cannery(dir.path(), &["export", "--to", "zendesk"]);
    assert!(
        stderr(&out).contains("Zendesk needs `targets.zendesk.groups.billing` in cannery.yaml"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn zammad_csv_is_one_row_per_response() {
    let dir = library(&[
        (
            "a.md",
            &response(
                "A, with a comma",
                "a",
                "tags: [x, a]\ndescription: A \"note\"\nactive: false\n",
                "Hi **there**.",
            ),
        ),
        ("b.md", &response("B", "b", "", "Tilde ~~~ trouble.")),
    ]);
    let found = errors(dir.path(), &["--target", "zammad-csv"]);
    assert_eq!(found, [("b.md".into(), "target-limit".into())]);
    std::fs::remove_file(dir.path().join("b.md")).unwrap();
    let out = cannery(dir.path(), &["export", "--to", "zammad-csv"]);
    assert_eq!(
        stdout(&out),
        "id,name,keywords,content,note,active\n,\"A, with a comma\",\"a, x\",\"<p>Hi <strong>there</strong>.</p>\n\",\"A \"\"note\"\"\",false\n"
    );
}

#[test]
fn oktopost_and_suppuo_keep_cannerys_spelling_and_warn() {
    let body = "Hi {{ contact.first_name | default: \"there\" }}, ticket {{ticket.id}}.";
    let dir = library(&[("a.md", &response("A", "a", "", body))]);
    for target in ["oktopost", "suppuo"] {
        let doc = export(dir.path(), target);
        let field = if target == "oktopost" {
            "content"
        } else {
            "body"
        };
        assert_eq!(
            doc[0][field],
            "Hi {{ contact.first_name | default: \"there\" }}, ticket {{ ticket.id }}."
        );
        let out = cannery(dir.path(), &["check", "--target", target]);
        let text = stdout(&out);
        assert_eq!(
            text.matches("warning[target-unfilled]").count(),
            2,
            "{text}"
        );
        assert!(out.status.success());
    }
}

#[test]
fn a_default_the_target_cannot_express_is_dropped_with_a_warning() {
    let body = "Hi {{ contact.name | default: \"there\" }}!";
    let dir = library(&[("a.md", &response("A", "a", "", body))]);
    let doc = export(dir.path(), "rocketchat");
    assert_eq!(doc[0]["text"], "Hi {{contact.name}}!");
    let out = cannery(dir.path(), &["export", "--to", "rocketchat"]);
    assert!(stderr(&out).contains("warning[target-default]: Rocket.Chat has no default for a placeholder: the default \"there\" of `contact.name` is dropped"), "{}", stderr(&out));
}

/// A target's problem with a placeholder points at the placeholder, in
/// the file, as the load's own problems do; `--format json` too.
#[test]
fn a_targets_placeholder_problem_points_at_the_placeholder() {
    let text = "---\ntitle: A\nshortcut: a\n---\n\nHello.\n\nBye {{ agent.name | default: \"us\" }}, é {{ contact.email }}.\n";
    let dir = library(&[("a.md", text)]);
    let out = cannery(dir.path(), &["check", "--target", "supporthub"]);
    let shown = stdout(&out);
    assert!(
        shown.contains("--> a.md:8:5\n") && shown.contains("8 | Bye {{ agent.name"),
        "{shown}"
    );
    let out = cannery(
        dir.path(),
        &["check", "--target", "supporthub", "--format", "json"],
    );
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let order = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["message"].as_str().unwrap().contains("contact.email"))
        .unwrap();
    let at = |key: &str| order[key].as_u64().unwrap();
    let place = (at("line"), at("column"), at("end_line"), at("end_column"));
    assert_eq!(place, (8, 41, 8, 60), "{order}");
}

#[test]
fn a_config_spelling_replaces_or_adds_one() {
    let config = "placeholders:\n  order.number:\n    targets:\n      whatomate: \"{{order_id}}\"\n  contact.first_name:\n    targets:\n      whatomate: \"[first name]\"\n";
    let body = "Order {{ order.number }} for {{ contact.first_name }}.";
    let dir = library(&[
        ("cannery.yaml", config),
        ("a.md", &response("A", "a", "", body)),
    ]);
    let doc = export(dir.path(), "whatomate");
    assert_eq!(doc[0]["content"], "Order {{order_id}} for [first name].");
}

#[test]
fn limits_are_checked_per_target() {
    let long_title = "T".repeat(70);
    let long_shortcut = "s".repeat(55);
    let long_body = "word ".repeat(2_100);
    let dir = library(&[
        ("cannery.yaml", "categories:\n  a-category-whose-name-is-much-longer-than-fifty-chars: Long\n  general: General\n"),
        ("a.md", &response(&long_title, "a", "", "Hi.")),
        ("b.md", &response("B", &long_shortcut, "", "Hi.")),
        ("c.md", &response("C", "c", "category: a-category-whose-name-is-much-longer-than-fifty-chars\n", "Hi.")),
        ("d.md", &response("D", "d", "", &long_body)),
        ("e.md", "---\ntitle: E\n---\nNo shortcut.\n"),
    ]);
    let found = |target| errors(dir.path(), &["--target", target]);
    assert_eq!(
        found("oktopost"),
        [
            ("a.md".into(), "target-limit".into()),
            ("d.md".into(), "target-limit".into())
        ]
    );
    assert_eq!(
        found("whatomate"),
        [
            ("b.md".into(), "target-limit".into()),
            ("c.md".into(), "target-limit".into())
        ]
    );
    assert_eq!(
        found("rocketchat"),
        [("e.md".into(), "target-missing-shortcut".into())]
    );
    let out = cannery(dir.path(), &["check", "--target", "oktopost,whatomate"]);
    let text = stdout(&out);
    assert!(
        text.contains("the title has 70 characters; Oktopost takes at most 64 in `name`"),
        "{text}"
    );
    assert!(
        text.contains("the shortcut has 55 characters; Whatomate takes at most 50 in `shortcut`"),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn visibility_maps_or_is_refused() {
    let dir = library(&[
        ("cannery.yaml", "departments: [billing, shipping]\ntargets:\n  rocketchat:\n    departments:\n      billing: \"dep1\"\n"),
        ("a.md", &response("A", "a", "visibility: private\nowner: ana@example.com\n", "Hi.")),
        ("b.md", &response("B", "b", "visibility: department\ndepartment: billing\n", "Hi.")),
        ("c.md", &response("C", "c", "visibility: department\ndepartment: shipping\n", "Hi.")),
    ]);
    // Rocket.Chat: user and department scopes; shipping has no id.
    let out = cannery(dir.path(), &["check", "--target", "rocketchat"]);
    assert!(
        stdout(&out).contains("Rocket.Chat needs `targets.rocketchat.departments.shipping` in cannery.yaml for this response"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        errors(dir.path(), &["--target", "rocketchat"]),
        [("c.md".into(), "target-setting".into())]
    );
    std::fs::remove_file(dir.path().join("c.md")).unwrap();
    let doc = export(dir.path(), "rocketchat");
    assert_eq!(
        doc[0],
        serde_json::json!({"shortcut": "a", "text": "Hi.", "scope": "user", "tags": []})
    );
    assert_eq!(doc[1]["scope"], "department");
    assert_eq!(doc[1]["departmentId"], "dep1");
    // Support-hub: private is not global; no departments.
    assert_eq!(
        errors(dir.path(), &["--target", "supporthub"]),
        [("b.md".into(), "target-visibility".into())]
    );
    // Oktopost: private only; Whatomate and Suppuo: neither.
    assert_eq!(
        errors(dir.path(), &["--target", "oktopost"]),
        [("b.md".into(), "target-visibility".into())]
    );
    assert_eq!(errors(dir.path(), &["--target", "suppuo"]).len(), 2);
    assert_eq!(errors(dir.path(), &["--target", "whatomate"]).len(), 2);
}

#[test]
fn inactive_responses_are_left_out_where_the_target_cannot_switch_them_off() {
    let dir = library(&[
        ("a.md", &response("A", "a", "active: false\n", "Off.")),
        ("b.md", &response("B", "b", "", "On.")),
    ]);
    let titles = |doc: Value, key: &str| -> Vec<String> {
        doc.as_array()
            .unwrap()
            .iter()
            .map(|e| e[key].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(titles(export(dir.path(), "oktopost"), "name"), ["B"]);
    let json = export(dir.path(), "json");
    assert_eq!(titles(json.clone(), "title"), ["A", "B"]);
    assert_eq!(json[0]["active"], false);
}

#[test]
fn variants_are_elements_of_their_own_unless_a_locale_is_picked() {
    let copy = copy_of("export/acme", &["support/billing/refund-policy.md"]);
    let acme = copy.path();
    let titles = |args: &[&str]| -> Vec<String> {
        let out = cannery(acme, args);
        assert!(out.status.success(), "{}", stderr(&out));
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        doc.as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap().to_string())
            .collect()
    };
    let all = titles(&["export", "--to", "oktopost"]);
    assert!(
        all.contains(&"Horário comercial (pt-BR)".to_string()),
        "{all:?}"
    );
    assert!(
        all.contains(&"Willkommen (de)".to_string()) && all.contains(&"Welcome".to_string()),
        "{all:?}"
    );
    let german = titles(&["export", "--to", "oktopost", "--locale", "de"]);
    assert!(
        german.contains(&"Willkommen".to_string()) && !german.contains(&"Welcome".to_string()),
        "{german:?}"
    );
    assert!(german.contains(&"Business hours".to_string()), "{german:?}");
    assert_eq!(german.len(), all.len() - 2);
    // Cannery's JSON keeps them inside their response.
    let out = cannery(acme, &["export", "--to", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let welcome = doc
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "greeting/welcome")
        .unwrap();
    assert_eq!(welcome["variants"]["de"]["title"], "Willkommen");
}

#[test]
fn a_refused_export_writes_nothing() {
    let dir = library(&[(
        "a.md",
        "---\ntitle: A\n---\nNo shortcut, so no Rocket.Chat.\n",
    )]);
    let target = dir.path().join("out.json");
    let out = cannery(
        dir.path(),
        &["export", "--to", "rocketchat", "-o", "out.json"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(!target.exists());
    std::fs::write(&target, "old").unwrap();
    let out = cannery(
        dir.path(),
        &["export", "--to", "rocketchat", "-o", "out.json"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error[target-missing-shortcut]"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("nothing was exported to Rocket.Chat"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
    // And a good export replaces it whole, leaving no temporary file.
    let out = cannery(
        dir.path(),
        &["export", "--to", "oktopost", "-o", "out.json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read_to_string(&target).unwrap().starts_with("[\n"));
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

/// Regression: `-o /dev/null` renamed a plain file over the device. Only
/// a regular file is replaced: a named pipe (standing in for a device
/// here, which a test must not risk) is written to as it is, and a link
/// keeps pointing at the file it names, which gets the export.
#[cfg(unix)]
#[test]
fn an_export_into_a_pipe_or_through_a_link_leaves_them_in_place() {
    use std::os::unix::fs::FileTypeExt;
    let dir = library(&[("a.md", &response("A", "a", "", "Hello."))]);
    let pipe = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&pipe).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let (sent, read) = std::sync::mpsc::channel();
    {
        let pipe = pipe.clone();
        // Blocks until a writer opens the pipe; never joined, so a broken
        // export (nobody opens it) fails the test instead of hanging it.
        std::thread::spawn(move || sent.send(std::fs::read_to_string(pipe).unwrap()));
    }
    let out = cannery(dir.path(), &["export", "--to", "json", "-o", "pipe"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let read = read
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the export wrote into the pipe");
    assert!(
        read.starts_with("[\n") && read.contains("\"title\": \"A\""),
        "{read}"
    );
    let kind = std::fs::symlink_metadata(&pipe).unwrap().file_type();
    assert!(kind.is_fifo(), "the pipe was replaced: {kind:?}");

    std::fs::create_dir(dir.path().join("real")).unwrap();
    std::fs::write(dir.path().join("real/out.json"), "old").unwrap();
    std::os::unix::fs::symlink("real/out.json", dir.path().join("link.json")).unwrap();
    let out = cannery(dir.path(), &["export", "--to", "json", "-o", "link.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let link = std::fs::symlink_metadata(dir.path().join("link.json")).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced");
    let written = std::fs::read_to_string(dir.path().join("real/out.json")).unwrap();
    assert!(written.starts_with("[\n"), "{written}");
}

#[test]
fn a_library_with_errors_is_not_exported() {
    let dir = library(&[
        ("a.md", &response("A", "a", "", "Fine.")),
        (
            "b.md",
            "---\ntitle: B\ntittle: x\n---\nBroken front matter.\n",
        ),
    ]);
    let out = cannery(dir.path(), &["export", "--to", "json", "-o", "out.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error[unknown-field]"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("out.json").exists());
}

#[test]
fn target_settings_are_checked_by_check() {
    let dir = library(&[
        (
            "cannery.yaml",
            "departments: [billing]\ntargets:\n  rocketchat:\n    departmens:\n      billing: x\n",
        ),
        ("a.md", &response("A", "a", "", "Hi.")),
    ]);
    let out = cannery(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("`targets.rocketchat.departmens` is not a setting"),
        "{text}"
    );
    assert!(text.contains("did you mean `departments`?"), "{text}");
    // The export refuses on the same problem.
    assert_eq!(
        cannery(dir.path(), &["export", "--to", "json"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn an_unknown_target_is_a_usage_error() {
    let dir = library(&[("a.md", &response("A", "a", "", "Hi."))]);
    let out = cannery(dir.path(), &["export", "--to", "zendsk"]);
    assert_eq!(out.status.code(), Some(2));
    let out = cannery(dir.path(), &["check", "--target", "json,nope"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn json_carries_git_dates_and_rev_exports_a_revision() {
    let mut repo = gitrepo::Repo::new();
    repo.write("library/a.md", &response("A", "a", "", "First."));
    repo.commit(gitrepo::JANE, "Add A");
    repo.write("library/a.md", &response("A", "a", "", "Second."));
    let head = repo.commit(gitrepo::OMAR, "Edit A");
    let lib = repo.path().join("library");
    let doc = export(&lib, "json");
    assert_eq!(doc[0]["created_by"]["name"], "Jane Smith");
    assert_eq!(doc[0]["updated_by"]["name"], "Omar Haddad");
    assert_eq!(doc[0]["revision"], head.as_str());
    let out = cannery(&lib, &["--rev", "HEAD~1", "export", "--to", "oktopost"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc[0]["content"], "First.");
    let out = cannery(
        &lib,
        &["--rev", "HEAD", "import", "--from", "json", "x.json"],
    );
    assert_eq!(out.status.code(), Some(2));
}
