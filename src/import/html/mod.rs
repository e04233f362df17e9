//! HTML bodies back to Markdown.
//!
//! Exports write the HTML that Cannery renders from Markdown, so the way
//! back only needs what that HTML holds: paragraphs, headings, emphasis,
//! links, images, lists, quotes, code, rules, tables and line breaks. For
//! those the Markdown renders to the very same HTML, which is what makes
//! `export → import → export` give the same bytes. Helpdesks' own HTML
//! (`<div>`, `<b>`, `<span style>`) is read with the same rules; tags with
//! no Markdown equivalent are dropped, keeping their text, and named so
//! the import can say so. A small hand-written reader is enough for that:
//! a full HTML parser would not make the Markdown any more faithful.

mod parse;
mod write;

use crate::export::dialect::Reader;
use std::collections::BTreeSet;

/// The Markdown for `html`, placeholders read by `reader`. Names of tags
/// dropped (their text kept) go to `dropped`; placeholder-like spellings
/// Cannery does not know, to `unknown`.
pub fn to_markdown(
    html: &str,
    reader: &Reader,
    unknown: &mut Vec<String>,
    dropped: &mut BTreeSet<String>,
) -> String {
    let nodes = parse::parse(html);
    let mut w = write::Writer {
        reader,
        unknown,
        dropped,
    };
    w.blocks(&nodes).join("\n\n")
}
