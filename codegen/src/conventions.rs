//! What the generator assumes that neither an OpenAPI document nor its settings file says.
//! Everything else that used to be OpenAI's convention is a setting now (`settings.rs`); the
//! one left is only read by `cargo xtask whole-spec` on OpenAI's published spec.

/// The extension that carries example requests and responses (`x-oaiMeta.examples`).
pub const EXAMPLES_EXTENSION: &str = "x-oaiMeta";
