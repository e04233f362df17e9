//! Hostile libraries, one case at a time: each bad input of SPEC §2 (and a
//! few the research notes add) sits alone beside a good file, and must give
//! its problem within a second while the good file is still loaded.
//! `tests/check.rs` runs most of them together through the binary; here
//! each is timed on its own (the figures in RELIABILITY.md come from
//! `cargo test --test hostile -- --nocapture`).

mod common;

use cannery::disk::DiskSource;
use cannery::library::Library;
use common::{cannery, codes, run_within, write};
use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::{Duration, Instant};

const GOOD: &str = "---\ntitle: Fine\n---\nFine.\n";
const LIMIT: Duration = Duration::from_secs(1);

/// Loads a library holding `ok.md` and what `setup` adds; asserts `file`
/// gets `code`, `ok` is still served, and the load took under a second.
fn case(name: &str, file: &str, code: &str, setup: impl FnOnce(&Path)) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("lib");
    write(&root, "ok.md", GOOD);
    setup(&root);
    let source = DiskSource::new(&root).unwrap();
    let started = Instant::now();
    let library = Library::load(&source);
    let took = started.elapsed();
    eprintln!("hostile {name:<34} {took:>10.1?}  {file}: {code}");
    let found: Vec<_> = library
        .problems
        .iter()
        .map(|p| (p.file.as_str(), p.code))
        .collect();
    assert!(found.contains(&(file, code)), "{name}: {found:?}");
    for p in &library.problems {
        assert!(p.line >= 1 && p.column >= 1, "{name}: {p:?}");
    }
    assert!(
        library.responses.iter().any(|r| r.id == "ok"),
        "{name}: the good file is no longer loaded"
    );
    assert!(took < LIMIT, "{name} took {took:?}");
}

fn front(yaml: &str) -> String {
    format!("---\ntitle: Hostile\n{yaml}\n---\nBody.\n")
}

#[test]
fn each_bad_input_of_the_spec_alone_is_a_located_problem_within_a_second() {
    case(
        "missing front matter",
        "a.md",
        "missing-front-matter",
        |r| write(r, "a.md", "Hi\n"),
    );
    case(
        "unclosed front matter",
        "a.md",
        "unclosed-front-matter",
        |r| write(r, "a.md", "---\ntitle: x\nHi\n"),
    );
    case("invalid YAML", "a.md", "invalid-yaml", |r| {
        write(r, "a.md", front("tags: [a, b"))
    });
    case("tags: hours", "a.md", "wrong-type", |r| {
        write(r, "a.md", front("tags: hours"))
    });
    case("active: \"yes\"", "a.md", "wrong-type", |r| {
        write(r, "a.md", front("active: \"yes\""))
    });
    case("active: yes (YAML 1.1)", "a.md", "wrong-type", |r| {
        write(r, "a.md", front("active: yes"))
    });
    case("non-UTF-8 bytes", "a.md", "not-utf8", |r| {
        write(r, "a.md", b"---\ntitle: Caf\xe9\n---\nBody\n")
    });
    case("empty file", "a.md", "empty-file", |r| write(r, "a.md", ""));
    case("empty body", "a.md", "empty-body", |r| {
        write(r, "a.md", "---\ntitle: Empty\n---\n \n\n")
    });
    case("1 MiB + 1 byte", "a.md", "file-too-large", |r| {
        let mut big = b"---\ntitle: Big\n---\n".to_vec();
        big.resize(1024 * 1024 + 1, b'a');
        write(r, "a.md", big)
    });
    case(
        "exactly 1 MiB is read (body too long)",
        "a.md",
        "body-too-long",
        |r| {
            let mut big = b"---\ntitle: Big\n---\n".to_vec();
            big.resize(1024 * 1024, b'a');
            write(r, "a.md", big)
        },
    );
    case("1 GB sparse file", "a.md", "file-too-large", |r| {
        let f = std::fs::File::create(r.join("a.md")).unwrap();
        f.set_len(1 << 30).unwrap();
    });
    case("billion laughs", "a.md", "yaml-too-complex", |r| {
        let mut y = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n".to_string();
        for (n, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
            .iter()
            .zip("abcdefgh".chars())
        {
            y.push_str(&format!(
                "{n}: &{n} [{}]\n",
                vec![format!("*{prev}"); 9].join(",")
            ));
        }
        write(r, "a.md", front(&y))
    });
    case("quadratic aliases", "a.md", "yaml-too-complex", |r| {
        let y = format!(
            "a: &a \"{}\"\nb: [{}]",
            "x".repeat(100_000),
            vec!["*a"; 5_000].join(",")
        );
        write(r, "a.md", front(&y))
    });
    case("merge key", "a.md", "yaml-too-complex", |r| {
        write(r, "a.md", front("x: &x {a: 1}\ny:\n  <<: *x"))
    });
    case("100,000 nested [", "a.md", "yaml-too-complex", |r| {
        write(r, "a.md", front(&format!("tags: {}", "[".repeat(100_000))))
    });
    case("100,000 nested {a:", "a.md", "yaml-too-complex", |r| {
        write(
            r,
            "a.md",
            front(&format!(
                "x: {}1{}",
                "{a: ".repeat(100_000),
                "}".repeat(100_000)
            )),
        )
    });
    case(
        "100,000 nested block lists",
        "a.md",
        "yaml-too-complex",
        |r| {
            // Indented `- ` lines, one level deeper each: 2,000 levels fill 4 MB,
            // so this stops at what fits under the 1 MiB limit.
            let mut y = String::from("x:\n");
            for depth in 0..900 {
                y.push_str(&" ".repeat(depth));
                y.push_str("-\n");
            }
            write(r, "a.md", front(&y))
        },
    );
    case("100,000 keys", "a.md", "yaml-too-complex", |r| {
        let y: String = (0..100_000).map(|n| format!("k{n}: 1\n")).collect();
        write(r, "a.md", front(&y))
    });
    case("duplicate keys", "a.md", "duplicate-key", |r| {
        write(r, "a.md", "---\ntitle: a\ntitle: b\n---\nx\n")
    });
    case("duplicate ids (id field)", "ok.md", "duplicate-id", |r| {
        write(r, "b.md", "---\ntitle: B\nid: ok\n---\nx\n")
    });
    // Bodies over 20,000 characters are refused before they are scanned,
    // so these stay just under the limit.
    case(
        "3,000 unclosed placeholders",
        "a.md",
        "unclosed-placeholder",
        |r| {
            write(
                r,
                "a.md",
                format!("---\ntitle: P\n---\n{}\n", "{{ a ".repeat(3_000)),
            )
        },
    );
    case(
        "9,000 `{{` on one line",
        "a.md",
        "unclosed-placeholder",
        |r| {
            write(
                r,
                "a.md",
                format!("---\ntitle: P\n---\n{}\n", "{{".repeat(9_000)),
            )
        },
    );
    case("deep Markdown nesting", "a.md", "body-too-long", |r| {
        write(
            r,
            "a.md",
            format!("---\ntitle: M\n---\n{}x\n", "> ".repeat(100_000)),
        )
    });
    case(
        "deep Markdown under the body limit",
        "a.md",
        "raw-html",
        |r| {
            write(
                r,
                "a.md",
                format!(
                    "---\ntitle: M\n---\n{}x <b>\n\n{}\n",
                    "> ".repeat(6_000),
                    "*a ".repeat(2_000)
                ),
            )
        },
    );
    case("symlink to /etc/passwd", "a.md", "symlink-outside", |r| {
        symlink("/etc/passwd", r.join("a.md")).unwrap()
    });
    case("symlink to a device", "a.md", "symlink-outside", |r| {
        symlink("/dev/zero", r.join("a.md")).unwrap()
    });
    case("dangling symlink", "a.md", "broken-symlink", |r| {
        symlink(r.join("none.md"), r.join("a.md")).unwrap()
    });
    case("symlink loop", "a.md", "broken-symlink", |r| {
        symlink(r.join("b.md"), r.join("a.md")).unwrap();
        symlink(r.join("a.md"), r.join("b.md")).unwrap();
    });
    case("FIFO", "a.md", "not-a-file", |r| {
        let ok = std::process::Command::new("mkfifo")
            .arg(r.join("a.md"))
            .status()
            .unwrap();
        assert!(ok.success());
    });
    case(
        "name with a line break",
        "a\\nb.md",
        "invalid-file-name",
        |r| write(r, "a\nb.md", GOOD.replace("Fine", "Other")),
    );
    case(
        "name not UTF-8",
        "caf\u{FFFD}.md",
        "invalid-file-name",
        |r| {
            use std::os::unix::ffi::OsStrExt;
            let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
            std::fs::write(r.join(name), "---\ntitle: Other\n---\nBody\n").unwrap();
        },
    );
}

/// A device file in the library (needs root to create; `mknod` fails
/// otherwise and the case is shown as not run).
#[test]
fn a_device_file_is_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let probe = tmp.path().join("probe");
    let made = std::process::Command::new("mknod")
        .arg(&probe)
        .args(["c", "1", "5"])
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("not run: mknod needs root");
        return;
    }
    case("character device (/dev/zero)", "a.md", "not-a-file", |r| {
        std::fs::rename(&probe, r.join("a.md")).unwrap();
    });
}

/// A folder link leading out of the library is a problem, not silence.
#[test]
fn a_folder_link_leading_outside_is_a_problem() {
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "secret.md",
        "---\ntitle: Secret\n---\nSecret.\n",
    );
    case("folder symlink outside", "shared", "symlink-outside", |r| {
        symlink(outside.path(), r.join("shared")).unwrap();
    });
    case("folder symlink loop", "self", "symlink-folder", |r| {
        symlink(r, r.join("self")).unwrap();
    });
}

/// Unreadable files and folders, as a user that permissions apply to:
/// under root (which reads everything) the binary runs as `nobody` through
/// `setpriv`; without either, the test says so.
#[test]
fn unreadable_files_and_folders_are_problems_for_a_user_they_apply_to() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let root = tmp.path();
    write(root, "ok.md", GOOD);
    write(root, "secret.md", "---\ntitle: Secret\n---\nBody\n");
    write(root, "closed/inner.md", "---\ntitle: Inner\n---\nBody\n");
    let mode = |p: &str, m: u32| {
        std::fs::set_permissions(root.join(p), std::fs::Permissions::from_mode(m)).unwrap()
    };
    mode("secret.md", 0o000);
    mode("closed", 0o000);
    let is_root = unsafe_free_euid() == 0;
    let mut cmd = if is_root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_cannery"))
            .current_dir(root)
            .env("NO_COLOR", "1")
            .env_remove("CANNERY_LIBRARY");
        c
    } else {
        cannery(root)
    };
    cmd.args(["--library", ".", "check", "--format", "json"]);
    let started = Instant::now();
    let run = std::panic::AssertUnwindSafe(move || run_within(&mut cmd, Duration::from_secs(20)));
    let out = match std::panic::catch_unwind(run) {
        Ok(out) => out,
        Err(_) if is_root => {
            eprintln!("not run: setpriv could not start cannery as nobody");
            return;
        }
        Err(e) => std::panic::resume_unwind(e),
    };
    let took = started.elapsed();
    mode("closed", 0o755);
    if out.stdout.is_empty() && is_root {
        eprintln!(
            "not run: nobody cannot run the test binary here: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let found = codes(&doc);
    eprintln!("hostile unreadable file and folder (process) {took:>10.1?}");
    assert!(
        found.contains(&("secret.md".into(), "unreadable".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("closed".into(), "unreadable".into())),
        "{found:?}"
    );
    assert_eq!(doc["summary"]["responses"], 1, "{doc:#}");
    assert_eq!(out.status.code(), Some(1));
    assert!(took < Duration::from_secs(5), "{took:?}");
}

fn unsafe_free_euid() -> u32 {
    let out = std::process::Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}
