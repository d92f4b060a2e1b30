//! The runtime's optional parts -> the copy a spec needs: which parts an API uses, and the runtime's files with the others cut
//! out, so a crate carries neither code nor dependencies it cannot call.
//!
//! A part is one file of the runtime plus the lines of the other files between `// [name]` and `// [/name]` (the runtime's
//! module documentation says how they are written). Cutting at lines the runtime marks, rather than evaluating `cfg`
//! attributes, keeps the copy free of features a user could switch off under generated code that needs them; the runtime's own
//! tests and the snapshots compile every part, and the generated crates of the corpus compile the copies without them.

use crate::ir::{Api, BodyEncoding, TypeRef};

/// One optional part of the runtime.
pub(crate) struct Part {
    /// The name its markers use.
    pub(crate) name: &'static str,
    /// Its own file in `codegen/runtime/src`.
    pub(crate) file: &'static str,
    /// The dependencies only it uses.
    pub(crate) crates: &'static [&'static str],
    /// The features of other dependencies only it uses, as `(crate, feature)`.
    pub(crate) features: &'static [(&'static str, &'static str)],
    /// What the generated `lib.rs` re-exports from it.
    pub(crate) exports: &'static [&'static str],
}

/// The optional parts, in the order their re-exports are listed.
pub(crate) const PARTS: [Part; 3] = [
    Part { name: "sse", file: "sse.rs", crates: &["eventsource-stream"], features: &[], exports: &["EventStream", "StreamCall"] },
    Part {
        name: "multipart",
        file: "multipart.rs",
        crates: &[],
        features: &[("reqwest", "multipart"), ("tokio", "fs"), ("tokio", "io-util")],
        exports: &["File", "Multipart", "ToMultipart"],
    },
    Part {
        name: "webhooks",
        file: "webhook.rs",
        crates: &["hmac", "sha2"],
        features: &[],
        exports: &["DEFAULT_WEBHOOK_TOLERANCE", "WebhookError", "sign_webhook", "verify_webhook", "verify_webhook_at"],
    },
];

/// What `lib.rs` re-exports from the runtime besides the items of its optional parts.
pub(crate) const BASE_EXPORTS: [&str; 25] = [
    "ApiError",
    "ApiErrorKind",
    "Bytes",
    "Call",
    "Client",
    "ClientBuilder",
    "Error",
    "HeaderMap",
    "HeaderSetting",
    "Method",
    "Paginated",
    "Profile",
    "Query",
    "RateLimit",
    "Request",
    "RequestBody",
    "Response",
    "ResponseMeta",
    "RetryHints",
    "RetryPolicy",
    "Scheme",
    "SchemeKind",
    "Security",
    "ServerVariable",
    "ToQuery",
];

/// Which parts a crate includes: the index of each in [`PARTS`] is `true` when it is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Needed(pub(crate) [bool; 3]);

impl Needed {
    /// Every part, for the single-file snapshots, which include the whole runtime by path.
    pub(crate) const ALL: Needed = Needed([true; 3]);

    /// The parts `api` uses: streams of events, multipart bodies or binary file values, webhooks.
    pub(crate) fn of(api: &Api) -> Needed {
        let sse = api.operations.iter().any(|op| op.stream.is_some());
        let file = |ty: &TypeRef| *ty.innermost() == TypeRef::File;
        let multipart = !api.multipart.is_empty()
            || api.operations.iter().any(|op| {
                op.multipart_alternative.is_some()
                    || op.body.as_ref().is_some_and(|b| b.encoding == BodyEncoding::Multipart)
                    || op.refs().into_iter().any(file)
            })
            || api.types.iter().any(|t| t.kind.refs().into_iter().any(file));
        Needed([sse, multipart, api.webhooks.is_some()])
    }

    /// The parts left out.
    pub(crate) fn missing(self) -> impl Iterator<Item = &'static Part> {
        PARTS.iter().zip(self.0).filter(|(_, needed)| !needed).map(|(part, _)| part)
    }

    /// The parts kept.
    pub(crate) fn kept(self) -> impl Iterator<Item = &'static Part> {
        PARTS.iter().zip(self.0).filter(|(_, needed)| *needed).map(|(part, _)| part)
    }

    /// Everything the generated `lib.rs` re-exports from the runtime, sorted, each with the part it comes from.
    pub(crate) fn exports(self) -> Vec<(&'static str, Option<&'static str>)> {
        let mut exports: Vec<(&str, Option<&str>)> = BASE_EXPORTS.iter().map(|name| (*name, None)).collect();
        exports.extend(self.kept().flat_map(|part| part.exports.iter().map(|name| (*name, Some(part.name)))));
        exports.sort_unstable();
        exports
    }

    /// Whether the runtime file `file` (a name in `codegen/runtime/src`) is copied.
    pub(crate) fn keeps_file(self, file: &str) -> bool {
        self.missing().all(|part| part.file != file)
    }
}

/// `source` (the runtime file `file`) without the marked lines of the parts left out, and without any marker line; an error
/// names the line of a marker that does not pair up or names no part.
pub(crate) fn cut(file: &str, source: &str, needed: Needed) -> Result<String, String> {
    let mut out = String::with_capacity(source.len());
    let mut open: Option<(usize, &str)> = None;
    for (index, line) in source.split_inclusive('\n').enumerate() {
        let marker = line.trim();
        let at = || format!("codegen/runtime/src/{file}, line {}", index + 1);
        if let Some(name) = marker.strip_prefix("// [").and_then(|m| m.strip_suffix(']')) {
            let (closing, name) = match name.strip_prefix('/') {
                Some(name) => (true, name),
                None => (false, name),
            };
            if !PARTS.iter().any(|p| p.name == name) {
                return Err(format!("{}: `{marker}` names no part of the runtime", at()));
            }
            open = match (open, closing) {
                (None, false) => Some((index, name)),
                (Some((_, opened)), true) if opened == name => None,
                (Some((line, opened)), _) => {
                    return Err(format!("{}: `{marker}` inside part `{opened}`, opened on line {}", at(), line + 1));
                }
                (None, true) => return Err(format!("{}: `{marker}` closes a part that is not open", at())),
            };
            continue;
        }
        let dropped = open.is_some_and(|(_, name)| needed.missing().any(|p| p.name == name));
        if !dropped {
            out.push_str(line);
        }
    }
    match open {
        Some((line, name)) => Err(format!("codegen/runtime/src/{file}, line {}: part `{name}` is never closed", line + 1)),
        None => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::krate::RUNTIME;

    #[test]
    fn marked_lines_go_with_their_part_and_markers_always_go() {
        let source = "a\n// [sse]\nb\n// [/sse]\n    // [webhooks]\n    c\n    // [/webhooks]\nd\n";
        assert_eq!(cut("x.rs", source, Needed::ALL).unwrap(), "a\nb\n    c\nd\n");
        assert_eq!(cut("x.rs", source, Needed([false, true, true])).unwrap(), "a\n    c\nd\n");
        assert_eq!(cut("x.rs", source, Needed([false; 3])).unwrap(), "a\nd\n");
    }

    #[test]
    fn markers_that_do_not_pair_up_are_errors_naming_the_line() {
        let unclosed = cut("x.rs", "// [sse]\na\n", Needed::ALL).unwrap_err();
        assert!(unclosed.contains("x.rs, line 1") && unclosed.contains("never closed"), "{unclosed}");
        let nested = cut("x.rs", "// [sse]\n// [webhooks]\n", Needed::ALL).unwrap_err();
        assert!(nested.contains("line 2") && nested.contains("opened on line 1"), "{nested}");
        let stray = cut("x.rs", "a\n// [/sse]\n", Needed::ALL).unwrap_err();
        assert!(stray.contains("line 2") && stray.contains("not open"), "{stray}");
        let unknown = cut("x.rs", "// [tls]\n", Needed::ALL).unwrap_err();
        assert!(unknown.contains("names no part"), "{unknown}");
    }

    /// What a part's code looks like in Rust: its crates' names, its types and its features' modules.
    fn needles(part: &Part) -> Vec<String> {
        let mut needles: Vec<String> = part.crates.iter().map(|c| format!("{}::", c.replace('-', "_"))).collect();
        needles.extend(part.exports.iter().map(|e| (*e).to_owned()));
        // What code that needs each feature names: its module, or for tokio's `io-util` the module its traits live in.
        needles.extend(part.features.iter().map(|(c, f)| match (*c, *f) {
            ("tokio", "io-util") => "tokio::io::".to_owned(),
            (c, f) => format!("{c}::{}", f.replace('-', "_")),
        }));
        needles.push(format!("{}::", part.file.trim_end_matches(".rs")));
        needles
    }

    /// The runtime without one part still parses, and names nothing of that part: no crate only it uses, none of its types,
    /// and not its module. The compiler checks the rest where a corpus spec lacks the part.
    #[test]
    fn the_runtime_without_a_part_never_names_it() {
        for (index, part) in PARTS.iter().enumerate() {
            let mut needed = Needed::ALL;
            needed.0[index] = false;
            for (_, name, source) in RUNTIME.iter().filter(|(_, name, _)| needed.keeps_file(name)) {
                let copy = cut(name, source, needed).unwrap();
                syn::parse_file(&copy).unwrap_or_else(|e| panic!("{name} without `{}` does not parse: {e}", part.name));
                for needle in needles(part) {
                    let code: String = copy.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
                    assert!(!code.contains(&needle), "{name} without part `{}` still names `{needle}`", part.name);
                }
            }
        }
    }

    /// What the generated `lib.rs` re-exports, parts included, is what the runtime's `lib.rs` exports, less the decoding
    /// helpers only the generated `types` module calls; so a new runtime export cannot be forgotten here.
    #[test]
    fn the_generated_re_exports_are_the_runtimes() {
        let (_, _, source) = RUNTIME.iter().find(|(_, name, _)| *name == "lib.rs").unwrap();
        let file = syn::parse_file(source).unwrap();
        let mut exported: Vec<String> = Vec::new();
        fn names(tree: &syn::UseTree, out: &mut Vec<String>) {
            match tree {
                syn::UseTree::Path(path) => names(&path.tree, out),
                syn::UseTree::Name(name) => out.push(name.ident.to_string()),
                syn::UseTree::Rename(rename) => out.push(rename.rename.to_string()),
                syn::UseTree::Group(group) => group.items.iter().for_each(|item| names(item, out)),
                syn::UseTree::Glob(_) => panic!("the runtime's lib.rs exports nothing by glob"),
            }
        }
        for item in &file.items {
            if let syn::Item::Use(item) = item
                && matches!(item.vis, syn::Visibility::Public(_))
            {
                names(&item.tree, &mut exported);
            }
        }
        let internal = [
            "Object",
            "ObjectAccess",
            "Scalar",
            "decode_best",
            "decode_map_without",
            "decode_scalar",
            "decode_variant",
            "read_object",
            "read_tagged",
            "serialize_tagged",
            "Tagged",
        ];
        exported.retain(|name| !internal.contains(&name.as_str()));
        exported.sort();
        let generated: Vec<String> = Needed::ALL.exports().into_iter().map(|(name, _)| name.to_owned()).collect();
        assert_eq!(generated, exported);
    }

    /// Every part's crates and features are the runtime's, so that leaving them out of the manifest is not a no-op.
    #[test]
    fn every_part_names_dependencies_the_runtime_has() {
        let manifest = include_str!("../../runtime/Cargo.toml");
        for part in &PARTS {
            assert!(RUNTIME.iter().any(|(_, name, _)| *name == part.file), "{} is not a runtime file", part.file);
            for krate in part.crates {
                assert!(manifest.contains(&format!("\n{krate}.workspace")), "{krate} is not a runtime dependency");
            }
            for (krate, feature) in part.features {
                let line = manifest.lines().find(|l| l.starts_with(&format!("{krate} "))).unwrap();
                assert!(line.contains(&format!("\"{feature}\"")), "the runtime's {krate} lacks feature {feature}");
            }
        }
    }
}
