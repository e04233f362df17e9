//! The preview page in headless Chromium against a list of script
//! payloads, each in a body, a title, a tag, a placeholder's default, a
//! description and a subject, and typed in as a placeholder's value. Before
//! any page script runs, `alert`, `confirm`, `prompt` and `print` are
//! replaced by traps, and every Content-Security-Policy violation is
//! recorded: a payload that reached the DOM as markup and was only stopped
//! by the CSP still fails. (`bodies_never_run_on_the_page` in browser.rs is
//! the one-response version of this.)

mod browser_support;
mod serve_support;

use browser_support::{Browser, Served};
use serde_json::{json, Value};
use std::time::Duration;

const LONG: Duration = Duration::from_secs(20);

/// Each sets `window.__pwned` or calls a trapped function if it runs.
const PAYLOADS: &[&str] = &[
    "<script>window.__pwned='script'</script>",
    "<img src=x onerror=alert('img')>",
    "<svg/onload=alert('svg')>",
    "<iframe src=javascript:alert('iframe')>",
    "<iframe srcdoc=\"<script>parent.alert('srcdoc')</script>\">",
    "<body onload=alert('body')>",
    "<a href=\"javascript:alert('a')\" id=xss-a>a</a>",
    "\"><script>alert('quote')</script>",
    "'><img src=x onerror=alert('apos')>",
    "</textarea><script>alert('textarea')</script>",
    "</title><script>alert('title')</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('math')>",
    "<details open ontoggle=alert('details')>",
    "<input autofocus onfocus=alert('input')>",
    "<!--<img src=\"--><img src=x onerror=alert('comment')//\">",
    "<base href=\"javascript:alert('base')//\">",
    "<meta http-equiv=refresh content=\"0;url=javascript:alert('meta')\">",
    "<object data=\"javascript:alert('object')\">",
    "<embed src=\"javascript:alert('embed')\">",
    "<form action=javascript:alert('form')><button id=xss-b>b</button></form>",
    "<style>*{background:url(javascript:alert('style'))}</style>",
    "<template><img src=x onerror=alert('template')></template>",
    "${alert('template-literal')}",
    "{{constructor.constructor('alert(1)')()}}",
    "[link](javascript:alert('md-link'))",
    "![img](x\"onerror=\"alert('md-img'))",
    "[ref][r]\n\n[r]: javascript:alert('md-ref')",
    "<javascript:alert('autolink')>",
];

/// Installed before any script of each document: traps and a record.
const TRAPS: &str = r#"
window.__fired = [];
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = (...args) => { window.__fired.push(name + ':' + args.join(',')); };
}
document.addEventListener('securitypolicyviolation', (e) => {
  window.__fired.push('csp:' + e.violatedDirective + ':' + (e.sample || e.blockedURI));
});
"#;

fn yaml(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// What the page holds that it should not, right now.
fn verdict(browser: &Browser) -> Value {
    browser.eval(
        "return {
            fired: window.__fired || ['traps missing'],
            pwned: window.__pwned ?? null,
            scripts: [...document.querySelectorAll('script')].map(s => s.getAttribute('src')),
            handlers: [...document.querySelectorAll('*')].filter(el => [...el.attributes].some(a => a.name.startsWith('on'))).map(el => el.outerHTML.slice(0, 80)),
            active: document.querySelectorAll('iframe, object, embed, base, meta[http-equiv], form:not(#fill), template, style').length,
            jsLinks: [...document.querySelectorAll('[href], [src], [action]')].filter(el => /^\\s*(javascript|data|vbscript):/i.test(el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('action') || '')).length,
        }",
        json!([]),
    )
}

#[test]
fn a_list_of_script_payloads_never_runs_on_the_preview_page() {
    let Some(browser) = Browser::start(1280, 900) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (n, payload) in PAYLOADS.iter().enumerate() {
        // Titles, subjects and descriptions are one line.
        let line = payload.replace('\n', " ");
        let text = format!(
            "---\ntitle: {title}\ncategory: support\ntags: [{tag}]\ndescription: {p}\nsubject: {p}\n---\n{payload}\n\nHi {{{{ contact.first_name | default: {p} }}}}, {payload}\n",
            title = yaml(&format!("T{n} {line}")),
            // Tags hold at most 40 characters.
            tag = yaml(&line.to_lowercase().replace(' ', "-").chars().take(40).collect::<String>()),
            p = yaml(&line),
        );
        serve_support::write(dir.path(), &format!("support/x{n:02}.md"), &text);
    }
    let server = Served::start(dir.path(), "127.0.0.1:0", &["--no-watch"]);
    let listed = server.json("/api/v1/canned-responses?per_page=500&active=any")["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect::<Vec<_>>();
    browser.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": TRAPS }),
    );
    browser.goto(&format!("{}/", server.url));
    browser.expect("document.documentElement.dataset.loads === '1'", LONG);
    // The list, and the problems banner, with every payload in it.
    let list = verdict(&browser);
    let mut opened = 0;
    for id in &listed {
        browser.goto(&format!("{}/#/{id}", server.url));
        browser.expect(
            &format!("document.querySelector('h1#title')?.textContent.startsWith('T') && location.hash === '#/{id}' && document.getElementById('rendered-html') !== null"),
            LONG,
        );
        // A payload typed into the placeholder's field, then every link
        // and button of the response clicked.
        if browser.wait(
            "document.querySelector('[id=\"field-contact.first_name\"]') !== null",
            Duration::from_secs(2),
        ) {
            let n: usize = id.trim_start_matches("support/x").parse().unwrap();
            browser.type_into("[id=\"field-contact.first_name\"]", PAYLOADS[n]);
        }
        browser.eval(
            "for (const a of document.querySelectorAll('#rendered-html a, #xss-a, #xss-b')) a.click();",
            json!([]),
        );
        std::thread::sleep(Duration::from_millis(150));
        let v = verdict(&browser);
        assert_eq!(v["fired"], json!([]), "{id}: {v}");
        assert_eq!(v["pwned"], Value::Null, "{id}: {v}");
        assert_eq!(v["scripts"], json!(["/assets/app.js"]), "{id}: {v}");
        assert_eq!(v["handlers"], json!([]), "{id}: {v}");
        assert_eq!(v["active"], json!(0), "{id}: {v}");
        assert_eq!(v["jsLinks"], json!(0), "{id}: {v}");
        opened += 1;
    }
    assert_eq!(list["fired"], json!([]), "{list}");
    // Every payload loads as a response but the `{{…}}` one, whose
    // placeholder name is a problem (shown on the page, checked above).
    assert_eq!(opened, PAYLOADS.len() - 1, "{listed:?}");
    eprintln!("{opened} payload responses opened, typed into and clicked through");
}
