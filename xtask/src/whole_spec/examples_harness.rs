//! The fixed part of the whole-spec examples test: everything but the examples. `cargo xtask
//! whole-spec` copies this file verbatim into the generated crate as `tests/examples/harness.rs`
//! (see `whole_spec.rs`), next to a generated `tests/examples.rs` that holds the examples, each
//! with the type it must decode into, and the tables [`Suite`] is made of.
//!
//! It is an ordinary source file so that the compiler and clippy read it as one: the workspace
//! test `tests/tests/whole_spec_harness.rs` compiles and runs it on examples of our own spec.

/// One example: its label, the decoder of its type, and its JSON.
pub type Case = (&'static str, fn(&str) -> Result<(), String>, &'static str);

/// Decodes `json` into `T`; the decoder's message when it does not.
pub fn decode<T: serde::de::DeserializeOwned>(json: &str) -> Result<(), String> {
    serde_json::from_str::<T>(json).map(|_| ()).map_err(|e| e.to_string())
}

/// What the including crate gives the test.
pub struct Suite {
    /// The examples that are JSON.
    pub cases: &'static [Case],
    /// The labels of the examples that are not JSON at all.
    pub not_json: &'static [&'static str],
    /// The failures known to be the spec's mistakes, each with its reason after ` -- `.
    pub known: &'static [&'static str],
}

/// Why an example does not decode, in words, from the decoder's message.
fn reason(error: &str) -> String {
    let error = error.split(" at line ").next().unwrap_or(error);
    if let Some(field) = error.strip_prefix("missing field ") {
        return format!("the example leaves out {field}, which the spec requires");
    }
    if let Some(expected) = error.strip_prefix("invalid type: null, expected ") {
        return format!("the example has null where the spec requires {expected}");
    }
    if let Some(rest) = error.strip_prefix("invalid type: ") {
        return format!("the example has {rest}");
    }
    error.to_string()
}

/// Decodes every case and compares what did not decode, and what is not JSON, with
/// `suite.known`. With `EXAMPLES_FOUND` set, it writes what it found there, for `--accept`.
pub fn run(suite: &Suite) {
    let mut failures: Vec<String> =
        suite.not_json.iter().map(|s| format!("{s} -- the example is not JSON (placeholders, prose or an ellipsis)")).collect();
    let mut decoded = 0;
    for (label, decode, json) in suite.cases {
        match decode(json) {
            Ok(()) => decoded += 1,
            Err(error) => {
                eprintln!("{label}: {error}");
                failures.push(format!("{label}: does not decode -- {}", reason(&error)));
            }
        }
    }
    failures.sort();
    eprintln!("{decoded} of {} JSON examples decoded; {} examples are not JSON", suite.cases.len(), suite.not_json.len());
    if let Some(path) = std::env::var_os("EXAMPLES_FOUND") {
        let lines: String = failures.iter().map(|f| format!("{f}\n")).collect();
        std::fs::write(path, lines).expect("the findings file is writable");
    }
    let key = |line: &str| line.split(" -- ").next().unwrap_or(line).trim().to_string();
    let found: Vec<String> = failures.iter().map(|f| key(f)).collect();
    let known: Vec<String> = suite.known.iter().map(|line| key(line)).collect();
    let unexpected: Vec<&String> = found.iter().filter(|f| !known.contains(f)).collect();
    let fixed: Vec<&String> = known.iter().filter(|k| !found.contains(k)).collect();
    assert!(unexpected.is_empty() && fixed.is_empty(), "new failures: {unexpected:#?}\nlisted but now fine: {fixed:#?}");
}
