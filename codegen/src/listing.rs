//! The IR → the generated crate's public API as a sorted text listing (`api.txt` in the output
//! crate), and two listings → the change report that says what a regeneration changes for code
//! that uses the crate, the version it moves to, and its `CHANGELOG.md` entry.
//!
//! A listing line is `kind path signature` then a tab and `# pointer`: `kind path` names one
//! Rust item (`field types::FineTuningJob.status`), the signature is what code that uses it
//! depends on (`: FineTuningJobStatus`), and the pointer says where the spec defines it. Lines
//! are sorted, so the listing is deterministic and diffs read well; it is kept in the output so
//! that the report needs no copy of the old spec.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::emit::parts::Needed;
use crate::ir::*;

/// One public item.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Item {
    /// `fn`, `struct`, `field`, `enum`, `variant`, `const`, `type`, `feature`.
    pub kind: String,
    /// The Rust path: `types::FineTuningJob.status`, `client.fine_tuning().jobs().pause`.
    pub path: String,
    /// What code that uses the item depends on; empty when the name is all.
    pub signature: String,
    /// Where the spec defines it.
    pub pointer: String,
}

impl Item {
    fn new(kind: &str, path: String, signature: String, pointer: &str) -> Item {
        Item { kind: kind.to_owned(), path, signature, pointer: pointer.to_owned() }
    }

    /// `kind path`: what stays the same while the item changes.
    fn key(&self) -> (String, String) {
        (self.kind.clone(), self.path.clone())
    }

    /// `kind path signature`, as the report quotes it.
    pub fn display(&self) -> String {
        format!("{} {}{}", self.kind, self.path, self.signature)
    }
}

/// The mark of a type that code outside the crate cannot match or build exhaustively, so that
/// a variant (or field) added later breaks nothing.
const NON_EXHAUSTIVE: &str = " [non_exhaustive]";

/// Every public item of the crate generated from `api`, sorted.
pub fn list(api: &Api) -> Vec<Item> {
    let mut items = Vec::new();
    for feature in &api.features {
        items.push(Item::new("feature", feature.clone(), String::new(), ""));
    }
    for scheme in &api.profile.schemes {
        let args = if scheme.kind == SchemeKind::Basic { "(username, password)" } else { "(key)" };
        items.push(Item::new("fn", format!("ClientBuilder::{}", scheme.setter), args.to_owned(), scheme.pointer.as_str()));
    }
    for variable in &api.profile.server_variables {
        items.push(Item::new("fn", format!("ClientBuilder::{}", variable.setter), "(value)".to_owned(), "/servers/0"));
    }
    for header in &api.profile.headers {
        items.push(Item::new("fn", format!("ClientBuilder::{}", header.setter), "(value)".to_owned(), ""));
    }
    if let Some(url) = &api.profile.default_base_url {
        items.push(Item::new("const", "DEFAULT_BASE_URL".to_owned(), format!(" = {url:?}"), "/servers/0"));
    }
    if let Some(webhooks) = api.webhooks {
        let event = &api.ty(webhooks.event).name;
        items.push(Item::new("fn", "unwrap_webhook".to_owned(), format!("(secret, headers, body) -> {event}"), "/webhooks"));
    }
    items.extend(export_items(Needed::of(api)));
    resource_items(api, &mut items);
    for (_, def) in api.sorted_types() {
        type_items(api, def, &mut items);
    }
    // By path first, so that a type's fields and variants follow it.
    items.sort_by(|a, b| (&a.path, &a.kind, &a.signature).cmp(&(&b.path, &b.kind, &b.signature)));
    items.dedup_by(|a, b| a.key() == b.key());
    items
}

/// What `lib.rs` re-exports from the runtime: `use StreamCall [runtime part sse]`, so that a part coming or going shows.
fn export_items(needed: Needed) -> impl Iterator<Item = Item> {
    needed
        .exports()
        .into_iter()
        .map(|(name, part)| Item::new("use", name.to_owned(), part.map(|p| format!(" [runtime part {p}]")).unwrap_or_default(), ""))
}

/// The methods of every operation (the listing is sorted, so the order here does not matter).
fn resource_items(api: &Api, items: &mut Vec<Item>) {
    for (op, path) in api.operations.iter().zip(api.method_paths()) {
        let Some(path) = path else { continue };
        let pointer = op.pointer.as_str();
        let deprecated = if op.deprecated { " [deprecated]" } else { "" };
        let returns = match (&op.response, op.raw_response) {
            (Some(ty), _) => format!("Call<{}>", rust(api, ty)),
            (None, Some(RawResponse::Bytes)) => "Call<Bytes>".to_owned(),
            (None, Some(RawResponse::Text)) => "Call<String>".to_owned(),
            (None, None) => "Call<()>".to_owned(),
        };
        let mut methods = Vec::new();
        if !op.only_events() {
            methods.push((&op.method_name, op.body.as_ref(), returns.clone()));
        }
        if let (Some(name), Some(form)) = (&op.multipart_method_name, &op.multipart_alternative) {
            methods.push((name, Some(form), returns.clone()));
        }
        if let Some(stream) = &op.stream {
            let events = format!("StreamCall<{}>", rust(api, &stream.event));
            if let Some(name) = &op.stream_method_name {
                methods.push((name, op.body.as_ref(), events.clone()));
            }
            if let (Some(name), Some(form)) = (&op.multipart_stream_method_name, &op.multipart_alternative) {
                methods.push((name, Some(form), events));
            }
        }
        for (name, body, returns) in methods {
            let mut args: Vec<String> = op.path_params.iter().map(|p| format!("{}: &str", p.name)).collect();
            if let Some(query) = &op.query {
                args.push(format!("{}: &{}", query.arg, api.ty(query.ty).name));
            }
            if let Some(body) = body {
                let ty = match body.encoding {
                    BodyEncoding::Text { .. } => "str".to_owned(),
                    BodyEncoding::Bytes { .. } => "[u8]".to_owned(),
                    BodyEncoding::Json | BodyEncoding::Multipart | BodyEncoding::Form => rust(api, &body.ty),
                };
                args.push(if body.required { format!("{}: &{ty}", body.arg) } else { format!("{}: Option<&{ty}>", body.arg) });
            }
            let signature = format!("({}) -> {returns}{deprecated}", args.join(", "));
            items.push(Item::new("fn", format!("{path}.{name}"), signature, pointer));
        }
    }
}

fn type_items(api: &Api, def: &TypeDef, items: &mut Vec<Item>) {
    let path = format!("types::{}", def.name);
    let pointer = def.pointer.as_str();
    let deprecated = if def.deprecated { " [deprecated]" } else { "" };
    let mut field = |f: &Field| {
        let ty = if f.optional() { format!("Option<{}>", rust(api, &f.ty)) } else { rust(api, &f.ty) };
        let deprecated = if f.deprecated { " [deprecated]" } else { "" };
        items.push(Item::new("field", format!("{path}.{}", f.name), format!(": {ty}{deprecated}"), pointer));
    };
    match &def.kind {
        TypeKind::Struct(s) => {
            s.fields.iter().for_each(&mut field);
            if let Some(extra) = &s.extra {
                field(&Field::catch_all(&extra.name, &extra.value));
            }
            if let Some(flattened) = &s.flatten {
                field(&Field::catch_all(&flattened.name, &flattened.ty));
            }
            let mut required: Vec<&str> = s.fields.iter().filter(|f| !f.optional()).map(|f| f.name.as_str()).collect();
            required.extend(s.flatten.as_ref().map(|f| f.name.as_str()));
            let constructor = if required.is_empty() { " (Default)".to_owned() } else { format!(" (new({}))", required.join(", ")) };
            let closed = if def.input { "" } else { NON_EXHAUSTIVE };
            items.push(Item::new("struct", path.clone(), format!("{constructor}{closed}{deprecated}"), pointer));
        }
        TypeKind::Params(p) => {
            p.fields.iter().for_each(|q| field(&q.field));
            let required: Vec<&str> = p.fields.iter().filter(|q| !q.field.optional()).map(|q| q.field.name.as_str()).collect();
            let constructor = if required.is_empty() { " (Default)".to_owned() } else { format!(" (new({}))", required.join(", ")) };
            items.push(Item::new("struct", path.clone(), constructor, pointer));
        }
        TypeKind::Enum(e) => {
            items.push(Item::new(
                "enum",
                path.clone(),
                format!(" (string, unknown values kept in {}){NON_EXHAUSTIVE}{deprecated}", e.unknown),
                pointer,
            ));
            for v in &e.variants {
                items.push(Item::new("variant", format!("{path}::{}", v.name), format!(" = {:?}", v.wire), pointer));
            }
        }
        TypeKind::OpenString(o) => {
            items.push(Item::new("struct", path.clone(), format!(" (any string){deprecated}"), pointer));
            for v in &o.known {
                items.push(Item::new("const", format!("{path}::{}", v.name), format!(" = {:?}", v.wire), pointer));
            }
        }
        TypeKind::Union(u) => {
            let tag = u.tag.as_ref().map(|t| format!(" (tagged by {t:?})")).unwrap_or_default();
            items.push(Item::new("enum", path.clone(), format!("{tag}{NON_EXHAUSTIVE}{deprecated}"), pointer));
            for v in &u.variants {
                let body = match &v.body {
                    VariantBody::Literal(literal) => format!(" = {}", literal_text(literal)),
                    VariantBody::Type(ty) => format!("({})", rust(api, ty)),
                };
                let tags = if v.tags.is_empty() { String::new() } else { format!(" [tag {}]", v.tags.join(", ")) };
                items.push(Item::new("variant", format!("{path}::{}", v.name), format!("{body}{tags}"), pointer));
            }
            if let Some(unknown) = &u.unknown {
                items.push(Item::new("variant", format!("{path}::{unknown}"), "(Value)".to_owned(), pointer));
            }
        }
        TypeKind::Const(literal) => items.push(Item::new("struct", path.clone(), format!(" = {}", literal_text(literal)), pointer)),
        TypeKind::Alias(ty) => items.push(Item::new("type", path.clone(), format!(" = {}", rust(api, ty)), pointer)),
    }
}

impl Field {
    /// A field that is always there, for the catch-all map and the flattened union.
    fn catch_all(name: &str, ty: &TypeRef) -> Field {
        let ty = match ty {
            TypeRef::Named(_) => ty.clone(),
            value => TypeRef::Map(Box::new(value.clone())),
        };
        Field { name: name.to_owned(), wire: String::new(), ty, required: true, nullable: false, doc: None, deprecated: false }
    }
}

fn literal_text(literal: &Literal) -> String {
    match literal {
        Literal::String(s) => format!("{s:?}"),
        Literal::Bool(b) => b.to_string(),
        Literal::Int(i) => i.to_string(),
    }
}

/// A type as the listing writes it: short names (`Vec<FineTuningJob>`, `Option<String>`).
fn rust(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".to_owned(),
        TypeRef::Integer => "i64".to_owned(),
        TypeRef::Number => "f64".to_owned(),
        TypeRef::Boolean => "bool".to_owned(),
        TypeRef::Json => "Value".to_owned(),
        TypeRef::File => "File".to_owned(),
        TypeRef::Bytes => "Bytes".to_owned(),
        TypeRef::Named(id) => api.ty(*id).name.clone(),
        TypeRef::Vec(inner) => format!("Vec<{}>", rust(api, inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", rust(api, inner)),
        TypeRef::Option(inner) => format!("Option<{}>", rust(api, inner)),
        TypeRef::Box(inner) => format!("Box<{}>", rust(api, inner)),
    }
}

/// The listing as text, one item a line, after a comment that says what it is.
pub fn render(items: &[Item]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# The public API of this crate, one item a line: what `cargo xtask codegen` compares to report changes.");
    for item in items {
        let _ = write!(out, "{} {}{}", item.kind, item.path, item.signature);
        if !item.pointer.is_empty() {
            let _ = write!(out, "\t# {}", item.pointer);
        }
        out.push('\n');
    }
    out
}

/// Reads a listing back; lines that are not items (the header, blank lines) are skipped.
pub fn parse(text: &str) -> Vec<Item> {
    let mut items = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (item, pointer) = line.split_once("\t# ").unwrap_or((line, ""));
        let Some((kind, rest)) = item.split_once(' ') else { continue };
        let (path, signature) = rest.split_at(signature_start(rest));
        items.push(Item::new(kind, path.to_owned(), signature.to_owned(), pointer));
    }
    items
}

/// Where the signature starts in `path signature`: at the `(` that opens a method's arguments
/// (the one that `) -> ` closes), else at ` (`, `: `, ` = `, ` [`, or a `(` that opens
/// arguments rather than closing an accessor's `()`.
fn signature_start(text: &str) -> usize {
    let bytes = text.as_bytes();
    if let Some(close) = text.find(") -> ") {
        let mut depth = 0;
        for i in (0..=close).rev() {
            match bytes[i] {
                b')' => depth += 1,
                b'(' if depth == 1 => return i,
                b'(' => depth -= 1,
                _ => {}
            }
        }
    }
    for (i, &b) in bytes.iter().enumerate() {
        let next = bytes.get(i + 1).copied();
        let starts = match b {
            b' ' => matches!(next, Some(b'(' | b'=' | b'[')),
            b':' => next == Some(b' '),
            b'(' => next != Some(b')'),
            _ => false,
        };
        if starts {
            return i;
        }
    }
    text.len()
}

/// What one change does to code that uses the crate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// The item's kind and path.
    pub item: String,
    /// The old signature, for a change or a removal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// The new signature, for a change or an addition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// Where the spec defines it (the new spec's pointer when there is one).
    pub pointer: String,
    /// Whether code that compiled against the old crate may not compile against the new one.
    pub breaking: bool,
    /// Why, in a few words, and what else changes at run time.
    pub note: String,
}

/// Every change between two listings, breaking first, each group sorted by item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The changes.
    pub changes: Vec<Change>,
}

impl Report {
    /// Compares the listing of the crate as it was with the one about to be written.
    pub fn between(old: &[Item], new: &[Item]) -> Report {
        // A listing from before the runtime's re-exports were listed comes from a crate that had all of them.
        let legacy: Vec<Item>;
        let lists_uses = |items: &[Item]| items.iter().any(|i| i.kind == "use");
        let old = if lists_uses(old) || !lists_uses(new) {
            old
        } else {
            legacy = old.iter().cloned().chain(export_items(Needed::ALL)).collect();
            &legacy
        };
        let old_by_key: BTreeMap<_, _> = old.iter().map(|i| (i.key(), i)).collect();
        let new_by_key: BTreeMap<_, _> = new.iter().map(|i| (i.key(), i)).collect();
        // A type added or removed as a whole is one change: its fields and variants go with it.
        // A type that changed kind (an alias that became an enum) counts as removed and added.
        let types = |by_key: &BTreeMap<(String, String), &Item>| -> Vec<(String, String)> {
            by_key.keys().filter(|(_, path)| owner(path).is_none() && path.starts_with("types::")).cloned().collect()
        };
        let (old_types, new_types) = (types(&old_by_key), types(&new_by_key));
        let gone: Vec<&String> = old_types.iter().filter(|t| !new_types.contains(t)).map(|(_, path)| path).collect();
        let fresh: Vec<&String> = new_types.iter().filter(|t| !old_types.contains(t)).map(|(_, path)| path).collect();
        let belongs = |item: &Item, to: &[&String]| owner(&item.path).is_some_and(|o| to.iter().any(|t| t.as_str() == o));
        let mut changes = Vec::new();
        for (key, before) in &old_by_key {
            match new_by_key.get(key) {
                None if belongs(before, &gone) => {}
                None => changes.push(removed(before)),
                Some(after) if after.signature != before.signature => changes.push(changed(before, after)),
                Some(_) => {}
            }
        }
        for (key, after) in &new_by_key {
            if !old_by_key.contains_key(key) && !belongs(after, &fresh) {
                changes.push(added(after, &old_by_key, &new_by_key));
            }
        }
        changes.sort_by(|a, b| b.breaking.cmp(&a.breaking).then_with(|| a.item.cmp(&b.item)));
        Report { changes }
    }

    /// Whether anything changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// How many changes break code that uses the crate.
    pub fn breaking(&self) -> usize {
        self.changes.iter().filter(|c| c.breaking).count()
    }

    /// The report in Markdown: a section for breaking changes and one for the rest.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let breaking = self.breaking();
        let other = self.changes.len() - breaking;
        for (title, count, want) in [("Breaking changes", breaking, true), ("Other changes", other, false)] {
            if count == 0 {
                continue;
            }
            let _ = writeln!(out, "### {title} ({count})\n");
            for change in self.changes.iter().filter(|c| c.breaking == want) {
                let what = match (change.change, &change.old, &change.new) {
                    ("changed", Some(old), Some(new)) => format!("`{}`: {} → {}", change.item, code(old), code(new)),
                    (_, _, Some(new)) if !new.is_empty() => format!("`{}{}`", change.item, new),
                    (_, Some(old), _) if !old.is_empty() => format!("`{}{}`", change.item, old),
                    _ => format!("`{}`", change.item),
                };
                let at = if change.pointer.is_empty() { String::new() } else { format!(" (`{}`)", change.pointer) };
                let _ = writeln!(out, "- {} {what}{at}: {}", change.change, change.note);
            }
            out.push('\n');
        }
        if out.is_empty() {
            out.push_str("No change to the public API.\n");
        }
        out
    }
}

/// The type a field, variant or constant belongs to: `types::Job` for `types::Job.status` and
/// `types::Job::Paused`; `None` for a type itself and for everything outside `types`.
fn owner(path: &str) -> Option<&str> {
    let name = path.strip_prefix("types::")?;
    let end = name.find(['.', ':'])?;
    Some(&path[.."types::".len() + end])
}

/// A signature as Markdown code, or `nothing` for an empty one.
fn code(signature: &str) -> String {
    match signature.trim() {
        "" => "nothing".to_owned(),
        text => format!("`{text}`"),
    }
}

fn removed(item: &Item) -> Change {
    let note = match item.kind.as_str() {
        "variant" => {
            "code that names or builds this variant no longer compiles; the value now arrives as the unknown variant, if the type keeps one"
        }
        "feature" => "a build that enables this feature fails",
        "use" => {
            "code that names it no longer compiles; the runtime part it comes from is left out, as nothing the spec describes needs it"
        }
        _ => "code that uses it no longer compiles",
    };
    Change {
        change: "removed",
        item: format!("{} {}", item.kind, item.path),
        old: Some(item.signature.clone()),
        new: None,
        pointer: item.pointer.clone(),
        breaking: true,
        note: note.to_owned(),
    }
}

fn added(item: &Item, old: &BTreeMap<(String, String), &Item>, new: &BTreeMap<(String, String), &Item>) -> Change {
    // The type the item belongs to: `types::Job` for `types::Job.status` or `types::Job::Paused`.
    let owner = owner(&item.path).unwrap_or_default();
    let owner_existed = ["struct", "enum"].iter().any(|kind| old.contains_key(&((*kind).to_owned(), owner.to_owned())));
    let owner_open = ["struct", "enum"]
        .iter()
        .any(|kind| new.get(&((*kind).to_owned(), owner.to_owned())).is_some_and(|o| o.signature.contains(NON_EXHAUSTIVE)));
    let (breaking, note) = match item.kind.as_str() {
        "variant" if owner_existed && owner_open && item.signature.starts_with(" = ") => (
            false,
            "the type is `#[non_exhaustive]`, so no code breaks; the value used to arrive as the unknown variant and now arrives as this one"
                .to_owned(),
        ),
        "field" | "variant" if owner_existed && owner_open => (false, "the type is `#[non_exhaustive]`, so no code breaks".to_owned()),
        "field" if owner_existed => {
            (true, "a struct expression that names every field (without `..`) must add it; reading and `new` are unaffected".to_owned())
        }
        "variant" if owner_existed && item.signature.starts_with(" = ") => (
            true,
            "a `match` without a wildcard arm must handle it; the value used to arrive as the unknown variant and now arrives as this one"
                .to_owned(),
        ),
        "variant" if owner_existed => (true, "a `match` without a wildcard arm must handle it".to_owned()),
        _ => (false, "new".to_owned()),
    };
    Change {
        change: "added",
        item: format!("{} {}", item.kind, item.path),
        old: None,
        new: Some(item.signature.clone()),
        pointer: item.pointer.clone(),
        breaking,
        note,
    }
}

fn changed(before: &Item, after: &Item) -> Change {
    let (old, new) = (before.signature.as_str(), after.signature.as_str());
    let strip = |s: &str| s.replace(" [deprecated]", "");
    let open = |s: &str| strip(s).replace(NON_EXHAUSTIVE, "");
    let kind = before.kind.as_str();
    let (breaking, note) = if strip(old) == strip(new) {
        let note = if new.contains("[deprecated]") { "now deprecated: a warning where it is used" } else { "no longer deprecated" };
        (false, note.to_owned())
    } else if open(old) == open(new) && new.contains(NON_EXHAUSTIVE) {
        let note = if kind == "struct" {
            "now `#[non_exhaustive]`: a struct expression outside the crate no longer compiles (`new` still does), and fields added later break nothing"
        } else {
            "now `#[non_exhaustive]`: a `match` outside the crate needs a wildcard arm, and variants added later break nothing"
        };
        (true, note.to_owned())
    } else if open(old) == open(new) {
        (false, "no longer `#[non_exhaustive]`: code written for it still compiles".to_owned())
    } else if kind == "field" && strip(new) == format!(": Option<{}>", strip(old).trim_start_matches(": ")) {
        (true, "now optional or nullable: the field is an `Option`".to_owned())
    } else if kind == "field" && strip(old) == format!(": Option<{}>", strip(new).trim_start_matches(": ")) {
        (true, "now required and not nullable: the field is no longer an `Option`, and `new` takes it".to_owned())
    } else if kind == "fn" && argument_types(&strip(old)) == argument_types(&strip(new)) {
        (false, "an argument was renamed; calls pass arguments by position, so they still compile".to_owned())
    } else if kind == "variant" && without_tags(old) == without_tags(new) {
        (false, "other tag values select it now: what arrives with them decodes differently".to_owned())
    } else if matches!(kind, "const" | "variant") && old.starts_with(" = ") && new.starts_with(" = ") {
        (false, "its value changed: code that names it compiles, and sends or matches the new value".to_owned())
    } else if kind == "struct" {
        (true, "the fields `new` takes, or whether the type has `Default`, changed".to_owned())
    } else {
        (true, "its type or signature changed".to_owned())
    };
    Change {
        change: "changed",
        item: format!("{} {}", after.kind, after.path),
        old: Some(old.to_owned()),
        new: Some(new.to_owned()),
        pointer: after.pointer.clone(),
        breaking,
        note,
    }
}

/// A method signature without its argument names: `(id: &str) -> Call<Job>` gives
/// `(&str) -> Call<Job>`.
fn argument_types(signature: &str) -> String {
    let Some((arguments, rest)) = signature.strip_prefix('(').and_then(|s| s.split_once(") -> ")) else { return signature.to_owned() };
    let types: Vec<&str> = arguments.split(", ").filter(|a| !a.is_empty()).map(|a| a.split_once(": ").map_or(a, |(_, ty)| ty)).collect();
    format!("({}) -> {rest}", types.join(", "))
}

/// A variant's signature without the tag values that select it.
fn without_tags(signature: &str) -> &str {
    signature.split(" [tag ").next().unwrap_or(signature)
}

/// The version after `report`: for 0.x, a breaking change bumps the minor and anything else the
/// patch; from 1.0, a breaking change bumps the major, an addition the minor, anything else
/// the patch. No change keeps the version.
pub fn next_version(version: &str, report: &Report) -> String {
    if report.is_empty() {
        return version.to_owned();
    }
    let mut parts = version.split('.').map(|p| p.split(['-', '+']).next().unwrap_or("0").parse::<u64>().unwrap_or(0));
    let (major, minor, patch) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    let additions = report.changes.iter().any(|c| c.change == "added");
    match (major, report.breaking() > 0) {
        (0, true) => format!("0.{}.0", minor + 1),
        (0, false) => format!("0.{minor}.{}", patch + 1),
        (_, true) => format!("{}.0.0", major + 1),
        (_, false) if additions => format!("{major}.{}.0", minor + 1),
        (_, false) => format!("{major}.{minor}.{}", patch + 1),
    }
}

/// A `CHANGELOG.md` entry: the version, where it came from, and the report.
pub fn changelog_entry(version: &str, spec_label: &str, spec_version: &str, report: Option<&Report>) -> String {
    let mut out = format!("## {version}\n\nGenerated from `{spec_label}` (spec version `{spec_version}`).\n\n");
    match report {
        Some(report) => out.push_str(&report.markdown()),
        None => out.push_str("The first generation of this crate.\n"),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: &str, path: &str, signature: &str) -> Item {
        Item::new(kind, path.to_owned(), signature.to_owned(), "/p")
    }

    #[test]
    fn a_listing_reads_back_as_written() {
        let items = vec![
            item("field", "types::Job.status", ": JobStatus"),
            item("fn", "client.jobs().pause", "(id: &str) -> Call<Job>"),
            item("fn", "client.jobs().list", "() -> Call<Jobs>"),
            item("fn", "ClientBuilder::key", "(key)"),
            item("variant", "types::Grader::Python", "(PythonGrader) [tag python]"),
            item("const", "types::Model::GPT_4O", " = \"gpt-4o\""),
            item("struct", "types::Job", " (new(id, status))"),
            item("feature", "fine-tuning", ""),
        ];
        let text = render(&items);
        let back = parse(&text);
        let parts = |items: &[Item]| items.iter().map(|i| (i.kind.clone(), i.path.clone(), i.signature.clone())).collect::<Vec<_>>();
        assert_eq!(parts(&back), parts(&items));
    }

    /// A listing written before the runtime's re-exports were listed stands for a crate that had all of them, so a part
    /// left out now is reported as removed, and the parts kept are not reported at all.
    #[test]
    fn a_listing_without_uses_had_every_runtime_part() {
        let old = vec![item("fn", "client.jobs().pause", "(id: &str) -> Call<Job>")];
        let mut new = old.clone();
        new.extend(export_items(Needed([false, true, true])));
        let report = Report::between(&old, &new);
        let removed: Vec<&str> = report.changes.iter().map(|c| c.item.as_str()).collect();
        assert_eq!(removed, ["use EventStream", "use StreamCall"]);
        assert!(report.changes.iter().all(|c| c.breaking && c.change == "removed"));
        let again = Report::between(&new, &new);
        assert!(again.is_empty(), "{:?}", again.changes);
    }

    #[test]
    fn changes_are_classified() {
        let old = vec![
            item("struct", "types::Job", " (new(id))"),
            item("field", "types::Job.id", ": String"),
            item("field", "types::Job.note", ": String"),
            item("field", "types::Job.size", ": Option<i64>"),
            item("enum", "types::Status", ""),
            item("variant", "types::Status::Running", " = \"running\""),
            item("fn", "client.jobs().cancel", "(id: &str) -> Call<Job>"),
        ];
        let new = vec![
            item("struct", "types::Job", " (new(id))"),
            item("field", "types::Job.id", ": String [deprecated]"),
            item("field", "types::Job.note", ": Option<String>"),
            item("field", "types::Job.size", ": i64"),
            item("field", "types::Job.added", ": Option<String>"),
            item("enum", "types::Status", ""),
            item("variant", "types::Status::Running", " = \"running\""),
            item("variant", "types::Status::Paused", " = \"paused\""),
            item("fn", "client.jobs().pause", "(id: &str) -> Call<Job>"),
            item("struct", "types::Brand", " (Default)"),
        ];
        let report = Report::between(&old, &new);
        let find = |item: &str| report.changes.iter().find(|c| c.item == item).unwrap_or_else(|| panic!("{item}: {report:#?}"));
        assert!(find("fn client.jobs().cancel").breaking && find("fn client.jobs().cancel").change == "removed");
        assert!(!find("fn client.jobs().pause").breaking);
        assert!(!find("struct types::Brand").breaking);
        assert!(find("field types::Job.added").breaking, "a new field breaks struct expressions");
        assert!(find("variant types::Status::Paused").note.contains("unknown variant"));
        assert!(find("field types::Job.note").note.contains("optional"));
        assert!(find("field types::Job.size").note.contains("required"));
        assert!(!find("field types::Job.id").breaking);
        assert_eq!(report.changes.len(), 8);
        assert_eq!(report.breaking(), 5);
        // Breaking first.
        assert!(report.changes.iter().take(5).all(|c| c.breaking));
    }

    #[test]
    fn a_value_added_to_a_non_exhaustive_enum_breaks_nothing() {
        let old = vec![item("enum", "types::Status", " [non_exhaustive]"), item("enum", "types::Kind", "")];
        let mut new = old.clone();
        new.push(item("variant", "types::Status::Paused", " = \"paused\""));
        new.push(item("variant", "types::Kind::Big", " = \"big\""));
        let report = Report::between(&old, &new);
        let paused = report.changes.iter().find(|c| c.item == "variant types::Status::Paused").unwrap();
        assert!(!paused.breaking && paused.note.contains("unknown variant"), "{paused:#?}");
        assert!(report.changes.iter().find(|c| c.item == "variant types::Kind::Big").unwrap().breaking);
        let opened = Report::between(&[item("enum", "types::Kind", "")], &[item("enum", "types::Kind", " [non_exhaustive]")]);
        assert!(opened.changes[0].breaking && opened.changes[0].note.contains("wildcard"), "{opened:#?}");
    }

    #[test]
    fn changes_that_still_compile_are_not_breaking() {
        let pairs = [
            (
                item("fn", "client.orders().get", "(id: &str) -> Call<Order>"),
                item("fn", "client.orders().get", "(order_id: &str) -> Call<Order>"),
            ),
            (item("variant", "types::U::A", "(A) [tag a]"), item("variant", "types::U::A", "(A) [tag a, b]")),
            (item("const", "DEFAULT_BASE_URL", " = \"https://a\""), item("const", "DEFAULT_BASE_URL", " = \"https://b\"")),
            (item("struct", "types::Job", " (new(id)) [non_exhaustive]"), item("struct", "types::Job", " (new(id))")),
        ];
        for (old, new) in pairs {
            let report = Report::between(std::slice::from_ref(&old), std::slice::from_ref(&new));
            assert!(!report.changes[0].breaking, "{report:#?}");
        }
        let retyped = Report::between(
            &[item("fn", "client.orders().get", "(id: &str) -> Call<Order>")],
            &[item("fn", "client.orders().get", "(id: &i64) -> Call<Order>")],
        );
        assert!(retyped.changes[0].breaking);
    }

    #[test]
    fn a_type_that_changes_kind_is_two_lines_not_one_per_member() {
        let old = vec![item("type", "types::Event", " = Other")];
        let new = vec![
            item("enum", "types::Event", " [non_exhaustive]"),
            item("variant", "types::Event::A", "(A)"),
            item("variant", "types::Event::B", "(B)"),
        ];
        let report = Report::between(&old, &new);
        let items: Vec<&str> = report.changes.iter().map(|c| c.item.as_str()).collect();
        assert_eq!(items, ["type types::Event", "enum types::Event"], "{report:#?}");
    }

    #[test]
    fn a_type_added_or_removed_is_one_change() {
        let old = vec![item("struct", "types::Old", " (Default)"), item("field", "types::Old.a", ": String")];
        let new = vec![item("enum", "types::New", ""), item("variant", "types::New::A", " = \"a\"")];
        let report = Report::between(&old, &new);
        let items: Vec<&str> = report.changes.iter().map(|c| c.item.as_str()).collect();
        assert_eq!(items, ["struct types::Old", "enum types::New"]);
        assert_eq!(owner("types::Job.status"), Some("types::Job"));
        assert_eq!(owner("types::Job::Paused"), Some("types::Job"));
        assert_eq!(owner("types::Job"), None);
        assert_eq!(owner("client.jobs().list"), None);
    }

    #[test]
    fn versions_move_with_the_report() {
        let breaking = Report { changes: vec![removed(&item("fn", "a", ""))] };
        let addition = Report { changes: vec![added(&item("fn", "a", ""), &BTreeMap::new(), &BTreeMap::new())] };
        let none = Report::default();
        assert_eq!(next_version("0.3.2", &breaking), "0.4.0");
        assert_eq!(next_version("0.3.2", &addition), "0.3.3");
        assert_eq!(next_version("0.3.2", &none), "0.3.2");
        assert_eq!(next_version("2.3.1", &breaking), "3.0.0");
        assert_eq!(next_version("2.3.1", &addition), "2.4.0");
    }
}
