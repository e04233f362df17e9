//! `GET /api/v1/export/{target}` answers the same bytes as `cannery export`.

mod serve_support;

use serve_support::Server;
use std::path::Path;
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn every_target_answers_the_cli_bytes_or_the_same_refusal() {
    // The sample library, whose private and department replies some
    // targets refuse, and a plain one every target takes.
    let sample = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("library"),
        sample.path(),
    );
    let plain = serve_support::library(&[
        ("cannery.yaml", "targets:\n  freshdesk:\n    folder_id: 42\n"),
        ("support/hours.md", "---\ntitle: Business hours\nshortcut: hours\ncategory: support\n---\nWe are open **9 to 5**.\n"),
        ("support/hours.pt-BR.md", "---\ntitle: Horário\n---\nAtendemos das 9 às 17.\n"),
        ("closing/bye.md", "---\ntitle: Goodbye\nshortcut: bye\ncategory: closing\n---\nThanks, and [see you](https://example.com)!\n"),
    ]);
    for dir in [&sample, &plain] {
        compare(dir.path(), dir.path() == plain.path());
    }
}

fn compare(dir: &Path, all_export: bool) {
    let dir = &dir;
    let server = Server::start(dir, &[]);
    let mut exported = 0;
    for target in cannery::config::TARGETS {
        let cli = Command::new(env!("CARGO_BIN_EXE_cannery"))
            .args(["--library", dir.to_str().unwrap(), "export", "--to", target])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let answer = server.get(&format!("/api/v1/export/{target}"));
        if cli.status.success() {
            assert_eq!(answer.status, 200, "{target}: {}", answer.body);
            assert_eq!(
                answer.body.as_bytes(),
                cli.stdout.as_slice(),
                "{target}: the bytes differ"
            );
            assert!(answer.header("etag").is_some());
            exported += 1;
        } else {
            assert_eq!(answer.status, 409, "{target}: {}", answer.body);
            assert!(
                answer.body.contains("cannery check --target"),
                "{}",
                answer.body
            );
        }
    }
    if all_export {
        assert_eq!(exported, cannery::config::TARGETS.len());
        let pt = server.get("/api/v1/export/suppuo?locale=pt-BR");
        assert_eq!(pt.status, 200);
        assert!(pt.body.contains("Atendemos"), "{}", pt.body);
    } else {
        assert!(exported >= 1);
    }
    assert_eq!(server.get("/api/v1/export/nowhere").status, 404);
}
