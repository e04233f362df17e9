//! Snippets (SPEC §7.2) through the real binary, on tests/fixtures/snippets.

mod common;

use common::*;

fn fixture() -> std::path::PathBuf {
    fixtures().join("snippets")
}

#[test]
fn includes_expand_in_renderings_and_bodies_keep_them() {
    let out = run(cannery(&fixture()).args(["--library", ".", "list", "--json"]));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let data = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "support/data-request")
        .unwrap();
    assert_eq!(
        data["body"],
        "Hi {{ contact.first_name }},\n\n{{> legal/gdpr }}\n\n{{> signature }}"
    );
    assert_eq!(
        data["text"],
        "Hi {{ contact.first_name }},\n\nYou can ask for a copy of your data at any time, {{ contact.first_name | default: \"there\" }}.\n\nBest,\n{{ agent.first_name }} from the Acme team"
    );
    assert!(data["html"]
        .as_str()
        .unwrap()
        .contains("from the <strong>Acme</strong> team"));
    // Placeholders inside snippets count as the response's.
    assert_eq!(
        data["placeholders"],
        serde_json::json!(["contact.first_name", "agent.first_name"])
    );
    let shown = run(cannery(&fixture()).args([
        "--library",
        ".",
        "show",
        "support/hours",
        "--format",
        "text",
        "--set",
        "agent.first_name=Omar",
    ]));
    assert_eq!(
        stdout(&shown),
        "We are open 9 to 5.\n\nBest,\nOmar from the Acme team\n"
    );
}

#[test]
fn cycles_and_unknown_snippets_are_errors_at_the_include() {
    let (status, doc) = check_json(&fixture());
    assert_eq!(status, 1);
    let problems = doc["problems"].as_array().unwrap();
    let find = |file: &str, code: &str| {
        problems
            .iter()
            .find(|p| p["file"] == file && p["code"] == code)
            .unwrap_or_else(|| panic!("no {code} in {file}: {doc:#}"))
            .clone()
    };
    let cycle = find("_snippets/cycle/one.md", "snippet-cycle");
    assert_eq!(
        cycle["message"],
        "snippets include each other in a cycle: cycle/two → cycle/three → cycle/one → cycle/two"
    );
    assert_eq!(
        (cycle["line"].as_u64(), cycle["column"].as_u64()),
        (Some(1), Some(5))
    );
    let typo = find("support/typo.md", "unknown-snippet");
    assert_eq!(
        (
            typo["line"].as_u64(),
            typo["column"].as_u64(),
            typo["end_column"].as_u64()
        ),
        (Some(6), Some(1), Some(16))
    );
    assert_eq!(typo["hint"], "did you mean `signature`?");
    find("support/loop.md", "broken-snippet");
    // The escaped include is literal text; the good responses are served.
    assert_eq!(doc["summary"]["responses"], 3);
    let escaped = run(cannery(&fixture()).args([
        "--library",
        ".",
        "show",
        "support/escaped",
        "--format",
        "text",
    ]));
    assert_eq!(
        stdout(&escaped),
        "Write {{> signature }} to include the signature.\n"
    );
}

#[test]
fn a_snippet_may_only_describe_itself() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "_snippets/sig.md",
        "---\ntitle: Signature\ndescripton: x\n---\nBest\n",
    );
    write(tmp.path(), "a.md", "---\ntitle: A\n---\nHi\n\n{{> sig }}\n");
    let (_, doc) = check_json(tmp.path());
    let found = codes(&doc);
    assert!(
        found.contains(&("_snippets/sig.md".into(), "snippet-field".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("_snippets/sig.md".into(), "unknown-field".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("a.md".into(), "broken-snippet".into())),
        "{found:?}"
    );
}
