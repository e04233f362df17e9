//! Query parameters: decoded strictly, checked one by one, and every
//! mistake answered with a 400 that names the parameter.

use super::envelope::Answer;
use super::paging::{Paging, DEFAULT_PER_PAGE, MAX_PER_PAGE};
use crate::suggest;

/// The highest page number taken: far past any library's last page.
pub const MAX_PAGE: usize = 1_000_000;

/// The decoded parameters of one query string, in order.
#[derive(Debug, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
    /// Names already taken by the route; the rest are unknown.
    taken: Vec<String>,
}

impl Params {
    /// Decodes `a=1&b=x+y&c=%C3%A9` as a form does (`+` is a space).
    /// Bad percent-encoding and bytes that are not UTF-8 are refused.
    pub fn parse(query: Option<&str>) -> Result<Params, Answer> {
        let mut pairs = Vec::new();
        for part in query.unwrap_or_default().split('&') {
            if part.is_empty() {
                continue;
            }
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            let name = decode(name).map_err(|why| {
                Answer::bad_parameter(
                    &String::from_utf8_lossy(name.as_bytes()),
                    format!("a parameter name {why}"),
                )
            })?;
            let value = decode(value).map_err(|why| {
                Answer::bad_parameter(&name, format!("the value of `{name}` {why}"))
            })?;
            pairs.push((name, value));
        }
        Ok(Params {
            pairs,
            taken: Vec::new(),
        })
    }

    /// The one value of `name`, if given; given twice is a mistake.
    pub fn one(&mut self, name: &str) -> Result<Option<&str>, Answer> {
        self.taken.push(name.to_string());
        let mut values = self.pairs.iter().filter(|(n, _)| n == name);
        let first = values.next();
        if values.next().is_some() {
            return Err(Answer::bad_parameter(
                name,
                format!("`{name}` is given more than once; give it once"),
            ));
        }
        Ok(first.map(|(_, v)| v.as_str()))
    }

    /// Every value of a repeatable parameter.
    pub fn all(&mut self, name: &str) -> Vec<&str> {
        self.taken.push(name.to_string());
        self.pairs
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// One value out of a fixed set.
    pub fn choice<'a>(
        &mut self,
        name: &str,
        choices: &[&'a str],
    ) -> Result<Option<&'a str>, Answer> {
        let Some(value) = self.one(name)? else {
            return Ok(None);
        };
        match choices.iter().find(|c| **c == value) {
            Some(c) => Ok(Some(c)),
            None => Err(Answer::bad_parameter(
                name,
                format!(
                    "`{name}` cannot be `{value}`: use one of {}",
                    choices
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }

    /// `page` and `per_page`.
    pub fn paging(&mut self) -> Result<Paging, Answer> {
        let page = self.number("page", 1, MAX_PAGE, 1)?;
        let per_page = self.number("per_page", 1, MAX_PER_PAGE, DEFAULT_PER_PAGE)?;
        Ok(Paging { page, per_page })
    }

    fn number(
        &mut self,
        name: &str,
        min: usize,
        max: usize,
        default: usize,
    ) -> Result<usize, Answer> {
        let Some(value) = self.one(name)? else {
            return Ok(default);
        };
        let range = format!("a whole number from {min} to {max}");
        match value.parse::<usize>() {
            Ok(n) if (min..=max).contains(&n) && !value.starts_with('+') => Ok(n),
            _ => Err(Answer::bad_parameter(
                name,
                format!("`{name}` must be {range}, not `{value}`"),
            )),
        }
    }

    /// The parameters that no one took: the route does not know them.
    pub fn finish(self) -> Result<(), Answer> {
        let known: Vec<&str> = self.taken.iter().map(String::as_str).collect();
        match self
            .pairs
            .iter()
            .find(|(n, _)| !known.contains(&n.as_str()))
        {
            None => Ok(()),
            Some((name, _)) => {
                let mut message = format!("there is no parameter `{name}` here");
                match suggest::did_you_mean(name, known.iter().copied()) {
                    Some(best) => message.push_str(&format!(": did you mean `{best}`?")),
                    None if !known.is_empty() => message.push_str(&format!(
                        "; the parameters are {}",
                        known
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                    None => message.push_str(": this route takes none"),
                }
                Err(Answer::bad_parameter(name, message))
            }
        }
    }

    /// The parameters no one took yet, for routes that take any name
    /// (placeholder values).
    pub fn rest(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs
            .iter()
            .filter(|(n, _)| !self.taken.contains(n))
            .map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

/// Percent-decodes one part of a query; `+` is a space.
pub fn decode(text: &str) -> Result<String, &'static str> {
    decode_bytes(text, true)
}

/// Percent-decodes one part of a path; `+` stays a `+`.
pub fn decode_path(text: &str) -> Result<String, &'static str> {
    decode_bytes(text, false)
}

fn decode_bytes(text: &str, plus_is_space: bool) -> Result<String, &'static str> {
    if !text.contains(['%', '+']) {
        return Ok(text.to_string());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or("has a `%` that is not followed by two hex digits")?;
                out.push(hex);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| "is not UTF-8 text once decoded")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_is_strict() {
        assert_eq!(decode("a+b%20c%C3%A9").unwrap(), "a b cé");
        assert_eq!(decode_path("a+b%2Fc").unwrap(), "a+b/c");
        assert!(decode("%zz").is_err());
        assert!(decode("%4").is_err());
        assert!(decode("%").is_err());
        assert!(decode("%FF").is_err());
        // A `%` before a multi-byte character must not panic on a char boundary.
        assert!(decode("%é").is_err());
    }

    #[test]
    fn a_bad_parameter_is_named() {
        let mut p = Params::parse(Some("per_page=0&page=2")).unwrap();
        let answer = p.paging().unwrap_err();
        assert_eq!(answer.status, 400);
        let body = String::from_utf8(answer.body.to_vec()).unwrap();
        assert!(body.contains("\"parameter\":\"per_page\""), "{body}");
        assert!(body.contains("from 1 to 500"), "{body}");

        let err = Params::parse(Some("q=%ZZ")).unwrap_err();
        assert!(String::from_utf8(err.body.to_vec())
            .unwrap()
            .contains("\"parameter\":\"q\""));
    }

    #[test]
    fn unknown_and_repeated_parameters_are_refused() {
        let mut p = Params::parse(Some("per-page=5")).unwrap();
        p.paging().unwrap();
        let body = String::from_utf8(p.finish().unwrap_err().body.to_vec()).unwrap();
        assert!(body.contains("did you mean `per_page`?"), "{body}");

        let mut p = Params::parse(Some("page=1&page=2")).unwrap();
        assert_eq!(p.paging().unwrap_err().status, 400);

        let mut p = Params::parse(Some("tag=a&tag=b&&")).unwrap();
        assert_eq!(p.all("tag"), ["a", "b"]);
        assert!(p.finish().is_ok());
    }

    #[test]
    fn numbers_are_plain_whole_numbers() {
        for bad in ["-1", "+5", "1.5", "x", "501", "99999999999999999999999"] {
            let mut p = Params::parse(Some(&format!("per_page={bad}"))).unwrap();
            assert!(p.paging().is_err(), "{bad}");
        }
    }
}
