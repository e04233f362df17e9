//! The watcher's events: which of them can change the library (editors'
//! temp and backup names never do), and which files they name, so that a
//! reload stamps only those files again instead of listing the folder.

use super::super::State;
use crate::source;
use notify::event::{CreateKind, EventKind, ModifyKind, RemoveKind};
use notify::Event;
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// The watcher's events, noting on the way (whichever step of the loop
/// takes them) any that says the library folder itself was deleted or
/// moved away, and which files they name.
pub(super) struct Events {
    pub(super) rx: mpsc::Receiver<notify::Result<Event>>,
    /// The library folder, as given and with links resolved.
    pub(super) root: [PathBuf; 2],
    pub(super) root_gone: Cell<bool>,
    /// The library files named since [`Events::touched`] was last taken;
    /// `None` when an event named more than files (a folder, the root) or
    /// said that events were lost.
    pub(super) touched: RefCell<Option<BTreeSet<String>>>,
}

impl Events {
    pub(super) fn recv_timeout(
        &self,
        timeout: Duration,
    ) -> Result<notify::Result<Event>, mpsc::RecvTimeoutError> {
        let event = self.rx.recv_timeout(timeout)?;
        self.look(&event);
        Ok(event)
    }

    fn try_recv(&self) -> Result<notify::Result<Event>, mpsc::TryRecvError> {
        let event = self.rx.try_recv()?;
        self.look(&event);
        Ok(event)
    }

    fn look(&self, event: &notify::Result<Event>) {
        let mut touched = self.touched.borrow_mut();
        let Ok(event) = event else {
            *touched = None;
            return;
        };
        let gone = matches!(
            event.kind,
            EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_))
        ) && event.paths.iter().any(|p| self.root.contains(p));
        if gone {
            self.root_gone.set(true);
        }
        if event.need_rescan() || event.paths.is_empty() {
            *touched = None;
        }
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        for path in &event.paths {
            let Some(relative) = relative(path, &self.root[0], &self.root[1]) else {
                continue;
            };
            if relative == source::CONFIG_FILE
                || source::is_response_path(&relative)
                || source::is_snippet_path(&relative)
            {
                if let Some(touched) = touched.as_mut() {
                    touched.insert(relative);
                }
            } else if relative.is_empty()
                || source::is_walked_dir(&relative)
                    && !matches!(
                        event.kind,
                        EventKind::Create(CreateKind::File)
                            | EventKind::Modify(ModifyKind::Data(_))
                            | EventKind::Modify(ModifyKind::Metadata(_))
                    )
            {
                // The root, or maybe a folder: came, went or moved.
                *touched = None;
            }
        }
    }

    /// The files named since the last call, or `None` when the folder must
    /// be listed; from now on, files are noted afresh.
    pub(super) fn touched(&self) -> Option<BTreeSet<String>> {
        self.touched.replace(Some(BTreeSet::new()))
    }
}

/// Takes every event waiting; whether any matters.
pub(super) fn take(rx: &Events, root: &Path, canonical: &Path, state: &State) -> bool {
    let mut relevant = false;
    while let Ok(more) = rx.try_recv() {
        relevant = relevant || matters(&more, root, canonical, state);
    }
    relevant
}

pub(super) fn matters(
    event: &notify::Result<Event>,
    root: &Path,
    canonical: &Path,
    state: &State,
) -> bool {
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
