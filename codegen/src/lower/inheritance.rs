//! A base schema with a discriminator that other components extend with `allOf` -> a union of
//! those components, so that a value typed as the base decodes into the component its tag
//! names, with every field of it, instead of into the base with the extra fields dropped.

use std::collections::HashSet;

use super::Cx;
use crate::diag::Pointer;
use crate::ir::*;
use crate::load::Node;
use crate::names;

impl<'a> Cx<'a> {
    /// Fills the base component's slot with a union of its `subtypes` (component names, each
    /// with its tag values); an object with another tag is kept as sent.
    pub(super) fn lower_polymorphic(&mut self, id: TypeId, base: &str, node: &'a Node, at: &Pointer, subtypes: Vec<(String, Vec<String>)>) {
        let property = node.get("discriminator").and_then(|d| d.get("propertyName")).and_then(Node::as_str).unwrap_or("type").to_owned();
        let wants: Vec<(String, String)> = subtypes.iter().map(|(name, _)| (name.clone(), names::type_name(name))).collect();
        let variant_names = names::assign_unique(&wants, &HashSet::new(), false);
        let variants: Vec<Variant> = subtypes
            .into_iter()
            .zip(variant_names)
            .filter_map(|((component, tags), name)| {
                let target = *self.components.get(component.as_str())?;
                Some(Variant {
                    name,
                    body: VariantBody::Type(TypeRef::Named(target)),
                    tags,
                    tag_optional: false,
                    writes_tag: None,
                    kinds: Kinds::default(),
                    doc: None,
                })
            })
            .collect();
        let taken: HashSet<String> = variants.iter().map(|v| v.name.clone()).collect();
        let unknown = names::assign_unique(&[("unknown".to_owned(), "Unknown".to_owned())], &taken, false).remove(0);
        let own = node.get("description").and_then(Node::as_str).map(str::trim).filter(|d| !d.is_empty());
        let note = format!("Any schema built on `{base}`, told apart by `{property}`.");
        let slot = &mut self.slots[id.0];
        slot.doc = Some(match own {
            Some(own) => format!("{own}\n\n{note}"),
            None => note,
        });
        slot.deprecated = node.get("deprecated").and_then(Node::as_bool).unwrap_or(false);
        slot.pointer = at.clone();
        slot.kind = Some(TypeKind::Union(Union { variants, tag: Some(property), unknown: Some(unknown) }));
    }
}
