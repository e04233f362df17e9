//! Export: the library as the bodies of a helpdesk's create requests.
//!
//! Each target lives in its own file and implements [`Target`]: the body it
//! builds for one response (with the problems that stop it), the settings it
//! reads from `targets.<name>` in cannery.yaml, and the way back for
//! `cannery import`. [`export`] runs the same checks `check --target`
//! prints, and gives bytes only when none of them is an error, so the CLI
//! and the server write the same bytes or refuse for the same reasons.

mod chatwoot;
mod context;
pub mod dialect;
mod element;
mod freshdesk;
mod front;
mod helpscout;
mod json;
mod oktopost;
mod rocketchat;
pub mod settings;
mod supporthub;
mod suppuo;
mod whatomate;
mod zammad;
mod zendesk;

pub use context::Cx;
pub use dialect::Dialect;
pub use element::{Element, Output};
pub use settings::{settings_problems, Setting};

use crate::import::{Draft, ImportCx};
use crate::library::Library;
use crate::problem::{Problem, Severity};
use crate::response::Response;
use rayon::prelude::*;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashMap;

/// One helpdesk (or Cannery's own JSON): how a response becomes the body of
/// its create request, and how its bodies become responses again.
pub trait Target: Sync {
    /// The name used by `--to`, `--from`, `--target` and cannery.yaml.
    fn name(&self) -> &'static str;
    /// The product, as its users call it, for messages.
    fn product(&self) -> &'static str;
    /// How the product spells placeholders; `None` writes bodies as they are.
    fn dialect(&self) -> Option<&'static Dialect> {
        None
    }
    /// The keys this target reads from `targets.<name>` in cannery.yaml.
    fn settings(&self) -> &'static [Setting] {
        &[]
    }
    /// Whether each language variant is an element of its own (titled
    /// `Title (pt-BR)`); Cannery's JSON nests them in their response instead.
    fn flattens_variants(&self) -> bool {
        true
    }
    /// Whether the product can hold a response switched off; if not,
    /// inactive responses are left out of its export.
    fn keeps_inactive(&self) -> bool {
        false
    }
    /// Top-level fields of an element that the product wants unique, with
    /// what each is called in messages.
    fn unique(&self) -> &'static [(&'static str, &'static str)] {
        &[]
    }
    /// Where a response goes in the output. The default, the title, is what
    /// agents see in the product; it also survives export → import → export.
    fn sort_key(&self, r: &Response) -> String {
        r.title.to_lowercase()
    }
    /// The body of the create request for `cx.response`. Problems go to
    /// `cx`; when one is an error, the element is not used.
    fn element(&self, cx: &mut Cx) -> Element;
    /// The whole output. JSON targets write one array.
    fn write(&self, elements: Vec<Element>) -> Output {
        element::pretty_array(elements)
    }
    /// The elements of an import file: this target's export, or its list
    /// API's answer.
    fn read(&self, bytes: &[u8]) -> Result<Vec<Value>, String> {
        let doc: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
        self.items(doc)
    }
    /// The response-like objects inside a parsed import document.
    fn items(&self, doc: Value) -> Result<Vec<Value>, String>;
    /// One imported element as a draft response; `Err` says why it is skipped.
    fn draft(&self, item: &Value, cx: &mut ImportCx) -> Result<Draft, String>;
}

/// Every target, in the order of `config::TARGETS`.
pub static TARGETS: &[&dyn Target] = &[
    &json::Json,
    &oktopost::Oktopost,
    &whatomate::Whatomate,
    &rocketchat::RocketChat,
    &supporthub::SupportHub,
    &suppuo::Suppuo,
    &chatwoot::Chatwoot,
    &zendesk::Zendesk,
    &freshdesk::Freshdesk,
    &helpscout::HelpScout,
    &front::Front,
    &zammad::Zammad,
    &zammad::ZammadCsv,
];

/// The target called `name`, if there is one.
pub fn target(name: &str) -> Option<&'static dyn Target> {
    TARGETS.iter().copied().find(|t| t.name() == name)
}

/// Choices that change what an export holds.
#[derive(Clone, Debug, Default)]
pub struct Options<'a> {
    /// Each response in this language where it has a variant for it
    /// (falling back `pt-BR` → `pt` → the response itself).
    pub locale: Option<String>,
    /// The library's git history: the `created_*`, `updated_*` and
    /// `revision` of `json`'s objects. Without it they are null.
    pub history: Option<&'a crate::history::History>,
}

/// What an export produced: the bytes, unless an error stopped it, and
/// every problem met (errors and warnings), sorted like `check`'s.
#[derive(Debug)]
pub struct Export {
    pub bytes: Option<Output>,
    pub problems: Vec<Problem>,
    /// How many responses the bytes hold.
    pub count: usize,
}

/// The export's bytes, or the errors that refuse it. The CLI and the server
/// both come here, so they write the same bytes.
pub fn render(library: &Library, target: &str, options: &Options) -> Result<Vec<u8>, Vec<Problem>> {
    let Some(target) = self::target(target) else {
        return Err(vec![Problem::error(
            "unknown-target",
            "",
            format!("`{target}` is not an export target"),
        )
        .with_hint(format!(
            "the targets are: {}",
            crate::config::TARGETS.join(", ")
        ))]);
    };
    let export = export(library, target, options);
    export.bytes.map(Output::into_vec).ok_or_else(|| {
        export
            .problems
            .into_iter()
            .filter(Problem::is_error)
            .collect()
    })
}

/// Exports the library to `target`. A library with errors (those `check`
/// reports) is refused too: leaving out the files that have them would drop
/// replies without a word.
pub fn export(library: &Library, target: &dyn Target, options: &Options) -> Export {
    let mut problems: Vec<Problem> = library
        .problems
        .iter()
        .filter(|p| p.is_error())
        .cloned()
        .collect();
    problems.extend(
        settings_problems(&library.config)
            .into_iter()
            .filter(Problem::is_error),
    );
    let (elements, found) = build(library, target, options);
    problems.extend(found);
    sort(&mut problems);
    let count = elements.len();
    let bytes = (!problems.iter().any(Problem::is_error)).then(|| target.write(elements));
    Export {
        bytes,
        problems,
        count,
    }
}

/// The problems an export to `target` would meet, beyond the library's own:
/// what `check --target` adds.
pub fn check(library: &Library, target: &dyn Target, options: &Options) -> Vec<Problem> {
    build(library, target, options).1
}

/// Builds every element in parallel and checks what spans elements (unique
/// names). Problems come back unsorted.
fn build(
    library: &Library,
    target: &dyn Target,
    options: &Options,
) -> (Vec<Element>, Vec<Problem>) {
    let locale = options.locale.as_deref();
    let mut chosen: Vec<Cow<Response>> = if target.flattens_variants() || locale.is_some() {
        library.for_export(locale)
    } else {
        library
            .responses
            .iter()
            .map(|r| Cow::Borrowed(r.as_ref()))
            .collect()
    };
    chosen.retain(|r| r.active || target.keeps_inactive());
    let mut problems = Vec::new();
    // Variants share their base's id, so the path breaks ties.
    chosen.sort_by_cached_key(|r| (target.sort_key(r), r.id.clone(), r.path.clone()));
    let spellings = dialect::Spellings::new(target, &library.config);
    let built: Vec<(Element, Vec<Problem>)> = chosen
        .par_iter()
        .map(|r| {
            let mut cx = Cx::new(r, &library.config, target, &spellings);
            cx.history = options.history;
            let element = target.element(&mut cx);
            (element, cx.into_problems())
        })
        .collect();
    let mut elements = Vec::with_capacity(built.len());
    let mut taken: Vec<HashMap<String, &str>> = vec![HashMap::new(); target.unique().len()];
    for ((element, found), r) in built.into_iter().zip(&chosen) {
        let failed = found.iter().any(Problem::is_error);
        problems.extend(found);
        if failed {
            continue;
        }
        let mut clash = false;
        for ((field, what), seen) in target.unique().iter().zip(&mut taken) {
            let Some(value) = element.field(field) else {
                continue;
            };
            if let Some(first) = seen.get(value) {
                problems.push(
                    Problem::error(
                        "target-duplicate",
                        &r.path,
                        format!(
                            "{} needs a unique {what}: `{value}` is also the {what} of {first}",
                            target.product()
                        ),
                    )
                    .with_hint(format!(
                        "change one of them so that {} can create both",
                        target.product()
                    )),
                );
                clash = true;
            } else {
                seen.insert(value.to_string(), &r.path);
            }
        }
        if !clash {
            elements.push(element);
        }
    }
    dedup(&mut problems);
    (elements, problems)
}

/// Sorts problems like `Library::load` does: by file, then place.
pub fn sort(problems: &mut [Problem]) {
    problems.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code).cmp(&(&b.file, b.line, b.column, b.code))
    });
}

/// Problems about cannery.yaml are met once per response; keep one.
fn dedup(problems: &mut Vec<Problem>) {
    let mut seen = std::collections::HashSet::new();
    problems.retain(|p| seen.insert((p.file.clone(), p.code, p.message.clone())));
}

/// Counts errors and warnings of `problems`, for a summary line.
pub fn counts(problems: &[Problem]) -> (usize, usize) {
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    (errors, problems.len() - errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Listing, ReadError, Source};

    struct Files(&'static [(&'static str, &'static str)]);

    impl Source for Files {
        fn list(&self) -> Listing {
            Listing {
                files: self.0.iter().map(|(p, _)| p.to_string()).collect(),
                ..Listing::default()
            }
        }
        fn read(&self, path: &str) -> Result<Vec<u8>, ReadError> {
            let found = self.0.iter().find(|(p, _)| *p == path);
            found
                .map(|(_, t)| t.as_bytes().to_vec())
                .ok_or(ReadError::Unreadable("none".into()))
        }
    }

    #[test]
    fn every_target_name_has_its_target() {
        let names: Vec<&str> = TARGETS.iter().map(|t| t.name()).collect();
        assert_eq!(names, crate::config::TARGETS);
    }

    #[test]
    fn names_a_target_wants_unique_are_checked_across_responses() {
        let mut library = Library::load(&Files(&[
            ("a.md", "---\ntitle: Same\n---\nOne.\n"),
            ("b.md", "---\ntitle: Other\n---\nTwo.\n"),
        ]));
        // Titles are unique in a library; a language variant titled like
        // another response would not be, which is what this stands for.
        std::sync::Arc::make_mut(&mut library.responses[1]).title = "Same".into();
        let whatomate = target("whatomate").unwrap();
        let problems = check(&library, whatomate, &Options::default());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            (problems[0].code, problems[0].file.as_str()),
            ("target-duplicate", "b.md")
        );
        assert_eq!(
            problems[0].message,
            "Whatomate needs a unique name: `Same` is also the name of a.md"
        );
        assert!(render(&library, "whatomate", &Options::default()).is_err());
        assert!(render(&library, "json", &Options::default()).is_ok());
    }

    /// A written element has no fields to compare: every target that wants
    /// a field unique must build values, or duplicates would pass unseen.
    #[test]
    fn targets_with_unique_fields_build_values() {
        let library = Library::load(&Files(&[(
            "a.md",
            "---\ntitle: One\nshortcut: one\n---\nOne.\n",
        )]));
        for target in TARGETS {
            let options = Options::default();
            let (elements, _) = build(&library, *target, &options);
            if !target.unique().is_empty() {
                assert_eq!(elements.len(), 1, "{}", target.name());
            }
            for element in &elements {
                for (field, _) in target.unique() {
                    assert!(
                        element.field(field).is_some(),
                        "{}: `{field}` is not a string field of its element",
                        target.name()
                    );
                }
            }
        }
    }
}
