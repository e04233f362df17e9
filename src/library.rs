//! A whole library, loaded: the one path every command goes through.
//!
//! list → read and parse every file in parallel → validate → check across
//! files (ids, titles, shortcuts) → sorted responses and problems. One bad
//! file never stops the others.

use crate::config::Config;
use crate::problem::{Problem, Severity, Summary};
use crate::progress::Progress;
use crate::response::Response;
use crate::snippet::{Snippet, Snippets};
use crate::source::{ReadError, Source, CONFIG_FILE, MAX_FILE_BYTES};
use crate::validate::Context;
use crate::variant::VariantFile;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;

#[derive(Clone, Debug, Default)]
pub struct Library {
    pub config: Config,
    /// Valid responses, sorted by id.
    pub responses: Vec<Response>,
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
        let progress = options.progress;
        let listing = source.list();
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

        let snippets = load_snippets(source, &listing.snippets, &config, &mut problems);
        let ctx = Context {
            config: &config,
            snippets: &snippets,
        };
        let (bases, variant_files, found) = crate::variant::classify(&listing.files);
        problems.extend(found);
        progress.set_length((bases.len() + variant_files.len()) as u64);
        let loaded: Vec<(Option<Response>, Vec<Problem>)> = bases
            .par_iter()
            .map(|path| {
                let loaded = load_file(source, path, |doc| {
                    crate::validate::validate(path, doc, &ctx)
                });
                progress.inc();
                loaded
            })
            .collect();
        let files = listing.files.len();
        let mut responses = Vec::with_capacity(files);
        for (response, found) in loaded {
            problems.extend(found);
            responses.extend(response);
        }
        let mut responses = check_unique(source, responses, &mut problems);
        attach_variants(
            source,
            &variant_files,
            &mut responses,
            &ctx,
            &mut problems,
            progress,
        );
        if options.near_duplicates {
            problems.extend(near_duplicates(&responses, config.duplicate_threshold));
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
            .map(|i| &self.responses[i])
    }

    /// What an export writes, in id order: with no `locale`, each response
    /// followed by its variants, each variant titled with its tag
    /// (`Horário (pt-BR)`) and its shortcut suffixed (`hours-pt-br`) so
    /// targets that want unique names and shortcuts accept it; with a
    /// `locale`, each response in that language where it has it.
    pub fn for_export(&self, locale: Option<&str>) -> Vec<Cow<'_, Response>> {
        let mut out = Vec::with_capacity(self.responses.len());
        for r in &self.responses {
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

/// Reads one response file (or variant) and validates it with `validate`.
fn load_file(
    source: &dyn Source,
    path: &str,
    validate: impl FnOnce(
        crate::front_matter::Document,
    ) -> (Option<Response>, Vec<crate::problem::Finding>),
) -> (Option<Response>, Vec<Problem>) {
    let bytes = match read_text(source, path) {
        Ok(bytes) => bytes,
        Err(problem) => return (None, vec![*problem]),
    };
    let text = std::str::from_utf8(&bytes).unwrap_or_default();
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
    if let Some(marker) = conflict_marker(text) {
        // A merge or rebase stopped on this file: say so, rather than the
        // YAML or Markdown errors its markers would cause.
        return (None, vec![conflict_problem(path, text, marker)]);
    }
    let (doc, mut findings) = crate::front_matter::parse(text);
    let response = doc.and_then(|doc| {
        let (response, found) = validate(doc);
        findings.extend(found);
        response
    });
    let problems = findings
        .into_iter()
        .map(|f| f.in_file(path, text, 0))
        .collect();
    (response, problems)
}

/// Loads each variant and gives it to its base, sorted by locale. A variant
/// whose base has errors is still checked, but not served.
fn attach_variants(
    source: &dyn Source,
    files: &[VariantFile],
    responses: &mut [Response],
    ctx: &Context,
    problems: &mut Vec<Problem>,
    progress: &Progress,
) {
    let by_path: HashMap<&str, usize> = responses
        .iter()
        .enumerate()
        .map(|(i, r)| (r.path.as_str(), i))
        .collect();
    let loaded: Vec<(Option<usize>, Option<Response>, Vec<Problem>)> = files
        .par_iter()
        .map(|file| {
            let base = by_path.get(file.base.as_str()).copied();
            let (variant, found) = load_file(source, &file.path, |doc| {
                crate::variant::validate(
                    &file.path,
                    doc,
                    base.map(|i| &responses[i]),
                    &file.locale,
                    ctx,
                )
            });
            progress.inc();
            (base, variant, found)
        })
        .collect();
    for (base, variant, found) in loaded {
        problems.extend(found);
        if let (Some(i), Some(variant)) = (base, variant) {
            let siblings = &mut responses[i].variants;
            if let Some(other) = siblings
                .iter()
                .find(|v| v.locale.eq_ignore_ascii_case(&variant.locale))
            {
                problems.push(
                    Problem::error(
                        "duplicate-variant",
                        &variant.path,
                        format!("{} is already the `{}` variant", other.path, other.locale),
                    )
                    .with_hint("keep one file per language"),
                );
                continue;
            }
            siblings.push(variant);
        }
    }
    for r in responses.iter_mut() {
        r.variants.sort_by(|a, b| a.locale.cmp(&b.locale));
    }
}

/// A file's bytes, checked to be UTF-8 text.
fn read_text(source: &dyn Source, path: &str) -> Result<Vec<u8>, Box<Problem>> {
    let bytes = source
        .read(path)
        .map_err(|e| Box::new(read_problem(path, e)))?;
    if std::str::from_utf8(&bytes).is_err() {
        return Err(Box::new(not_utf8(path, &bytes)));
    }
    Ok(bytes)
}

/// Reads every snippet, then checks their includes of each other (cycles,
/// unknown names), reporting each problem in the snippet's own file.
fn load_snippets(
    source: &dyn Source,
    paths: &[String],
    config: &Config,
    problems: &mut Vec<Problem>,
) -> Snippets {
    let mut snippets = Snippets::default();
    let mut texts = HashMap::new();
    for path in paths {
        let Some(name) = crate::snippet::name_from_path(path) else {
            continue;
        };
        let bytes = match read_text(source, path) {
            Ok(bytes) => bytes,
            Err(problem) => {
                problems.push(*problem);
                snippets.broken.insert(name.to_string(), path.clone());
                continue;
            }
        };
        let text = String::from_utf8(bytes).unwrap_or_default();
        let (snippet, found) = crate::validate::validate_snippet(path, name, &text, config);
        problems.extend(found.into_iter().map(|f| f.in_file(path, &text, 0)));
        match snippet {
            Some(snippet) => {
                snippets.by_name.insert(name.to_string(), snippet);
                texts.insert(name.to_string(), text);
            }
            None => {
                snippets.broken.insert(name.to_string(), path.clone());
            }
        }
    }
    let mut broken = Vec::new();
    for (name, snippet) in &snippets.by_name {
        if let Err(errors) = snippets.expand(&snippet.body) {
            let text = &texts[name];
            let offset = text.find(snippet.body.as_str()).unwrap_or(0);
            problems.extend(
                errors
                    .into_iter()
                    .map(|f| f.in_file(&snippet.path, text, offset)),
            );
            broken.push(name.clone());
        }
    }
    for name in broken {
        if let Some(snippet) = snippets.by_name.remove(&name) {
            snippets.broken.insert(name, snippet.path);
        }
    }
    snippets
}

/// Each snippet with the responses that include it, sorted by name.
fn used_by(snippets: Snippets, responses: &[Response]) -> Vec<Snippet> {
    let mut list: Vec<Snippet> = snippets.by_name.into_values().collect();
    for snippet in &mut list {
        snippet.used_by = responses
            .iter()
            .filter(|r| r.includes.contains(&snippet.name))
            .map(|r| r.id.clone())
            .collect();
    }
    list.sort_by(|a, b| a.name.cmp(&b.name));
    list
}

/// Where git's conflict markers begin in `text`: a `<<<<<<<` line
/// followed by a `=======` line and a `>>>>>>>` line.
fn conflict_marker(text: &str) -> Option<std::ops::Range<usize>> {
    let marker = |line: &str, sign: &str| {
        let line = line.trim_end_matches(['\r', '\n']);
        line.strip_prefix(sign)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
    };
    let mut offset = 0;
    let mut open = None;
    let mut middle = false;
    for line in text.split_inclusive('\n') {
        match open {
            None if marker(line, "<<<<<<<") => open = Some(offset..offset + 7),
            Some(_) if marker(line, "=======") => middle = true,
            Some(_) if middle && marker(line, ">>>>>>>") => return open,
            _ => {}
        }
        offset += line.len();
    }
    None
}

fn conflict_problem(path: &str, text: &str, marker: std::ops::Range<usize>) -> Problem {
    Problem::error(
        "conflict-markers",
        path,
        "this file holds git's conflict markers: a merge or rebase stopped on it",
    )
    .at(text, marker)
    .with_hint(
        "keep the lines you want between `<<<<<<<`, `=======` and `>>>>>>>`, delete the three markers, then `git add` the file and continue the merge or rebase",
    )
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
        // Read from git (`--rev`), not from disk: permissions are not it.
        ReadError::Damaged(reason) => Problem::error(
            "unreadable",
            path,
            format!("the file cannot be read from git: {reason}"),
        )
        .with_hint(
            "the repository is damaged: `git fsck` lists its broken objects, and a fresh clone brings them back",
        ),
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
    let mut keep = vec![true; responses.len()];
    let mut ids: HashMap<&str, &str> = HashMap::with_capacity(responses.len());
    let mut titles: HashMap<String, &str> = HashMap::with_capacity(responses.len());
    let mut shortcuts: HashMap<&str, &str> = HashMap::with_capacity(responses.len());
    for (r, keep) in responses.iter().zip(&mut keep) {
        let title = r.title.to_lowercase();
        let clash = if let Some(first) = ids.get(r.id.as_str()) {
            Some((
                Problem::error(
                    "duplicate-id",
                    &r.path,
                    format!("the id `{}` is also the id of {first}", r.id),
                )
                .with_hint("rename one of the files, or give one of them another `id:`"),
                "id",
            ))
        } else if let Some(first) = titles.get(&title) {
            Some((
                Problem::error(
                    "duplicate-title",
                    &r.path,
                    format!("the title \"{}\" is also the title of {first}", r.title),
                )
                .with_hint("titles must be unique (ignoring case): make this one more specific"),
                "title",
            ))
        } else if let Some((shortcut, first)) = r
            .shortcut
            .as_deref()
            .and_then(|s| Some((s, shortcuts.get(s)?)))
        {
            Some((
                Problem::error(
                    "duplicate-shortcut",
                    &r.path,
                    format!("the shortcut `{shortcut}` is also the shortcut of {first}"),
                )
                .with_hint("shortcuts must be unique: choose another one"),
                "shortcut",
            ))
        } else {
            None
        };
        if let Some((problem, field)) = clash {
            problems.push(locate_field(source, problem, field));
            *keep = false;
            continue;
        }
        ids.insert(&r.id, &r.path);
        titles.insert(title, &r.path);
        if let Some(s) = &r.shortcut {
            shortcuts.insert(s, &r.path);
        }
    }
    drop((ids, titles, shortcuts));
    let mut kept: Vec<Response> = responses
        .into_iter()
        .zip(keep)
        .filter_map(|(r, keep)| keep.then_some(r))
        .collect();
    // Ids are unique by now.
    kept.sort_unstable_by(|a, b| a.id.cmp(&b.id));
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

/// A warning for each response whose body is nearly another's.
fn near_duplicates(responses: &[Response], threshold: f64) -> Vec<Problem> {
    let bodies: Vec<&str> = responses.iter().map(|r| r.body.as_str()).collect();
    crate::near_duplicate::find(&bodies, threshold)
        .into_iter()
        .map(|pair| {
            let (first, second) = (&responses[pair.first], &responses[pair.second]);
            let percent = (pair.similarity * 100.0).floor();
            Problem::warning(
                "near-duplicate",
                &second.path,
                format!("this body is {percent}% alike the body of {}", first.path),
            )
            .with_hint(format!(
                "merge the two responses, or make them differ; `duplicates: {{threshold: 0}}` in {CONFIG_FILE} turns this warning off"
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_left_mid_rebase_is_a_conflict_markers_problem() {
        let text = "---\n<<<<<<< HEAD\ntitle: Bye\n---\nBye now.\n=======\ntitle: Bye from topic\n---\nBye, topic.\n>>>>>>> 1a2b3c4 (Topic)\n";
        let marker = conflict_marker(text).unwrap();
        assert_eq!(&text[marker.clone()], "<<<<<<<");
        let problem = conflict_problem("closing/bye.md", text, marker);
        assert_eq!(problem.code, "conflict-markers");
        assert_eq!((problem.line, problem.column), (2, 1));
        // CRLF files and markers without a label count too.
        assert!(conflict_marker("<<<<<<<\r\na\r\n=======\r\nb\r\n>>>>>>>\r\n").is_some());
        // Markdown that only looks like part of one does not.
        for text in [
            "Title\n=======\n",
            "<<<<<<<<< not a marker\n=======\n>>>>>>> x\n",
            "<<<<<<< a\nno middle\n>>>>>>> b\n",
            ">>>>>>> b\n=======\n<<<<<<< a\n",
        ] {
            assert_eq!(conflict_marker(text), None, "{text:?}");
        }
    }
}
