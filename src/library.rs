//! A whole library, loaded: the one path every command goes through.
//!
//! list → read and parse every file in parallel → validate → check across
//! files (ids, titles, shortcuts) → sorted responses and problems. One bad
//! file never stops the others.

use crate::config::Config;
use crate::problem::{Problem, Severity, Summary};
use crate::progress::Progress;
use crate::response::{self, Response};
use crate::source::{ReadError, Source, CONFIG_FILE, MAX_FILE_BYTES};
use rayon::prelude::*;
use std::collections::HashMap;

#[derive(Clone, Debug, Default)]
pub struct Library {
    pub config: Config,
    /// Valid responses, sorted by id.
    pub responses: Vec<Response>,
    /// Every problem, sorted by file, then position.
    pub problems: Vec<Problem>,
    /// How many response files were found (valid or not).
    pub files: usize,
    /// The commit the library was read at, when read from git.
    pub revision: Option<String>,
}

impl Library {
    pub fn load(source: &dyn Source) -> Library {
        Library::load_with(source, &Progress::hidden())
    }

    /// [`Library::load`], counting each file read on `progress`.
    pub fn load_with(source: &dyn Source, progress: &Progress) -> Library {
        let listing = source.list();
        progress.set_length(listing.files.len() as u64);
        let mut problems = listing.problems;
        let config = if listing.has_config {
            match source.read(CONFIG_FILE).map(String::from_utf8) {
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

        let loaded: Vec<(Option<Response>, Vec<Problem>)> = listing
            .files
            .par_iter()
            .map(|path| {
                let loaded = load_file(source, path, &config);
                progress.inc();
                loaded
            })
            .collect();
        progress.finish();
        let files = loaded.len();
        let mut responses = Vec::with_capacity(files);
        for (response, found) in loaded {
            problems.extend(found);
            responses.extend(response);
        }
        let responses = check_unique(source, responses, &mut problems);
        problems.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.code).cmp(&(&b.file, b.line, b.column, b.code))
        });
        Library {
            config,
            responses,
            problems,
            files,
            revision: source.revision(),
        }
    }

    pub fn get(&self, id: &str) -> Option<&Response> {
        self.responses
            .binary_search_by(|r| r.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.responses[i])
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

fn load_file(source: &dyn Source, path: &str, config: &Config) -> (Option<Response>, Vec<Problem>) {
    let bytes = match source.read(path) {
        Ok(bytes) => bytes,
        Err(e) => return (None, vec![read_problem(path, e)]),
    };
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(_) => return (None, vec![not_utf8(path, &bytes)]),
    };
    if text.trim_start_matches('\u{FEFF}').trim().is_empty() {
        return (
            None,
            vec![
                Problem::error("empty-file", path, "the file is empty").with_hint(
                    "start it with front matter (`---`, `title: …`, `---`) and then the reply",
                ),
            ],
        );
    }
    let (doc, mut findings) = crate::front_matter::parse(text);
    let response = doc.and_then(|doc| {
        let (response, found) = response::validate(path, doc, config);
        findings.extend(found);
        response
    });
    let problems = findings
        .into_iter()
        .map(|f| f.in_file(path, text, 0))
        .collect();
    (response, problems)
}

fn read_problem(path: &str, e: ReadError) -> Problem {
    match e {
        ReadError::TooLarge(size) => Problem::error(
            "file-too-large",
            path,
            format!("the file has {size} bytes; the most is {MAX_FILE_BYTES} (1 MiB)"),
        )
        .with_hint(
            "a canned response is a short reply: split it, or move attachments out of the library",
        ),
        ReadError::Unreadable(reason) => Problem::error(
            "unreadable",
            path,
            format!("the file cannot be read: {reason}"),
        )
        .with_hint("check its permissions (the user running cannery must be able to read it)"),
    }
}

/// The problem for bytes that are not UTF-8, pointing at the first bad one.
fn not_utf8(path: &str, bytes: &[u8]) -> Problem {
    let valid = std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), |s| s.len());
    let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
    let bad = bytes.get(valid).copied().unwrap_or_default();
    Problem::error(
        "not-utf8",
        path,
        format!("the file is not UTF-8 text: byte 0x{bad:02X} cannot be read"),
    )
    .with_hint("save the file as UTF-8 (most editors have this under \"Save with encoding\")")
    .at(prefix, valid..valid)
}

/// Keeps the first response of each id, title and shortcut (in path order)
/// and reports every later one, naming both files.
fn check_unique(
    source: &dyn Source,
    responses: Vec<Response>,
    problems: &mut Vec<Problem>,
) -> Vec<Response> {
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut titles: HashMap<String, String> = HashMap::new();
    let mut shortcuts: HashMap<String, String> = HashMap::new();
    let mut kept = Vec::with_capacity(responses.len());
    for r in responses {
        let mut clash = None;
        if let Some(first) = ids.get(&r.id) {
            clash = Some((
                Problem::error(
                    "duplicate-id",
                    &r.path,
                    format!("the id `{}` is also the id of {first}", r.id),
                )
                .with_hint("rename one of the files, or give one of them another `id:`"),
                "id",
            ));
        } else if let Some(first) = titles.get(&r.title.to_lowercase()) {
            clash = Some((
                Problem::error(
                    "duplicate-title",
                    &r.path,
                    format!("the title \"{}\" is also the title of {first}", r.title),
                )
                .with_hint("titles must be unique (ignoring case): make this one more specific"),
                "title",
            ));
        } else if let Some((shortcut, first)) = r
            .shortcut
            .as_ref()
            .and_then(|s| Some((s, shortcuts.get(s)?)))
        {
            clash = Some((
                Problem::error(
                    "duplicate-shortcut",
                    &r.path,
                    format!("the shortcut `{shortcut}` is also the shortcut of {first}"),
                )
                .with_hint("shortcuts must be unique: choose another one"),
                "shortcut",
            ));
        }
        if let Some((problem, field)) = clash {
            problems.push(locate_field(source, problem, field));
            continue;
        }
        ids.insert(r.id.clone(), r.path.clone());
        titles.insert(r.title.to_lowercase(), r.path.clone());
        if let Some(s) = &r.shortcut {
            shortcuts.insert(s.clone(), r.path.clone());
        }
        kept.push(r);
    }
    kept.sort_by(|a, b| a.id.cmp(&b.id));
    kept
}

/// Points a problem found across files at its field's line. Clashes are
/// rare, so the file is read again rather than kept in memory for all.
fn locate_field(source: &dyn Source, problem: Problem, field: &str) -> Problem {
    let Ok(bytes) = source.read(&problem.file) else {
        return problem;
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return problem;
    };
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(field) {
            if rest.trim_start().starts_with(':') {
                let value = line[field.len()..]
                    .trim_start_matches([':', ' ', '\t'])
                    .trim_end();
                let start = offset + line.len()
                    - line[field.len()..]
                        .trim_start_matches([':', ' ', '\t'])
                        .len();
                return problem.at(text, start..start + value.len());
            }
        }
        offset += line.len();
    }
    problem
}
