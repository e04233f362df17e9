//! `cannery import`, through the real binary: list-API answers of each
//! helpdesk, round trips through every export, and never overwriting.

mod export_common;

use export_common::{cannery, copy_of, errors, fixture, library, stderr, stdout, walk, REFUSED};
use std::path::Path;

/// Every file of the library but its config, each under its path.
fn files(dir: &Path) -> String {
    let mut out = String::new();
    for path in walk(dir) {
        let relative = path
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if relative == "cannery.yaml" || relative == "in.txt" {
            continue;
        }
        out.push_str(&format!(
            "== {relative}\n{}",
            std::fs::read_to_string(&path).unwrap()
        ));
    }
    out
}

/// A library with the import fixtures' config and nothing else.
fn empty_library(config: &Path) -> tempfile::TempDir {
    let text = std::fs::read_to_string(config).unwrap();
    library(&[("cannery.yaml", &text)])
}

/// Each product's list-API answer becomes valid files; what was changed
/// or skipped on the way is said.
#[test]
fn list_api_answers_become_valid_files() {
    let config = fixture("import/cannery.yaml");
    let cases = [
        ("oktopost", 0),
        ("whatomate", 0),
        ("rocketchat", 1),
        ("supporthub", 0),
        ("suppuo", 0),
        ("chatwoot", 0),
        ("zendesk", 0),
        ("freshdesk", 0),
        ("helpscout", 1),
        ("front", 0),
        ("zammad", 0),
        ("zammad-csv", 0),
    ];
    for (target, code) in cases {
        let dir = empty_library(&config);
        let file = match target {
            "zammad-csv" => "import/zammad.csv".to_string(),
            _ => format!("import/{target}.json"),
        };
        let input = fixture(&file);
        let input = input.to_string_lossy();
        let out = cannery(
            dir.path(),
            &[
                "import",
                "--from",
                target,
                &input,
                "--owner",
                "maria@acme.example",
            ],
        );
        assert_eq!(out.status.code(), Some(code), "{target}: {}", stderr(&out));
        assert_eq!(
            errors(dir.path(), &[]),
            [],
            "{target}: the files pass check"
        );
        let report = format!(
            "-- stdout\n{}-- stderr\n{}{}",
            stdout(&out),
            stderr(&out),
            files(dir.path())
        );
        insta::assert_snapshot!(format!("import_{target}"), report);
    }
}

/// `export → import → export` gives the same bytes for every target.
#[test]
fn export_import_export_gives_the_same_bytes() {
    for (target, refused) in REFUSED {
        let source = copy_of("export/acme", refused);
        let first = cannery(source.path(), &["export", "--to", target]);
        assert!(first.status.success(), "{target}: {}", stderr(&first));
        let copy = empty_library(&source.path().join("cannery.yaml"));
        let file = copy.path().join("in.txt");
        std::fs::write(&file, &first.stdout).unwrap();
        let out = cannery(
            copy.path(),
            &[
                "import",
                "--from",
                target,
                "in.txt",
                "--owner",
                "ana@acme.example",
            ],
        );
        assert!(out.status.success(), "{target}: {}", stderr(&out));
        assert_eq!(
            errors(copy.path(), &[]),
            [],
            "{target}: the files pass check"
        );
        let second = cannery(copy.path(), &["export", "--to", target]);
        assert!(second.status.success(), "{target}: {}", stderr(&second));
        assert_eq!(stdout(&second), stdout(&first), "{target}");
    }
}

#[test]
fn import_never_overwrites() {
    let config = fixture("import/cannery.yaml");
    let dir = empty_library(&config);
    let input = fixture("import/suppuo.json");
    let input = input.to_string_lossy();
    let out = cannery(
        dir.path(),
        &["import", "--from", "suppuo", &input, "--into", "imported"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "imported/refund-processed.md\nimported/hours.md\n"
    );
    std::fs::write(
        dir.path().join("imported/hours.md"),
        "---\ntitle: Mine\n---\nKeep me.\n",
    )
    .unwrap();
    let again = cannery(
        dir.path(),
        &["import", "--from", "suppuo", &input, "--into", "imported"],
    );
    assert_eq!(again.status.code(), Some(1));
    let text = stderr(&again);
    assert!(
        text.contains("skipped \"Refund processed\": imported/refund-processed.md already exists"),
        "{text}"
    );
    assert!(
        text.contains("skipped \"Hours\": imported/hours.md already exists"),
        "{text}"
    );
    assert!(
        text.contains("Imported 0 responses from Suppuo; skipped 2."),
        "{text}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("imported/hours.md")).unwrap(),
        "---\ntitle: Mine\n---\nKeep me.\n"
    );
    // Elsewhere, the title is what clashes: `check` would refuse the copy.
    let elsewhere = cannery(
        dir.path(),
        &["import", "--from", "suppuo", &input, "--into", "other"],
    );
    assert_eq!(elsewhere.status.code(), Some(1));
    let text = stderr(&elsewhere);
    assert!(
        text.contains(
            "skipped \"Refund processed\": imported/refund-processed.md already has this title"
        ),
        "{text}"
    );
    assert!(
        text.contains("Imported 1 response from Suppuo; skipped 1."),
        "{text}"
    );
    assert_eq!(errors(dir.path(), &[]), []);
}

#[test]
fn input_that_is_not_the_targets_is_a_usage_error() {
    let dir = library(&[]);
    std::fs::write(dir.path().join("x.json"), "{\"something\": 1}").unwrap();
    let out = cannery(dir.path(), &["import", "--from", "rocketchat", "x.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("x.json is not Rocket.Chat's export or list answer: expected a JSON array, or Rocket.Chat's {\"cannedResponses\": [...]}"), "{}", stderr(&out));
    let out = cannery(dir.path(), &["import", "--from", "json", "missing.json"]);
    assert_eq!(out.status.code(), Some(2));
    let out = cannery(
        dir.path(),
        &["import", "--from", "json", "x.json", "--into", "../outside"],
    );
    assert_eq!(out.status.code(), Some(2));
}
