//! Turns the settings file beside a spec (`spec/api.toml` for `spec/api.yaml`) into
//! [`Settings`]: the conventions an OpenAPI document does not state, such as the prefix of the
//! client's environment variables, headers the builder offers a setter for, the cursor
//! pagination rule and the server's retry hints. A spec without the file gets the defaults
//! documented on each field.
//!
//! ```toml
//! env_prefix = "OPENAI"
//!
//! [schemes.ApiKeyAuth]
//! setter = "api_key"
//!
//! [[headers]]
//! name = "OpenAI-Organization"
//! setter = "organization"
//! env = "OPENAI_ORG_ID"
//!
//! [retry]
//! should_retry_header = "x-should-retry"
//! never_retry_codes = ["insufficient_quota"]
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::{Diagnostic, Errors, Severity};

/// Everything a settings file can say; each field has a default for specs without one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The prefix of every environment variable the client reads: `{prefix}_BASE_URL`, and
    /// `{prefix}_{SETTER}` for each security scheme. Default: the crate name in capitals
    /// (`PETSTORE` for a spec titled "Petstore").
    pub env_prefix: Option<String>,
    /// Per security scheme, by its name in `components.securitySchemes`.
    #[serde(default)]
    pub schemes: BTreeMap<String, SchemeSettings>,
    /// Headers the builder offers a setter for, sent with every request once set. Default: none.
    #[serde(default)]
    pub headers: Vec<HeaderSettings>,
    /// The cursor pagination rule. Default: the one in [`CursorPagination::default`].
    #[serde(default)]
    pub pagination: CursorPagination,
    /// What the server says about retrying beyond the status. Default: nothing.
    #[serde(default)]
    pub retry: RetryHints,
    /// Overlay documents applied to the spec before generating, in order, as paths relative to
    /// the settings file. Default: none.
    #[serde(default)]
    pub overlays: Vec<String>,
    /// Path prefixes (`/fine_tuning`) or tags of the operations to keep. Default: all.
    #[serde(default)]
    pub only: Vec<String>,
}

/// How the builder offers one security scheme.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeSettings {
    /// The builder method. Default: the scheme name in snake case (`api_key_auth` for `ApiKeyAuth`).
    pub setter: Option<String>,
    /// The environment variables it is read from: one, or the user name and the password for
    /// HTTP basic. Default: `{prefix}_{SETTER}`, or `{prefix}_{SETTER}_USERNAME` and
    /// `{prefix}_{SETTER}_PASSWORD`.
    pub env: Option<Vec<String>>,
}

/// A header the builder offers a setter for.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderSettings {
    /// The header name.
    pub name: String,
    /// The builder method. Default: the header name in snake case.
    pub setter: Option<String>,
    /// The environment variable it is read from. Default: none.
    pub env: Option<String>,
    /// What the setter's documentation says the value is.
    pub doc: Option<String>,
}

/// Cursor pagination: a GET that takes a cursor query parameter and answers
/// `{items: [{id, ..}], has_more}`; the next page starts after the last item's ID.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CursorPagination {
    /// Whether list operations that fit the rule get `.auto_paginate()`. Default: true.
    pub enabled: bool,
    /// The query parameter that takes the cursor. Default: `after`.
    pub cursor_param: String,
    /// The response property that holds the page's items. Default: `data`.
    pub items: String,
    /// The response property that says whether more pages follow. Default: `has_more`.
    pub has_more: String,
    /// The item property whose value is the next cursor. Default: `id`.
    pub id: String,
}

impl Default for CursorPagination {
    /// `?after=ID` answered by `{data, has_more}` with items that have an `id`: OpenAI's lists,
    /// and a shape common enough elsewhere that it is on for every spec.
    fn default() -> Self {
        CursorPagination {
            enabled: true,
            cursor_param: "after".to_owned(),
            items: "data".to_owned(),
            has_more: "has_more".to_owned(),
            id: "id".to_owned(),
        }
    }
}

/// What the server says about retrying, beyond the status code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryHints {
    /// A response header whose `true` or `false` decides whether a failed request is repeated.
    /// Default: none.
    pub should_retry_header: Option<String>,
    /// Error codes (the error body's `code`) of a 429 that waiting does not cure. Default: none.
    #[serde(default)]
    pub never_retry_codes: Vec<String>,
}

impl Settings {
    /// Parses a settings file; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Settings, Errors> {
        toml::from_str(text).map_err(|error| {
            let location = error.span().map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                (u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(column).unwrap_or(u32::MAX))
            });
            Errors(vec![Diagnostic {
                severity: Severity::Error,
                file: file.to_owned(),
                pointer: String::new(),
                location,
                message: format!("invalid settings: {}", error.message()),
            }])
        })
    }

    /// Where the settings of `spec` are looked for: the same path with the extension `toml`.
    pub fn path_beside(spec: &Path) -> PathBuf {
        spec.with_extension("toml")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_gives_the_defaults() {
        let settings = Settings::parse("s.toml", "").unwrap();
        assert_eq!(settings, Settings::default());
        assert!(settings.pagination.enabled);
        assert_eq!(settings.pagination.cursor_param, "after");
    }

    #[test]
    fn every_section_is_read() {
        let text = "env_prefix = \"ACME\"\n\n[schemes.Key]\nsetter = \"key\"\nenv = [\"ACME_TOKEN\"]\n\n\
                    [[headers]]\nname = \"Acme-Account\"\nsetter = \"account\"\n\n[pagination]\ncursor_param = \"starting_after\"\n\n\
                    [retry]\nnever_retry_codes = [\"quota\"]\n";
        let settings = Settings::parse("s.toml", text).unwrap();
        assert_eq!(settings.env_prefix.as_deref(), Some("ACME"));
        assert_eq!(settings.schemes["Key"].env.as_deref(), Some(&["ACME_TOKEN".to_owned()][..]));
        assert_eq!(settings.headers[0].setter.as_deref(), Some("account"));
        assert_eq!(settings.pagination.cursor_param, "starting_after");
        assert_eq!(settings.pagination.items, "data");
        assert_eq!(settings.retry.never_retry_codes, ["quota"]);
    }

    #[test]
    fn an_unknown_key_is_an_error_with_its_line() {
        let errors = Settings::parse("s.toml", "env_prefix = \"A\"\nenv_prefx = \"B\"\n").unwrap_err();
        let text = errors.to_string();
        assert!(text.contains("s.toml") && text.contains("env_prefx"), "{text}");
        assert_eq!(errors.0[0].location.map(|(line, _)| line), Some(2));
    }
}
