//! `cannery.yaml`: the library's name, categories, departments, its own
//! placeholders and the account values some export targets need.

use crate::problem::{Finding, Problem};
use crate::source::CONFIG_FILE;
use crate::suggest;
use crate::yaml::{self, Entries, Field, Keys};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Every export target, by the name used on the command line.
pub const TARGETS: &[&str] = &[
    "json",
    "oktopost",
    "whatomate",
    "rocketchat",
    "supporthub",
    "suppuo",
    "chatwoot",
    "zendesk",
    "freshdesk",
    "helpscout",
    "front",
    "zammad",
    "zammad-csv",
];

const FIELDS: &[&str] = &[
    "name",
    "default_locale",
    "categories",
    "departments",
    "placeholders",
    "targets",
    "duplicates",
];

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub name: Option<String>,
    pub default_locale: String,
    /// Category ids and their labels, in the order written.
    pub categories: Vec<(String, String)>,
    pub departments: Vec<String>,
    pub placeholders: Vec<LibraryPlaceholder>,
    /// Account-specific values per export target, as written.
    pub targets: BTreeMap<String, serde_json::Value>,
    /// How alike two bodies must be to be reported as near-duplicates; 0 is off.
    pub duplicate_threshold: f64,
}

/// A placeholder the library adds, or a built-in given target spellings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LibraryPlaceholder {
    pub name: String,
    pub description: Option<String>,
    pub example: Option<String>,
    /// How each export target spells it, by target name.
    pub targets: BTreeMap<String, String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            name: None,
            default_locale: "en".into(),
            categories: [
                ("greeting", "Greetings"),
                ("support", "Support"),
                ("sales", "Sales"),
                ("closing", "Closing"),
                ("general", "General"),
            ]
            .into_iter()
            .map(|(id, label)| (id.to_string(), label.to_string()))
            .collect(),
            departments: Vec::new(),
            placeholders: Vec::new(),
            targets: BTreeMap::new(),
            duplicate_threshold: 0.9,
        }
    }
}

#[derive(Deserialize)]
struct RawConfig {
    name: Option<Field<String>>,
    default_locale: Option<Field<String>>,
    categories: Option<Entries<Field<String>>>,
    departments: Option<Vec<Field<String>>>,
    placeholders: Option<Entries<RawPlaceholder>>,
    targets: Option<Entries<serde_json::Value>>,
    duplicates: Option<RawDuplicates>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaceholder {
    description: Option<String>,
    example: Option<String>,
    targets: Option<Entries<Field<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDuplicates {
    threshold: Option<Field<f64>>,
}

impl Config {
    pub fn is_category(&self, id: &str) -> bool {
        self.categories.iter().any(|(c, _)| c == id)
    }

    pub fn placeholder(&self, name: &str) -> Option<&LibraryPlaceholder> {
        self.placeholders.iter().find(|p| p.name == name)
    }

    /// Reads `cannery.yaml`'s text. Problems never stop it: what cannot be
    /// used falls back to the default, and says so.
    pub fn parse(text: &str) -> (Config, Vec<Problem>) {
        let mut findings = Vec::new();
        let config = parse_findings(text, &mut findings);
        let problems = findings
            .into_iter()
            .map(|f| f.in_file(CONFIG_FILE, text, 0))
            .collect();
        (config, problems)
    }
}

fn parse_findings(text: &str, findings: &mut Vec<Finding>) -> Config {
    let mut config = Config::default();
    let keys: Keys = match yaml::parse(text) {
        Ok(keys) => keys,
        Err(e) => {
            findings.push(crate::front_matter::yaml_finding(&e, text, "cannery.yaml"));
            return config;
        }
    };
    for (key, _) in &keys.0 {
        if !FIELDS.contains(&key.value.as_str()) {
            findings.push(unknown_key(&key.value, key.span.clone(), FIELDS));
        }
    }
    let raw: RawConfig = match yaml::parse(text) {
        Ok(raw) => raw,
        Err(e) => {
            findings.push(crate::front_matter::yaml_finding(&e, text, "cannery.yaml"));
            return config;
        }
    };
    config.name = raw.name.map(|n| n.value);
    if let Some(locale) = raw.default_locale {
        if crate::response::is_locale(&locale.value) {
            config.default_locale = locale.value;
        } else {
            findings.push(
                Finding::error(
                    "invalid-locale",
                    format!("`{}` is not a language tag", locale.value),
                    locale.span,
                )
                .with_hint("write a BCP 47 tag such as `en`, `de` or `pt-BR`"),
            );
        }
    }
    if let Some(categories) = raw.categories {
        if categories.0.is_empty() {
            findings.push(
                Finding::error("invalid-config", "`categories` is empty", 0..0)
                    .with_hint("list at least one category, `id: Label`"),
            );
        } else {
            config.categories.clear();
            for (id, label) in categories.0 {
                if !is_slug(&id.value) {
                    findings.push(
                        Finding::error(
                            "invalid-config",
                            format!("`{}` is not a category id", id.value),
                            id.span,
                        )
                        .with_hint("use lowercase letters, digits, `-` and `_`"),
                    );
                    continue;
                }
                config.categories.push((id.value, label.value));
            }
        }
    }
    for department in raw.departments.unwrap_or_default() {
        if is_slug(&department.value) {
            config.departments.push(department.value);
        } else {
            findings.push(
                Finding::error(
                    "invalid-config",
                    format!("`{}` is not a department id", department.value),
                    department.span,
                )
                .with_hint("use lowercase letters, digits, `-` and `_`"),
            );
        }
    }
    for (name, raw) in raw.placeholders.unwrap_or_default().0 {
        if !crate::placeholder::is_name(&name.value) {
            findings.push(
                Finding::error("invalid-placeholder", format!("`{}` is not a placeholder name", name.value), name.span)
                    .with_hint("names are words of letters, digits and `_` joined by dots, like `order.number`"),
            );
            continue;
        }
        let mut targets = BTreeMap::new();
        for (target, spelling) in raw.targets.unwrap_or_default().0 {
            if TARGETS.contains(&target.value.as_str()) {
                targets.insert(target.value, spelling.value);
            } else {
                findings.push(unknown_target(&target));
            }
        }
        if crate::response::BUILT_IN_PLACEHOLDERS.contains(&name.value.as_str())
            && (raw.description.is_some() || raw.example.is_some())
        {
            findings.push(
                Finding::error(
                    "invalid-config",
                    format!(
                        "`{}` is built in: only its `targets` can be set here",
                        name.value
                    ),
                    name.span.clone(),
                )
                .with_hint("remove `description` and `example`, or choose another name"),
            );
        }
        config.placeholders.push(LibraryPlaceholder {
            name: name.value,
            description: raw.description,
            example: raw.example,
            targets,
        });
    }
    for (target, value) in raw.targets.unwrap_or_default().0 {
        if TARGETS.contains(&target.value.as_str()) {
            config.targets.insert(target.value, value);
        } else {
            findings.push(unknown_target(&target));
        }
    }
    if let Some(threshold) = raw.duplicates.and_then(|d| d.threshold) {
        if (0.0..=1.0).contains(&threshold.value) {
            config.duplicate_threshold = threshold.value;
        } else {
            findings.push(
                Finding::error(
                    "invalid-config",
                    "`threshold` must be between 0 and 1",
                    threshold.span,
                )
                .with_hint("0.9 means bodies 90% alike; 0 turns the warning off"),
            );
        }
    }
    config
}

fn unknown_target(target: &Field<String>) -> Finding {
    let mut f = Finding::error(
        "unknown-target",
        format!("`{}` is not an export target", target.value),
        target.span.clone(),
    );
    f.hint = Some(
        suggest::hint(&target.value, TARGETS.iter().copied())
            .unwrap_or_else(|| format!("the targets are: {}", TARGETS.join(", "))),
    );
    f
}

/// The problem for a key that is not a field, with a suggestion.
pub(crate) fn unknown_key(key: &str, span: std::ops::Range<usize>, fields: &[&str]) -> Finding {
    let hint = suggest::hint(key, fields.iter().copied())
        .unwrap_or_else(|| format!("the fields are: {}", fields.join(", ")));
    Finding::error("unknown-field", format!("`{key}` is not a field"), span).with_hint(hint)
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_config_reads() {
        let (c, problems) = Config::parse(
            "name: Acme\ndefault_locale: de\ncategories:\n  support: Support\n  billing: Billing\ndepartments: [billing]\nplaceholders:\n  order.number:\n    description: The order\n    targets:\n      zendesk: \"{{ticket.x}}\"\ntargets:\n  freshdesk:\n    folder_id: 42\nduplicates:\n  threshold: 0\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(c.name.as_deref(), Some("Acme"));
        assert_eq!(c.categories.len(), 2);
        assert_eq!(c.placeholders[0].targets["zendesk"], "{{ticket.x}}");
        assert_eq!(c.targets["freshdesk"]["folder_id"], 42);
        assert_eq!(c.duplicate_threshold, 0.0);
    }

    #[test]
    fn unknown_keys_are_located_with_a_suggestion() {
        let (c, problems) = Config::parse("name: A\ncatgories:\n  a: A\n");
        assert_eq!(problems[0].code, "unknown-field");
        assert_eq!((problems[0].line, problems[0].column), (2, 1));
        assert_eq!(
            problems[0].hint.as_deref(),
            Some("did you mean `categories`?")
        );
        assert_eq!(c.categories.len(), 5);
    }

    #[test]
    fn nested_unknown_keys_are_problems_too() {
        let (_, problems) = Config::parse("placeholders:\n  order.number:\n    descripton: x\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!((problems[0].code, problems[0].line), ("unknown-field", 3));
    }
}
