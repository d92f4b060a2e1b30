//! Helpers shared by the test files in `tests/tests/`: where the repository and the shared
//! specs are, and how to read the example responses a spec carries.

use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ lives one level below the root").to_path_buf()
}

/// `../shared/specs` next to the repository, when this machine has it. Tests that need it
/// print that they checked nothing instead of passing quietly.
pub fn shared_specs() -> Option<PathBuf> {
    let dir = repo_root().parent()?.join("shared").join("specs");
    dir.join("openai-openapi.yaml").is_file().then_some(dir)
}

/// Reads a file of the repository as text.
pub fn read(relative: &str) -> String {
    let path = repo_root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

pub use codegen::examples::{Example, repair_json};

/// The settings a spec of the repository (`relative` to the root) is generated with: the file
/// beside it (`x.toml` for `x.yaml`) when there is one, as `cargo xtask codegen` does, else the
/// defaults.
pub fn settings_for(relative: &str) -> codegen::Settings {
    let path = codegen::Settings::path_beside(Path::new(relative));
    match std::fs::read_to_string(repo_root().join(&path)) {
        Ok(text) => codegen::Settings::parse(&path.display().to_string(), &text).unwrap_or_else(|e| panic!("{e}")),
        Err(_) => codegen::Settings::default(),
    }
}

/// Loads a spec with the generator's own loader.
pub fn load_spec(path: &Path) -> codegen::load::Document {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    codegen::load(&path.display().to_string(), &text).unwrap_or_else(|e| panic!("{e}"))
}

/// Every `x-oaiMeta` example response of every operation, in document order.
pub fn example_responses(doc: &codegen::load::Document) -> Vec<Example> {
    codegen::examples::responses(doc)
}

/// Every component schema's `x-oaiMeta.example`, as `(schema name, text)`.
pub fn schema_examples(doc: &codegen::load::Document) -> Vec<(String, String)> {
    codegen::examples::schema_examples(doc)
}
