//! Drives Debian's `chromium` headless through `chromedriver` (WebDriver is
//! JSON over HTTP), against the real `cannery serve`. Every process started
//! here is killed when its guard drops; every wait is bounded.
//!
//! Without chromedriver the browser tests say so and pass, unless
//! `CANNERY_BROWSER_TESTS=require` (CI sets it) makes that a failure.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_cannery");
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// One browser at a time: two cores cannot run several Chromiums and keep
/// the timings these tests assert.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A free loopback port, for a process that must bind it itself.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// `cannery serve` on a given address, killed when dropped. (The `serve`
/// tests' server always takes port 0; restarting on the same port needs
/// the address up front.)
pub struct Served {
    child: Child,
    pub url: String,
    stderr: Arc<Mutex<String>>,
}

impl Served {
    pub fn start(root: &Path, addr: &str, args: &[&str]) -> Served {
        let mut child = Command::new(BIN)
            .arg("--library")
            .arg(root)
            .args(["serve", "--addr", addr, "--quiet"])
            .args(args)
            .env_remove("CANNERY_TOKEN")
            .env_remove("CANNERY_LIBRARY")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start cannery serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = err.read_to_string(&mut text);
            sink.lock().unwrap().push_str(&text);
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
        let mut served = Served {
            child,
            url: String::new(),
            stderr,
        };
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("serve did not start: {}", served.stderr()));
        served.url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .trim_end_matches('/')
            .to_string();
        served
    }

    pub fn addr(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Kills the server and waits until it is gone.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// A JSON answer of the API.
    pub fn json(&self, path: &str) -> Value {
        let body = http(
            "GET",
            &format!("{}{path}", self.url),
            None,
            Duration::from_secs(10),
        )
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One HTTP exchange; the body as text, whatever the status.
fn http(method: &str, url: &str, body: Option<&Value>, limit: Duration) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(limit))
        .build()
        .into();
    let request = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("content-type", "application/json");
    let response = match body {
        Some(body) => agent.run(request.body(body.to_string()).unwrap()),
        None => agent.run(request.body(()).unwrap()),
    };
    let mut response = response.map_err(|e| e.to_string())?;
    response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .map_err(|e| e.to_string())
}

/// `chromedriver` and the Chromium it starts, both ended on drop.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    // Held for the browser's whole life; dropped after the processes end.
    _profile: tempfile::TempDir,
    _turn: MutexGuard<'static, ()>,
}

impl Browser {
    /// A new headless Chromium with a viewport of `width` × `height`, or
    /// `None` when this machine has no chromedriver (and CI does not
    /// require one).
    pub fn start(width: u32, height: u32) -> Option<Browser> {
        let driver_path = std::env::var("CANNERY_CHROMEDRIVER").unwrap_or(CHROMEDRIVER.into());
        let chromium = std::env::var("CANNERY_CHROMIUM").unwrap_or(CHROMIUM.into());
        if !Path::new(&driver_path).exists() || !Path::new(&chromium).exists() {
            let why = format!("no {driver_path} or {chromium}: install `chromium chromium-driver`");
            if std::env::var("CANNERY_BROWSER_TESTS").as_deref() == Ok("require") {
                panic!("{why}");
            }
            eprintln!("skipped, {why}");
            return None;
        }
        let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let profile = tempfile::tempdir().unwrap();
        let port = free_port();
        let log = profile.path().join("chromedriver.log");
        let driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let mut browser = Browser {
            driver,
            base,
            session: String::new(),
            _profile: profile,
            _turn: turn,
        };
        let ready = eventually(Duration::from_secs(20), || {
            http(
                "GET",
                &format!("{}/status", browser.base),
                None,
                Duration::from_secs(2),
            )
            .map(|s| s.contains("\"ready\":true"))
            .unwrap_or(false)
        });
        assert!(ready, "chromedriver did not start");
        let user_data = browser._profile.path().join("chromium");
        let answer = browser.call(
            "POST",
            "/session",
            json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": chromium,
                    "args": [
                        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--no-default-browser-check",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage",
                        "--mute-audio", "--lang=en-US",
                        format!("--window-size={width},{height}"),
                        format!("--user-data-dir={}", user_data.display()),
                    ],
                },
                "timeouts": {"script": 15000, "pageLoad": 20000, "implicit": 0},
                "unhandledPromptBehavior": "dismiss",
            }}}),
        );
        browser.session = answer["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {answer}"))
            .to_string();
        browser.viewport(width, height, false);
        Some(browser)
    }

    /// One WebDriver command; its `value`. A WebDriver error panics.
    pub fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.base);
        let body = (method == "POST").then_some(&body);
        let text = http(method, &url, body, Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        let value: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}: {text}"));
        let value = value.get("value").cloned().unwrap_or(value);
        if let Some(error) = value.get("error").and_then(Value::as_str) {
            panic!("WebDriver {method} {path}: {error}: {}", value["message"]);
        }
        value
    }

    fn session_call(&self, method: &str, path: &str, body: Value) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    /// A Chrome DevTools command.
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.session_call(
            "POST",
            "/goog/cdp/execute",
            json!({"cmd": cmd, "params": params}),
        )
    }

    /// The page's size in CSS pixels; `mobile` also emulates a phone.
    pub fn viewport(&self, width: u32, height: u32, mobile: bool) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": if mobile { 2 } else { 1 }, "mobile": mobile}),
        );
    }

    /// Emulates `prefers-color-scheme`.
    pub fn color_scheme(&self, scheme: &str) {
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        );
    }

    pub fn goto(&self, url: &str) {
        self.session_call("POST", "/url", json!({ "url": url }));
    }

    /// Runs `script` (a function body; `arguments` are `args`) in the page.
    pub fn eval(&self, script: &str, args: Value) -> Value {
        self.session_call(
            "POST",
            "/execute/sync",
            json!({"script": script, "args": args}),
        )
    }

    /// Runs an async script: it calls `arguments[arguments.length - 1]`
    /// with its result.
    pub fn eval_async(&self, script: &str) -> Value {
        self.session_call(
            "POST",
            "/execute/async",
            json!({"script": script, "args": []}),
        )
    }

    /// Waits for `script` (an expression) to be truthy; false after `limit`.
    pub fn wait(&self, expression: &str, limit: Duration) -> bool {
        let script =
            format!("try {{ return Boolean({expression}); }} catch (e) {{ return false; }}");
        eventually(limit, || self.eval(&script, json!([])) == json!(true))
    }

    /// Like [`wait`](Self::wait), but panics with what the page shows.
    pub fn expect(&self, expression: &str, limit: Duration) {
        if !self.wait(expression, limit) {
            let shown = self.eval(
                "return document.body ? document.body.innerText.slice(0, 3000) : ''",
                json!([]),
            );
            panic!(
                "timed out after {limit:?} waiting for {expression}; the page shows:\n{}",
                shown.as_str().unwrap_or_default()
            );
        }
    }

    /// The WebDriver id of the first element matching `css`.
    pub fn find(&self, css: &str) -> String {
        let found = self.session_call(
            "POST",
            "/element",
            json!({"using": "css selector", "value": css}),
        );
        found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    }

    pub fn click(&self, css: &str) {
        let element = self.find(css);
        self.session_call("POST", &format!("/element/{element}/click"), json!({}));
    }

    /// Types `text` into the element, as a user would, key by key.
    pub fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.session_call(
            "POST",
            &format!("/element/{element}/value"),
            json!({ "text": text }),
        );
    }

    /// Presses one key with nothing focused in particular.
    pub fn press(&self, key: &str) {
        self.session_call(
            "POST",
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
                {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}
            ]}]}),
        );
        self.session_call("DELETE", "/actions", json!({}));
    }

    /// Lets the page use the clipboard without asking.
    pub fn grant_clipboard(&self) {
        for name in ["clipboard-read", "clipboard-write"] {
            self.session_call(
                "POST",
                "/permissions",
                json!({"descriptor": {"name": name}, "state": "granted"}),
            );
        }
    }

    /// A PNG of the viewport.
    pub fn screenshot(&self) -> Vec<u8> {
        let encoded = self.session_call("GET", "/screenshot", json!({}));
        base64(encoded.as_str().expect("a screenshot"))
    }

    /// Saves a screenshot as `docs/screenshots/<name>` when
    /// `CANNERY_SCREENSHOTS` names a folder (`docs/screenshots` to refresh
    /// the README's), and always checks that one can be taken.
    pub fn save_screenshot(&self, name: &str) {
        let png = self.screenshot();
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        if let Ok(folder) = std::env::var("CANNERY_SCREENSHOTS") {
            let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(folder);
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join(name), png).unwrap();
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http(
                "DELETE",
                &format!("{}/session/{}", self.base, self.session),
                None,
                Duration::from_secs(10),
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // A Chromium whose session did not close (a test that panicked
        // mid-command) outlives its driver: end it, found by its own
        // profile folder.
        let profile = self._profile.path().to_string_lossy().into_owned();
        for pid in processes_using(&profile) {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
    }
}

/// The ids of the processes whose command line holds `text`.
fn processes_using(text: &str) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|c| String::from_utf8_lossy(&c).contains(text))
                .unwrap_or(false)
        })
        .collect()
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
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Standard base64, as WebDriver sends screenshots.
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut bits, mut count) = (0u32, 0);
    for c in text.bytes().filter_map(value) {
        bits = (bits << 6) | u32::from(c);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}
