//! Resources -> Cargo features: each top-level resource (and the webhooks) gets a feature, and
//! each type the features of the operations that reach it.

use crate::ir::*;

/// The feature that enables the webhooks.
const WEBHOOKS_FEATURE: &str = "webhooks";

/// Feature names the generated `Cargo.toml` already uses: `default` and the runtime's TLS
/// backends (`codegen/runtime/Cargo.toml`; a test in `emit/manifest.rs` keeps the two in step).
/// A resource named like one gets `-api` after its feature's name.
pub(crate) const RESERVED_FEATURES: [&str; 4] = ["default", "rustls", "rustls-ring", "native-tls"];

/// Gives every top-level resource (and the webhooks) a Cargo feature, and every type the
/// features of the operations that reach it, so that a build with one feature compiles only
/// the types that feature needs. Types no operation reaches get the `other-types` feature.
/// With a single group nothing is gated: the crate needs no features at all.
pub(crate) fn assign_features(api: &mut Api) {
    let Api { types, operations, root, webhooks, features: api_features, .. } = api;
    let (features, webhook_feature) = features_of(types, operations, root, webhooks.map(|w| w.event));
    *api_features = features;
    if let Some(webhooks) = webhooks {
        webhooks.feature = webhook_feature;
    }
}

/// The features, and the index of the webhooks' feature among them.
fn features_of(
    types: &mut [TypeDef],
    operations: &[Operation],
    root: &mut Resource,
    webhook: Option<TypeId>,
) -> (Vec<String>, Option<usize>) {
    let mut roots: Vec<(String, Vec<TypeId>)> = Vec::new();
    for child in &root.children {
        let mut reached = Vec::new();
        collect_resource_types(child, operations, &mut reached);
        let name = child.accessor.trim_start_matches("r#").replace('_', "-");
        let name = if RESERVED_FEATURES.contains(&name.as_str()) { format!("{name}-api") } else { name };
        roots.push((name, reached));
    }
    if let Some(id) = webhook {
        roots.push((WEBHOOKS_FEATURE.to_owned(), vec![id]));
    }
    if roots.len() + root.operations.len().min(1) < 2 {
        return (Vec::new(), None);
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
            stack.extend(ty.kind.named());
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
            always.extend(types[id.0].kind.named());
        }
    }
    for ty in types.iter_mut() {
        ty.features.sort_unstable();
        // Needed by every feature is the same as needed always.
        if ty.features.len() == features.len() {
            ty.features.clear();
        }
    }
    let webhook_feature = webhook.and_then(|_| features.iter().position(|f| f == WEBHOOKS_FEATURE));
    (features, webhook_feature)
}

fn collect_resource_types(resource: &Resource, operations: &[Operation], out: &mut Vec<TypeId>) {
    for &i in &resource.operations {
        out.extend(operations[i].named());
    }
    for child in &resource.children {
        collect_resource_types(child, operations, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::testing::*;

    fn resource(accessor: &str, operations: Vec<usize>) -> Resource {
        Resource { accessor: accessor.into(), struct_name: accessor.into(), operations, ..Resource::default() }
    }

    #[test]
    fn each_top_level_resource_gates_the_types_it_reaches() {
        let mut api = api(vec![
            def("Shared", strukt(Vec::new())),
            def("Job", strukt(vec![field("shared", named(0))])),
            def("File", strukt(vec![field("shared", named(0))])),
            def("Unused", strukt(Vec::new())),
            def("Event", strukt(Vec::new())),
        ]);
        api.operations = vec![get("getJob", "/jobs", None, named(1)), get("getFile", "/files", None, named(2))];
        api.root.children = vec![resource("fine_tuning", vec![0]), resource("files", vec![1])];
        api.webhooks = Some(Webhooks { event: TypeId(4), feature: None });
        assign_features(&mut api);
        assert_eq!(api.features, ["fine-tuning", "files", "webhooks", "other-types"]);
        let features: Vec<Vec<usize>> = api.types.iter().map(|t| t.features.clone()).collect();
        // `Shared` is needed by two of the four features, so it is gated by both.
        assert_eq!(features, [vec![0, 1], vec![0], vec![1], vec![3], vec![2]]);
        assert_eq!(api.webhooks.and_then(|w| w.feature), Some(2));
        assert_eq!(api.root.children.iter().map(|c| c.feature).collect::<Vec<_>>(), [Some(0), Some(1)]);
    }

    #[test]
    fn one_group_needs_no_features() {
        let mut api = api(vec![def("Job", strukt(Vec::new()))]);
        api.operations = vec![get("getJob", "/jobs", None, named(0))];
        api.root.children = vec![resource("jobs", vec![0])];
        assign_features(&mut api);
        assert!(api.features.is_empty());
        assert!(api.types[0].features.is_empty());
    }
}
