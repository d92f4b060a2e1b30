//! Each fixture spec in `tests/fixtures/` is generated as one file and compared with
//! `tests/snapshots/<name>.rs`; `trybuild.rs` then compiles every snapshot and runs its `main`,
//! which is empty unless `tests/fixtures/<name>.main.rs` gives one that checks behaviour.
//! Accept intended changes with `EXPECTORATE=overwrite cargo test -p sdk-tests --test snapshots`
//! and read the diff before committing.

use sdk_tests::repo_root;

/// Where the snapshots find the runtime, relative to `tests/snapshots/`.
const RUNTIME_PATH: &str = "../../codegen/runtime/src/lib.rs";

#[test]
fn fixtures_match_their_snapshots() {
    let fixtures = repo_root().join("tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .expect("tests/fixtures exists")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".yaml").map(str::to_owned)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 5, "expected the fixture specs in tests/fixtures, found {names:?}");
    for name in &names {
        let label = format!("tests/fixtures/{name}.yaml");
        let text = sdk_tests::read(&label);
        let mut output = codegen::generate_single_file(&label, &text, &sdk_tests::settings_for(&label), RUNTIME_PATH, true)
            .unwrap_or_else(|errors| panic!("fixture {name} does not generate:\n{errors}"));
        // A fixture may bring a `main` that exercises the generated code; trybuild runs it.
        let checks = repo_root().join(format!("tests/fixtures/{name}.main.rs"));
        if let Ok(main) = std::fs::read_to_string(&checks) {
            let empty_main = "fn main() {}\n";
            assert!(output.ends_with(empty_main), "the one-file output ends with an empty main");
            output.truncate(output.len() - empty_main.len());
            output.push_str(&format!("// From tests/fixtures/{name}.main.rs:\n{main}"));
        }
        expectorate::assert_contents(format!("snapshots/{name}.rs"), &output);
    }
    // Every snapshot has its fixture, so a deleted fixture cannot leave a stale snapshot behind.
    for entry in std::fs::read_dir(repo_root().join("tests/snapshots")).expect("tests/snapshots exists") {
        let file = entry.expect("readable").file_name().into_string().expect("utf-8 name");
        let stem = file.strip_suffix(".rs").unwrap_or(&file);
        assert!(names.iter().any(|n| n == stem), "tests/snapshots/{file} has no fixture");
    }
}
