//! Account settings under `targets.<target>` in cannery.yaml: the keys each
//! target reads, and their validation, reported by `check` like every other
//! mistake in the config.

use super::Target;
use crate::config::Config;
use crate::problem::Problem;
use crate::source::CONFIG_FILE;
use crate::suggest;
use serde_json::Value;

/// One key a target reads from `targets.<target>`.
#[derive(Debug)]
pub struct Setting {
    pub key: &'static str,
    pub kind: Kind,
    /// What it is and where to find it in the product.
    pub help: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A whole number: `folder_id: 42`.
    Integer,
    /// A text id: `folder_id: "rsf_1"`.
    Text,
    /// A mapping from the library's departments to the product's ids.
    PerDepartment(Ids),
    /// A mapping from owners' emails to the product's user ids.
    PerOwner(Ids),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ids {
    /// One text id.
    Text,
    /// One whole number.
    Integer,
    /// A list of whole numbers.
    Integers,
    /// A list of text ids.
    Texts,
}

impl Ids {
    fn fits(self, v: &Value) -> bool {
        let list = |each: fn(&Value) -> bool| {
            v.as_array()
                .is_some_and(|a| !a.is_empty() && a.iter().all(each))
        };
        match self {
            Ids::Text => v.as_str().is_some_and(|s| !s.is_empty()),
            Ids::Integer => v.is_u64(),
            Ids::Integers => list(Value::is_u64),
            Ids::Texts => list(Value::is_string),
        }
    }

    fn example(self) -> &'static str {
        match self {
            Ids::Text => "an id in quotes, like \"6wLmfWBxkPjNhGY3K\"",
            Ids::Integer => "a whole number, like 42",
            Ids::Integers => "a list of whole numbers, like [12, 15]",
            Ids::Texts => "a list of ids in quotes, like [\"inb_1\"]",
        }
    }
}

/// The help text of `key` for `target`, for hints.
pub(super) fn help(target: &dyn Target, key: &str) -> String {
    target
        .settings()
        .iter()
        .find(|s| s.key == key)
        .map_or_else(String::new, |s| s.help.to_string())
}

/// Every problem in the `targets:` section of cannery.yaml: unknown keys
/// (with a suggestion), values of the wrong kind, departments the library
/// does not have.
pub fn settings_problems(config: &Config) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (name, value) in &config.targets {
        // config.rs has already reported a target that does not exist.
        let Some(target) = super::target(name) else {
            continue;
        };
        let map = match value {
            Value::Null => continue,
            Value::Object(map) => map,
            _ => {
                problems.push(
                    Problem::error(
                        "invalid-config",
                        CONFIG_FILE,
                        format!("`targets.{name}` must be a mapping of settings"),
                    )
                    .with_hint(takes(target)),
                );
                continue;
            }
        };
        for (key, v) in map {
            let path = format!("targets.{name}.{key}");
            let Some(setting) = target.settings().iter().find(|s| s.key == key) else {
                let hint = suggest::hint(key, target.settings().iter().map(|s| s.key))
                    .unwrap_or_else(|| takes(target));
                problems.push(
                    Problem::error(
                        "unknown-field",
                        CONFIG_FILE,
                        format!("`{path}` is not a setting"),
                    )
                    .with_hint(hint),
                );
                continue;
            };
            check_value(config, &path, setting, v, &mut problems);
        }
    }
    problems
}

fn check_value(
    config: &Config,
    path: &str,
    setting: &Setting,
    v: &Value,
    problems: &mut Vec<Problem>,
) {
    let wrong = |what: &str| {
        Problem::error(
            "invalid-config",
            CONFIG_FILE,
            format!("`{path}` must be {what}"),
        )
        .with_hint(setting.help)
    };
    match setting.kind {
        Kind::Integer if !v.is_u64() => problems.push(wrong(Ids::Integer.example())),
        Kind::Text if !Ids::Text.fits(v) => problems.push(wrong("an id in quotes")),
        Kind::PerDepartment(ids) | Kind::PerOwner(ids) => {
            let Some(map) = v.as_object() else {
                let what = match setting.kind {
                    Kind::PerOwner(_) => "a mapping from owners' emails to ids",
                    _ => "a mapping from the library's departments to ids",
                };
                problems.push(wrong(what));
                return;
            };
            for (name, id) in map {
                let entry = format!("{path}.{name}");
                if matches!(setting.kind, Kind::PerDepartment(_))
                    && !config.departments.is_empty()
                    && !config.departments.contains(name)
                {
                    let names = config.departments.iter().map(String::as_str);
                    let hint = suggest::hint(name, names.clone()).unwrap_or_else(|| {
                        format!(
                            "the departments are: {}",
                            names.collect::<Vec<_>>().join(", ")
                        )
                    });
                    problems.push(
                        Problem::error(
                            "unknown-department",
                            CONFIG_FILE,
                            format!("`{entry}`: `{name}` is not one of the library's departments"),
                        )
                        .with_hint(hint),
                    );
                }
                if matches!(setting.kind, Kind::PerOwner(_)) && !name.contains('@') {
                    problems.push(
                        Problem::error(
                            "invalid-config",
                            CONFIG_FILE,
                            format!("`{entry}`: `{name}` is not an email"),
                        )
                        .with_hint("the keys are the `owner:` emails of private responses"),
                    );
                }
                if !ids.fits(id) {
                    problems.push(
                        Problem::error(
                            "invalid-config",
                            CONFIG_FILE,
                            format!("`{entry}` must be {}", ids.example()),
                        )
                        .with_hint(setting.help),
                    );
                }
            }
        }
        _ => {}
    }
}

/// "Freshdesk takes: folder_id, groups", or that it takes none.
fn takes(target: &dyn Target) -> String {
    let keys: Vec<&str> = target.settings().iter().map(|s| s.key).collect();
    if keys.is_empty() {
        format!(
            "{} takes no settings in cannery.yaml (account ids that go in the request's address are in the README's curl loop)",
            target.product()
        )
    } else {
        format!("{} takes: {}", target.product(), keys.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(yaml: &str) -> Vec<(&'static str, String)> {
        let (config, found) = Config::parse(yaml);
        assert!(found.is_empty(), "{found:?}");
        settings_problems(&config)
            .into_iter()
            .map(|p| (p.code, p.message + " / " + &p.hint.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn good_settings_pass() {
        let yaml = "departments: [billing]\ntargets:\n  rocketchat:\n    departments:\n      billing: \"6wLm\"\n  oktopost:\n";
        assert_eq!(problems(yaml), []);
    }

    #[test]
    fn unknown_keys_get_a_suggestion() {
        let found = problems(
            "targets:\n  rocketchat:\n    departmens: {}\n  oktopost:\n    account_id: 1\n",
        );
        assert_eq!(found[0].0, "unknown-field");
        assert!(
            found[0].1.contains(
                "`targets.oktopost.account_id` is not a setting / Oktopost takes no settings"
            ),
            "{found:?}"
        );
        assert!(
            found[1].1.contains(
                "`targets.rocketchat.departmens` is not a setting / did you mean `departments`?"
            ),
            "{found:?}"
        );
    }

    #[test]
    fn wrong_kinds_and_departments_are_errors() {
        let found = problems(
            "departments: [billing]\ntargets:\n  rocketchat:\n    departments:\n      biling: 5\n  whatomate: [1]\n",
        );
        let codes: Vec<_> = found.iter().map(|f| f.0).collect();
        assert_eq!(
            codes,
            ["unknown-department", "invalid-config", "invalid-config"],
            "{found:?}"
        );
        assert!(found[0].1.contains("did you mean `billing`?"), "{found:?}");
        assert!(found[1].1.contains("must be an id in quotes"), "{found:?}");
        assert!(
            found[2]
                .1
                .contains("`targets.whatomate` must be a mapping of settings"),
            "{found:?}"
        );
    }
}
