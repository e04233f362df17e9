//! Placeholder dialects: how each helpdesk spells a placeholder, both ways.
//!
//! A target's table (its column of helpdesks.md's dialect table) gives the
//! product's name for each built-in placeholder. A library can add or
//! override a spelling with `placeholders.<name>.targets.<target>`; when
//! that spelling is itself one placeholder in the product's syntax
//! (`{{ticket.ticket_field_360001}}`), it is treated as a name, so Help
//! Scout's fallback still applies. A placeholder with neither is an error
//! for that target: Cannery never guesses a spelling.

use super::Target;
use crate::config::Config;
use crate::placeholder::{self, Placeholder};
use crate::problem::Problem;
use crate::response::{Response, BUILT_IN_PLACEHOLDERS};
use std::collections::{HashMap, HashSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// `{{name}}`, written with no spaces inside the braces.
    Braces,
    /// Help Scout's `{%name%}` and `{%name,fallback=text%}`.
    Percent,
    /// Zammad's `#{name}`.
    Hash,
    /// Cannery's own `{{ name | default: "text" }}`, left for agents to
    /// replace by hand in products that fill nothing.
    Cannery,
}

#[derive(Debug)]
pub struct Dialect {
    pub syntax: Syntax,
    /// Cannery's built-in names and the product's, where confirmed.
    pub known: &'static [(&'static str, &'static str)],
    /// Spellings seen in documentation but not confirmed: never written,
    /// only suggested in the hint of the error.
    pub unverified: &'static [(&'static str, &'static str)],
    /// Whether the product trims spaces inside the braces itself, so that
    /// import reads `{{ x }}` as `{{x}}`.
    pub loose_spaces: bool,
    /// The target whose `placeholders.<name>.targets` entries also apply
    /// (zammad-csv reads zammad's).
    pub column: &'static str,
}

impl Dialect {
    /// The product's spelling of `name` with `default`, and whether the
    /// default had to be dropped.
    pub fn wrap(&self, name: &str, default: Option<&str>) -> (String, bool) {
        match (self.syntax, default) {
            (Syntax::Cannery, _) => (placeholder::spell(name, default), false),
            (Syntax::Percent, Some(d)) if !d.contains("%}") && !d.contains('\n') => {
                (format!("{{%{name},fallback={d}%}}"), false)
            }
            (Syntax::Percent, _) => (format!("{{%{name}%}}"), default.is_some()),
            (Syntax::Braces, _) => (format!("{{{{{name}}}}}"), default.is_some()),
            (Syntax::Hash, _) => (format!("#{{{name}}}"), default.is_some()),
        }
    }

    /// Reads one placeholder in this syntax at the start of `s`: its length,
    /// the name as written and its default. `None` when `s` does not start
    /// with one.
    fn read_at(&self, s: &str) -> Option<(usize, String, Option<String>)> {
        let line = &s[..s.find('\n').unwrap_or(s.len())];
        let (open, close) = match self.syntax {
            Syntax::Braces => ("{{", "}}"),
            Syntax::Percent => ("{%", "%}"),
            Syntax::Hash => ("#{", "}"),
            Syntax::Cannery => {
                let found = placeholder::scan(line).placeholders.into_iter().next()?;
                return (found.span.start == 0).then_some((
                    found.span.end,
                    found.name,
                    found.default,
                ));
            }
        };
        let inner_start = open.len();
        let rest = line.strip_prefix(open)?;
        let end = rest.find(close)?;
        let inner = &rest[..end];
        let (name, default) = match (self.syntax, inner.split_once(",fallback=")) {
            (Syntax::Percent, Some((name, fallback))) => (name, Some(fallback.to_string())),
            _ => (inner, None),
        };
        let trimmed = name.trim();
        if (trimmed != name && !self.loose_spaces) || !placeholder::is_name(trimmed) {
            return None;
        }
        Some((
            inner_start + end + close.len(),
            trimmed.to_string(),
            default,
        ))
    }

    /// The name inside `spelling` when it is exactly one placeholder of this
    /// syntax.
    fn name_in(&self, spelling: &str) -> Option<String> {
        match self.read_at(spelling) {
            Some((len, name, None)) if len == spelling.len() => Some(name),
            _ => None,
        }
    }
}

/// How a target spells one of Cannery's placeholders.
#[derive(Clone, Debug)]
enum Spelling {
    /// A name in the product's syntax.
    Name(String),
    /// A spelling from the config that is not one placeholder of the
    /// product's syntax: written as given.
    Literal(String),
    /// No known equivalent; the unverified spelling, if any, for the hint.
    Missing(Option<&'static str>),
}

/// The spellings of every placeholder the library knows, for one target.
pub struct Spellings<'a> {
    target: &'a dyn Target,
    by_name: HashMap<&'a str, Spelling>,
}

impl<'a> Spellings<'a> {
    pub fn new(target: &'a dyn Target, config: &'a Config) -> Spellings<'a> {
        let mut by_name = HashMap::new();
        let Some(dialect) = target.dialect() else {
            return Spellings { target, by_name };
        };
        let names = BUILT_IN_PLACEHOLDERS
            .iter()
            .copied()
            .chain(config.placeholders.iter().map(|p| p.name.as_str()));
        for name in names {
            let spelling = match config_spelling(config, target.name(), dialect, name) {
                Some(s) => match dialect.name_in(s) {
                    Some(n) => Spelling::Name(n),
                    None => Spelling::Literal(s.to_string()),
                },
                None if dialect.syntax == Syntax::Cannery => Spelling::Name(name.to_string()),
                None => match dialect.known.iter().find(|(c, _)| *c == name) {
                    Some((_, t)) => Spelling::Name(t.to_string()),
                    None => Spelling::Missing(
                        dialect
                            .unverified
                            .iter()
                            .find(|(c, _)| *c == name)
                            .map(|(_, t)| *t),
                    ),
                },
            };
            by_name.insert(name, spelling);
        }
        Spellings { target, by_name }
    }

    /// What each placeholder of `r` is written as, in body order; problems
    /// (once per name) go to `problems`.
    pub fn fills(&self, r: &Response, problems: &mut Vec<Problem>) -> Vec<String> {
        let Some(dialect) = self.target.dialect() else {
            return r
                .placeholders
                .iter()
                .map(|p| placeholder::spell(&p.name, p.default.as_deref()))
                .collect();
        };
        let product = self.target.product();
        let target = self.target.name();
        let mut told = HashSet::new();
        let mut tell = |problem: Problem| {
            if told.insert((problem.code, problem.message.clone())) {
                problems.push(problem);
            }
        };
        let mut fills = Vec::with_capacity(r.placeholders.len());
        for p in &r.placeholders {
            let cannery = placeholder::spell(&p.name, None);
            let (fill, dropped) = match self.by_name.get(p.name.as_str()) {
                Some(Spelling::Name(n)) => dialect.wrap(n, p.default.as_deref()),
                Some(Spelling::Literal(s)) => (s.clone(), p.default.is_some()),
                missing => {
                    let guess = match missing {
                        Some(Spelling::Missing(guess)) => *guess,
                        _ => None,
                    };
                    let mut hint = format!(
                        "give {product}'s spelling as `placeholders.{}.targets.{target}` in cannery.yaml, or leave the placeholder out of this response",
                        p.name
                    );
                    if let Some(g) = guess {
                        hint.push_str(&format!(
                            " ({product}'s documentation suggests `{}`, not confirmed)",
                            dialect.wrap(g, None).0
                        ));
                    }
                    tell(
                        r.locate(
                            Problem::error(
                                "target-placeholder",
                                &r.path,
                                format!("`{cannery}` has no known equivalent in {product}"),
                            )
                            .with_hint(hint),
                            p.span.clone(),
                        ),
                    );
                    (placeholder::spell(&p.name, p.default.as_deref()), false)
                }
            };
            if dropped {
                tell(r.locate(default_dropped(r, p, product), p.span.clone()));
            }
            if dialect.syntax == Syntax::Cannery {
                tell(r.locate(
                    Problem::warning(
                        "target-unfilled",
                        &r.path,
                        format!("{product} does not fill placeholders: agents will see `{fill}` and must replace it by hand"),
                    )
                    .with_hint("keep it if your agents expect that; otherwise write this reply without placeholders"),
                    p.span.clone(),
                ));
            }
            fills.push(fill);
        }
        fills
    }
}

fn default_dropped(r: &Response, p: &Placeholder, product: &str) -> Problem {
    let default = p.default.as_deref().unwrap_or_default();
    Problem::warning(
        "target-default",
        &r.path,
        format!(
            "{product} has no default for a placeholder: the default \"{default}\" of `{}` is dropped",
            p.name
        ),
    )
    .with_hint("agents see nothing there when the value is missing: make the sentence read well without it")
}

/// The spelling cannery.yaml gives `name` for `target`, if any.
fn config_spelling<'c>(
    config: &'c Config,
    target: &str,
    dialect: &Dialect,
    name: &str,
) -> Option<&'c str> {
    let p = config.placeholder(name)?;
    p.targets
        .get(target)
        .or_else(|| p.targets.get(dialect.column))
        .map(String::as_str)
}

/// A piece of an imported text: as it is, or a placeholder in Cannery's
/// terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment<'t> {
    Text(&'t str),
    Placeholder {
        name: String,
        default: Option<String>,
    },
}

/// Reads a product's placeholders back into Cannery's names.
pub struct Reader {
    dialect: &'static Dialect,
    /// The product's names and Cannery's.
    names: HashMap<String, String>,
    /// Config spellings that are no placeholder of the syntax, matched as
    /// they are.
    literals: Vec<(String, String)>,
}

impl Reader {
    pub fn new(target: &dyn Target, dialect: &'static Dialect, config: &Config) -> Reader {
        let mut names = HashMap::new();
        let mut literals = Vec::new();
        let cannery = dialect.syntax == Syntax::Cannery;
        for (c, t) in dialect.known {
            names.insert(t.to_string(), c.to_string());
        }
        let all = BUILT_IN_PLACEHOLDERS
            .iter()
            .copied()
            .chain(config.placeholders.iter().map(|p| p.name.as_str()));
        for name in all {
            if cannery {
                names.insert(name.to_string(), name.to_string());
            }
            if let Some(s) = config_spelling(config, target.name(), dialect, name) {
                match dialect.name_in(s) {
                    Some(n) => {
                        names.insert(n, name.to_string());
                    }
                    None => literals.push((s.to_string(), name.to_string())),
                }
            }
        }
        // The longest first, so that one spelling inside another loses.
        literals.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
        Reader {
            dialect,
            names,
            literals,
        }
    }

    /// Splits `text` into plain pieces and placeholders. Spellings that look
    /// like placeholders but name nothing Cannery knows stay text, and are
    /// added to `unknown`.
    pub fn segments<'t>(&self, text: &'t str, unknown: &mut Vec<String>) -> Vec<Segment<'t>> {
        let mut out = Vec::new();
        let (mut last, mut i) = (0, 0);
        let escaped = |i: usize| i > 0 && text.as_bytes()[i - 1] == b'\\';
        while i < text.len() {
            let rest = &text[i..];
            if let Some((s, name)) = self
                .literals
                .iter()
                .find(|(s, _)| rest.starts_with(s.as_str()))
            {
                out.extend((last < i).then(|| Segment::Text(&text[last..i])));
                out.push(Segment::Placeholder {
                    name: name.clone(),
                    default: None,
                });
                i += s.len();
                last = i;
                continue;
            }
            if let Some((len, name, default)) = self.dialect.read_at(rest).filter(|_| !escaped(i)) {
                match self.names.get(&name) {
                    Some(cannery) => {
                        out.extend((last < i).then(|| Segment::Text(&text[last..i])));
                        out.push(Segment::Placeholder {
                            name: cannery.clone(),
                            default,
                        });
                        last = i + len;
                    }
                    None => unknown.push(rest[..len].to_string()),
                }
                i += len;
                continue;
            }
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
        out.extend((last < text.len()).then(|| Segment::Text(&text[last..])));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BRACES: Dialect = Dialect {
        syntax: Syntax::Braces,
        known: &[("contact.name", "contact_name")],
        unverified: &[],
        loose_spaces: false,
        column: "x",
    };

    #[test]
    fn each_syntax_wraps_and_says_when_a_default_is_dropped() {
        let percent = Dialect {
            syntax: Syntax::Percent,
            ..BRACES
        };
        let hash = Dialect {
            syntax: Syntax::Hash,
            ..BRACES
        };
        assert_eq!(BRACES.wrap("a.b", Some("x")), ("{{a.b}}".into(), true));
        assert_eq!(
            percent.wrap("a", Some("there")),
            ("{%a,fallback=there%}".into(), false)
        );
        assert_eq!(percent.wrap("a", Some("50%}")), ("{%a%}".into(), true));
        assert_eq!(hash.wrap("a.b", None), ("#{a.b}".into(), false));
    }

    #[test]
    fn reading_back_needs_the_exact_spelling_unless_spaces_are_loose() {
        assert_eq!(BRACES.read_at("{{a.b}} x"), Some((7, "a.b".into(), None)));
        assert_eq!(BRACES.read_at("{{ a.b }}"), None);
        let loose = Dialect {
            loose_spaces: true,
            ..BRACES
        };
        assert_eq!(loose.read_at("{{ a.b }}"), Some((9, "a.b".into(), None)));
        let percent = Dialect {
            syntax: Syntax::Percent,
            ..BRACES
        };
        assert_eq!(
            percent.read_at("{%customer.firstName,fallback=there%}!"),
            Some((37, "customer.firstName".into(), Some("there".into())))
        );
    }
}
