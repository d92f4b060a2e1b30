//! Identical inline shapes -> one type: merges inline types that lowering made twice (the four
//! grader unions) and renumbers every reference.

use std::collections::{HashMap, HashSet};

use super::Slot;
use crate::ir::*;
use crate::names;

/// Merges inline types that have the same shape (docs aside) into one, repeatedly, so
/// that structs holding identical inline unions become identical too. The kept type is
/// the one with the smallest JSON pointer; it is named by the words all the merged wanted
/// names end with (`RunGraderRequestGrader`, `ValidateGraderRequestGrader` -> `Grader`),
/// or keeps its own wanted name when they share no such ending.
/// Returns where each old id went, or `None` when nothing merged.
pub(super) fn merge_identical(slots: &mut Vec<Slot>) -> Option<Vec<TypeId>> {
    let n = slots.len();
    let mut repr: Vec<usize> = (0..n).collect();
    let mergeable = |slot: &Slot| slot.component.is_none() && !matches!(slot.kind, Some(TypeKind::Params(_)) | None);
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    loop {
        let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
        for i in 0..n {
            if repr[i] == i && mergeable(&slots[i]) {
                let key = shape_key(slots[i].kind.as_ref().expect("mergeable slots have a kind"), &repr);
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
                let last = names::words(&slots[i].wanted).last().map(|w| (*w).to_owned()).unwrap_or_default();
                by_last_word.entry(last).or_default().push(i);
            }
            clusters.extend(by_last_word.into_values());
        }
        for mut group in clusters {
            if group.len() < 2 {
                continue;
            }
            let wanted: Vec<&str> = group.iter().map(|i| slots[*i].wanted.as_str()).collect();
            if !good_shared_name(&common_suffix(&wanted)) {
                continue;
            }
            group.sort_by(|a, b| slots[*a].pointer.cmp(&slots[*b].pointer));
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
        return None;
    }
    let component_names: HashSet<String> = slots.iter().filter(|s| s.component.is_some()).map(|s| s.wanted.clone()).collect();
    let mut renames = Vec::new();
    for (keep, group) in &members {
        // Docs written for one use rarely fit the others; differing ones are dropped.
        let first = &slots[group[0]].doc;
        if group.iter().any(|i| &slots[*i].doc != first) {
            slots[*keep].doc = None;
        }
        let wanted: Vec<&str> = group.iter().map(|i| slots[*i].wanted.as_str()).collect();
        let suffix = common_suffix(&wanted);
        if !component_names.contains(&suffix) {
            renames.push((*keep, suffix));
        }
    }
    for (keep, name) in renames {
        slots[keep].wanted = name;
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
    let old = std::mem::take(slots);
    for (i, mut slot) in old.into_iter().enumerate() {
        if resolve(i) == i {
            if let Some(kind) = &mut slot.kind {
                for reference in kind.refs_mut() {
                    if let Some(id) = reference.named_mut() {
                        *id = TypeId(new_id[id.0]);
                    }
                }
            }
            slots.push(slot);
        }
    }
    Some(new_id.into_iter().map(TypeId).collect())
}

/// A text that is equal for two types exactly when they have the same shape, docs aside.
fn shape_key(kind: &TypeKind, repr: &[usize]) -> String {
    use std::fmt::Write as _;
    let mut key = String::new();
    match kind {
        TypeKind::Struct(s) => {
            key.push_str("struct{");
            for f in &s.fields {
                let _ = write!(key, "{}:{}:", f.wire, f.name);
                ref_key(&mut key, &f.ty, repr);
                let _ = write!(key, ":{}:{};", f.required, f.nullable);
            }
            for c in &s.consts {
                let _ = write!(key, "const {}={:?};", c.wire, c.value);
            }
            if let Some(extra) = &s.extra {
                let _ = write!(key, "extra {}:", extra.name);
                ref_key(&mut key, &extra.value, repr);
                key.push(';');
            }
            if let Some(flatten) = &s.flatten {
                let _ = write!(key, "flatten {}:", flatten.name);
                ref_key(&mut key, &flatten.ty, repr);
                key.push(';');
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
                let _ = write!(key, "{}=", v.name);
                match &v.body {
                    VariantBody::Literal(l) => {
                        let _ = write!(key, "{l:?}");
                    }
                    VariantBody::Type(t) => ref_key(&mut key, t, repr),
                }
                let _ = write!(key, "{:?}{};", v.tags, v.tag_optional);
            }
        }
        TypeKind::Const(l) => {
            let _ = write!(key, "const{l:?}");
        }
        TypeKind::Alias(t) => {
            key.push_str("alias");
            ref_key(&mut key, t, repr);
        }
        TypeKind::Params(_) => key.push_str("params"),
    }
    key
}

/// Appends a type reference to a [`shape_key`], with each named type as the one it merged into.
fn ref_key(key: &mut String, ty: &TypeRef, repr: &[usize]) {
    use std::fmt::Write as _;
    let (outer, inner) = match ty {
        TypeRef::Named(id) => {
            let mut i = id.0;
            while repr[i] != i {
                i = repr[i];
            }
            let _ = write!(key, "#{i}");
            return;
        }
        TypeRef::Vec(t) => ("Vec", t),
        TypeRef::Map(t) => ("Map", t),
        TypeRef::Option(t) => ("Option", t),
        TypeRef::Box(t) => ("Box", t),
        other => {
            let _ = write!(key, "{other:?}");
            return;
        }
    };
    key.push_str(outer);
    key.push('<');
    ref_key(key, inner, repr);
    key.push('>');
}

/// Whether a shared name ending can name a merged type: not empty, and not only the
/// generic words inline naming appends.
fn good_shared_name(suffix: &str) -> bool {
    !suffix.is_empty() && !matches!(suffix, "Item" | "Value" | "Object" | "Array")
}

/// The PascalCase words every name ends with, joined.
fn common_suffix(names: &[&str]) -> String {
    let split: Vec<Vec<&str>> = names.iter().map(|n| names::words(n)).collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Pointer;
    use crate::passes::testing::{field, named, strukt};

    fn slot(wanted: &str, component: bool, pointer: &str, kind: TypeKind) -> Slot {
        let component = component.then(|| wanted.to_owned());
        Slot { wanted: wanted.into(), component, pointer: Pointer::root().push(pointer), doc: None, deprecated: false, kind: Some(kind) }
    }

    fn status() -> TypeKind {
        TypeKind::Enum(StringEnum {
            variants: vec![EnumVariant { name: "Ok".into(), wire: "ok".into() }],
            unknown: "Unknown".into(),
            default: None,
        })
    }

    #[test]
    fn identical_inline_shapes_merge_under_their_shared_name() {
        let mut slots = vec![
            slot("Job", true, "a", strukt(vec![field("status", named(2))])),
            slot("File", true, "b", strukt(vec![field("status", named(3))])),
            slot("JobStatus", false, "c", status()),
            slot("FileStatus", false, "d", status()),
            // Same shape, but a component: kept as it is.
            slot("Status", true, "e", status()),
        ];
        let moved = merge_identical(&mut slots).expect("two inline enums merge");
        assert_eq!(moved, [TypeId(0), TypeId(1), TypeId(2), TypeId(2), TypeId(3)]);
        let wanted: Vec<&str> = slots.iter().map(|s| s.wanted.as_str()).collect();
        // `Status` is a component's name, so the merged type keeps the first wanted name.
        assert_eq!(wanted, ["Job", "File", "JobStatus", "Status"]);
        for owner in &slots[..2] {
            let Some(TypeKind::Struct(s)) = &owner.kind else { unreachable!("a struct") };
            assert_eq!(s.fields[0].ty, named(2), "references follow the merge");
        }
    }

    #[test]
    fn nothing_to_merge() {
        let mut slots = vec![slot("JobStatus", false, "c", status()), slot("Job", true, "a", strukt(Vec::new()))];
        assert!(merge_identical(&mut slots).is_none());
        assert_eq!(slots.len(), 2);
    }

    #[test]
    pub(super) fn common_suffixes_by_word() {
        assert_eq!(common_suffix(&["RunGraderRequestGrader", "ValidateGraderResponseGrader"]), "Grader");
        assert_eq!(
            common_suffix(&["FineTuneDpoHyperparametersBatchSize", "FineTuningJobHyperparametersBatchSize"]),
            "HyperparametersBatchSize"
        );
        assert_eq!(common_suffix(&["Alpha", "Beta"]), "");
        assert_eq!(common_suffix(&["Same", "Same"]), "Same");
    }
}
