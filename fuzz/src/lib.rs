//! The properties the fuzz targets check, one function per target.
//!
//! Each takes the fuzzer's bytes and panics when a property breaks. They
//! live here, not in `fuzz_targets/`, so that `tests/hostile_fuzz_corpus.rs`
//! can run the very same checks over the seed corpus under `cargo test`
//! (it includes this file with `#[path]`), without cargo-fuzz or nightly.

use cannery::config::Config;
use cannery::problem::{Finding, Problem};
use cannery::snippet::Snippets;
use cannery::validate::Context;
use std::ops::Range;

/// Front matter split, YAML and validation never panic, and every finding
/// points inside the file, on character boundaries; as a problem, its line
/// and column count from 1.
pub fn front_matter(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (doc, mut findings) = cannery::front_matter::parse(&text);
    if let Some(doc) = doc {
        let config = Config::default();
        let snippets = Snippets::default();
        let ctx = Context {
            config: &config,
            snippets: &snippets,
        };
        let (response, more) = cannery::validate::validate("fuzz/input.md", doc, &ctx);
        findings.extend(more);
        if let Some(response) = response {
            assert!(cannery::response::is_id(&response.id), "{:?}", response.id);
            // A valid response renders, and its HTML is safe.
            html_is_safe(&response.rendered().html);
        }
    }
    for f in findings {
        span_is_in(&text, &f.span, &f);
        let p: Problem = f.in_file("fuzz/input.md", &text, 0);
        assert!(
            p.line >= 1 && p.column >= 1 && p.end_line >= p.line,
            "{p:?}"
        );
    }
}

fn span_is_in(text: &str, span: &Range<usize>, f: &Finding) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "span {span:?} outside a text of {} bytes: {f:?}",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "span {span:?} not on a character boundary: {f:?}"
    );
}

/// The placeholder scanner never panics, its spans cover `{{ … }}`, and
/// what it reads is what `spell` writes back: spelling a placeholder and
/// scanning it gives the same name and default, and rebuilding a body with
/// every placeholder respelled finds the same placeholders again.
pub fn placeholder(data: &[u8]) {
    let body = String::from_utf8_lossy(data);
    let scan = cannery::placeholder::scan(&body);
    for m in &scan.mistakes {
        span_is_in(&body, &m.span, m);
    }
    let mut last = 0;
    for p in &scan.placeholders {
        assert!(p.span.start >= last, "placeholders overlap: {p:?}");
        last = p.span.end;
        let written = &body[p.span.clone()];
        assert!(
            written.starts_with("{{") && written.ends_with("}}"),
            "{written:?}"
        );
        assert!(cannery::placeholder::is_name(&p.name), "{p:?}");
        let spelled = cannery::placeholder::spell(&p.name, p.default.as_deref());
        assert_eq!(
            named(&spelled),
            [(p.name.clone(), p.default.clone())],
            "{spelled:?}"
        );
    }
    let respelled = cannery::placeholder::replace(&body, &scan.placeholders, |p| {
        cannery::placeholder::spell(&p.name, p.default.as_deref())
    });
    let again = cannery::placeholder::scan(&respelled);
    let pairs = |s: &cannery::placeholder::Scan| -> Vec<(String, Option<String>)> {
        s.placeholders
            .iter()
            .map(|p| (p.name.clone(), p.default.clone()))
            .collect()
    };
    assert_eq!(pairs(&again), pairs(&scan), "{respelled:?}");
    assert_eq!(again.mistakes.len(), scan.mistakes.len(), "{respelled:?}");

    // Any name and any default text survive spell → scan.
    if let Some(split) = body.find('|') {
        let (name, default) = (&body[..split], &body[split + 1..]);
        if cannery::placeholder::is_name(name) && !default.contains('\n') {
            let spelled = cannery::placeholder::spell(name, Some(default));
            assert_eq!(
                named(&spelled),
                [(name.to_string(), Some(default.to_string()))],
                "{spelled:?}"
            );
        }
    }
}

fn named(body: &str) -> Vec<(String, Option<String>)> {
    let scan = cannery::placeholder::scan(body);
    assert!(scan.mistakes.is_empty(), "{body:?}: {:?}", scan.mistakes);
    scan.placeholders
        .into_iter()
        .map(|p| (p.name, p.default))
        .collect()
}

/// Markdown → HTML and text never panic, and the HTML holds only tags and
/// attributes Cannery writes: no `<script`, no `on…=`, no `javascript:`.
/// The input is a body, then optionally a NUL byte and the value every
/// placeholder is filled with (values are the hostile part of `render`).
pub fn render(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (body, value) = match text.split_once('\0') {
        Some((body, value)) => (body, Some(value)),
        None => (&*text, None),
    };
    let scan = cannery::placeholder::scan(body);
    let rendered = cannery::render::render(body, &scan.placeholders, &|p| match value {
        Some(v) => v.to_string(),
        None => cannery::placeholder::spell(&p.name, p.default.as_deref()),
    });
    html_is_safe(&rendered.html);
    for f in cannery::render::findings(body) {
        span_is_in(body, &f.span, &f);
    }
}

const TAGS: &[&str] = &[
    "p",
    "em",
    "strong",
    "del",
    "a",
    "img",
    "code",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
];
const ATTRIBUTES: &[&str] = &["href", "src", "alt", "title", "start", "style", "class"];

/// Every tag of `html` is one Cannery's renderer writes, with attributes it
/// writes, and links are never scripts.
pub fn html_is_safe(html: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "{html}");
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let close = after
            .find('>')
            .unwrap_or_else(|| panic!("a `<` that is not a tag: {html}"));
        let tag = &after[..close];
        rest = &after[close + 1..];
        let tag = tag.trim_end_matches('/').trim_end();
        let (name, mut attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        let name = name.strip_prefix('/').unwrap_or(name);
        assert!(TAGS.contains(&name), "tag `{name}` in {html}");
        loop {
            attrs = attrs.trim_start();
            if attrs.is_empty() {
                break;
            }
            let (attr, value_on) = attrs
                .split_once("=\"")
                .unwrap_or_else(|| panic!("attribute without a quoted value in {html}"));
            assert!(ATTRIBUTES.contains(&attr), "attribute `{attr}` in {html}");
            let end = value_on
                .find('"')
                .unwrap_or_else(|| panic!("unclosed attribute in {html}"));
            let value = &value_on[..end];
            if attr == "href" || attr == "src" {
                let squeezed: String = value
                    .chars()
                    .filter(|c| !c.is_ascii_control() && !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_lowercase();
                for scheme in ["javascript:", "vbscript:", "data:", "file:"] {
                    assert!(!squeezed.starts_with(scheme), "{attr}={value:?} in {html}");
                }
                // The renderer judged the URL before pulldown-cmark
                // percent-encoded it for the attribute (a NUL becomes
                // `%00`, which makes `\0https:` read as a relative path
                // to a browser): judge the decoded URL, as the renderer did.
                let decoded = percent_decoded(value);
                assert!(cannery::render::is_safe_url(&decoded), "{attr}={value:?}");
            }
            attrs = &value_on[end + 1..];
        }
    }
}

/// `Config::parse` never panics, and its problems are located from 1.
pub fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (_config, problems) = Config::parse(&text);
    for p in problems {
        assert!(p.line >= 1 && p.column >= 1, "{p:?}");
        assert!(p.span.end <= text.len(), "{p:?}");
    }
}

/// Every importer: arbitrary bytes never panic, and every file it plans is a
/// response path inside the library (no `..`, not absolute) whose text
/// `check` accepts. The first byte picks the target.
pub fn import(data: &[u8]) {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let targets = cannery::export::TARGETS;
    let target = targets[pick as usize % targets.len()];
    let library = cannery::library::Library::default();
    let options = cannery::import::Options::default();
    let Ok(plan) = cannery::import::plan(&library, target, bytes, &options) else {
        return;
    };
    for file in &plan.files {
        assert!(
            cannery::source::is_response_path(&file.path)
                && !file.path.starts_with('/')
                && !file.path.split('/').any(|part| part == ".." || part == "."),
            "{} plans a file at {:?}",
            target.name(),
            file.path
        );
        let (doc, _) = cannery::front_matter::parse(&file.text);
        assert!(doc.is_some(), "{}: {:?}", target.name(), file.text);
    }
}

/// `value` with every `%XX` decoded (invalid UTF-8 replaced).
fn percent_decoded(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
