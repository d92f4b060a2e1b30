//! Spec -> IR: resolves every `$ref`, decides every Rust name, and collects every error with
//! its JSON pointer before giving up.
//!
//! Lowering runs in passes:
//! 1. every component schema gets a type id, so references never wait on each other;
//! 2. component schemas, then operations, are lowered; inline schemas that need a named type
//!    get one with a *wanted* name built from their parent and field;
//! 3. names are made unique by rule (see [`crate::names::assign_unique`]);
//! 4. by-value reference cycles are boxed and union variants learn which JSON kinds they take.

use std::collections::{BTreeSet, HashMap, HashSet};

use indexmap::IndexMap;

use crate::diag::{Diagnostic, Errors, Pointer, Severity};
use crate::ir::*;
use crate::load::{Document, Node, Value};
use crate::names;
use crate::schema::{Additional, Schema};

use crate::load::MAX_REF_DEPTH;

/// Lowers a loaded document. On success also returns warnings.
pub fn lower(doc: &Document) -> Result<(Api, Vec<Diagnostic>), Errors> {
    let mut cx = Cx::new(doc);
    let api = cx.run();
    let (errors, warnings): (Vec<_>, Vec<_>) = cx.diagnostics.into_iter().partition(|d| d.severity == Severity::Error);
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

/// An object being assembled from a schema and its `allOf` members.
#[derive(Default)]
struct ObjectParts<'a> {
    properties: Vec<(String, &'a Node, Pointer)>,
    required: Vec<String>,
    additional: Option<(Option<&'a Node>, Pointer)>,
    doc: Option<String>,
    /// A union member of an `allOf`, flattened into the object.
    union: Option<(&'a Node, Pointer)>,
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
}

/// Appends a paragraph to optional doc text, unless it is already there.
fn append_doc(doc: Option<String>, note: &str) -> String {
    match doc {
        Some(d) if !d.contains(note) => format!("{}\n\n{note}", d.trim_end()),
        Some(d) => d,
        None => note.to_owned(),
    }
}

/// What a schema is, seen without lowering it: enough to classify union branches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shallow {
    /// A plain string.
    String,
    /// A string restricted to listed values.
    StringValues,
    /// Anything else.
    Other,
}

pub(crate) struct Cx<'a> {
    doc: &'a Document,
    diagnostics: Vec<Diagnostic>,
    slots: Vec<Slot>,
    components: IndexMap<&'a str, TypeId>,
    /// Inline schemas reached through a `$ref` to somewhere other than a component, by pointer.
    by_pointer: HashMap<Pointer, Lowered>,
    /// Types sent as multipart forms.
    multipart: Vec<TypeId>,
}

impl<'a> Cx<'a> {
    fn new(doc: &'a Document) -> Self {
        Cx {
            doc,
            diagnostics: Vec::new(),
            slots: Vec::new(),
            components: IndexMap::new(),
            by_pointer: HashMap::new(),
            multipart: Vec::new(),
        }
    }

    fn error(&mut self, at: &Pointer, message: impl Into<String>) {
        self.report(Severity::Error, at, message.into());
    }

    fn report(&mut self, severity: Severity, at: &Pointer, message: String) {
        let location = self.node_at(at).map(Node::location);
        self.diagnostics.push(Diagnostic { severity, file: self.doc.file.clone(), pointer: at.to_string(), location, message });
    }

    /// The node a pointer names, if it exists.
    fn node_at(&self, at: &Pointer) -> Option<&'a Node> {
        self.doc.node_at(at)
    }

    fn run(&mut self) -> Option<Api> {
        let root = &self.doc.root;
        let root_ptr = Pointer::root();
        if root.as_map().is_none() {
            self.error(&root_ptr, format!("the document must be a mapping, found {}", root.kind()));
            return None;
        }
        match root.get("openapi").and_then(Node::as_str) {
            Some(v) if v.starts_with("3.1") || v.starts_with("3.0") => {}
            Some(v) => self.error(&root_ptr.push("openapi"), format!("unsupported OpenAPI version `{v}`; expected 3.0 or 3.1")),
            None if root.get("swagger").is_some() => {
                self.error(&root_ptr.push("swagger"), "this is a Swagger 2.0 document; only OpenAPI 3.0 and 3.1 are supported")
            }
            None => self.error(&root_ptr, "missing `openapi` version; expected 3.0 or 3.1"),
        }
        let info = root.get("info");
        let title = info.and_then(|i| i.get("title")).and_then(Node::as_str).unwrap_or("API").to_owned();
        let spec_version = info.and_then(|i| i.get("version")).and_then(Node::as_str).unwrap_or("0.0.0").to_owned();
        let description = info.and_then(|i| i.get("description")).and_then(Node::as_str).map(str::to_owned);
        let base_url = root
            .get("servers")
            .and_then(Node::as_seq)
            .and_then(|s| s.first())
            .and_then(|s| s.get("url"))
            .and_then(Node::as_str)
            .unwrap_or("http://localhost")
            .to_owned();

        // Pass 1: a slot for every component schema.
        let schemas_ptr = root_ptr.push("components").push("schemas");
        if let Some(schemas) = root.get("components").and_then(|c| c.get("schemas")) {
            match schemas.as_map() {
                Some(map) => {
                    for (name, _) in map {
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
                None => self.error(&schemas_ptr, "`components.schemas` must be a mapping"),
            }
        }

        // Pass 2: lower components, then operations.
        let components: Vec<(&'a str, TypeId)> = self.components.iter().map(|(k, v)| (*k, *v)).collect();
        for (name, id) in components {
            let at = schemas_ptr.push(name);
            let node = self.node_at(&at).expect("component exists");
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
        let mut operations = crate::operations::lower_operations(self);
        let webhook_event = self.lower_webhooks();
        self.dedup_inline(&mut operations);
        // Dedup renumbers types; the webhook union is never merged, so find it again by name.
        let webhook_event =
            webhook_event.and_then(|_| self.slots.iter().position(|s| s.wanted == WEBHOOK_EVENT && s.component.is_none()).map(TypeId));

        // Pass 3: final names.
        let names = self.assign_type_names();
        let mut types: Vec<TypeDef> = std::mem::take(&mut self.slots)
            .into_iter()
            .zip(names)
            .map(|(slot, name)| TypeDef {
                name,
                pointer: slot.pointer.to_string(),
                doc: slot.doc,
                deprecated: slot.deprecated,
                kind: slot.kind.unwrap_or(TypeKind::Alias(TypeRef::Json)),
                features: Vec::new(),
            })
            .collect();

        // Pass 4: boxes for cycles, JSON kinds for union variants.
        box_cycles(&mut types);
        fill_kinds(&mut types);

        let (mut operations, mut root_resource) = operations?;
        let pages = find_pages(&types, &mut operations);
        let features = assign_features(&mut types, &operations, &mut root_resource, webhook_event);
        Some(Api {
            crate_name: crate_name(&title),
            crate_version: crate_version(&spec_version),
            title,
            spec_version,
            description,
            base_url,
            types,
            operations,
            root: root_resource,
            pages,
            multipart: std::mem::take(&mut self.multipart),
            webhook_event,
            features,
        })
    }

    // ----- webhooks -----

    /// One union of every webhook payload, told apart like any union (by their `type`).
    fn lower_webhooks(&mut self) -> Option<TypeId> {
        let webhooks = self.doc.root.get("webhooks")?;
        let list_ptr = Pointer::root().push("webhooks");
        let Some(map) = webhooks.as_map() else {
            self.error(&list_ptr, format!("`webhooks` must be a mapping, found {}", webhooks.kind()));
            return None;
        };
        let mut branches: Vec<(usize, &'a Node)> = Vec::new();
        let mut names: Vec<(String, Pointer)> = Vec::new();
        for (i, (name, item)) in map.iter().enumerate() {
            let at = list_ptr.push(name).push("post").push("requestBody").push("content").push("application/json").push("schema");
            match self.node_at(&at) {
                Some(schema) => {
                    branches.push((i, schema));
                    names.push((name.clone(), at));
                }
                None => {
                    let _ = item;
                    self.report(Severity::Warning, &list_ptr.push(name), "webhook without a JSON `post` body; left out".to_owned());
                }
            }
        }
        if branches.is_empty() {
            return None;
        }
        let id = self.slot_for(&Hint::inline(WEBHOOK_EVENT.to_owned()), &list_ptr);
        self.slots[id.0].doc = Some("Any webhook the API sends, decoded by its `type`.".to_owned());
        self.slots[id.0].kind = Some(TypeKind::Union(Union { variants: Vec::new(), tag: None, unknown: None }));
        let (tag, tags_of) = self.find_tag(&Schema::empty(), &branches, &list_ptr);
        let mut variants = Vec::new();
        for (((_, schema), (name, at)), tags) in branches.iter().zip(&names).zip(tags_of) {
            let variant = names::type_name(name);
            let lowered = self.lower_schema(schema, at, &Hint::inline(format!("{WEBHOOK_EVENT}{variant}")), 0);
            let doc = Some(format!("The `{name}` webhook."));
            let tag_optional = self.tag_is_optional(schema, tag.as_deref(), &tags);
            variants.push(Variant { name: variant, body: VariantBody::Type(lowered.ty), tags, tag_optional, kinds: Kinds::default(), doc });
        }
        let wants: Vec<(String, String)> = variants.iter().enumerate().map(|(i, v)| (format!("{i:04}"), v.name.clone())).collect();
        for (variant, name) in variants.iter_mut().zip(names::assign_unique(&wants, &HashSet::new(), false)) {
            variant.name = name;
        }
        let unknown = tag.as_ref().map(|_| {
            let taken: HashSet<String> = variants.iter().map(|v| v.name.clone()).collect();
            names::assign_unique(&[("unknown".to_owned(), "Unknown".to_owned())], &taken, false).remove(0)
        });
        self.slots[id.0].kind = Some(TypeKind::Union(Union { variants, tag, unknown }));
        Some(id)
    }

    // ----- identical inline shapes -----

    /// Merges inline types that have the same shape (docs aside) into one, repeatedly, so
    /// that structs holding identical inline unions become identical too. The kept type is
    /// the one with the smallest JSON pointer; it is named by the words all the merged wanted
    /// names end with (`RunGraderRequestGrader`, `ValidateGraderRequestGrader` -> `Grader`),
    /// or keeps its own wanted name when they share no such ending.
    fn dedup_inline(&mut self, operations: &mut Option<(Vec<Operation>, Resource)>) {
        let n = self.slots.len();
        let mut repr: Vec<usize> = (0..n).collect();
        let mergeable = |slot: &Slot| slot.component.is_none() && !matches!(slot.kind, Some(TypeKind::Params(_)) | None);
        let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
        loop {
            let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
            for i in 0..n {
                if repr[i] == i && mergeable(&self.slots[i]) {
                    let key = shape_key(self.slots[i].kind.as_ref().expect("mergeable slots have a kind"), &repr);
                    groups.entry(key).or_default().push(i);
                }
            }
            let mut changed = false;
            // Within one shape, only names that end in the same word merge: `billing` and
            // `shipping` addresses are better as two types than as one named after either, and
            // an unrelated type of the same shape must not decide whether the others merge.
            let mut clusters: Vec<Vec<usize>> = Vec::new();
            for (_, group) in groups {
                let mut by_last_word: std::collections::BTreeMap<String, Vec<usize>> = std::collections::BTreeMap::new();
                for i in group {
                    let last = words(&self.slots[i].wanted).last().map(|w| (*w).to_owned()).unwrap_or_default();
                    by_last_word.entry(last).or_default().push(i);
                }
                clusters.extend(by_last_word.into_values());
            }
            for mut group in clusters {
                if group.len() < 2 {
                    continue;
                }
                let wanted: Vec<&str> = group.iter().map(|i| self.slots[*i].wanted.as_str()).collect();
                if !good_shared_name(&common_suffix(&wanted)) {
                    continue;
                }
                group.sort_by(|a, b| self.slots[*a].pointer.cmp(&self.slots[*b].pointer));
                let keep = group[0];
                for &other in &group[1..] {
                    repr[other] = keep;
                    let moved = members.remove(&other).unwrap_or_else(|| vec![other]);
                    members.entry(keep).or_insert_with(|| vec![keep]).extend(moved);
                }
                changed = true;
            }
            if !changed {
                break;
            }
        }
        if members.is_empty() {
            return;
        }
        let component_names: HashSet<String> = self.slots.iter().filter(|s| s.component.is_some()).map(|s| s.wanted.clone()).collect();
        let mut renames = Vec::new();
        for (keep, group) in &members {
            // Docs written for one use rarely fit the others; differing ones are dropped.
            let first = &self.slots[group[0]].doc;
            if group.iter().any(|i| &self.slots[*i].doc != first) {
                self.slots[*keep].doc = None;
            }
            let wanted: Vec<&str> = group.iter().map(|i| self.slots[*i].wanted.as_str()).collect();
            let suffix = common_suffix(&wanted);
            if !component_names.contains(&suffix) {
                renames.push((*keep, suffix));
            }
        }
        for (keep, name) in renames {
            self.slots[keep].wanted = name;
        }

        // Drop the merged slots and renumber every reference.
        let resolve = |mut i: usize| {
            while repr[i] != i {
                i = repr[i];
            }
            i
        };
        let mut new_id = vec![0; n];
        let mut next = 0;
        for (i, slot) in new_id.iter_mut().enumerate() {
            if resolve(i) == i {
                *slot = next;
                next += 1;
            }
        }
        for i in 0..n {
            new_id[i] = new_id[resolve(i)];
        }
        let map = |id: TypeId| TypeId(new_id[id.0]);
        let old = std::mem::take(&mut self.slots);
        for (i, mut slot) in old.into_iter().enumerate() {
            if resolve(i) == i {
                if let Some(kind) = &mut slot.kind {
                    map_kind(kind, &map);
                }
                self.slots.push(slot);
            }
        }
        for id in self.components.values_mut().chain(self.multipart.iter_mut()) {
            *id = map(*id);
        }
        if let Some((ops, _)) = operations {
            for op in ops {
                if let Some((id, _, _)) = &mut op.query {
                    *id = map(*id);
                }
                for body in op.body.iter_mut().chain(op.multipart_alternative.iter_mut()) {
                    map_ref(&mut body.ty, &map);
                }
                if let Some(ty) = &mut op.response {
                    map_ref(ty, &map);
                }
                if let Some(stream) = &mut op.stream {
                    map_ref(&mut stream.event, &map);
                }
            }
        }
    }

    // ----- naming -----

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

    // ----- references -----

    /// Follows a local `$ref`; reports and returns `None` when it dangles or is not local.
    fn resolve(&mut self, reference: &str, at: &Pointer) -> Option<(Pointer, &'a Node)> {
        let Some(target) = Pointer::from_fragment(reference) else {
            self.error(&at.push("$ref"), format!("unsupported `$ref` `{reference}`: only references inside this document are supported"));
            return None;
        };
        match self.node_at(&target) {
            Some(node) => Some((target, node)),
            None => {
                self.error(&at.push("$ref"), format!("`$ref` `{reference}` points to nothing"));
                None
            }
        }
    }

    /// The component a pointer names, if it is `/components/schemas/NAME`.
    fn component_at(&self, target: &Pointer) -> Option<TypeId> {
        let segments: Vec<String> = target.segments().collect();
        match segments.as_slice() {
            [a, b, name] if a == "components" && b == "schemas" => self.components.get(name.as_str()).copied(),
            _ => None,
        }
    }

    /// Follows `$ref`s (quietly) to the schema that holds content.
    fn deref_quiet(&self, node: &'a Node) -> Option<&'a Node> {
        self.doc.deref(node)
    }

    // ----- schemas -----

    fn lower_schema(&mut self, node: &'a Node, at: &Pointer, hint: &Hint, depth: usize) -> Lowered {
        let fallback = Lowered::plain(TypeRef::Json);
        if depth > MAX_REF_DEPTH {
            self.error(at, "schema nesting or `$ref` chain is too deep (circular `$ref`?)");
            return fallback;
        }
        let schema = match Schema::read(node, at) {
            Ok(schema) => schema,
            Err((ptr, message)) => {
                self.error(&ptr, message);
                return fallback;
            }
        };
        let doc = schema.description.map(str::to_owned);
        let slots_before = self.slots.len();
        let mut lowered = self.lower_shape(node, &schema, at, hint, depth);
        lowered.nullable |= schema.says_nullable();
        if doc.is_some() {
            lowered.doc = doc;
        }
        lowered.deprecated |= schema.deprecated;
        if let Some(note) = lowered.note.take() {
            lowered.doc = Some(append_doc(lowered.doc.take(), &note));
        }
        if let (Some(default), None) = (schema.default, &lowered.literal) {
            match literal_text(default) {
                Some(text) if self.default_fits(default, &lowered.ty) => {
                    lowered.doc = Some(append_doc(lowered.doc.take(), &format!("Defaults to `{text}`.")));
                }
                // Null defaults mean "none" and lists or objects are not written into docs.
                None => {}
                Some(text) => {
                    self.report(Severity::Warning, &at.push("default"), format!("default `{text}` does not match the schema; ignored"))
                }
            }
        }
        // A named type made for this very schema carries its docs.
        if let TypeRef::Named(id) = lowered.ty {
            let component = hint.target == Some(id);
            let slot = &mut self.slots[id.0];
            if (component || id.0 >= slots_before) && slot.pointer == *at && slot.doc.is_none() {
                slot.doc = lowered.doc.clone();
            }
            // A deprecated property marks its field; only a deprecated component marks a type.
            if component {
                slot.deprecated |= lowered.deprecated;
            }
        }
        lowered
    }

    fn lower_shape(&mut self, node: &'a Node, schema: &Schema<'a>, at: &Pointer, hint: &Hint, depth: usize) -> Lowered {
        if let Some(reference) = schema.reference {
            return self.lower_reference(reference, at, hint, depth);
        }
        if schema.recursive {
            // `$recursiveRef: "#"` stands for the component it sits in, which carries the
            // `$recursiveAnchor` (the published spec's compound filters nest themselves this way).
            let segments: Vec<String> = at.segments().take(3).collect();
            let component = match segments.as_slice() {
                [a, b, name] if a == "components" && b == "schemas" => self.components.get(name.as_str()).copied(),
                _ => None,
            };
            return match component {
                Some(id) => Lowered::plain(TypeRef::Named(id)),
                None => {
                    self.error(at, "`$recursiveRef` outside a component schema is not supported");
                    Lowered::plain(TypeRef::Json)
                }
            };
        }
        if schema.one_of.is_some() && schema.any_of.is_some() {
            self.error(at, "a schema with both `oneOf` and `anyOf` is not supported");
            return Lowered::plain(TypeRef::Json);
        }
        if let Some(all_of) = schema.all_of {
            if schema.alternatives().is_some() {
                self.error(&at.push("allOf"), "`allOf` next to `oneOf`/`anyOf` is not supported");
                return Lowered::plain(TypeRef::Json);
            }
            let members = schema.all_of_members();
            if let ([(i, only)], None) = (members.as_slice(), schema.properties) {
                let mut inner = self.lower_schema(only, &at.push("allOf").index(*i), hint, depth + 1);
                // The single member's own docs describe the referenced type, not this use of it.
                inner.doc = None;
                return inner;
            }
            let _ = all_of;
            return self.lower_all_of(node, at, hint, depth);
        }
        if let Some((keyword, branches)) = schema.alternatives() {
            if schema.properties.is_some() {
                self.error(&at.push(keyword), format!("`{keyword}` next to `properties` is not supported"));
                return Lowered::plain(TypeRef::Json);
            }
            return self.lower_alternatives(keyword, branches, schema, at, hint, depth);
        }
        if let Some(values) = schema.enumeration {
            return self.lower_enum(values, schema, at, hint);
        }
        if let Some(value) = schema.constant {
            return match literal_of(value) {
                Some(literal) => Lowered { literal: Some(literal.clone()), ..Lowered::plain(literal_type(&literal)) },
                None => {
                    self.error(&at.push("const"), "only string, boolean and integer `const` values are supported");
                    Lowered::plain(TypeRef::Json)
                }
            };
        }
        let types = schema.non_null_types();
        match types.as_slice() {
            [] if schema.properties.is_some() || !matches!(schema.additional, Additional::No) => self.lower_object(schema, at, hint, depth),
            [] if schema.items.is_some() => self.lower_array(schema, at, hint, depth),
            [] if schema.types.contains(&"null") => {
                self.error(at, "a schema that only allows `null` is not supported here");
                Lowered::plain(TypeRef::Json)
            }
            [] => Lowered::plain(TypeRef::Json),
            ["string"] if schema.format == Some("binary") => Lowered::plain(TypeRef::File),
            ["string"] => Lowered::plain(TypeRef::String),
            ["integer"] => Lowered::plain(TypeRef::Integer),
            ["number"] => Lowered::plain(TypeRef::Number),
            ["boolean"] => Lowered::plain(TypeRef::Boolean),
            ["array"] => self.lower_array(schema, at, hint, depth),
            ["object"] => self.lower_object(schema, at, hint, depth),
            several => {
                // `type: [string, integer]`: a union of primitives.
                let variants = several
                    .iter()
                    .map(|t| {
                        let (name, ty) = match *t {
                            "string" => ("String", TypeRef::String),
                            "integer" => ("Integer", TypeRef::Integer),
                            "number" => ("Number", TypeRef::Number),
                            "boolean" => ("Boolean", TypeRef::Boolean),
                            "array" => ("Array", TypeRef::Vec(Box::new(TypeRef::Json))),
                            _ => ("Object", TypeRef::Map(Box::new(TypeRef::Json))),
                        };
                        Variant {
                            name: name.to_owned(),
                            body: VariantBody::Type(ty),
                            tags: Vec::new(),
                            tag_optional: false,
                            kinds: Kinds::default(),
                            doc: None,
                        }
                    })
                    .collect();
                let id = self.slot_for(hint, at);
                if hint.target.is_none() {
                    self.slots[id.0].wanted = several.iter().map(|t| names::type_name(t)).collect::<Vec<_>>().join("Or");
                }
                self.slots[id.0].kind = Some(TypeKind::Union(Union { variants, tag: None, unknown: None }));
                Lowered::plain(TypeRef::Named(id))
            }
        }
    }

    fn lower_reference(&mut self, reference: &str, at: &Pointer, hint: &Hint, depth: usize) -> Lowered {
        let Some((target, node)) = self.resolve(reference, at) else {
            return Lowered::plain(TypeRef::Json);
        };
        if let Some(id) = self.component_at(&target) {
            let (nullable, literal) = self.shallow_facts(node, 0);
            // Without a description of its own, a use of a component borrows the first
            // paragraph of the component's description.
            let doc = self
                .deref_quiet(node)
                .and_then(|n| n.get("description"))
                .and_then(Node::as_str)
                .and_then(|d| d.split("\n\n").next())
                .map(|d| d.trim().to_owned())
                .filter(|d| !d.is_empty());
            return Lowered { ty: TypeRef::Named(id), nullable, literal, doc, note: None, deprecated: false };
        }
        // A reference into the middle of the document: lower that node once, named after it.
        if let Some(done) = self.by_pointer.get(&target) {
            return done.clone();
        }
        let name = target.last().map(|s| names::type_name(&s)).unwrap_or_else(|| hint.name.clone());
        let lowered = self.lower_schema(node, &target, &Hint::inline(name), depth + 1);
        self.by_pointer.insert(target, lowered.clone());
        lowered
    }

    /// Nullability and single value of a schema, following references, without lowering it.
    fn shallow_facts(&self, node: &'a Node, depth: usize) -> (bool, Option<Literal>) {
        if depth > MAX_REF_DEPTH {
            return (false, None);
        }
        let Ok(schema) = Schema::read(node, &Pointer::root()) else {
            return (false, None);
        };
        if let Some(reference) = schema.reference {
            let target = Pointer::from_fragment(reference).and_then(|p| self.node_at(&p));
            return match target {
                Some(target) => {
                    let (nullable, literal) = self.shallow_facts(target, depth + 1);
                    (nullable || schema.says_nullable(), literal)
                }
                None => (false, None),
            };
        }
        let mut nullable = schema.says_nullable();
        if let Some(all_of) = schema.all_of.filter(|l| l.len() == 1) {
            let (inner_nullable, literal) = self.shallow_facts(&all_of[0], depth + 1);
            return (nullable || inner_nullable, literal);
        }
        if let Some((_, branches)) = schema.alternatives() {
            let mut rest = Vec::new();
            for branch in branches {
                let is_null =
                    self.deref_quiet(branch).and_then(|b| Schema::read(b, &Pointer::root()).ok()).is_some_and(|s| s.is_null_only());
                if is_null {
                    nullable = true;
                } else {
                    rest.push(branch);
                }
            }
            if let [only] = rest.as_slice() {
                let (inner_nullable, literal) = self.shallow_facts(only, depth + 1);
                return (nullable || inner_nullable, literal);
            }
            return (nullable, None);
        }
        if let Some(values) = schema.enumeration {
            let non_null: Vec<&Node> = values.iter().filter(|v| v.value != Value::Null).collect();
            nullable |= non_null.len() < values.len();
            if let [one] = non_null.as_slice() {
                return (nullable, literal_of(one));
            }
            return (nullable, None);
        }
        if let Some(value) = schema.constant {
            return (nullable, literal_of(value));
        }
        (nullable, None)
    }

    /// Whether a union branch is a string, a set of strings, or something else.
    fn shallow_kind(&self, node: &'a Node, depth: usize) -> (Shallow, Vec<String>) {
        let Some(node) = self.deref_quiet(node) else {
            return (Shallow::Other, Vec::new());
        };
        let Ok(schema) = Schema::read(node, &Pointer::root()) else {
            return (Shallow::Other, Vec::new());
        };
        if depth > MAX_REF_DEPTH {
            return (Shallow::Other, Vec::new());
        }
        if let Some((_, branches)) = schema.alternatives() {
            // A nested union of strings counts as strings too (`anyOf: [string, ChatModel]`).
            let mut kind = Shallow::StringValues;
            let mut values = Vec::new();
            for branch in branches {
                let (k, v) = self.shallow_kind(branch, depth + 1);
                let is_null =
                    self.deref_quiet(branch).and_then(|b| Schema::read(b, &Pointer::root()).ok()).is_some_and(|s| s.is_null_only());
                match k {
                    _ if is_null => {}
                    Shallow::Other => return (Shallow::Other, Vec::new()),
                    Shallow::String => kind = Shallow::String,
                    Shallow::StringValues => values.extend(v),
                }
            }
            return (kind, values);
        }
        let types = schema.non_null_types();
        let stringy = types == ["string"] || (types.is_empty() && (schema.enumeration.is_some() || schema.constant.is_some()));
        if !stringy || schema.properties.is_some() || schema.all_of.is_some() {
            return (Shallow::Other, Vec::new());
        }
        if let Some(values) = schema.enumeration {
            let strings: Vec<String> = values.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
            let nulls = values.iter().filter(|v| v.value == Value::Null).count();
            if strings.len() + nulls == values.len() {
                return (Shallow::StringValues, strings);
            }
            return (Shallow::Other, Vec::new());
        }
        if let Some(value) = schema.constant {
            return match value.as_str() {
                Some(s) => (Shallow::StringValues, vec![s.to_owned()]),
                None => (Shallow::Other, Vec::new()),
            };
        }
        (Shallow::String, Vec::new())
    }

    fn lower_enum(&mut self, values: &'a [Node], schema: &Schema<'a>, at: &Pointer, hint: &Hint) -> Lowered {
        let nullable = values.iter().any(|v| v.value == Value::Null);
        let mut non_null: Vec<&Node> = Vec::new();
        for value in values.iter().filter(|v| v.value != Value::Null) {
            // A repeated value means nothing more (the published spec has a few).
            if !non_null.iter().any(|seen| seen.value == value.value) {
                non_null.push(value);
            }
        }
        if non_null.is_empty() {
            self.error(&at.push("enum"), "an `enum` of only `null` is not supported");
            return Lowered::plain(TypeRef::Json);
        }
        let mut lowered = if let [one] = non_null.as_slice() {
            match literal_of(one) {
                Some(literal) => Lowered { literal: Some(literal.clone()), ..Lowered::plain(literal_type(&literal)) },
                None => Lowered::plain(TypeRef::Json),
            }
        } else if non_null.iter().all(|v| v.as_str().is_some()) {
            let strings: Vec<String> = non_null.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
            let default = schema.default.and_then(Node::as_str).and_then(|d| strings.iter().position(|s| s == d));
            let kind = TypeKind::Enum(string_enum(&strings, default));
            let id = self.slot_for(hint, at);
            self.slots[id.0].kind = Some(kind);
            Lowered::plain(TypeRef::Named(id))
        } else {
            // Enums of numbers or mixed values keep their base type; the doc lists the values.
            let ty = match schema.non_null_types().as_slice() {
                ["integer"] => TypeRef::Integer,
                ["number"] => TypeRef::Number,
                ["boolean"] => TypeRef::Boolean,
                _ => TypeRef::Json,
            };
            let listed: Vec<String> = non_null.iter().filter_map(|v| literal_text(v)).map(|t| format!("`{t}`")).collect();
            Lowered { note: Some(format!("One of {}.", listed.join(", "))), ..Lowered::plain(ty) }
        };
        lowered.nullable |= nullable;
        lowered
    }

    fn lower_array(&mut self, schema: &Schema<'a>, at: &Pointer, hint: &Hint, depth: usize) -> Lowered {
        let mut note = None;
        let item = match schema.items {
            Some(items) => {
                let lowered = self.lower_schema(items, &at.push("items"), &hint.child("Item"), depth + 1);
                // A list of one possible value keeps its base type; the doc says the value.
                if let Some(literal) = &lowered.literal {
                    note = Some(format!("Each item is `{}`.", literal_display(literal)));
                }
                if lowered.nullable { TypeRef::Option(Box::new(lowered.ty)) } else { lowered.ty }
            }
            None => TypeRef::Json,
        };
        Lowered { note, ..Lowered::plain(TypeRef::Vec(Box::new(item))) }
    }

    fn lower_object(&mut self, schema: &Schema<'a>, at: &Pointer, hint: &Hint, depth: usize) -> Lowered {
        let properties: Vec<(String, &'a Node, Pointer)> = schema
            .properties
            .map(|props| props.iter().map(|(k, v)| (k.clone(), v, at.push("properties").push(k))).collect())
            .unwrap_or_default();
        let parts = ObjectParts {
            properties,
            required: schema.required.iter().map(|s| (*s).to_owned()).collect(),
            additional: schema.additional.clone_with_pointer(at),
            doc: None,
            union: None,
        };
        self.lower_object_parts(parts, at, hint, depth)
    }

    fn lower_object_parts(&mut self, parts: ObjectParts<'a>, at: &Pointer, hint: &Hint, depth: usize) -> Lowered {
        let ObjectParts { properties, required, additional, union, .. } = parts;
        let extra_ty = additional.map(|(node, ptr)| match node {
            None => TypeRef::Json,
            Some(node) => {
                let lowered = self.lower_schema(node, &ptr, &hint.child("Value"), depth + 1);
                if lowered.nullable { TypeRef::Option(Box::new(lowered.ty)) } else { lowered.ty }
            }
        });
        if properties.is_empty() && union.is_none() {
            // No properties: a map when extra properties are described, otherwise free-form JSON.
            return Lowered::plain(match extra_ty {
                Some(value) => TypeRef::Map(Box::new(value)),
                None => TypeRef::Json,
            });
        }
        let id = self.slot_for(hint, at);
        let own_name = hint.name.clone();
        // Claim the slot before lowering fields, so a self-reference sees a struct in progress.
        self.slots[id.0].kind = Some(TypeKind::Struct(Struct { fields: Vec::new(), consts: Vec::new(), extra: None, flatten: None }));
        let mut fields = Vec::new();
        let mut consts = Vec::new();
        for (wire, node, ptr) in properties {
            let field_hint = Hint::inline(format!("{own_name}{}", names::pascal(&wire)));
            let lowered = self.lower_schema(node, &ptr, &field_hint, depth + 1);
            if let Some(value) = lowered.literal {
                consts.push(ConstField { wire, value });
                continue;
            }
            fields.push(Field {
                name: String::new(),
                required: required.contains(&wire),
                wire,
                ty: lowered.ty,
                nullable: lowered.nullable,
                doc: lowered.doc,
                deprecated: lowered.deprecated,
            });
        }
        for name in &required {
            let known = fields.iter().any(|f| &f.wire == name) || consts.iter().any(|c| &c.wire == name);
            if !known {
                let at_required = at.push("required");
                self.report(Severity::Warning, &at_required, format!("required property `{name}` is not among the properties; ignored"));
            }
        }
        let wants: Vec<(String, String)> = fields.iter().map(|f| (f.wire.clone(), names::field(&f.wire))).collect();
        let mut extra_name = None;
        let mut taken = HashSet::new();
        let flatten = union.map(|(node, ptr)| {
            // Named after the referenced union, or `variant` for an inline one.
            let (field_name, type_name) =
                match node.get("$ref").and_then(Node::as_str).and_then(Pointer::from_fragment).and_then(|p| p.last()) {
                    Some(target) => (names::field(&target), names::type_name(&target)),
                    None => ("variant".to_owned(), format!("{own_name}Variant")),
                };
            let lowered = self.lower_schema(node, &ptr, &Hint::inline(type_name), depth + 1);
            let clash = wants.iter().any(|(_, n)| *n == field_name);
            let field_name = if clash { format!("{field_name}_variant") } else { field_name };
            taken.insert(field_name.clone());
            (field_name, lowered.ty)
        });
        if flatten.is_some() && !consts.is_empty() {
            self.error(at, "an `allOf` that flattens a union next to single-value properties is not supported");
        }
        // Next to a flattened union a catch-all map would also catch the union's keys and
        // write them twice; the union's own unknown-variant handling keeps extras instead.
        let extra_ty = match extra_ty {
            Some(_) if flatten.is_some() => {
                self.report(Severity::Warning, at, "`additionalProperties` next to a union in `allOf` is ignored".to_owned());
                None
            }
            other => other,
        };
        if extra_ty.is_some() {
            // The catch-all map yields its name to a real property of the same name.
            let wanted = "additional_properties".to_owned();
            let clash = wants.iter().any(|(_, n)| *n == wanted);
            let name = if clash { "additional_properties_map".to_owned() } else { wanted };
            taken.insert(name.clone());
            extra_name = Some(name);
        }
        for (field, name) in fields.iter_mut().zip(names::assign_unique(&wants, &taken, true)) {
            field.name = name;
        }
        let extra = extra_name.zip(extra_ty);
        self.slots[id.0].kind = Some(TypeKind::Struct(Struct { fields, consts, extra, flatten }));
        Lowered::plain(TypeRef::Named(id))
    }

    fn lower_all_of(&mut self, node: &'a Node, at: &Pointer, hint: &Hint, depth: usize) -> Lowered {
        let mut parts = ObjectParts::default();
        self.collect_object(node, at, &mut parts, depth, true);
        let doc = parts.doc.take();
        let mut lowered = self.lower_object_parts(parts, at, hint, depth);
        if lowered.doc.is_none() {
            lowered.doc = doc;
        }
        lowered
    }

    /// Gathers the properties of an `allOf` and its members (recursively) into one object.
    fn collect_object(&mut self, node: &'a Node, at: &Pointer, parts: &mut ObjectParts<'a>, depth: usize, outermost: bool) {
        if depth > MAX_REF_DEPTH {
            self.error(at, "`allOf` nesting is too deep (circular `$ref`?)");
            return;
        }
        let schema = match Schema::read(node, at) {
            Ok(schema) => schema,
            Err((ptr, message)) => return self.error(&ptr, message),
        };
        if let Some(reference) = schema.reference {
            // A referenced union is flattened whole; look at the target before descending.
            let target = self.resolve(reference, at);
            if let Some((target_ptr, target_node)) = target {
                let is_union = Schema::read(target_node, &target_ptr).is_ok_and(|t| t.alternatives().is_some() && t.properties.is_none());
                if is_union {
                    if parts.union.is_some() {
                        self.error(at, "`allOf` with more than one union member is not supported");
                    } else {
                        parts.union = Some((node, at.clone()));
                    }
                } else {
                    self.collect_object(target_node, &target_ptr, parts, depth + 1, false);
                }
            }
            return;
        }
        if !outermost && schema.alternatives().is_some() && schema.properties.is_none() {
            // A union among the members: its variants are flattened next to the other
            // members' properties (`allOf: [anyOf: [events..], {properties: {stream_id}}]`).
            if parts.union.is_some() {
                self.error(at, "`allOf` with more than one union member is not supported");
            } else {
                parts.union = Some((node, at.clone()));
            }
            return;
        }
        if !outermost && schema.enumeration.is_some() {
            self.error(at, "`allOf` members must be objects; this one is an enum");
            return;
        }
        let types = schema.non_null_types();
        if !(types.is_empty() || types == ["object"]) {
            self.error(at, format!("`allOf` members must be objects; this one is `{}`", types.join("`, `")));
            return;
        }
        if parts.doc.is_none() {
            parts.doc = schema.description.map(str::to_owned);
        }
        for (i, member) in schema.all_of_members() {
            self.collect_object(member, &at.push("allOf").index(i), parts, depth + 1, false);
        }
        if let Some(props) = schema.properties {
            for (name, value) in props {
                let ptr = at.push("properties").push(name);
                // A later member restating a property refines it; keep the first position.
                match parts.properties.iter_mut().find(|(n, _, _)| n == name) {
                    Some(slot) => *slot = (name.clone(), value, ptr),
                    None => parts.properties.push((name.clone(), value, ptr)),
                }
            }
        }
        for name in &schema.required {
            if !parts.required.iter().any(|r| r == name) {
                parts.required.push((*name).to_owned());
            }
        }
        if let Some(extra) = schema.additional.clone_with_pointer(at) {
            parts.additional = Some(extra);
        }
    }

    fn lower_alternatives(
        &mut self,
        keyword: &'static str,
        branches: &'a [Node],
        schema: &Schema<'a>,
        at: &Pointer,
        hint: &Hint,
        depth: usize,
    ) -> Lowered {
        let list_ptr = at.push(keyword);
        let mut nullable = false;
        let mut rest: Vec<(usize, &'a Node)> = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            let is_null = self.deref_quiet(branch).and_then(|b| Schema::read(b, &Pointer::root()).ok()).is_some_and(|s| s.is_null_only());
            if is_null {
                nullable = true;
            } else {
                rest.push((i, branch));
            }
        }
        if rest.is_empty() {
            self.error(&list_ptr, format!("`{keyword}` with only `null` branches is not supported"));
            return Lowered::plain(TypeRef::Json);
        }
        if let [(i, only)] = rest.as_slice() {
            let mut inner = self.lower_schema(only, &list_ptr.index(*i), hint, depth + 1);
            inner.nullable |= nullable;
            return inner;
        }

        // All branches strings: an open string when any branch takes any string, else an enum.
        let shallow: Vec<(Shallow, Vec<String>)> = rest.iter().map(|(_, b)| self.shallow_kind(b, 0)).collect();
        if shallow.iter().all(|(k, _)| *k != Shallow::Other) {
            let mut values: Vec<String> = Vec::new();
            for (_, vs) in &shallow {
                for v in vs {
                    if !values.contains(v) {
                        values.push(v.clone());
                    }
                }
            }
            let open = shallow.iter().any(|(k, _)| *k == Shallow::String);
            let kind = if open || values.is_empty() {
                TypeKind::OpenString(open_string(&values))
            } else {
                let default = schema.default.and_then(Node::as_str).and_then(|d| values.iter().position(|s| s == d));
                TypeKind::Enum(string_enum(&values, default))
            };
            let id = self.slot_for(hint, at);
            self.slots[id.0].kind = Some(kind);
            return Lowered { nullable, ..Lowered::plain(TypeRef::Named(id)) };
        }

        let id = self.slot_for(hint, at);
        let own_name = hint.name.clone();
        self.slots[id.0].kind = Some(TypeKind::Union(Union { variants: Vec::new(), tag: None, unknown: None }));

        // Tags and wanted variant names come before lowering, so inline branch types can be
        // named after them: an inline object with one tag value is named by that value.
        let (tag, tags_of) = self.find_tag(schema, &rest, &list_ptr);
        let mut wanted: Vec<String> = rest
            .iter()
            .zip(&tags_of)
            .map(|((_, b), tags)| match tags.as_slice() {
                [one] if b.get("$ref").is_none() && !one.is_empty() => names::type_name(one),
                _ => self.variant_name(b),
            })
            .collect();
        strip_common_prefix(&mut wanted, &rest.iter().map(|(_, b)| b.get("$ref").is_some()).collect::<Vec<_>>());
        let mut variants = Vec::new();
        for (((i, branch), name), tags) in rest.iter().zip(&wanted).zip(tags_of) {
            let lowered = self.lower_schema(branch, &list_ptr.index(*i), &Hint::inline(format!("{own_name}{name}")), depth + 1);
            nullable |= lowered.nullable;
            let body = match lowered.literal {
                Some(literal) => VariantBody::Literal(literal),
                None => VariantBody::Type(lowered.ty),
            };
            // A `$ref` branch's doc lives on the referenced type.
            let doc = if branch.get("$ref").is_some() { None } else { lowered.doc };
            let tag_optional = self.tag_is_optional(branch, tag.as_deref(), &tags);
            variants.push(Variant { name: name.clone(), body, tags, tag_optional, kinds: Kinds::default(), doc });
        }

        let wants: Vec<(String, String)> = variants.iter().enumerate().map(|(i, v)| (format!("{i:04}"), v.name.clone())).collect();
        let unique = names::assign_unique(&wants, &HashSet::new(), false);
        for (variant, name) in variants.iter_mut().zip(unique) {
            variant.name = name;
        }
        // A union of literals and primitives is named after what it holds, `AutoOrInteger`:
        // its shape is its meaning, and identical ones elsewhere then share the name.
        let simple = variants.iter().all(|v| {
            matches!(
                &v.body,
                VariantBody::Literal(_) | VariantBody::Type(TypeRef::String | TypeRef::Integer | TypeRef::Number | TypeRef::Boolean)
            )
        });
        if simple && hint.target.is_none() {
            self.slots[id.0].wanted = variants.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join("Or");
        }
        let unknown = tag.as_ref().map(|_| {
            let taken: HashSet<String> = variants.iter().map(|v| v.name.clone()).collect();
            names::assign_unique(&[("unknown".to_owned(), "Unknown".to_owned())], &taken, false).remove(0)
        });
        self.slots[id.0].kind = Some(TypeKind::Union(Union { variants, tag, unknown }));
        Lowered { nullable, ..Lowered::plain(TypeRef::Named(id)) }
    }

    /// The wanted name of a union variant, from its reference, value, title or type.
    fn variant_name(&self, branch: &'a Node) -> String {
        let reference = branch.get("$ref").and_then(Node::as_str);
        if let Some(last) = reference.and_then(Pointer::from_fragment).and_then(|p| p.last()) {
            return names::type_name(&last);
        }
        let Ok(schema) = Schema::read(branch, &Pointer::root()) else {
            return "Value".to_owned();
        };
        let (_, literal) = self.shallow_facts(branch, 0);
        if let Some(literal) = literal {
            return match literal {
                Literal::String(s) if !s.is_empty() => names::type_name(&s),
                Literal::String(_) => "Empty".to_owned(),
                Literal::Bool(b) => if b { "True" } else { "False" }.to_owned(),
                Literal::Int(i) => format!("Value{}", i.unsigned_abs()),
            };
        }
        if let Some(title) = schema.title {
            return names::type_name(title);
        }
        let types = schema.non_null_types();
        let binary = |node: Option<&Node>| node.and_then(|n| n.get("format")).and_then(Node::as_str) == Some("binary");
        match types.as_slice() {
            ["string"] if schema.format == Some("binary") => "File",
            ["array"] if binary(schema.items) => "Files",
            ["string"] => "String",
            ["integer"] => "Integer",
            ["number"] => "Number",
            ["boolean"] => "Boolean",
            ["array"] => "Array",
            ["object"] => "Object",
            [] if schema.properties.is_some() => "Object",
            [] if schema.items.is_some() => "Array",
            _ => "Value",
        }
        .to_owned()
    }

    /// Finds the property that tells object variants apart, from the discriminator or from a
    /// property that every object variant fixes to its own single value.
    fn find_tag(&mut self, schema: &Schema<'a>, branches: &[(usize, &'a Node)], list_ptr: &Pointer) -> (Option<String>, Vec<Vec<String>>) {
        let mut tags_of: Vec<Vec<String>> = vec![Vec::new(); branches.len()];
        let objects: Vec<usize> = (0..branches.len()).filter(|i| self.is_object_schema(branches[*i].1, 0)).collect();
        if let Some((property, mapping)) = &schema.discriminator {
            let property = (*property).to_owned();
            // A branch that is itself a union answers to the tags of its own branches.
            let unions: Vec<usize> = (0..branches.len()).filter(|i| !objects.contains(i) && self.is_union_schema(branches[*i].1)).collect();
            for &i in &unions {
                tags_of[i] = self.property_values(branches[i].1, &property, 0);
            }
            // Two branches may share a tag (an input and an output message are both
            // `message`); decoding then tries them in turn, so the tags are all kept.
            for &i in &objects {
                let (_, branch) = branches[i];
                let mut tags: Vec<String> = Vec::new();
                if let Some(reference) = branch.get("$ref").and_then(Node::as_str) {
                    tags.extend(mapping.iter().filter(|(_, target)| *target == reference).map(|(tag, _)| (*tag).to_owned()));
                    if tags.is_empty() {
                        tags = self.property_values(branch, &property, 0);
                    }
                    if tags.is_empty() && mapping.is_empty() {
                        // The implicit mapping of OpenAPI: the component's own name.
                        if let Some(last) = Pointer::from_fragment(reference).and_then(|p| p.last()) {
                            tags.push(last);
                        }
                    }
                } else {
                    tags = self.property_values(branch, &property, 0);
                }
                if tags.is_empty() {
                    self.error(&list_ptr.index(branches[i].0), format!("cannot tell which `{property}` values select this branch"));
                }
                tags_of[i] = tags;
            }
            return (Some(property), tags_of);
        }
        if objects.len() < 2 {
            return (None, tags_of);
        }
        // Candidate properties: fixed to one value in every object branch.
        let mut candidates: Option<BTreeSet<String>> = None;
        let mut fixed: Vec<IndexMap<String, String>> = Vec::new();
        for &i in &objects {
            let values = self.fixed_properties(branches[i].1, 0);
            let keys: BTreeSet<String> = values.keys().cloned().collect();
            candidates = Some(match candidates {
                None => keys,
                Some(c) => c.intersection(&keys).cloned().collect(),
            });
            fixed.push(values);
        }
        let candidates = candidates.unwrap_or_default();
        let distinct = |p: &String| {
            let values: HashSet<&String> = fixed.iter().map(|f| &f[p]).collect();
            values.len() == fixed.len()
        };
        let property = if candidates.contains("type") && distinct(&"type".to_owned()) {
            "type".to_owned()
        } else {
            match candidates.iter().find(|p| distinct(p)) {
                Some(p) => p.clone(),
                None => return (None, tags_of),
            }
        };
        for (k, &i) in objects.iter().enumerate() {
            tags_of[i] = vec![fixed[k][&property].clone()];
        }
        (Some(property), tags_of)
    }

    fn is_object_schema(&self, node: &'a Node, depth: usize) -> bool {
        let Some(node) = self.deref_quiet(node) else { return false };
        let Ok(schema) = Schema::read(node, &Pointer::root()) else { return false };
        if depth > MAX_REF_DEPTH || schema.alternatives().is_some() {
            return false;
        }
        let types = schema.non_null_types();
        types == ["object"] || (types.is_empty() && (schema.properties.is_some() || schema.all_of.is_some()))
    }

    /// Properties of an object schema (through `$ref` and `allOf`) that allow exactly one string.
    fn fixed_properties(&self, node: &'a Node, depth: usize) -> IndexMap<String, String> {
        let mut out = IndexMap::new();
        let Some(node) = self.deref_quiet(node) else { return out };
        let Ok(schema) = Schema::read(node, &Pointer::root()) else { return out };
        if depth > MAX_REF_DEPTH {
            return out;
        }
        if let Some(members) = schema.all_of {
            for member in members {
                out.extend(self.fixed_properties(member, depth + 1));
            }
        }
        if let Some(props) = schema.properties {
            for (name, prop) in props {
                if let (_, Some(Literal::String(value))) = self.shallow_facts(prop, 0) {
                    out.insert(name.clone(), value);
                }
            }
        }
        out
    }

    /// The string values a property may take in an object schema (an enum or a single value).
    fn property_values(&self, node: &'a Node, property: &str, depth: usize) -> Vec<String> {
        let Some(node) = self.deref_quiet(node) else { return Vec::new() };
        let Ok(schema) = Schema::read(node, &Pointer::root()) else { return Vec::new() };
        if depth > MAX_REF_DEPTH {
            return Vec::new();
        }
        if let Some(prop) = schema.properties.and_then(|p| p.get(property)) {
            let (kind, values) = self.shallow_kind(prop, 0);
            if kind == Shallow::StringValues {
                return values;
            }
        }
        for member in schema.all_of.unwrap_or_default() {
            let values = self.property_values(member, property, depth + 1);
            if !values.is_empty() {
                return values;
            }
        }
        // A union: every value any of its branches takes.
        let mut values: Vec<String> = Vec::new();
        for branch in schema.alternatives().map(|(_, b)| b).unwrap_or_default() {
            for value in self.property_values(branch, property, depth + 1) {
                if !values.contains(&value) {
                    values.push(value);
                }
            }
        }
        values
    }

    /// Whether a branch selected by `tags` of the tag `property` may leave that property out:
    /// an object that does not list it in `required` (nor does an `allOf` member), or a union
    /// with such an object among its branches.
    fn tag_is_optional(&self, branch: &'a Node, property: Option<&str>, tags: &[String]) -> bool {
        match property {
            Some(property) if !tags.is_empty() && self.takes_objects(branch) => !self.requires(branch, property, 0),
            _ => false,
        }
    }

    /// Whether every object an object schema or union (through `$ref` and `allOf`) accepts has
    /// `property`: it is required, or required by every object branch of the union.
    fn requires(&self, node: &'a Node, property: &str, depth: usize) -> bool {
        let Some(node) = self.deref_quiet(node) else { return false };
        let Ok(schema) = Schema::read(node, &Pointer::root()) else { return false };
        if depth > MAX_REF_DEPTH {
            return false;
        }
        if schema.required.contains(&property)
            || schema.all_of.unwrap_or_default().iter().any(|member| self.requires(member, property, depth + 1))
        {
            return true;
        }
        match schema.alternatives() {
            // Branches that are not objects accept no object, so they do not count.
            Some((_, branches)) if schema.properties.is_none() => {
                branches.iter().all(|branch| !self.takes_objects(branch) || self.requires(branch, property, depth + 1))
            }
            _ => false,
        }
    }

    /// Whether a schema accepts objects: an object schema, or a union (whose branches decide).
    fn takes_objects(&self, node: &'a Node) -> bool {
        self.is_object_schema(node, 0) || self.is_union_schema(node)
    }

    /// Whether a schema (through `$ref`) is a `oneOf`/`anyOf` without properties of its own.
    fn is_union_schema(&self, node: &'a Node) -> bool {
        let Some(node) = self.deref_quiet(node) else { return false };
        Schema::read(node, &Pointer::root()).is_ok_and(|s| s.alternatives().is_some() && s.properties.is_none())
    }

    // ----- helpers for operations -----

    /// Lowers a schema that appears outside `components`, named by `name`.
    pub(crate) fn lower_inline(&mut self, node: &'a Node, at: &Pointer, name: String) -> (TypeRef, bool, Option<String>) {
        let lowered = self.lower_schema(node, at, &Hint::inline(name), 0);
        (lowered.ty, lowered.nullable, lowered.doc)
    }

    /// Resolves a `$ref` in a non-schema position (parameters, request bodies, responses).
    pub(crate) fn deref_object(&mut self, node: &'a Node, at: &Pointer) -> Option<(Pointer, &'a Node)> {
        let mut current = (at.clone(), node);
        for _ in 0..MAX_REF_DEPTH {
            match current.1.get("$ref").and_then(Node::as_str) {
                Some(reference) => current = self.resolve(reference, &current.0)?,
                None => return Some(current),
            }
        }
        self.error(at, "`$ref` chain is too long (circular?)");
        None
    }

    pub(crate) fn root(&self) -> &'a Node {
        &self.doc.root
    }

    pub(crate) fn add_params_type(&mut self, name: String, at: &Pointer, params: Params, doc: String) -> TypeId {
        let id = TypeId(self.slots.len());
        self.slots.push(Slot {
            wanted: name,
            component: None,
            pointer: at.clone(),
            doc: Some(doc),
            deprecated: false,
            kind: Some(TypeKind::Params(params)),
        });
        id
    }

    /// Whether a lowered type is a scalar that can be written as one query value.
    pub(crate) fn is_scalar(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::String | TypeRef::Integer | TypeRef::Number | TypeRef::Boolean => true,
            TypeRef::Named(id) => match &self.slots[id.0].kind {
                Some(TypeKind::Enum(_) | TypeKind::OpenString(_)) => true,
                Some(TypeKind::Alias(inner)) => self.is_scalar(&inner.clone()),
                _ => false,
            },
            _ => false,
        }
    }

    /// Records that `ty` is sent as a multipart form; it must be a struct.
    pub(crate) fn mark_multipart(&mut self, ty: &TypeRef, at: &Pointer) {
        match self.unalias(ty) {
            TypeRef::Named(id) if matches!(self.slots[id.0].kind, Some(TypeKind::Struct(_))) => {
                if !self.multipart.contains(&id) {
                    self.multipart.push(id);
                }
            }
            _ => self.error(at, "a multipart form must be an object with properties"),
        }
    }

    /// The body property and value that ask for a stream: a boolean `stream` set to `true`, or
    /// a property whose values include `sse` set to that.
    pub(crate) fn stream_switch(&self, ty: &TypeRef) -> Option<(String, Literal)> {
        let TypeRef::Named(id) = self.unalias(ty) else { return None };
        let Some(TypeKind::Struct(s)) = &self.slots[id.0].kind else { return None };
        if let Some(field) = s.fields.iter().find(|f| f.wire == "stream" && self.unalias(&f.ty) == TypeRef::Boolean) {
            return Some((field.wire.clone(), Literal::Bool(true)));
        }
        s.fields.iter().find_map(|f| {
            let TypeRef::Named(id) = self.unalias(&f.ty) else { return None };
            let offers_sse = match &self.slots[id.0].kind {
                Some(TypeKind::Enum(e)) => e.variants.iter().any(|v| v.wire == "sse"),
                Some(TypeKind::OpenString(o)) => o.known.iter().any(|(_, v)| v == "sse"),
                _ => false,
            };
            offers_sse.then(|| (f.wire.clone(), Literal::String("sse".to_owned())))
        })
    }

    /// Whether a scalar default is a value `ty` can hold: the right JSON kind, and one of the
    /// listed values for an enum.
    fn default_fits(&self, default: &Node, ty: &TypeRef) -> bool {
        match (&default.value, self.unalias(ty)) {
            (_, TypeRef::Json) => true,
            (Value::String(_), TypeRef::String) => true,
            (Value::Int(_), TypeRef::Integer | TypeRef::Number) => true,
            (Value::Float(_), TypeRef::Number) => true,
            (Value::Bool(_), TypeRef::Boolean) => true,
            (value, TypeRef::Named(id)) => match &self.slots[id.0].kind {
                Some(TypeKind::Enum(e)) => matches!(value, Value::String(s) if e.variants.iter().any(|v| &v.wire == s)),
                Some(TypeKind::OpenString(_)) => matches!(value, Value::String(_)),
                Some(TypeKind::Const(l)) => literal_of(default).as_ref() == Some(l),
                // A union takes a default that fits any of its variants.
                Some(TypeKind::Union(u)) => u.variants.iter().any(|v| match &v.body {
                    VariantBody::Literal(l) => literal_of(default).as_ref() == Some(l),
                    VariantBody::Type(t) => self.default_fits(default, t),
                }),
                // A component lowered later is not known yet; its default is given the benefit
                // of the doubt rather than a false warning.
                None => true,
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether a value of `ty` can hold a file, through any field, variant or list.
    pub(crate) fn contains_file(&self, ty: &TypeRef) -> bool {
        let mut seen = HashSet::new();
        let mut stack = vec![ty.clone()];
        while let Some(ty) = stack.pop() {
            match ty {
                TypeRef::File => return true,
                TypeRef::Vec(t) | TypeRef::Map(t) | TypeRef::Option(t) | TypeRef::Box(t) => stack.push(*t),
                TypeRef::Named(id) if seen.insert(id) => {
                    if let Some(kind) = &self.slots[id.0].kind {
                        stack.extend(refs_of(kind));
                    }
                }
                _ => {}
            }
        }
        false
    }

    /// Whether a response type is a list: an array, or an object with a required `data` array.
    pub(crate) fn is_list(&self, ty: &TypeRef) -> bool {
        match self.unalias(ty) {
            TypeRef::Vec(_) => true,
            TypeRef::Option(inner) => self.is_list(&inner),
            TypeRef::Named(id) => match &self.slots[id.0].kind {
                Some(TypeKind::Struct(s)) => s.fields.iter().any(|f| f.wire == "data" && matches!(self.unalias(&f.ty), TypeRef::Vec(_))),
                _ => false,
            },
            _ => false,
        }
    }

    /// The type behind any chain of aliases.
    pub(crate) fn unalias(&self, ty: &TypeRef) -> TypeRef {
        let mut current = ty.clone();
        for _ in 0..MAX_REF_DEPTH {
            match &current {
                TypeRef::Named(id) => match &self.slots[id.0].kind {
                    Some(TypeKind::Alias(inner)) => current = inner.clone(),
                    _ => break,
                },
                _ => break,
            }
        }
        current
    }

    /// Whether a type is a struct of scalar fields only, which can be written as query pairs.
    pub(crate) fn is_flat_object(&self, ty: &TypeRef) -> bool {
        match self.unalias(ty) {
            TypeRef::Named(id) => match &self.slots[id.0].kind {
                Some(TypeKind::Struct(s)) => s.extra.is_none() && s.flatten.is_none() && s.fields.iter().all(|f| self.is_scalar(&f.ty)),
                _ => false,
            },
            _ => false,
        }
    }

    pub(crate) fn error_at(&mut self, at: &Pointer, message: String) {
        self.error(at, message);
    }
}

impl<'a> Additional<'a> {
    /// The node and pointer of `additionalProperties` when extra properties are allowed.
    fn clone_with_pointer(&self, at: &Pointer) -> Option<(Option<&'a Node>, Pointer)> {
        let ptr = at.push("additionalProperties");
        match self {
            Additional::No => None,
            Additional::Any => Some((None, ptr)),
            Additional::Schema(node) => Some((Some(*node), ptr)),
        }
    }
}

fn string_enum(values: &[String], default: Option<usize>) -> StringEnum {
    let wants: Vec<(String, String)> =
        values.iter().map(|v| (v.clone(), if v.is_empty() { "Empty".to_owned() } else { names::type_name(v) })).collect();
    let assigned = names::assign_unique(&wants, &HashSet::new(), false);
    let taken: HashSet<String> = assigned.iter().cloned().collect();
    let unknown = names::assign_unique(&[("unknown".to_owned(), "Unknown".to_owned())], &taken, false).remove(0);
    StringEnum {
        variants: values.iter().zip(assigned).map(|(wire, name)| EnumVariant { name, wire: wire.clone() }).collect(),
        unknown,
        default,
    }
}

fn open_string(values: &[String]) -> OpenString {
    let wants: Vec<(String, String)> = values.iter().map(|v| (v.clone(), names::constant(v))).collect();
    let assigned = names::assign_unique(&wants, &HashSet::new(), true);
    OpenString { known: assigned.into_iter().zip(values.iter().cloned()).collect() }
}

/// Strips the words that every `$ref`-named variant starts with (`GraderStringCheck`,
/// `GraderPython` become `StringCheck`, `Python`), when at least two variants share them and
/// every stripped name still starts with a letter.
fn strip_common_prefix(names: &mut [String], from_ref: &[bool]) {
    let candidates: Vec<usize> = (0..names.len()).filter(|i| from_ref[*i]).collect();
    if candidates.len() < 2 {
        return;
    }
    let split: Vec<Vec<&str>> = candidates.iter().map(|i| words(&names[*i])).collect();
    let mut common = 0;
    // Count the leading words all names share, leaving every name at least one word.
    while let Some(word) = split[0].get(common) {
        if split.iter().any(|s| s.get(common) != Some(word) || s.len() <= common + 1) {
            break;
        }
        common += 1;
    }
    if common == 0 {
        return;
    }
    let stripped: Vec<String> = split.iter().map(|s| s[common..].concat()).collect();
    if stripped.iter().all(|s| s.starts_with(|c: char| c.is_ascii_alphabetic())) {
        for (i, name) in candidates.iter().zip(stripped) {
            names[*i] = name;
        }
    }
}

/// Splits a PascalCase name into words at upper-case letters.
fn words(name: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            out.push(&name[start..i]);
            start = i;
        }
    }
    out.push(&name[start..]);
    out
}

fn literal_of(node: &Node) -> Option<Literal> {
    match &node.value {
        Value::String(s) => Some(Literal::String(s.clone())),
        Value::Bool(b) => Some(Literal::Bool(*b)),
        Value::Int(i) => i64::try_from(*i).ok().map(Literal::Int),
        _ => None,
    }
}

fn literal_display(literal: &Literal) -> String {
    match literal {
        Literal::String(s) => s.clone(),
        Literal::Bool(b) => b.to_string(),
        Literal::Int(i) => i.to_string(),
    }
}

fn literal_type(literal: &Literal) -> TypeRef {
    match literal {
        Literal::String(_) => TypeRef::String,
        Literal::Bool(_) => TypeRef::Boolean,
        Literal::Int(_) => TypeRef::Integer,
    }
}

/// A scalar as text for docs (`auto`, `20`, `true`); `None` for structures and null.
fn literal_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        _ => None,
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

// ----- shape keys and renumbering -----

/// A text that is equal for two types exactly when they have the same shape, docs aside.
fn shape_key(kind: &TypeKind, repr: &[usize]) -> String {
    use std::fmt::Write as _;
    let r = |ty: &TypeRef| ref_key(ty, repr);
    let mut key = String::new();
    match kind {
        TypeKind::Struct(s) => {
            key.push_str("struct{");
            for f in &s.fields {
                let _ = write!(key, "{}:{}:{}:{}:{};", f.wire, f.name, r(&f.ty), f.required, f.nullable);
            }
            for c in &s.consts {
                let _ = write!(key, "const {}={:?};", c.wire, c.value);
            }
            if let Some((name, ty)) = &s.extra {
                let _ = write!(key, "extra {name}:{};", r(ty));
            }
            if let Some((name, ty)) = &s.flatten {
                let _ = write!(key, "flatten {name}:{};", r(ty));
            }
        }
        TypeKind::Enum(e) => {
            let _ = write!(key, "enum{:?}", e.default);
            for v in &e.variants {
                let _ = write!(key, "{}={};", v.name, v.wire);
            }
        }
        TypeKind::OpenString(o) => {
            let _ = write!(key, "open{:?}", o.known);
        }
        TypeKind::Union(u) => {
            let _ = write!(key, "union{:?}{:?}", u.tag, u.unknown);
            for v in &u.variants {
                let body = match &v.body {
                    VariantBody::Literal(l) => format!("{l:?}"),
                    VariantBody::Type(t) => r(t),
                };
                let _ = write!(key, "{}={}{:?}{};", v.name, body, v.tags, v.tag_optional);
            }
        }
        TypeKind::Const(l) => {
            let _ = write!(key, "const{l:?}");
        }
        TypeKind::Alias(t) => {
            let _ = write!(key, "alias{}", r(t));
        }
        TypeKind::Params(_) => key.push_str("params"),
    }
    key
}

fn ref_key(ty: &TypeRef, repr: &[usize]) -> String {
    match ty {
        TypeRef::Named(id) => {
            let mut i = id.0;
            while repr[i] != i {
                i = repr[i];
            }
            format!("#{i}")
        }
        TypeRef::Vec(t) => format!("Vec<{}>", ref_key(t, repr)),
        TypeRef::Map(t) => format!("Map<{}>", ref_key(t, repr)),
        TypeRef::Option(t) => format!("Option<{}>", ref_key(t, repr)),
        TypeRef::Box(t) => format!("Box<{}>", ref_key(t, repr)),
        other => format!("{other:?}"),
    }
}

fn map_ref(ty: &mut TypeRef, map: &impl Fn(TypeId) -> TypeId) {
    match ty {
        TypeRef::Named(id) => *id = map(*id),
        TypeRef::Vec(t) | TypeRef::Map(t) | TypeRef::Option(t) | TypeRef::Box(t) => map_ref(t, map),
        _ => {}
    }
}

fn map_kind(kind: &mut TypeKind, map: &impl Fn(TypeId) -> TypeId) {
    match kind {
        TypeKind::Struct(s) => {
            s.fields.iter_mut().for_each(|f| map_ref(&mut f.ty, map));
            for (_, ty) in s.extra.iter_mut().chain(s.flatten.iter_mut()) {
                map_ref(ty, map);
            }
        }
        TypeKind::Union(u) => u.variants.iter_mut().for_each(|v| {
            if let VariantBody::Type(t) = &mut v.body {
                map_ref(t, map);
            }
        }),
        TypeKind::Alias(t) => map_ref(t, map),
        TypeKind::Params(p) => p.fields.iter_mut().for_each(|q| map_ref(&mut q.field.ty, map)),
        TypeKind::Enum(_) | TypeKind::OpenString(_) | TypeKind::Const(_) => {}
    }
}

/// Whether a shared name ending can name a merged type: not empty, and not only the
/// generic words inline naming appends.
fn good_shared_name(suffix: &str) -> bool {
    !suffix.is_empty() && !matches!(suffix, "Item" | "Value" | "Object" | "Array")
}

/// The PascalCase words every name ends with, joined.
fn common_suffix(names: &[&str]) -> String {
    let split: Vec<Vec<&str>> = names.iter().map(|n| words(n)).collect();
    let shortest = split.iter().map(Vec::len).min().unwrap_or(0);
    let mut common = 0;
    while common < shortest {
        let word = split[0][split[0].len() - 1 - common];
        if split.iter().all(|s| s[s.len() - 1 - common] == word) {
            common += 1;
        } else {
            break;
        }
    }
    split[0][split[0].len() - common..].concat()
}

// ----- post passes -----

/// The name of the union of webhook payloads.
const WEBHOOK_EVENT: &str = "WebhookEvent";

/// Gives every top-level resource (and the webhooks) a Cargo feature, and every type the
/// features of the operations that reach it, so that a build with one feature compiles only
/// the types that feature needs. Types no operation reaches get the `other-types` feature.
/// With a single group nothing is gated: the crate needs no features at all.
fn assign_features(types: &mut [TypeDef], operations: &[Operation], root: &mut Resource, webhook: Option<TypeId>) -> Vec<String> {
    let mut roots: Vec<(String, Vec<TypeId>)> = Vec::new();
    for child in &root.children {
        let mut reached = Vec::new();
        collect_resource_types(child, operations, &mut reached);
        roots.push((child.accessor.replace('_', "-").trim_start_matches("r#").to_owned(), reached));
    }
    if let Some(id) = webhook {
        roots.push(("webhooks".to_owned(), vec![id]));
    }
    if roots.len() + root.operations.len().min(1) < 2 {
        return Vec::new();
    }
    let mut features: Vec<String> = Vec::new();
    for (feature, starts) in &roots {
        let index = match features.iter().position(|f| f == feature) {
            Some(i) => i,
            None => {
                features.push(feature.clone());
                features.len() - 1
            }
        };
        let mut stack: Vec<TypeId> = starts.clone();
        while let Some(id) = stack.pop() {
            let ty = &mut types[id.0];
            if ty.features.contains(&index) {
                continue;
            }
            ty.features.push(index);
            stack.extend(referenced(&ty.kind));
        }
    }
    for (i, child) in root.children.iter_mut().enumerate() {
        child.feature = Some(i);
    }
    // Types nothing reaches (schemas only other schemas' documentation mentions, say).
    if types.iter().any(|t| t.features.is_empty()) {
        features.push("other-types".to_owned());
        let other = features.len() - 1;
        for ty in types.iter_mut().filter(|t| t.features.is_empty()) {
            ty.features.push(other);
        }
    }
    // Operations on the client itself are always compiled, so what they reach is too.
    let mut always = Vec::new();
    let root_only = Resource { children: Vec::new(), ..root.clone() };
    collect_resource_types(&root_only, operations, &mut always);
    while let Some(id) = always.pop() {
        if !types[id.0].features.is_empty() {
            types[id.0].features.clear();
            always.extend(referenced(&types[id.0].kind));
        }
    }
    for ty in types.iter_mut() {
        ty.features.sort_unstable();
        // Needed by every feature is the same as needed always.
        if ty.features.len() == features.len() {
            ty.features.clear();
        }
    }
    features
}

fn collect_resource_types(resource: &Resource, operations: &[Operation], out: &mut Vec<TypeId>) {
    for &i in &resource.operations {
        let op = &operations[i];
        if let Some((id, _, _)) = &op.query {
            out.push(*id);
        }
        let refs =
            op.body.iter().chain(&op.multipart_alternative).map(|b| &b.ty).chain(&op.response).chain(op.stream.as_ref().map(|s| &s.event));
        for ty in refs {
            named_in(ty, out);
        }
    }
    for child in &resource.children {
        collect_resource_types(child, operations, out);
    }
}

fn named_in(ty: &TypeRef, out: &mut Vec<TypeId>) {
    match ty {
        TypeRef::Named(id) => out.push(*id),
        TypeRef::Vec(t) | TypeRef::Map(t) | TypeRef::Option(t) | TypeRef::Box(t) => named_in(t, out),
        _ => {}
    }
}

/// Every type reference a type kind holds directly.
fn refs_of(kind: &TypeKind) -> Vec<TypeRef> {
    match kind {
        TypeKind::Struct(s) => {
            s.fields.iter().map(|f| f.ty.clone()).chain(s.extra.iter().chain(&s.flatten).map(|(_, t)| t.clone())).collect()
        }
        TypeKind::Union(u) => u
            .variants
            .iter()
            .filter_map(|v| match &v.body {
                VariantBody::Type(t) => Some(t.clone()),
                VariantBody::Literal(_) => None,
            })
            .collect(),
        TypeKind::Alias(t) => vec![t.clone()],
        TypeKind::Params(p) => p.fields.iter().map(|q| q.field.ty.clone()).collect(),
        TypeKind::Enum(_) | TypeKind::OpenString(_) | TypeKind::Const(_) => Vec::new(),
    }
}

/// Every named type a type refers to, behind any wrapper.
fn referenced(kind: &TypeKind) -> Vec<TypeId> {
    let mut out = Vec::new();
    match kind {
        TypeKind::Struct(s) => {
            for ty in s.fields.iter().map(|f| &f.ty).chain(s.extra.as_ref().map(|(_, t)| t)).chain(s.flatten.as_ref().map(|(_, t)| t)) {
                named_in(ty, &mut out);
            }
        }
        TypeKind::Union(u) => u.variants.iter().for_each(|v| {
            if let VariantBody::Type(t) = &v.body {
                named_in(t, &mut out);
            }
        }),
        TypeKind::Alias(t) => named_in(t, &mut out),
        TypeKind::Params(p) => p.fields.iter().for_each(|q| named_in(&q.field.ty, &mut out)),
        TypeKind::Enum(_) | TypeKind::OpenString(_) | TypeKind::Const(_) => {}
    }
    out
}

/// The cursor query parameter OpenAI's list operations take.
const CURSOR_PARAM: &str = "after";

/// Finds the list operations that can be followed page by page: a GET with an `after` query
/// parameter whose response has a required `data` list of objects with a required string `id`,
/// and a required boolean `has_more`.
fn find_pages(types: &[TypeDef], operations: &mut [Operation]) -> Vec<Page> {
    let strukt = |ty: &TypeRef| match ty {
        TypeRef::Named(id) => match &types[id.0].kind {
            TypeKind::Struct(s) => Some((*id, s)),
            _ => None,
        },
        _ => None,
    };
    let field = |s: &Struct, wire: &str| s.fields.iter().find(|f| f.wire == wire && !f.optional()).cloned();
    let mut pages: Vec<Page> = Vec::new();
    for op in operations.iter_mut() {
        let takes_cursor = op.query.as_ref().is_some_and(|(id, _, _)| match &types[id.0].kind {
            TypeKind::Params(p) => p.fields.iter().any(|q| q.field.wire == CURSOR_PARAM && q.field.ty == TypeRef::String),
            _ => false,
        });
        if op.http_method != "GET" || !takes_cursor {
            continue;
        }
        let Some((page_id, page)) = op.response.as_ref().and_then(strukt) else { continue };
        let (Some(data), Some(has_more)) = (field(page, "data"), field(page, "has_more")) else { continue };
        let TypeRef::Vec(item) = &data.ty else { continue };
        let Some((item_id, item)) = strukt(item) else { continue };
        let Some(id) = field(item, "id").filter(|f| f.ty == TypeRef::String) else { continue };
        if has_more.ty != TypeRef::Boolean {
            continue;
        }
        op.paginated = true;
        if !pages.iter().any(|p| p.page == page_id) {
            pages.push(Page {
                page: page_id,
                items_field: data.name,
                has_more_field: has_more.name,
                item: item_id,
                id_field: id.name,
                cursor_param: CURSOR_PARAM.to_owned(),
            });
        }
    }
    pages
}

/// The named types a type reference holds by value (not behind `Vec`, a map or a `Box`).
fn by_value(ty: &TypeRef, out: &mut Vec<TypeId>) {
    match ty {
        TypeRef::Named(id) => out.push(*id),
        TypeRef::Option(inner) => by_value(inner, out),
        _ => {}
    }
}

fn edges(kind: &TypeKind) -> Vec<TypeId> {
    let mut out = Vec::new();
    match kind {
        TypeKind::Struct(s) => {
            s.fields.iter().for_each(|f| by_value(&f.ty, &mut out));
            if let Some((_, ty)) = &s.flatten {
                by_value(ty, &mut out);
            }
        }
        TypeKind::Union(u) => u.variants.iter().for_each(|v| {
            if let VariantBody::Type(ty) = &v.body {
                by_value(ty, &mut out);
            }
        }),
        TypeKind::Alias(ty) => by_value(ty, &mut out),
        _ => {}
    }
    out
}

/// Boxes every by-value reference that stays inside a strongly connected component, which
/// breaks each cycle of types that would otherwise have infinite size.
fn box_cycles(types: &mut [TypeDef]) {
    let graph: Vec<Vec<TypeId>> = types.iter().map(|t| edges(&t.kind)).collect();
    let component = tarjan(&graph);
    let boxed = |ty: &mut TypeRef, from: usize| {
        fn wrap(ty: &mut TypeRef, from: usize, component: &[usize]) {
            match ty {
                TypeRef::Named(id) if component[id.0] == component[from] => {
                    *ty = TypeRef::Box(Box::new(ty.clone()));
                }
                TypeRef::Option(inner) => wrap(inner, from, component),
                _ => {}
            }
        }
        wrap(ty, from, &component);
    };
    for (i, ty) in types.iter_mut().enumerate() {
        match &mut ty.kind {
            TypeKind::Struct(s) => {
                s.fields.iter_mut().for_each(|f| boxed(&mut f.ty, i));
                if let Some((_, ty)) = &mut s.flatten {
                    boxed(ty, i);
                }
            }
            TypeKind::Union(u) => u.variants.iter_mut().for_each(|v| {
                if let VariantBody::Type(t) = &mut v.body {
                    boxed(t, i);
                }
            }),
            TypeKind::Alias(t) => boxed(t, i),
            _ => {}
        }
    }
}

/// Strongly connected components; returns each node's component number. A node alone in its
/// component without a self-loop gets a number no other node shares, so it is never boxed.
fn tarjan(graph: &[Vec<TypeId>]) -> Vec<usize> {
    struct State<'g> {
        graph: &'g [Vec<TypeId>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        component: Vec<usize>,
        components: usize,
    }
    fn visit(s: &mut State<'_>, v: usize) {
        // Iterative depth-first search: the published spec is deep enough to worry a recursive one.
        let mut work: Vec<(usize, usize)> = vec![(v, 0)];
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        while let Some((node, edge)) = work.pop() {
            if let Some(&TypeId(w)) = s.graph[node].get(edge) {
                work.push((node, edge + 1));
                match s.index[w] {
                    None => {
                        s.index[w] = Some(s.next);
                        s.low[w] = s.next;
                        s.next += 1;
                        s.stack.push(w);
                        s.on_stack[w] = true;
                        work.push((w, 0));
                    }
                    Some(iw) if s.on_stack[w] => s.low[node] = s.low[node].min(iw),
                    _ => {}
                }
            } else {
                if s.low[node] == s.index[node].expect("visited") {
                    let self_loop = s.graph[node].contains(&TypeId(node));
                    let mut members = Vec::new();
                    loop {
                        let w = s.stack.pop().expect("stack holds the component");
                        s.on_stack[w] = false;
                        members.push(w);
                        if w == node {
                            break;
                        }
                    }
                    let id = if members.len() > 1 || self_loop { s.components } else { usize::MAX - node };
                    for w in members {
                        s.component[w] = id;
                    }
                    s.components += 1;
                }
                if let Some(&(parent, _)) = work.last() {
                    s.low[parent] = s.low[parent].min(s.low[node]);
                }
            }
        }
    }
    let n = graph.len();
    let mut s = State {
        graph,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        component: vec![0; n],
        components: 0,
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.component
}

/// Computes which JSON kinds each union variant decodes from.
fn fill_kinds(types: &mut [TypeDef]) {
    let mut memo: HashMap<usize, Kinds> = HashMap::new();
    let computed: Vec<Vec<Kinds>> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Union(u) => u
                .variants
                .iter()
                .map(|v| match &v.body {
                    VariantBody::Literal(l) => literal_kinds(l),
                    VariantBody::Type(ty) => kinds_of(types, ty, &mut memo, &mut HashSet::new()),
                })
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    for (ty, kinds) in types.iter_mut().zip(computed) {
        if let TypeKind::Union(u) = &mut ty.kind {
            for (v, k) in u.variants.iter_mut().zip(kinds) {
                v.kinds = k;
            }
        }
    }
}

fn literal_kinds(literal: &Literal) -> Kinds {
    match literal {
        Literal::String(_) => Kinds { string: true, ..Kinds::default() },
        Literal::Bool(_) => Kinds { boolean: true, ..Kinds::default() },
        Literal::Int(_) => Kinds { number: true, ..Kinds::default() },
    }
}

fn kinds_of(types: &[TypeDef], ty: &TypeRef, memo: &mut HashMap<usize, Kinds>, visiting: &mut HashSet<usize>) -> Kinds {
    let just = |f: fn(&mut Kinds)| {
        let mut k = Kinds::default();
        f(&mut k);
        k
    };
    match ty {
        TypeRef::String => just(|k| k.string = true),
        TypeRef::Integer | TypeRef::Number => just(|k| k.number = true),
        TypeRef::Boolean => just(|k| k.boolean = true),
        TypeRef::Json => Kinds::ANY,
        TypeRef::Vec(_) => just(|k| k.array = true),
        TypeRef::Map(_) => just(|k| k.object = true),
        TypeRef::Option(inner) => kinds_of(types, inner, memo, visiting).or(just(|k| k.null = true)),
        TypeRef::Box(inner) => kinds_of(types, inner, memo, visiting),
        // A file never arrives as JSON, so no JSON value decodes into it.
        TypeRef::File => Kinds::default(),
        TypeRef::Named(id) => {
            if let Some(k) = memo.get(&id.0) {
                return *k;
            }
            if !visiting.insert(id.0) {
                // A union that contains itself by value adds nothing new on this path.
                return Kinds::default();
            }
            let k = match &types[id.0].kind {
                TypeKind::Struct(_) | TypeKind::Params(_) => just(|k| k.object = true),
                TypeKind::Enum(_) | TypeKind::OpenString(_) => just(|k| k.string = true),
                TypeKind::Const(l) => literal_kinds(l),
                TypeKind::Alias(inner) => kinds_of(types, inner, memo, visiting),
                TypeKind::Union(u) => u.variants.iter().fold(Kinds::default(), |acc, v| {
                    acc.or(match &v.body {
                        VariantBody::Literal(l) => literal_kinds(l),
                        VariantBody::Type(t) => kinds_of(types, t, memo, visiting),
                    })
                }),
            };
            visiting.remove(&id.0);
            memo.insert(id.0, k);
            k
        }
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

    #[test]
    fn common_prefixes_are_stripped_from_ref_variants() {
        let mut names: Vec<String> = ["GraderStringCheck", "GraderPython", "Auto"].iter().map(|s| s.to_string()).collect();
        strip_common_prefix(&mut names, &[true, true, false]);
        assert_eq!(names, ["StringCheck", "Python", "Auto"]);
        let mut names: Vec<String> = ["InputText", "InputTextContent"].iter().map(|s| s.to_string()).collect();
        strip_common_prefix(&mut names, &[true, true]);
        assert_eq!(names, ["Text", "TextContent"]);
        let mut names: Vec<String> = ["Grader", "GraderPython"].iter().map(|s| s.to_string()).collect();
        strip_common_prefix(&mut names, &[true, true]);
        assert_eq!(names, ["Grader", "GraderPython"], "a name would become empty");
    }

    #[test]
    fn common_suffixes_by_word() {
        assert_eq!(common_suffix(&["RunGraderRequestGrader", "ValidateGraderResponseGrader"]), "Grader");
        assert_eq!(
            common_suffix(&["FineTuneDpoHyperparametersBatchSize", "FineTuningJobHyperparametersBatchSize"]),
            "HyperparametersBatchSize"
        );
        assert_eq!(common_suffix(&["Alpha", "Beta"]), "");
        assert_eq!(common_suffix(&["Same", "Same"]), "Same");
    }

    #[test]
    fn tarjan_marks_only_cycles() {
        // 0 -> 1 -> 0 is a cycle; 2 -> 0 is not part of it; 3 loops on itself.
        let graph = vec![vec![TypeId(1)], vec![TypeId(0)], vec![TypeId(0)], vec![TypeId(3)]];
        let c = tarjan(&graph);
        assert_eq!(c[0], c[1]);
        assert_ne!(c[2], c[0]);
        assert_ne!(c[3], c[0]);
        let graph = vec![vec![TypeId(3)], vec![], vec![], vec![TypeId(3)]];
        let c = tarjan(&graph);
        assert_ne!(c[0], c[3]);
    }
}
