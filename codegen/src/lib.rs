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
pub mod listing;
pub mod load;
mod lower;
pub mod names;
mod normalize;
pub mod overlay;
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
    /// What changed in the public API since the crate described by [`Previous`]; `None` when
    /// there was no earlier listing to compare with.
    pub report: Option<listing::Report>,
}

/// What the output folder holds from the generation before, read by the caller: the public
/// API listing (`api.txt`), the crate version and `CHANGELOG.md`. All empty for a first
/// generation.
#[derive(Debug, Clone, Default)]
pub struct Previous {
    /// The text of `api.txt`.
    pub listing: Option<String>,
    /// The `version` of `Cargo.toml`.
    pub version: Option<String>,
    /// The text of `CHANGELOG.md`.
    pub changelog: Option<String>,
    /// Whether the folder has the hand-written `src/custom.rs`, which `lib.rs` then includes.
    pub custom: bool,
}

impl Previous {
    /// Reads what the output folder holds: `api.txt`, `Cargo.toml` (for its package version)
    /// and `CHANGELOG.md`, each `None` when the file is missing.
    pub fn from_files(listing: Option<String>, manifest: Option<&str>, changelog: Option<String>) -> Previous {
        let version = manifest.and_then(|manifest| {
            let package = manifest.split_once("[package]")?.1.split("\n[").next()?;
            package.lines().find_map(|line| line.strip_prefix("version = ").map(|v| v.trim().trim_matches('"').to_owned()))
        });
        Previous { listing, version, changelog, custom: false }
    }
}

/// `changelog` with `entry` before its newest version's heading (the first `## ` followed by a
/// digit), so that an introduction or an `## Unreleased` section of the user's stays on top;
/// at the end when it has no version heading yet.
fn insert_entry(changelog: &str, entry: &str) -> String {
    let mut offset = 0;
    for line in changelog.split_inclusive('\n') {
        if line.strip_prefix("## ").is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit())) {
            return format!("{}{entry}\n{}", &changelog[..offset], &changelog[offset..]);
        }
        offset += line.len();
    }
    format!("{}\n\n{entry}", changelog.trim_end())
}

/// The first line of `CHANGELOG.md`, after which each generation's entry goes, newest first.
const CHANGELOG_TITLE: &str = "# Changelog";

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

/// Loads, lowers and emits a whole crate, as a first generation. `file` is how headers and
/// messages name the spec; `settings` are its settings file's, or [`Settings::default`].
pub fn generate(file: &str, text: &str, settings: &Settings) -> Result<Generated, Errors> {
    generate_over(file, text, settings, &Previous::default())
}

/// Like [`generate`], over the crate `previous` describes: the public API is compared with the
/// earlier listing, the version moves with the report ([`listing::next_version`]), and
/// `CHANGELOG.md` gets the report as a new entry. With no change, the version and changelog
/// stay as they were, so regenerating from the same spec changes no byte.
pub fn generate_over(file: &str, text: &str, settings: &Settings, previous: &Previous) -> Result<Generated, Errors> {
    let doc = load(file, text)?;
    generate_doc(&doc, Vec::new(), settings, previous)
}

/// A spec as the user gave it, with the overlays to apply to it and the part of it to keep.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// How messages name the spec.
    pub file: String,
    /// Its text.
    pub text: String,
    /// Overlay documents as `(name, text)`, applied in order (see [`overlay`]).
    pub overlays: Vec<(String, String)>,
    /// Path prefixes (`/fine_tuning`) or tags to keep; empty keeps everything (see [`overlay::subset`]).
    pub only: Vec<String>,
}

/// Loads `source`, applies its overlays in order and keeps the part it asks for. Returns the
/// document and the overlays' warnings (an action that selects nothing).
pub fn load_source(source: &Source) -> Result<(load::Document, Vec<Diagnostic>), Errors> {
    let mut doc = load(&source.file, &source.text)?;
    let mut warnings = Vec::new();
    for (name, text) in &source.overlays {
        let overlay = load::parse(name, text).map_err(|d| Errors(vec![d]))?;
        warnings.extend(overlay::apply(&mut doc, &overlay)?);
    }
    if !source.only.is_empty() && !overlay::subset(&mut doc, &source.only) {
        warnings.push(Diagnostic {
            severity: Severity::Warning,
            file: source.file.clone(),
            pointer: "/paths".to_owned(),
            location: None,
            message: format!("`only` ({}) keeps no operation", source.only.join(", ")),
        });
    }
    Ok((doc, warnings))
}

/// [`generate_over`] for a document already loaded (by [`load_source`]), whose `warnings` lead
/// the generated ones.
pub fn generate_doc(
    doc: &load::Document,
    warnings: Vec<Diagnostic>,
    settings: &Settings,
    previous: &Previous,
) -> Result<Generated, Errors> {
    let file = doc.file.as_str();
    let (mut api, lowered_warnings) = lower(doc, settings)?;
    let warnings: Vec<Diagnostic> = warnings.into_iter().chain(lowered_warnings).collect();
    let items = listing::list(&api);
    let report = previous.listing.as_deref().map(|old| listing::Report::between(&listing::parse(old), &items));
    if let Some(version) = &previous.version {
        api.crate_version = match &report {
            Some(report) => listing::next_version(version, report),
            None => version.clone(),
        };
    }
    let changelog = match (&previous.changelog, &report) {
        // Nothing to compare with (no `api.txt` yet), or nothing changed: the user's changelog stays.
        (Some(old), None) => old.replace("\r\n", "\n"),
        (Some(old), Some(report)) if report.is_empty() => old.replace("\r\n", "\n"),
        (Some(old), Some(report)) => {
            let entry = listing::changelog_entry(&api.crate_version, file, &api.spec_version, Some(report));
            insert_entry(&old.replace("\r\n", "\n"), &entry)
        }
        (None, _) => {
            let entry = listing::changelog_entry(&api.crate_version, file, &api.spec_version, report.as_ref().filter(|r| !r.is_empty()));
            format!(
                "{CHANGELOG_TITLE}\n\nWhat each generation changed in the public API; `cargo xtask codegen` adds an entry when it changes.\n\n{entry}"
            )
        }
    };
    let mut files = emit::emit_crate(&api, file, previous.custom).map_err(|message| internal(file, message))?;
    files.push(OutputFile { path: "api.txt".to_owned(), contents: format!("{}{}", emit::header(file, "#"), listing::render(&items)) });
    // Every file the generator owns carries a fingerprint, so that a later run can tell a hand
    // edit; the changelog is the user's to annotate too, and gets none.
    for file in &mut files {
        file.contents = emit::fingerprint::stamp(&file.contents);
    }
    files.push(OutputFile { path: "CHANGELOG.md".to_owned(), contents: changelog });
    Ok(Generated { api, files, warnings, report })
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
