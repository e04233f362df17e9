//! The preview page (SPEC §5.2): an HTML file, its stylesheet, its script
//! and its icon, compiled into the binary from `templates/`, so the page
//! works offline and one binary is all there is to install.
//!
//! The script is a file of its own, never inline: the page's
//! `Content-Security-Policy` (`default-src 'self'`, see [`Answer::html`])
//! then forbids inline scripts and event handlers, so a response body that
//! slipped past the renderer still could not run anything. Everything the
//! page shows comes from the JSON API; nothing here knows the library.

use super::envelope::{etag, Answer, HTML};

/// Each file of the page: its path, its type, its bytes.
const FILES: &[(&str, &str, &str)] = &[
    ("/", HTML, include_str!("../../templates/index.html")),
    (
        "/assets/app.js",
        "text/javascript; charset=utf-8",
        include_str!("../../templates/app.js"),
    ),
    (
        "/assets/style.css",
        "text/css; charset=utf-8",
        include_str!("../../templates/style.css"),
    ),
    (
        "/assets/icon.svg",
        "image/svg+xml",
        include_str!("../../templates/icon.svg"),
    ),
];

/// Whether `path` is one of the page's files.
pub fn serves(path: &str) -> bool {
    FILES.iter().any(|(p, _, _)| *p == path)
}

/// The page's file at `path`, with an `ETag`: the browser asks again each
/// time (`no-cache`) and gets a 304 until a new binary serves new bytes.
pub fn answer(path: &str) -> Answer {
    let Some((_, content_type, text)) = FILES.iter().find(|(p, _, _)| *p == path) else {
        return Answer::not_found(format!("the page has no file `{path}`"));
    };
    let mut answer = Answer::html(text);
    answer.content_type = content_type;
    answer.with_header("etag", etag(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_only_its_own_files() {
        let page = std::str::from_utf8(&answer("/").body).unwrap().to_string();
        for (path, _, _) in FILES.iter().skip(1) {
            assert!(page.contains(&format!("\"{path}\"")), "{path} is not used");
        }
        // No inline script, no inline handler, nothing from elsewhere.
        assert!(!page.contains("<script>"), "inline script");
        let handler = page.split(" on").skip(1).any(|rest| {
            let name = rest.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            name.len() < rest.len() && name.starts_with('=')
        });
        assert!(!handler, "inline event handler");
        assert!(!page.contains("http:") && !page.contains("https:"));
        assert!(!page.contains("//"), "a URL without a scheme");
    }

    #[test]
    fn each_file_has_its_type_and_a_tag() {
        let js = answer("/assets/app.js");
        assert_eq!(js.status, 200);
        assert_eq!(js.content_type, "text/javascript; charset=utf-8");
        assert!(js.header("etag").is_some());
        let tag = js.header("etag").unwrap().to_string();
        assert_eq!(answer("/assets/app.js").revalidated(Some(&tag)).status, 304);
        assert_eq!(answer("/").content_type, HTML);
        assert!(answer("/")
            .header("content-security-policy")
            .unwrap()
            .contains("default-src 'self'"));
        assert_eq!(answer("/assets/nope.js").status, 404);
        assert!(!serves("/assets/"));
    }
}
