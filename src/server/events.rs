//! `GET /api/v1/events`: Server-Sent Events. Each stream gets a `reload`
//! event at once, carrying the index it may compare with what it shows,
//! then one each time a new index is served. Streams are capped, send a
//! heartbeat comment (which also finds clients that left), and end after a
//! while: `EventSource` reconnects by itself, so none is held forever.

use super::envelope::Answer;
use super::State;
use hyper::body::Bytes;
use serde::Serialize;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// A stream is a task and a connection, a few KiB, not a thread: the cap
/// is there so streams can never take all of [`conn`]'s connections
/// (1,024), and it is set for a whole support team with the page open.
/// At 32, the 33rd agent's page was refused with a 503 and showed the
/// server as not answering (tests/serve_load.rs).
///
/// [`conn`]: super::conn
pub const MAX_STREAMS: usize = 256;
const HEARTBEAT: Duration = Duration::from_secs(15);
const LIFETIME: Duration = Duration::from_secs(300);

/// What a `reload` event says about the index being served.
#[derive(Clone, Debug, Serialize)]
pub struct Reload {
    pub generation: u64,
    pub revision: Option<String>,
    pub loaded_at: String,
}

/// An open stream: the bytes to write, and its place among the few.
pub struct Stream {
    pub chunks: mpsc::Receiver<Bytes>,
    _slot: Slot,
}

/// Holds one of the [`MAX_STREAMS`] places while a stream lives.
struct Slot(Arc<State>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.streams.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Opens a stream, or answers 503 when too many are open.
pub fn open(state: &Arc<State>) -> Result<Stream, Answer> {
    let taken = state
        .streams
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
            (n < MAX_STREAMS).then_some(n + 1)
        });
    if taken.is_err() {
        return Err(Answer::error(
            503,
            format!("{MAX_STREAMS} event streams are open already: close a preview tab, or try again shortly"),
        )
        .with_header("retry-after", "5"));
    }
    let slot = Slot(state.clone());
    let (tx, rx) = mpsc::channel::<Bytes>(4);
    let mut reloads = state.reloads.subscribe();
    let mut shutdown = state.shutdown.clone();
    tokio::spawn(async move {
        let first = reloads.borrow_and_update().clone();
        let hello = format!("retry: 1000\n\n{}", event(&first));
        if tx.send(Bytes::from(hello)).await.is_err() {
            return;
        }
        let end = tokio::time::sleep(LIFETIME);
        tokio::pin!(end);
        let mut beat = tokio::time::interval_at(tokio::time::Instant::now() + HEARTBEAT, HEARTBEAT);
        loop {
            let chunk = tokio::select! {
                _ = &mut end => break,
                _ = shutdown.changed() => break,
                _ = tx.closed() => break,
                changed = reloads.changed() => match changed {
                    Ok(()) => event(&reloads.borrow_and_update().clone()),
                    Err(_) => break,
                },
                _ = beat.tick() => ": heartbeat\n\n".to_string(),
            };
            if tx.send(Bytes::from(chunk)).await.is_err() {
                break;
            }
        }
    });
    Ok(Stream {
        chunks: rx,
        _slot: slot,
    })
}

fn event(reload: &Reload) -> String {
    format!(
        "event: reload\ndata: {}\n\n",
        serde_json::to_string(reload).unwrap_or_default()
    )
}
