//! The generated crate's `[dependencies]`, built from the manifests this workspace already keeps, so that the list is written once.
//!
//! The runtime is what needs the dependencies, so `codegen/runtime/Cargo.toml` says which crates the generated code uses and which
//! features it adds, and the workspace's `[workspace.dependencies]` says which version of each and with which base features, as it
//! does for every other crate here. Deriving the generated list from those two, rather than checking a third hand-written copy
//! against them, leaves nothing to keep in step: a version bump in the workspace reaches the runtime's tests, the snapshots and the
//! generated crate at once. `tests/Cargo.toml` must still list the same crates, since trybuild compiles the snapshots with its
//! dev-dependencies; a test below fails naming any that it lacks or that it takes with other versions or fewer features.
//!
//! The parser reads only what these manifests use: one dependency per line, as a version string, `name.workspace = true`, or an
//! inline table of `version`, `workspace`, `default-features`, `features` and `path`. Anything else is an error that names the
//! line, so a new way of writing an entry cannot be dropped without a word; the manifests are embedded when the generator is
//! compiled, so the tests of this module meet such an error before any generation does.

use super::parts::Needed;

/// The workspace manifest, for versions and base features.
const WORKSPACE: (&str, &str) = ("Cargo.toml", include_str!("../../../Cargo.toml"));

/// The runtime's manifest, for the set of dependencies and the features the runtime adds.
const RUNTIME: (&str, &str) = ("codegen/runtime/Cargo.toml", include_str!("../../runtime/Cargo.toml"));

/// One dependency as a manifest writes it; `None` and empty mean that the entry does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Dependency {
    name: String,
    version: Option<String>,
    workspace: bool,
    default_features: Option<bool>,
    features: Vec<String>,
    path: Option<String>,
    optional: bool,
}

/// The `[dependencies]` table of the generated `Cargo.toml`, each runtime dependency with the workspace's version and the union of
/// the workspace's and the runtime's features, less the crates and features of the runtime parts left out.
pub(crate) fn dependencies(needed: Needed) -> Result<String, String> {
    let mut table = String::from("[dependencies]\n");
    for mut dependency in generated_dependencies()? {
        if needed.missing().any(|part| part.crates.contains(&dependency.name.as_str())) {
            continue;
        }
        let name = dependency.name.clone();
        dependency.features.retain(|f| !needed.missing().any(|part| part.features.contains(&(name.as_str(), f.as_str()))));
        table.push_str(&render(&dependency));
        table.push('\n');
    }
    Ok(table)
}

/// One feature of the runtime: its name, what it enables, and the comment lines above it.
pub(crate) struct Feature {
    pub(crate) name: String,
    pub(crate) enables: Vec<String>,
    pub(crate) comment: Vec<String>,
}

/// The runtime's `[features]` (the TLS backends) in order, and its default features; the
/// generated crate offers the same, with the same comments.
pub(crate) fn runtime_features() -> Result<(Vec<Feature>, Vec<String>), String> {
    let (file, text) = RUNTIME;
    let Some(lines) = table(text, "features") else {
        return Ok((Vec::new(), Vec::new()));
    };
    let (mut features, mut default, mut comment) = (Vec::new(), Vec::new(), Vec::new());
    for (index, line) in lines {
        if line.is_empty() {
            comment.clear();
            continue;
        }
        if line.starts_with('#') {
            comment.push(line.to_owned());
            continue;
        }
        let at = || format!("{file}, line {}", index + 1);
        let (name, value) = line.split_once('=').ok_or_else(|| format!("{}: expected `name = [...]`, found `{line}`", at()))?;
        let value = value.trim();
        let items = value
            .strip_prefix('[')
            .and_then(|v| v.strip_suffix(']'))
            .ok_or_else(|| format!("{}: expected a list, found `{value}`", at()))?;
        let items = split_top_level(items).into_iter().map(string).collect::<Result<Vec<_>, _>>().map_err(|m| format!("{}: {m}", at()))?;
        let comment = std::mem::take(&mut comment);
        match name.trim() {
            "default" => default = items,
            name => features.push(Feature { name: name.to_owned(), enables: items, comment }),
        }
    }
    Ok((features, default))
}

/// The runtime's dependencies with everything filled in from the workspace.
fn generated_dependencies() -> Result<Vec<Dependency>, String> {
    let workspace = section(WORKSPACE, "workspace.dependencies")?;
    section(RUNTIME, "dependencies")?.into_iter().map(|dependency| resolve(dependency, RUNTIME.0, &workspace)).collect()
}

/// An entry with `workspace = true` replaced by the workspace's version and features, plus its own features.
fn resolve(dependency: Dependency, file: &str, workspace: &[Dependency]) -> Result<Dependency, String> {
    let name = &dependency.name;
    if dependency.path.is_some() {
        return Err(format!("{file}: `{name}` is a path dependency, which a generated crate cannot have"));
    }
    if !dependency.workspace {
        return match dependency.version {
            Some(_) => Ok(dependency),
            None => Err(format!("{file}: `{name}` has neither a version nor `workspace = true`")),
        };
    }
    if dependency.version.is_some() || dependency.default_features.is_some() {
        return Err(format!("{file}: `{name}` takes its version and default features from the workspace and may not set them"));
    }
    let base = workspace.iter().find(|d| d.name == *name).ok_or_else(|| format!("{file}: `{name}` is not in [workspace.dependencies]"))?;
    if base.path.is_some() || base.version.is_none() {
        return Err(format!("{file}: the workspace gives `{name}` no version, which a generated crate needs"));
    }
    let mut features = base.features.clone();
    for feature in dependency.features {
        if !features.contains(&feature) {
            features.push(feature);
        }
    }
    Ok(Dependency { features, workspace: false, optional: dependency.optional, ..base.clone() })
}

/// One line of the generated table, for a resolved entry (which always has a version).
fn render(dependency: &Dependency) -> String {
    let version = dependency.version.as_deref().unwrap_or_default();
    if dependency.default_features.is_none() && dependency.features.is_empty() && !dependency.optional {
        return format!("{} = \"{version}\"", dependency.name);
    }
    let mut parts = vec![format!("version = \"{version}\"")];
    if let Some(default) = dependency.default_features {
        parts.push(format!("default-features = {default}"));
    }
    if !dependency.features.is_empty() {
        let quoted: Vec<String> = dependency.features.iter().map(|f| format!("\"{f}\"")).collect();
        parts.push(format!("features = [{}]", quoted.join(", ")));
    }
    if dependency.optional {
        parts.push("optional = true".to_owned());
    }
    format!("{} = {{ {} }}", dependency.name, parts.join(", "))
}

/// The entries of the table `[name]` in a manifest, in order.
fn section((file, text): (&str, &str), name: &str) -> Result<Vec<Dependency>, String> {
    let lines = table(text, name).ok_or_else(|| format!("{file} has no [{name}] table"))?;
    let mut found: Vec<Dependency> = Vec::new();
    for (index, line) in lines {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = || format!("{file}, line {}", index + 1);
        let (key, value) = line.split_once('=').ok_or_else(|| format!("{}: expected `name = ...`, found `{line}`", at()))?;
        let (dependency, field) = match key.trim().split_once('.') {
            Some((dependency, field)) => (dependency, Some(field)),
            None => (key.trim(), None),
        };
        let mut entry = Dependency { name: dependency.to_owned(), ..Dependency::default() };
        let read = match (field, value.trim()) {
            (Some(field), value) => set(&mut entry, field, value),
            (None, value) if value.starts_with('{') && value.ends_with('}') => {
                split_top_level(&value[1..value.len() - 1]).into_iter().try_for_each(|pair| match pair.split_once('=') {
                    Some((field, value)) => set(&mut entry, field.trim(), value.trim()),
                    None => Err(format!("expected `key = value`, found `{pair}`")),
                })
            }
            (None, value) => string(value).map(|version| entry.version = Some(version)),
        };
        read.map_err(|message| format!("{}: {message}", at()))?;
        if found.iter().any(|d| d.name == entry.name) {
            return Err(format!("{}: `{}` is listed twice", at(), entry.name));
        }
        found.push(entry);
    }
    Ok(found)
}

/// The lines of the table `[name]` in a manifest, trimmed, with their indexes, up to the next
/// table; `None` when there is no such table.
fn table<'a>(text: &'a str, name: &str) -> Option<impl Iterator<Item = (usize, &'a str)>> {
    let header = format!("[{name}]");
    let mut lines = text.lines().map(str::trim).enumerate().skip_while(move |(_, line)| *line != header);
    lines.next()?;
    Some(lines.take_while(|(_, line)| !line.starts_with('[')))
}

/// Sets one field of an entry from its TOML value.
fn set(entry: &mut Dependency, field: &str, value: &str) -> Result<(), String> {
    match field {
        "version" => entry.version = Some(string(value)?),
        "path" => entry.path = Some(string(value)?),
        "workspace" => entry.workspace = boolean(value)?,
        "optional" => entry.optional = boolean(value)?,
        "default-features" => entry.default_features = Some(boolean(value)?),
        "features" => {
            let items =
                value.strip_prefix('[').and_then(|v| v.strip_suffix(']')).ok_or_else(|| format!("expected a list, found `{value}`"))?;
            entry.features = split_top_level(items).into_iter().map(string).collect::<Result<_, _>>()?;
        }
        other => return Err(format!("`{other}` is not a key this parser reads")),
    }
    Ok(())
}

/// The comma-separated items of an inline table or list, without the commas inside nested brackets; empty items (a trailing
/// comma) are left out.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut in_string, mut start) = (0usize, false, 0);
    for (i, c) in text.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '[' | '{' if !in_string => depth += 1,
            ']' | '}' if !in_string => depth = depth.saturating_sub(1),
            ',' if !in_string && depth == 0 => {
                items.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(text[start..].trim());
    items.retain(|item| !item.is_empty());
    items
}

fn string(value: &str) -> Result<String, String> {
    match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) if !inner.contains(['"', '\\']) => Ok(inner.to_owned()),
        _ => Err(format!("expected a plain \"string\", found `{value}`")),
    }
}

fn boolean(value: &str) -> Result<bool, String> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("expected `true` or `false`, found `{value}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The manifest whose dev-dependencies trybuild compiles the snapshots with.
    const TESTS: (&str, &str) = ("tests/Cargo.toml", include_str!("../../../tests/Cargo.toml"));

    fn dependency(name: &str, version: &str, default_features: Option<bool>, features: &[&str]) -> Dependency {
        Dependency {
            name: name.to_owned(),
            version: Some(version.to_owned()),
            default_features,
            features: features.iter().map(|f| (*f).to_owned()).collect(),
            ..Dependency::default()
        }
    }

    #[test]
    fn the_runtime_entries_take_the_workspace_versions_and_both_feature_lists() {
        let workspace = "[package]\nname = \"x\"\n\n[workspace.dependencies]\n# Runtime.\nbytes = \"1\"\n\
                         tokio = { version = \"1\", default-features = false }\n\
                         reqwest = { version = \"0.13\", default-features = false, features = [\"rustls\", \"stream\"] }\n\
                         \n[profile.dev]\nopt-level = 1\n";
        let runtime = "[dependencies]\nbytes.workspace = true\nreqwest = { workspace = true, features = [\"stream\", \"multipart\",] }\n\
                       tokio = { workspace = true, features = [\"fs\", \"time\"] }\nlocal = { version = \"2\", features = [\"a\"] }\n\n\
                       [dev-dependencies]\nwiremock.workspace = true\n";
        let base = section(("Cargo.toml", workspace), "workspace.dependencies").unwrap();
        assert_eq!(base.len(), 3, "the table ends at the next header: {base:?}");
        let resolved: Vec<Dependency> = section(("runtime", runtime), "dependencies")
            .unwrap()
            .into_iter()
            .map(|d| resolve(d, "runtime", &base))
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            resolved,
            [
                dependency("bytes", "1", None, &[]),
                dependency("reqwest", "0.13", Some(false), &["rustls", "stream", "multipart"]),
                dependency("tokio", "1", Some(false), &["fs", "time"]),
                dependency("local", "2", None, &["a"]),
            ]
        );
        let lines: Vec<String> = resolved.iter().map(render).collect();
        assert_eq!(
            lines,
            [
                "bytes = \"1\"",
                "reqwest = { version = \"0.13\", default-features = false, features = [\"rustls\", \"stream\", \"multipart\"] }",
                "tokio = { version = \"1\", default-features = false, features = [\"fs\", \"time\"] }",
                "local = { version = \"2\", features = [\"a\"] }",
            ]
        );
    }

    #[test]
    fn entries_the_parser_cannot_read_or_the_generated_crate_cannot_have_are_errors() {
        let parse = |text: &str| section(("m", text), "dependencies").map(|_| ()).unwrap_err();
        assert_eq!(
            parse("[dependencies]\nserde = { version = \"1\", package = \"serde2\" }\n"),
            "m, line 2: `package` is not a key this parser reads"
        );
        assert_eq!(parse("[dependencies]\nserde = 1\n"), "m, line 2: expected a plain \"string\", found `1`");
        assert_eq!(
            parse("[dependencies]\nserde = { version = \"1\",\n"),
            "m, line 2: expected a plain \"string\", found `{ version = \"1\",`"
        );
        assert_eq!(parse("[dependencies]\nserde\n"), "m, line 2: expected `name = ...`, found `serde`");
        assert_eq!(parse("[dependencies]\na = \"1\"\na.workspace = true\n"), "m, line 3: `a` is listed twice");
        assert_eq!(parse("[package]\n"), "m has no [dependencies] table");

        let resolve_one = |text: &str| {
            let entry = section(("m", text), "dependencies").unwrap().remove(0);
            resolve(entry, "m", &[dependency("known", "1", None, &[])]).unwrap_err()
        };
        assert_eq!(resolve_one("[dependencies]\nother.workspace = true\n"), "m: `other` is not in [workspace.dependencies]");
        let local = Dependency { name: "local".to_owned(), path: Some("../local".to_owned()), ..Dependency::default() };
        let entry = section(("m", "[dependencies]\nlocal.workspace = true\n"), "dependencies").unwrap().remove(0);
        assert_eq!(resolve(entry, "m", &[local]).unwrap_err(), "m: the workspace gives `local` no version, which a generated crate needs");
        assert_eq!(
            resolve_one("[dependencies]\nx = { path = \"../x\" }\n"),
            "m: `x` is a path dependency, which a generated crate cannot have"
        );
        assert_eq!(resolve_one("[dependencies]\nx = { features = [\"a\"] }\n"), "m: `x` has neither a version nor `workspace = true`");
        assert_eq!(
            resolve_one("[dependencies]\nknown = { workspace = true, default-features = false }\n"),
            "m: `known` takes its version and default features from the workspace and may not set them"
        );
    }

    /// The real manifests parse and give entries of the shape the hand-written list in `krate.rs` had; `tests/tests/fresh.rs`
    /// compares the whole table, as part of `generated/Cargo.toml`.
    #[test]
    fn the_generated_table_is_built_from_the_real_manifests() {
        let table = dependencies(Needed::ALL).unwrap();
        assert!(table.starts_with("[dependencies]\nbase64 = \"0.23\"\nbytes = \"1\"\n"), "{table}");
        let bare = dependencies(Needed([false; 3])).unwrap();
        for gone in ["eventsource-stream", "hmac", "sha2", "\"multipart\"", "\"fs\"", "\"io-util\""] {
            assert!(table.contains(gone) && !bare.contains(gone), "{gone} goes with its part: {bare}");
        }
        assert!(
            bare.contains("\nreqwest = { version = \"0.13\", default-features = false, features = [\"http2\", \"stream\"] }\n"),
            "{bare}"
        );
        assert!(bare.contains("\ntokio = { version = \"1\", default-features = false, features = [\"time\"] }\n"), "{bare}");
        assert!(
            table.contains(
                "\nreqwest = { version = \"0.13\", default-features = false, features = [\"http2\", \"multipart\", \"stream\"] }\n"
            ),
            "{table}"
        );
        assert!(
            table.contains(
                "\nrustls = { version = \"0.23\", default-features = false, features = [\"ring\", \"std\", \"tls12\"], optional = true }\n"
            ),
            "an optional dependency stays optional: {table}"
        );
        let (features, default) = runtime_features().unwrap();
        assert_eq!(default, ["rustls"]);
        let names: Vec<&str> = features.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["rustls", "rustls-ring", "native-tls"]);
        assert!(features.iter().all(|f| !f.comment.is_empty()), "each TLS feature says what it needs to build");
        for name in names.iter().chain(&["default"]) {
            assert!(crate::passes::features::RESERVED_FEATURES.contains(name), "resources must not take the feature name `{name}`");
        }
        assert!(
            table.contains("\ntokio = { version = \"1\", default-features = false, features = [\"fs\", \"io-util\", \"time\"] }\n"),
            "{table}"
        );
        assert_eq!(table.lines().count(), 1 + section(RUNTIME, "dependencies").unwrap().len());
    }

    /// trybuild compiles the snapshots with `tests/Cargo.toml`'s dev-dependencies, so each of the generated crate's
    /// dependencies must be there, from the workspace (the same version), with at least the features the generated crate asks for.
    #[test]
    fn the_snapshot_tests_have_every_generated_dependency() {
        let workspace = section(WORKSPACE, "workspace.dependencies").unwrap();
        let tests = section(TESTS, "dev-dependencies").unwrap();
        let mut problems = Vec::new();
        // An optional dependency serves a feature the snapshots, compiled with the runtime's
        // defaults, do not use.
        for wanted in generated_dependencies().unwrap().into_iter().filter(|d| !d.optional) {
            let name = &wanted.name;
            let Some(have) = tests.iter().find(|d| d.name == *name) else {
                problems.push(format!("`{name}` is missing"));
                continue;
            };
            if !have.workspace {
                problems.push(format!("`{name}` does not say `workspace = true`, so its version may differ"));
                continue;
            }
            let base = workspace.iter().find(|d| d.name == *name).map(|d| d.features.as_slice()).unwrap_or_default();
            let missing: Vec<&String> = wanted.features.iter().filter(|f| !base.contains(f) && !have.features.contains(f)).collect();
            if !missing.is_empty() {
                problems.push(format!("`{name}` lacks the features {missing:?}"));
            }
        }
        assert!(problems.is_empty(), "tests/Cargo.toml [dev-dependencies] and the generated crate differ: {}", problems.join("; "));
    }
}
