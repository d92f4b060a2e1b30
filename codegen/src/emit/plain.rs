//! The items every struct and string enum has, written as text straight from the IR: the same text the token route
//! gives, without emitting tokens, parsing them back with syn and printing them with prettyplease.
//!
//! A struct, its `new`, its `Serialize` and the runtime's `Object` impl, and a string enum with `as_str` and its two
//! `From` impls are most of what the renderer formats on a large spec, and their shape is fixed: some set lines, then a
//! line or a few per field or variant. [`Printer`] writes the set lines itself. Each per-field statement and match arm
//! is formatted by prettyplease once for every combination of lengths that occurs, with filler names of those lengths,
//! and the real names are then written where the fillers stood: prettyplease lays a line out by the lengths of its
//! tokens, never by their letters. The few other choices (a list, a signature or a struct literal on one line or one
//! item per line; the first line of an item) follow prettyplease's own limits, [`MARGIN`] and [`INLINE_LITERAL`], which
//! the unit tests below pin at the column where it breaks; anything else, and any item the printer is unsure of, goes
//! back to the token route. `tests/tests/plain.rs` renders whole specs both ways and compares them.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use proc_macro2::TokenStream;

use super::Std;
use super::types::{Plain, all_optional, consts_doc, derives_deserialize};
use crate::ir::{Api, ConstField, Field, Literal, StringEnum, Struct, TypeDef, TypeRef};

/// prettyplease's line width: it keeps a line whole (a list, an impl's first line, a field) when it is at most this long.
const MARGIN: usize = 89;
/// prettyplease keeps a struct literal on one line while it is at most this long, `Self {` to `}` (its
/// `end_with_max_width(34)`, measured from before the path).
const INLINE_LITERAL: usize = 35;

/// Writes [`Plain`] items as text; shared by the rendering threads, with what it formatted once kept for all.
#[derive(Default)]
pub(super) struct Printer {
    /// Each `cfg` as it is printed above an item, by its text.
    cfgs: Mutex<HashMap<String, Arc<str>>>,
    /// Each statement shape as prettyplease prints it, cut where the names go.
    shapes: Mutex<HashMap<Shape, Option<Arc<[Piece]>>>>,
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
    /// An arm of the `match` in a string enum's `as_str` or `From` impls, with the variant's name and the wire value
    /// (or the catch-all variant's name and `String` as `std` writes it).
    Arm { arm: Arm, name: usize, wire: usize, std: Std },
}

/// Which arm a [`Shape::Arm`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Arm {
    /// `Self::Name => "wire",`
    ToStr,
    /// `"wire" => Self::Name,`
    FromStr,
    /// `Self::Unknown(value) => value.as_str(),`
    UnknownToStr,
    /// `other => Self::Unknown(String::from(other)),`
    UnknownFromStr,
    /// `_ => Self::Unknown(value),`
    UnknownFromString,
}

/// A run of a formatted statement: set text, or where the name a filler letter stands for goes.
#[derive(Debug)]
enum Piece {
    Text(Box<str>),
    Name(char),
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
    pub(super) fn text(
        &self,
        api: &Api,
        plain: Plain<'_>,
        std: Std,
        name: &str,
        cfg: Option<&TokenStream>,
        cfg_text: &str,
    ) -> Option<String> {
        let mut out = String::with_capacity(4096);
        let cfg: Arc<str> = match cfg {
            Some(cfg) => self.cfg(cfg, cfg_text)?,
            None => "".into(),
        };
        out.push_str(&cfg);
        match plain {
            Plain::Struct(def, s) => structure(api, def, s, std, &mut out)?,
            Plain::New(s) => constructor(api, s, std, name, &mut out)?,
            Plain::Enum(def, e) => self.enumeration(def, e, std, &cfg, &mut out)?,
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
        if head.len() - 1 > MARGIN {
            return None;
        }
        out.push_str(&head);
        let (result, none) = (std.text("Result"), std.text("None"));
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
        let head = format!("impl crate::runtime::Object for {name} {{\n    const NAME: &'static str = {};\n", string_literal(name));
        if head.lines().next().is_some_and(|line| line.len() > MARGIN) {
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
                let _ = writeln!(out, "        {wire},");
            }
            out.push_str("    ];\n");
        }
        let (result, none, some, ok) = (std.text("Result"), std.text("None"), std.text("Some"), std.text("Ok"));
        out.push_str(&format!(
            "    fn read<'de, A>(\n        mut object: crate::runtime::ObjectAccess<'de, A>,\n    ) -> {result}<Self, A::Error>\n    where\n        \
             A: ::serde::de::MapAccess<'de>,\n    {{\n"
        ));
        if s.fields.is_empty() {
            let _ = writeln!(
                out,
                "        while object.next_field()?.is_some() {{\n            object.skip()?;\n        }}\n        {ok}(Self {{}})\n    }}\n}}"
            );
            return Some(());
        }
        for i in 0..s.fields.len() {
            let _ = writeln!(out, "        let mut v{i} = {none};");
        }
        let _ = writeln!(out, "        while let {some}(field) = object.next_field()? {{\n            match field {{");
        for i in 0..s.fields.len() {
            let _ = writeln!(out, "                {i} => object.value(&mut v{i})?,");
        }
        out.push_str("                _ => object.skip()?,\n            }\n        }\n");
        // With one short field the literal stays on one line.
        if let [field] = s.fields.as_slice() {
            let init = if field.optional() {
                format!("{}: object.optional(v0)", field.name)
            } else {
                format!("{}: object.required(v0, {})?", field.name, string_literal(&field.wire))
            };
            let literal = format!("Self {{ {init} }}");
            if literal.len() <= INLINE_LITERAL {
                let _ = writeln!(out, "        {ok}({literal})\n    }}\n}}");
                return Some(());
            }
        }
        let _ = writeln!(out, "        {ok}(Self {{");
        for (i, field) in s.fields.iter().enumerate() {
            let (slot, last) = (format!("v{i}"), i + 1 == s.fields.len());
            self.init(field, &slot, last, out)?;
        }
        out.push_str("        })\n    }\n}\n");
        Some(())
    }

    /// A string enum, with `as_str` and `From<&str>` and `From<String>`; `cfg` goes above each impl (the caller wrote it
    /// above the enum).
    fn enumeration(&self, def: &TypeDef, e: &StringEnum, std: Std, cfg: &str, out: &mut String) -> Option<()> {
        let name = def.name.as_str();
        let (from, string) = (std.text("From"), std.text("String"));
        let heads =
            [format!("pub enum {name} {{"), format!("impl {from}<&str> for {name} {{"), format!("impl {from}<{string}> for {name} {{")];
        if heads.iter().any(|head| head.len() > MARGIN) {
            return None;
        }
        if let Some(doc) = &def.doc {
            doc_lines(out, "", doc)?;
        }
        if def.deprecated {
            out.push_str("#[deprecated]\n");
        }
        let default = if e.default.is_some() { ", Default" } else { "" };
        let _ = writeln!(out, "#[derive(Debug, Clone, PartialEq, Eq, Hash{default})]\n#[non_exhaustive]\n{}", heads[0]);
        for (i, variant) in e.variants.iter().enumerate() {
            if variant.wire.is_empty() {
                out.push_str("    /// The empty string.\n");
            } else {
                doc_line(out, "    ", &format!(" `{}`", variant.wire))?;
            }
            if e.default == Some(i) {
                out.push_str("    #[default]\n");
            }
            let _ = writeln!(out, "    {},", variant.name);
        }
        let unknown = e.unknown.as_str();
        let _ = writeln!(out, "    /// A value this SDK does not know yet, kept as sent.\n    {unknown}({string}),\n}}");
        let wires: Vec<String> = e.variants.iter().map(|v| string_literal(&v.wire)).collect();
        let arm = |arm: Arm, name: &str, wire: &str, out: &mut String| {
            let shape = Shape::Arm { arm, name: name.len(), wire: wire.len(), std };
            self.statement(shape, &[(FIELD, name), (WIRE, wire)], out)
        };
        let _ = writeln!(
            out,
            "{cfg}impl {name} {{\n    /// The value as written on the wire.\n    pub fn as_str(&self) -> &str {{\n        match self {{"
        );
        for (variant, wire) in e.variants.iter().zip(&wires) {
            arm(Arm::ToStr, &variant.name, wire, out)?;
        }
        arm(Arm::UnknownToStr, unknown, "", out)?;
        let _ = writeln!(out, "        }}\n    }}\n}}\n{cfg}{}\n    fn from(value: &str) -> Self {{\n        match value {{", heads[1]);
        for (variant, wire) in e.variants.iter().zip(&wires) {
            arm(Arm::FromStr, &variant.name, wire, out)?;
        }
        arm(Arm::UnknownFromStr, unknown, "", out)?;
        let _ = writeln!(
            out,
            "        }}\n    }}\n}}\n{cfg}{}\n    fn from(value: {string}) -> Self {{\n        match value.as_str() {{",
            heads[2]
        );
        for (variant, wire) in e.variants.iter().zip(&wires) {
            arm(Arm::FromStr, &variant.name, wire, out)?;
        }
        arm(Arm::UnknownFromString, unknown, "", out)?;
        out.push_str("        }\n    }\n}\n");
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

    /// Appends the statement `shape` with the text `names` gives each filler letter where that letter's filler stood.
    fn statement(&self, shape: Shape, names: &[(char, &str)], out: &mut String) -> Option<()> {
        let cached = self.shapes.lock().ok()?.get(&shape).cloned();
        let pieces = match cached {
            Some(pieces) => pieces?,
            None => {
                let pieces: Option<Arc<[Piece]>> = format_shape(&shape).and_then(|text| cut(&text, &fillers(&shape))).map(Into::into);
                self.shapes.lock().ok()?.insert(shape, pieces.clone());
                pieces?
            }
        };
        for piece in pieces.iter() {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Name(letter) => out.push_str(names.iter().find(|(l, _)| l == letter)?.1),
            }
        }
        Some(())
    }
}

/// The struct a [`TypeDef`] of a struct is: its docs, derives and fields, for a struct serde's derives are not needed
/// for. The type of a field is written on one line; a line that could come near the margin leaves the struct to the
/// tokens.
fn structure(api: &Api, def: &TypeDef, s: &Struct, std: Std, out: &mut String) -> Option<()> {
    if derives_deserialize(s) || s.fields.is_empty() {
        return None;
    }
    let head = format!("pub struct {} {{\n", def.name);
    if head.len() - 1 > MARGIN {
        return None;
    }
    if let Some(doc) = &def.doc {
        doc_lines(out, "", doc)?;
    }
    if def.deprecated {
        out.push_str("#[deprecated]\n");
    }
    if let Some(line) = consts_doc(s) {
        if def.doc.is_some() {
            out.push_str("///\n");
        }
        doc_line(out, "", &line)?;
    }
    out.push_str(if all_optional(s) { "#[derive(Debug, Clone, PartialEq, Default)]\n" } else { "#[derive(Debug, Clone, PartialEq)]\n" });
    if !def.input {
        out.push_str("#[non_exhaustive]\n");
    }
    out.push_str(&head);
    let option = std.text("Option");
    for field in &s.fields {
        if let Some(doc) = &field.doc {
            doc_lines(out, "    ", doc)?;
        }
        if field.deprecated {
            out.push_str("    #[deprecated]\n");
        }
        let ty = type_text(api, &field.ty, std);
        let line = if field.optional() {
            format!("    pub {}: {option}<{ty}>,\n", field.name)
        } else {
            format!("    pub {}: {ty},\n", field.name)
        };
        if line.len() - 1 > MARGIN {
            return None;
        }
        out.push_str(&line);
    }
    out.push_str("}\n");
    Some(())
}

/// A struct's `new`: one argument per field that is not an `Option` (and one for a flattened union), the others empty.
/// prettyplease keeps the arguments on one line when that line is at most [`MARGIN`] long, and the struct literal when it
/// is at most [`INLINE_LITERAL`]; otherwise one per line, each of which must be known to fit.
fn constructor(api: &Api, s: &Struct, std: Std, name: &str, out: &mut String) -> Option<()> {
    let head = format!("impl {name} {{\n");
    if head.len() - 1 > MARGIN {
        return None;
    }
    let (into, into_iterator, none) = (std.text("Into"), std.text("IntoIterator"), std.text("None"));
    // (name, type, optional), the flattened union last.
    let fields =
        s.fields.iter().map(|f| (f.name.as_str(), &f.ty, f.optional())).chain(s.flatten.as_ref().map(|f| (f.name.as_str(), &f.ty, false)));
    let (mut args, mut inits) = (Vec::new(), Vec::new());
    for (field, ty, optional) in fields {
        if optional {
            inits.push(format!("{field}: {none}"));
            continue;
        }
        match ty {
            TypeRef::Vec(item) => {
                args.push(format!("{field}: impl {into_iterator}<Item = impl {into}<{}>>", type_text(api, item, std)));
                inits.push(format!("{field}: {into_iterator}::into_iter({field}).map({into}::into).collect()"));
            }
            other => {
                args.push(format!("{field}: impl {into}<{}>", type_text(api, other, std)));
                inits.push(format!("{field}: {into}::into({field})"));
            }
        }
    }
    if let Some(extra) = &s.extra {
        inits.push(format!("{}: ::std::collections::BTreeMap::new()", extra.name));
    }
    out.push_str(&head);
    out.push_str("    /// A value with the required fields set and every optional field empty.\n");
    if args.len() > 7 {
        out.push_str("    #[allow(clippy::too_many_arguments)]\n");
    }
    let signature = format!("    pub fn new({}) -> Self {{", args.join(", "));
    if signature.len() <= MARGIN {
        out.push_str(&signature);
        out.push('\n');
    } else {
        out.push_str("    pub fn new(\n");
        for arg in &args {
            push_line(out, &format!("        {arg},"))?;
        }
        out.push_str("    ) -> Self {\n");
    }
    let literal = format!("Self {{ {} }}", inits.join(", "));
    if literal.len() <= INLINE_LITERAL {
        let _ = writeln!(out, "        {literal}");
    } else {
        out.push_str("        Self {\n");
        for init in &inits {
            push_line(out, &format!("            {init},"))?;
        }
        out.push_str("        }\n");
    }
    out.push_str("    }\n}\n");
    Some(())
}

/// Appends `line` when prettyplease keeps it whole: a line of one argument or one field of a literal at most [`MARGIN`]
/// long.
fn push_line(out: &mut String, line: &str) -> Option<()> {
    if line.len() > MARGIN {
        return None;
    }
    out.push_str(line);
    out.push('\n');
    Some(())
}

/// Doc text as `///` lines, as prettyplease prints the attributes `emit::doc_attrs` makes of it.
fn doc_lines(out: &mut String, indent: &str, text: &str) -> Option<()> {
    for line in super::doc_lines(text) {
        doc_line(out, indent, &line)?;
    }
    Some(())
}

/// One doc line; `None` for a line prettyplease would print another way (as `#[doc]` or a block comment).
fn doc_line(out: &mut String, indent: &str, line: &str) -> Option<()> {
    if line.contains('\n') || line.starts_with('/') {
        return None;
    }
    out.push_str(indent);
    out.push_str("///");
    out.push_str(line.trim_end_matches(' '));
    out.push('\n');
    Some(())
}

/// A type as `emit::ty` writes it from the `types` module, as text on one line.
fn type_text(api: &Api, ty: &TypeRef, std: Std) -> String {
    let generic = |outer: &str, inner: &TypeRef| format!("{outer}<{}>", type_text(api, inner, std));
    match ty {
        TypeRef::String => std.text("String").into_owned(),
        TypeRef::Integer => "i64".to_owned(),
        TypeRef::Number => "f64".to_owned(),
        TypeRef::Boolean => "bool".to_owned(),
        TypeRef::Json => "::serde_json::Value".to_owned(),
        TypeRef::File => "crate::runtime::File".to_owned(),
        TypeRef::Bytes => "crate::runtime::Bytes".to_owned(),
        TypeRef::Named(id) => api.ty(*id).name.clone(),
        TypeRef::Vec(inner) => generic(&std.text("Vec"), inner),
        TypeRef::Map(inner) => format!("::std::collections::BTreeMap<{}, {}>", std.text("String"), type_text(api, inner, std)),
        TypeRef::Option(inner) => generic(&std.text("Option"), inner),
        TypeRef::Box(inner) => generic(&std.text("Box"), inner),
    }
}

/// The fillers a shape is formatted with, by letter.
fn fillers(shape: &Shape) -> Vec<(char, String)> {
    match shape {
        Shape::Write { wire, field } | Shape::WriteSome { wire, field, .. } => {
            vec![(WIRE, filler(WIRE, *wire, true)), (FIELD, filler(FIELD, *field, false))]
        }
        Shape::WriteConst { wire, value: ConstValue::Str(len) } => {
            vec![(WIRE, filler(WIRE, *wire, true)), (VALUE, filler(VALUE, *len, true))]
        }
        Shape::WriteConst { wire, value: ConstValue::Exact(_) } => vec![(WIRE, filler(WIRE, *wire, true))],
        Shape::Required { field, slot, wire, .. } => {
            vec![(FIELD, filler(FIELD, *field, false)), (SLOT, filler(SLOT, *slot, false)), (WIRE, filler(WIRE, *wire, true))]
        }
        Shape::Optional { field, slot, .. } => vec![(FIELD, filler(FIELD, *field, false)), (SLOT, filler(SLOT, *slot, false))],
        Shape::Arm { arm: Arm::ToStr | Arm::FromStr, name, wire, .. } => {
            vec![(FIELD, filler(FIELD, *name, false)), (WIRE, filler(WIRE, *wire, true))]
        }
        Shape::Arm { name, .. } => vec![(FIELD, filler(FIELD, *name, false))],
    }
}

/// `text` cut at each filler, which must be there once; every filler is found before any is cut out, so one never
/// matches across another.
fn cut(text: &str, fillers: &[(char, String)]) -> Option<Vec<Piece>> {
    let mut spans = Vec::with_capacity(fillers.len());
    for (letter, fill) in fillers {
        let at = text.find(fill.as_str())?;
        if text[at + fill.len()..].contains(fill.as_str()) {
            return None;
        }
        spans.push((at, fill.len(), *letter));
    }
    spans.sort_unstable();
    let mut pieces = Vec::with_capacity(2 * spans.len() + 1);
    let mut copied = 0;
    for (at, len, letter) in spans {
        pieces.push(Piece::Text(text.get(copied..at)?.into()));
        pieces.push(Piece::Name(letter));
        copied = at + len;
    }
    pieces.push(Piece::Text(text[copied..].into()));
    Some(pieces)
}

/// A string literal as the tokens print it, escapes included.
fn string_literal(text: &str) -> String {
    // Printable ASCII but for the quote and the backslash is written as it is; proc_macro2 escapes the rest.
    if text.bytes().all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\') {
        return format!("\"{text}\"");
    }
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
    let arm = |text: String| {
        (format!("impl T {{ fn f() {{ match x {{ aaaa => a, {text} bbbb => b, }} }} }}"), "            aaaa", "            bbbb")
    };
    let (source, start, end) = match shape {
        Shape::Arm { arm: kind, name, wire, std } => {
            let (name, wire) = (filler(FIELD, *name, false), filler(WIRE, *wire, true));
            arm(match kind {
                Arm::ToStr => format!("Self::{name} => {wire},"),
                Arm::FromStr => format!("{wire} => Self::{name},"),
                Arm::UnknownToStr => format!("Self::{name}(value) => value.as_str(),"),
                Arm::UnknownFromStr => format!("other => Self::{name}({}::from(other)),", std.text("String")),
                Arm::UnknownFromString => format!("_ => Self::{name}(value),"),
            })
        }
        Shape::Write { wire, field } => {
            statement(format!("map.serialize_entry({}, &self.{})?;", filler(WIRE, *wire, true), filler(FIELD, *field, false)))
        }
        Shape::WriteSome { std, wire, field } => statement(format!(
            "if let {}(value) = &self.{} {{ map.serialize_entry({}, value)?; }}",
            std.text("Some"),
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
    use crate::ir::{TypeKind, TypeRef};

    /// The [`Plain`] item a struct or string enum is.
    fn item_of(ty: &TypeDef) -> Plain<'_> {
        match &ty.kind {
            TypeKind::Struct(s) => Plain::Struct(ty, s),
            TypeKind::Enum(e) => Plain::Enum(ty, e),
            other => panic!("{other:?} has no plain item"),
        }
    }

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
        compare_in(&crate::passes::testing::api(Vec::new()), printer, plain, name, answered, asked);
    }

    fn compare_in(api: &Api, printer: &Printer, plain: Plain<'_>, name: &str, answered: &mut usize, asked: &mut usize) {
        let cfgs =
            [None, Some(quote::quote!(#[cfg(feature = "fine-tuning")])), Some(quote::quote!(#[cfg(any(feature = "a", feature = "b"))]))];
        for std in [Std::SHORT, Std::ABSOLUTE] {
            for cfg in &cfgs {
                let cfg_text = cfg.as_ref().map(ToString::to_string).unwrap_or_default();
                let ident = super::super::ident(name);
                let expected = super::super::krate::unparse_items(plain.tokens(api, std, &ident), cfg.as_ref()).unwrap();
                *asked += 1;
                if let Some(text) = printer.text(api, plain, std, name, cfg.as_ref(), &cfg_text) {
                    *answered += 1;
                    if text != expected {
                        let at = text.lines().zip(expected.lines()).position(|(a, b)| a != b).unwrap_or(0);
                        let near = |t: &str| t.lines().skip(at.saturating_sub(2)).take(5).collect::<Vec<_>>().join("\n");
                        panic!("{name}, {std:?}, {cfg_text}: printed\n{}\nformatted\n{}", near(&text), near(&expected));
                    }
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
        // One field, whose literal stays on one line while it is short, and none.
        let (mut answered, mut asked) = (0, 0);
        for len in 1..=40 {
            for required in [true, false] {
                let one = Struct {
                    fields: vec![field(name_of(len), wire_of(len % 9 + 1, 0), required, false)],
                    consts: Vec::new(),
                    extra: None,
                    flatten: None,
                };
                compare(&printer, Plain::Object(&one), "Thing", &mut answered, &mut asked);
            }
        }
        let none = Struct { fields: Vec::new(), consts: Vec::new(), extra: None, flatten: None };
        compare(&printer, Plain::Object(&none), "Thing", &mut answered, &mut asked);
        assert_eq!(answered, asked);
        // Where the printer steps aside: nothing to write.
        assert!(printer.text(&crate::passes::testing::api(Vec::new()), Plain::Serialize(&none), Std::SHORT, "Thing", None, "").is_none());
    }

    #[test]
    fn printed_structs_read_as_if_formatted() {
        use crate::passes::testing::{api, def};
        let printer = Printer::default();
        let types = ["Job", "Status", "AVeryLongNameForATypeThatFieldsReferToAndThatTakesUpMostOfTheLine"];
        let mut api = api(types.iter().map(|name| def(name, TypeKind::Const(Literal::Bool(true)))).collect());
        let shapes = [
            TypeRef::String,
            TypeRef::Integer,
            TypeRef::Json,
            TypeRef::Named(crate::ir::TypeId(0)),
            TypeRef::Vec(Box::new(TypeRef::Named(crate::ir::TypeId(1)))),
            TypeRef::Map(Box::new(TypeRef::Option(Box::new(TypeRef::Number)))),
            TypeRef::Box(Box::new(TypeRef::Named(crate::ir::TypeId(1)))),
            TypeRef::Vec(Box::new(TypeRef::Bytes)),
        ];
        let docs = [
            None,
            Some("One line."),
            Some("Two\n\n- a list\n  going on\n\n```\ncode\n```\nsee https://example.com trailing   "),
            Some("  "),
        ];
        let (mut answered, mut asked) = (0, 0);
        for len in 1..=60 {
            let fields: Vec<Field> = (0..len % 7 + 1)
                .map(|i| Field {
                    name: if i == 3 { "r#type".to_owned() } else { name_of((len + i) % 25 + 1) },
                    wire: "w".to_owned(),
                    ty: shapes[(len + i) % shapes.len()].clone(),
                    required: (len + i) % 3 == 0,
                    nullable: (len + i) % 5 == 0,
                    doc: docs[(len + i) % docs.len()].map(str::to_owned),
                    deprecated: (len + i) % 6 == 0,
                })
                .collect();
            let consts = if len % 3 == 0 {
                vec![ConstField { wire: "object".to_owned(), value: Literal::String("x.y".to_owned()) }]
            } else {
                Vec::new()
            };
            let mut ty = def(&format!("S{}", "t".repeat(len)), TypeKind::Struct(Struct { fields, consts, extra: None, flatten: None }));
            ty.doc = docs[len % docs.len()].map(str::to_owned);
            ty.deprecated = len % 4 == 1;
            ty.input = len % 2 == 0;
            api.types.push(ty);
        }
        let shown = api.clone();
        for ty in &shown.types[types.len()..] {
            compare_in(&shown, &printer, item_of(ty), &ty.name, &mut answered, &mut asked);
        }
        // The absolute spellings of std names make many lines too long to be sure of.
        assert!(answered * 2 > asked, "the printer wrote {answered} of {asked}");
        // A struct's first line and a field's line either side of the margin.
        let (mut near, mut tried) = (0, 0);
        for len in 40..=100 {
            let mut one = field(name_of(len - 30), "w".to_owned(), len % 2 == 0, false);
            one.ty = TypeRef::Map(Box::new(TypeRef::Named(crate::ir::TypeId(0))));
            let ty = def(
                &format!("S{}", "t".repeat(len - 13)),
                TypeKind::Struct(Struct { fields: vec![one], consts: Vec::new(), extra: None, flatten: None }),
            );
            compare_in(&shown, &printer, item_of(&ty), &ty.name, &mut near, &mut tried);
        }
        assert!(near > 0 && near < tried, "{near} of {tried}");
        // A line that may not fit is left to the tokens, which break it where prettyplease does.
        let mut long = field("a_long_field_name".to_owned(), "w".to_owned(), true, false);
        long.ty = TypeRef::Vec(Box::new(TypeRef::Named(crate::ir::TypeId(2))));
        let long = def("Long", TypeKind::Struct(Struct { fields: vec![long], consts: Vec::new(), extra: None, flatten: None }));
        let (mut none, mut tried) = (0, 0);
        compare_in(&shown, &printer, item_of(&long), "Long", &mut none, &mut tried);
        assert_eq!(none, 0);
        // A struct with a catch-all map derives serde's impls, whose attributes it leaves to the tokens.
        let extra = Struct {
            fields: Vec::new(),
            consts: Vec::new(),
            extra: Some(crate::ir::CatchAll { name: "extra".to_owned(), value: TypeRef::Json }),
            flatten: None,
        };
        let with_extra = def("Open", TypeKind::Struct(extra));
        assert!(printer.text(&shown, item_of(&with_extra), Std::SHORT, "Open", None, "").is_none());
    }

    #[test]
    fn printed_constructors_read_as_if_formatted() {
        use crate::ir::{CatchAll, Flattened, TypeId};
        use crate::passes::testing::{api, def};
        let printer = Printer::default();
        let api = api(vec![def("Job", TypeKind::Const(Literal::Bool(true)))]);
        let shapes =
            [TypeRef::String, TypeRef::Vec(Box::new(TypeRef::Named(TypeId(0)))), TypeRef::Integer, TypeRef::Box(Box::new(TypeRef::Json))];
        let (mut answered, mut asked) = (0, 0);
        // One to nine required fields of every name length, so the arguments and the literal cross the lengths where
        // prettyplease stops keeping them on one line, with optional fields, a catch-all map and a flattened union between.
        for len in 1..=45 {
            for count in [1, 2, 3, 9] {
                let fields: Vec<Field> = (0..count)
                    .map(|i| Field {
                        ty: shapes[(len + i) % shapes.len()].clone(),
                        ..field(name_of(len.saturating_sub(i * 3).max(1)), "w".to_owned(), true, false)
                    })
                    .chain((len % 4 == 0).then(|| field("maybe".to_owned(), "maybe".to_owned(), false, false)))
                    .collect();
                let extra = (len % 5 == 0).then(|| CatchAll { name: "extra".to_owned(), value: TypeRef::Json });
                let flatten = (len % 7 == 0).then(|| Flattened { name: "kind".to_owned(), ty: TypeRef::Named(TypeId(0)) });
                let s = Struct { fields, consts: Vec::new(), extra, flatten };
                compare_in(&api, &printer, Plain::New(&s), "Thing", &mut answered, &mut asked);
            }
        }
        // The absolute spellings of std names make many lines too long to be sure of.
        assert!(answered * 4 > asked, "the printer wrote {answered} of {asked}");
    }

    #[test]
    fn printed_enums_read_as_if_formatted() {
        use crate::ir::{EnumVariant, StringEnum};
        use crate::passes::testing::{api, def};
        let printer = Printer::default();
        let api = api(Vec::new());
        let (mut answered, mut asked) = (0, 0);
        // Arms either side of the margin: every variant-name length against a spread of wire lengths, an empty wire, and
        // wires the literal escapes.
        for round in 0..6 {
            let variants = (1..=80)
                .map(|len| EnumVariant {
                    name: format!("V{}", "a".repeat(len - 1)),
                    wire: wire_of((len * 7 + round * 11) % 90, len + round),
                })
                .collect();
            let e = StringEnum {
                variants,
                unknown: if round == 5 { format!("U{}", "n".repeat(60)) } else { "Unknown".to_owned() },
                default: (round % 2 == 0).then_some(round),
            };
            let mut ty = def(&format!("E{}", "e".repeat(round * 15)), TypeKind::Enum(e));
            ty.doc = (round % 3 == 0).then(|| "An enum.\n\nWith two paragraphs.".to_owned());
            ty.deprecated = round == 4;
            compare_in(&api, &printer, item_of(&ty), &ty.name.clone(), &mut answered, &mut asked);
        }
        assert!(answered * 2 >= asked, "the printer wrote {answered} of {asked}");
    }
}
