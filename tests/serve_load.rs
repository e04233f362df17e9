//! `cannery serve` under load, on loopback: many keep-alive clients at
//! once beside slow-loris connections, many open event streams, and the
//! server's memory through it all. Sizes are the (256 clients, 200
//! slow-loris, 50 streams); `CANNERY_STRESS=1` runs each load phase longer
//! (figures in RELIABILITY.md §5).

mod serve_support;

use serve_support::{write, Events, Server};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Responses in the load library: a mid-sized team's.
const RESPONSES: usize = 300;

/// One load at a time: two cores cannot run two and keep the p99 these
/// tests assert (a reload beside the 256 clients alone took p99 to 90 ms).
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn turn() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn stress() -> bool {
    std::env::var_os("CANNERY_STRESS").is_some()
}

/// A library of [`RESPONSES`] distinct responses.
fn big_library() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let words = [
        "order", "refund", "parcel", "invoice", "account", "password", "delivery", "warranty",
        "discount", "schedule", "address", "payment", "return", "upgrade", "cancel",
    ];
    for i in 0..RESPONSES {
        let mut body = format!(
            "Hi {{{{ contact.first_name | default: \"there\" }}}}!\n\nAbout your {}:\n\n",
            words[i % words.len()]
        );
        for line in 0..8 {
            body.push_str(&format!(
                "- step {line}: the {} of case {i} goes to **{}** within {} days, see [the help page](https://example.com/{i}/{line}).\n",
                words[(i * 7 + line) % words.len()],
                words[(i * 3 + line * 5) % words.len()],
                (i + line) % 9 + 1,
            ));
        }
        write(
            dir.path(),
            &format!("support/r{i:03}.md"),
            &format!(
                "---\ntitle: Response {i} about {}\nshortcut: r{i}\ncategory: support\ntags: [t{}, common]\n---\n{body}",
                words[i % words.len()],
                i % 7
            ),
        );
    }
    dir
}

/// A keep-alive HTTP/1.1 client that reads answers by `Content-Length`.
struct Client {
    reader: BufReader<TcpStream>,
}

impl Client {
    fn connect(addr: &str) -> std::io::Result<Client> {
        let stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        stream.set_nodelay(true)?;
        Ok(Client {
            reader: BufReader::new(stream),
        })
    }

    /// One GET on the open connection: the status and the body.
    fn get(&mut self, path: &str) -> std::io::Result<(u16, Vec<u8>)> {
        let request = format!("GET {path} HTTP/1.1\r\nHost: load\r\n\r\n");
        self.reader.get_mut().write_all(request.as_bytes())?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("no status line: {line:?}")))?;
        let mut length = 0;
        loop {
            line.clear();
            if self.reader.read_line(&mut line)? == 0 {
                return Err(std::io::Error::other("closed in the head"));
            }
            if line == "\r\n" {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body)?;
        Ok((status, body))
    }
}

/// The server's resident memory now and at its peak, in KiB
/// (`/proc/PID/status`: `VmRSS`, `VmHWM`).
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in /proc/{pid}/status"))
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The p-th percentile (0–100) of sorted times.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[((sorted.len() * p).div_ceil(100)).clamp(1, sorted.len()) - 1]
}

fn summary(name: &str, times: &mut [Duration]) -> Duration {
    times.sort();
    let p99 = percentile(times, 99);
    eprintln!(
        "{name}: {} requests, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        times.len(),
        percentile(times, 50).as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3,
    );
    p99
}

/// 200 connections that never finish a head: half idle, half trickling
/// one header byte every 100 ms from one thread, reopened when the server
/// closes them. Stops (and closes them all) when `stop` is set.
fn slow_loris(addr: &str, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<usize> {
    let addr = addr.to_string();
    std::thread::spawn(move || {
        let open = |trickle: bool| {
            let mut s = TcpStream::connect(&addr).unwrap();
            s.set_write_timeout(Some(Duration::from_millis(200)))
                .unwrap();
            if trickle {
                let _ = s.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\nX-Slow: ");
            }
            s
        };
        let mut idle: Vec<TcpStream> = (0..100).map(|_| open(false)).collect();
        let mut trickling: Vec<TcpStream> = (0..100).map(|_| open(true)).collect();
        let mut reopened = 0;
        while !stop.load(Ordering::Relaxed) {
            for s in &mut trickling {
                if s.write_all(b"a").is_err() {
                    *s = open(true);
                    reopened += 1;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // An idle socket the server closed reads 0; count those too.
        for s in &mut idle {
            s.set_nonblocking(true).unwrap();
            if matches!(s.read(&mut [0u8; 1]), Ok(0)) {
                reopened += 1;
            }
        }
        reopened
    })
}

/// 256 keep-alive clients, each asking in turn for `/api/v1/health` and a
/// response by id with 100–200 ms between requests (about 1,700 requests
/// a second in all), for `duration`. Returns the times of each kind.
fn clients(addr: &str, duration: Duration) -> (Vec<Duration>, Vec<Duration>, Vec<String>) {
    let start = Instant::now() + Duration::from_millis(300);
    let threads: Vec<_> = (0..256)
        .map(|n| {
            let addr = addr.to_string();
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || {
                    let (mut health, mut by_id, mut errors) = (Vec::new(), Vec::new(), Vec::new());
                    let mut client = match Client::connect(&addr) {
                        Ok(c) => c,
                        Err(e) => return (health, by_id, vec![format!("connect: {e}")]),
                    };
                    // Spread the first requests out.
                    std::thread::sleep(
                        start.saturating_duration_since(Instant::now())
                            + Duration::from_millis(n as u64 * 150 / 256),
                    );
                    let mut i = n;
                    while start.elapsed() < duration {
                        i += 1;
                        let id = (i * 37) % RESPONSES;
                        let path = if i % 2 == 0 {
                            "/api/v1/health".to_string()
                        } else {
                            format!("/api/v1/canned-responses/support/r{id:03}")
                        };
                        let began = Instant::now();
                        match client.get(&path) {
                            Ok((200, body)) => {
                                let took = began.elapsed();
                                let wanted = if i % 2 == 0 {
                                    "\"status\"".to_string()
                                } else {
                                    format!("\"support/r{id:03}\"")
                                };
                                if !String::from_utf8_lossy(&body).contains(&wanted) {
                                    errors.push(format!("{path}: an answer without {wanted}"));
                                }
                                if i % 2 == 0 { &mut health } else { &mut by_id }.push(took);
                            }
                            Ok((status, _)) => errors.push(format!("{path}: {status}")),
                            Err(e) => {
                                errors.push(format!("{path}: {e}"));
                                match Client::connect(&addr) {
                                    Ok(c) => client = c,
                                    Err(_) => break,
                                }
                            }
                        }
                        std::thread::sleep(Duration::from_millis(100 + (i as u64 * 13) % 100));
                    }
                    (health, by_id, errors)
                })
                .unwrap()
        })
        .collect();
    let (mut health, mut by_id, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    for t in threads {
        let (h, b, e) = t.join().unwrap();
        health.extend(h);
        by_id.extend(b);
        errors.extend(e);
    }
    (health, by_id, errors)
}

#[test]
fn health_and_by_id_keep_p99_under_100ms_with_256_clients_and_200_slow_loris() {
    let _turn = turn();
    let dir = big_library();
    let server = Server::start(dir.path(), &["--quiet"]);
    let pid = server.pid();
    let (rss_start, _) = memory(pid);
    let stop = Arc::new(AtomicBool::new(false));
    let loris = slow_loris(&server.addr, stop.clone());
    std::thread::sleep(Duration::from_millis(300));
    let duration = Duration::from_secs(if stress() { 60 } else { 4 });

    let (mut health, mut by_id, errors) = clients(&server.addr, duration);
    let (rss_first, _) = memory(pid);
    // A second round: memory that grew in the first must not grow again.
    let (mut health2, mut by_id2, errors2) = clients(&server.addr, duration);
    stop.store(true, Ordering::Relaxed);
    let reopened = loris.join().unwrap();
    let (rss_second, peak) = memory(pid);

    let health_p99 = summary("health, round 1", &mut health);
    let by_id_p99 = summary("by id, round 1", &mut by_id);
    let health2_p99 = summary("health, round 2", &mut health2);
    let by_id2_p99 = summary("by id, round 2", &mut by_id2);
    eprintln!(
        "memory: {rss_start} KiB at start, {rss_first} after round 1, {rss_second} after round 2, peak {peak} KiB; slow-loris reopened {reopened}"
    );
    let errors: Vec<_> = errors.into_iter().chain(errors2).collect();
    assert!(
        errors.is_empty(),
        "{} failed: {:?}",
        errors.len(),
        &errors[..errors.len().min(10)]
    );
    assert!(
        health.len() + health2.len() > 3_000,
        "only {} requests",
        health.len()
    );
    // Other work on a shared machine (a build holding both cores) can
    // spoil one round: the better round must keep p99 under 100 ms, and
    // neither may come near a second (a server held up by the slow
    // clients would).
    let best = health_p99.max(by_id_p99).min(health2_p99.max(by_id2_p99));
    let worst = health_p99.max(by_id_p99).max(health2_p99.max(by_id2_p99));
    assert!(
        best < Duration::from_millis(100),
        "p99 {best:?} in the better round"
    );
    assert!(
        worst < Duration::from_millis(500),
        "p99 {worst:?} in the worse round"
    );
    // Bounded: 456 connections cost a few MiB, and a second round of the
    // same load takes no more than the first did.
    assert!(peak < 150 * 1024, "peak RSS {peak} KiB");
    assert!(
        rss_second < rss_first + 8 * 1024,
        "RSS grew from {rss_first} to {rss_second} KiB between two equal rounds"
    );
    assert!(!server.stderr().contains("panicked"), "{}", server.stderr());
}

#[test]
fn fifty_event_streams_stay_open_and_do_not_starve_the_api() {
    let _turn = turn();
    let dir = big_library();
    let server = Server::start(dir.path(), &["--quiet"]);
    let (rss_before, _) = memory(server.pid());
    let mut streams: Vec<Events> = (0..50).map(|_| Events::open(&server)).collect();
    for (n, s) in streams.iter_mut().enumerate() {
        assert!(
            s.wait_for("event: reload", 1, Duration::from_secs(5)),
            "stream {n} got no first event: {:?}",
            s.seen
        );
    }
    let (rss_open, _) = memory(server.pid());
    eprintln!("memory: {rss_before} KiB, {rss_open} KiB with 50 streams open");
    // API requests beside the 50 streams, on ten keep-alive clients.
    let mut times = Vec::new();
    let mut clients: Vec<Client> = (0..10)
        .map(|_| Client::connect(&server.addr).unwrap())
        .collect();
    for round in 0..50 {
        for (n, c) in clients.iter_mut().enumerate() {
            let path = if n % 2 == 0 {
                "/api/v1/health".to_string()
            } else {
                format!(
                    "/api/v1/canned-responses/support/r{:03}",
                    (round * 10 + n) % RESPONSES
                )
            };
            let began = Instant::now();
            let (status, _) = c.get(&path).unwrap();
            times.push(began.elapsed());
            assert_eq!(status, 200, "{path}");
        }
    }
    let p99 = summary("API beside 50 event streams", &mut times);
    assert!(p99 < Duration::from_millis(100), "p99 {p99:?}");
    // A save reaches every stream.
    write(
        dir.path(),
        "support/r000.md",
        "---\ntitle: Changed\n---\nChanged.\n",
    );
    let began = Instant::now();
    for (n, s) in streams.iter_mut().enumerate() {
        assert!(
            s.wait_for("event: reload", 2, Duration::from_secs(10)),
            "stream {n} heard no reload: {:?}",
            s.seen
        );
    }
    eprintln!("a reload reached 50 streams in {:?}", began.elapsed());
    assert!(!server.stderr().contains("panicked"), "{}", server.stderr());
}

#[test]
fn a_thousand_unfinished_huge_heads_keep_memory_bounded() {
    let _turn = turn();
    let dir = big_library();
    let server = Server::start(dir.path(), &["--quiet"]);
    let (rss_start, _) = memory(server.pid());
    // 1,000 connections (under the 1,024 cap), each 60 KB into a head
    // that never ends: just under the 64 KiB head limit, so each is held
    // until its head times out.
    let mut heads = Vec::new();
    for _ in 0..1000 {
        let mut s = TcpStream::connect(&server.addr).unwrap();
        s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: ")
            .unwrap();
        s.write_all(&[b'a'; 60_000]).unwrap();
        heads.push(s);
    }
    std::thread::sleep(Duration::from_millis(500));
    let (held, _) = memory(server.pid());
    let began = Instant::now();
    let (status, _) = Client::connect(&server.addr)
        .unwrap()
        .get("/api/v1/health")
        .unwrap();
    let took = began.elapsed();
    drop(heads);
    std::thread::sleep(Duration::from_millis(500));
    let (after, peak) = memory(server.pid());
    eprintln!(
        "memory: {rss_start} KiB, {held} KiB with 1,000 heads of 60 KB held, {after} KiB after, peak {peak} KiB; health answered in {took:?}"
    );
    assert_eq!(status, 200);
    assert!(took < Duration::from_secs(1), "{took:?}");
    // About 64 KiB of read buffer per connection, and no more.
    assert!(peak < rss_start + 1000 * 100, "peak {peak} KiB");
    assert!(!server.stderr().contains("panicked"), "{}", server.stderr());
}
