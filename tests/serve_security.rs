//! `cannery serve` against hostile requests: ids and paths that try to
//! leave the library (`..`, `%2F`, `%2e%2e`, `%00`, absolute paths,
//! backslashes), revisions that name files outside it, malformed HTTP,
//! script payloads in every field and in placeholder values, and the
//! token on every route. Nothing outside the library root may be opened
//! or served, no answer may be a 5xx, and no HTML the API answers may hold
//! a tag or attribute the renderer does not write.

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod checks;
mod gitrepo;
mod serve_support;

use gitrepo::{Repo, JANE};
use notify::{EventKind, RecursiveMode, Watcher};
use serve_support::{raw, Server, LIBRARY};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

const SHORT: Duration = Duration::from_secs(5);
/// In every secret file; must never be in an answer.
const SECRET: &str = "SECRET-7f3a-MUST-NOT-LEAK";

fn status(answer: &str) -> u16 {
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {answer:?}"))
}

fn get(addr: &str, target: &[u8]) -> String {
    let request = [
        b"GET ".as_slice(),
        target,
        b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    ]
    .concat();
    raw(addr, &request, SHORT)
}

/// A repository whose `library/` folder is the library, with secrets
/// beside it: `secret.md` and `other/secret.md` are valid responses (so
/// they would be served if they were ever read), committed, and
/// `.git/config` is the repository's own.
fn repository() -> Repo {
    let mut repo = Repo::new();
    for (path, text) in LIBRARY {
        repo.write(&format!("library/{path}"), text);
    }
    let secret = format!("---\ntitle: Secret\n---\n{SECRET}\n");
    repo.write("secret.md", &secret);
    repo.write("other/secret.md", &secret);
    repo.write("library.md", &secret);
    // Includes that name files outside the snippets folder.
    repo.write(
        "library/support/includes.md",
        "---\ntitle: Includes\n---\nA {{> ../../secret }} B {{> ../secret }} C {{> /etc/passwd }}\n",
    );
    repo.commit(JANE, "Library and secrets");
    repo
}

/// Reports every open of the secret files from now on.
struct Opens {
    _watcher: notify::RecommendedWatcher,
    rx: mpsc::Receiver<notify::Result<notify::Event>>,
    secrets: Vec<PathBuf>,
}

impl Opens {
    fn watch(root: &Path) -> Opens {
        let (tx, rx) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx).unwrap();
        watcher.watch(root, RecursiveMode::NonRecursive).unwrap();
        watcher
            .watch(&root.join("other"), RecursiveMode::NonRecursive)
            .unwrap();
        let secrets = ["secret.md", "other/secret.md", "library.md"]
            .iter()
            .map(|p| root.join(p).canonicalize().unwrap())
            .collect();
        Opens {
            _watcher: watcher,
            rx,
            secrets,
        }
    }

    /// The secret files opened since the watch began.
    fn opened(&self) -> Vec<String> {
        std::thread::sleep(Duration::from_millis(200));
        self.rx
            .try_iter()
            .flatten()
            .filter(|e| matches!(e.kind, EventKind::Access(_)))
            .flat_map(|e| e.paths)
            .filter(|p| p.canonicalize().is_ok_and(|p| self.secrets.contains(&p)))
            .map(|p| p.display().to_string())
            .collect()
    }
}

/// Every way we know of to write "a file outside the library" as an id.
fn escapes(absolute: &str) -> Vec<String> {
    let mut ids: Vec<String> = [
        "../secret",
        "../secret.md",
        "../../secret",
        "..%2Fsecret",
        "..%2fsecret",
        "%2e%2e/secret",
        "%2e%2e%2fsecret",
        "%2E%2E%2Fsecret",
        "%2e%2e%5csecret",
        "..%5csecret",
        "..\\secret",
        "support/../../secret",
        "support%2F..%2F..%2Fsecret",
        "%2F..%2F..%2Fsecret",
        "/../secret",
        "//../secret",
        "....//secret",
        "..;/secret",
        ".../secret",
        "..%00/secret",
        "secret%00",
        "support/business-hours%00",
        "support/business-hours%00.md",
        "support/business-hours.md%00",
        "support/business-hours.md",
        "%252e%252e%252fsecret",
        "..%252fsecret",
        "%c0%ae%c0%ae/secret",
        "%c0%af%c0%afsecret",
        "%ef%bc%8e%ef%bc%8e%ef%bc%8fsecret",
        "other/secret",
        "../other/secret",
        "..%2Fother%2Fsecret",
        "../library",
        "%2e%2e",
        "..",
        ".",
        ".git/config",
        "..%2F.git%2Fconfig",
        "../.git/config",
        "/etc/passwd",
        "%2Fetc%2Fpasswd",
        "..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "file:///etc/passwd",
        "file:%2F%2F%2Fetc%2Fpasswd",
        "C:%5CWindows%5Cwin.ini",
        "C:\\Windows\\win.ini",
        "%5C%5Cserver%5Cshare%5Csecret",
        "support/includes/../../../secret",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    ids.push(absolute.to_string());
    ids.push(absolute.replace('/', "%2F"));
    ids.push(format!("{absolute}.md"));
    ids.push(format!("..{absolute}"));
    ids
}

/// Asks for every escape on every route that takes an id or a name, and
/// for the page's files; returns what each answered.
fn ask_everything(server: &Server, absolute: &str) -> Vec<(String, u16)> {
    let prefixes = [
        "/api/v1/canned-responses/",
        "/api/v1/render/",
        "/api/v1/history/",
        "/api/v1/export/",
        "/assets/",
        "/",
        "/api/v1/",
        "/api/v1/canned-responses?q=",
        "/api/v1/changes?since=",
    ];
    let mut seen = Vec::new();
    for prefix in prefixes {
        for id in escapes(absolute) {
            let target = format!("{prefix}{id}");
            let answer = get(&server.addr, target.as_bytes());
            let code = status(&answer);
            assert!(
                !answer.contains(SECRET),
                "{target} served the secret: {answer}"
            );
            assert!(
                !answer.contains("root:x:0:0") && !answer.contains("[core]"),
                "{target} served a system or git file: {answer}"
            );
            seen.push((target, code));
        }
    }
    seen
}

fn check_answers(seen: &[(String, u16)]) {
    for (target, code) in seen {
        // A search for any text is a fine question: 200, or 400 for text
        // that does not decode. Everything else names something that is
        // not there (404) or cannot be read (400).
        let allowed: &[u16] = if target.contains("?q=") {
            &[200, 400]
        } else {
            &[400, 404]
        };
        assert!(
            allowed.contains(code),
            "{target} answered {code}, not one of {allowed:?}"
        );
    }
}

#[test]
fn ids_that_leave_the_library_are_404_or_400_and_nothing_outside_is_opened() {
    let repo = repository();
    let root = repo.path();
    let library = root.join("library");
    let opens = Opens::watch(root);
    let server = Server::start(&library, &["--quiet"]);
    // The library itself is served, includes and all.
    let hours = server.get("/api/v1/canned-responses/support/business-hours");
    assert_eq!(hours.status, 200);
    let absolute = root.join("secret").display().to_string();
    let seen = ask_everything(&server, &absolute);
    check_answers(&seen);
    let includes = server.get("/api/v1/canned-responses/support/includes");
    assert!(!includes.body.contains(SECRET), "{}", includes.body);
    let rendered = server.get("/api/v1/render/support/includes?format=text");
    assert!(!rendered.body.contains(SECRET), "{}", rendered.body);
    // Revisions that name a file outside the library: a blob, a path
    // into the tree, a search of commit messages.
    for since in [
        "HEAD:secret.md",
        "HEAD:library/../secret.md",
        "HEAD:../secret.md",
        "HEAD^{tree}",
        "HEAD:",
        "HEAD~99999",
        "../../../../etc/passwd",
        "%2Fetc%2Fpasswd",
    ] {
        let answer = get(
            &server.addr,
            format!(
                "/api/v1/changes?since={}",
                since
                    .replace('^', "%5E")
                    .replace('{', "%7B")
                    .replace('}', "%7D")
            )
            .as_bytes(),
        );
        assert!(
            matches!(status(&answer), 400 | 404),
            "since={since}: {answer}"
        );
        assert!(!answer.contains(SECRET), "since={since}: {answer}");
    }
    let opened = opens.opened();
    assert!(opened.is_empty(), "the server opened {opened:?}");
    assert!(!server.stderr().contains("panicked"), "{}", server.stderr());
    eprintln!("{} requests tried, none left the library", seen.len());
}

#[test]
fn ids_that_leave_the_library_at_a_revision_are_404_or_400() {
    let repo = repository();
    let root = repo.path();
    let opens = Opens::watch(root);
    let server = Server::start(&root.join("library"), &["--quiet", "--rev", "HEAD"]);
    assert_eq!(
        server
            .get("/api/v1/canned-responses/support/business-hours")
            .status,
        200
    );
    let absolute = root.join("secret").display().to_string();
    let seen = ask_everything(&server, &absolute);
    check_answers(&seen);
    let opened = opens.opened();
    assert!(opened.is_empty(), "the server opened {opened:?}");
    assert!(!server.stderr().contains("panicked"), "{}", server.stderr());
}

/// Requests no client should send: each gets a 4xx (or an answer to the
/// part that is a request), never a 5xx, never a panic, and the server
/// answers a good request after them all.
#[test]
fn malformed_http_gets_a_4xx_never_a_5xx_or_a_panic() {
    let dir = serve_support::library(LIBRARY);
    let log = tempfile::NamedTempFile::new().unwrap();
    let server = Server::start(
        dir.path(),
        &["--usage-log", &log.path().display().to_string()],
    );
    let long = |n: usize| "a".repeat(n);
    let cases: Vec<Vec<u8>> = vec![
        b"\r\n\r\n".to_vec(),
        b"GET\r\n\r\n".to_vec(),
        b"GET /\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\n\n".to_vec(),
        b"get / HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"G\x00T / HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\nHost: t\r\n: empty name\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\nHost: t\r\nX-A: \x00\x01\x7f\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\nHost: t\r\nX-A: \xff\xfe\xc3\x28\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\nHost: t\r\n folded: line\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab".to_vec(),
        b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999999999999999999\r\n\r\n".to_vec(),
        b"POST /api/v1/canned-responses/closing/bye/use HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nzz\r\n".to_vec(),
        b"POST /api/v1/canned-responses/closing/bye/use HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n".to_vec(),
        b"POST /api/v1/canned-responses/closing/bye/use HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n".to_vec(),
        b"POST /api/v1/canned-responses/closing/bye/use HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"agent\":".to_vec(),
        b"POST /api/v1/canned-responses/closing/bye/use HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"agent\":\"\xff\"}".to_vec(),
        b"POST /api/v1/canned-responses/closing/bye/use HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n{\"agent\":42}".to_vec(),
        b"GET / HTTP/1.0\r\n\r\n".to_vec(),
        b"GET / HTTP/2.0\r\nHost: t\r\n\r\n".to_vec(),
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec(),
        b"GET * HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"TRACE / HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET http://evil.example/api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET http://t/../../etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET /api/v1/health#frag HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET /api/v1/canned-responses?q=%ZZ&q=%FF HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET /api/v1/canned-responses?q=%%%% HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET /api/v1/canned-responses?%=% HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET /api/v1/canned-responses?q=\xc3 HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET /api/v1/canned-responses?q=%C3%28 HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET /api/v1/canned-responses?q=%ED%A0%80 HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET /api/v1/canned-responses?page=99999999999999999999&per_page=-0 HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET /api/v1/canned-responses?sort=%00 HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET /api/v1/render/closing/bye?format=%00 HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET /api/v1/render/closing/bye?%00=%00 HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET /api/v1/canned-responses/\xff\xfe HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET /api/v1/canned-responses/%ff%fe HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET /api/v1/canned-responses/%F0%9F%92 HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET /api/v1/canned-responses/% HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET /api/v1/canned-responses/%2 HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET /api/v1/export/%00 HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET /api/v1/events?x=%FF HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
        b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\nIf-None-Match: \xff\r\n\r\n".to_vec(),
        b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer \xff\x00\r\n\r\n".to_vec(),
        format!("GET /api/v1/canned-responses/{} HTTP/1.1\r\nHost: t\r\n\r\n", "%2F".repeat(20_000)).into_bytes(),
        format!("GET /api/v1/canned-responses?q={} HTTP/1.1\r\nHost: t\r\n\r\n", "%C3%A9".repeat(10_000)).into_bytes(),
        format!("GET /api/v1/canned-responses?{} HTTP/1.1\r\nHost: t\r\n\r\n", "tag=a&".repeat(10_000)).into_bytes(),
        format!("GET /api/v1/render/closing/bye?{} HTTP/1.1\r\nHost: t\r\n\r\n", (0..3000).map(|i| format!("p{i}=v&")).collect::<String>()).into_bytes(),
        format!("GET /{} HTTP/1.1\r\nHost: t\r\n\r\n", long(100_000)).into_bytes(),
        format!("GET / HTTP/1.1\r\nHost: {}\r\n\r\n", long(100_000)).into_bytes(),
        format!("GET / HTTP/1.1\r\nHost: t\r\nCookie: {}\r\n\r\n", long(60_000)).into_bytes(),
        format!("GET / HTTP/1.1\r\nHost: t\r\n{}\r\n", "X: y\r\n".repeat(10_000)).into_bytes(),
        // Pipelined: a good request, then garbage on the same connection.
        b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\nGARBAGE\r\n\r\n".to_vec(),
    ];
    let mut statuses = Vec::new();
    for request in &cases {
        let answer = raw(&server.addr, request, SHORT);
        let shown = String::from_utf8_lossy(&request[..request.len().min(90)]).into_owned();
        // An empty answer is a closed connection: allowed for bytes that
        // are not HTTP at all.
        if answer.is_empty() {
            statuses.push((shown, 0));
            continue;
        }
        let code = status(&answer);
        assert!(code < 500 || code == 505, "{shown:?} -> {answer:?}");
        statuses.push((shown, code));
    }
    for (request, code) in &statuses {
        eprintln!("{code:3} {request:?}");
    }
    let closed = statuses.iter().filter(|(_, c)| *c == 0).count();
    // Only bytes that are not HTTP/1 at all are closed without a word.
    assert!(closed <= 2, "{closed} requests got no answer at all");
    assert_eq!(server.get("/api/v1/health").status, 200);
    let stderr = server.stderr();
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Script payloads, each used as a body, a title, a tag, a placeholder's
/// default, a description, a subject; and as a placeholder value filled
/// in by `/render`.
const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "<body onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "<style>@import 'http://xss.example/x.css';</style>",
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
    "<object data=javascript:alert(1)>",
    "<embed src=data:text/html,<script>alert(1)</script>>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "<base href=javascript:alert(1)//>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "{{constructor.constructor('alert(1)')()}}",
];

/// Markdown that turns into links and images with hostile URLs.
const MARKDOWN: &[&str] = &[
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](file:///etc/passwd)",
    "![x](javascript:alert(1))",
    "![x](\"onerror=\"alert(1))",
    "[x](https://example.com\"onmouseover=\"alert(1))",
    "<javascript:alert(1)>",
    "[x][r]\n\n[r]: javascript:alert(1)",
];

fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

#[test]
fn script_payloads_in_every_field_never_come_out_as_html() {
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    for payload in PAYLOADS.iter().chain(MARKDOWN) {
        n += 1;
        let text = format!(
            "---\ntitle: {title}\ncategory: support\ntags: [{tag}]\ndescription: {p}\nsubject: {p}\n---\n{payload}\n\nHi {{{{ contact.first_name | default: {default} }}}}, {payload}\n",
            title = yaml_string(&format!("T{n} {payload}")),
            tag = yaml_string(&payload.to_lowercase().replace([' ', '\n'], "-")),
            p = yaml_string(payload),
            default = yaml_string(payload),
        );
        serve_support::write(dir.path(), &format!("support/x{n:02}.md"), &text);
    }
    let server = Server::start(dir.path(), &["--quiet"]);
    let list = server.get("/api/v1/canned-responses?per_page=500&active=any");
    assert_eq!(list.status, 200);
    let data = list.json()["data"].as_array().unwrap().clone();
    // A payload may make its file invalid (a tag it will not take): the
    // ones that load must be most of them, in every field.
    assert!(data.len() >= n * 2 / 3, "only {} of {n} loaded", data.len());
    let mut checked = 0;
    for r in &data {
        let id = r["id"].as_str().unwrap();
        let html = r["html"].as_str().unwrap();
        checks::html_is_safe(html);
        checked += 1;
        // Filled in by /render, with a payload as the value.
        for payload in PAYLOADS.iter().chain(MARKDOWN).step_by(3) {
            let value: String = payload.bytes().map(|b| format!("%{b:02X}")).collect();
            let answer = server.get(&format!(
                "/api/v1/render/{id}?format=html&contact.first_name={value}"
            ));
            assert_eq!(answer.status, 200, "{}", answer.body);
            let content = answer.json()["data"]["content"]
                .as_str()
                .unwrap()
                .to_string();
            checks::html_is_safe(&content);
            checked += 1;
        }
    }
    // Every JSON answer is JSON, never HTML a browser could sniff.
    let one = server.get(&format!(
        "/api/v1/canned-responses/{}",
        data[0]["id"].as_str().unwrap()
    ));
    assert!(one
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    assert_eq!(one.header("x-content-type-options"), Some("nosniff"));
    let page = server.get("/");
    let csp = page.header("content-security-policy").unwrap_or_default();
    assert!(
        csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    eprintln!("{checked} HTML renderings of {n} payloads checked");
}

#[test]
fn with_a_token_every_route_but_health_needs_it_in_any_spelling() {
    let dir = serve_support::library(LIBRARY);
    let log = tempfile::NamedTempFile::new().unwrap();
    let server = Server::start_with_env(
        dir.path(),
        &["--quiet", "--usage-log", &log.path().display().to_string()],
        &[("CANNERY_TOKEN", "s3cret-token")],
    );
    let refused = |target: &str, method: &str, auth: Option<&str>| {
        let mut request = format!("{method} {target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n");
        if let Some(auth) = auth {
            request.push_str(&format!("Authorization: {auth}\r\n"));
        }
        request.push_str("Content-Length: 0\r\n\r\n");
        status(&raw(&server.addr, request.as_bytes(), SHORT))
    };
    for target in [
        "/",
        "/assets/app.js",
        "/openapi.json",
        "/api/v1/canned-responses",
        "/api/v1/canned-responses/closing/bye",
        "/api/v1/events",
        "/api/v1/export/json",
        "/api/v1/problems",
        "/api/v1/health/",
        "/api/v1//health",
        "/api/v1/%68ealth",
        "/api/v1/health/../canned-responses",
        "/api/v1/health%3F",
        "/API/V1/HEALTH",
    ] {
        for auth in [
            None,
            Some("Bearer"),
            Some("Bearer "),
            Some("Bearer s3cret-toke"),
            Some("Bearer s3cret-tokenn"),
            Some("Bearer S3CRET-TOKEN"),
            Some("Basic s3cret-token"),
            Some("s3cret-token"),
            Some("Bearer  s3cret-token x"),
        ] {
            for method in ["GET", "HEAD", "OPTIONS"] {
                assert_eq!(
                    refused(target, method, auth),
                    401,
                    "{method} {target} {auth:?}"
                );
            }
        }
    }
    assert_eq!(
        refused("/api/v1/canned-responses/closing/bye/use", "POST", None),
        401
    );
    assert_eq!(
        std::fs::read_to_string(log.path()).unwrap(),
        "",
        "a use was counted without the token"
    );
    assert_eq!(refused("/api/v1/health", "GET", None), 200);
    assert_eq!(
        refused(
            "/api/v1/canned-responses/closing/bye",
            "GET",
            Some("Bearer s3cret-token")
        ),
        200
    );
    assert_eq!(
        refused(
            "/api/v1/canned-responses/closing/bye/use",
            "POST",
            Some("bearer s3cret-token")
        ),
        204
    );
}
