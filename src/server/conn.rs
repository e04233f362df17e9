//! Connections: accepting them, bounding them, timing them out, and
//! turning hyper's requests into [`Request`]s and [`Reply`]s into bytes.
//!
//! Each connection is a task, so idle and slow clients cost memory, not
//! threads, and cannot delay anyone else. Limits, each for a trap seen in
//! the wild:
//! - a head (request line and headers) must arrive within
//!   [`HEAD_TIMEOUT`], which also closes keep-alive connections left idle
//!   (slowloris, forgotten sockets);
//! - a write that makes no progress for [`STALL_TIMEOUT`](super::io::STALL_TIMEOUT) ends the
//!   connection (a client that stopped reading);
//! - heads are capped at [`MAX_HEAD`] bytes and bodies at
//!   [`routes::MAX_USE_BODY`];
//! - at most [`MAX_CONNECTIONS`] at once; beyond, a short 503;
//! - an `accept` error (out of file descriptors) pauses accepting, never
//!   ends it.

use super::envelope::Answer;
use super::io::{Body, Stall};
use super::router::Method;
use super::{respond, routes, Reply, Request, State};
use hyper::body::{Body as HttpBody, Incoming};
use hyper::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::io::Write;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
const BODY_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_HEAD: usize = 64 * 1024;
pub const MAX_CONNECTIONS: usize = 1024;
/// How long a stop waits for answers under way.
const DRAIN: Duration = Duration::from_secs(2);

/// Accepts connections until the server stops, then lets the open ones
/// finish (event streams end at once) for at most [`DRAIN`].
pub async fn accept(listener: TcpListener, state: Arc<State>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut shutdown = state.shutdown.clone();
    let mut warned = false;
    loop {
        let accepted = tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _)) => {
                let _ = stream.set_nodelay(true);
                match slots.clone().try_acquire_owned() {
                    Ok(slot) => {
                        let state = state.clone();
                        tokio::spawn(async move {
                            serve(stream, state).await;
                            drop(slot);
                        });
                    }
                    Err(_) => {
                        refuse(stream);
                    }
                }
            }
            Err(e) => {
                // EMFILE and friends: wait for connections to close.
                if !warned {
                    warn(&format!("cannot accept a connection: {e}; retrying"));
                    warned = true;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    let _ = tokio::time::timeout(DRAIN, slots.acquire_many(MAX_CONNECTIONS as u32)).await;
}

/// Too many connections: a short 503 into the empty send buffer of the
/// new socket, which is then closed.
fn refuse(stream: TcpStream) {
    let _ = stream.try_write(
        b"HTTP/1.1 503 Service Unavailable\r\nretry-after: 1\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
    );
}

async fn serve(stream: TcpStream, state: Arc<State>) {
    let mut shutdown = state.shutdown.clone();
    let io = TokioIo::new(Stall::new(stream));
    let service = hyper::service::service_fn(move |req| {
        let state = state.clone();
        async move { Ok::<_, Infallible>(handle(req, state).await) }
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_buf_size(MAX_HEAD)
        .serve_connection(io, service);
    tokio::pin!(conn);
    let mut stopping = false;
    loop {
        tokio::select! {
            _ = conn.as_mut() => break,
            _ = shutdown.changed(), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

async fn handle(req: hyper::Request<Incoming>, state: Arc<State>) -> hyper::Response<Body> {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let method = Method::from_name(parts.method.as_str());
    let path = parts.uri.path();
    let header = |name| parts.headers.get(name).map(HeaderValue::as_bytes);
    let authorization = header("authorization");
    // Only a use that will be counted reads its body: a refused write is
    // refused before the body is waited for.
    let cookie = header("cookie");
    let bytes = if super::wants_body(&state, method, path, authorization, cookie) {
        match read_body(body).await {
            Ok(bytes) => bytes,
            Err(answer) => return finish(&state, &parts, started, Reply::Answer(answer)),
        }
    } else {
        Vec::new()
    };
    let reply = respond(
        &state,
        &Request {
            method,
            path,
            query: parts.uri.query(),
            if_none_match: header("if-none-match").and_then(|v| std::str::from_utf8(v).ok()),
            authorization,
            cookie,
            body: &bytes,
        },
    );
    finish(&state, &parts, started, reply)
}

/// Reads a small body in full, within [`BODY_TIMEOUT`].
async fn read_body(mut body: Incoming) -> Result<Vec<u8>, Answer> {
    if body.size_hint().lower() > routes::MAX_USE_BODY as u64 {
        return Err(too_large());
    }
    let read = async {
        let mut bytes = Vec::new();
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
        {
            let frame =
                frame.map_err(|e| Answer::error(400, format!("the body cannot be read: {e}")))?;
            if let Some(data) = frame.data_ref() {
                bytes.extend_from_slice(data);
                if bytes.len() > routes::MAX_USE_BODY {
                    return Err(too_large());
                }
            }
        }
        Ok(bytes)
    };
    tokio::time::timeout(BODY_TIMEOUT, read)
        .await
        .unwrap_or_else(|_| Err(Answer::error(400, "the body did not arrive in time")))
}

fn too_large() -> Answer {
    Answer::error(
        413,
        format!("the body is larger than {} bytes", routes::MAX_USE_BODY),
    )
}

fn finish(
    state: &State,
    parts: &hyper::http::request::Parts,
    started: Instant,
    reply: Reply,
) -> hyper::Response<Body> {
    let head = parts.method == hyper::Method::HEAD;
    let mut response = match reply {
        Reply::Answer(answer) => {
            let length = answer.body.len();
            let mut response =
                hyper::Response::new(if head || answer.status == 304 || answer.status == 204 {
                    Body::Empty
                } else {
                    Body::Full(Some(answer.body))
                });
            *response.status_mut() = hyper::StatusCode::from_u16(answer.status)
                .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
            let headers = response.headers_mut();
            if !answer.content_type.is_empty() {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(answer.content_type));
                // HEAD says how long GET's body would be.
                headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
            }
            for (name, value) in answer.headers {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    headers.append(name, value);
                }
            }
            response
        }
        Reply::Events(stream) => {
            let mut response = hyper::Response::new(if head {
                Body::Empty
            } else {
                Body::Events(stream)
            });
            let headers = response.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
            headers.insert("cache-control", HeaderValue::from_static("no-cache"));
            // Tells nginx and friends not to buffer the stream.
            headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
            response
        }
    };
    response.headers_mut().insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    if !state.quiet {
        // The query is left out: it may hold a customer's name or email.
        let line = format!(
            "{} {} {} {:.1}ms\n",
            parts.method,
            parts.uri.path(),
            response.status().as_u16(),
            started.elapsed().as_secs_f64() * 1000.0
        );
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }
    response
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

pub fn warn(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "warning: {message}");
}
