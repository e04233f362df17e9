//! A tree of `Node`s to Markdown.

use super::parse::{Node, BLOCKS};
use crate::export::dialect::{Reader, Segment};
use crate::import::markdown::{escape, push_text};
use crate::placeholder;
use std::collections::BTreeSet;

const CONTAINERS: &[&str] = &[
    "div", "section", "article", "main", "header", "footer", "body", "html", "center", "li",
];
/// Inline tags kept as Markdown.
const INLINE: &[&str] = &[
    "strong", "b", "em", "i", "del", "s", "strike", "code", "a", "img", "br",
];

pub(super) struct Writer<'a> {
    pub(super) reader: &'a Reader,
    pub(super) unknown: &'a mut Vec<String>,
    pub(super) dropped: &'a mut BTreeSet<String>,
}

fn is_block(node: &Node) -> bool {
    BLOCKS.contains(&node.name())
}

impl Writer<'_> {
    /// Each block of `nodes`, as Markdown; loose inline content between
    /// blocks makes a paragraph of its own.
    pub(super) fn blocks(&mut self, nodes: &[Node]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut run: Vec<&Node> = Vec::new();
        // The marker of the list just written: a list right after it needs
        // another, or Markdown would join the two.
        let mut last_list: Option<char> = None;
        for node in nodes {
            if !is_block(node) {
                run.push(node);
                continue;
            }
            if let Some(p) = self.paragraph(&run) {
                out.push(p);
                last_list = None;
            }
            run.clear();
            let name = node.name();
            match name {
                "ul" | "ol" => {
                    let ordered = name == "ol";
                    let marker = match (ordered, last_list) {
                        (false, Some('-')) => '*',
                        (false, _) => '-',
                        (true, Some('.')) => ')',
                        (true, _) => '.',
                    };
                    out.push(self.list(node, ordered, marker));
                    last_list = Some(marker);
                    continue;
                }
                _ if CONTAINERS.contains(&name) => out.extend(self.blocks(node.children())),
                _ => out.extend(self.block(node)),
            }
            last_list = None;
        }
        out.extend(self.paragraph(&run));
        out
    }

    fn block(&mut self, node: &Node) -> Option<String> {
        let name = node.name();
        match name {
            "p" => self.paragraph(&node.children().iter().collect::<Vec<_>>()),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = usize::from(name.as_bytes()[1] - b'0');
                let text = self.paragraph(&node.children().iter().collect::<Vec<_>>())?;
                Some(format!("{} {}", "#".repeat(level), text.replace('\n', " ")))
            }
            "blockquote" => {
                let inner = self.blocks(node.children()).join("\n\n");
                Some(
                    inner
                        .lines()
                        .map(|l| {
                            if l.is_empty() {
                                ">".to_string()
                            } else {
                                format!("> {l}")
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("\n"),
                )
            }
            "pre" => Some(self.code_block(node)),
            "hr" => Some("---".into()),
            "table" => self.table(node),
            // Table parts outside a table: their text, as blocks.
            _ => Some(self.blocks(node.children()).join("\n\n")).filter(|s| !s.is_empty()),
        }
    }

    /// Inline nodes as one paragraph, or `None` when they hold no text.
    fn paragraph(&mut self, nodes: &[&Node]) -> Option<String> {
        let mut out = String::new();
        for node in nodes {
            self.inline(node, &mut out);
        }
        // A line break at either end of a paragraph is not one in Markdown.
        let mut text = out.trim_start_matches(['\n', ' ', '\t']);
        while let Some(rest) = text.strip_prefix("\\\n") {
            text = rest.trim_start_matches(['\n', ' ', '\t']);
        }
        let mut text = text.trim_end_matches(['\n', ' ', '\t']).to_string();
        while text.ends_with("\\\n") || text.ends_with("\\") && !text.ends_with("\\\\") {
            text.truncate(text.len() - if text.ends_with('\n') { 2 } else { 1 });
            text.truncate(text.trim_end().len());
        }
        (!text.is_empty()).then_some(paragraph_breaks(&text))
    }

    fn inline(&mut self, node: &Node, out: &mut String) {
        let name = node.name();
        match node {
            Node::Text(t) => {
                // The newline after `<br />` is the break itself.
                let t = if out.ends_with("\\\n") {
                    t.strip_prefix('\n').unwrap_or(t)
                } else {
                    t
                };
                let line_start = out.is_empty() || out.ends_with('\n');
                push_text(t, self.reader, self.unknown, out, line_start);
            }
            _ if name == "br" => out.push_str("\\\n"),
            _ if matches!(name, "strong" | "b") => self.wrap(node, "**", out),
            _ if matches!(name, "em" | "i") => self.wrap(node, "*", out),
            _ if matches!(name, "del" | "s" | "strike") => self.wrap(node, "~~", out),
            _ if name == "code" => out.push_str(&self.code_span(&node.text())),
            _ if name == "a" => {
                let mut text = String::new();
                for child in node.children() {
                    self.inline(child, &mut text);
                }
                match node.attr("href") {
                    Some(href) => out.push_str(&format!(
                        "[{text}]({}{})",
                        destination(href),
                        title(node.attr("title"))
                    )),
                    None => out.push_str(&text),
                }
            }
            _ if name == "img" => {
                let mut alt = String::new();
                escape(node.attr("alt").unwrap_or_default(), &mut alt, false);
                let src = destination(node.attr("src").unwrap_or_default());
                out.push_str(&format!("![{alt}]({src}{})", title(node.attr("title"))));
            }
            _ => {
                if !INLINE.contains(&name) && !BLOCKS.contains(&name) {
                    self.dropped.insert(name.to_string());
                }
                for child in node.children() {
                    self.inline(child, out);
                }
            }
        }
    }

    /// `**text**`, with surrounding blanks moved outside the markers, where
    /// Markdown needs them.
    fn wrap(&mut self, node: &Node, marker: &str, out: &mut String) {
        let mut inner = String::new();
        for child in node.children() {
            self.inline(child, &mut inner);
        }
        let trimmed = inner.trim();
        if trimmed.is_empty() {
            out.push_str(&inner);
            return;
        }
        let lead = &inner[..inner.len() - inner.trim_start().len()];
        let trail = &inner[inner.trim_end().len()..];
        out.push_str(&format!("{lead}{marker}{trimmed}{marker}{trail}"));
    }

    /// `` `code` ``, fenced with more backticks than the code holds.
    fn code_span(&mut self, code: &str) -> String {
        let code = self.placeholders_only(code);
        let longest = longest_run(&code, '`');
        let fence = "`".repeat(longest + 1);
        let pad = code.starts_with('`')
            || code.ends_with('`')
            || (code.starts_with(' ') && code.ends_with(' ') && !code.trim().is_empty());
        let space = if pad { " " } else { "" };
        format!("{fence}{space}{code}{space}{fence}")
    }

    fn code_block(&mut self, pre: &Node) -> String {
        let code = pre.children().iter().find(|c| c.name() == "code");
        let language = code
            .and_then(|c| c.attr("class"))
            .and_then(|class| {
                class
                    .split_whitespace()
                    .find_map(|c| c.strip_prefix("language-"))
            })
            .unwrap_or_default();
        let mut text = self.placeholders_only(&code.map_or_else(|| pre.text(), Node::text));
        if !text.ends_with('\n') {
            text.push('\n');
        }
        let fence = "`".repeat(longest_run(&text, '`').max(2) + 1);
        format!("{fence}{language}\n{text}{fence}")
    }

    /// Code keeps its text; only placeholders are spelled Cannery's way.
    fn placeholders_only(&mut self, text: &str) -> String {
        self.reader
            .segments(text, self.unknown)
            .into_iter()
            .map(|s| match s {
                Segment::Text(t) => t.to_string(),
                Segment::Placeholder { name, default } => {
                    placeholder::spell(&name, default.as_deref())
                }
            })
            .collect()
    }

    fn list(&mut self, list: &Node, ordered: bool, marker: char) -> String {
        let start: u64 = list.attr("start").and_then(|s| s.parse().ok()).unwrap_or(1);
        let items: Vec<&Node> = list
            .children()
            .iter()
            .filter(|c| c.name() == "li")
            .collect();
        // A loose list wraps each item's text in a paragraph.
        let loose = items
            .iter()
            .any(|li| li.children().iter().any(|c| c.name() == "p"));
        let mut out = Vec::new();
        for (n, li) in items.iter().enumerate() {
            let bullet = if ordered {
                format!("{}{marker} ", start + n as u64)
            } else {
                format!("{marker} ")
            };
            let content = self
                .blocks(li.children())
                .join(if loose { "\n\n" } else { "\n" });
            let indent = " ".repeat(bullet.len());
            let mut item = bullet.trim_end().to_string();
            for (i, line) in content.lines().enumerate() {
                if i == 0 {
                    item.push(' ');
                } else {
                    item.push('\n');
                    if !line.is_empty() {
                        item.push_str(&indent);
                    }
                }
                item.push_str(line);
            }
            out.push(item);
        }
        out.join(if loose { "\n\n" } else { "\n" })
    }

    fn table(&mut self, table: &Node) -> Option<String> {
        let mut rows: Vec<&Node> = Vec::new();
        collect_rows(table, &mut rows);
        let first = rows.first()?;
        let aligns: Vec<&str> = cells(first)
            .iter()
            .map(|c| {
                let style = c.attr("style").unwrap_or_default().replace(' ', "");
                match style.split(';').find_map(|s| s.strip_prefix("text-align:")) {
                    Some("left") => ":--",
                    Some("center") => ":-:",
                    Some("right") => "--:",
                    _ => "---",
                }
            })
            .collect();
        let mut lines = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let texts: Vec<String> = cells(row)
                .iter()
                .map(|c| {
                    let mut s = String::new();
                    for child in c.children() {
                        self.inline(child, &mut s);
                    }
                    s.replace("\\\n", " ").replace('\n', " ").trim().to_string()
                })
                .collect();
            lines.push(format!("| {} |", texts.join(" | ")));
            if i == 0 {
                lines.push(format!("| {} |", aligns.join(" | ")));
            }
        }
        Some(lines.join("\n"))
    }
}

/// Two line breaks in a row (`<br><br>`, how many editors end a
/// paragraph) as a paragraph break.
fn paragraph_breaks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\\\n\\\n") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        while let Some(after) = rest.strip_prefix("\\\n") {
            rest = after;
        }
        out.push_str("\n\n");
    }
    out.push_str(rest);
    out
}

fn cells(row: &Node) -> Vec<&Node> {
    row.children()
        .iter()
        .filter(|c| matches!(c.name(), "th" | "td"))
        .collect()
}

fn collect_rows<'n>(node: &'n Node, rows: &mut Vec<&'n Node>) {
    for child in node.children() {
        if child.name() == "tr" {
            rows.push(child);
        } else {
            collect_rows(child, rows);
        }
    }
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut longest, mut current) = (0, 0);
    for ch in s.chars() {
        current = if ch == c { current + 1 } else { 0 };
        longest = longest.max(current);
    }
    longest
}

/// A link destination, in `<…>` when it holds blanks.
fn destination(url: &str) -> String {
    let escaped: String = url
        .chars()
        .flat_map(|c| match c {
            '\\' | '(' | ')' | '<' | '>' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    if url.contains([' ', '\t', '\n']) {
        format!("<{escaped}>")
    } else {
        escaped
    }
}

fn title(title: Option<&str>) -> String {
    match title {
        Some(t) if !t.is_empty() => {
            format!(" \"{}\"", t.replace('\\', "\\\\").replace('"', "\\\""))
        }
        _ => String::new(),
    }
}
