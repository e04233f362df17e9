//! Live reload: watch the library folder, and after each burst of changes
//! load the library again, in full, and swap the new index in.
//!
//! Editors save in many ways (in place, a temp file renamed over, a backup
//! renamed away), so the folder is watched recursively, never single files,
//! and an event matters when any of its paths is a response file, the
//! configuration, or a folder of the library. Swap files, `file.md~` and
//! vim's `4913` probe never do. Anything odd — a rescan (lost events), an
//! event without paths, a watcher error — means a full reload.
//!
//! A burst is drained before reloading: block on the first event, wait
//! [`SETTLE`], take the rest. Events that arrive during a reload are taken
//! by the next turn of the loop, which reloads again.

use super::conn::warn;
use super::State;
use crate::source;
use notify::event::{CreateKind, EventKind, ModifyKind, RemoveKind};
use notify::{Config, Event, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SETTLE: Duration = Duration::from_millis(50);
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

/// Starts watching `root`; the returned watcher stops when dropped.
pub fn start(
    root: PathBuf,
    how: Watching,
    state: Arc<State>,
) -> Result<Box<dyn Watcher + Send>, String> {
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
    std::thread::Builder::new()
        .name("cannery-watch".into())
        .spawn(move || drain(rx, &root, &canonical, &state))
        .map_err(|e| format!("cannot start watching: {e}"))?;
    Ok(watcher)
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

type Events = mpsc::Receiver<notify::Result<Event>>;

fn drain(rx: Events, root: &Path, canonical: &Path, state: &Arc<State>) {
    let mut head = state.origin.head();
    loop {
        let mut relevant = match rx.recv_timeout(HEAD_CHECK) {
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
        std::thread::sleep(SETTLE);
        while let Ok(more) = rx.try_recv() {
            relevant = relevant || matters(&more, root, canonical, state);
        }
        if !relevant {
            continue;
        }
        let started = Instant::now();
        match state.origin.load() {
            Ok(loaded) => {
                let index = state.swap(loaded);
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

fn matters(event: &notify::Result<Event>, root: &Path, canonical: &Path, state: &State) -> bool {
    let Ok(event) = event else {
        return true;
    };
    if event.need_rescan() || event.paths.is_empty() {
        return true;
    }
    if matches!(event.kind, EventKind::Access(_)) {
        return false;
    }
    let index = state.index();
    event.paths.iter().any(|path| {
        let Some(relative) = relative(path, root, canonical) else {
            return false;
        };
        path_matters(&relative, &event.kind, path.is_dir(), &|f| {
            index.has_folder(f)
        })
    })
}

fn relative(path: &Path, root: &Path, canonical: &Path) -> Option<String> {
    let rel = path
        .strip_prefix(root)
        .or_else(|_| path.strip_prefix(canonical))
        .ok()?;
    Some(rel.to_str()?.replace(std::path::MAIN_SEPARATOR, "/"))
}

/// Whether a change at `relative` (a path below the library root) can
/// change the library. `is_dir` says whether it is a folder now;
/// `known_folder` whether a folder held library files before.
fn path_matters(
    relative: &str,
    kind: &EventKind,
    is_dir: bool,
    known_folder: &dyn Fn(&str) -> bool,
) -> bool {
    if relative.is_empty() {
        // The root itself: removed, replaced, or its metadata changed.
        return !matches!(kind, EventKind::Modify(ModifyKind::Metadata(_)));
    }
    if relative == source::CONFIG_FILE
        || source::is_response_path(relative)
        || source::is_snippet_path(relative)
    {
        return true;
    }
    let in_snippets = relative
        .strip_prefix(crate::snippet::FOLDER)
        .is_some_and(|rest| {
            rest.is_empty() || rest.starts_with('/') && source::is_walked_dir(&rest[1..])
        });
    if !(source::is_walked_dir(relative) || in_snippets) {
        return false;
    }
    // A folder: new or moved in (it may hold responses), or gone (it held
    // some if the index knew it).
    match kind {
        EventKind::Create(CreateKind::Folder) => true,
        EventKind::Remove(RemoveKind::Folder) => known_folder(relative),
        _ => {
            (is_dir
                && !matches!(
                    kind,
                    EventKind::Modify(ModifyKind::Metadata(_))
                        | EventKind::Modify(ModifyKind::Data(_))
                ))
                || known_folder(relative)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{DataChange, RenameMode};

    fn check(path: &str, kind: EventKind, is_dir: bool) -> bool {
        path_matters(path, &kind, is_dir, &|f| f == "support")
    }

    #[test]
    fn editor_temp_files_do_not_matter() {
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        let create = EventKind::Create(CreateKind::File);
        assert!(check("support/hours.md", write, false));
        assert!(check("cannery.yaml", write, false));
        assert!(!check("support/.hours.md.swp", create, false));
        assert!(!check("support/hours.md~", create, false));
        assert!(!check("support/4913", create, false));
        assert!(!check("support/hours.md___jb_tmp___", create, false));
        assert!(!check("support/README.md", write, false));
        assert!(!check(".git/index", write, false));
        assert!(!check("_drafts/x.md", write, false));
        assert!(check("_snippets/legal/gdpr.md", write, false));
        assert!(!check("_snippets/.gdpr.md.swp", write, false));
    }

    #[test]
    fn folders_matter_when_they_come_or_held_responses() {
        let rename = EventKind::Modify(ModifyKind::Name(RenameMode::From));
        assert!(check("support", rename, false), "a known folder moved away");
        assert!(!check("empty", rename, false), "an unknown path moved away");
        assert!(check(
            "billing",
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
            true
        ));
        assert!(check(
            "billing",
            EventKind::Create(CreateKind::Folder),
            true
        ));
        assert!(check(
            "support",
            EventKind::Remove(RemoveKind::Folder),
            false
        ));
        assert!(!check(
            "empty",
            EventKind::Remove(RemoveKind::Folder),
            false
        ));
        assert!(
            check("", EventKind::Remove(RemoveKind::Folder), false),
            "the root itself"
        );
    }
}
