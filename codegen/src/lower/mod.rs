//! Spec -> IR: resolves every `$ref`, decides every Rust name, and collects every error with
//! its JSON pointer before giving up.
//!
//! Lowering runs in passes:
//! 1. every component schema gets a type id, so references never wait on each other;
//! 2. component schemas, then operations, are lowered; inline schemas that need a named type
//!    get one with a *wanted* name built from their parent and field;
//! 3. identical inline shapes merge (`dedup.rs`) and names are made unique by rule (see
//!    [`crate::names::assign_unique`]);
//! 4. the whole-IR passes of [`crate::passes`] box cycles, fill union kinds, find pages and
//!    assign features.
//!
//! One context, [`Cx`], holds the types being built; its `impl` is spread over files by
//! concern. Questions that only read the spec live in [`crate::spec`].

mod built;
mod dedup;
mod enums;
mod inheritance;
mod objects;
mod operations;
mod params;
mod resources;
mod schema;
mod security;
mod unions;
mod webhooks;

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;

use crate::diag::{Diagnostic, Errors, Pointer, Severity};
use crate::ir::*;
use crate::load::{Document, Node};
use crate::names;
use crate::passes;
use crate::settings::Settings;
use crate::spec::SpecView;

/// Lowers a loaded document. On success also returns warnings.
pub fn lower(doc: &Document, settings: &Settings) -> Result<(Api, Vec<Diagnostic>), Errors> {
    let mut cx = Cx::new(doc, settings);
    let api = cx.run();
    // A schema read twice (an `allOf` member that is also lowered on its own) notes the same
    // thing twice; each is said once.
    let mut seen = HashSet::new();
    let diagnostics = cx.diagnostics.into_iter().filter(|d| seen.insert((d.pointer.clone(), d.message.clone())));
    let (errors, warnings): (Vec<_>, Vec<_>) = diagnostics.partition(|d| d.severity == Severity::Error);
    match api {
        Some(api) if errors.is_empty() => Ok((api, warnings)),
        _ => Err(Errors(errors)),
    }
}

/// A named type while lowering: the name it wants, and its kind once known.
struct Slot {
    wanted: String,
    /// The component schema name, for components; inline types have none.
    component: Option<String>,
    pointer: Pointer,
    doc: Option<String>,
    deprecated: bool,
    kind: Option<TypeKind>,
}

/// Where a schema being lowered should put a named type if it needs one.
#[derive(Clone)]
struct Hint {
    /// The wanted name of the type.
    name: String,
    /// The slot to fill (a component's own slot); `None` allocates a new inline slot.
    target: Option<TypeId>,
}

impl Hint {
    fn inline(name: String) -> Hint {
        Hint { name, target: None }
    }

    fn child(&self, suffix: &str) -> Hint {
        Hint::inline(format!("{}{}", self.name, names::pascal(suffix)))
    }
}

/// The result of lowering one schema.
#[derive(Clone)]
struct Lowered {
    ty: TypeRef,
    nullable: bool,
    /// Set when the schema allows exactly one value.
    literal: Option<Literal>,
    doc: Option<String>,
    /// A line the generator adds after the spec's own description (the values of a numeric enum).
    note: Option<String>,
    deprecated: bool,
}

impl Lowered {
    fn plain(ty: TypeRef) -> Lowered {
        Lowered { ty, nullable: false, literal: None, doc: None, note: None, deprecated: false }
    }

    /// A schema that allows only `null` (`type: 'null'`, `enum: [null]`, as dropshot writes an
    /// empty answer): nothing to hold but the null itself, so `Option<serde_json::Value>`,
    /// which takes `null` and writes `null` back.
    fn null_only() -> Lowered {
        Lowered { nullable: true, ..Lowered::plain(TypeRef::Json) }
    }
}

/// Appends a paragraph to optional doc text, unless it is already there.
fn append_doc(doc: Option<String>, note: &str) -> String {
    match doc {
        Some(d) if !d.contains(note) => format!("{}\n\n{note}", d.trim_end()),
        Some(d) => d,
        None => note.to_owned(),
    }
}

pub(crate) struct Cx<'a> {
    doc: &'a Document,
    spec: SpecView<'a>,
    diagnostics: Vec<Diagnostic>,
    slots: Vec<Slot>,
    components: IndexMap<&'a str, TypeId>,
    /// Inline schemas reached through a `$ref` to somewhere other than a component, by pointer.
    by_pointer: HashMap<Pointer, Lowered>,
    /// Types sent as multipart forms.
    multipart: Vec<TypeId>,
    /// Base components that stand for the components built on them (`inheritance.rs`), by
    /// their `$ref`: a schema that is just `allOf: [base]` is a struct of its own, not an alias.
    bases: HashSet<String>,
    /// The conventions the spec does not state.
    settings: &'a Settings,
}

impl<'a> Cx<'a> {
    fn new(doc: &'a Document, settings: &'a Settings) -> Self {
        Cx {
            settings,
            doc,
            spec: SpecView::new(doc),
            diagnostics: Vec::new(),
            slots: Vec::new(),
            components: IndexMap::new(),
            by_pointer: HashMap::new(),
            multipart: Vec::new(),
            bases: HashSet::new(),
        }
    }

    /// Reports what reading a schema noted, as warnings.
    fn report_notes(&mut self, schema: &crate::schema::Schema<'_>) {
        for (at, message) in &schema.notes {
            self.report(Severity::Warning, at, message.clone());
        }
    }

    fn warn(&mut self, at: &Pointer, message: impl Into<String>) {
        self.report(Severity::Warning, at, message.into());
    }

    fn error(&mut self, at: &Pointer, message: impl Into<String>) {
        self.report(Severity::Error, at, message.into());
    }

    fn report(&mut self, severity: Severity, at: &Pointer, message: String) {
        let location = self.spec.node_at(at).map(Node::location);
        self.diagnostics.push(Diagnostic { severity, file: self.doc.file.clone(), pointer: at.to_string(), location, message });
    }

    fn run(&mut self) -> Option<Api> {
        let root = self.spec.root();
        if root.as_map().is_none() {
            self.error(&Pointer::root(), format!("the document must be a mapping, found {}", root.kind()));
            return None;
        }
        // Another version's document would fail everywhere; one error says why.
        if !self.check_version() {
            return None;
        }
        // Pass 1: a slot for every component schema, so references never wait on each other.
        self.allocate_components();
        // Pass 2: lower components, then operations and webhooks.
        self.lower_components();
        let operations = operations::lower_operations(self);
        let mut webhook_event = self.lower_webhooks();
        // Pass 3: identical inline shapes merge, then every type gets its final name.
        let (operations, root_resource) = match dedup::merge_identical(&mut self.slots) {
            Some(new_ids) => {
                let renumber = |id: &mut TypeId| *id = new_ids[id.0];
                self.components.values_mut().chain(self.multipart.iter_mut()).chain(webhook_event.iter_mut()).for_each(renumber);
                let mut operations = operations;
                for op in operations.iter_mut().flat_map(|(ops, _)| ops.iter_mut()) {
                    op.ids_mut().into_iter().for_each(renumber);
                }
                operations
            }
            None => operations,
        }?;
        let names = self.assign_type_names();
        let types: Vec<TypeDef> = std::mem::take(&mut self.slots)
            .into_iter()
            .zip(names)
            .map(|(slot, name)| TypeDef {
                name,
                pointer: slot.pointer,
                doc: slot.doc,
                deprecated: slot.deprecated,
                kind: slot.kind.unwrap_or(TypeKind::Alias(TypeRef::Json)),
                features: Vec::new(),
                input: false,
            })
            .collect();
        let root = self.spec.root();
        let info = root.get("info");
        let title = info.and_then(|i| i.get("title")).and_then(Node::as_str).unwrap_or("API").to_owned();
        let spec_version = info.and_then(|i| i.get("version")).and_then(Node::as_str).unwrap_or("0.0.0").to_owned();
        let crate_name = crate_name(&title);
        let mut operations = operations;
        let profile = self.client_profile(&crate_name, &mut operations);
        let mut api = Api {
            crate_name,
            crate_version: crate_version(&spec_version),
            title,
            spec_version,
            description: info.and_then(|i| i.get("description")).and_then(Node::as_str).map(str::to_owned),
            profile,
            types,
            operations,
            root: root_resource,
            pages: Vec::new(),
            multipart: std::mem::take(&mut self.multipart),
            webhooks: webhook_event.take().map(|event| Webhooks { event, feature: None }),
            features: Vec::new(),
        };
        // Pass 4: the whole-IR passes.
        passes::run(&mut api, &self.settings.pagination);
        Some(api)
    }

    /// Reports a document that is not OpenAPI 3.0 or 3.1; `false` when it is not.
    fn check_version(&mut self) -> bool {
        let root = self.spec.root();
        let root_ptr = Pointer::root();
        match root.get("openapi").and_then(Node::as_str) {
            Some(v) if v.starts_with("3.1") || v.starts_with("3.0") => return true,
            Some(v) => self.error(&root_ptr.push("openapi"), format!("unsupported OpenAPI version `{v}`; expected 3.0 or 3.1")),
            None if root.get("swagger").is_some() => {
                self.error(&root_ptr.push("swagger"), "this is a Swagger 2.0 document; only OpenAPI 3.0 and 3.1 are supported")
            }
            None => self.error(&root_ptr, "missing `openapi` version; expected 3.0 or 3.1"),
        }
        false
    }

    /// Gives every component schema a slot, named after the component.
    fn allocate_components(&mut self) {
        let schemas_ptr = Pointer::root().push("components").push("schemas");
        let Some(schemas) = self.spec.root().get("components").and_then(|c| c.get("schemas")) else { return };
        let Some(map) = schemas.as_map() else {
            return self.error(&schemas_ptr, "`components.schemas` must be a mapping");
        };
        for name in map.keys() {
            let id = TypeId(self.slots.len());
            self.slots.push(Slot {
                wanted: names::type_name(name),
                component: Some(name.clone()),
                pointer: schemas_ptr.push(name),
                doc: None,
                deprecated: false,
                kind: None,
            });
            self.components.insert(name.as_str(), id);
        }
    }

    /// Lowers each component schema into its own slot.
    fn lower_components(&mut self) {
        let schemas_ptr = Pointer::root().push("components").push("schemas");
        let components: Vec<(&'a str, TypeId)> = self.components.iter().map(|(k, v)| (*k, *v)).collect();
        let subtypes: Vec<Vec<(String, Vec<String>)>> = components.iter().map(|(name, _)| self.spec.subtypes(name)).collect();
        for ((name, _), subtypes) in components.iter().zip(&subtypes) {
            if !subtypes.is_empty() {
                self.bases.insert(format!("#/components/schemas/{}", name.replace('~', "~0").replace('/', "~1")));
            }
        }
        for ((name, id), subtypes) in components.into_iter().zip(subtypes) {
            let at = schemas_ptr.push(name);
            let node = self.spec.node_at(&at).expect("component exists");
            // A base schema with a discriminator that other components build on with `allOf`
            // stands for any of them.
            if !subtypes.is_empty() {
                self.lower_polymorphic(id, name, node, &at, subtypes);
                continue;
            }
            let hint = Hint { name: self.slots[id.0].wanted.clone(), target: Some(id) };
            let lowered = self.lower_schema(node, &at, &hint, 0);
            let slot = &mut self.slots[id.0];
            if slot.kind.is_none() {
                // The schema needed no type of its own (a primitive, an array, a map, or a
                // reference): the component becomes an alias, or a const type for one value.
                slot.kind = Some(match &lowered.literal {
                    Some(literal) => TypeKind::Const(literal.clone()),
                    None => TypeKind::Alias(lowered.ty.clone()),
                });
            }
            if slot.doc.is_none() {
                slot.doc = lowered.doc.clone();
            }
            slot.deprecated |= lowered.deprecated;
        }
    }

    fn assign_type_names(&self) -> Vec<String> {
        let mut out = vec![String::new(); self.slots.len()];
        let components: Vec<usize> = (0..self.slots.len()).filter(|i| self.slots[*i].component.is_some()).collect();
        let wants: Vec<(String, String)> =
            components.iter().map(|i| (self.slots[*i].component.clone().expect("component"), self.slots[*i].wanted.clone())).collect();
        let assigned = names::assign_unique(&wants, &HashSet::new(), false);
        let mut taken = HashSet::new();
        for (i, name) in components.iter().zip(assigned) {
            taken.insert(name.clone());
            out[*i] = name;
        }
        // Inline types yield to components; among themselves the rule orders by JSON pointer.
        let inline: Vec<usize> = (0..self.slots.len()).filter(|i| self.slots[*i].component.is_none()).collect();
        let wants: Vec<(String, String)> =
            inline.iter().map(|i| (self.slots[*i].pointer.to_string(), self.slots[*i].wanted.clone())).collect();
        for (i, name) in inline.iter().zip(names::assign_unique(&wants, &taken, false)) {
            out[*i] = name;
        }
        out
    }

    /// Allocates (or reuses, for a component) the slot a named type goes into.
    fn slot_for(&mut self, hint: &Hint, at: &Pointer) -> TypeId {
        match hint.target {
            Some(id) if self.slots[id.0].kind.is_none() => id,
            _ => {
                let id = TypeId(self.slots.len());
                self.slots.push(Slot {
                    wanted: hint.name.clone(),
                    component: None,
                    pointer: at.clone(),
                    doc: None,
                    deprecated: false,
                    kind: None,
                });
                id
            }
        }
    }

    /// Follows a local `$ref`; reports and returns `None` when it dangles or is not local.
    fn resolve(&mut self, reference: &str, at: &Pointer) -> Option<(Pointer, &'a Node)> {
        let Some(target) = Pointer::from_fragment(reference) else {
            self.error(&at.push("$ref"), format!("unsupported `$ref` `{reference}`: only references inside this document are supported"));
            return None;
        };
        match self.spec.node_at(&target) {
            Some(node) => Some((target, node)),
            None => {
                self.error(&at.push("$ref"), format!("`$ref` `{reference}` points to nothing"));
                None
            }
        }
    }

    /// The component a pointer names, if it is `/components/schemas/NAME`.
    fn component_at(&self, target: &Pointer) -> Option<TypeId> {
        let segments: Vec<_> = target.segments().collect();
        match segments.as_slice() {
            [a, b, name] if a == "components" && b == "schemas" => self.components.get(name.as_ref()).copied(),
            _ => None,
        }
    }
}

/// `OpenAI Fine-tuning` -> `openai-fine-tuning`.
fn crate_name(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("api-{out}").trim_end_matches('-').to_owned()
    } else {
        out
    }
}

/// The spec's version when it is semver-like, else 0.1.0 (the spec version stays in the docs).
fn crate_version(version: &str) -> String {
    let parts: Vec<&str> = version.split('.').collect();
    if parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())) {
        version.to_owned()
    } else {
        "0.1.0".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_from_titles() {
        assert_eq!(crate_name("OpenAI Fine-tuning"), "openai-fine-tuning");
        assert_eq!(crate_name("OpenAI API"), "openai-api");
        assert_eq!(crate_name("  Pets!! "), "pets");
        assert_eq!(crate_name("3D API"), "api-3d-api");
    }

    #[test]
    fn crate_versions() {
        assert_eq!(crate_version("2.3.0"), "2.3.0");
        assert_eq!(crate_version("2026-08-21"), "0.1.0");
    }
}
