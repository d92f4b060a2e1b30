//! Broken specs: each `tests/fixtures/bad/<name>.yaml` must fail to generate, without a panic,
//! with exactly the messages in `tests/fixtures/bad/<name>.txt` (file, line, column, JSON
//! pointer and text, every error at once). Refresh with
//! `EXPECTORATE=overwrite cargo test -p sdk-tests --test bad_specs` and read the diff.

use sdk_tests::repo_root;

#[test]
fn broken_specs_report_every_error_with_its_pointer() {
    let dir = repo_root().join("tests/fixtures/bad");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/bad exists")
        .filter_map(|e| e.ok()?.file_name().into_string().ok()?.strip_suffix(".yaml").map(str::to_owned))
        .collect();
    names.sort();
    assert!(names.len() >= 6, "expected the broken specs, found {names:?}");
    for name in names {
        let label = format!("tests/fixtures/bad/{name}.yaml");
        let text = sdk_tests::read(&label);
        let outcome = std::panic::catch_unwind(|| codegen::generate(&label, &text, &codegen::Settings::default()));
        let errors = match outcome {
            Ok(Ok(_)) => panic!("{label} generated, but it is broken"),
            Ok(Err(errors)) => errors,
            Err(_) => panic!("{label} made the generator panic"),
        };
        assert!(errors.0.iter().all(|d| d.file == label), "every message names the file");
        expectorate::assert_contents(format!("fixtures/bad/{name}.txt"), &format!("{errors}\n"));
    }
}

/// Specs with mistakes that have a reasonable reading: each `tests/fixtures/lenient/<name>.yaml`
/// generates, and says what it read differently in exactly the warnings of `<name>.txt`.
#[test]
fn specs_with_readable_mistakes_generate_with_warnings() {
    let dir = repo_root().join("tests/fixtures/lenient");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/lenient exists")
        .filter_map(|e| e.ok()?.file_name().into_string().ok()?.strip_suffix(".yaml").map(str::to_owned))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "expected the lenient specs in {}", dir.display());
    for name in names {
        let label = format!("tests/fixtures/lenient/{name}.yaml");
        let text = sdk_tests::read(&label);
        let settings = sdk_tests::settings_for(&label);
        let generated = codegen::generate(&label, &text, &settings).unwrap_or_else(|errors| panic!("{label} does not generate:\n{errors}"));
        let warnings: String = generated.warnings.iter().map(|w| format!("{w}\n")).collect();
        expectorate::assert_contents(format!("fixtures/lenient/{name}.txt"), &warnings);
    }
}
