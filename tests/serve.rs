//! `cannery serve`, its routes and their errors, through the real binary
//! and a real HTTP client.

mod serve_support;

use std::io::{Read, Write};
use std::time::Duration;

use serve_support::{library, Server, LIBRARY};

const ACTIVE_BY_TITLE: [&str; 5] = [
    "sales/discount",
    "support/business-hours",
    "closing/bye",
    "support/refunds",
    "greeting/welcome",
];

#[test]
fn the_list_is_active_responses_by_title_in_an_envelope() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    let list = server.get("/api/v1/canned-responses");
    assert_eq!(list.status, 200);
    assert_eq!(list.header("content-type"), Some("application/json"));
    assert_eq!(list.header("x-content-type-options"), Some("nosniff"));
    assert!(list.header("etag").unwrap().starts_with('"'));
    assert_eq!(list.ids(), ACTIVE_BY_TITLE);
    let json = list.json();
    assert_eq!(json["meta"]["total"], 5);
    assert_eq!(json["meta"]["page"], 1);
    assert_eq!(json["meta"]["per_page"], 50);
    assert!(json["meta"]["revision"].is_null());
    assert_eq!(json["links"]["self"], "/api/v1/canned-responses");
    assert!(json["links"]["prev"].is_null() && json["links"]["next"].is_null());

    // The response object of SPEC §5.1, provenance null outside git.
    let hours = &json["data"][1];
    assert_eq!(hours["shortcut"], "hours");
    assert_eq!(hours["tags"], serde_json::json!(["hours", "schedule"]));
    assert_eq!(hours["visibility"], "shared");
    assert_eq!(
        hours["placeholders"],
        serde_json::json!(["contact.first_name", "agent.name"])
    );
    assert_eq!(hours["path"], "support/business-hours.md");
    assert!(hours["html"]
        .as_str()
        .unwrap()
        .contains("<strong>Monday to Friday</strong>"));
    for key in [
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "revision",
    ] {
        assert!(hours[key].is_null(), "{key}");
    }
    assert!(
        hours.get("usage_count").is_none(),
        "no usage without --usage-log"
    );
}

#[test]
fn pages_link_to_each_other_and_bad_paging_is_a_400() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    let page = |q: &str| server.get(&format!("/api/v1/canned-responses?{q}"));

    let first = page("per_page=2&q=").json();
    assert_eq!(first["data"].as_array().unwrap().len(), 2);
    assert_eq!(first["meta"]["total"], 5);
    assert_eq!(
        first["links"]["self"],
        "/api/v1/canned-responses?per_page=2&q="
    );
    assert_eq!(
        first["links"]["first"],
        "/api/v1/canned-responses?per_page=2&q=&page=1"
    );
    assert!(first["links"]["prev"].is_null());
    assert_eq!(
        first["links"]["next"],
        "/api/v1/canned-responses?per_page=2&q=&page=2"
    );
    assert_eq!(
        first["links"]["last"],
        "/api/v1/canned-responses?per_page=2&q=&page=3"
    );

    let last = page("per_page=2&page=3");
    assert_eq!(last.ids(), ["greeting/welcome"]);
    assert!(last.json()["links"]["next"].is_null());
    assert_eq!(
        last.json()["links"]["prev"],
        "/api/v1/canned-responses?per_page=2&page=2"
    );

    let beyond = page("per_page=2&page=9").json();
    assert_eq!(beyond["data"], serde_json::json!([]));
    assert_eq!(
        beyond["links"]["prev"],
        "/api/v1/canned-responses?per_page=2&page=3"
    );

    let all = page("per_page=500");
    assert_eq!(all.ids().len(), 5);

    for (query, parameter) in [
        ("per_page=0", "per_page"),
        ("per_page=501", "per_page"),
        ("per_page=x", "per_page"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=1&page=2", "page"),
        ("sort=newest", "sort"),
        ("active=yes", "active"),
        ("visibility=public", "visibility"),
        ("q=%E0%A4", "q"),
        ("pear_page=2", "pear_page"),
    ] {
        let answer = page(query);
        assert_eq!(answer.status, 400, "{query}");
        let error = &answer.json()["error"];
        assert_eq!(error["status"], 400);
        assert_eq!(error["code"], "bad_request");
        assert_eq!(error["parameter"], parameter, "{query}");
        assert!(
            error["message"].as_str().unwrap().contains(parameter),
            "{query}: {error}"
        );
    }
}

#[test]
fn filters_and_sorts() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    let ids = |q: &str| server.get(&format!("/api/v1/canned-responses?{q}")).ids();

    assert_eq!(
        ids("category=support"),
        ["support/business-hours", "support/refunds"]
    );
    assert_eq!(ids("category=nothing"), Vec::<String>::new());
    assert_eq!(ids("tag=billing"), ["sales/discount", "support/refunds"]);
    assert_eq!(ids("tag=BILLING&tag=refunds"), ["support/refunds"]);
    assert_eq!(ids("visibility=private"), ["sales/discount"]);
    assert_eq!(ids("owner=ana@example.com"), ["sales/discount"]);
    assert_eq!(ids("department=billing"), ["support/refunds"]);
    assert_eq!(ids("locale=pt-BR"), ["greeting/welcome"]);
    assert_eq!(ids("active=false"), ["closing/old-bye"]);
    assert_eq!(ids("active=any").len(), 6);

    let mut reversed = ACTIVE_BY_TITLE.to_vec();
    reversed.reverse();
    assert_eq!(ids("sort=-title"), reversed);
    assert_eq!(
        ids("sort=shortcut"),
        [
            "closing/bye",
            "greeting/welcome",
            "support/business-hours",
            "support/refunds",
            "sales/discount"
        ]
    );
    // No git here: every date is null, and nulls come last in title order.
    assert_eq!(ids("sort=created"), ACTIVE_BY_TITLE);
    assert_eq!(ids("sort=-updated"), ACTIVE_BY_TITLE);

    // Every word must match; title and shortcut hits rank first.
    assert_eq!(
        ids("q=hours"),
        ["support/business-hours", "support/refunds"]
    );
    assert_eq!(ids("q=hours+refunds"), ["support/refunds"]);
    assert_eq!(
        ids("q=hours&sort=title"),
        ["support/business-hours", "support/refunds"]
    );
    assert_eq!(ids("q=zebra"), Vec::<String>::new());
}

#[test]
fn one_response_by_id_with_slashes() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    let one = server.get("/api/v1/canned-responses/support/business-hours");
    assert_eq!(one.status, 200);
    let json = one.json();
    assert_eq!(json["data"]["id"], "support/business-hours");
    assert!(json.get("meta").is_none());
    let encoded = server.get("/api/v1/canned-responses/support%2Fbusiness-hours");
    assert_eq!(encoded.body, one.body);
    assert_eq!(encoded.header("etag"), one.header("etag"));

    let missing = server.get("/api/v1/canned-responses/support/busines-hours");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["code"], "not_found");
    assert!(missing.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("did you mean `support/business-hours`?"));
    assert_eq!(
        server
            .get("/api/v1/canned-responses/support/business-hours?x=1")
            .status,
        400
    );
    assert_eq!(server.get("/api/v1/nothing").status, 404);
}

#[test]
fn a_variant_answers_for_its_language() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    let base = server.get("/api/v1/canned-responses/support/business-hours");
    assert_eq!(base.header("content-language"), Some("en"));
    assert_eq!(
        base.json()["data"]["variants"]["pt"]["title"],
        "Horário de atendimento"
    );

    // pt-BR falls back to pt.
    let pt = server.get("/api/v1/canned-responses/support/business-hours?locale=pt-BR");
    assert_eq!(pt.status, 200);
    assert_eq!(pt.header("content-language"), Some("pt"));
    let data = &pt.json()["data"];
    assert_eq!(data["id"], "support/business-hours");
    assert_eq!(data["locale"], "pt");
    assert_eq!(data["title"], "Horário de atendimento");
    assert_eq!(data["shortcut"], "hours", "the base's fields");
    assert_eq!(data["path"], "support/business-hours.pt.md");
    assert!(data["variants"]["pt"].is_object());

    let de = server.get("/api/v1/canned-responses/support/business-hours?locale=de");
    assert_eq!(de.header("content-language"), Some("en"));
    assert_eq!(de.json()["data"]["title"], "Business hours");

    let rendered =
        server.get("/api/v1/render/support/business-hours?locale=pt&format=text&agent.name=Ana");
    assert_eq!(rendered.header("content-language"), Some("pt"));
    assert_eq!(
        rendered.json()["data"]["content"],
        "Olá você!\n\nEstamos online de segunda a sexta. Ana"
    );

    let ids = |q: &str| server.get(&format!("/api/v1/canned-responses?{q}")).ids();
    assert_eq!(ids("locale=pt"), ["support/business-hours"]);
    assert_eq!(ids("locale=PT-br"), ["greeting/welcome"]);
}

#[test]
fn snippets_and_where_they_are_used() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    let snippets = server.get("/api/v1/snippets").json();
    assert_eq!(
        snippets["data"],
        serde_json::json!([{
            "name": "signature",
            "path": "_snippets/signature.md",
            "description": "How we sign",
            "body": "The Acme team",
            "used_by": ["greeting/welcome"],
        }])
    );
    let welcome = server
        .get("/api/v1/canned-responses/greeting/welcome")
        .json();
    assert!(welcome["data"]["body"]
        .as_str()
        .unwrap()
        .contains("{{> signature }}"));
    assert!(welcome["data"]["html"]
        .as_str()
        .unwrap()
        .contains("The Acme team"));
}

#[test]
fn render_fills_placeholders_from_the_query() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    let render = |q: &str| {
        server
            .get(&format!("/api/v1/render/support/business-hours?{q}"))
            .json()["data"]
            .clone()
    };

    let md = render("agent.name=Omar");
    assert_eq!(md["format"], "markdown");
    assert_eq!(
        md["content"],
        "Hi there!\n\nWe are online **Monday to Friday**. Omar"
    );
    assert_eq!(md["missing"], serde_json::json!([]));

    let text = render("format=text&contact.first_name=Ana");
    assert_eq!(
        text["content"],
        "Hi Ana!\n\nWe are online Monday to Friday. {{ agent.name }}"
    );
    assert_eq!(text["missing"], serde_json::json!(["agent.name"]));

    // An empty value is no value: the default applies, as in a blank form field.
    let html = render("format=html&contact.first_name=&agent.name=%3Cb%3E");
    assert_eq!(
        html["content"],
        "<p>Hi there!</p>\n<p>We are online <strong>Monday to Friday</strong>. &lt;b&gt;</p>\n"
    );
    assert_eq!(html["missing"], serde_json::json!([]));

    let bad = server.get("/api/v1/render/support/business-hours?format=pdf");
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"]["parameter"], "format");
    assert_eq!(server.get("/api/v1/render/nope").status, 404);
}

#[test]
fn categories_tags_and_placeholders_with_counts() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    let categories = server.get("/api/v1/categories").json();
    let closing = categories["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "closing")
        .unwrap()
        .clone();
    assert_eq!(
        closing,
        serde_json::json!({"id": "closing", "label": "Closing", "count": 1, "inactive": 1})
    );
    assert_eq!(categories["meta"]["total"], 5);

    let tags = server.get("/api/v1/tags").json();
    let names: Vec<&str> = tags["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["billing", "hello", "hours", "refunds", "schedule"]);
    assert_eq!(
        tags["data"][0]["count"], 2,
        "`Billing` and `billing` are one tag"
    );
    assert_eq!(
        server.get("/api/v1/tags?per_page=2&page=3").json()["data"][0]["name"],
        "schedule"
    );

    let placeholders = server.get("/api/v1/placeholders").json();
    let find = |name: &str| {
        placeholders["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(find("contact.first_name")["count"], 1);
    assert_eq!(find("contact.first_name")["built_in"], true);
    assert_eq!(find("company.name")["count"], 0);
    assert_eq!(find("order.number")["built_in"], false);
    assert_eq!(find("order.number")["example"], "#1042");
    assert_eq!(find("order.number")["count"], 1);
}

/// `targets:` in cannery.yaml is checked by `check`, so its problems are
/// the server's too.
#[test]
fn problems_include_the_export_settings() {
    let mut files = LIBRARY.to_vec();
    files[0] = (
        "cannery.yaml",
        "name: Acme Support\ndepartments: [billing, shipping]\ntargets:\n  rocketchat:\n    departmens: {}\n",
    );
    let dir = library(&files);
    let server = Server::start(dir.path(), &[]);
    let problems = server.get("/api/v1/problems").json();
    let check = std::process::Command::new(serve_support::BIN)
        .arg("--library")
        .arg(dir.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let check: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(problems["data"], check);
    let settings: Vec<&serde_json::Value> = problems["data"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["file"] == "cannery.yaml" && p["message"].as_str().unwrap().contains("departmens")
        })
        .collect();
    assert_eq!(settings.len(), 1, "{problems}");
    let health = server.get("/api/v1/health").json();
    assert_eq!(
        health["data"]["problems"],
        problems["data"]["problems"].as_array().unwrap().len()
    );
}

#[test]
fn problems_and_health() {
    let mut files = LIBRARY.to_vec();
    files.push(("support/broken.md", "---\ntittle: Broken\n---\nBody\n"));
    let dir = library(&files);
    let server = Server::start(dir.path(), &[]);
    let problems = server.get("/api/v1/problems").json();
    // The same document as `check --format json`.
    let check = std::process::Command::new(serve_support::BIN)
        .arg("--library")
        .arg(dir.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let check: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(problems["data"], check);
    let codes: Vec<&str> = problems["data"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"unknown-field"), "{codes:?}");

    let health = server.get("/api/v1/health").json();
    assert_eq!(health["data"]["status"], "ok");
    assert_eq!(health["data"]["responses"], 6);
    assert_eq!(
        health["data"]["problems"],
        problems["data"]["problems"].as_array().unwrap().len()
    );
    assert!(health["data"]["revision"].is_null());
    assert!(health["data"]["loaded_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(health["data"]["generation"], 1);
}

#[test]
fn etags_answer_304_and_head_has_no_body() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    let path = "/api/v1/canned-responses?per_page=3";
    let full = server.get(path);
    let etag = full.header("etag").unwrap().to_string();
    for wanted in [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"nope\", {etag}"),
        "*".to_string(),
    ] {
        let again = server.send("GET", path, &[("If-None-Match", &wanted)], None);
        assert_eq!(again.status, 304, "{wanted}");
        assert_eq!(again.body, "");
        assert_eq!(again.header("etag"), Some(etag.as_str()));
    }
    assert_eq!(
        server
            .send("GET", path, &[("If-None-Match", "\"nope\"")], None)
            .status,
        200
    );
    // Another page is another body, so another tag.
    assert_ne!(
        server
            .get("/api/v1/canned-responses?per_page=2")
            .header("etag"),
        Some(etag.as_str())
    );

    let head = server.send("HEAD", path, &[], None);
    assert_eq!(head.status, 200);
    assert_eq!(head.body, "");
    assert_eq!(head.header("etag"), Some(etag.as_str()));
    assert_eq!(
        head.header("content-length").unwrap(),
        full.body.len().to_string()
    );
    assert_eq!(
        server
            .send("HEAD", "/api/v1/canned-responses/nope", &[], None)
            .status,
        404
    );
}

#[test]
fn writes_get_405_with_allow() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        for path in [
            "/api/v1/canned-responses",
            "/api/v1/canned-responses/closing/bye",
            "/api/v1/tags",
        ] {
            let answer = server.send(method, path, &[], Some("{}"));
            assert_eq!(answer.status, 405, "{method} {path}");
            assert_eq!(answer.header("allow"), Some("GET, HEAD"));
            assert_eq!(answer.json()["error"]["code"], "method_not_allowed");
            assert!(answer.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("editing its files and committing"));
        }
    }
    // Without --usage-log, counting a use is a write like any other.
    let using = server.send(
        "POST",
        "/api/v1/canned-responses/closing/bye/use",
        &[],
        None,
    );
    assert_eq!(using.status, 405);
    assert_eq!(using.header("allow"), Some("GET, HEAD"));
    assert!(using.body.contains("--usage-log"));
}

#[test]
fn a_token_guards_everything_but_health() {
    let dir = library(LIBRARY);
    let secrets = tempfile::tempdir().unwrap();
    let token_file = secrets.path().join("token");
    std::fs::write(&token_file, "  s3cret-token\n").unwrap();
    let server = Server::start(dir.path(), &["--token-file", token_file.to_str().unwrap()]);
    for path in [
        "/api/v1/canned-responses",
        "/",
        "/openapi.json",
        "/api/v1/nope",
        "/api/v1/events",
    ] {
        let answer = server.get(path);
        assert_eq!(answer.status, 401, "{path}");
        assert_eq!(answer.header("www-authenticate"), Some("Bearer"));
        assert_eq!(answer.json()["error"]["code"], "unauthorized");
    }
    let wrong = server.send(
        "GET",
        "/api/v1/tags",
        &[("Authorization", "Bearer s3cret-tokem")],
        None,
    );
    assert_eq!(wrong.status, 401);
    let right = server.send(
        "GET",
        "/api/v1/tags",
        &[("Authorization", "Bearer s3cret-token")],
        None,
    );
    assert_eq!(right.status, 200);
    assert_eq!(server.get("/api/v1/health").status, 200);
    drop(server);

    let server = Server::start_with_env(dir.path(), &[], &[("CANNERY_TOKEN", "from-env")]);
    assert_eq!(server.get("/api/v1/tags").status, 401);
    let right = server.send(
        "GET",
        "/api/v1/tags",
        &[("Authorization", "Bearer from-env")],
        None,
    );
    assert_eq!(right.status, 200);
}

/// A browser sends no header on page load nor on its `EventSource`: the
/// preview page takes the token once in its address and gets a cookie.
#[test]
fn the_preview_page_logs_in_with_the_token_once() {
    let dir = library(LIBRARY);
    let server = Server::start_with_env(dir.path(), &[], &[("CANNERY_TOKEN", "s3cret;token")]);
    let login = |query: &str| {
        serve_support::raw(
            &server.addr,
            format!("GET /?{query} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
            Duration::from_secs(5),
        )
    };
    // A wrong token gets no cookie.
    let wrong = login("token=s3cret%3Btokem");
    assert!(wrong.starts_with("HTTP/1.1 401"), "{wrong}");
    assert!(!wrong.to_lowercase().contains("set-cookie"), "{wrong}");

    let right = login("token=s3cret%3Btoken");
    assert!(right.starts_with("HTTP/1.1 303"), "{right}");
    let lower = right.to_lowercase();
    assert!(lower.contains("\r\nlocation: /\r\n"), "{right}");
    let set = right
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .unwrap_or_else(|| panic!("no cookie: {right}"));
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    assert!(!set.contains("s3cret"), "the token in clear: {set}");
    let cookie = set.split(';').next().unwrap();

    // The cookie opens the page, the API and the event stream.
    let with = |path: &str| server.send("GET", path, &[("Cookie", cookie)], None);
    let page = with("/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("/assets/app.js"));
    assert_eq!(with("/assets/app.js").status, 200);
    assert_eq!(with("/api/v1/canned-responses").json()["meta"]["total"], 5);
    // The stream's head and its first event may come in two reads.
    let mut stream = std::net::TcpStream::connect(&server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    write!(
        stream,
        "GET /api/v1/events HTTP/1.1\r\nHost: x\r\nCookie: theme=dark; {cookie}\r\n\r\n"
    )
    .unwrap();
    let mut events = String::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let mut buf = [0u8; 4096];
    while !events.contains("event: reload") && std::time::Instant::now() < deadline {
        if let Ok(n) = stream.read(&mut buf) {
            events.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }
    assert!(events.starts_with("HTTP/1.1 200"), "{events}");
    assert!(events.contains("event: reload"), "{events}");

    // A cookie with another value is no key.
    let forged = server.send(
        "GET",
        "/api/v1/canned-responses",
        &[("Cookie", "cannery_token=733363726574")],
        None,
    );
    assert_eq!(forged.status, 401);
    assert_eq!(server.get("/").status, 401);
}

#[test]
fn a_public_address_without_a_token_is_refused() {
    let dir = library(LIBRARY);
    let out = std::process::Command::new(serve_support::BIN)
        .arg("--library")
        .arg(dir.path())
        .args(["serve", "--addr", "0.0.0.0:0"])
        .env_remove("CANNERY_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--public") && stderr.contains("--token-file"),
        "{stderr}"
    );
}

#[test]
fn the_page_and_the_openapi_document() {
    let dir = library(LIBRARY);
    let server = Server::start(dir.path(), &[]);
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(!csp.contains("http"), "no external origin: {csp}");
    assert!(page.body.contains("/api/v1/canned-responses"));

    let doc = server.get("/openapi.json").json();
    assert_eq!(doc["openapi"], "3.0.3");
    let paths = doc["paths"].as_object().unwrap();
    for route in [
        "/",
        "/openapi.json",
        "/api/v1/canned-responses",
        "/api/v1/canned-responses/{id}",
        "/api/v1/render/{id}",
        "/api/v1/categories",
        "/api/v1/tags",
        "/api/v1/placeholders",
        "/api/v1/snippets",
        "/api/v1/problems",
        "/api/v1/health",
        "/api/v1/events",
    ] {
        assert!(
            paths.contains_key(route),
            "{route} is missing from /openapi.json"
        );
    }
    // Counting uses is off here (no --usage-log): not described.
    assert!(!paths.contains_key("/api/v1/canned-responses/{id}/use"));
}
