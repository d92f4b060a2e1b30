//! Everything that must compile, or must fail to compile with a given message, in one
//! trybuild run (trybuild builds all cases in one project, so one run is the fast way):
//! - every snapshot in `tests/snapshots/` (each a whole generated crate in one file);
//! - `tests/ui/pass/`: the generated SDK used as a user would;
//! - `tests/ui/fail/`: mistakes the SDK's types must catch, with the compiler's message.
//!
//! Refresh `.stderr` files with `TRYBUILD=overwrite cargo test -p sdk-tests --test trybuild`.

#[test]
fn compile_tests() {
    let cases = trybuild::TestCases::new();
    cases.pass("snapshots/*.rs");
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*.rs");
}
