//! The preview page in a real browser: headless Chromium driven over
//! WebDriver against the real `cannery serve` (see `browser_support`).
//!
//! `CANNERY_SCREENSHOTS=docs/screenshots cargo test --test browser`
//! refreshes the README's screenshots.

mod browser_support;
mod gitrepo;
mod serve_support;

use browser_support::{Browser, Served};
use gitrepo::{Repo, JANE, OMAR};
use serde_json::{json, Value};
use serve_support::{library, write, LIBRARY};
use std::path::Path;
use std::time::{Duration, Instant};

const LONG: Duration = Duration::from_secs(20);
const SHORT: Duration = Duration::from_secs(5);

/// Opens the page and waits for its first load of the library.
fn open(browser: &Browser, server: &Served, hash: &str) {
    browser.goto(&format!("{}/{hash}", server.url));
    browser.expect("document.documentElement.dataset.loads === '1'", LONG);
    browser.expect("document.documentElement.dataset.live === 'live'", LONG);
}

fn strings(value: Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect()
}

/// The ids the list shows, in order.
fn shown(browser: &Browser) -> Vec<String> {
    strings(browser.eval(
        "return [...document.querySelectorAll('#results a.item')].map(a => a.dataset.id)",
        json!([]),
    ))
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

/// The ids the API finds for a query string, every page, inactive too.
fn api_ids(server: &Served, query: &str) -> Vec<String> {
    let answer = server.json(&format!(
        "/api/v1/canned-responses?active=any&per_page=500{query}"
    ));
    sorted(
        answer["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect(),
    )
}

fn text_of(browser: &Browser, css: &str) -> String {
    browser
        .eval(
            "const el = document.querySelector(arguments[0]); return el ? el.textContent : null",
            json!([css]),
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// What `/api/v1/render` answers for these values.
fn rendered(server: &Served, id: &str, format: &str, values: &[(&str, &str)]) -> String {
    let mut query = format!("format={format}");
    for (k, v) in values {
        let v: String = v
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        query.push_str(&format!("&{k}={v}"));
    }
    server.json(&format!("/api/v1/render/{id}?{query}"))["data"]["content"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn the_page_lists_the_sample_library_by_category_and_search_narrows_it() {
    let Some(browser) = Browser::start(1280, 860) else {
        return;
    };
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("library");
    let server = Served::start(&sample, "127.0.0.1:0", &["--no-watch"]);
    open(&browser, &server, "");

    // Every response, under its category's label from the API.
    let everything = api_ids(&server, "");
    assert_eq!(sorted(shown(&browser)), everything);
    let categories = server.json("/api/v1/categories")["data"].clone();
    let labels: Vec<String> = categories
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["count"].as_u64().unwrap() + c["inactive"].as_u64().unwrap() > 0)
        .map(|c| c["label"].as_str().unwrap().to_string())
        .collect();
    let headings = strings(browser.eval(
        "return [...document.querySelectorAll('.group-title')].map(h => h.firstChild.textContent)",
        json!([]),
    ));
    assert_eq!(headings, labels);
    let list = server.json("/api/v1/canned-responses?active=any&per_page=500")["data"].clone();
    for r in list.as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        let label = categories
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == r["category"])
            .map(|c| c["label"].as_str().unwrap().to_string())
            .unwrap();
        let (group, inactive) = {
            let found = browser.eval(
                "const a = document.querySelector(`#results a.item[data-id=\"${arguments[0]}\"]`);
                 return [a.closest('section').querySelector('.group-title').firstChild.textContent,
                         a.classList.contains('inactive') && a.textContent.includes('Inactive')]",
                json!([id]),
            );
            (
                found[0].as_str().unwrap().to_string(),
                found[1] == json!(true),
            )
        };
        assert_eq!(group, label, "{id}");
        assert_eq!(inactive, r["active"] == json!(false), "{id} inactive mark");
    }
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|r| r["active"] == false),
        "the sample library has an inactive response to mark"
    );
    browser.save_screenshot("list.png");

    // `/` focuses the search box; typing narrows the list at once, to what
    // the API finds for the same words.
    browser.press("/");
    assert_eq!(
        browser.eval("return document.activeElement.id", json!([])),
        json!("q")
    );
    browser.type_into("#q", "refund");
    let refund = api_ids(&server, "&q=refund");
    assert!(!refund.is_empty() && refund.len() < everything.len());
    assert_eq!(sorted(shown(&browser)), refund);
    browser.type_into("#q", " days");
    assert_eq!(
        sorted(shown(&browser)),
        api_ids(&server, "&q=refund%20days")
    );
    assert!(text_of(&browser, "#count").contains(" of "));
    // From the search box, ↓ reaches the results and Enter opens one.
    browser.press("\u{E015}");
    let first = browser.eval(
        "return document.activeElement.classList.contains('item') && document.activeElement.dataset.id",
        json!([]),
    );
    assert_eq!(first.as_str(), Some(shown(&browser)[0].as_str()));
    browser.press("\u{E007}");
    browser.expect(
        &format!(
            "location.hash === '#/{}' && document.querySelector('h1#title')",
            first.as_str().unwrap()
        ),
        SHORT,
    );

    // The tag and category filters narrow it too.
    browser.eval(
        "const q = document.getElementById('q'); q.value = ''; q.dispatchEvent(new Event('input'))",
        json!([]),
    );
    browser.click("#tag");
    browser.click("#tag option[value=\"billing\"]");
    assert_eq!(sorted(shown(&browser)), api_ids(&server, "&tag=billing"));
    browser.click("#category option[value=\"sales\"]");
    assert_eq!(
        sorted(shown(&browser)),
        api_ids(&server, "&tag=billing&category=sales")
    );
    browser.click("#tag option[value=\"\"]");
    browser.click("#category option[value=\"\"]");
    assert_eq!(shown(&browser).len(), everything.len());

    // A response with its language variants side by side, and a switch.
    browser.click("#results a.item[data-id=\"greeting/welcome\"]");
    browser.expect(
        "document.querySelector('h1#title')?.textContent === 'Welcome and thanks for writing in'",
        SHORT,
    );
    browser.expect(
        "document.querySelectorAll('.language-grid .language').length === 3",
        SHORT,
    );
    browser.type_into("[id=\"field-contact.first_name\"]", "Ana");
    browser.type_into("[id=\"field-agent.first_name\"]", "Omar");
    for (locale, greeting) in [
        ("en", "Hi Ana,"),
        ("de", "Hallo Ana,"),
        ("pt-BR", "Olá, Ana!"),
    ] {
        browser.expect(
            &format!(
                "document.getElementById('language-{locale}').textContent.includes({greeting:?})"
            ),
            SHORT,
        );
    }
    browser.expect(
        "document.getElementById('rendered-html').textContent.includes('Hi Ana,') && document.getElementById('missing').classList.contains('ok')",
        SHORT,
    );
    browser.viewport(1280, 1240, false);
    browser.save_screenshot("response.png");
    browser.color_scheme("dark");
    // Past the page's short transitions.
    std::thread::sleep(Duration::from_millis(400));
    browser.save_screenshot("response-dark.png");
    browser.color_scheme("light");
    browser.viewport(1280, 860, false);
    browser.click(".locales-switch a[lang=\"de\"]");
    browser.expect(
        "document.querySelector('h1#title')?.textContent === 'Willkommen und danke für Ihre Nachricht'",
        SHORT,
    );
    // The values typed stay with the author across languages.
    browser.expect(
        "document.getElementById('rendered-text').textContent.startsWith('Hallo Ana,')",
        SHORT,
    );
    assert!(browser
        .eval("return location.hash", json!([]))
        .as_str()
        .unwrap()
        .ends_with("?locale=de"));

    // On a phone: the list, then the response with a way back.
    browser.viewport(390, 844, true);
    browser.goto(&format!("{}/#/support/business-hours", server.url));
    browser.expect("document.querySelector('h1#title')", LONG);
    browser.expect(
        "getComputedStyle(document.querySelector('.picker')).display === 'none' && getComputedStyle(document.querySelector('.back')).display !== 'none'",
        SHORT,
    );
    browser.save_screenshot("phone.png");
    browser.click(".back");
    browser.expect(
        "getComputedStyle(document.querySelector('.picker')).display !== 'none'",
        SHORT,
    );
}

#[test]
fn filling_a_placeholder_fills_both_renderings_as_the_api_does() {
    let Some(browser) = Browser::start(1280, 900) else {
        return;
    };
    let dir = library(LIBRARY);
    let server = Served::start(dir.path(), "127.0.0.1:0", &["--no-watch"]);
    let id = "support/business-hours";
    open(&browser, &server, &format!("#/{id}"));

    // Nothing typed: defaults fill, the rest stays and is listed missing.
    browser.expect(
        "document.getElementById('rendered-html').textContent.includes('Hi there!')",
        SHORT,
    );
    assert_eq!(
        text_of(&browser, "#rendered-text"),
        rendered(&server, id, "text", &[])
    );
    assert!(text_of(&browser, "#missing").contains("agent.name"));
    assert_eq!(
        browser.eval(
            "return [...document.querySelectorAll('form.fill .field.missing')].map(f => f.dataset.name)",
            json!([])
        ),
        json!(["agent.name"])
    );
    // Each field is labelled.
    assert_eq!(
        browser.eval(
            "return [...document.querySelectorAll('form.fill input')].map(i => i.labels[0].textContent)",
            json!([])
        ),
        json!(["contact.first_name", "agent.name"])
    );

    browser.type_into("[id=\"field-contact.first_name\"]", "Ana Maria");
    browser.expect(
        "document.getElementById('rendered-html').textContent.includes('Hi Ana Maria!') && document.getElementById('rendered-text').textContent.includes('Hi Ana Maria!')",
        SHORT,
    );
    browser.type_into("[id=\"field-agent.name\"]", "Omar <b>");
    let values = [
        ("contact.first_name", "Ana Maria"),
        ("agent.name", "Omar <b>"),
    ];
    let text = rendered(&server, id, "text", &values);
    browser.expect(
        &format!("document.getElementById('rendered-text').textContent === {text:?}"),
        SHORT,
    );
    assert!(text_of(&browser, "#missing").contains("Every placeholder"));
    assert_eq!(
        browser.eval(
            "return document.querySelectorAll('form.fill .field.missing').length",
            json!([])
        ),
        json!(0)
    );
    // The HTML rendering is the API's, value escaped: `<b>` is text.
    let html = rendered(&server, id, "html", &values);
    assert!(html.contains("Omar &lt;b&gt;"), "{html}");
    assert_eq!(
        browser.eval(
            "return document.querySelector('#rendered-html strong').textContent",
            json!([])
        ),
        json!("Monday to Friday")
    );
    assert_eq!(
        browser.eval(
            "return document.querySelectorAll('#rendered-html b').length",
            json!([])
        ),
        json!(0)
    );

    // A response that includes a snippet says so, and marks where.
    browser.goto(&format!("{}/#/greeting/welcome", server.url));
    browser.expect(
        "document.getElementById('rendered-text')?.textContent.includes('The Acme team')",
        LONG,
    );
    assert!(text_of(&browser, ".snippets").contains("{{> signature }}"));
    assert!(text_of(&browser, ".snippets").contains("How we sign"));
    assert_eq!(
        text_of(&browser, ".source-body mark.snip"),
        "{{> signature }}"
    );
}

#[test]
fn a_response_shows_its_git_history() {
    let Some(browser) = Browser::start(1280, 900) else {
        return;
    };
    let mut repo = Repo::new();
    for (path, text) in LIBRARY {
        repo.write(&format!("library/{path}"), text);
    }
    repo.commit(JANE, "Add the first responses");
    repo.write(
        "library/support/business-hours.md",
        &LIBRARY[1]
            .1
            .replace("Monday to Friday", "Monday to Saturday"),
    );
    let changed = repo.commit(OMAR, "Open on Saturdays");
    let server = Served::start(&repo.path().join("library"), "127.0.0.1:0", &[]);
    open(&browser, &server, "#/support/business-hours");
    browser.expect(
        "document.querySelectorAll('#history .event').length === 2",
        SHORT,
    );
    let events = strings(browser.eval(
        "return [...document.querySelectorAll('#history .event')].map(e => e.innerText.replace(/\\s+/g, ' '))",
        json!([]),
    ));
    assert!(events[0].starts_with("Changed"), "{events:?}");
    assert!(events[0].contains("Open on Saturdays"), "{events:?}");
    assert!(events[0].contains("Omar Haddad"), "{events:?}");
    assert!(events[0].contains(&changed[..8]), "{events:?}");
    assert!(events[1].starts_with("Created"), "{events:?}");
    assert!(events[1].contains("Jane Smith"), "{events:?}");
    let details = text_of(&browser, ".meta");
    assert!(
        details.contains("Created") && details.contains("by Jane Smith"),
        "{details}"
    );
    assert!(
        details.contains("Updated") && details.contains("by Omar Haddad"),
        "{details}"
    );
    browser.expect(
        "document.getElementById('rendered-text').textContent.includes('Monday to Saturday')",
        SHORT,
    );

    // Outside git the box says why there is no history.
    let plain = library(LIBRARY);
    let server = Served::start(plain.path(), "127.0.0.1:0", &["--no-watch"]);
    open(&browser, &server, "#/support/business-hours");
    browser.expect(
        "document.getElementById('history').textContent.includes('not in a git repository')",
        SHORT,
    );
}

#[test]
fn a_saved_change_shows_on_the_open_page_without_a_reload() {
    let Some(browser) = Browser::start(1280, 900) else {
        return;
    };
    let dir = library(LIBRARY);
    let server = Served::start(dir.path(), "127.0.0.1:0", &[]);
    open(&browser, &server, "#/support/business-hours");
    browser.type_into("#q", "hours");
    browser.type_into("[id=\"field-contact.first_name\"]", "Ana");
    browser.expect(
        "document.getElementById('rendered-text').textContent.includes('Hi Ana!')",
        SHORT,
    );
    // A full page load would lose this.
    browser.eval("window.__kept = 'yes'", json!([]));
    let loads = || browser.eval("return document.documentElement.dataset.loads", json!([]));
    assert_eq!(loads(), json!("1"));

    let saved = Instant::now();
    write(
        dir.path(),
        "support/business-hours.md",
        "---\ntitle: Opening hours\nshortcut: hours\ncategory: support\ntags: [hours]\n---\nHi {{ contact.first_name | default: \"there\" }}! We now open on **Saturdays** too. {{ agent.name }}\n",
    );
    browser.expect(
        "document.querySelector('h1#title').textContent === 'Opening hours' && document.getElementById('rendered-text').textContent.includes('Hi Ana! We now open on Saturdays too. {{ agent.name }}')",
        SHORT,
    );
    let took = saved.elapsed();
    eprintln!("a saved change showed after {took:?}");
    assert!(
        took < Duration::from_secs(2),
        "the change took {took:?} to show"
    );
    assert_eq!(
        browser.eval("return window.__kept", json!([])),
        json!("yes")
    );
    assert_eq!(
        browser.eval("return document.getElementById('q').value", json!([])),
        json!("hours")
    );
    assert_eq!(
        browser.eval(
            "return document.querySelector('#results a.item[data-id=\"support/business-hours\"] .item-title').textContent",
            json!([])
        ),
        json!("Opening hours")
    );
    assert_eq!(loads(), json!("2"));

    // A problem shows on top while there is one, with its file and line,
    // and goes when it is fixed.
    write(
        dir.path(),
        "closing/bye.md",
        "---\ntitle: Goodbye\ncategory: closing\ntittle: x\n---\nHave a nice day!\n",
    );
    browser.expect(
        "document.getElementById('problems').textContent.includes('closing/bye.md')",
        SHORT,
    );
    let problem = text_of(&browser, "#problems");
    assert!(problem.contains("closing/bye.md:4"), "{problem}");
    assert!(problem.contains("tittle"), "{problem}");
    browser.save_screenshot("problems.png");
    write(
        dir.path(),
        "closing/bye.md",
        "---\ntitle: Goodbye\ncategory: closing\n---\nHave a nice day!\n",
    );
    browser.expect("document.getElementById('problems').hidden", SHORT);
    let after_fix = loads();

    // A hidden tab lets go of its stream. Chromium keeps a headless tab
    // visible, so the test tells the page it is hidden the way the browser
    // would: `document.hidden` and a `visibilitychange` event.
    let hide = |hidden: bool| {
        browser.eval(
            "Object.defineProperty(document, 'hidden', {configurable: true, get: () => arguments[0]});
             Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => arguments[0] ? 'hidden' : 'visible'});
             document.dispatchEvent(new Event('visibilitychange'));",
            json!([hidden]),
        );
    };
    let connects = || {
        browser
            .eval(
                "return Number(document.documentElement.dataset.connects)",
                json!([]),
            )
            .as_u64()
            .unwrap()
    };
    let before = connects();
    hide(true);
    browser.expect("document.documentElement.dataset.live === 'paused'", SHORT);
    // Back in view with nothing changed: one health check, a new stream,
    // and no reload.
    hide(false);
    browser.expect("document.documentElement.dataset.live === 'live'", SHORT);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(connects(), before + 1);
    assert_eq!(loads(), after_fix, "a reconnect reloaded the page");

    // Changed while hidden: nothing moves until the tab is back.
    hide(true);
    browser.expect("document.documentElement.dataset.live === 'paused'", SHORT);
    let generation = server.json("/api/v1/health")["data"]["generation"]
        .as_u64()
        .unwrap();
    write(
        dir.path(),
        "support/business-hours.md",
        "---\ntitle: Hours while hidden\nshortcut: hours\ncategory: support\n---\nHi!\n",
    );
    assert!(browser_support::eventually(SHORT, || {
        server.json("/api/v1/health")["data"]["generation"]
            .as_u64()
            .unwrap()
            > generation
    }));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(text_of(&browser, "h1#title"), "Opening hours");
    hide(false);
    browser.expect(
        "document.querySelector('h1#title').textContent === 'Hours while hidden'",
        SHORT,
    );
    std::thread::sleep(Duration::from_millis(1000));
    let reloaded = loads().as_str().unwrap().parse::<u32>().unwrap();
    let fixed = after_fix.as_str().unwrap().parse::<u32>().unwrap();
    assert_eq!(reloaded, fixed + 1, "one reload for one change");
    assert_eq!(
        browser.eval("return window.__kept", json!([])),
        json!("yes")
    );
}

#[test]
fn the_page_reconnects_after_the_server_restarts() {
    let Some(browser) = Browser::start(1280, 900) else {
        return;
    };
    let dir = library(LIBRARY);
    let addr = format!("127.0.0.1:{}", browser_support::free_port());
    let mut server = Served::start(dir.path(), &addr, &[]);
    open(&browser, &server, "#/closing/bye");
    browser.type_into("#q", "bye");
    browser.eval("window.__kept = 'yes'", json!([]));

    server.stop();
    browser.expect("document.documentElement.dataset.live !== 'live'", LONG);
    write(
        dir.path(),
        "closing/bye.md",
        "---\ntitle: See you soon\nshortcut: bye\ncategory: closing\n---\nSee you soon!\n",
    );
    let _again = Served::start(dir.path(), &addr, &[]);
    browser.expect(
        "document.documentElement.dataset.live === 'live' && document.querySelector('h1#title').textContent === 'See you soon'",
        LONG,
    );
    assert_eq!(
        browser.eval(
            "return [window.__kept, document.getElementById('q').value]",
            json!([])
        ),
        json!(["yes", "bye"])
    );
}

#[test]
fn bodies_never_run_on_the_page() {
    let Some(browser) = Browser::start(1280, 900) else {
        return;
    };
    let mut files = LIBRARY.to_vec();
    files.push((
        "support/evil.md",
        "---\ntitle: \"<img src=x onerror=window.__pwned='title'>Evil\"\nshortcut: evil\ncategory: support\ntags: [\"<b onclick=__pwned=1>x</b>\"]\ndescription: \"<script>window.__pwned='description'</script>\"\nsubject: \"<img src=x onerror=window.__pwned='subject'>\"\n---\nHi {{ contact.first_name | default: \"<img src=x onerror=window.__pwned='default'>\" }}\n\n<script>window.__pwned = 'script'</script>\n\n<img src=x onerror=\"window.__pwned='img'\">\n\n[click me](javascript:window.__pwned='link')\n\n<a href=\"javascript:window.__pwned='a'\">raw link</a> <svg onload=\"window.__pwned='svg'\"></svg>\n\n<iframe srcdoc=\"<script>parent.__pwned='iframe'</script>\"></iframe>\n\n{{> evil }}\n",
    ));
    files.push((
        "_snippets/evil.md",
        "<img src=x onerror=\"window.__pwned='snippet'\"> <script>window.__pwned='snippet-script'</script>\n",
    ));
    let dir = library(&files);
    let server = Served::start(dir.path(), "127.0.0.1:0", &["--no-watch"]);
    assert!(
        server.json("/api/v1/canned-responses/support/evil")["data"]["id"] == "support/evil",
        "the payload response loads"
    );
    open(&browser, &server, "#/support/evil");
    browser.expect(
        "document.getElementById('rendered-html')?.textContent.includes('window.__pwned')",
        SHORT,
    );
    // The problems banner quotes the raw HTML: as text.
    browser.expect("!document.getElementById('problems').hidden", SHORT);
    browser.type_into(
        "[id=\"field-contact.first_name\"]",
        "<img src=x onerror=window.__pwned='value'>",
    );
    browser.expect(
        "document.getElementById('rendered-text').textContent.startsWith('Hi <img src=x')",
        SHORT,
    );
    browser.eval(
        "document.querySelector('details.source').open = true;
         for (const d of document.querySelectorAll('.snippets details')) d.open = true;
         for (const a of document.querySelectorAll('#detail a')) if (/click me|raw link/.test(a.textContent)) a.click();",
        json!([]),
    );
    std::thread::sleep(Duration::from_millis(800));
    let verdict = browser.eval(
        "return {
            pwned: window.__pwned ?? null,
            handlers: [...document.querySelectorAll('*')].filter(el => [...el.attributes].some(a => a.name.startsWith('on'))).map(el => el.outerHTML.slice(0, 80)),
            scripts: [...document.querySelectorAll('script')].map(s => s.getAttribute('src')),
            frames: document.querySelectorAll('iframe, svg:not(.search-icon), object, embed').length,
            jsLinks: [...document.querySelectorAll('[href]')].filter(a => /^\\s*javascript:/i.test(a.getAttribute('href'))).length,
            title: document.title,
            listTitle: document.querySelector('#results a.item[data-id=\"support/evil\"] .item-title').textContent,
            heading: document.querySelector('h1#title').textContent,
        }",
        json!([]),
    );
    assert_eq!(verdict["pwned"], Value::Null, "{verdict}");
    assert_eq!(verdict["handlers"], json!([]), "{verdict}");
    assert_eq!(verdict["scripts"], json!(["/assets/app.js"]), "{verdict}");
    assert_eq!(verdict["frames"], json!(0), "{verdict}");
    assert_eq!(verdict["jsLinks"], json!(0), "{verdict}");
    let title = "<img src=x onerror=window.__pwned='title'>Evil";
    assert_eq!(verdict["listTitle"], json!(title));
    assert_eq!(verdict["heading"], json!(title));
    assert_eq!(verdict["title"], json!(format!("{title} · Cannery")));
}

#[test]
fn copy_puts_each_rendering_on_the_clipboard() {
    let Some(browser) = Browser::start(1280, 900) else {
        return;
    };
    let dir = library(LIBRARY);
    let server = Served::start(dir.path(), "127.0.0.1:0", &["--no-watch"]);
    browser.goto(&format!("{}/", server.url));
    browser.grant_clipboard();
    open(&browser, &server, "#/support/business-hours");
    browser.type_into("[id=\"field-contact.first_name\"]", "Ana");
    browser.expect(
        "document.getElementById('rendered-text').textContent.includes('Hi Ana!')",
        SHORT,
    );
    let text = rendered(
        &server,
        "support/business-hours",
        "text",
        &[("contact.first_name", "Ana")],
    );

    browser.click("#copy-text");
    browser.expect("document.documentElement.dataset.copied === 'text'", SHORT);
    assert_eq!(text_of(&browser, "#copy-text"), "Copied");
    let read = browser.eval_async(
        "const done = arguments[arguments.length - 1];
         navigator.clipboard.readText().then(done, e => done('failed: ' + e));",
    );
    assert_eq!(read, json!(text));

    // The HTML rendering goes on as rich text, with the plain text beside.
    browser.click("#copy-html");
    browser.expect("document.documentElement.dataset.copied === 'html'", SHORT);
    let read = browser.eval_async(
        "const done = arguments[arguments.length - 1];
         navigator.clipboard.read().then(async items => {
           const item = items[0];
           const html = item.types.includes('text/html') ? await (await item.getType('text/html')).text() : null;
           const plain = item.types.includes('text/plain') ? await (await item.getType('text/plain')).text() : null;
           done({html, plain});
         }, e => done({error: String(e)}));",
    );
    let html = read["html"].as_str().unwrap_or_else(|| panic!("{read}"));
    assert!(html.contains("<strong>Monday to Friday</strong>"), "{html}");
    assert!(html.contains("Hi Ana!"), "{html}");
    assert_eq!(read["plain"], json!(text));

    // Where the page has no asynchronous clipboard (plain HTTP to another
    // host is no secure context), Copy selects the text and copies that.
    browser.eval(
        "window.__clipboard = navigator.clipboard;
         Object.defineProperty(navigator, 'clipboard', {configurable: true, get: () => undefined});
         document.documentElement.dataset.copied = '';
         return window.__clipboard.writeText('before')",
        json!([]),
    );
    browser.click("#copy-text");
    browser.expect("document.documentElement.dataset.copied === 'text'", SHORT);
    let read = browser.eval_async(
        "const done = arguments[arguments.length - 1];
         window.__clipboard.readText().then(done, e => done('failed: ' + e));",
    );
    assert_eq!(read, json!(text));
}
