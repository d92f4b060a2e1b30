//! `generated/` must be exactly what the generator makes of `spec/` today, and the generator
//! must make the same bytes every time, whatever order the spec lists its schemas in.

use codegen::load::Value;
use sdk_tests::{read, repo_root, settings_for};

const SPEC: &str = "spec/openai-fine-tuning.yaml";

#[test]
fn generated_crate_is_fresh() {
    // Over what `generated/` holds, as `cargo xtask codegen` runs: the same spec reports no
    // change, so the version and changelog must stay too.
    let on_disk = |name: &str| std::fs::read_to_string(repo_root().join("generated").join(name)).ok();
    let previous = codegen::Previous::from_files(on_disk("api.txt"), on_disk("Cargo.toml").as_deref(), on_disk("CHANGELOG.md"));
    let generated = codegen::generate_over(SPEC, &read(SPEC), &settings_for(SPEC), &previous).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(generated.report.as_ref().map(|r| r.changes.len()), Some(0), "{:?}", generated.report);
    let mut stale = Vec::new();
    for file in &generated.files {
        let on_disk = std::fs::read_to_string(repo_root().join("generated").join(&file.path)).unwrap_or_default();
        if on_disk.replace("\r\n", "\n") != file.contents {
            stale.push(file.path.clone());
        }
    }
    assert!(stale.is_empty(), "generated/ is stale ({stale:?}): run `cargo xtask codegen` and commit the result");
}

#[test]
fn output_is_byte_for_byte_deterministic() {
    // Each run builds fresh hash maps with fresh random seeds, so any iteration over one on the
    // way to the output would show up here.
    let text = read(SPEC);
    let first = codegen::generate(SPEC, &text, &settings_for(SPEC)).unwrap().files;
    for _ in 0..3 {
        assert_eq!(codegen::generate(SPEC, &text, &settings_for(SPEC)).unwrap().files, first);
    }
}

#[test]
fn schema_order_does_not_change_the_output() {
    let text = read(SPEC);
    let expected = codegen::generate(SPEC, &text, &settings_for(SPEC)).unwrap().files;
    let mut doc = codegen::load(SPEC, &text).unwrap();
    let Value::Map(root) = &mut doc.root.value else { panic!("the spec is a mapping") };
    let Value::Map(components) = &mut root.get_mut("components").unwrap().value else { panic!("components") };
    let Value::Map(schemas) = &mut components.get_mut("schemas").unwrap().value else { panic!("schemas") };
    schemas.reverse();
    let (api, _) = codegen::lower(&doc, &settings_for(SPEC)).unwrap();
    let reversed = codegen::emit::emit_crate(&api, SPEC, false).unwrap();
    let types = |files: &[codegen::OutputFile]| files.iter().find(|f| f.path == "src/types.rs").unwrap().contents.clone();
    // `generate` stamps each file with a fingerprint of its body; `emit_crate` alone does not.
    assert_eq!(codegen::emit::fingerprint::stamp(&types(&reversed)), types(&expected));
}
