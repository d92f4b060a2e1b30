//! The corrections of `spec/openai-fine-tuning.yaml`, kept as an overlay on OpenAI's published
//! spec (`spec/openai-fine-tuning.overlay.yaml`): the published spec of 2026-08-21 with the
//! overlay and `--only /fine_tuning /files` gives exactly the public API of `generated/`, and so does
//! the older spec of 2026-07-15, which is the report a maintainer reads when adopting a new
//! spec: nothing changed for fine-tuning. The corrections the published spec's examples call
//! for elsewhere (`spec/openai-openapi.overlay.yaml`, checked by `cargo xtask whole-spec`) all
//! apply too, and leave fine-tuning as it is. Skipped, with a message, without `../shared/specs`.

use codegen::{Previous, Source};
use sdk_tests::{read, repo_root, settings_for, shared_specs};

fn check(spec: &str, overlays: &[&str]) {
    let Some(shared) = shared_specs() else {
        eprintln!("../shared/specs is absent: the overlay on {spec} was not checked");
        return;
    };
    let source = Source {
        file: spec.to_owned(),
        text: std::fs::read_to_string(shared.join(spec)).expect("the published spec reads"),
        overlays: overlays.iter().map(|name| (name.to_string(), read(&format!("spec/{name}")))).collect(),
        only: vec!["/fine_tuning".to_owned(), "/files".to_owned()],
    };
    let (doc, warnings) = codegen::load_source(&source).unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "every action of the overlay applies to {spec}: {warnings:?}");
    let on_disk = |name: &str| std::fs::read_to_string(repo_root().join("generated").join(name)).ok();
    let previous = Previous::from_files(on_disk("api.txt"), on_disk("Cargo.toml").as_deref(), on_disk("CHANGELOG.md"));
    let generated =
        codegen::generate_doc(&doc, warnings, &settings_for("spec/openai-fine-tuning.yaml"), &previous).unwrap_or_else(|e| panic!("{e}"));
    let report = generated.report.expect("compared with generated/api.txt");
    assert!(report.is_empty(), "{spec} with the overlay differs from spec/:\n{}", report.markdown());
    assert_eq!(generated.api.operations.len(), 18);
}

#[test]
fn the_published_spec_with_the_overlay_gives_the_shipped_api() {
    check("openai-openapi.yaml", &["openai-fine-tuning.overlay.yaml"]);
}

#[test]
fn the_examples_overlay_applies_whole_and_leaves_fine_tuning_alone() {
    check("openai-openapi.yaml", &["openai-fine-tuning.overlay.yaml", "openai-openapi.overlay.yaml"]);
}

#[test]
fn the_older_published_spec_with_the_overlay_gives_it_too() {
    check("openai-openapi-2026-07-15.yaml", &["openai-fine-tuning.overlay.yaml"]);
}
