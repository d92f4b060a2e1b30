//! Questions about the types lowered so far, which operations ask of their parameters, bodies
//! and responses (is it a scalar, a list, a struct with a file?).

use std::collections::HashSet;

use super::{Cx, Hint, Slot};
use crate::diag::Pointer;
use crate::ir::*;
use crate::load::{MAX_REF_DEPTH, Node};

impl<'a> Cx<'a> {
    /// Lowers a schema that appears outside `components`, named by `name`.
    pub(super) fn lower_inline(&mut self, node: &'a Node, at: &Pointer, name: String) -> (TypeRef, bool, Option<String>) {
        let lowered = self.lower_schema(node, at, &Hint::inline(name), 0);
        (lowered.ty, lowered.nullable, lowered.doc)
    }

    /// Resolves a `$ref` in a non-schema position (parameters, request bodies, responses).
    pub(super) fn deref_object(&mut self, node: &'a Node, at: &Pointer) -> Option<(Pointer, &'a Node)> {
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

    pub(super) fn add_params_type(&mut self, name: String, at: &Pointer, params: Params, doc: String) -> TypeId {
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
    pub(super) fn is_scalar(&self, ty: &TypeRef) -> bool {
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
    /// A union of objects is a form too: each variant's struct is, and the union sends
    /// whichever it holds.
    pub(super) fn mark_multipart(&mut self, ty: &TypeRef, at: &Pointer) {
        let is_struct = |cx: &Self, ty: &TypeRef| match cx.unalias(ty) {
            TypeRef::Named(id) => matches!(cx.slots[id.0].kind, Some(TypeKind::Struct(_))).then_some(id),
            _ => None,
        };
        let mut forms = Vec::new();
        match self.unalias(ty) {
            TypeRef::Named(id) if matches!(self.slots[id.0].kind, Some(TypeKind::Struct(_))) => forms.push(id),
            TypeRef::Named(id) => {
                let variants: Vec<Option<&TypeRef>> = match &self.slots[id.0].kind {
                    Some(TypeKind::Union(u)) => u.variants.iter().map(|v| v.body.type_ref()).collect(),
                    _ => vec![None],
                };
                let structs: Vec<Option<TypeId>> = variants.iter().map(|v| v.and_then(|t| is_struct(self, t))).collect();
                if structs.is_empty() || structs.iter().any(Option::is_none) {
                    return self.error(at, "a multipart form must be an object with properties, or a union of such objects");
                }
                forms.extend(structs.into_iter().flatten());
                forms.push(id);
            }
            _ => return self.error(at, "a multipart form must be an object with properties"),
        }
        for id in forms {
            if !self.multipart.contains(&id) {
                self.multipart.push(id);
            }
        }
    }

    /// The body property and value that ask for a stream: a boolean `stream` set to `true`, or
    /// a property whose values include `sse` set to that.
    pub(super) fn stream_switch(&self, ty: &TypeRef) -> Option<StreamSwitch> {
        let TypeRef::Named(id) = self.unalias(ty) else { return None };
        let Some(TypeKind::Struct(s)) = &self.slots[id.0].kind else { return None };
        if let Some(field) = s.fields.iter().find(|f| f.wire == "stream" && self.unalias(&f.ty) == TypeRef::Boolean) {
            return Some(StreamSwitch { property: field.wire.clone(), value: Literal::Bool(true) });
        }
        s.fields.iter().find_map(|f| {
            let TypeRef::Named(id) = self.unalias(&f.ty) else { return None };
            let offers_sse = match &self.slots[id.0].kind {
                Some(TypeKind::Enum(e)) => e.variants.iter().any(|v| v.wire == "sse"),
                Some(TypeKind::OpenString(o)) => o.known.iter().any(|v| v.wire == "sse"),
                _ => false,
            };
            offers_sse.then(|| StreamSwitch { property: f.wire.clone(), value: Literal::String("sse".to_owned()) })
        })
    }

    /// Whether a value of `ty` can hold a file, through any field, variant or list.
    pub(super) fn contains_file(&self, ty: &TypeRef) -> bool {
        let mut seen = HashSet::new();
        let mut stack = vec![ty];
        while let Some(ty) = stack.pop() {
            if *ty.innermost() == TypeRef::File {
                return true;
            }
            let kind = ty.named().filter(|id| seen.insert(*id)).and_then(|id| self.slots[id.0].kind.as_ref());
            stack.extend(kind.map(TypeKind::refs).unwrap_or_default());
        }
        false
    }

    /// Whether a response type is a list: an array, or an object with a required array under the
    /// pagination rule's items property (`data`).
    pub(super) fn is_list(&self, ty: &TypeRef) -> bool {
        match self.unalias(ty) {
            TypeRef::Vec(_) => true,
            TypeRef::Option(inner) => self.is_list(&inner),
            TypeRef::Named(id) => match &self.slots[id.0].kind {
                Some(TypeKind::Struct(s)) => {
                    s.fields.iter().any(|f| f.wire == self.settings.pagination.items && matches!(self.unalias(&f.ty), TypeRef::Vec(_)))
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// The type behind any chain of aliases.
    pub(super) fn unalias(&self, ty: &TypeRef) -> TypeRef {
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
    pub(super) fn is_flat_object(&self, ty: &TypeRef) -> bool {
        match self.unalias(ty) {
            TypeRef::Named(id) => match &self.slots[id.0].kind {
                Some(TypeKind::Struct(s)) => s.extra.is_none() && s.flatten.is_none() && s.fields.iter().all(|f| self.is_scalar(&f.ty)),
                _ => false,
            },
            _ => false,
        }
    }

    pub(super) fn error_at(&mut self, at: &Pointer, message: String) {
        self.error(at, message);
    }
}
