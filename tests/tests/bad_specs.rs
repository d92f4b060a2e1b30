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
        let outcome = std::panic::catch_unwind(|| codegen::generate(&label, &text));
        let errors = match outcome {
            Ok(Ok(_)) => panic!("{label} generated, but it is broken"),
            Ok(Err(errors)) => errors,
            Err(_) => panic!("{label} made the generator panic"),
        };
        assert!(errors.0.iter().all(|d| d.file == label), "every message names the file");
        expectorate::assert_contents(format!("fixtures/bad/{name}.txt"), &format!("{errors}\n"));
    }
}
