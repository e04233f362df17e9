//! One element of an export, and the JSON array that holds them.
//!
//! Most targets build a create request as a `serde_json::Value` of a few
//! mapped fields. Cannery's own JSON is a typed object whose bodies (the
//! Markdown, its HTML and its text) are most of an export's bytes; it is
//! written straight from that object, so each body is copied once instead
//! of into a `Value`, then into a pretty string, then into an indented one.

use serde::Serialize;
use serde_json::ser::Formatter;
use serde_json::Value;
use std::io;

pub enum Element {
    Value(Value),
    /// Already written as the array holds it: pretty, one level in.
    Written(Vec<u8>),
}

impl From<Value> for Element {
    fn from(value: Value) -> Element {
        Element::Value(value)
    }
}

impl Element {
    /// `value` written as `pretty_array` would write it.
    pub fn written(value: &impl Serialize) -> Element {
        let mut out = Vec::with_capacity(1024);
        write(&mut out, value);
        Element::Written(out)
    }

    /// A top-level string field, for the names a target wants unique. A
    /// written element has none to give: targets with unique fields build
    /// `Value`s (a test holds them to it).
    pub fn field(&self, name: &str) -> Option<&str> {
        match self {
            Element::Value(value) => value.get(name)?.as_str(),
            Element::Written(_) => None,
        }
    }

    /// The value, for targets that do not write JSON (Zammad's CSV).
    pub fn value(&self) -> Option<&Value> {
        match self {
            Element::Value(value) => Some(value),
            Element::Written(_) => None,
        }
    }
}

/// An export's bytes: one piece, or a JSON array's elements, each already
/// written one level in. The array is joined only when asked (the server
/// wants one buffer), so the CLI writes the elements out one after the
/// other without a second copy of the whole export in memory.
#[derive(Debug)]
pub enum Output {
    Bytes(Vec<u8>),
    Array(Vec<Vec<u8>>),
}

impl Output {
    /// Writes every byte of the output to `out`.
    pub fn write_to(&self, out: &mut impl io::Write) -> io::Result<()> {
        match self {
            Output::Bytes(bytes) => out.write_all(bytes),
            Output::Array(elements) if elements.is_empty() => out.write_all(b"[]\n"),
            Output::Array(elements) => {
                for (n, element) in elements.iter().enumerate() {
                    out.write_all(if n == 0 { b"[\n" } else { b",\n" })?;
                    out.write_all(element)?;
                }
                out.write_all(b"\n]\n")
            }
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Output::Bytes(bytes) => bytes.len(),
            Output::Array(elements) if elements.is_empty() => 3,
            Output::Array(elements) => elements.iter().map(|e| e.len() + 2).sum::<usize>() + 3,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The output in one buffer.
    pub fn into_vec(self) -> Vec<u8> {
        match self {
            Output::Bytes(bytes) => bytes,
            array => {
                let mut out = Vec::with_capacity(array.len());
                let _ = array.write_to(&mut out);
                out
            }
        }
    }
}

/// `serde_json::to_vec_pretty(elements)` and a newline, byte for byte, with
/// the elements written in parallel: on one thread, writing 10,000
/// elements was a third of an export's time.
pub fn pretty_array(elements: Vec<Element>) -> Output {
    use rayon::prelude::*;
    Output::Array(
        elements
            .into_par_iter()
            .map(|element| match element {
                Element::Value(value) => {
                    let mut out = Vec::with_capacity(512);
                    write(&mut out, &value);
                    out
                }
                Element::Written(written) => written,
            })
            .collect(),
    )
}

/// Writes `value` pretty and one level in, as an element of the array.
fn write(out: &mut Vec<u8>, value: &impl Serialize) {
    out.extend_from_slice(INDENT);
    let mut serializer = serde_json::Serializer::with_formatter(&mut *out, InArray::default());
    // Serializing into memory fails only for a map with non-string keys,
    // which no element has.
    let _ = value.serialize(&mut serializer);
}

const INDENT: &[u8] = b"  ";

/// serde_json's `PrettyFormatter`, started one level in.
struct InArray {
    level: usize,
    has_value: bool,
}

impl Default for InArray {
    fn default() -> InArray {
        InArray {
            level: 1,
            has_value: false,
        }
    }
}

impl InArray {
    fn begin<W: ?Sized + io::Write>(&mut self, writer: &mut W, open: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        writer.write_all(open)
    }

    fn end<W: ?Sized + io::Write>(&mut self, writer: &mut W, close: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.newline(writer, false)?;
        }
        writer.write_all(close)
    }

    fn newline<W: ?Sized + io::Write>(&mut self, writer: &mut W, comma: bool) -> io::Result<()> {
        writer.write_all(if comma { b",\n" } else { b"\n" })?;
        for _ in 0..self.level {
            writer.write_all(INDENT)?;
        }
        Ok(())
    }
}

impl Formatter for InArray {
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.begin(writer, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.end(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.newline(writer, !first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.begin(writer, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.end(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.newline(writer, !first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn samples() -> Vec<Value> {
        vec![
            json!({"a": 1, "b": [1, 2, {"c": "line\nbreak"}], "d": {}, "e": []}),
            json!("text"),
            json!({"nested": {"deeper": {"x": null, "y": [true, false, [], [[]]]}}}),
            json!([]),
            json!({}),
        ]
    }

    #[test]
    fn a_pretty_array_is_serde_jsons_to_the_byte() {
        let values = samples();
        for n in 0..=values.len() {
            let mut expected = serde_json::to_vec_pretty(&values[..n]).unwrap();
            expected.push(b'\n');
            // Built as values, written straight, and the two mixed.
            let built: Vec<Element> = values[..n].iter().cloned().map(Element::from).collect();
            let written: Vec<Element> = values[..n].iter().map(Element::written).collect();
            let mixed: Vec<Element> = values[..n]
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    if i % 2 == 0 {
                        Element::written(v)
                    } else {
                        v.clone().into()
                    }
                })
                .collect();
            for elements in [built, written, mixed] {
                let output = pretty_array(elements);
                assert_eq!(output.len(), expected.len());
                assert_eq!(
                    String::from_utf8(output.into_vec()).unwrap(),
                    String::from_utf8(expected.clone()).unwrap()
                );
            }
        }
    }
}
