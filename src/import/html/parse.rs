//! HTML text to a tree of `Node`s, closing tags as browsers would.

#[derive(Debug, PartialEq)]
pub(super) enum Node {
    Element {
        name: String,
        attrs: Vec<(String, String)>,
        children: Vec<Node>,
    },
    Text(String),
}

impl Node {
    pub(super) fn name(&self) -> &str {
        match self {
            Node::Element { name, .. } => name,
            Node::Text(_) => "",
        }
    }

    pub(super) fn attr(&self, key: &str) -> Option<&str> {
        match self {
            Node::Element { attrs, .. } => attrs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str()),
            Node::Text(_) => None,
        }
    }

    pub(super) fn children(&self) -> &[Node] {
        match self {
            Node::Element { children, .. } => children,
            Node::Text(_) => &[],
        }
    }

    /// All the text inside, as it is.
    pub(super) fn text(&self) -> String {
        match self {
            Node::Text(t) => t.clone(),
            Node::Element { name, .. } if name == "br" => "\n".into(),
            Node::Element { children, .. } => children.iter().map(Node::text).collect(),
        }
    }
}

const VOID: &[&str] = &[
    "br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "base", "source",
];
pub(super) const BLOCKS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "hr",
    "table",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "body",
    "html",
    "center",
    "tr",
    "td",
    "th",
    "thead",
    "tbody",
];
/// Containers whose children are read as blocks.
/// Tags whose content is not text a reader sees.
const SKIPPED: &[&str] = &["head", "script", "style", "title", "template"];

/// An element whose end tag has not been met: name, attributes, children.
type Open = (String, Vec<(String, String)>, Vec<Node>);

pub(super) fn parse(html: &str) -> Vec<Node> {
    // The open elements, innermost last; the document is the first.
    let mut stack: Vec<Open> = vec![(String::new(), Vec::new(), Vec::new())];
    let mut i = 0;
    while i < html.len() {
        let rest = &html[i..];
        if let Some(after) = rest.strip_prefix("<!--") {
            i += 4 + after.find("-->").map_or(after.len(), |n| n + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            i += rest.find('>').map_or(rest.len(), |n| n + 1);
            continue;
        }
        if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').map_or(after.len(), |n| n + 1);
            let name = after[..end]
                .trim_end_matches('>')
                .trim()
                .to_ascii_lowercase();
            // Never the document itself (index 0, nameless): `</>` is no end tag.
            let open = stack.iter().rposition(|(n, _, _)| *n == name);
            if let Some(at) = open.filter(|&at| at > 0) {
                while stack.len() > at {
                    close(&mut stack);
                }
            }
            i += 2 + end;
            continue;
        }
        if rest.starts_with('<') && rest.len() > 1 && rest.as_bytes()[1].is_ascii_alphabetic() {
            let (len, name, attrs, self_closing) = start_tag(rest);
            i += len;
            if SKIPPED.contains(&name.as_str()) {
                let close = format!("</{name}");
                let lower = html[i..].to_ascii_lowercase();
                i += lower.find(&close).unwrap_or(lower.len());
                continue;
            }
            // A block ends an open paragraph; a new item ends the last one.
            let top = stack.last().map(|(n, _, _)| n.as_str()).unwrap_or_default();
            if (top == "p" && BLOCKS.contains(&name.as_str())) || (top == "li" && name == "li") {
                close(&mut stack);
            }
            if self_closing || VOID.contains(&name.as_str()) {
                let node = Node::Element {
                    name,
                    attrs,
                    children: Vec::new(),
                };
                stack.last_mut().expect("the document stays").2.push(node);
            } else {
                stack.push((name, attrs, Vec::new()));
            }
            continue;
        }
        let first = rest.chars().next().map_or(1, char::len_utf8);
        let end = rest[first..].find('<').map_or(rest.len(), |n| n + first);
        let text = decode(&rest[..end]);
        let children = &mut stack.last_mut().expect("the document stays").2;
        match children.last_mut() {
            Some(Node::Text(t)) => t.push_str(&text),
            _ => children.push(Node::Text(text)),
        }
        i += end;
    }
    while stack.len() > 1 {
        close(&mut stack);
    }
    stack
        .pop()
        .map(|(_, _, children)| children)
        .unwrap_or_default()
}

fn close(stack: &mut Vec<Open>) {
    if let Some((name, attrs, children)) = stack.pop() {
        if let Some(parent) = stack.last_mut() {
            parent.2.push(Node::Element {
                name,
                attrs,
                children,
            });
        }
    }
}

/// Reads `<name attr="v" …>` at the start of `s`: its length, name,
/// attributes and whether it closes itself.
fn start_tag(s: &str) -> (usize, String, Vec<(String, String)>, bool) {
    let bytes = s.as_bytes();
    let mut i = 1;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
        i += 1;
    }
    let name = s[1..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut self_closing = false;
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        match bytes.get(i) {
            None => break,
            Some(b'>') => {
                i += 1;
                break;
            }
            Some(b'/') => {
                self_closing = true;
                i += 1;
                continue;
            }
            _ => {}
        }
        let start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
        {
            i += 1;
        }
        let key = s[start..i].to_ascii_lowercase();
        let mut value = String::new();
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = s[i + 1..].find(q as char).map_or(s.len(), |n| i + 1 + n);
                    value = decode(&s[i + 1..end]);
                    i = (end + 1).min(s.len());
                }
                _ => {
                    let start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = decode(&s[start..i]);
                }
            }
        }
        if !key.is_empty() {
            attrs.push((key, value));
        } else {
            i += 1;
        }
    }
    (i, name, attrs, self_closing)
}

/// Replaces character references: `&amp;`, `&#39;`, `&#x27;` and the
/// named ones helpdesk editors write.
fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|n| n + 1);
        let decoded = end
            .filter(|&e| rest[e..].starts_with(';'))
            .and_then(|e| reference(&rest[1..e]).map(|c| (c, e + 1)));
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn reference(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "euro" => '€',
        "pound" => '£',
        "times" => '×',
        "bull" => '•',
        "middot" => '·',
        "deg" => '°',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (fuzzing, `import` target): an empty end tag `</>`
    /// matched the nameless document and closed it, and the next text had
    /// nowhere to go: a panic.
    #[test]
    fn an_empty_end_tag_closes_nothing() {
        let nodes = parse("Hi</>>p\np<b>there</b>");
        assert!(!nodes.is_empty());
    }

    #[test]
    fn tags_nest_and_close_as_browsers_would() {
        let nodes = parse("<p>a<b>b</p><p>c &amp; d&nbsp;<br>e<!-- x --></p>");
        assert_eq!(nodes.len(), 2);
        assert_eq!(nodes[1].text(), "c & d\u{a0}\ne");
        assert_eq!(decode("&#39;&#x27;&bogus;&"), "''&bogus;&");
        let tag = "<a href=\"x?a=1&amp;b=2\" title='t' data-x>rest";
        let (len, name, attrs, closing) = start_tag(tag);
        assert_eq!(
            (len, name.as_str(), closing),
            (tag.find("rest").unwrap(), "a", false)
        );
        assert_eq!(attrs[0], ("href".into(), "x?a=1&b=2".into()));
    }
}
