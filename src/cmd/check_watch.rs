//! `cannery check --watch`: check again each time a response or
//! `cannery.yaml` changes, for authors who keep a terminal open beside
//! their editor.
//!
//! Editors save in many ways (write in place, write a temporary file and
//! rename it over the old one, leave `file.md~` or `.file.md.swp` behind),
//! so the whole library folder is watched, never single files, and names
//! that cannot be responses are ignored. One save is a burst of events:
//! the first one that matters starts a short wait for the burst to end, and
//! the library is checked once.

use super::check::{once, Args};
use super::{display_path, Failure, Global, Result};
use cannery::source::{is_response_path, is_walked_dir, CONFIG_FILE};
use notify::event::{CreateKind, EventKind, ModifyKind, RemoveKind};
use notify::{Config, Event, PollWatcher, RecursiveMode, Watcher};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// How long the folder must stay quiet before the library is checked again.
const QUIET: Duration = Duration::from_millis(75);
/// The longest a steady stream of events (a `git checkout` of many files)
/// may put a check off.
const MAX_WAIT: Duration = Duration::from_secs(1);

type Events = Receiver<notify::Result<Event>>;

pub fn run(args: &Args, global: &Global) -> Result<ExitCode> {
    let root = global.root()?;
    let canonical = std::fs::canonicalize(&root).map_err(|e| {
        Failure(format!(
            "cannot open the library folder {}: {e}",
            root.display()
        ))
    })?;
    // Watching starts before the first check, so that a file saved while
    // it runs is not missed.
    let (tx, events) = mpsc::channel();
    let _watcher = watch(&canonical, tx)?;
    let clear = std::io::stdout().is_terminal();
    let shown = match display_path(&root) {
        path if path.is_empty() => ".".to_string(),
        path => path,
    };
    loop {
        if clear {
            // Written past anstream, which would strip it without colour:
            // clearing the screen is not colour.
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(b"\x1b[2J\x1b[H").and_then(|()| out.flush());
        }
        once(args, global)?;
        eprintln!(
            "[{}] watching {shown} for changes; Ctrl-C to stop",
            jiff::Zoned::now().strftime("%H:%M:%S"),
        );
        wait_for_change(&events, &root, &canonical)?;
    }
}

/// The system's file events for the folder, or, where it has none to give
/// (some network mounts, a full inotify watch table), a look every second.
fn watch(root: &Path, tx: mpsc::Sender<notify::Result<Event>>) -> Result<Box<dyn Watcher>> {
    let native = notify::recommended_watcher(tx.clone()).and_then(|mut w| {
        w.watch(root, RecursiveMode::Recursive)?;
        Ok(w)
    });
    match native {
        Ok(w) => Ok(Box::new(w)),
        Err(e) => {
            super::eprint_warning(&format!(
                "cannot get change events for {} ({e}): looking for changes every second instead",
                display_path(root)
            ));
            let config = Config::default().with_poll_interval(Duration::from_secs(1));
            let w = PollWatcher::new(tx, config)
                .and_then(|mut w| w.watch(root, RecursiveMode::Recursive).map(|()| w))
                .map_err(|e| {
                    Failure(format!("cannot watch {} for changes: {e}", root.display()))
                })?;
            Ok(Box::new(w))
        }
    }
}

/// Blocks until something that can change the check's outcome happened,
/// then lets the burst of events it belongs to pass.
fn wait_for_change(events: &Events, root: &Path, canonical: &Path) -> Result<()> {
    let stopped = || Failure("watching for changes stopped unexpectedly".into());
    loop {
        let event = events.recv().map_err(|_| stopped())?;
        if matters(&event, root, canonical) {
            break;
        }
    }
    let deadline = Instant::now() + MAX_WAIT;
    while Instant::now() < deadline {
        match events.recv_timeout(QUIET) {
            Ok(_) => continue,
            Err(mpsc::RecvTimeoutError::Timeout) => break,
            Err(mpsc::RecvTimeoutError::Disconnected) => return Err(stopped()),
        }
    }
    Ok(())
}

fn matters(event: &notify::Result<Event>, root: &Path, canonical: &Path) -> bool {
    // An error or a lost-events notice: anything may have changed.
    let Ok(event) = event else {
        return true;
    };
    if event.need_rescan() || event.paths.is_empty() {
        return true;
    }
    if matches!(event.kind, EventKind::Access(_)) {
        return false;
    }
    event.paths.iter().any(|path| {
        let relative = path
            .strip_prefix(canonical)
            .or_else(|_| path.strip_prefix(root))
            .ok()
            .and_then(Path::to_str)
            .map(|p| p.replace(std::path::MAIN_SEPARATOR, "/"));
        relative.is_some_and(|r| path_matters(&r, &event.kind, path.is_dir()))
    })
}

/// Whether a change at `relative` (a path below the library root) can
/// change what `check` says. `is_dir` tells whether it is a folder now.
fn path_matters(relative: &str, kind: &EventKind, is_dir: bool) -> bool {
    if relative == CONFIG_FILE || is_response_path(relative) {
        return true;
    }
    if relative.is_empty() {
        // The root itself: removed or replaced.
        return !matches!(kind, EventKind::Modify(ModifyKind::Metadata(_)));
    }
    if !is_walked_dir(relative) {
        return false;
    }
    // Not a response, so only a folder matters: one made, moved or removed
    // may hold responses. A moved or removed path is gone by now, so it
    // counts unless its name is an editor's (`hours.md~`, vim's `4913`).
    match kind {
        EventKind::Create(CreateKind::Folder) | EventKind::Remove(RemoveKind::Folder) => true,
        EventKind::Create(CreateKind::File) | EventKind::Remove(RemoveKind::File) => false,
        EventKind::Create(_) => is_dir,
        EventKind::Modify(ModifyKind::Name(_)) | EventKind::Remove(_) => {
            let name = relative.rsplit('/').next().unwrap_or(relative);
            is_dir || !(name.contains('.') || name.bytes().all(|b| b.is_ascii_digit()))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{DataChange, RenameMode};

    #[test]
    fn editor_temp_and_backup_files_do_not_matter() {
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        let create = EventKind::Create(CreateKind::File);
        let remove = EventKind::Remove(RemoveKind::File);
        let moved = EventKind::Modify(ModifyKind::Name(RenameMode::Any));
        for name in [
            "support/.hours.md.swp",
            "support/hours.md~",
            "support/4913",
            "support/hours.md___jb_tmp___",
            "support/#hours.md#",
            ".git/index.lock",
            "_drafts/wip.md",
            "support/README.md",
        ] {
            for kind in [write, create, remove, moved] {
                assert!(!path_matters(name, &kind, false), "{name} {kind:?}");
            }
        }
    }

    #[test]
    fn responses_the_config_and_folders_matter() {
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        let moved = EventKind::Modify(ModifyKind::Name(RenameMode::From));
        assert!(path_matters("support/hours.md", &write, false));
        assert!(path_matters(
            "support/hours.md",
            &EventKind::Remove(RemoveKind::File),
            false
        ));
        assert!(path_matters("cannery.yaml", &write, false));
        assert!(path_matters(
            "support",
            &EventKind::Remove(RemoveKind::Folder),
            false
        ));
        assert!(path_matters(
            "billing",
            &EventKind::Create(CreateKind::Folder),
            true
        ));
        // A folder moved away is gone; its name is all there is to go by.
        assert!(path_matters("support", &moved, false));
        assert!(path_matters("help", &moved, true));
        assert!(!path_matters("support", &write, true));
    }
}
