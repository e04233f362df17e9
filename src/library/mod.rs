//! A whole library, loaded: the one path every command goes through.
//!
//! list → read and parse every file in parallel → validate → check across
//! files (ids, titles, shortcuts) → sorted responses and problems. One bad
//! file never stops the others.
//!
//! A server loads the same library again and again; [`Library::load_again`]
//! keeps a [`Memo`] of each load so that the next one reads and parses only
//! the files that changed (or whose bytes changed, when their stamps
//! cannot be trusted). The checks across files run again, or keep their
//! last result when nothing they look at changed, so a load again gives
//! what a fresh load gives.
//!
//! This module is the load itself; each step it takes is a module of its
//! own: `read` (one file into text, and what can be wrong with it),
//! `snippets`, `unique` (ids, titles, shortcuts), `variants`,
//! `near_duplicates`, and `memo` (what a reload reuses).

pub use memo::Memo;

use crate::config::Config;
use crate::near_duplicate::Sketch;
use crate::problem::{Problem, Severity, Summary};
use crate::progress::Progress;
use crate::response::Response;
use crate::snippet::Snippet;
use crate::source::{Listing, Source, Stamp, CONFIG_FILE};
use crate::validate::Context;
use memo::{digest, Kept, Parse};
use near_duplicates::near_duplicates;
use rayon::prelude::*;
use read::{not_utf8, parse_file, read_problem, read_text};
use snippets::{load_snippets, used_by};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use unique::check_unique;
use variants::attach_variants;

mod memo;
mod near_duplicates;
mod read;
mod snippets;
mod unique;
mod variants;

#[derive(Clone, Debug, Default)]
pub struct Library {
    pub config: Config,
    /// Valid responses, sorted by id. Shared with the [`Memo`] of a
    /// server's reloads, so that a response that did not change is the
    /// same `Arc` from one load to the next.
    pub responses: Vec<Arc<Response>>,
    /// Snippets, sorted by name.
    pub snippets: Vec<Snippet>,
    /// Every problem, sorted by file, then position.
    pub problems: Vec<Problem>,
    /// How many response files were found (valid or not).
    pub files: usize,
    /// The commit the library was read at, when read from git.
    pub revision: Option<String>,
}

/// What a load does besides reading and validating every file.
#[derive(Clone, Copy, Debug)]
pub struct LoadOptions<'a> {
    /// Counts each file read.
    pub progress: &'a Progress,
    /// Whether to compare bodies for near-duplicates: a warning for
    /// authors, which an export (it keeps only errors) does without. It is
    /// about a tenth of a load's time.
    pub near_duplicates: bool,
}

impl Library {
    pub fn load(source: &dyn Source) -> Library {
        Library::load_with(
            source,
            LoadOptions {
                progress: &Progress::hidden(),
                near_duplicates: true,
            },
        )
    }

    /// [`Library::load`], as `options` say.
    pub fn load_with(source: &dyn Source, options: LoadOptions) -> Library {
        Library::load_memo(source, &source.list(), options, None)
    }

    /// [`Library::load`] again from `listing` (the source's, taken before
    /// this call), reading only the files whose stamps changed since the
    /// load that filled `memo`, and keeping this load in it.
    pub fn load_again(source: &dyn Source, listing: &Listing, memo: &mut Memo) -> Library {
        let options = LoadOptions {
            progress: &Progress::hidden(),
            near_duplicates: true,
        };
        Library::load_memo(source, listing, options, Some(memo))
    }

    fn load_memo(
        source: &dyn Source,
        listing: &Listing,
        options: LoadOptions,
        memo: Option<&mut Memo>,
    ) -> Library {
        // When the files were stamped: a file written after that has a
        // later time than any it had before (see `Stamp::is_racy`).
        let read_at = listing.stamps.as_ref().map(|s| s.at);
        let progress = options.progress;
        let mut problems = listing.problems.clone();
        let mut basis = Vec::with_capacity(listing.snippets.len() + 1);
        let config = if listing.has_config {
            let read = source.read(CONFIG_FILE);
            basis.push((CONFIG_FILE.to_string(), read.as_ref().ok().cloned()));
            match read.map(String::from_utf8) {
                Ok(Ok(text)) => {
                    let (config, found) = Config::parse(&text);
                    problems.extend(found);
                    config
                }
                Ok(Err(e)) => {
                    problems.push(not_utf8(CONFIG_FILE, e.as_bytes()));
                    Config::default()
                }
                Err(e) => {
                    problems.push(read_problem(CONFIG_FILE, e));
                    Config::default()
                }
            }
        } else {
            Config::default()
        };

        let snippets = load_snippets(
            source,
            &listing.snippets,
            &config,
            &mut problems,
            &mut basis,
        );
        // Every parse depends on the configuration and the snippets.
        let mut memo = memo;
        if let Some(memo) = memo.as_deref_mut() {
            if memo.basis != basis {
                *memo = Memo::with_time_step(memo.time_step);
                memo.basis = basis;
            }
        }
        let ctx = Context {
            config: &config,
            snippets: &snippets,
        };
        let (bases, variant_files, found) = crate::variant::classify(&listing.files);
        problems.extend(found);
        progress.set_length((bases.len() + variant_files.len()) as u64);
        let time_step = memo.as_ref().map(|m| m.time_step);
        let memo_kept = memo.is_some();
        let known = memo
            .as_deref()
            .map(|m| &m.responses[..])
            .unwrap_or_default();
        // Where each file is in the memo: at the same place when the same
        // files are listed (the usual reload), else found by path.
        let same_files = memo
            .as_deref()
            .is_some_and(|m| m.paths.len() == bases.len() && m.paths == bases);
        let by_path: HashMap<&str, usize> = match memo.as_deref() {
            Some(m) if !same_files => m
                .paths
                .iter()
                .enumerate()
                .map(|(j, p)| (p.as_str(), j))
                .collect(),
            _ => HashMap::new(),
        };
        let find = |i: usize, path: &str| {
            if same_files {
                Some(i)
            } else {
                by_path.get(path).copied()
            }
        };
        // Only a file stamped well after its last write is trusted to be
        // what was read while its stamp stays.
        let trusted = |stamp: Stamp| {
            let racy = match (time_step, read_at) {
                (Some(step), Some(read_at)) => stamp.is_racy(read_at, step),
                _ => true,
            };
            (!racy).then_some(stamp)
        };
        let stamps = stamps_of(listing, bases.iter().map(String::as_str));
        let sketch_threshold = if options.near_duplicates {
            config.duplicate_threshold
        } else {
            0.0
        };
        let loaded: Vec<Parse> = bases
            .par_iter()
            .enumerate()
            .zip(&stamps)
            .map(|((i, path), &now)| {
                progress.inc();
                // Stamped before it is read (when listed): a write after
                // the stamp moves it, and the file is read again next time.
                let before = find(i, path);
                if let Some(j) = before.filter(|&j| now.is_some() && known[j].stamp == now) {
                    return Parse::Known(j);
                }
                let read = read_text(source, path);
                // Only a memo has parses to compare with.
                let digest = match (&read, &memo_kept) {
                    (Ok(bytes), true) => Some(digest(bytes)),
                    _ => None,
                };
                if let Some(j) = before.filter(|&j| digest.is_some() && known[j].digest == digest) {
                    return Parse::Same(j, now.and_then(trusted));
                }
                let (response, problems) =
                    parse_file(path, read, |doc| crate::validate::validate(path, doc, &ctx));
                // Sketched here, while the body is fresh in this core's
                // cache and the work is spread over every core with the
                // rest of the load.
                let sketch = OnceLock::new();
                if let Some(response) = response.as_ref().filter(|_| sketch_threshold > 0.0) {
                    let _ = sketch.set(Sketch::new(&response.body, sketch_threshold));
                }
                Parse::Made(Box::new(Kept {
                    stamp: now.and_then(trusted),
                    digest,
                    response: response.map(Arc::new),
                    problems,
                    sketch,
                }))
            })
            .collect();
        drop(by_path);
        if let Some(memo) = memo.as_deref_mut() {
            memo.note_read(listing, &bases, &loaded);
        }
        let files = listing.files.len();
        // Each valid response, with its parse's place in the memo.
        let mut responses = Vec::with_capacity(files);
        // Whether the files are the same and those read again have the
        // same ids, titles and shortcuts as before: then the uniqueness
        // check of the last load holds (see below).
        let mut same_keys = same_files;
        // Without a memo, the parses are kept here until the load is done:
        // their sketches are needed once more.
        let mut parsed = Vec::new();
        match memo.as_deref_mut() {
            Some(memo) => {
                same_keys &= memo.keep(loaded, bases, &mut problems, &mut responses);
            }
            None => {
                for parse in loaded {
                    if let Parse::Made(mut made) = parse {
                        problems.append(&mut made.problems);
                        if let Some(response) = &made.response {
                            responses.push((response.clone(), Some(parsed.len())));
                        }
                        parsed.push(*made);
                    }
                }
            }
        }
        let checked = match memo.as_deref_mut() {
            // Nothing that the check looks at changed, and it found no
            // clash last time: the same responses in the same id order,
            // some of them read again. (10,000 lowercased titles, three
            // maps and a sort, on every reload, otherwise.)
            Some(memo) if same_keys && memo.unique.is_some() => memo
                .unique
                .iter()
                .flatten()
                .filter_map(|&j| Some((memo.responses[j].response.clone()?, Some(j))))
                .collect(),
            Some(memo) => {
                let found = problems.len();
                let checked = check_unique(source, responses, &mut problems);
                memo.unique = (problems.len() == found)
                    .then(|| checked.iter().filter_map(|(_, j)| *j).collect());
                checked
            }
            None => check_unique(source, responses, &mut problems),
        };
        let (mut responses, at): (Vec<_>, Vec<_>) = checked.into_iter().unzip();
        let stamps = stamps_of(listing, variant_files.iter().map(|f| f.path.as_str()));
        attach_variants(
            source,
            &variant_files,
            &stamps,
            &mut responses,
            &ctx,
            &mut problems,
            progress,
            memo.as_deref_mut(),
            &trusted,
        );
        if options.near_duplicates {
            let kept = memo.as_deref().map_or(&parsed[..], |m| &m.responses[..]);
            let sketches: Vec<Option<&OnceLock<Sketch>>> =
                at.iter().map(|j| j.map(|j| &kept[j].sketch)).collect();
            problems.extend(near_duplicates(
                &responses,
                config.duplicate_threshold,
                &sketches,
            ));
        }
        progress.finish();
        let snippets = used_by(snippets, &responses);
        problems.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.code).cmp(&(&b.file, b.line, b.column, b.code))
        });
        Library {
            config,
            responses,
            snippets,
            problems,
            files,
            revision: source.revision(),
        }
    }

    pub fn get(&self, id: &str) -> Option<&Response> {
        self.responses
            .binary_search_by(|r| r.id.as_str().cmp(id))
            .ok()
            .map(|i| self.responses[i].as_ref())
    }

    /// What an export writes, in id order: with no `locale`, each response
    /// followed by its variants, each variant titled with its tag
    /// (`Horário (pt-BR)`) and its shortcut suffixed (`hours-pt-br`) so
    /// targets that want unique names and shortcuts accept it; with a
    /// `locale`, each response in that language where it has it.
    pub fn for_export(&self, locale: Option<&str>) -> Vec<Cow<'_, Response>> {
        let mut out = Vec::with_capacity(self.responses.len());
        for r in self.responses.iter().map(Arc::as_ref) {
            match locale {
                Some(tag) => out.push(Cow::Borrowed(r.variant(tag).unwrap_or(r))),
                None => {
                    out.push(Cow::Borrowed(r));
                    for v in &r.variants {
                        let mut v = v.clone();
                        v.title = format!("{} ({})", v.title, v.locale);
                        v.shortcut = v
                            .shortcut
                            .map(|s| format!("{s}-{}", v.locale.to_lowercase()));
                        out.push(Cow::Owned(v));
                    }
                }
            }
        }
        out
    }

    pub fn summary(&self) -> Summary {
        Summary {
            errors: self
                .problems
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .count(),
            warnings: self
                .problems
                .iter()
                .filter(|p| p.severity == Severity::Warning)
                .count(),
            files: self.files,
            responses: self.responses.len(),
        }
    }
}

/// The stamps `listing` has of `paths`, which are some of its files, in
/// its order.
fn stamps_of<'a>(listing: &Listing, paths: impl Iterator<Item = &'a str>) -> Vec<Option<Stamp>> {
    let Some(stamps) = &listing.stamps else {
        return paths.map(|_| None).collect();
    };
    let mut listed = listing.files.iter().zip(&stamps.files);
    paths
        .map(|path| {
            listed
                .by_ref()
                .find(|(file, _)| file.as_str() == path)
                .and_then(|(_, stamp)| *stamp)
        })
        .collect()
}
