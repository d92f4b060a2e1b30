//! The generator as a library: load an OpenAPI YAML document, lower it to an IR with every
//! reference resolved and every Rust name decided, and emit the files of a typed SDK crate.
//! Nothing here writes to disk; `xtask` does.
//!
//! ```no_run
//! let text = std::fs::read_to_string("spec/openai-fine-tuning.yaml").unwrap();
//! let settings = std::fs::read_to_string("spec/openai-fine-tuning.toml").unwrap();
//! let settings = codegen::Settings::parse("spec/openai-fine-tuning.toml", &settings).unwrap();
//! let generated = codegen::generate("spec/openai-fine-tuning.yaml", &text, &settings).unwrap();
//! for file in &generated.files {
//!     println!("{} ({} bytes)", file.path, file.contents.len());
//! }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod conventions;
pub mod diag;
pub mod emit;
pub mod examples;
pub mod ir;
pub mod load;
mod lower;
pub mod names;
mod normalize;
mod passes;
mod schema;
pub mod settings;
mod spec;

pub use diag::{Diagnostic, Errors, Severity};
pub use emit::OutputFile;
pub use settings::Settings;

/// The result of a successful run.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The lowered API, for summaries and tests.
    pub api: ir::Api,
    /// Files of the crate, paths relative to its root.
    pub files: Vec<OutputFile>,
    /// Things in the spec that were ignored, each with its pointer.
    pub warnings: Vec<Diagnostic>,
}

/// Parses YAML text into a document; `file` names it in diagnostics. `$recursiveRef`s to an
/// anchored component come back as plain `$ref`s (see `normalize.rs`).
pub fn load(file: &str, text: &str) -> Result<load::Document, Errors> {
    let mut doc = load::parse(file, text).map_err(|d| Errors(vec![d]))?;
    normalize::recursive_refs(&mut doc);
    Ok(doc)
}

/// Lowers a document to the IR with `settings` for what it does not say, or returns every
/// error found.
pub fn lower(doc: &load::Document, settings: &Settings) -> Result<(ir::Api, Vec<Diagnostic>), Errors> {
    lower::lower(doc, settings)
}

/// Loads, lowers and emits a whole crate. `file` is how headers and messages name the spec;
/// `settings` are its settings file's, or [`Settings::default`].
pub fn generate(file: &str, text: &str, settings: &Settings) -> Result<Generated, Errors> {
    let doc = load(file, text)?;
    let (api, warnings) = lower(&doc, settings)?;
    let files = emit::emit_crate(&api, file).map_err(|message| internal(file, message))?;
    Ok(Generated { api, files, warnings })
}

/// Loads, lowers and emits the crate as one file (see [`emit::emit_single_file`]).
pub fn generate_single_file(file: &str, text: &str, settings: &Settings, runtime_path: &str, binary: bool) -> Result<String, Errors> {
    let doc = load(file, text)?;
    let (api, _) = lower(&doc, settings)?;
    emit::emit_single_file(&api, file, runtime_path, binary).map_err(|message| internal(file, message))
}

/// A failure of the generator itself rather than of the spec.
fn internal(file: &str, message: String) -> Errors {
    Errors(vec![Diagnostic { severity: Severity::Error, file: file.to_owned(), pointer: String::new(), location: None, message }])
}
