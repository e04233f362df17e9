//! Live reload: watch the library folder, and after each burst of changes
//! load the library again and swap the new index in, built whole. A load
//! again reads only the files whose stamps changed (`Library::load_again`)
//! and the index takes from the previous one what belongs to the responses
//! that did not change; the checks across files run again unless nothing
//! they look at changed.
//!
//! Editors save in many ways (in place, a temp file renamed over, a backup
//! renamed away), so the folder is watched recursively, never single files,
//! and an event matters when any of its paths is a response file, the
//! configuration, or a folder of the library. Swap files, `file.md~` and
//! vim's `4913` probe never do. Anything odd — a rescan (lost events), an
//! event without paths, a watcher error — means a reload with the whole
//! folder listed again.
//!
//! A burst is drained before reloading: block on the first event, wait
//! [`SETTLE`], take the rest, and load in a pause of the changes. A load
//! during which files changed (an event came, or a file's size, time or
//! inode moved) is thrown away and done again, and a load that lacks a
//! file waits [`GRACE`] for it to come back: so a half-done save or
//! checkout is not served, unless changes never pause for [`MAX_DEFER`].
//!
//! A watch follows the folder, not its name: when the library folder itself
//! is deleted and made again, or another folder renamed in its place (a sync
//! tool, a checkout into a fresh folder), the folder is watched again.

use super::conn::warn;
use super::State;
use crate::source::Listing;
use events::{matters, take, Events};
use notify::{Config, Event, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

mod events;

/// How long a burst of events is left to gather.
const SETTLE: Duration = Duration::from_millis(50);
/// How long after a load its files' events are waited for: they travel
/// from the kernel through notify's thread. (Building the index and
/// listing the folder again take longer; this is the least.)
const CATCH_UP: Duration = Duration::from_millis(10);
/// How long the changes must pause before a load.
const QUIET: Duration = Duration::from_millis(10);
/// How long a deleted file may take to come back before it is gone.
const GRACE: Duration = Duration::from_millis(500);
/// [`MAX_DEFER`] for a load that lacks a file the served index has.
const MAX_DEFER_LOSING: Duration = Duration::from_secs(5);
/// How long changes that keep coming may hold a reload back: past it, a
/// library saved to without a pause still shows what was saved. (At 1 s,
/// 10,000 saves on a busy 2-core machine served 28 list answers out of
/// 7,854 that mixed two saves.)
const MAX_DEFER: Duration = Duration::from_secs(3);
const HEAD_CHECK: Duration = Duration::from_secs(1);

/// How to notice changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Watching {
    /// The system's file events (inotify, FSEvents, …).
    Native,
    /// Reading the folder again every so often, comparing contents: for
    /// network and WSL mounts, which send no events.
    Poll(Duration),
}

/// A watcher, shared with the thread that may need to arm it again.
type Shared = Arc<Mutex<Box<dyn Watcher + Send>>>;

/// Watching stops when this is dropped.
pub struct Handle(#[allow(dead_code)] Shared);

/// Starts watching `root`.
pub fn start(root: PathBuf, how: Watching, state: Arc<State>) -> Result<Handle, String> {
    let (tx, rx) = mpsc::channel();
    let config = Config::default().with_follow_symlinks(false);
    let watcher: Box<dyn Watcher + Send> = match how {
        Watching::Native => match RecommendedWatcher::new(tx.clone(), config)
            .and_then(|mut w| w.watch(&root, RecursiveMode::Recursive).map(|()| w))
        {
            Ok(w) => Box::new(w),
            Err(e) => {
                // inotify's watch limit, for one: keep reloading anyway.
                warn(&format!(
                    "cannot watch the library for changes ({e}); reading it every second instead (as with --poll)"
                ));
                poller(&root, tx, config, Duration::from_secs(1))?
            }
        },
        Watching::Poll(every) => poller(&root, tx, config, every)?,
    };
    let canonical = root.canonicalize().unwrap_or_else(|_| root.clone());
    let shared: Shared = Arc::new(Mutex::new(watcher));
    // The thread holds the watcher weakly: once the server drops it, the
    // events channel closes and the thread ends.
    let weak = Arc::downgrade(&shared);
    std::thread::Builder::new()
        .name("cannery-watch".into())
        .spawn(move || {
            let rx = Events {
                rx,
                root: [root.clone(), canonical.clone()],
                root_gone: Cell::new(false),
                // The watcher is armed before this thread lists the
                // folder (`served` in `drain`): every change after that
                // listing comes as an event.
                touched: RefCell::new(Some(BTreeSet::new())),
            };
            drain(rx, &root, &canonical, &state, &weak)
        })
        .map_err(|e| format!("cannot start watching: {e}"))?;
    Ok(Handle(shared))
}

/// Which folder `root` is: a folder deleted and made again, or another
/// renamed in its place, is another (device, inode), and the old watch
/// sees nothing of it.
#[cfg(unix)]
fn identity(root: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(root).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(root: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(root).ok().map(|_| (0, 0))
}

/// Watches `root` again, after it was replaced.
fn rearm(watcher: &Weak<Mutex<Box<dyn Watcher + Send>>>, root: &Path) {
    let Some(watcher) = watcher.upgrade() else {
        return;
    };
    let mut watcher = watcher.lock().unwrap_or_else(|e| e.into_inner());
    // The old watch may be gone with the old folder already.
    let _ = watcher.unwatch(root);
    if let Err(e) = watcher.watch(root, RecursiveMode::Recursive) {
        warn(&format!(
            "cannot watch the library folder {} again: {e}; restart cannery serve to see changes",
            root.display()
        ));
    }
}

fn poller(
    root: &Path,
    tx: mpsc::Sender<notify::Result<Event>>,
    config: Config,
    every: Duration,
) -> Result<Box<dyn Watcher + Send>, String> {
    // Whole-second modification times miss two saves in one second:
    // compare contents instead.
    let config = config.with_poll_interval(every).with_compare_contents(true);
    PollWatcher::new(tx, config)
        .and_then(|mut w| w.watch(root, RecursiveMode::Recursive).map(|()| w))
        .map(|w| Box::new(w) as Box<dyn Watcher + Send>)
        .map_err(|e| format!("cannot watch {}: {e}", root.display()))
}

fn drain(
    rx: Events,
    root: &Path,
    canonical: &Path,
    state: &Arc<State>,
    watcher: &Weak<Mutex<Box<dyn Watcher + Send>>>,
) {
    let mut head = state.origin.head();
    // The folder being watched.
    let mut armed = identity(root);
    // Changes seen and not yet served, and since when.
    let mut pending = false;
    let mut since: Option<Instant> = None;
    // The library's files as the index being served found them.
    let mut served = state.origin.list();
    loop {
        if !pending {
            pending = match rx.recv_timeout(HEAD_CHECK) {
                Ok(first) => matters(&first, root, canonical, state),
                // A commit, checkout or pull changes dates and authors without
                // touching the library's files: look at HEAD now and then.
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let now = state.origin.head();
                    let moved = now != head;
                    head = now;
                    moved
                }
                // The watcher was dropped with the server.
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            };
        }
        std::thread::sleep(SETTLE);
        pending |= take(&rx, root, canonical, state);
        // The library folder replaced: its watch went with the old folder.
        // A folder made again may get the old one's inode number back, so
        // an event saying it went counts too.
        let now = identity(root);
        if now.is_some() && (now != armed || rx.root_gone.get()) {
            rearm(watcher, root);
            rx.root_gone.set(false);
            pending = true;
        }
        armed = now;
        if !pending {
            continue;
        }
        let first = *since.get_or_insert_with(Instant::now);
        // Load in a pause: a save that deletes and writes again, or a
        // checkout, may be mid-way (its process waiting for a core).
        if !pause(&rx, first) {
            return;
        }
        // Files that changed while they were being read leave the load
        // holding half a save: a file deleted and not yet written again,
        // half of a checkout. Such a load is thrown away: wait for a pause
        // in the changes and load again. Only when changes have come
        // without a pause for MAX_DEFER is the last load served as it
        // stands (and the next turn loads again), so a library written to
        // without end still shows what was saved. (1,000 rapid saves
        // served answers with 8 of 10 files, or two saves mixed, before:
        // tests/serve_faults.rs.)
        let mut again = false;
        let (built, moved, started, files) = loop {
            let started = Instant::now();
            // The load reads from this listing, and only the files whose
            // stamps changed since the last load. When events named only
            // files of the served listing, their stamps are taken again
            // instead of listing the whole folder (a load thrown away lists
            // it in full next time).
            let touched = rx.touched();
            let mut restamped = false;
            let before = match (touched, &served) {
                (Some(paths), Some(served)) if !again => {
                    let listing = state
                        .origin
                        .restamp(served, paths.iter().map(String::as_str));
                    restamped = listing.is_some();
                    listing.or_else(|| state.origin.list())
                }
                _ => state.origin.list(),
            };
            again = true;
            let loaded = state.origin.load_listed(before.as_ref());
            let loaded_at = Instant::now();
            // Whether the files the load read stayed as they were while it
            // read them. After a listing made from events, when the load
            // read few files, only those are stamped again: a change to any
            // other file tells by an event of its own (taken below, or the
            // next reload's), as the listing before the load trusted.
            // Listing 10,000 files again was half of such a reload's time.
            // Otherwise the folder is listed again, while the new index is
            // built: the two take about as long, and there are cores for
            // both. The index is thrown away with the load if files moved.
            let read = match (&loaded, restamped) {
                (Ok(loaded), true) => loaded.read.clone(),
                _ => None,
            };
            let again_listed = || match (&read, &before) {
                (Some(read), Some(before)) => state
                    .origin
                    .restamp(before, read.iter().map(String::as_str))
                    .or_else(|| state.origin.list()),
                _ => state.origin.list(),
            };
            let (built, after) = std::thread::scope(|scope| {
                let after = scope.spawn(again_listed);
                let built = loaded.map(|loaded| state.prepare(loaded));
                (built, after.join().ok().flatten())
            });
            std::thread::sleep(CATCH_UP.saturating_sub(loaded_at.elapsed()));
            // Events can come late (notify's thread waits for a core like
            // any other), and a folder listed while a file is renamed into
            // it may miss that file: the files' stamps tell either way.
            let mut moved = take(&rx, root, canonical, state) | !same(&after, &before);
            // A file gone may be a save that deletes and writes again, its
            // process waiting for a core between the two: give it a moment
            // to come back before serving the library without it, and
            // hold such a load back longer when changes keep coming.
            let losing = !restamped && vanished(&served, &before);
            if !moved && losing {
                std::thread::sleep(GRACE);
                moved = take(&rx, root, canonical, state) | !same(&state.origin.list(), &before);
            }
            let waited = first.elapsed();
            if !moved || waited >= MAX_DEFER && (!losing || waited >= MAX_DEFER_LOSING) {
                break (built, moved, started, after.or(before));
            }
            if !pause(&rx, first) {
                return;
            }
        };
        pending = moved;
        since = moved.then(Instant::now);
        match built {
            Ok(index) => {
                state.publish(index.clone());
                served = files;
                head = state.origin.head();
                // Said even with --quiet: reloads are rare, and worth knowing.
                let problems = index.library.problems.len();
                eprintln!(
                    "reloaded: {} responses, {problems} problem{} ({} ms)",
                    index.responses().len(),
                    if problems == 1 { "" } else { "s" },
                    started.elapsed().as_millis()
                );
            }
            Err(e) => warn(&format!(
                "cannot reload the library: {e}; still serving the last one"
            )),
        }
    }
}

/// Waits until no event has come for [`QUIET`], or until changes began
/// [`MAX_DEFER_LOSING`] ago; false when the watcher is gone. The events
/// taken need no look: a load follows anyway.
fn pause(rx: &Events, first: Instant) -> bool {
    while first.elapsed() < MAX_DEFER_LOSING {
        match rx.recv_timeout(QUIET) {
            Ok(_) => {}
            Err(mpsc::RecvTimeoutError::Timeout) => break,
            Err(mpsc::RecvTimeoutError::Disconnected) => return false,
        }
    }
    true
}

/// Whether a file of `served` is not in `now`.
fn vanished(served: &Option<Listing>, now: &Option<Listing>) -> bool {
    let Some(served) = served else {
        return false;
    };
    let now: std::collections::HashSet<&str> = now.iter().flat_map(Listing::all_files).collect();
    served.all_files().any(|f| !now.contains(f))
}

/// Whether two listings of the folder (each file's path, size, times and
/// inode) are the same: equal before and after a load, no file changed
/// while the load read it.
fn same(a: &Option<Listing>, b: &Option<Listing>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.same_files(b),
        (None, None) => true,
        _ => false,
    }
}
