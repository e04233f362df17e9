//! Shared by the `serve` tests: fixture libraries in temp folders, the real
//! binary started on a free loopback port (and always killed), and small
//! HTTP helpers.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_cannery");

/// The fixture most tests share: five active responses, one inactive.
pub const LIBRARY: &[(&str, &str)] = &[
    (
        "cannery.yaml",
        "name: Acme Support\ndepartments: [billing, shipping]\nplaceholders:\n  order.number:\n    description: The order number\n    example: \"#1042\"\n",
    ),
    (
        "support/business-hours.md",
        "---\ntitle: Business hours\nshortcut: hours\ncategory: support\ntags: [hours, schedule]\n---\nHi {{ contact.first_name | default: \"there\" }}!\n\nWe are online **Monday to Friday**. {{ agent.name }}\n",
    ),
    (
        "support/refunds.md",
        "---\ntitle: Refund policy\nshortcut: refund\ncategory: support\ntags: [Billing, refunds]\nvisibility: department\ndepartment: billing\n---\nRefunds take five business days. Our hours do not matter here. Order {{ order.number }}.\n",
    ),
    (
        "greeting/welcome.md",
        "---\ntitle: Welcome\nshortcut: hi\ncategory: greeting\ntags: [hello]\nlocale: pt-BR\n---\nOlá {{ contact.name }}, thanks for writing in.\n\n{{> signature }}\n",
    ),
    (
        "_snippets/signature.md",
        "---\ndescription: How we sign\n---\nThe Acme team\n",
    ),
    (
        "support/business-hours.pt.md",
        "---\ntitle: Horário de atendimento\n---\nOlá {{ contact.first_name | default: \"você\" }}!\n\nEstamos online **de segunda a sexta**. {{ agent.name }}\n",
    ),
    (
        "sales/discount.md",
        "---\ntitle: A discount for you\ncategory: sales\ntags: [billing]\nvisibility: private\nowner: ana@example.com\n---\nHere is 10% off.\n",
    ),
    (
        "closing/bye.md",
        "---\ntitle: Goodbye\nshortcut: bye\ncategory: closing\n---\nHave a nice day!\n",
    ),
    (
        "closing/old-bye.md",
        "---\ntitle: Old goodbye\ncategory: closing\nactive: false\n---\nFarewell.\n",
    ),
];

/// Writes `files` into a new temp folder.
pub fn library(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

pub fn write(root: &Path, path: &str, text: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

/// A running `cannery serve`, killed when dropped.
pub struct Server {
    child: Child,
    pub url: String,
    pub addr: String,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    pub fn start(root: &Path, args: &[&str]) -> Server {
        Server::start_with_env(root, args, &[])
    }

    pub fn start_with_env(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(BIN);
        command
            .arg("--library")
            .arg(root)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .env_remove("CANNERY_TOKEN")
            .env_remove("CANNERY_LIBRARY");
        for (k, v) in env {
            command.env(k, v);
        }
        Server::spawn(command)
    }

    /// Starts `command`, which must run `cannery serve` in the end (it may
    /// be a wrapper that `exec`s it, so that the process killed on drop is
    /// the server itself).
    pub fn spawn(mut command: Command) -> Server {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("start cannery serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let out = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(out).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = tx.send(line);
            }
            for _ in lines {}
        });
        let mut server = Server {
            child,
            url: String::new(),
            addr: String::new(),
            stderr,
        };
        let line = match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(line) => line,
            Err(_) => panic!("serve did not start; stderr:\n{}", server.stderr()),
        };
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .trim_end_matches('/')
            .to_string();
        server.addr = url.trim_start_matches("http://").to_string();
        server.url = url;
        server
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Ends the server at once, as a crash or an out-of-memory kill would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits until stderr holds `text`.
    pub fn wait_stderr(&self, text: &str) -> bool {
        eventually(Duration::from_secs(10), || self.stderr().contains(text))
    }

    pub fn get(&self, path: &str) -> Answer {
        self.send("GET", path, &[], None)
    }

    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Answer {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        let url = format!("{}{path}", self.url);
        let mut request = ureq::http::Request::builder().method(method).uri(&url);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let response = match body {
            Some(body) => agent.run(request.body(body.to_string()).unwrap()),
            None => agent.run(request.body(()).unwrap()),
        };
        let mut response = response.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let body = response.body_mut().read_to_string().unwrap_or_default();
        Answer {
            status,
            headers,
            body,
        }
    }

    /// The generation of the index being served.
    pub fn generation(&self) -> u64 {
        self.get("/api/v1/health").json()["data"]["generation"]
            .as_u64()
            .unwrap()
    }

    /// Sends SIGTERM and waits for the exit status.
    pub fn terminate(&mut self) -> Option<i32> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }

    /// The ids in a list answer, in order.
    pub fn ids(&self) -> Vec<String> {
        self.json()["data"]
            .as_array()
            .unwrap_or_else(|| panic!("not a list: {}", self.body))
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    }
}

/// Polls `check` until it holds or `limit` passes.
pub fn eventually(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if check() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Writes raw bytes and reads what comes back until the server closes or
/// `limit` passes.
pub fn raw(addr: &str, request: &[u8], limit: Duration) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(limit)).unwrap();
    let _ = stream.write_all(request);
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
        if complete(&out) {
            break;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a response with a Content-Length body has fully arrived.
fn complete(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let Some(end) = text.find("\r\n\r\n") else {
        return false;
    };
    let length = text[..end]
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    bytes.len() >= end + 4 + length
}

/// An open event stream, read as raw text.
pub struct Events {
    stream: TcpStream,
    pub seen: String,
}

impl Events {
    pub fn open(server: &Server) -> Events {
        let mut stream = server.connect();
        stream
            .write_all(
                b"GET /api/v1/events HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n\r\n",
            )
            .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        Events {
            stream,
            seen: String::new(),
        }
    }

    /// Reads until the text seen so far holds `text` `times` times.
    pub fn wait_for(&mut self, text: &str, times: usize, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        let mut buf = [0u8; 4096];
        while self.seen.matches(text).count() < times {
            if Instant::now() > deadline {
                return false;
            }
            match self.stream.read(&mut buf) {
                Ok(0) => return false,
                Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(_) => {}
            }
        }
        true
    }
}
