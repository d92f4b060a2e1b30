//! The names the generated `Client` and `ClientBuilder` already have, which no resource accessor
//! or operation method at the root, and no setter, may take. They are read from the runtime's source and from what
//! `lib.rs` adds, so that a method added to either is never forgotten here.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::krate::{LIB_CLIENT_METHODS, RUNTIME};

/// Every inherent method of `Client`: the runtime's (public or not, since two inherent
/// methods of one name clash whatever their visibility) and the generated `lib.rs`'s.
pub fn client_method_names() -> HashSet<String> {
    static NAMES: OnceLock<HashSet<String>> = OnceLock::new();
    NAMES
        .get_or_init(|| {
            let mut names: HashSet<String> = LIB_CLIENT_METHODS.iter().map(|m| (*m).to_owned()).collect();
            // Parsing takes time in a debug build; only files that mention the type can add to it.
            for (_, _, source) in RUNTIME.iter().filter(|(_, _, source)| source.contains("impl Client")) {
                names.extend(inherent_methods(source, "Client"));
            }
            names
        })
        .clone()
}

/// Every inherent method of the runtime's `ClientBuilder`, which the setters a spec adds (one
/// per security scheme, server variable and settings header) must not take.
pub fn builder_method_names() -> HashSet<String> {
    static NAMES: OnceLock<HashSet<String>> = OnceLock::new();
    NAMES
        .get_or_init(|| {
            RUNTIME
                .iter()
                .filter(|(_, _, source)| source.contains("impl ClientBuilder"))
                .flat_map(|(_, _, source)| inherent_methods(source, "ClientBuilder"))
                .collect()
        })
        .clone()
}

/// The methods of the inherent `impl` blocks of `type_name` in a Rust source file.
fn inherent_methods(source: &str, type_name: &str) -> Vec<String> {
    // The runtime is compiled and tested on its own, so it always parses; a failure here is a
    // bug of the build, not of a spec.
    let file = syn::parse_file(source).expect("the runtime sources parse");
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(block) if block.trait_.is_none() => Some(block),
            _ => None,
        })
        .filter(|block| matches!(&*block.self_ty, syn::Type::Path(path) if path.path.is_ident(type_name)))
        .flat_map(|block| &block.items)
        .filter_map(|item| match item {
            syn::ImplItem::Fn(method) => Some(method.sig.ident.to_string()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_and_lib_methods_are_reserved() {
        let names = client_method_names();
        for name in ["call", "retry_policy", "base_url", "builder", "from_env"] {
            assert!(names.contains(name), "`{name}` is missing from {names:?}");
        }
        // Builder methods belong to another type.
        assert!(!names.contains("credential"));
        let builder = builder_method_names();
        for name in ["credential", "header", "server_variable", "base_url", "build", "env"] {
            assert!(builder.contains(name), "`{name}` is missing from {builder:?}");
        }
    }

    #[test]
    fn inherent_methods_skip_trait_impls_and_other_types() {
        let source = "impl A { fn one(&self) {} pub fn two() {} } impl Debug for A { fn fmt(&self) {} } impl B { fn three() {} }";
        assert_eq!(inherent_methods(source, "A"), ["one", "two"]);
    }

    #[test]
    fn lib_client_methods_match_the_emitted_lib() {
        // The list `lib.rs` adds is written next to the code that emits them; this checks the two
        // agree, by reading the methods back from an emitted `lib.rs`.
        let doc = crate::load("t.yaml", "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\n").expect("loads");
        let (api, _) = crate::lower(&doc, &crate::Settings::default()).expect("lowers");
        let files = crate::emit::emit_crate(&api, "t.yaml", false).expect("emits");
        let lib = &files.iter().find(|f| f.path == "src/lib.rs").expect("lib.rs").contents;
        let mut emitted = inherent_methods(lib, "Client");
        emitted.sort();
        let mut listed: Vec<String> = LIB_CLIENT_METHODS.iter().map(|m| (*m).to_owned()).collect();
        listed.sort();
        assert_eq!(emitted, listed);
    }
}
