//! Properties over generated input: placeholders read back what `spell`
//! writes, ids and paths agree, and export → import → export gives the
//! same bytes for every target on generated libraries (tests/import.rs does
//! it on one fixture library).

use cannery::export::{self, Options as ExportOptions};
use cannery::import::{self, Options as ImportOptions};
use cannery::library::Library;
use cannery::placeholder::{is_name, scan, spell};
use cannery::response::{id_from_path, is_id, slug};
use cannery::source::{is_response_path, Listing, ReadError, Source, CONFIG_FILE};
use proptest::prelude::*;

/// A library held in memory: `(path, text)` pairs and a config.
struct Memory {
    config: String,
    files: Vec<(String, String)>,
}

impl Source for Memory {
    fn list(&self) -> Listing {
        let mut files: Vec<String> = self.files.iter().map(|(p, _)| p.clone()).collect();
        files.sort();
        Listing {
            files,
            has_config: true,
            ..Listing::default()
        }
    }
    fn read(&self, path: &str) -> Result<Vec<u8>, ReadError> {
        if path == CONFIG_FILE {
            return Ok(self.config.clone().into_bytes());
        }
        self.files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.clone().into_bytes())
            .ok_or(ReadError::Unreadable("no such file".into()))
    }
}

fn name() -> impl Strategy<Value = String> {
    "[a-zA-Z_][a-zA-Z0-9_]{0,8}(\\.[a-zA-Z_][a-zA-Z0-9_]{0,8}){0,3}"
}

/// Text without a line break, `{{` or a trailing `\`: what may surround a
/// placeholder without changing how it is read.
fn plain() -> impl Strategy<Value = String> {
    "[^\n\\\\{]{0,20}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn spell_then_scan_gives_back_name_and_default(
        name in name(),
        default in proptest::option::of("[^\n]{0,40}"),
        before in plain(),
        after in plain(),
    ) {
        prop_assert!(is_name(&name));
        let body = format!("{before}{}{after}", spell(&name, default.as_deref()));
        let s = scan(&body);
        prop_assert_eq!(&s.mistakes, &[]);
        prop_assert_eq!(s.placeholders.len(), 1);
        prop_assert_eq!(&s.placeholders[0].name, &name);
        prop_assert_eq!(&s.placeholders[0].default, &default);
        prop_assert_eq!(&body[s.placeholders[0].span.clone()], spell(&name, default.as_deref()));
    }

    #[test]
    fn scan_then_spell_then_scan_is_stable(body in "[a-z {}|:\"\\\\.\n]{0,60}") {
        let first = scan(&body);
        let respelled = cannery::placeholder::replace(&body, &first.placeholders, |p| {
            spell(&p.name, p.default.as_deref())
        });
        let second = scan(&respelled);
        let names = |s: &cannery::placeholder::Scan| {
            s.placeholders.iter().map(|p| (p.name.clone(), p.default.clone())).collect::<Vec<_>>()
        };
        prop_assert_eq!(names(&first), names(&second));
        prop_assert_eq!(first.mistakes.len(), second.mistakes.len());
    }

    #[test]
    fn any_text_slugs_to_a_valid_id_and_slugging_is_idempotent(text in "\\PC{0,40}") {
        let s = slug(&text);
        prop_assert!(is_id(&s), "{s:?}");
        prop_assert!(!s.contains('/') && !s.contains('.'));
        prop_assert_eq!(slug(&s), s.clone());
        prop_assert!(is_response_path(&format!("{s}.md")) || s == "readme", "{s:?}");
    }

    #[test]
    fn a_file_at_a_valid_path_has_that_id(
        parts in proptest::collection::vec("[a-z0-9][a-z0-9._-]{0,10}", 1..4),
    ) {
        let id = parts.join("/");
        prop_assume!(!parts.iter().any(|p| p == "readme"));
        prop_assert!(is_id(&id), "{id:?}");
        let path = format!("{id}.md");
        prop_assert!(is_response_path(&path));
        prop_assert_eq!(id_from_path(&path), id.as_str());
        let library = Library::load(&Memory {
            config: String::new(),
            files: vec![(path.clone(), "---\ntitle: T\n---\nBody.\n".into())],
        });
        // A name like `a.pt-br.md` is a language variant of `a`, so no id
        // of its own; every other valid path loads under its own id.
        if library.responses.len() == 1 {
            prop_assert_eq!(&library.responses[0].id, &id);
            prop_assert_eq!(&library.responses[0].path, &path);
        }
    }

    #[test]
    fn ids_refuse_dots_slashes_and_uppercase(id in "\\PC{0,20}") {
        if is_id(&id) {
            prop_assert!(!id.starts_with('/') && !id.ends_with('/'));
            prop_assert!(!id.split('/').any(|p| p.is_empty() || p == "." || p == ".."));
            prop_assert!(!id.chars().any(|c| c.is_uppercase() || c == '\\' || c == '%'));
        }
    }
}

const CONFIG: &str = "name: Generated
departments: [billing, shipping]
targets:
  rocketchat:
    departments:
      billing: \"6wLmfWBxkPjNhGY3K\"
  freshdesk:
    folder_id: 42
  zendesk:
    groups:
      billing: [360001]
  front:
    inboxes:
      billing: [\"inb_55c8c149\"]
  zammad:
    groups:
      billing: [3]
";

const WORDS: &[&str] = &[
    "refund", "order", "hours", "shipping", "thanks", "password", "invoice", "delay", "welcome",
    "café", "señor", "ok", "2024", "re-open",
];
const PLACEHOLDERS: &[&str] = &[
    "contact.first_name",
    "contact.name",
    "contact.email",
    "agent.name",
    "ticket.id",
    "company.name",
];
const CATEGORIES: &[&str] = &["greeting", "support", "sales", "closing", "general"];

fn words(n: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(WORDS), n).prop_map(|w| w.join(" "))
}

/// One inline piece of a body.
fn inline() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => words(1..6),
        1 => words(1..3).prop_map(|w| format!("**{w}**")),
        1 => words(1..3).prop_map(|w| format!("*{w}*")),
        1 => (words(1..3), "[a-z]{1,8}").prop_map(|(w, p)| format!("[{w}](https://acme.example/{p})")),
        2 => (proptest::sample::select(PLACEHOLDERS), proptest::option::of(words(1..3)))
            .prop_map(|(n, d)| spell(n, d.as_deref())),
    ]
}

/// A body: paragraphs and lists of inline pieces.
fn body() -> impl Strategy<Value = String> {
    let line = || proptest::collection::vec(inline(), 1..5).prop_map(|p| p.join(" "));
    let block = prop_oneof![
        3 => line(),
        1 => proptest::collection::vec(line(), 1..4)
            .prop_map(|items| items.iter().map(|i| format!("- {i}")).collect::<Vec<_>>().join("\n")),
    ];
    proptest::collection::vec(block, 1..4).prop_map(|b| b.join("\n\n"))
}

#[derive(Debug, Clone)]
struct Generated {
    title: String,
    shortcut: Option<String>,
    category: &'static str,
    tags: Vec<&'static str>,
    body: String,
}

fn response() -> impl Strategy<Value = Generated> {
    (
        words(1..5),
        // Chatwoot and Rocket.Chat need a shortcut; most responses have one.
        prop_oneof![9 => "[a-z][a-z0-9-]{0,10}".prop_map(Some), 1 => Just(None)],
        proptest::sample::select(CATEGORIES),
        proptest::sample::subsequence(&["hours", "billing", "vip", "faq"][..], 0..3),
        body(),
    )
        .prop_map(|(title, shortcut, category, tags, body)| Generated {
            title,
            shortcut,
            category,
            tags,
            body,
        })
}

fn file(g: &Generated, n: usize) -> (String, String) {
    let mut text = format!("---\ntitle: \"{} {n}\"\n", g.title);
    if let Some(s) = &g.shortcut {
        text.push_str(&format!("shortcut: {s}-{n}\n"));
    }
    text.push_str(&format!("category: {}\n", g.category));
    if !g.tags.is_empty() {
        text.push_str(&format!("tags: [{}]\n", g.tags.join(", ")));
    }
    text.push_str(&format!("---\n{}\n", g.body));
    (format!("{}/r{n}.md", g.category), text)
}

fn load(files: Vec<(String, String)>) -> Library {
    Library::load(&Memory {
        config: CONFIG.into(),
        files,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn export_import_export_is_identity_for_every_target(
        generated in proptest::collection::vec(response(), 1..5),
    ) {
        let files: Vec<_> = generated.iter().enumerate().map(|(n, g)| file(g, n)).collect();
        let library = load(files.clone());
        let errors: Vec<_> = library.problems.iter().filter(|p| p.is_error()).collect();
        prop_assert!(errors.is_empty(), "{errors:#?}\n{files:#?}");
        for target in cannery::config::TARGETS {
            let first = match export::render(&library, target, &ExportOptions::default()) {
                Ok(bytes) => bytes,
                // A target may refuse what it cannot hold (a placeholder it
                // has no spelling for); that is tested in tests/export.rs.
                // Cannery's own JSON holds everything.
                Err(problems) => {
                    prop_assert!(*target != "json", "{problems:#?}");
                    prop_assert!(
                        problems.iter().all(|p| p.code.starts_with("target-")),
                        "{target}: {problems:#?}"
                    );
                    continue;
                }
            };
            let empty = load(Vec::new());
            let plan = import::plan(
                &empty,
                export::target(target).unwrap(),
                &first,
                &ImportOptions::default(),
            )
            .unwrap_or_else(|e| panic!("{target}: {e}"));
            prop_assert!(plan.skipped.is_empty(), "{target}: {:?}", plan.skipped);
            let imported = load(plan.files.iter().map(|f| (f.path.clone(), f.text.clone())).collect());
            let errors: Vec<_> = imported.problems.iter().filter(|p| p.is_error()).collect();
            prop_assert!(errors.is_empty(), "{target}: {errors:#?}");
            let second = export::render(&imported, target, &ExportOptions::default())
                .unwrap_or_else(|e| panic!("{target}: {e:#?}"));
            prop_assert_eq!(
                String::from_utf8_lossy(&first),
                String::from_utf8_lossy(&second),
                "{} from {:#?}", target, files
            );
        }
    }
}
