//! The renderer writes each struct's `Serialize` and `Object` impls as text instead of formatting their tokens
//! (`codegen/src/emit/plain.rs`). This checks that the crate comes out byte for byte the same either way, for
//! every fixture, the repository's spec and, when `../shared/specs` is here, OpenAI's published spec and every
//! document of the corpus that lowers.

use std::path::{Path, PathBuf};

use sdk_tests::{repo_root, shared_specs};

/// Whether `path` lowers, and if so that both routes give the same files; `Err` names the first file that differs.
fn same_either_way(path: &Path, settings: &codegen::Settings) -> Option<Result<(), String>> {
    let text = std::fs::read_to_string(path).ok()?;
    let label = path.file_name()?.to_string_lossy().into_owned();
    let doc = codegen::load(&label, &text).ok()?;
    let (api, _) = codegen::lower(&doc, settings).ok()?;
    let plain = codegen::emit::emit_crate(&api, &label, false).unwrap_or_else(|e| panic!("{label}: {e}"));
    let formatted = codegen::emit::emit_crate_formatted(&api, &label, false).unwrap_or_else(|e| panic!("{label}: {e}"));
    for (a, b) in plain.iter().zip(&formatted) {
        if a != b {
            let line = a.contents.lines().zip(b.contents.lines()).position(|(x, y)| x != y).map_or(0, |i| i + 1);
            return Some(Err(format!("{label}: {} differs from line {line}", a.path)));
        }
    }
    Some(if plain.len() == formatted.len() { Ok(()) } else { Err(format!("{label}: the file lists differ")) })
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    files
}

#[test]
fn printed_impls_match_the_formatted_ones() {
    let root = repo_root();
    let mut specs: Vec<PathBuf> = yaml_files(&root.join("tests/fixtures"));
    specs.extend(yaml_files(&root.join("spec")).into_iter().filter(|p| !p.to_string_lossy().ends_with(".overlay.yaml")));
    match shared_specs() {
        Some(shared) => {
            specs.push(shared.join("openai-openapi.yaml"));
            for folder in ["oai", "openapi-generator", "vendor"] {
                specs.extend(yaml_files(&shared.join("corpus").join(folder)));
            }
        }
        None => eprintln!("../shared/specs is absent: only the fixtures and spec/ were compared, not OpenAI's spec or the corpus"),
    }
    let (mut compared, mut failures) = (0, Vec::new());
    for spec in &specs {
        let settings = codegen::Settings::path_beside(spec);
        let settings = match std::fs::read_to_string(&settings) {
            Ok(text) => codegen::Settings::parse(&settings.display().to_string(), &text).unwrap_or_else(|e| panic!("{e}")),
            Err(_) => codegen::Settings::default(),
        };
        match same_either_way(spec, &settings) {
            Some(Ok(())) => compared += 1,
            Some(Err(message)) => failures.push(message),
            None => {}
        }
    }
    assert!(failures.is_empty(), "the printed impls differ from the formatted ones:\n{}", failures.join("\n"));
    // Every fixture but the broken ones lowers; the count keeps the test from passing on nothing.
    assert!(compared >= 20, "only {compared} specs lowered");
    eprintln!("{compared} of {} specs give the same crate either way", specs.len());
}
