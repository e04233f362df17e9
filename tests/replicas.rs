//! Several `serve` replicas pinned to one revision answer the same bytes
//! and the same ETags (docs/replicas.md).

mod common;
mod gitrepo;

use common::cannery;
use gitrepo::{Repo, JANE, OMAR};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// One answer: status, headers (names lowercase) and body bytes.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A GET over plain HTTP/1.1 with `Connection: close`, so the answer ends
/// with the connection.
fn get(port: u16, path: &str, extra: &[(&str, &str)]) -> std::io::Result<Answer> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (name, value) in extra {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no end of headers"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"))
    {
        body = unchunk(&body);
    }
    Ok(Answer {
        status,
        headers,
        body,
    })
}

fn unchunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&data[..end])
                .split(';')
                .next()
                .unwrap()
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = end + 2;
        out.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
    out
}

/// A `cannery serve` process, killed when dropped.
struct Replica {
    child: Child,
    port: u16,
}

impl Replica {
    /// Starts `serve --rev HEAD --no-watch` on a free port and waits (at
    /// most 30 s) until its health check answers.
    fn start(repo: &Path) -> Replica {
        // A port the system just handed out and that is free again.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let child = cannery(repo)
            .args(["serve", "--rev", "HEAD", "--no-watch", "--addr"])
            .arg(format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannery starts");
        let mut replica = Replica { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(answer) = get(port, "/api/v1/health", &[]) {
                assert_eq!(answer.status, 200);
                return replica;
            }
            if let Ok(Some(status)) = replica.child.try_wait() {
                panic!("serve exited with {status} before answering");
            }
            assert!(
                Instant::now() < deadline,
                "serve did not answer within 30 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn get(&self, path: &str) -> Answer {
        get(self.port, path, &[]).unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn library() -> Repo {
    let mut repo = Repo::new();
    repo.write(
        "cannery.yaml",
        "name: Acme Support\ndepartments: [billing]\n",
    );
    repo.write(
        "support/hours.md",
        "---\ntitle: Business hours\nshortcut: hours\ncategory: support\ntags: [hours]\n---\nHi {{ contact.first_name | default: \"there\" }}, we are open 9 to 5.\n",
    );
    repo.write(
        "support/refunds.md",
        "---\ntitle: Refunds\nshortcut: refund\ncategory: support\ntags: [billing]\n---\nRefunds take **5 days**.\n",
    );
    repo.commit(JANE, "Add hours and refunds");
    repo.write(
        "closing/thanks.md",
        "---\ntitle: Thanks\ncategory: closing\n---\nThanks for writing, {{ contact.first_name }}!\n",
    );
    repo.write(
        "support/hours.md",
        "---\ntitle: Business hours\nshortcut: hours\ncategory: support\ntags: [hours, schedule]\n---\nHi {{ contact.first_name | default: \"there\" }}, we are open 9 to 6.\n",
    );
    repo.commit(OMAR, "Add thanks, open longer");
    repo
}

#[test]
fn replicas_pinned_to_one_revision_answer_the_same_bytes_and_etags() {
    let repo = library();
    let head = repo.head();
    let a = Replica::start(repo.path());
    // An uncommitted edit on disk changes nothing that a pinned replica
    // serves.
    repo.write(
        "support/refunds.md",
        "---\ntitle: Refunds\n---\nAn edit nobody committed.\n",
    );
    let b = Replica::start(repo.path());

    for replica in [&a, &b] {
        let health: serde_json::Value =
            serde_json::from_slice(&replica.get("/api/v1/health").body).unwrap();
        assert_eq!(health["data"]["revision"], head.as_str(), "{health:#}");
        assert_eq!(health["data"]["responses"], 3);
    }

    for route in [
        "/api/v1/canned-responses",
        "/api/v1/canned-responses?sort=-updated&per_page=2",
        "/api/v1/canned-responses/support/hours",
        "/api/v1/canned-responses/support/refunds",
        "/api/v1/render/support/hours?contact.first_name=Ana&format=html",
        "/api/v1/history/support/hours",
        "/api/v1/categories",
        "/api/v1/tags",
        "/api/v1/placeholders",
        "/api/v1/problems",
        "/openapi.json",
    ] {
        let (x, y) = (a.get(route), b.get(route));
        assert_eq!(
            x.status,
            200,
            "{route}: {}",
            String::from_utf8_lossy(&x.body)
        );
        assert_eq!(y.status, 200, "{route}");
        assert!(
            x.body == y.body,
            "{route}: the replicas' bodies differ:\n{}\n---\n{}",
            String::from_utf8_lossy(&x.body),
            String::from_utf8_lossy(&y.body)
        );
        let etag = x
            .header("etag")
            .unwrap_or_else(|| panic!("{route}: no ETag"));
        assert_eq!(Some(etag), y.header("etag"), "{route}: ETags differ");
        // An ETag from one replica is good at the other.
        let again = get(b.port, route, &[("If-None-Match", etag)]).unwrap();
        assert_eq!(again.status, 304, "{route}");
    }

    let refunds: serde_json::Value =
        serde_json::from_slice(&b.get("/api/v1/canned-responses/support/refunds").body).unwrap();
    assert_eq!(refunds["data"]["title"], "Refunds");
    assert!(refunds["data"]["body"].as_str().unwrap().contains("5 days"));
}
