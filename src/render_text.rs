//! Plain text from Markdown events: what chat channels get.
//!
//! Lists become `- ` (or `1. `) lines, links `text (url)`, emphasis goes.

use pulldown_cmark::{Event, Tag, TagEnd};

pub(crate) fn to_text(events: &[Event]) -> String {
    let mut w = TextWriter::default();
    for event in events {
        w.event(event);
    }
    w.finish()
}

#[derive(Default)]
struct TextWriter {
    out: String,
    /// One entry per open list: the next number, or `None` for bullets.
    lists: Vec<Option<u64>>,
    /// Link targets waiting for their text to end.
    links: Vec<String>,
    /// Where the text of the innermost open link starts in `out`.
    link_starts: Vec<usize>,
    quote_depth: usize,
    in_table_row: bool,
    cells: usize,
}

impl TextWriter {
    fn event(&mut self, event: &Event) {
        match event {
            Event::Text(t) | Event::Code(t) => self.push(t),
            Event::Html(t) | Event::InlineHtml(t) => self.push(t),
            Event::SoftBreak | Event::HardBreak => self.newline(),
            Event::Rule => {
                self.block_gap();
                self.push("---");
                self.block_end();
            }
            Event::TaskListMarker(done) => self.push(if *done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(name) => self.push(&format!("[{name}]")),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.push(t),
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(*tag),
        }
    }

    fn start(&mut self, tag: &Tag) {
        match tag {
            Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::CodeBlock(_)
            | Tag::HtmlBlock
            | Tag::Table(_)
                if (self.lists.is_empty() || !matches!(tag, Tag::Paragraph)) =>
            {
                self.block_gap();
            }
            Tag::BlockQuote(_) => {
                self.block_gap();
                self.quote_depth += 1;
            }
            Tag::List(first) => {
                if self.lists.is_empty() {
                    self.block_gap();
                }
                self.lists.push(*first);
            }
            Tag::Item => {
                self.line_start();
                let depth = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => "- ".to_string(),
                };
                self.push(&format!("{}{marker}", "  ".repeat(depth)));
            }
            Tag::TableRow | Tag::TableHead => {
                self.line_start();
                self.in_table_row = true;
                self.cells = 0;
            }
            Tag::TableCell => {
                if self.cells > 0 {
                    self.push(" | ");
                }
                self.cells += 1;
            }
            Tag::Link { dest_url, .. } => {
                self.links.push(dest_url.to_string());
                self.link_starts.push(self.out.len());
            }
            Tag::Image { dest_url, .. } => {
                self.links.push(dest_url.to_string());
                self.link_starts.push(self.out.len());
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::CodeBlock
            | TagEnd::HtmlBlock
            | TagEnd::Table => self.block_end(),
            TagEnd::BlockQuote(_) => {
                self.quote_depth = self.quote_depth.saturating_sub(1);
                self.block_end();
            }
            TagEnd::List(_) => {
                self.lists.pop();
                if self.lists.is_empty() {
                    self.block_end();
                }
            }
            TagEnd::Item => self.line_start(),
            TagEnd::TableRow | TagEnd::TableHead => {
                self.in_table_row = false;
                self.line_start();
            }
            TagEnd::Link | TagEnd::Image => {
                let url = self.links.pop().unwrap_or_default();
                let start = self.link_starts.pop().unwrap_or(self.out.len());
                let text = &self.out[start..];
                let bare = url
                    .strip_prefix("mailto:")
                    .or(url.strip_prefix("tel:"))
                    .unwrap_or(&url);
                if !url.is_empty() && text != url && text != bare {
                    self.push(&format!(" ({url})"));
                }
            }
            _ => {}
        }
    }

    fn push(&mut self, s: &str) {
        if self.quote_depth > 0 {
            if self.out.is_empty() || self.out.ends_with('\n') {
                self.out.push_str(&"> ".repeat(self.quote_depth));
            }
            let prefix = format!("\n{}", "> ".repeat(self.quote_depth));
            self.out.push_str(&s.replace('\n', &prefix));
        } else {
            self.out.push_str(s);
        }
    }

    fn newline(&mut self) {
        self.out.push('\n');
        if !self.lists.is_empty() {
            self.out.push_str(&"  ".repeat(self.lists.len()));
        }
    }

    fn line_start(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn block_gap(&mut self) {
        self.line_start();
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    fn block_end(&mut self) {
        self.line_start();
    }

    fn finish(self) -> String {
        let lines: Vec<&str> = self.out.lines().map(str::trim_end).collect();
        let mut text = String::with_capacity(self.out.len());
        let mut blank = 0;
        for line in lines {
            if line.is_empty() {
                blank += 1;
                continue;
            }
            if !text.is_empty() {
                text.push_str(if blank > 0 { "\n\n" } else { "\n" });
            }
            blank = 0;
            text.push_str(line);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use crate::placeholder::scan;

    fn text(body: &str) -> String {
        let s = scan(body);
        crate::render::render(body, &s.placeholders, &|p| format!("<{}>", p.name)).text
    }

    #[test]
    fn plain_text_reads_like_a_chat_message() {
        let body = "Hi **{{ name }}**,\n\nYou can:\n\n* reset it [here](https://x.example/r)\n* write to <help@x.example>\n\n1. one\n2. two\n\n> quoted\n\nBye";
        assert_eq!(
            text(body),
            "Hi <name>,\n\nYou can:\n\n- reset it here (https://x.example/r)\n- write to help@x.example\n\n1. one\n2. two\n\n> quoted\n\nBye"
        );
    }

    #[test]
    fn nested_lists_and_tables() {
        assert_eq!(text("- a\n  - b\n- c"), "- a\n  - b\n- c");
        assert_eq!(
            text("| Plan | Price |\n|---|---|\n| Pro | 9 |"),
            "Plan | Price\nPro | 9"
        );
        assert_eq!(
            text("# Title\n\ntext ~~old~~ *new*"),
            "Title\n\ntext old new"
        );
    }
}
