//! Lists come in pages: `page` and `per_page`, and the envelope with
//! `meta` and `links` (paths with their query) around each page.

use super::envelope::Answer;
use serde::Serialize;

/// A page of a list: `{"data": [...], "meta": {...}, "links": {...}}`.
#[derive(Serialize)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub meta: Meta,
    pub links: Links,
}

#[derive(Serialize)]
pub struct Meta {
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub revision: Option<String>,
}

/// Paths with their query; `prev`/`next` are null where there is none.
#[derive(Serialize)]
pub struct Links {
    #[serde(rename = "self")]
    pub this: String,
    pub first: String,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub last: String,
}

/// Which slice of a list a page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    pub page: usize,
    pub per_page: usize,
}

pub const DEFAULT_PER_PAGE: usize = 50;
pub const MAX_PER_PAGE: usize = 500;

impl Paging {
    /// The range of items this page shows out of `total` (empty past the end).
    pub fn range(&self, total: usize) -> std::ops::Range<usize> {
        let start = (self.page - 1).saturating_mul(self.per_page).min(total);
        start..start.saturating_add(self.per_page).min(total)
    }

    /// The number of the last page: 1 for an empty list.
    pub fn last(&self, total: usize) -> usize {
        total.div_ceil(self.per_page).max(1)
    }

    /// The links of this page. `path` is the request's path as the client
    /// sent it; `query` its query, whose other parameters every link keeps
    /// as they were written.
    pub fn links(&self, path: &str, query: Option<&str>, total: usize) -> Links {
        let kept: Vec<&str> = query
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty() && p.split('=').next() != Some("page"))
            .collect();
        let to = |page: usize| {
            let mut link = format!("{path}?");
            for p in &kept {
                link.push_str(p);
                link.push('&');
            }
            link.push_str(&format!("page={page}"));
            link
        };
        let last = self.last(total);
        Links {
            this: match query {
                Some(q) if !q.is_empty() => format!("{path}?{q}"),
                _ => path.to_string(),
            },
            first: to(1),
            prev: (self.page > 1).then(|| to((self.page - 1).min(last))),
            next: (self.page < last).then(|| to(self.page + 1)),
            last: to(last),
        }
    }
}

/// One page of `items` (already in order) in the list envelope.
pub fn page<T: Serialize>(
    items: Vec<T>,
    total: usize,
    paging: Paging,
    revision: Option<String>,
    path: &str,
    query: Option<&str>,
) -> Answer {
    Answer::json(
        200,
        &Page {
            data: items,
            meta: Meta {
                total,
                page: paging.page,
                per_page: paging.per_page,
                revision,
            },
            links: paging.links(path, query, total),
        },
    )
}

/// [`page`] of objects serialized already, each `{…}`: the same bytes,
/// with each object copied once instead of serialized again.
pub fn page_of_json(
    items: &[impl AsRef<[u8]>],
    total: usize,
    paging: Paging,
    revision: Option<String>,
    path: &str,
    query: Option<&str>,
) -> Answer {
    let meta = Meta {
        total,
        page: paging.page,
        per_page: paging.per_page,
        revision,
    };
    let links = paging.links(path, query, total);
    let size: usize = items.iter().map(|i| i.as_ref().len() + 1).sum();
    let mut body = Vec::with_capacity(size + 512);
    body.extend_from_slice(b"{\"data\":[");
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            body.push(b',');
        }
        body.extend_from_slice(item.as_ref());
    }
    body.extend_from_slice(b"],\"meta\":");
    let tail = serde_json::to_writer(&mut body, &meta)
        .and_then(|()| {
            body.extend_from_slice(b",\"links\":");
            serde_json::to_writer(&mut body, &links)
        })
        .map(|()| body.push(b'}'));
    match tail {
        Ok(()) => Answer::bytes(200, super::envelope::JSON, body.into()),
        Err(e) => Answer::error(500, format!("the page cannot be written: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_of_json_is_the_page_serialized() {
        #[derive(Serialize)]
        struct Item {
            a: u32,
            b: &'static str,
        }
        let items = vec![Item { a: 1, b: "x\"y" }, Item { a: 2, b: "é" }];
        let json: Vec<Vec<u8>> = items
            .iter()
            .map(|i| serde_json::to_vec(i).unwrap())
            .collect();
        let paging = Paging {
            page: 2,
            per_page: 2,
        };
        for (items, json) in [(items, json), (Vec::new(), Vec::new())] {
            let made = page_of_json(&json, 7, paging, Some("abc".into()), "/l", Some("q=a"));
            let serialized = page(items, 7, paging, Some("abc".into()), "/l", Some("q=a"));
            assert_eq!(made.body, serialized.body);
            assert_eq!(made.header("etag"), serialized.header("etag"));
        }
    }

    #[test]
    fn pages_past_the_end_are_empty_and_link_back() {
        let p = Paging {
            page: 4,
            per_page: 10,
        };
        assert_eq!(p.range(25), 25..25);
        let links = p.links("/l", Some("q=a+b&page=4&per_page=10"), 25);
        assert_eq!(links.this, "/l?q=a+b&page=4&per_page=10");
        assert_eq!(links.first, "/l?q=a+b&per_page=10&page=1");
        assert_eq!(links.prev.as_deref(), Some("/l?q=a+b&per_page=10&page=3"));
        assert_eq!(links.next, None);
        assert_eq!(links.last, "/l?q=a+b&per_page=10&page=3");
    }

    #[test]
    fn an_empty_list_has_one_page() {
        let p = Paging {
            page: 1,
            per_page: 50,
        };
        assert_eq!(p.range(0), 0..0);
        let links = p.links("/l", None, 0);
        assert_eq!(links.this, "/l");
        assert_eq!((links.prev, links.next), (None, None));
        assert_eq!(links.last, "/l?page=1");
    }
}
