//! `webhooks` -> one union of every webhook payload, told apart like any union.

use std::collections::HashSet;

use super::{Cx, Hint};
use crate::diag::{Pointer, Severity};
use crate::ir::*;
use crate::load::Node;
use crate::names;
use crate::schema::Schema;

/// The name of the union of webhook payloads.
pub(super) const WEBHOOK_EVENT: &str = "WebhookEvent";

impl<'a> Cx<'a> {
    /// One union of every webhook payload, told apart like any union (by their `type`).
    pub(super) fn lower_webhooks(&mut self) -> Option<TypeId> {
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
            match self.spec.node_at(&at) {
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
            let tag_optional = self.spec.tag_is_optional(schema, tag.as_deref(), &tags);
            variants.push(Variant {
                name: variant,
                body: VariantBody::Type(lowered.ty),
                tags,
                tag_optional,
                writes_tag: None,
                kinds: Kinds::default(),
                doc,
            });
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
}
