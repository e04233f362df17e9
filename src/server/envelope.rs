//! What every route answers, before it becomes HTTP: a status, a body and
//! a few headers. The JSON envelopes of the API (`data`, `meta`, `links`,
//! `error`), the `ETag` of every JSON answer and `If-None-Match` live here.

use hyper::body::Bytes;
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_128;

pub const JSON: &str = "application/json";
pub const HTML: &str = "text/html; charset=utf-8";

/// The library is read-only: every write method gets this.
pub const READ_ONLY: &str =
    "the library is read-only over HTTP: change it by editing its files and committing them";

/// One answer, ready to be written.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    /// Shared, so a body made once per index is sent without a copy.
    pub body: Bytes,
    pub headers: Vec<(&'static str, String)>,
}

impl Answer {
    /// A JSON answer: the body's bytes, tagged with their hash.
    pub fn json(status: u16, value: &impl Serialize) -> Answer {
        let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
        Answer::bytes(status, JSON, Bytes::from(body))
    }

    /// Bytes made elsewhere (or earlier), tagged with their hash.
    pub fn bytes(status: u16, content_type: &'static str, body: Bytes) -> Answer {
        Answer::tagged(status, content_type, body.clone(), etag(&body))
    }

    /// Bytes whose tag is known already.
    pub fn tagged(status: u16, content_type: &'static str, body: Bytes, etag: String) -> Answer {
        Answer {
            status,
            content_type,
            body,
            headers: vec![("etag", etag), ("cache-control", "no-cache".into())],
        }
    }

    /// `{"data": …}`, 200.
    pub fn data(value: &impl Serialize) -> Answer {
        Answer::json(200, &Data { data: value })
    }

    /// `{"error": {"status", "code", "message"}}` with that status.
    pub fn error(status: u16, message: impl Into<String>) -> Answer {
        Answer::json(
            status,
            &ErrorEnvelope {
                error: ErrorBody {
                    status,
                    code: code_of(status),
                    message: message.into(),
                    parameter: None,
                },
            },
        )
    }

    /// A 400 about one query parameter, which the answer names.
    pub fn bad_parameter(parameter: &str, message: impl Into<String>) -> Answer {
        Answer::json(
            400,
            &ErrorEnvelope {
                error: ErrorBody {
                    status: 400,
                    code: code_of(400),
                    message: message.into(),
                    parameter: Some(parameter.to_string()),
                },
            },
        )
    }

    pub fn not_found(message: impl Into<String>) -> Answer {
        Answer::error(404, message)
    }

    /// 405 for every write the read-only library refuses.
    pub fn read_only(message: &str) -> Answer {
        Answer::error(405, message).with_header("allow", "GET, HEAD")
    }

    /// An empty answer (`204`, `304`).
    pub fn empty(status: u16) -> Answer {
        Answer {
            status,
            content_type: "",
            body: Bytes::new(),
            headers: Vec::new(),
        }
    }

    pub fn html(page: &'static str) -> Answer {
        Answer {
            status: 200,
            content_type: HTML,
            body: Bytes::from_static(page.as_bytes()),
            headers: vec![
                // The page may load only what this server serves: no
                // scripts, fonts or styles from anywhere else.
                (
                    "content-security-policy",
                    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
                        .into(),
                ),
                ("referrer-policy", "no-referrer".into()),
                ("cache-control", "no-cache".into()),
            ],
        }
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Answer {
        self.headers.push((name, value.into()));
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A `304 Not Modified` in place of this answer when the client already
    /// holds it. Only successful answers are compared.
    pub fn revalidated(self, if_none_match: Option<&str>) -> Answer {
        match (self.status, self.header("etag"), if_none_match) {
            (200, Some(etag), Some(wanted)) if etag_matches(wanted, etag) => {
                let mut not_modified = Answer::empty(304);
                not_modified.headers = self
                    .headers
                    .into_iter()
                    .filter(|(n, _)| matches!(*n, "etag" | "cache-control"))
                    .collect();
                not_modified
            }
            _ => self,
        }
    }
}

/// The strong validator of a body: xxh3-128 of its bytes, quoted.
pub fn etag(body: &[u8]) -> String {
    format!("\"{:032x}\"", xxh3_128(body))
}

/// `If-None-Match` uses the weak comparison (RFC 9110 §13.1.2): `W/` is
/// ignored on both sides; `*` matches any current answer; the header may
/// list several tags.
pub fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let etag = bare(etag);
    if_none_match.trim() == "*" || if_none_match.split(',').any(|t| bare(t) == etag)
}

fn code_of(status: u16) -> &'static str {
    match status {
        400 => "bad_request",
        401 => "unauthorized",
        404 => "not_found",
        405 => "method_not_allowed",
        413 => "payload_too_large",
        414 => "uri_too_long",
        409 => "export_refused",
        503 => "unavailable",
        _ => "internal_error",
    }
}

#[derive(Serialize)]
pub struct Data<T> {
    pub data: T,
}

#[derive(Serialize)]
struct ErrorEnvelope {
    error: ErrorBody,
}

#[derive(Serialize)]
struct ErrorBody {
    status: u16,
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameter: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_compares_weakly_and_reads_lists() {
        let tag = "\"abc\"";
        assert!(etag_matches("\"abc\"", tag));
        assert!(etag_matches("W/\"abc\"", tag));
        assert!(etag_matches("\"x\", W/\"abc\"", tag));
        assert!(etag_matches(" * ", tag));
        assert!(!etag_matches("\"abd\"", tag));
        assert!(!etag_matches("", tag));
    }

    #[test]
    fn a_matching_tag_gives_304_with_the_tag_and_no_body() {
        let answer = Answer::data(&1);
        let tag = answer.header("etag").unwrap().to_string();
        let again = answer.revalidated(Some(&tag));
        assert_eq!(again.status, 304);
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag"), Some(tag.as_str()));
        let error = Answer::not_found("x");
        let tag = error.header("etag").unwrap().to_string();
        assert_eq!(error.revalidated(Some(&tag)).status, 404);
    }
}
