//! Project commands, run as `cargo xtask <command>`:
//!
//! - `codegen [--check] [--spec PATH] [--out DIR]`: generate the SDK crate from a spec
//!   (default `spec/openai-fine-tuning.yaml` into `generated/`), or check that it is fresh.
//! - `test`: every test the project has, the freshness check included; the workspace tests run
//!   with two Prism mock servers up (see `prism.rs`).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod bench;
mod codegen_cmd;
mod prism;
mod synth;
mod whole_spec;
mod whole_spec_prism;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen_cmd::run(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("whole-spec") => whole_spec::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            Ok(true)
        }
        Some(other) => Err(anyhow::anyhow!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check] [--spec PATH] [--out DIR]
        generate the SDK crate from a spec; defaults: spec/openai-fine-tuning.yaml into generated/;
        --check writes nothing and fails with a diff when the output is stale
  test  run every test: the freshness check, the workspace tests (with Prism mock servers
        for the conformance tests; installs Prism into .tools/prism with npm when needed),
        clippy, rustdoc with warnings denied, and a build of generated/ copied out of the
        workspace; then `whole-spec`
  whole-spec [--spec PATH]... [--no-build] [--accept]
        generate OpenAI's whole published spec (default: both copies in ../shared/specs) into a
        crate outside the workspace, build it (all features and fine-tuning alone), run clippy,
        rustdoc and a test that decodes every example response, then call every JSON operation once against a
        Prism mock server of the spec; prints lines, times and peak memory; --accept rewrites the
        lists of known failures (tests/whole-spec/*.known-{examples,prism}.txt)
  bench [--spec PATH] [--runs N]
        generation speed: runs the generator N times (default 7) on a spec (default: the whole
        published spec), each in a fresh release-built process, and prints median wall time and
        peak memory
";

/// The workspace root: the parent of this crate's manifest directory, never the working directory.
pub(crate) fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives one level below the root").to_path_buf()
}

fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(project_root());
    command
}

fn step(name: &str, command: &mut Command) -> anyhow::Result<bool> {
    eprintln!("==> {name}");
    let status = command.status()?;
    if !status.success() {
        eprintln!("==> {name} failed ({status})");
    }
    Ok(status.success())
}

/// Runs every test: stale output first (it is the cheapest), then the suite, then clippy and
/// rustdoc, then the standalone build and the whole published spec.
fn test(args: &[String]) -> anyhow::Result<bool> {
    if let Some(extra) = args.first() {
        anyhow::bail!("`test` takes no arguments, found `{extra}`");
    }
    eprintln!("==> cargo xtask codegen --check");
    if !codegen_cmd::run(&["--check".to_owned()])? {
        return Ok(false);
    }
    let ok = step("cargo fmt --all --check", cargo().args(["fmt", "--all", "--check"]))?
        && workspace_tests()?
        && step("cargo test --workspace --doc", cargo().args(["test", "--workspace", "--doc"]))?
        && step(
            "cargo clippy --workspace --all-targets -- -D warnings",
            cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]),
        )?
        // The generated docs come from spec prose; rustdoc must find nothing to warn about.
        && step(
            "cargo doc --workspace --no-deps (RUSTDOCFLAGS=-D warnings)",
            cargo().args(["doc", "--workspace", "--no-deps"]).env("RUSTDOCFLAGS", "-D warnings"),
        )?
        && standalone()?
        // Last, because it is the slowest: the whole published spec (skipped, and said so,
        // where ../shared/specs is absent).
        && whole_spec::run(&[])?;
    if ok {
        eprintln!("==> all tests passed");
    }
    Ok(ok)
}

/// `cargo test --workspace` with the Prism servers running for `tests/tests/prism.rs`; they are
/// stopped when `servers` is dropped, whether the tests pass, fail or an error returns early.
fn workspace_tests() -> anyhow::Result<bool> {
    let servers = prism::Servers::start(&project_root())?;
    let mut command = cargo();
    command.args(["test", "--workspace", "--all-targets"]);
    servers.set_env(&mut command);
    let started = std::time::Instant::now();
    let ok = step("cargo test --workspace (with Prism)", &mut command)?;
    eprintln!("==> cargo test --workspace took {:.1} s", started.elapsed().as_secs_f64());
    Ok(ok)
}

/// Copies `generated/` out of the workspace, alone, and builds it: the proof that the folder
/// is all a user needs. The workspace's lock file and target folder come along so that the
/// same dependency versions are used and nothing is compiled twice.
fn standalone() -> anyhow::Result<bool> {
    let root = project_root();
    let dir = std::env::temp_dir().join(format!("sdk-standalone-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&root.join("generated"), &dir)?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    let ok = step(
        "cargo build of generated/ copied out of the workspace",
        cargo().args(["build", "--offline", "--manifest-path"]).arg(dir.join("Cargo.toml")).env("CARGO_TARGET_DIR", root.join("target")),
    )?;
    std::fs::remove_dir_all(&dir)?;
    Ok(ok)
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&entry.path(), &target)?;
            }
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
