//! Reading one file of the library into text, and the problems a file can
//! have before it is parsed: unreadable, too large, not UTF-8, empty, or
//! left with git's conflict markers.

use crate::problem::Problem;
use crate::response::Response;
use crate::source::{ReadError, Source, MAX_FILE_BYTES};

/// Reads one response file (or variant) and validates it with `validate`.
pub(super) fn load_file(
    source: &dyn Source,
    path: &str,
    validate: impl FnOnce(
        crate::front_matter::Document,
    ) -> (Option<Response>, Vec<crate::problem::Finding>),
) -> (Option<Response>, Vec<Problem>) {
    parse_file(path, read_text(source, path), validate)
}

/// [`load_file`] of a file already read.
pub(super) fn parse_file(
    path: &str,
    read: Result<Vec<u8>, Box<Problem>>,
    validate: impl FnOnce(
        crate::front_matter::Document,
    ) -> (Option<Response>, Vec<crate::problem::Finding>),
) -> (Option<Response>, Vec<Problem>) {
    let bytes = match read {
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

/// A file's bytes, checked to be UTF-8 text.
pub(super) fn read_text(source: &dyn Source, path: &str) -> Result<Vec<u8>, Box<Problem>> {
    let bytes = source
        .read(path)
        .map_err(|e| Box::new(read_problem(path, e)))?;
    if std::str::from_utf8(&bytes).is_err() {
        return Err(Box::new(not_utf8(path, &bytes)));
    }
    Ok(bytes)
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

pub(super) fn read_problem(path: &str, e: ReadError) -> Problem {
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
pub(super) fn not_utf8(path: &str, bytes: &[u8]) -> Problem {
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
