//! `enum` -> a string enum that keeps unknown values, a literal, or the base type with the
//! values in its docs.

use std::collections::HashSet;

use super::schema::literal_type;
use super::{Cx, Hint, Lowered};
use crate::diag::Pointer;
use crate::ir::*;
use crate::load::{Node, Value};
use crate::names;
use crate::schema::Schema;
use crate::spec::{literal_of, literal_text};

impl<'a> Cx<'a> {
    pub(super) fn lower_enum(&mut self, values: &'a [Node], schema: &Schema<'a>, at: &Pointer, hint: &Hint) -> Lowered {
        let nullable = values.iter().any(|v| v.value == Value::Null);
        let mut non_null: Vec<&Node> = Vec::new();
        for value in values.iter().filter(|v| v.value != Value::Null) {
            // A repeated value means nothing more (the published spec has a few).
            if !non_null.iter().any(|seen| seen.value == value.value) {
                non_null.push(value);
            }
        }
        if non_null.is_empty() {
            return Lowered::null_only();
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
}

pub(super) fn string_enum(values: &[String], default: Option<usize>) -> StringEnum {
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

pub(super) fn open_string(values: &[String]) -> OpenString {
    let wants: Vec<(String, String)> = values.iter().map(|v| (v.clone(), names::constant(v))).collect();
    let assigned = names::assign_unique(&wants, &HashSet::new(), true);
    OpenString { known: assigned.into_iter().zip(values).map(|(name, wire)| EnumVariant { name, wire: wire.clone() }).collect() }
}
