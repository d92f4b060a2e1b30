//! Diagnostics: errors and warnings that point into the spec by file, JSON pointer and line.

use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation stops; nothing is written.
    Error,
    /// Generation goes on; the message says what was ignored.
    Warning,
}

/// One problem in the spec, located by file, RFC 6901 JSON pointer and (when known) line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The spec file as the user named it.
    pub file: String,
    /// JSON pointer to the offending node; empty for the document root or a syntax error.
    pub pointer: String,
    /// 1-based line and column of the node, when the loader recorded it.
    pub location: Option<(u32, u32)>,
    /// Lowercase message without a trailing period.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}", self.file)?;
        if let Some((line, column)) = self.location {
            write!(f, ":{line}:{column}")?;
        }
        if !self.pointer.is_empty() {
            write!(f, " at {}", self.pointer)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every error found in one run, in document order; returned instead of output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Errors(pub Vec<Diagnostic>);

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{diagnostic}")?;
        }
        let count = self.0.len();
        write!(f, "{count} error{} in the spec; nothing was generated", if count == 1 { "" } else { "s" })
    }
}

impl std::error::Error for Errors {}

/// A JSON pointer under construction, pushed one segment per step of the walk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pointer(String);

impl Pointer {
    /// The document root.
    pub fn root() -> Self {
        Self(String::new())
    }

    /// Parses the fragment of a local `$ref` such as `#/components/schemas/Pet`.
    pub fn from_fragment(reference: &str) -> Option<Self> {
        let rest = reference.strip_prefix('#')?;
        if rest.is_empty() || rest.starts_with('/') {
            // Percent-encoding in URI fragments is legal but unused by the specs we meet.
            Some(Self(rest.to_owned()))
        } else {
            None
        }
    }

    /// This pointer with one more segment, escaped per RFC 6901.
    pub fn push(&self, segment: &str) -> Self {
        let mut out = String::with_capacity(self.0.len() + segment.len() + 1);
        out.push_str(&self.0);
        out.push('/');
        for c in segment.chars() {
            match c {
                '~' => out.push_str("~0"),
                '/' => out.push_str("~1"),
                c => out.push(c),
            }
        }
        Self(out)
    }

    /// This pointer with an array index appended.
    pub fn index(&self, index: usize) -> Self {
        Self(format!("{}/{index}", self.0))
    }

    /// The pointer one segment up; `None` for the root.
    pub fn parent(&self) -> Option<Self> {
        self.0.rfind('/').map(|at| Self(self.0[..at].to_owned()))
    }

    /// The decoded segments, borrowed where there is nothing to decode (lowering follows hundreds of thousands).
    pub fn segments(&self) -> impl Iterator<Item = std::borrow::Cow<'_, str>> + '_ {
        self.0.split('/').skip(1).map(|s| if s.contains('~') { s.replace("~1", "/").replace("~0", "~").into() } else { s.into() })
    }

    /// The last decoded segment, if any.
    pub fn last(&self) -> Option<String> {
        self.segments().last().map(std::borrow::Cow::into_owned)
    }

    /// The pointer text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_slash_and_tilde() {
        let p = Pointer::root().push("paths").push("/pets/{id}").push("a~b");
        assert_eq!(p.as_str(), "/paths/~1pets~1{id}/a~0b");
        assert_eq!(p.segments().collect::<Vec<_>>(), ["paths", "/pets/{id}", "a~b"]);
        assert_eq!(p.last().as_deref(), Some("a~b"));
    }

    #[test]
    fn fragment_parsing() {
        assert_eq!(Pointer::from_fragment("#/components/schemas/A").unwrap().as_str(), "/components/schemas/A");
        assert_eq!(Pointer::from_fragment("#").unwrap().as_str(), "");
        assert!(Pointer::from_fragment("other.yaml#/a").is_none());
    }

    #[test]
    fn display_includes_location_when_known() {
        let d = Diagnostic {
            severity: Severity::Error,
            file: "spec/api.yaml".into(),
            pointer: "/paths/~1pets/get".into(),
            location: Some((12, 5)),
            message: "boom".into(),
        };
        assert_eq!(d.to_string(), "error: spec/api.yaml:12:5 at /paths/~1pets/get: boom");
        let d = Diagnostic { location: None, pointer: String::new(), ..d };
        assert_eq!(d.to_string(), "error: spec/api.yaml: boom");
    }
}
