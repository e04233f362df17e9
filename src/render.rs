//! Markdown to HTML and to plain text, safely.
//!
//! Raw HTML in a body is shown as text, never passed through, and links
//! whose scheme could run code (`javascript:`, `data:`…) lose their link.
//! Placeholders are swapped for opaque tokens before Markdown sees them
//! (a `|` in a default must not split a table cell) and filled afterwards,
//! so a value is always escaped as text.

use crate::placeholder::Placeholder;
use crate::problem::Finding;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// A body rendered both ways.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    pub text: String,
}

// Private-use characters: never typed by authors, inert to Markdown.
const TOKEN_START: char = '\u{E000}';
const TOKEN_END: char = '\u{E001}';

/// Renders `body`, whose placeholders are `placeholders`, writing each one
/// as `fill` says.
pub fn render(
    body: &str,
    placeholders: &[Placeholder],
    fill: &dyn Fn(&Placeholder) -> String,
) -> Rendered {
    let tokenized = crate::placeholder::replace(body, placeholders, {
        let mut n = 0;
        move |_| {
            n += 1;
            format!("{TOKEN_START}{}{TOKEN_END}", n - 1)
        }
    });
    let values: Vec<String> = placeholders.iter().map(fill).collect();
    let events = safe_events(&tokenized, &values);
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.iter().cloned());
    Rendered {
        html,
        text: crate::render_text::to_text(&events),
    }
}

/// Warnings about what rendering changes: raw HTML and unsafe links. Spans
/// are byte ranges of `body`.
pub fn findings(body: &str) -> Vec<Finding> {
    // Raw HTML needs a `<`, and every link a `]` (inline, reference or
    // definition) or a `<` (autolink): most bodies have neither, and then
    // the Markdown pass would find nothing.
    if !body.contains(['<', ']']) {
        return Vec::new();
    }
    let mut found = Vec::new();
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Html(_) | Event::InlineHtml(_) => {
                let end = body[range.clone()].trim_end().len() + range.start;
                // Tags on one line (`<b>x</b>`), or an HTML block arriving
                // line by line, are one warning.
                let joins = |f: &Finding| {
                    f.code == "raw-html"
                        && f.span.end <= range.start
                        && (f.span.end == range.start
                            || !body[f.span.end..range.start].contains('\n'))
                };
                if let Some(last) = found.last_mut().filter(|f| joins(f)) {
                    last.span.end = end;
                    continue;
                }
                found.push(
                    Finding::warning(
                        "raw-html",
                        "raw HTML is shown as text, not as HTML",
                        range.start..end,
                    )
                    .with_hint(
                        "write Markdown instead: **bold**, *italic*, [a link](https://example.com)",
                    ),
                );
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if !is_safe_url(&dest_url) =>
            {
                found.push(
                    Finding::warning(
                        "unsafe-link",
                        format!("the link `{}` is removed: only http, https, mailto and tel links are kept", dest_url),
                        range,
                    )
                    .with_hint("link to an https:// address instead"),
                );
            }
            _ => {}
        }
    }
    found
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

fn safe_events<'a>(tokenized: &'a str, values: &[String]) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    // Whether each open link or image was dropped, so its end goes too.
    let mut dropped = Vec::new();
    for event in Parser::new_ext(tokenized, options()) {
        let event = match event {
            Event::Text(t) => Event::Text(fill(t, values)),
            Event::Code(t) => Event::Code(fill(t, values)),
            Event::Html(t) | Event::InlineHtml(t) => Event::Text(fill(t, values)),
            Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
            Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => match safe_target(dest_url, title, values, &mut dropped) {
                Some((dest_url, title)) => Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }),
                None => continue,
            },
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => match safe_target(dest_url, title, values, &mut dropped) {
                Some((dest_url, title)) => Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }),
                None => continue,
            },
            Event::End(end @ (TagEnd::Link | TagEnd::Image)) => {
                if dropped.pop().unwrap_or(false) {
                    continue;
                }
                Event::End(end)
            }
            other => other,
        };
        out.push(event);
    }
    out
}

/// Replaces placeholder tokens in `s` by their values.
/// A link's or image's destination and title, placeholders filled; `None`
/// when the destination is not safe, and the link is then left out (its
/// text kept). `dropped` remembers which, for the matching end.
fn safe_target<'a>(
    dest_url: CowStr<'a>,
    title: CowStr<'a>,
    values: &[String],
    dropped: &mut Vec<bool>,
) -> Option<(CowStr<'a>, CowStr<'a>)> {
    let dest_url = fill(dest_url, values);
    let safe = is_safe_url(&dest_url);
    dropped.push(!safe);
    safe.then(|| (dest_url, fill(title, values)))
}

fn fill<'a>(s: CowStr<'a>, values: &[String]) -> CowStr<'a> {
    if !s.contains(TOKEN_START) {
        return s;
    }
    let mut out = String::with_capacity(s.len());
    let mut rest: &str = &s;
    while let Some(start) = rest.find(TOKEN_START) {
        out.push_str(&rest[..start]);
        let after = &rest[start + TOKEN_START.len_utf8()..];
        let Some(end) = after.find(TOKEN_END) else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        match after[..end]
            .parse::<usize>()
            .ok()
            .and_then(|i| values.get(i))
        {
            Some(value) => out.push_str(value),
            None => out.push_str(
                &rest[start..start + TOKEN_START.len_utf8() + end + TOKEN_END.len_utf8()],
            ),
        }
        rest = &after[end + TOKEN_END.len_utf8()..];
    }
    out.push_str(rest);
    out.into()
}

/// Whether a link target is safe to keep: http, https, mailto, tel, or a
/// relative address.
pub fn is_safe_url(url: &str) -> bool {
    // Browsers ignore control characters and spaces inside a scheme
    // (`java\tscript:`), so they are ignored here too.
    let squeezed: String = url
        .chars()
        .filter(|c| !c.is_ascii_control() && !c.is_whitespace())
        .take(64)
        .collect();
    let Some(colon) = squeezed.find(':') else {
        return true;
    };
    let scheme = &squeezed[..colon];
    if scheme.contains(['/', '?', '#']) {
        return true;
    }
    matches!(
        scheme.to_ascii_lowercase().as_str(),
        "http" | "https" | "mailto" | "tel"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placeholder::scan;

    fn html(body: &str) -> String {
        let s = scan(body);
        render(body, &s.placeholders, &|p| {
            crate::placeholder::spell(&p.name, p.default.as_deref())
        })
        .html
    }

    #[test]
    fn raw_html_is_escaped() {
        assert_eq!(
            html("<script>alert(1)</script>"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        );
        assert_eq!(
            html("a <img src=x onerror=alert(1)> b"),
            "<p>a &lt;img src=x onerror=alert(1)&gt; b</p>\n"
        );
    }

    #[test]
    fn unsafe_links_lose_their_link() {
        assert_eq!(html("[x](javascript:alert(1))"), "<p>x</p>\n");
        assert_eq!(html("[x](JaVaScRiPt:alert(1))"), "<p>x</p>\n");
        assert!(!is_safe_url("java\tscript:alert(1)"));
        assert!(is_safe_url("/relative/path?a=b:c") && is_safe_url("tel:+1555"));
        assert_eq!(html("![i](data:text/html,hi)"), "<p>i</p>\n");
        assert_eq!(
            html("[ok](https://a.example/x)"),
            "<p><a href=\"https://a.example/x\">ok</a></p>\n"
        );
    }

    #[test]
    fn placeholders_survive_tables_and_are_escaped() {
        let out = html("| a | b |\n|---|---|\n| {{ x | default: \"<b>\" }} | 2 |\n");
        assert!(
            out.contains("<td>{{ x | default: \"&lt;b&gt;\" }}</td>"),
            "{out}"
        );
    }

    #[test]
    fn values_are_text_not_html() {
        let body = "Hi **{{ name }}**";
        let s = scan(body);
        let r = render(body, &s.placeholders, &|_| "<i>Ana</i>".into());
        assert_eq!(
            r.html,
            "<p>Hi <strong>&lt;i&gt;Ana&lt;/i&gt;</strong></p>\n"
        );
        assert_eq!(r.text, "Hi <i>Ana</i>");
    }

    #[test]
    fn escaped_braces_render_as_braces() {
        assert_eq!(html(r"write \{{ name }}"), "<p>write {{ name }}</p>\n");
    }

    #[test]
    fn findings_locate_html_and_unsafe_links() {
        let body = "Hi <b>x</b>\n\n[a](javascript:x)\n";
        let f: Vec<_> = findings(body)
            .into_iter()
            .map(|f| (f.code, f.span))
            .collect();
        assert_eq!(f, [("raw-html", 3..11), ("unsafe-link", 13..30)]);
    }
}
