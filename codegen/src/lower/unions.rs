//! `oneOf`/`anyOf` -> an enum of variants: null branches become nullability, string branches an
//! enum or open string, the rest variants told apart by a tag where one exists.

use std::collections::{BTreeSet, HashSet};

use indexmap::IndexMap;

use super::enums::{open_string, string_enum};
use super::{Cx, Hint, Lowered};
use crate::diag::{Pointer, Severity};
use crate::ir::*;
use crate::load::Node;
use crate::names;
use crate::schema::Schema;
use crate::spec::Shallow;

impl<'a> Cx<'a> {
    pub(super) fn lower_alternatives(
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
            let is_null = self.spec.is_null_branch(branch);
            if is_null {
                nullable = true;
            } else {
                rest.push((i, branch));
            }
        }
        if rest.is_empty() {
            return Lowered::null_only();
        }
        if let [(i, only)] = rest.as_slice() {
            let mut inner = self.lower_schema(only, &list_ptr.index(*i), hint, depth + 1);
            inner.nullable |= nullable;
            return inner;
        }

        // All branches strings: an open string when any branch takes any string, else an enum.
        let shallow: Vec<(Shallow, Vec<String>)> = rest.iter().map(|(_, b)| self.spec.shallow_kind(b, 0)).collect();
        if shallow.iter().all(|(k, _)| *k != Shallow::Other) {
            let id = self.string_alternatives(&shallow, schema, at, hint);
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
                _ => self.spec.variant_name(b),
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
            let tag_optional = self.spec.tag_is_optional(branch, tag.as_deref(), &tags);
            variants.push(Variant { name: name.clone(), body, tags, tag_optional, writes_tag: None, kinds: Kinds::default(), doc });
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

    /// Branches that are all strings: an open string when any branch takes any string, else
    /// an enum of every listed value.
    fn string_alternatives(&mut self, shallow: &[(Shallow, Vec<String>)], schema: &Schema<'a>, at: &Pointer, hint: &Hint) -> TypeId {
        let mut values: Vec<String> = Vec::new();
        for v in shallow.iter().flat_map(|(_, vs)| vs) {
            if !values.contains(v) {
                values.push(v.clone());
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
        id
    }

    /// Finds the property that tells object variants apart, from the discriminator or from a
    /// property that every object variant fixes to its own single value.
    pub(super) fn find_tag(
        &mut self,
        schema: &Schema<'a>,
        branches: &[(usize, &'a Node)],
        list_ptr: &Pointer,
    ) -> (Option<String>, Vec<Vec<String>>) {
        let mut tags_of: Vec<Vec<String>> = vec![Vec::new(); branches.len()];
        let objects: Vec<usize> = (0..branches.len()).filter(|i| self.spec.is_object_schema(branches[*i].1, 0)).collect();
        if let Some((property, mapping)) = &schema.discriminator {
            let property = (*property).to_owned();
            // A branch that is itself a union answers to the tags of its own branches.
            let unions: Vec<usize> =
                (0..branches.len()).filter(|i| !objects.contains(i) && self.spec.is_union_schema(branches[*i].1)).collect();
            for &i in &unions {
                tags_of[i] = self.spec.property_values(branches[i].1, &property, 0);
            }
            // Two branches may share a tag (an input and an output message are both
            // `message`); decoding then tries them in turn, so the tags are all kept.
            for &i in &objects {
                let (_, branch) = branches[i];
                let mut tags: Vec<String> = Vec::new();
                if let Some(reference) = branch.get("$ref").and_then(Node::as_str) {
                    tags.extend(mapping.iter().filter(|(_, target)| *target == reference).map(|(tag, _)| (*tag).to_owned()));
                    if tags.is_empty() {
                        tags = self.spec.property_values(branch, &property, 0);
                    }
                    if tags.is_empty() && mapping.is_empty() {
                        // The implicit mapping of OpenAPI: the component's own name.
                        if let Some(last) = Pointer::from_fragment(reference).and_then(|p| p.last()) {
                            tags.push(last);
                        }
                    }
                } else {
                    tags = self.spec.property_values(branch, &property, 0);
                }
                tags_of[i] = tags;
            }
            // An inline branch that lets its tag be any string names no value the SDK could
            // match; the union is then told apart as if it had no discriminator.
            let unknowable: Vec<usize> = objects.iter().copied().filter(|i| tags_of[*i].is_empty()).collect();
            if unknowable.is_empty() {
                return (Some(property), tags_of);
            }
            for i in unknowable {
                let message = format!("cannot tell which `{property}` values select this branch; the union is decoded by shape instead");
                self.report(Severity::Warning, &list_ptr.index(branches[i].0), message);
            }
            tags_of = vec![Vec::new(); branches.len()];
        }
        if objects.len() < 2 {
            return (None, tags_of);
        }
        // Candidate properties: fixed to one value in every object branch.
        let mut candidates: Option<BTreeSet<String>> = None;
        let mut fixed: Vec<IndexMap<String, String>> = Vec::new();
        for &i in &objects {
            let values = self.spec.fixed_properties(branches[i].1, 0);
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
}

/// Strips the words that every `$ref`-named variant starts with (`GraderStringCheck`,
/// `GraderPython` become `StringCheck`, `Python`), when at least two variants share them and
/// every stripped name still starts with a letter.
fn strip_common_prefix(names: &mut [String], from_ref: &[bool]) {
    let candidates: Vec<usize> = (0..names.len()).filter(|i| from_ref[*i]).collect();
    if candidates.len() < 2 {
        return;
    }
    let split: Vec<Vec<&str>> = candidates.iter().map(|i| names::words(&names[*i])).collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn common_prefixes_are_stripped_from_ref_variants() {
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
}
