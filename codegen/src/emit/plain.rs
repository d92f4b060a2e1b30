//! A struct's `Serialize` and `Object` impls written as text straight from the IR, the same text the token route gives.
//!
//! On a large spec these two impls are about half of what the renderer formats, and their shape is fixed: some
//! set lines, then a line or a few per field. So [`Printer`] writes them without emitting tokens, parsing them back
//! with syn and printing them with prettyplease. It never decides a line break itself. Each per-field statement is
//! formatted by prettyplease once for every combination of lengths that occurs, with filler names of those lengths,
//! and the real names are then written over the fillers: prettyplease lays a line out by the lengths of its tokens,
//! never by their letters. The few lines whose layout hangs on something else (the type's name, the list of wire
//! names) are written only where they are known to fit, and an impl the printer is unsure of goes back to the token
//! route. Tests render both routes and compare them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use proc_macro2::TokenStream;

use super::Std;
use super::types::Plain;
use crate::ir::{ConstField, Field, Literal, Struct};

/// prettyplease's line width: it keeps a list on one line when the line is at most this long.
const MARGIN: usize = 89;
/// How long a line holding the type's name may be for the printer to write it, well inside [`MARGIN`] as in
/// `krate::Stocked`.
const WIDTH: usize = 80;

/// Writes [`Plain`] impls as text; shared by the rendering threads, with what it formatted once kept for all.
#[derive(Default)]
pub(super) struct Printer {
    /// Each `cfg` as it is printed above an item, by its text.
    cfgs: Mutex<HashMap<String, Arc<str>>>,
    /// Each statement shape as prettyplease prints it, with fillers where the names go.
    shapes: Mutex<HashMap<Shape, Option<Arc<str>>>>,
}

/// A per-field statement, told apart by what its layout depends on: the lengths of its names as printed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Shape {
    /// `map.serialize_entry("wire", &self.field)?;`
    Write { wire: usize, field: usize },
    /// `if let Some(value) = &self.field { map.serialize_entry("wire", value)?; }`, with `Some` as `std` writes it.
    WriteSome { std: Std, wire: usize, field: usize },
    /// `map.serialize_entry("wire", &value)?;` for a fixed value: a string's length, or the value's text.
    WriteConst { wire: usize, value: ConstValue },
    /// `field: object.required(slot, "wire")?,` in the struct literal; `last` for its last field.
    Required { field: usize, slot: usize, wire: usize, last: bool },
    /// `field: object.optional(slot),` in the struct literal.
    Optional { field: usize, slot: usize, last: bool },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ConstValue {
    /// A string literal this long, quotes included.
    Str(usize),
    /// A number or `true`/`false`, as printed.
    Exact(String),
}

/// What stands in for each kind of name while a [`Shape`] is formatted: letters the set text around them never
/// holds, so each filler is found again as the one run of its letter.
const FIELD: char = 'Z';
const WIRE: char = 'X';
const SLOT: char = 'Q';
const VALUE: char = 'Y';

/// A filler name: `len` times `letter`, in quotes for a string literal.
fn filler(letter: char, len: usize, quoted: bool) -> String {
    if quoted { format!("\"{}\"", letter.to_string().repeat(len.saturating_sub(2))) } else { letter.to_string().repeat(len) }
}

impl Printer {
    /// `plain` for the type `name`, with `cfg` above it (`cfg_text` being its text, empty without one); `None` where the
    /// text must come from the tokens.
    pub(super) fn text(&self, plain: Plain<'_>, std: Std, name: &str, cfg: Option<&TokenStream>, cfg_text: &str) -> Option<String> {
        let mut out = String::with_capacity(4096);
        if let Some(cfg) = cfg {
            out.push_str(&self.cfg(cfg, cfg_text)?);
        }
        match plain {
            Plain::Serialize(s) => self.serialize(s, std, name, &mut out)?,
            Plain::Object(s) => self.object(s, std, name, &mut out)?,
        }
        Some(out)
    }

    /// The lines prettyplease prints for `cfg` above an item.
    fn cfg(&self, cfg: &TokenStream, cfg_text: &str) -> Option<Arc<str>> {
        if let Some(text) = self.cfgs.lock().ok()?.get(cfg_text) {
            return Some(text.clone());
        }
        let item = quote::quote! { struct StockName; };
        let printed = super::krate::unparse_items(item, Some(cfg)).ok()?;
        let text: Arc<str> = printed.strip_suffix("struct StockName;\n")?.into();
        self.cfgs.lock().ok()?.insert(cfg_text.to_owned(), text.clone());
        Some(text)
    }

    fn serialize(&self, s: &Struct, std: Std, name: &str, out: &mut String) -> Option<()> {
        // The catch-all map's loop is not written here, and a struct with nothing to write has `let map`.
        if s.extra.is_some() || (s.fields.is_empty() && s.consts.is_empty()) {
            return None;
        }
        let head = format!("impl ::serde::Serialize for {name} {{\n");
        if head.len() - 1 > WIDTH {
            return None;
        }
        out.push_str(&head);
        let (result, none) = (path(std.result()), path(std.none()));
        out.push_str(&format!(
            "    fn serialize<S>(&self, serializer: S) -> {result}<S::Ok, S::Error>\n    where\n        S: ::serde::Serializer,\n    {{\n        \
             use ::serde::ser::SerializeMap as _;\n        let mut map = serializer.serialize_map({none})?;\n"
        ));
        for ConstField { wire, value } in &s.consts {
            let wire = string_literal(wire);
            let value = match value {
                Literal::String(v) => string_literal(v),
                other => super::types::literal_tokens(other).to_string(),
            };
            let shape = Shape::WriteConst {
                wire: wire.len(),
                value: if value.starts_with('"') { ConstValue::Str(value.len()) } else { ConstValue::Exact(value.clone()) },
            };
            self.statement(shape, &[(WIRE, &wire), (VALUE, &value)], out)?;
        }
        for field in &s.fields {
            let wire = string_literal(&field.wire);
            let shape = if field.required {
                Shape::Write { wire: wire.len(), field: field.name.len() }
            } else {
                Shape::WriteSome { std, wire: wire.len(), field: field.name.len() }
            };
            self.statement(shape, &[(WIRE, &wire), (FIELD, &field.name)], out)?;
        }
        out.push_str("        map.end()\n    }\n}\n");
        Some(())
    }

    fn object(&self, s: &Struct, std: Std, name: &str, out: &mut String) -> Option<()> {
        // With one field the struct literal at the end may fit on one line.
        if s.fields.len() < 2 {
            return None;
        }
        let head = format!("impl crate::runtime::Object for {name} {{\n    const NAME: &'static str = {};\n", string_literal(name));
        if head.lines().any(|line| line.len() > WIDTH) {
            return None;
        }
        out.push_str(&head);
        let wires: Vec<String> = s.fields.iter().map(|f| string_literal(&f.wire)).collect();
        let list = format!("    const FIELDS: &'static [&'static str] = &[{}];", wires.join(", "));
        if list.len() <= MARGIN {
            out.push_str(&list);
            out.push('\n');
        } else {
            out.push_str("    const FIELDS: &'static [&'static str] = &[\n");
            for wire in &wires {
                out.push_str(&format!("        {wire},\n"));
            }
            out.push_str("    ];\n");
        }
        let (result, none, some, ok) = (path(std.result()), path(std.none()), path(std.some()), path(std.ok()));
        out.push_str(&format!(
            "    fn read<'de, A>(\n        mut object: crate::runtime::ObjectAccess<'de, A>,\n    ) -> {result}<Self, A::Error>\n    where\n        \
             A: ::serde::de::MapAccess<'de>,\n    {{\n"
        ));
        for i in 0..s.fields.len() {
            out.push_str(&format!("        let mut v{i} = {none};\n"));
        }
        out.push_str(&format!("        while let {some}(field) = object.next_field()? {{\n            match field {{\n"));
        for i in 0..s.fields.len() {
            out.push_str(&format!("                {i} => object.value(&mut v{i})?,\n"));
        }
        out.push_str(&format!("                _ => object.skip()?,\n            }}\n        }}\n        {ok}(Self {{\n"));
        for (i, field) in s.fields.iter().enumerate() {
            let (slot, last) = (format!("v{i}"), i + 1 == s.fields.len());
            self.init(field, &slot, last, out)?;
        }
        out.push_str("        })\n    }\n}\n");
        Some(())
    }

    /// One field of the struct literal `Object::read` ends with.
    fn init(&self, field: &Field, slot: &str, last: bool, out: &mut String) -> Option<()> {
        if field.optional() {
            let shape = Shape::Optional { field: field.name.len(), slot: slot.len(), last };
            self.statement(shape, &[(FIELD, &field.name), (SLOT, slot)], out)
        } else {
            let wire = string_literal(&field.wire);
            let shape = Shape::Required { field: field.name.len(), slot: slot.len(), wire: wire.len(), last };
            self.statement(shape, &[(FIELD, &field.name), (SLOT, slot), (WIRE, &wire)], out)
        }
    }

    /// Appends the statement `shape` with each filler letter's run replaced by its text in `names`.
    fn statement(&self, shape: Shape, names: &[(char, &str)], out: &mut String) -> Option<()> {
        let cached = self.shapes.lock().ok()?.get(&shape).cloned();
        let template = match cached {
            Some(template) => template?,
            None => {
                let template: Option<Arc<str>> = format_shape(&shape).map(Into::into);
                self.shapes.lock().ok()?.insert(shape, template.clone());
                template?
            }
        };
        // Every filler is found in the template before any name is written, so a name holding a filler's letter
        // is never mistaken for one.
        let mut spans: Vec<(usize, usize, &str)> = Vec::with_capacity(names.len());
        for (letter, name) in names {
            let quoted = *letter == WIRE || (*letter == VALUE && name.starts_with('"'));
            if *letter == VALUE && !quoted {
                continue;
            }
            let fill = filler(*letter, name.len(), quoted);
            let at = template.find(&fill)?;
            spans.push((at, fill.len(), name));
        }
        spans.sort_unstable();
        let mut copied = 0;
        for (at, len, name) in spans {
            out.push_str(template.get(copied..at)?);
            out.push_str(name);
            copied = at + len;
        }
        out.push_str(&template[copied..]);
        Some(())
    }
}

/// A std path as text, from the tokens `Std` gives (`:: std :: option :: Option :: None`).
fn path(tokens: TokenStream) -> String {
    tokens.to_string().replace(' ', "")
}

/// A string literal as the tokens print it, escapes included.
fn string_literal(text: &str) -> String {
    proc_macro2::Literal::string(text).to_string()
}

/// The lines prettyplease prints for `shape` with fillers for its names, found between two marker lines of a
/// synthetic item that puts the statement where the real one stands; `None` if that goes wrong.
fn format_shape(shape: &Shape) -> Option<String> {
    // The fields around a field of the struct literal are long enough that it is always broken into lines, as it is
    // with two fields or more in the real impl.
    const BEFORE: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const AFTER: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    let statement = |text: String| (format!("impl T {{ fn f() {{ a(); {text} b(); }} }}"), "        a();", "        b();");
    let field = |text: String, last: bool| {
        if last {
            (format!("impl T {{ fn f() {{ Ok(Self {{ {BEFORE}: a, {text} }}) }} }}"), "            aaaa", "        })")
        } else {
            (format!("impl T {{ fn f() {{ Ok(Self {{ {BEFORE}: a, {text}, {AFTER}: b }}) }} }}"), "            aaaa", "            bbbb")
        }
    };
    let (source, start, end) = match shape {
        Shape::Write { wire, field } => {
            statement(format!("map.serialize_entry({}, &self.{})?;", filler(WIRE, *wire, true), filler(FIELD, *field, false)))
        }
        Shape::WriteSome { std, wire, field } => statement(format!(
            "if let {}(value) = &self.{} {{ map.serialize_entry({}, value)?; }}",
            path(std.some()),
            filler(FIELD, *field, false),
            filler(WIRE, *wire, true)
        )),
        Shape::WriteConst { wire, value } => {
            let value = match value {
                ConstValue::Str(len) => filler(VALUE, *len, true),
                ConstValue::Exact(text) => text.clone(),
            };
            statement(format!("map.serialize_entry({}, &{value})?;", filler(WIRE, *wire, true)))
        }
        Shape::Required { field: name, slot, wire, last } => field(
            format!("{}: object.required({}, {})?", filler(FIELD, *name, false), filler(SLOT, *slot, false), filler(WIRE, *wire, true)),
            *last,
        ),
        Shape::Optional { field: name, slot, last } => {
            field(format!("{}: object.optional({})", filler(FIELD, *name, false), filler(SLOT, *slot, false)), *last)
        }
    };
    let printed = prettyplease::unparse(&syn::parse_file(&source).ok()?);
    let mut lines = printed.split_inclusive('\n');
    lines.by_ref().find(|line| line.starts_with(start))?;
    let mut text = String::new();
    for line in lines {
        if line.starts_with(end) {
            return Some(text);
        }
        text.push_str(line);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::TypeRef;

    fn field(name: String, wire: String, required: bool, nullable: bool) -> Field {
        Field { name, wire, ty: TypeRef::String, required, nullable, doc: None, deprecated: false }
    }

    /// A field name of `len` bytes.
    fn name_of(len: usize) -> String {
        let mut name = "f".repeat(len);
        if len > 2 {
            name.replace_range(1..2, "_");
        }
        name
    }

    /// A wire name of `len` characters; some hold characters the literal escapes or that take more than one byte.
    fn wire_of(len: usize, seed: usize) -> String {
        let mut wire: String = "w".repeat(len);
        match seed % 5 {
            1 if len > 1 => wire.replace_range(0..1, "\""),
            2 if len > 1 => wire.replace_range(0..1, "é"),
            3 if len > 1 => wire.replace_range(0..1, "Z"),
            _ => {}
        }
        wire
    }

    /// Renders `plain` both ways for each std spelling and a few cfgs, counting the tries and those the printer wrote.
    fn compare(printer: &Printer, plain: Plain<'_>, name: &str, answered: &mut usize, asked: &mut usize) {
        let cfgs =
            [None, Some(quote::quote!(#[cfg(feature = "fine-tuning")])), Some(quote::quote!(#[cfg(any(feature = "a", feature = "b"))]))];
        for std in [Std::SHORT, Std::ABSOLUTE] {
            for cfg in &cfgs {
                let cfg_text = cfg.as_ref().map(ToString::to_string).unwrap_or_default();
                let ident = super::super::ident(name);
                let expected = super::super::krate::unparse_items(plain.tokens(std, &ident), cfg.as_ref()).unwrap();
                *asked += 1;
                if let Some(text) = printer.text(plain, std, name, cfg.as_ref(), &cfg_text) {
                    *answered += 1;
                    assert_eq!(text, expected, "{name} ({plain:?})");
                }
            }
        }
    }

    #[test]
    fn printed_impls_read_as_if_formatted() {
        let printer = Printer::default();
        let (mut answered, mut asked) = (0, 0);
        // Every field-name length against a spread of wire lengths, required, optional and nullable, and the last
        // field of the literal with each.
        for round in 0..12 {
            let fields: Vec<Field> = (1..=100)
                .map(|len| {
                    let wire = wire_of((len * 7 + round * 13) % 100 + 1, len + round);
                    field(name_of(len), wire, (len + round) % 3 != 0, (len + round) % 4 == 0)
                })
                .collect();
            let s = Struct { fields, consts: Vec::new(), extra: None, flatten: None };
            compare(&printer, Plain::Serialize(&s), "Thing", &mut answered, &mut asked);
            compare(&printer, Plain::Object(&s), "Thing", &mut answered, &mut asked);
        }
        assert_eq!(answered, asked, "with a short type name the printer writes every impl");
        // Type names up to past the margin, short and long lists of wire names, raw names, fixed values.
        for len in 1..=90 {
            let name = format!("T{}", "y".repeat(len - 1));
            let fields = (0..len % 9 + 2).map(|i| field(name_of(i + 1), wire_of(len % 23 + i, i), i % 2 == 0, false));
            let mut fields: Vec<Field> = fields.collect();
            fields.push(field("r#type".to_owned(), "type".to_owned(), len % 2 == 0, false));
            let consts = vec![
                ConstField { wire: "object".to_owned(), value: Literal::String(wire_of(len, len)) },
                ConstField { wire: wire_of(len % 40 + 1, 0), value: Literal::Bool(true) },
                ConstField { wire: "n".to_owned(), value: Literal::Int(len as i64 - 45) },
            ];
            let s = Struct { fields, consts, extra: None, flatten: None };
            compare(&printer, Plain::Serialize(&s), &name, &mut answered, &mut asked);
            compare(&printer, Plain::Object(&s), &name, &mut answered, &mut asked);
            if len <= 40 {
                assert_eq!(answered, asked, "{name} is short enough for the printer");
            }
        }
        // The list of wire names one byte either side of fitting on one line.
        let (mut answered, mut asked) = (0, 0);
        for len in 1..=60 {
            let fields = [len, 5, 5].into_iter().enumerate().map(|(i, wire)| field(name_of(i + 1), wire_of(wire, 0), true, false));
            let s = Struct { fields: fields.collect(), consts: Vec::new(), extra: None, flatten: None };
            compare(&printer, Plain::Object(&s), "Thing", &mut answered, &mut asked);
        }
        assert_eq!(answered, asked);
        // Where the printer steps aside: one field, nothing to write, a catch-all map.
        let one =
            Struct { fields: vec![field("a".to_owned(), "a".to_owned(), true, false)], consts: Vec::new(), extra: None, flatten: None };
        let none = Struct { fields: Vec::new(), ..one.clone() };
        for plain in [Plain::Object(&one), Plain::Serialize(&none)] {
            assert!(printer.text(plain, Std::SHORT, "Thing", None, "").is_none());
        }
    }
}
