//! By-value reference cycles -> boxes, so that every type has a finite size.

use crate::ir::*;

/// Boxes every by-value reference that stays inside a strongly connected component, which
/// breaks each cycle of types that would otherwise have infinite size.
pub(crate) fn box_cycles(types: &mut [TypeDef]) {
    let graph: Vec<Vec<TypeId>> = types.iter().map(|t| t.kind.inline_refs().into_iter().filter_map(TypeRef::by_value).collect()).collect();
    let component = tarjan(&graph);
    for (i, ty) in types.iter_mut().enumerate() {
        for reference in ty.kind.inline_refs_mut() {
            wrap(reference, component[i], &component);
        }
    }
}

/// Puts the by-value part of `ty` in a `Box` when it refers into the component `from`.
fn wrap(ty: &mut TypeRef, from: usize, component: &[usize]) {
    match ty {
        TypeRef::Named(id) if component[id.0] == from => *ty = TypeRef::Box(Box::new(ty.clone())),
        TypeRef::Option(inner) => wrap(inner, from, component),
        TypeRef::Named(_) | TypeRef::Vec(_) | TypeRef::Map(_) | TypeRef::Box(_) => {}
        TypeRef::String | TypeRef::Integer | TypeRef::Number | TypeRef::Boolean | TypeRef::Json | TypeRef::File | TypeRef::Bytes => {}
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

#[cfg(test)]
mod tests {
    use super::*;

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

#[cfg(test)]
mod pass_tests {
    use super::*;
    use crate::passes::testing::*;

    #[test]
    fn boxes_only_references_that_close_a_cycle() {
        let boxed = |ty: TypeRef| TypeRef::Box(Box::new(ty));
        let mut types = vec![
            // 0 <-> 1 by value: a cycle.
            def("A", strukt(vec![field("b", named(1))])),
            def("B", strukt(vec![field("a", TypeRef::Option(Box::new(named(0))))])),
            // 2 -> 0: outside the cycle.
            def("C", strukt(vec![field("a", named(0))])),
            // 3 -> 3 through a list: a list is already indirect.
            def("List", strukt(vec![field("items", TypeRef::Vec(Box::new(named(3))))])),
            // 4 -> 4 through a union variant.
            def("Tree", TypeKind::Union(Union { variants: vec![variant("Node", named(4))], tag: None, unknown: None })),
        ];
        box_cycles(&mut types);
        let field_ty = |i: usize| match &types[i].kind {
            TypeKind::Struct(s) => s.fields[0].ty.clone(),
            _ => unreachable!("a struct"),
        };
        assert_eq!(field_ty(0), boxed(named(1)));
        assert_eq!(field_ty(1), TypeRef::Option(Box::new(boxed(named(0)))));
        assert_eq!(field_ty(2), named(0));
        assert_eq!(field_ty(3), TypeRef::Vec(Box::new(named(3))));
        let TypeKind::Union(u) = &types[4].kind else { unreachable!("a union") };
        assert_eq!(u.variants[0].body.type_ref(), Some(&boxed(named(4))));
    }
}
