//! The Prism run of the whole published spec: the IR and the spec -> a generated `tests/prism.rs`
//! for the whole-spec crate that calls every JSON operation once, through the typed SDK, against a
//! Prism mock server of the same spec, with arguments made up from the spec's schemas (`synth.rs`).
//!
//! Only the calls are generated: one short function per operation, and the tables of what is
//! called, skipped and known to fail. The code that sends, sorts and compares is an ordinary
//! source file, `whole_spec_prism/harness.rs`, copied next to it as `tests/prism/harness.rs`
//! ([`HARNESS`]) and compiled in the workspace too (`tests/tests/whole_spec_harness.rs`).
//! Which operations are called, with which types and which body schema, comes from the IR; the
//! spec is read only for the values the IR does not keep (parameters' examples and schemas, and
//! the schemas values are made up from).
//!
//! Prism checks every request against the spec and answers 422 to one it does not allow, so a
//! rejected request is a request the SDK should not have sent: our bug, or the spec's. Its
//! static answer (the spec's example, or a value made up from the schema) must decode.
//! Before sending, the test checks that the made-up JSON decodes into the SDK's types and encodes
//! back to what it was: what the SDK loses would otherwise only show as a 422, or not at all.
//!
//! Prism reads a JSON copy of the spec ([`prism_spec`]) in which it can check every body; a
//! second request with the body `0` proves, for each operation, that it does check it.
//!
//! Operations that take only a multipart form, that answer with bytes or text, and the
//! `_stream` twins are not called; [`generate`] says which were left out and why.
//!
//! Every call that does not come back decoded is listed with its reason in
//! `tests/whole-spec/<spec>.known-prism.txt`; the test fails when that list and what happened part
//! ways, and `cargo xtask whole-spec --accept` rewrites it (keeping the reasons written by hand
//! for the entries that stay).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use codegen::diag::Pointer;
use codegen::ir::{Api, Operation, RawResponse, Resource, TypeKind, TypeRef};
use codegen::load::{Document, Node};
use serde_json::Value;

use crate::synth::Synth;
use crate::whole_spec::raw;

/// The generated test and what it leaves out.
pub(crate) struct PrismTest {
    /// The text of `tests/prism.rs`.
    pub(crate) source: String,
    /// Operations called.
    pub(crate) called: usize,
    /// Operations not called, as `(operationId, reason)`.
    pub(crate) skipped: Vec<(String, &'static str)>,
    /// Second methods of operations that are not called either: `(what, how many)`.
    pub(crate) twins: Vec<(&'static str, usize)>,
}

/// The header of the known-failures file.
pub(crate) const KNOWN_HEADER: &str = "\
# Operations of the published spec that do not come back decoded from Prism, and why.
# `cargo xtask whole-spec` fails when this list and reality part ways; `--accept` rewrites it from
# what the test found, keeping the reason after ` -- ` of every entry that stays. Each entry is a
# spec mistake or a limit of Prism; a bug of ours is fixed, not listed.

";

/// The new known-failures file: the found lines, each with the reason the old file gave it
/// when it had one.
pub(crate) fn accepted(old: &str, found: &str) -> String {
    let key = |line: &str| line.split(" -- ").next().unwrap_or(line).trim().to_owned();
    let reasons: HashMap<String, &str> =
        old.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#') && l.contains(" -- ")).map(|l| (key(l), l)).collect();
    let mut out = KNOWN_HEADER.to_owned();
    for line in found.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out.push_str(reasons.get(&key(line)).copied().unwrap_or(line));
        out.push('\n');
    }
    out
}

/// The fixed part of the test, written into the generated crate as `tests/prism/harness.rs`.
pub(crate) const HARNESS: &str = include_str!("whole_spec_prism/harness.rs");

/// The test file for `api`, generated from `doc`, with the known failures in `known`: one
/// function per operation that is called, and the tables of [`HARNESS`]'s `Suite`. Everything
/// else is in [`HARNESS`], which `tests/prism.rs` includes as a module.
pub(crate) fn generate(api: &Api, doc: &Document, known: &str) -> PrismTest {
    let synth = Synth::new(doc);
    let mut chains = HashMap::new();
    walk(&api.root, "client".to_owned(), &mut chains);

    let mut functions = String::new();
    let mut cases = String::new();
    let mut skipped = Vec::new();
    let mut called = 0;
    for (index, op) in api.operations.iter().enumerate() {
        if let Some(reason) = skip_reason(op) {
            skipped.push((op.id.clone(), reason));
            continue;
        }
        let Some(chain) = chains.get(&index) else {
            skipped.push((op.id.clone(), "not in the resource tree"));
            continue;
        };
        let case = Case { api, op, doc, synth: &synth };
        let _ = write!(functions, "{}", case.function(index, chain));
        let _ = writeln!(cases, "    ({:?}, |client| Box::pin(case_{index}(client))),", op.id);
        called += 1;
    }

    let known_lines: BTreeSet<&str> = known.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    let known_list: String = known_lines.iter().map(|l| format!("    {l:?},\n")).collect();
    let skipped_list: String = skipped.iter().map(|(id, why)| format!("    ({id:?}, {why:?}),\n")).collect();
    let twins = vec![
        ("`_stream` methods (server-sent events)", api.operations.iter().filter(|op| op.stream.is_some()).count()),
        ("`_multipart` methods", api.operations.iter().filter(|op| op.multipart_alternative.is_some()).count()),
    ];
    let twins_list: String = twins.iter().map(|(what, n)| format!("    ({what:?}, {n}),\n")).collect();
    let krate = api.crate_name.replace('-', "_");
    let source = format!(
        r#"//! @generated by `cargo xtask whole-spec`: every operation of the spec whose request and
//! response are JSON (or empty), called once through the SDK against a Prism mock server of the
//! same spec (`PRISM_URL`), with arguments made up from the spec's schemas. Prism answers 422 to a
//! request the spec does not allow, and its answer must decode. What does not come back decoded
//! must match `tests/whole-spec/<spec>.known-prism.txt` in the generator's repository, which says why.
//! The code that sends, checks and compares is `prism/harness.rs`, a copy of the generator's
//! `xtask/src/whole_spec_prism/harness.rs`; this file holds the calls.

// Deprecated operations are called too.
#![allow(deprecated)]

extern crate {krate} as sdk;

#[path = "prism/harness.rs"]
mod harness;

use harness::{{Case, Checked, Suite, fit, send}};
use sdk::Client;

#[test]
fn every_json_operation_against_prism() {{
    harness::run(&Suite {{ url_var: "PRISM_URL", cases: CASES, skipped: SKIPPED, twins: TWINS, known: KNOWN }});
}}

{functions}const CASES: &[Case] = &[
{cases}];

/// Operations not called, and why.
const SKIPPED: &[(&str, &str)] = &[
{skipped_list}];

/// Second methods of operations, not called either.
const TWINS: &[(&str, usize)] = &[
{twins_list}];

const KNOWN: &[&str] = &[
{known_list}];
"#
    );
    PrismTest { source, called, skipped, twins }
}

/// Why an operation is not called, if it is not.
fn skip_reason(op: &Operation) -> Option<&'static str> {
    if op.body.as_ref().is_some_and(|b| b.encoding == codegen::ir::BodyEncoding::Multipart) {
        return Some("takes only a multipart form");
    }
    match (op.response.as_ref(), op.raw_response) {
        (None, Some(RawResponse::Bytes)) => return Some("answers with bytes"),
        (None, Some(RawResponse::Text)) => return Some("answers with text"),
        (None, None) if op.stream.is_some() => return Some("answers only with server-sent events"),
        _ => {}
    }
    None
}

/// Every operation's accessor chain from the client: `client.fine_tuning().jobs()`.
fn walk(node: &Resource, chain: String, out: &mut HashMap<usize, String>) {
    for &index in &node.operations {
        out.insert(index, chain.clone());
    }
    for child in &node.children {
        walk(child, format!("{chain}.{}()", child.accessor), out);
    }
}

/// One operation's call.
struct Case<'a> {
    api: &'a Api,
    op: &'a Operation,
    doc: &'a Document,
    synth: &'a Synth<'a>,
}

/// How the generated test names the SDK's crate (`extern crate openai_api as sdk;`).
const SDK: &str = "sdk";

impl<'a> Case<'a> {
    fn function(&self, index: usize, chain: &str) -> String {
        let op = self.op;
        let mut out = format!("/// `{}`: `{} {}`\nasync fn case_{index}(client: Client) -> Checked {{\n", op.id, op.http_method, op.path);
        let mut args = Vec::new();
        for p in &op.path_params {
            let value = match self.parameter(&p.pointer) {
                Some(param) => self.path_argument(param),
                None => "x".to_owned(),
            };
            args.push(format!("{value:?}"));
        }
        if let Some(query) = &op.query {
            if query.required {
                let params = self.params(query.ty, &mut out);
                let _ = writeln!(out, "    let params = {params};");
                args.push("&params".to_owned());
            } else {
                args.push("&Default::default()".to_owned());
            }
        }
        if let Some(body) = &op.body {
            let json = self.body_schema().map(|schema| self.synth.value(schema)).unwrap_or(Value::Object(Default::default()));
            let ty = codegen::emit::type_path(self.api, &body.ty, SDK);
            let _ = writeln!(out, "    let body: {ty} = fit(\"the body\", {})?;", raw(&json));
            args.push(if body.required { "&body".to_owned() } else { "Some(&body)".to_owned() });
        }
        let _ = writeln!(out, "    Ok(send({chain}.{}({})).await)\n}}\n", op.method_name, args.join(", "));
        out
    }

    /// The parameter object the IR lowered a parameter from.
    fn parameter(&self, pointer: &Pointer) -> Option<&'a Node> {
        self.doc.node_at(pointer)
    }

    /// A parameter's value: its own `example`, else one made up from its schema.
    fn parameter_value(&self, param: &'a Node) -> Value {
        if let Some(example) = param.get("example").map(crate::synth::json).filter(|v| !v.is_null()) {
            return example;
        }
        param.get("schema").map(|schema| self.synth.value(schema)).unwrap_or(Value::String("x".into()))
    }

    fn path_argument(&self, param: &'a Node) -> String {
        match param.get("example").map(crate::synth::json) {
            Some(Value::String(s)) if !s.is_empty() && s != "." && s != ".." => s,
            _ => param.get("schema").map(|schema| self.synth.path_argument(schema)).unwrap_or_else(|| "x".into()),
        }
    }

    /// `Params::new(...)` with a value for each required field; values that are not plain
    /// literals are decoded from JSON into `pN` variables first (written to `out`).
    fn params(&self, id: codegen::ir::TypeId, out: &mut String) -> String {
        let def = self.api.ty(id);
        let TypeKind::Params(params) = &def.kind else { return "Default::default()".to_owned() };
        let mut args = Vec::new();
        for (i, q) in params.fields.iter().enumerate().filter(|(_, q)| !q.field.optional()) {
            let value = match self.parameter(&q.pointer) {
                Some(param) => self.parameter_value(param),
                None => Value::String("x".into()),
            };
            let arg = match self.literal(&q.field.ty, &value) {
                Some(literal) => literal,
                None => {
                    let ty = codegen::emit::type_path(self.api, &q.field.ty, SDK);
                    let _ = writeln!(out, "    let p{i}: {ty} = fit(\"the parameter `{}`\", {})?;", q.field.wire, raw(&value));
                    format!("p{i}")
                }
            };
            args.push(arg);
        }
        format!("{}::new({})", codegen::emit::type_path(self.api, &TypeRef::Named(id), SDK), args.join(", "))
    }

    /// A Rust literal for `value` that `new`'s `impl Into<ty>` argument takes, if there is one.
    fn literal(&self, ty: &TypeRef, value: &Value) -> Option<String> {
        match (ty, value) {
            (TypeRef::String, Value::String(s)) => Some(format!("{s:?}")),
            (TypeRef::Integer, Value::Number(n)) if n.is_i64() => Some(format!("{n}_i64")),
            (TypeRef::Number, Value::Number(n)) => Some(format!("{:?}_f64", n.as_f64()?)),
            (TypeRef::Boolean, Value::Bool(b)) => Some(b.to_string()),
            (TypeRef::Named(id), Value::String(s)) => match &self.api.ty(*id).kind {
                TypeKind::Enum(_) | TypeKind::OpenString(_) => Some(format!("{s:?}")),
                TypeKind::Alias(target) => self.literal(target, value),
                _ => None,
            },
            (TypeRef::Vec(item), Value::Array(items)) if !items.is_empty() => {
                let items: Option<Vec<String>> = items.iter().map(|v| self.literal(item, v)).collect();
                Some(format!("[{}]", items?.join(", ")))
            }
            _ => None,
        }
    }

    /// The JSON schema of the request body: the node the IR lowered the body's type from, so
    /// that which media type is the JSON body is decided in one place, by the generator.
    fn body_schema(&self) -> Option<&'a Node> {
        let TypeRef::Named(id) = &self.op.body.as_ref()?.ty else { return None };
        self.doc.node_at(&self.api.ty(*id).pointer)
    }
}

/// The spec as Prism gets it: the same document as JSON, without the `nullable` of schemas that
/// have no `type`, and how many were dropped.
///
/// OpenAPI 3.1 has no `nullable` keyword, and 3.0.3 says it means nothing without `type`, so the
/// copy says what the spec says. But Ajv, which Prism checks requests with, refuses to compile a
/// schema with `nullable` and no `type`, and Prism then lets every body of that operation through
/// unchecked (nine of them in the 2026-08-21 spec, `createChatCompletion` among them).
/// Values (`example`, `default`, `const`, `enum`, `x-` extensions) are copied untouched.
pub(crate) fn prism_spec(doc: &Document) -> (String, usize) {
    let mut out = String::with_capacity(4 << 20);
    let mut dropped = 0;
    write_json(&doc.root, true, &mut out, &mut dropped);
    (out, dropped)
}

fn write_json(node: &Node, schema_context: bool, out: &mut String, dropped: &mut usize) {
    use codegen::load::Value as Yaml;
    match &node.value {
        Yaml::Map(map) => {
            let typeless = map.get("type").is_none();
            out.push('{');
            let mut first = true;
            for (key, value) in map {
                if schema_context && typeless && key == "nullable" && value.as_bool().is_some() {
                    *dropped += 1;
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                let values = matches!(key.as_str(), "example" | "examples" | "default" | "const" | "enum") || key.starts_with("x-");
                write_json(value, schema_context && !values, out, dropped);
            }
            out.push('}');
        }
        Yaml::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, schema_context, out, dropped);
            }
            out.push(']');
        }
        Yaml::Int(i) => out.push_str(&i.to_string()),
        _ => out.push_str(&crate::synth::json(node).to_string()),
    }
}

/// Counts of skipped operations by reason, for the summary line.
pub(crate) fn skipped_summary(skipped: &[(String, &'static str)]) -> String {
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, reason) in skipped {
        *reasons.entry(reason).or_default() += 1;
    }
    reasons.iter().map(|(reason, count)| format!("{count} {reason}")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prisms_copy_drops_only_the_nullable_of_schemas_without_a_type() {
        let yaml = r##"
components:
  schemas:
    A:
      nullable: true
      allOf: [{$ref: "#/components/schemas/B"}]
    B:
      type: object
      nullable: true
      properties:
        nullable: {type: boolean}
      example: {nullable: true}
"##;
        let doc = codegen::load("test.yaml", yaml).expect("the YAML loads");
        let (json, dropped) = prism_spec(&doc);
        assert_eq!(dropped, 1);
        let value: Value = serde_json::from_str(&json).expect("the copy is JSON");
        assert_eq!(
            value["components"]["schemas"],
            serde_json::json!({
                "A": {"allOf": [{"$ref": "#/components/schemas/B"}]},
                "B": {"type": "object", "nullable": true, "properties": {"nullable": {"type": "boolean"}}, "example": {"nullable": true}}
            })
        );
        assert!(json.find("\"A\"").unwrap() < json.find("\"B\"").unwrap(), "the order of keys is kept");
    }

    #[test]
    fn accepting_keeps_the_reasons_written_by_hand() {
        let old = "# header\nopA: request rejected (422) -- written by hand\nopB: failed -- gone now\n";
        let found = "opA: request rejected (422) -- body.x: must be string\nopC: failed -- new\n";
        let new = accepted(old, found);
        assert!(new.starts_with(KNOWN_HEADER));
        assert_eq!(&new[KNOWN_HEADER.len()..], "opA: request rejected (422) -- written by hand\nopC: failed -- new\n");
    }
}
