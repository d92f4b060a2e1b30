//! YAML text -> a document tree of our own that remembers each node's line and column.
//!
//! This is the only module that knows about YAML. It reads parser events from `saphyr-parser`
//! and resolves plain scalars with the YAML 1.2 core schema itself, so that integers beyond
//! 64 bits (the published OpenAI spec has `-9223372036854776000`) load instead of failing, and
//! so that every node keeps the position the rest of the generator quotes in its errors.
//! A large document is parsed in pieces on several threads where it can be cut at a mapping key
//! and the pieces prove their cuts (`parse_in_parts`); the result is the same tree, positions
//! included, and anything unusual is parsed whole.

use std::collections::HashMap;

use indexmap::IndexMap;
use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::diag::{Diagnostic, Pointer, Severity};

/// How many `$ref`s in a row [`Document::deref`] follows before it calls the chain circular.
pub const MAX_REF_DEPTH: usize = 64;

/// A loaded spec: the name it was loaded under and its root node.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file name used in diagnostics, as the caller gave it.
    pub file: String,
    /// The root of the tree.
    pub root: Node,
}

/// One node of the tree with its 1-based line and column.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the node holds.
    pub value: Value,
    /// 1-based line of the node's first character.
    pub line: u32,
    /// 1-based column of the node's first character.
    pub column: u32,
}

/// The value of a node.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~` or an empty plain scalar.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer; `i128` holds every integer the published specs contain.
    Int(i128),
    /// A floating-point number, or an integer too large even for `i128`.
    Float(f64),
    /// A string, quoted or plain.
    String(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping with string keys, in document order.
    Map(Map),
}

/// A mapping's entries. Lowering looks keys up hundreds of thousands of times on a large spec, and
/// the keys come from the user's own file, so a fast hash (Fx) serves better than `std`'s
/// flood-resistant one.
pub type Map = IndexMap<String, Node, rustc_hash::FxBuildHasher>;

impl Document {
    /// The node a JSON pointer names, if it exists. This and the two methods below are the one
    /// way in the whole project that pointers and local `$ref`s are followed.
    pub fn node_at(&self, at: &Pointer) -> Option<&Node> {
        let mut node = &self.root;
        for segment in at.segments() {
            node = match &node.value {
                Value::Map(map) => map.get(segment.as_ref())?,
                Value::Seq(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The target of a local `$ref` (`#/components/schemas/Pet`) and its pointer; `None` when
    /// the reference is not local or points to nothing.
    pub fn follow(&self, reference: &str) -> Option<(Pointer, &Node)> {
        let target = Pointer::from_fragment(reference)?;
        let node = self.node_at(&target)?;
        Some((target, node))
    }

    /// `node` with every `$ref` followed to the node that holds content; `None` when a
    /// reference dangles or the chain is longer than [`MAX_REF_DEPTH`] (circular).
    pub fn deref<'a>(&'a self, mut node: &'a Node) -> Option<&'a Node> {
        for _ in 0..MAX_REF_DEPTH {
            match node.get("$ref").and_then(Node::as_str) {
                Some(reference) => node = self.follow(reference)?.1,
                None => return Some(node),
            }
        }
        None
    }
}

impl Node {
    /// The entry `key` of a mapping node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(map) => map.get(key),
            _ => None,
        }
    }

    /// The mapping entries, if this is a mapping.
    pub fn as_map(&self) -> Option<&Map> {
        match &self.value {
            Value::Map(map) => Some(map),
            _ => None,
        }
    }

    /// The items, if this is a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The text, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The flag, if this is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The position as `(line, column)`.
    pub fn location(&self) -> (u32, u32) {
        (self.line, self.column)
    }

    /// A short name for the kind of value, for error messages.
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::String(_) => "a string",
            Value::Seq(_) => "a sequence",
            Value::Map(_) => "a mapping",
        }
    }
}

/// Parses `text` into a [`Document`]; `file` is only used in messages.
pub fn parse(file: &str, text: &str) -> Result<Document, Diagnostic> {
    let error = |message: String, line: usize, column: usize| Diagnostic {
        severity: Severity::Error,
        file: file.to_owned(),
        pointer: String::new(),
        location: Some((to_u32(line), to_u32(column + 1))),
        message,
    };

    let text = join_surrogate_pairs(text);
    let parts = std::thread::available_parallelism().map_or(1, |n| n.get()).min(MAX_PARTS);
    if text.len() >= SPLIT_FROM
        && let Some(root) = parse_in_parts(&text, parts)
    {
        return Ok(Document { file: file.to_owned(), root });
    }
    let mut builder = build(&text, 0).map_err(|(message, line, column)| error(message, line, column))?;
    match builder.documents.len() {
        1 => Ok(Document { file: file.to_owned(), root: builder.documents.pop().expect("one document") }),
        0 => Err(Diagnostic {
            severity: Severity::Error,
            file: file.to_owned(),
            pointer: String::new(),
            location: None,
            message: "the file holds no YAML document".to_owned(),
        }),
        n => Err(Diagnostic {
            severity: Severity::Error,
            file: file.to_owned(),
            pointer: String::new(),
            location: None,
            message: format!("the file holds {n} YAML documents; a spec is exactly one"),
        }),
    }
}

/// Runs the parser over `text` into a [`Builder`]; `line_offset` is added to every line it records.
fn build(text: &str, line_offset: usize) -> Result<Builder, BuildError> {
    let mut builder = Builder { line_offset, ..Builder::default() };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| (format!("invalid YAML: {}", e.info()), e.marker().line(), e.marker().col()))?;
        builder.event(event, span)?;
    }
    Ok(builder)
}

/// From this size on, a document is parsed in parts on several threads: the published OpenAI spec is 3 MB, and
/// parsing it was a sixth of a generation, all on one core.
const SPLIT_FROM: usize = 1 << 20;
/// At most this many parts.
const MAX_PARTS: usize = 8;

/// A line where the text may be cut: it holds only a mapping key (`  FineTuningJob:`), and `ancestors` are the lines,
/// outermost first, of the keys whose mappings it sits in.
#[derive(Debug)]
struct Cut {
    line: usize,
    key: String,
    indent: usize,
    ancestors: Vec<usize>,
}

/// The line's indentation and key, when it holds a block mapping key with nothing after the colon, written with
/// characters that read the same as a plain scalar.
fn key_only(line: &str) -> Option<(usize, &str)> {
    let content = line.strip_suffix('\n').unwrap_or(line);
    let body = content.trim_start_matches(' ');
    let key = body.strip_suffix(':')?;
    let first = key.bytes().next()?;
    let plain = |b: u8| b.is_ascii_alphanumeric() || b"_./{}$-".contains(&b);
    (matches!(first, b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'/' | b'$') && key.bytes().all(plain)).then_some((content.len() - body.len(), key))
}

/// The cut at line `at`, if that line holds only a key and every shallower line between it and the top of the file,
/// blank lines and comments aside, is one too (a block scalar or a flow collection it is inside of ends the search).
fn cut_at(lines: &[&str], at: usize) -> Option<Cut> {
    let (indent, key) = key_only(lines[at])?;
    let mut ancestors = Vec::new();
    let mut within = indent;
    let mut line = at;
    while within > 0 {
        line = line.checked_sub(1)?;
        let body = lines[line].trim_start_matches(' ');
        if body.trim().is_empty() || body.starts_with('#') {
            continue;
        }
        if lines[line].len() - body.len() >= within {
            continue;
        }
        let (outer, _) = key_only(lines[line])?;
        ancestors.push(line);
        within = outer;
    }
    ancestors.reverse();
    Some(Cut { line: at, key: key.to_owned(), indent, ancestors })
}

/// `text` parsed as `parts` pieces on as many threads and joined; `None` where it cannot be split, or where any piece
/// fails or does not prove its cut, so that the caller parses the whole text as one and reports as usual.
///
/// A piece after the first starts at a [`Cut`], preceded by copies of its ancestors' lines, so the parser stands where it
/// stood in the whole text: in the same mappings, at the same indentation. Every piece but the last also reads the next
/// cut's line, and must find there a key of the mapping that cut claims, at its line and column, as the deepest key
/// open at the end: that proves the next piece starts where its copied lines say, because this one started right (the
/// first piece starts at the top). Documents with markers or directives, and text with CR line ends, are not split;
/// an alias to an anchor in an earlier piece fails and falls back; a key repeated across pieces falls back too, and
/// the whole parse then reports it.
fn parse_in_parts(text: &str, parts: usize) -> Option<Node> {
    if parts < 2 || text.contains('\r') {
        return None;
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    if lines.iter().any(|l| l.starts_with("---") || l.starts_with("...") || l.starts_with('%')) {
        return None;
    }
    let mut starts = Vec::with_capacity(lines.len() + 1);
    let mut offset = 0;
    for line in &lines {
        starts.push(offset);
        offset += line.len();
    }
    starts.push(offset);
    let mut cuts: Vec<Cut> = Vec::with_capacity(parts - 1);
    for part in 1..parts {
        let first = starts.partition_point(|&s| s < text.len() * part / parts).max(cuts.last().map_or(1, |c| c.line + 1));
        if let Some(cut) = (first..lines.len()).find_map(|line| cut_at(&lines, line)) {
            cuts.push(cut);
        }
    }
    parse_at(text, &lines, &starts, &cuts)
}

/// [`parse_in_parts`] with the cuts chosen, in order.
fn parse_at(text: &str, lines: &[&str], starts: &[usize], cuts: &[Cut]) -> Option<Node> {
    if cuts.is_empty() {
        return None;
    }
    let pieces: Vec<(String, usize)> = (0..=cuts.len())
        .map(|i| {
            let (from, header) = match i.checked_sub(1).map(|c| &cuts[c]) {
                Some(cut) => (cut.line, cut.ancestors.iter().map(|&a| lines[a]).collect::<String>()),
                None => (0, String::new()),
            };
            let to = cuts.get(i).map_or(lines.len(), |next| next.line + 1);
            let header_lines = header.matches('\n').count();
            // Each copied line is an earlier line of the file, so the offset is never below zero.
            (header + &text[starts[from]..starts[to]], from - header_lines)
        })
        .collect();
    let built: Vec<Option<Builder>> = std::thread::scope(|scope| {
        let handles: Vec<_> = pieces.iter().map(|(piece, offset)| scope.spawn(move || build(piece, *offset).ok())).collect();
        handles.into_iter().map(|h| h.join().ok().flatten()).collect()
    });
    let mut roots = Vec::with_capacity(built.len());
    for (i, builder) in built.into_iter().enumerate() {
        let mut builder = builder?;
        if builder.documents.len() != 1 {
            return None;
        }
        let mut root = builder.documents.pop()?;
        if let Some(next) = cuts.get(i) {
            let (line, column, depth) = builder.last_key?;
            if line != next.line + 1 || column != next.indent || depth != next.ancestors.len() + 1 {
                return None;
            }
            // The next piece holds that key's value; here it was read as an empty one.
            let map = open_map(&mut root, lines, &next.ancestors)?;
            match map.pop() {
                Some((popped, Node { value: Value::Null, .. })) if popped == next.key => {}
                _ => return None,
            }
        }
        roots.push(root);
    }
    let mut roots = roots.into_iter();
    let mut whole = roots.next()?;
    for (root, cut) in roots.zip(cuts) {
        let keys: Vec<&str> = cut.ancestors.iter().map(|&a| key_only(lines[a]).map(|(_, key)| key)).collect::<Option<_>>()?;
        join(&mut whole, root, &keys)?;
    }
    Some(whole)
}

/// The mapping the keys on the `ancestors` lines lead to from `root`, each the last entry of the one before.
fn open_map<'a>(root: &'a mut Node, lines: &[&str], ancestors: &[usize]) -> Option<&'a mut Map> {
    let mut node = root;
    for &line in ancestors {
        let (_, key) = key_only(lines[line])?;
        let Value::Map(map) = &mut node.value else { return None };
        let (last, value) = map.last_mut()?;
        if last != key {
            return None;
        }
        node = value;
    }
    match &mut node.value {
        Value::Map(map) => Some(map),
        _ => None,
    }
}

/// Adds the piece `part` to `whole`: along `path`, the piece's one entry continues the last entry of `whole`; below
/// it, and after it at each level, its entries are appended. `None` on anything else, and on a key `whole` already has.
fn join(whole: &mut Node, part: Node, path: &[&str]) -> Option<()> {
    let (Value::Map(whole), Value::Map(part)) = (&mut whole.value, part.value) else { return None };
    let mut entries = part.into_iter();
    if let Some((first, rest)) = path.split_first() {
        let (key, value) = entries.next()?;
        let (last, into) = whole.last_mut()?;
        if key != *first || last != first {
            return None;
        }
        join(into, value, rest)?;
    }
    for (key, value) in entries {
        if whole.contains_key(&key) {
            return None;
        }
        whole.insert(key, value);
    }
    Some(())
}

/// Rewrites the JSON way of writing a character beyond U+FFFF, two `\u` escapes of a UTF-16
/// surrogate pair (`\ud83d\udc4d`), as the one YAML escape for it (`\U0001f44d`): YAML, and
/// so saphyr-parser, refuses a surrogate on its own, while JSON specs written by tools carry
/// them. Only escapes are touched, that is a `\u` after an odd run of backslashes; the line of
/// every node stays the same, and a column further along the same line moves two places left.
fn join_surrogate_pairs(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("\\u") {
        return std::borrow::Cow::Borrowed(text);
    }
    let hex = |s: &str| -> Option<u32> { (s.len() == 4).then(|| u32::from_str_radix(s, 16).ok()).flatten() };
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while let Some(found) = text[i..].find("\\u") {
        let at = i + found;
        let backslashes = bytes[..=at].iter().rev().take_while(|b| **b == b'\\').count();
        let pair = text.get(at + 2..at + 12).and_then(|rest| {
            let high = hex(rest.get(..4)?)?;
            let low = rest.get(4..6).filter(|s| *s == "\\u").and(hex(rest.get(6..10)?))?;
            ((0xD800..0xDC00).contains(&high) && (0xDC00..0xE000).contains(&low))
                .then(|| 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        });
        match pair {
            Some(scalar) if backslashes % 2 == 1 => {
                out.push_str(&text[copied..at]);
                out.push_str(&format!("\\U{scalar:08x}"));
                copied = at + 12;
                i = copied;
            }
            _ => i = at + 2,
        }
    }
    out.push_str(&text[copied..]);
    std::borrow::Cow::Owned(out)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A container being filled, with the anchor it will be registered under.
enum Open {
    Seq { items: Vec<Node>, anchor: usize, line: usize, column: usize },
    Map { entries: Map, key: Option<(String, usize, usize)>, anchor: usize, line: usize, column: usize },
}

type BuildError = (String, usize, usize);

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    anchors: HashMap<usize, Node>,
    documents: Vec<Node>,
    /// Added to every line recorded: where the text parsed starts in the file, less the lines put before it.
    line_offset: usize,
    /// Where the last mapping key read stands, line and 0-based column, and how many collections were open there.
    last_key: Option<(usize, usize, usize)>,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), BuildError> {
        let line = span.start.line() + self.line_offset;
        let column = span.start.col();
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::DocumentEnd => Ok(()),
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().ok_or_else(|| ("alias refers to an unknown anchor".to_owned(), line, column))?;
                self.finish(node, line, column)
            }
            Event::Scalar(text, style, anchor, tag) => {
                let value = if let Some(tag) = tag.as_deref() {
                    // Only `!!str` changes the meaning of a scalar in practice; other tags keep
                    // the plain resolution below.
                    if tag.is_yaml_core_schema() && tag.suffix == "str" {
                        Value::String(text.into_owned())
                    } else {
                        resolve_scalar(text.into_owned(), style)
                    }
                } else {
                    resolve_scalar(text.into_owned(), style)
                };
                let node = Node { value, line: to_u32(line), column: to_u32(column + 1) };
                if anchor != 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.finish(node, line, column)
            }
            Event::SequenceStart(anchor, _) => {
                self.stack.push(Open::Seq { items: Vec::new(), anchor, line, column });
                Ok(())
            }
            Event::MappingStart(anchor, _) => {
                self.stack.push(Open::Map { entries: Map::default(), key: None, anchor, line, column });
                Ok(())
            }
            Event::SequenceEnd => match self.stack.pop() {
                Some(Open::Seq { items, anchor, line, column }) => {
                    let node = Node { value: Value::Seq(items), line: to_u32(line), column: to_u32(column + 1) };
                    if anchor != 0 {
                        self.anchors.insert(anchor, node.clone());
                    }
                    self.finish(node, line, column)
                }
                _ => Err(("unbalanced sequence end".to_owned(), line, column)),
            },
            Event::MappingEnd => match self.stack.pop() {
                Some(Open::Map { entries, key: None, anchor, line, column }) => {
                    let node = Node { value: Value::Map(entries), line: to_u32(line), column: to_u32(column + 1) };
                    if anchor != 0 {
                        self.anchors.insert(anchor, node.clone());
                    }
                    self.finish(node, line, column)
                }
                _ => Err(("unbalanced mapping end".to_owned(), line, column)),
            },
        }
    }

    /// Hands a completed node to its parent, or records it as a document.
    fn finish(&mut self, node: Node, line: usize, column: usize) -> Result<(), BuildError> {
        let depth = self.stack.len();
        match self.stack.last_mut() {
            None => {
                self.documents.push(node);
                Ok(())
            }
            Some(Open::Seq { items, .. }) => {
                items.push(node);
                Ok(())
            }
            Some(Open::Map { entries, key, .. }) => match key.take() {
                None => {
                    let text = match node.value {
                        Value::String(s) => s,
                        Value::Int(i) => i.to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => "null".to_owned(),
                        Value::Float(f) => f.to_string(),
                        Value::Seq(_) | Value::Map(_) => {
                            return Err(("mapping keys must be scalars".to_owned(), line, column));
                        }
                    };
                    *key = Some((text, line, column));
                    self.last_key = Some((line, column, depth));
                    Ok(())
                }
                Some((text, key_line, key_column)) => {
                    if entries.contains_key(&text) {
                        return Err((format!("duplicate key `{text}`"), key_line, key_column));
                    }
                    entries.insert(text, node);
                    Ok(())
                }
            },
        }
    }
}

/// Resolves a scalar with the YAML 1.2 core schema: only plain scalars can be non-strings.
fn resolve_scalar(text: String, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::String(text);
    }
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    if let Some(value) = parse_int(&text) {
        return value;
    }
    if let (true, Ok(f)) = (is_float(&text), text.parse::<f64>()) {
        return Value::Float(f);
    }
    Value::String(text)
}

fn parse_int(text: &str) -> Option<Value> {
    let (digits, radix) = if let Some(hex) = text.strip_prefix("0x") {
        (hex, 16)
    } else if let Some(oct) = text.strip_prefix("0o") {
        (oct, 8)
    } else {
        (text, 10)
    };
    let body = if radix == 10 { digits.strip_prefix(['-', '+']).unwrap_or(digits) } else { digits };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    match i128::from_str_radix(digits, radix) {
        Ok(i) => Some(Value::Int(i)),
        // Larger than i128: keep it as a float rather than fail.
        Err(_) => digits.parse::<f64>().ok().map(Value::Float),
    }
}

fn is_float(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (whole, fraction) = match mantissa.find('.') {
        Some(at) => (&mantissa[..at], Some(&mantissa[at + 1..])),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = digits(whole) && fraction.is_none_or(digits) && !(whole.is_empty() && fraction.is_none_or(str::is_empty));
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Node {
        parse("t.yaml", text).unwrap().root
    }

    #[test]
    fn surrogate_pair_escapes_become_one_character() {
        let root = load("a: \"up \\ud83d\\udc4d!\"\nb: \"\\\\ud83d\\\\udc4d\"\nc: '\\ud83d'\n");
        assert_eq!(root.get("a").and_then(Node::as_str), Some("up \u{1f44d}!"));
        // An escaped backslash before `u` is not an escape: the text stays as written.
        assert_eq!(root.get("b").and_then(Node::as_str), Some("\\ud83d\\udc4d"));
        assert_eq!(root.get("c").and_then(Node::as_str), Some("\\ud83d"));
        // A surrogate on its own is still refused, with its place.
        let error = parse("t.yaml", "a: \"\\ud83d\"\n").unwrap_err();
        assert_eq!(error.location.map(|(line, _)| line), Some(1));
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let root = load("a: 1\nb: '1'\nc: 1.5\nd: true\ne: ~\nf: hello\ng: 1e3\nh: -9223372036854776000\ni: .5\nj: 0x1F\n");
        let get = |k: &str| root.get(k).unwrap().value.clone();
        assert_eq!(get("a"), Value::Int(1));
        assert_eq!(get("b"), Value::String("1".into()));
        assert_eq!(get("c"), Value::Float(1.5));
        assert_eq!(get("d"), Value::Bool(true));
        assert_eq!(get("e"), Value::Null);
        assert_eq!(get("f"), Value::String("hello".into()));
        assert_eq!(get("g"), Value::Float(1000.0));
        assert_eq!(get("h"), Value::Int(-9223372036854776000));
        assert_eq!(get("i"), Value::Float(0.5));
        assert_eq!(get("j"), Value::Int(31));
    }

    #[test]
    fn huge_integers_degrade_to_floats() {
        let root = load("a: 1000000000000000000000000000000000000000000\n");
        assert!(matches!(root.get("a").unwrap().value, Value::Float(f) if f > 1e41));
    }

    #[test]
    fn nodes_remember_lines_and_columns() {
        let root = load("paths:\n  /a:\n    get:\n      operationId: x\n");
        let get = root.get("paths").unwrap().get("/a").unwrap().get("get").unwrap();
        assert_eq!(get.location(), (4, 7));
        assert_eq!(get.get("operationId").unwrap().location(), (4, 20));
    }

    #[test]
    fn anchors_and_aliases_are_expanded() {
        let root = load("a: &x {k: v}\nb: *x\n");
        assert_eq!(root.get("b").unwrap().get("k").unwrap().as_str(), Some("v"));
    }

    #[test]
    fn syntax_errors_name_the_file_and_line() {
        let err = parse("spec/broken.yaml", "a: [1, 2\nb: c\n").unwrap_err();
        assert!(err.to_string().starts_with("error: spec/broken.yaml:"), "{err}");
        assert!(err.location.is_some());
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = parse("d.yaml", "a: 1\na: 2\n").unwrap_err();
        assert_eq!(err.to_string(), "error: d.yaml:2:1: duplicate key `a`");
    }

    /// The whole text parsed as one, for comparing with the parts.
    fn whole(text: &str) -> Node {
        let mut builder = build(text, 0).unwrap();
        assert_eq!(builder.documents.len(), 1);
        builder.documents.pop().unwrap()
    }

    /// `parse_at` with the one cut at `line`, if that line can be one.
    fn cut_once(text: &str, line: usize) -> Option<Option<Node>> {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let mut starts: Vec<usize> = lines.iter().scan(0, |at, l| Some(std::mem::replace(at, *at + l.len()))).collect();
        starts.push(text.len());
        let cut = cut_at(&lines, line)?;
        Some(parse_at(text, &lines, &starts, &[cut]))
    }

    const TRICKY: &str = "openapi: 3.1.0
info:
  title: T
  description: |
    intro:
      looks: like a key
    paths:
  version: '1'
paths:
  /a:
    get:
      summary: \"multi
        line:
        string\"
      x-flow: {
        a: 1,
        b:
          2 }
      responses:
        '200':
          description: ok

  /b: &shared
    get:
      # a comment:
      responses: {}
  /c: *shared
components:
  schemas:
    A:
      type: object
    B:
      type: string
      description: >
        folded
        C:
    C:
      type: integer
    D: *shared
0x1F:
  e: 1
";

    #[test]
    fn a_cut_anywhere_reads_as_the_whole_or_falls_back() {
        let expected = whole(TRICKY);
        let lines = TRICKY.lines().count();
        let mut joined = 0;
        for line in 0..lines {
            if let Some(Some(root)) = cut_once(TRICKY, line) {
                assert_eq!(root, expected, "cut at line {}", line + 1);
                joined += 1;
            }
        }
        // Cuts inside the block scalars, the quoted string, the flow mapping, after the anchor and at the key that does not
        // read as written all fall back; the cuts that stay are real keys.
        assert!(joined >= 5, "only {joined} cuts held");
        for inside in ["      looks: like a key", "        line:", "        b:", "        C:", "0x1F:"] {
            let line = TRICKY.lines().position(|l| l == inside).unwrap();
            assert!(!matches!(cut_once(TRICKY, line), Some(Some(_))), "{inside:?} is no cut");
        }
    }

    #[test]
    fn a_key_repeated_across_parts_is_reported_by_the_whole_parse() {
        let text = "a:\n  x: 1\nb:\n  y: 2\na:\n  z: 3\n";
        for line in 0..text.lines().count() {
            assert!(!matches!(cut_once(text, line), Some(Some(_))), "cut at line {}", line + 1);
        }
        let error = parse("d.yaml", text).unwrap_err();
        assert_eq!(error.to_string(), "error: d.yaml:5:1: duplicate key `a`");
    }

    /// Every spec at hand, split in a few ways, reads as the whole.
    #[test]
    fn specs_in_parts_read_as_the_whole() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
        let mut files = Vec::new();
        let mut folders = vec![root.join("tests/fixtures"), root.join("spec")];
        let shared = root.parent().map(|p| p.join("shared/specs")).filter(|p| p.join("openai-openapi.yaml").is_file());
        match &shared {
            Some(shared) => folders.extend([
                shared.clone(),
                shared.join("corpus/oai"),
                shared.join("corpus/openapi-generator"),
                shared.join("corpus/vendor"),
            ]),
            None => eprintln!("../shared/specs is absent: only the fixtures and spec/ were read in parts, not the published specs"),
        }
        for folder in folders {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "yaml") {
                    files.push(path);
                }
            }
        }
        let mut split = Vec::new();
        for path in &files {
            let text = std::fs::read_to_string(path).unwrap();
            let Ok(Document { root: expected, .. }) = parse("t.yaml", &text) else { continue };
            let text = join_surrogate_pairs(&text);
            for parts in [2, 5] {
                if let Some(root) = parse_in_parts(&text, parts) {
                    assert!(root == expected, "{} in {parts} parts", path.display());
                    split.push((path.file_name().unwrap().to_string_lossy().into_owned(), parts));
                }
            }
        }
        assert!(split.len() >= 10, "only {} splits: {split:?}", split.len());
        if shared.is_some() {
            for parts in [2, 5] {
                assert!(split.contains(&("openai-openapi.yaml".to_owned(), parts)), "the published spec splits in {parts}");
            }
        }
    }
}
