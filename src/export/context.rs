//! What a target's `element` works with: one response, its body in the
//! target's dialect, the account settings, and the problems found so far.

use super::dialect::Spellings;
use super::Target;
use crate::config::Config;
use crate::problem::Problem;
use crate::render::Rendered;
use crate::response::{Response, Visibility};
use crate::source::CONFIG_FILE;
use serde_json::Value;

pub struct Cx<'a> {
    pub response: &'a Response,
    pub config: &'a Config,
    /// The library's git history, when the export was given one.
    pub history: Option<&'a crate::history::History>,
    target: &'a dyn Target,
    /// What each of the response's placeholders becomes, in body order.
    fills: Vec<String>,
    /// The body rendered with `fills`, made on first use.
    rendered: Option<Rendered>,
    problems: Vec<Problem>,
}

impl<'a> Cx<'a> {
    pub(super) fn new(
        response: &'a Response,
        config: &'a Config,
        target: &'a dyn Target,
        spellings: &Spellings,
    ) -> Cx<'a> {
        let mut problems = Vec::new();
        let fills = spellings.fills(response, &mut problems);
        Cx {
            response,
            config,
            history: None,
            target,
            fills,
            rendered: None,
            problems,
        }
    }

    pub(super) fn into_problems(self) -> Vec<Problem> {
        self.problems
    }

    fn rendered(&mut self) -> &Rendered {
        if self.rendered.is_none() {
            let r = self.response;
            // When every placeholder is spelled as Cannery spells it, a
            // rendering made before (the server makes them) is the right one.
            let same = r
                .placeholders
                .iter()
                .zip(&self.fills)
                .all(|(p, f)| *f == crate::placeholder::spell(&p.name, p.default.as_deref()));
            self.rendered = Some(if same {
                r.rendered_once().into_owned()
            } else {
                let fills = &self.fills;
                r.render_with(&|p| fill(r, fills, p))
            });
        }
        self.rendered.as_ref().expect("set above")
    }

    /// The body as HTML, raw HTML escaped, placeholders in the dialect.
    pub fn html(&mut self) -> String {
        self.rendered().html.clone()
    }

    /// The body as plain text, placeholders in the dialect.
    pub fn text(&mut self) -> String {
        self.rendered().text.clone()
    }

    /// The body's Markdown as written, placeholders in the dialect.
    pub fn markdown(&self) -> String {
        let r = self.response;
        r.body_with(|p| fill(r, &self.fills, p))
    }

    pub fn error(
        &mut self,
        code: &'static str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.problems
            .push(Problem::error(code, &self.response.path, message).with_hint(hint));
    }

    /// An error unless `value` has at most `max` characters.
    pub fn limit(&mut self, field: &str, what: &str, value: &str, max: usize) {
        let n = value.chars().count();
        if n > max {
            let product = self.target.product();
            self.error(
                "target-limit",
                format!("{what} has {n} characters; {product} takes at most {max} in `{field}`"),
                format!("shorten it to {max} characters or fewer"),
            );
        }
    }

    /// An error when `value` is empty: the product requires `field`.
    pub fn require(&mut self, field: &str, what: &str, value: &str) {
        if value.trim().is_empty() {
            let product = self.target.product();
            self.error(
                "target-empty",
                format!("{what} is empty, and {product} requires `{field}`"),
                "write a reply that has some text in it",
            );
        }
    }

    /// The shortcut, or an error: the product requires one.
    pub fn shortcut(&mut self) -> String {
        match &self.response.shortcut {
            Some(s) => s.clone(),
            None => {
                let product = self.target.product();
                self.error(
                    "target-missing-shortcut",
                    format!("{product} needs a shortcut for every response, and this one has none"),
                    "add `shortcut:` to the front matter: what agents type to insert it",
                );
                String::new()
            }
        }
    }

    /// An error: the product cannot hold this response's visibility.
    pub fn unsupported_visibility(&mut self, why: &str) {
        let r = self.response;
        let what = match (r.visibility, &r.department) {
            (Visibility::Department, Some(d)) => format!("`visibility: department` ({d})"),
            (v, _) => format!("`visibility: {}`", v.as_str()),
        };
        let product = self.target.product();
        self.error(
            "target-visibility",
            format!("{what} cannot be exported to {product}: {why}"),
            format!(
                "make it `shared`, or set `active: false` to leave it out of the {product} export"
            ),
        );
    }

    /// The setting `targets.<target>.<key>`, or an error naming it.
    pub fn setting(&mut self, key: &str) -> Value {
        let target = self.target.name();
        match self.config.targets.get(target).and_then(|t| t.get(key)) {
            Some(v) => v.clone(),
            None => {
                let help = super::settings::help(self.target, key);
                self.problems.push(
                    Problem::error(
                        "target-setting",
                        CONFIG_FILE,
                        format!(
                            "{} needs `targets.{target}.{key}` in cannery.yaml",
                            self.target.product()
                        ),
                    )
                    .with_hint(help),
                );
                Value::Null
            }
        }
    }

    /// The value `targets.<target>.<key>.<name>` (a department's or an
    /// owner's id in the product), or an error on the response naming it.
    pub fn setting_for(&mut self, key: &str, name: &str) -> Value {
        let target = self.target.name();
        let found = self
            .config
            .targets
            .get(target)
            .and_then(|t| t.get(key))
            .and_then(|m| m.get(name));
        match found {
            Some(v) => v.clone(),
            None => {
                let product = self.target.product();
                let help = super::settings::help(self.target, key);
                self.error(
                    "target-setting",
                    format!("{product} needs `targets.{target}.{key}.{name}` in cannery.yaml for this response"),
                    help,
                );
                Value::Null
            }
        }
    }
}

/// The fill of placeholder `p` of `r`: its entry in `fills`.
fn fill(r: &Response, fills: &[String], p: &crate::placeholder::Placeholder) -> String {
    r.placeholders
        .iter()
        .position(|q| q.span == p.span)
        .and_then(|i| fills.get(i))
        .cloned()
        .unwrap_or_default()
}
