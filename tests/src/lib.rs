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

/// One example response a spec carries under an operation's `x-oaiMeta.examples`.
#[derive(Debug, Clone)]
pub struct Example {
    /// The `operationId`.
    pub operation: String,
    /// The example's `title`, or `""` when it has none.
    pub title: String,
    /// The response text, exactly as the spec holds it.
    pub response: String,
}

/// Loads a spec with the generator's own loader.
pub fn load_spec(path: &Path) -> codegen::load::Document {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    codegen::load(&path.display().to_string(), &text).unwrap_or_else(|e| panic!("{e}"))
}

/// Every `x-oaiMeta` example response of every operation, in document order. `examples` is a
/// list in some operations and a single mapping in others; both are read.
pub fn example_responses(doc: &codegen::load::Document) -> Vec<Example> {
    let mut out = Vec::new();
    let Some(paths) = doc.root.get("paths").and_then(|p| p.as_map()) else { return out };
    for item in paths.values() {
        for op in item.as_map().into_iter().flat_map(|m| m.values()) {
            let Some(operation) = op.get("operationId").and_then(|o| o.as_str()) else { continue };
            let Some(examples) = op.get("x-oaiMeta").and_then(|m| m.get("examples")) else { continue };
            let list: Vec<&codegen::load::Node> = match examples.as_seq() {
                Some(items) => items.iter().collect(),
                None => vec![examples],
            };
            for example in list {
                if let Some(response) = example.get("response").and_then(|r| r.as_str()) {
                    out.push(Example {
                        operation: operation.to_owned(),
                        title: example.get("title").and_then(|t| t.as_str()).unwrap_or_default().to_owned(),
                        response: response.to_owned(),
                    });
                }
            }
        }
    }
    out
}

/// Every component schema's `x-oaiMeta.example`, as `(schema name, text)`.
pub fn schema_examples(doc: &codegen::load::Document) -> Vec<(String, String)> {
    let Some(schemas) = doc.root.get("components").and_then(|c| c.get("schemas")).and_then(|s| s.as_map()) else {
        return Vec::new();
    };
    schemas
        .iter()
        .filter_map(|(name, schema)| {
            let text = schema.get("x-oaiMeta")?.get("example")?.as_str()?;
            Some((name.clone(), text.to_owned()))
        })
        .collect()
}
