//! Project commands, run as `cargo xtask <command>`; `cargo xtask --help` lists them with every
//! flag, and `cargo xtask <command> --help` shows one:
//!
//! - `codegen [--check] [--force] [--spec PATH] [--settings PATH] [--overlay PATH] [--only X] [--out DIR]`: generate the SDK crate from a spec
//!   (default `spec/openai-fine-tuning.yaml` into `generated/`), or check that it is fresh.
//! - `test [--quick]`: every test the project has, the freshness check included; the workspace
//!   tests run with two Prism mock servers up (see `prism.rs`). `--quick` is the inner loop.
//! - `whole-spec` and `bench`: OpenAI's whole published spec (`whole_spec.rs`, `bench.rs`).
//! - `diff OLD NEW [--json] [--fail-on-breaking]`: the change report between two specs (`diff.rs`).
//! - `semver-audit [OLD NEW]`: the report against cargo-semver-checks (`semver_audit.rs`).
//! - `corpus [--accept]`: other people's OpenAPI documents, generated and linted (`corpus.rs`).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::Context as _;
use stages::Stages;

mod bench;
mod codegen_cmd;
mod corpus;
mod diff;
mod prism;
mod semver_audit;
mod stages;
mod synth;
mod whole_spec;
mod whole_spec_prism;

/// Generation allocates a token, a syntax node and a string piece at a time, millions of them for
/// a large spec; glibc's allocator spent about a quarter of the whole-spec generation's time in
/// `malloc` and `free`, and mimalloc cut generation by about that much (`cargo xtask bench`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns transparent huge pages off for this process, for the commands that only generate.
///
/// A generation is a short run that touches most of its memory once. mimalloc asks for huge
/// pages, and then a page fault clears 2 MiB and may wait for the kernel to compact memory: on
/// the 2-core VM this added 0.3-0.5 s of system time to more than half of the whole-spec runs,
/// against 0.03-0.09 s with 4 KiB pages (BENCHMARKS.md). Children inherit the setting, so the
/// commands that run the compiler leave it alone. A kernel without it keeps huge pages.
pub(crate) fn small_pages() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str);
    let rest = args.get(1..).unwrap_or_default();
    let result = match command {
        Some("help" | "--help" | "-h") | None => {
            print!("{}", usage());
            Ok(true)
        }
        Some(name) if rest.iter().any(|a| a == "--help" || a == "-h") => match COMMANDS.iter().find(|c| c.name == name) {
            Some(command) => {
                print!("{}", command.help());
                Ok(true)
            }
            None => Err(anyhow::anyhow!("unknown command `{name}`\n\n{}", usage())),
        },
        Some("codegen") => {
            small_pages();
            codegen_cmd::run(rest)
        }
        Some("test") => test(rest),
        Some("whole-spec") => whole_spec::run(rest),
        Some("bench") => bench::run(rest),
        Some("corpus") => corpus::run(rest),
        Some("diff") => diff::run(rest),
        Some("semver-audit") => semver_audit::run(rest),
        Some(other) => Err(anyhow::anyhow!("unknown command `{other}`\n\n{}", usage())),
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

/// What `--help` says about one command: its synopsis, what it does, and each flag in one line.
struct Help {
    name: &'static str,
    synopsis: &'static str,
    about: &'static str,
    flags: &'static [(&'static str, &'static str)],
}

/// Every command, in the order `cargo xtask --help` lists them.
const COMMANDS: &[Help] = &[
    Help {
        name: "codegen",
        synopsis: "codegen [--check] [--force] [--spec PATH] [--settings PATH] [--overlay PATH]... [--only PREFIX|TAG]... [--out DIR]",
        about: "generate the SDK crate from a spec (default: spec/openai-fine-tuning.yaml into generated/)",
        flags: &[
            ("--check", "write nothing; print a diff and fail when the output is stale"),
            ("--force", "overwrite or remove generated files even when they were edited by hand since"),
            ("--spec PATH", "the OpenAPI YAML to generate from (default: spec/openai-fine-tuning.yaml)"),
            ("--settings PATH", "the settings file (default: the spec's path with `.toml`, when it exists; else built-in defaults)"),
            ("--overlay PATH", "an Overlay 1.0 document to apply to the spec first, after those the settings list; repeatable"),
            (
                "--only PREFIX|TAG",
                "keep only operations under a path prefix (`/fine_tuning`) or with a tag, and what they reach; repeatable",
            ),
            ("--out DIR", "the folder to write the crate into (default: generated/)"),
        ],
    },
    Help {
        name: "diff",
        synopsis: "diff OLD.yaml NEW.yaml [--json] [--fail-on-breaking] [--as-exhaustive] [--settings PATH]",
        about: "what generating from NEW instead of OLD changes in the SDK's public API, breaking changes first",
        flags: &[
            ("--json", "print the report as JSON, for tools"),
            ("--fail-on-breaking", "exit 1 when a change breaks code that uses the crate"),
            ("--as-exhaustive", "classify as if no type were #[non_exhaustive] (the shapes before they were chosen)"),
            ("--settings PATH", "settings for a spec that has none beside it (default: built-in defaults)"),
        ],
    },
    Help {
        name: "semver-audit",
        synopsis: "semver-audit [OLD.yaml NEW.yaml]",
        about: "check the change report against cargo-semver-checks (install it first) on two specs (default: OpenAI's two published specs); minutes",
        flags: &[],
    },
    Help {
        name: "test",
        synopsis: "test [--quick]",
        about: "run every test, as CI does: fmt, freshness, workspace tests with Prism (installed into .tools/prism \
                with npm when needed), clippy, rustdoc, the standalone build, `corpus`, then `whole-spec`; prints each stage's time",
        flags: &[("--quick", "the inner loop: fmt check, codegen --check and the workspace tests (snapshots and Prism tests included)")],
    },
    Help {
        name: "whole-spec",
        synopsis: "whole-spec [--spec PATH]... [--overlay PATH]... [--examples] [--no-build] [--accept]",
        about: "generate OpenAI's whole published spec into a crate outside the workspace and build, lint and test it; \
                prints lines, times and peak memory",
        flags: &[
            (
                "--spec PATH",
                "a spec to check in full, repeatable (default: ../shared/specs/openai-openapi.yaml in full, \
                 its 2026-07-15 copy generated and its examples decoded, and the same for the newer one with \
                 spec/openai-fine-tuning.overlay.yaml and spec/openai-openapi.overlay.yaml)",
            ),
            ("--overlay PATH", "an Overlay 1.0 document to apply to every --spec first, repeatable"),
            ("--examples", "for each --spec, only generate and decode its example responses"),
            ("--no-build", "generate the crate and its tests, and stop"),
            ("--accept", "rewrite the lists of known failures (tests/whole-spec/*.known-{examples,prism}.txt) from what was found"),
        ],
    },
    Help {
        name: "bench",
        synopsis: "bench [--spec PATH] [--runs N] [--rounds N] [--peers] [--builds]",
        about: "figures side by side (see BENCHMARKS.md): generation of the whole spec and of the fine-tuning subset, \
                calls and decoding against bare reqwest (bench/), and with --builds crate-only debug builds",
        flags: &[
            ("--spec PATH", "the whole spec to generate (default: ../shared/specs/openai-openapi.yaml)"),
            ("--runs N", "generation runs of each spec (default: 7)"),
            ("--rounds N", "rounds of the call, decode and build figures (default: 5)"),
            (
                "--peers",
                "add async-openai 0.43.0 (bench/peers, built outside the workspace) to the calls, decoding and builds, and openapi-generator (if on the PATH) to generation",
            ),
            ("--builds", "also time crate-only debug builds of the whole-spec crate and generated/ (several minutes a round)"),
            ("--once SPEC", "used by bench itself: one measured generation, printed as `seconds peak_kb bytes`"),
        ],
    },
    Help {
        name: "corpus",
        synopsis: "corpus [--accept]",
        about: "generate every document of ../shared/specs/corpus/ and run one `cargo clippy --all-features -- -D warnings` \
                over the crates; refusals and clippy failures must match tests/corpus/known-{refusals,clippy}.txt; \
                prints a table of what each document gave",
        flags: &[("--accept", "rewrite tests/corpus/known-{refusals,clippy}.txt from what was found, keeping the reasons")],
    },
];

/// `-h`/`--help`, which every command takes.
const HELP_FLAG: (&str, &str) = ("-h, --help", "print this help");

impl Help {
    /// The flags as lines, each `  FLAG  what it does`, aligned.
    fn flag_lines(&self, indent: &str) -> String {
        let flags = self.flags.iter().chain(std::iter::once(&HELP_FLAG));
        let width = flags.clone().map(|(flag, _)| flag.len()).max().unwrap_or(0);
        flags.map(|(flag, what)| format!("{indent}{flag:<width$}  {what}\n")).collect()
    }

    /// `cargo xtask <command> --help`.
    fn help(&self) -> String {
        format!("usage: cargo xtask {}\n\n{}\n\nflags:\n{}", self.synopsis, self.about, self.flag_lines("  "))
    }
}

/// `cargo xtask --help`: every command with every flag.
fn usage() -> String {
    let mut out = String::from("usage: cargo xtask <command> [flags]; `cargo xtask <command> --help` shows one command\n\ncommands:\n");
    for command in COMMANDS {
        out.push_str(&format!("  {}\n      {}\n{}", command.synopsis, command.about, command.flag_lines("      ")));
    }
    out
}

/// The workspace root: the parent of this crate's manifest directory, never the working directory.
pub(crate) fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives one level below the root").to_path_buf()
}

/// The settings `spec` is generated with: the file `explicit` names, else the settings file
/// beside the spec (`x.toml` for `x.yaml`) when there is one, else the defaults. A settings file
/// that does not parse is `Ok(Err(message))`, to be reported like a broken spec.
pub(crate) fn settings_for(spec: &Path, explicit: Option<&Path>) -> anyhow::Result<Result<codegen::Settings, String>> {
    let Some(path) = settings_path(spec, explicit) else { return Ok(Ok(codegen::Settings::default())) };
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read the settings {}", path.display()))?;
    let label = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(codegen::Settings::parse(&label, &text).map_err(|errors| errors.to_string()))
}

/// The settings file `spec` is generated with, if any (see [`settings_for`]).
pub(crate) fn settings_path(spec: &Path, explicit: Option<&Path>) -> Option<PathBuf> {
    let beside = codegen::Settings::path_beside(spec);
    match explicit {
        Some(path) => Some(path.to_path_buf()),
        None => beside.is_file().then_some(beside),
    }
}

/// `spec` with what to do to it before generating: the overlays and the subset its settings
/// name (overlay paths relative to the settings file), then the `overlays` and `only` given on
/// the command line.
pub(crate) fn source_for(
    spec: &Path,
    label: &str,
    settings: &codegen::Settings,
    settings_path: Option<&Path>,
    overlays: &[PathBuf],
    only: &[String],
) -> anyhow::Result<codegen::Source> {
    let text = std::fs::read_to_string(spec).with_context(|| format!("cannot read {}", spec.display()))?;
    let base = settings_path.and_then(Path::parent).map(Path::to_path_buf).unwrap_or_default();
    let listed = settings.overlays.iter().map(|o| base.join(o));
    let mut read = Vec::new();
    for path in listed.chain(overlays.iter().cloned()) {
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read the overlay {}", path.display()))?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        read.push((name, text));
    }
    let only = settings.only.iter().chain(only).cloned().collect();
    Ok(codegen::Source { file: label.to_owned(), text, overlays: read, only })
}

/// Writes a generated crate to a fresh `out` (what was there is removed first) with the workspace's `Cargo.lock`, so that
/// it builds with the same dependency versions as `generated/`: the whole-spec check and the builds bench both do this.
pub(crate) fn write_fresh_crate(out: &Path, generated: &codegen::Generated) -> anyhow::Result<()> {
    let _ = std::fs::remove_dir_all(out);
    for file in &generated.files {
        let path = out.join(&file.path);
        std::fs::create_dir_all(path.parent().context("files live in folders")?)?;
        std::fs::write(&path, &file.contents).with_context(|| format!("cannot write {}", path.display()))?;
    }
    std::fs::copy(project_root().join("Cargo.lock"), out.join("Cargo.lock"))?;
    Ok(())
}

/// OpenAI's settings, which the checks of OpenAI's published specs use.
pub(crate) fn openai_settings() -> PathBuf {
    project_root().join("spec/openai-fine-tuning.toml")
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

/// How much of the suite `cargo xtask test` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Everything; what CI runs.
    Full,
    /// `--quick`: what a change needs before it is worth the full run.
    Quick,
}

fn parse_test(args: &[String]) -> anyhow::Result<Scope> {
    let mut scope = Scope::Full;
    for arg in args {
        match arg.as_str() {
            "--quick" => scope = Scope::Quick,
            other => anyhow::bail!("unknown argument `{other}` to `test`; expected --quick (see `cargo xtask test --help`)"),
        }
    }
    Ok(scope)
}

/// Runs the tests: the cheapest checks first, then the suite, then (unless `--quick`) clippy
/// and rustdoc, the standalone build, the corpus and the whole published spec; stops at the first stage
/// that fails, and prints how long each stage took.
fn test(args: &[String]) -> anyhow::Result<bool> {
    let scope = parse_test(args)?;
    let mut stages = Stages::default();
    let result = run_stages(scope, &mut stages);
    eprintln!("==> stages\n{}", stages.table());
    let ok = result?;
    if ok {
        eprintln!("==> all {}tests passed", if scope == Scope::Quick { "quick " } else { "" });
    }
    Ok(ok)
}

fn run_stages(scope: Scope, stages: &mut Stages) -> anyhow::Result<bool> {
    // Stale output first: it is the cheapest check and the most common mistake.
    let quick = stages.run("cargo xtask codegen --check", |_| {
        eprintln!("==> cargo xtask codegen --check");
        codegen_cmd::run(&["--check".to_owned()])
    })? && stages
        .run("cargo fmt --all --check", |_| step("cargo fmt --all --check", cargo().args(["fmt", "--all", "--check"])))?
        && stages.run("cargo test --workspace (with Prism)", |_| workspace_tests())?;
    if !quick || scope == Scope::Quick {
        return Ok(quick);
    }
    let full = stages.run("cargo test --workspace --doc", |_| step("cargo test --workspace --doc", cargo().args(["test", "--workspace", "--doc"])))?
        && stages.run("cargo clippy --workspace --all-targets", |_| {
            step(
                "cargo clippy --workspace --all-targets -- -D warnings",
                cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]),
            )
        })?
        // The generated docs come from spec prose; rustdoc must find nothing to warn about.
        && stages.run("cargo doc --workspace --no-deps", |_| {
            step(
                "cargo doc --workspace --no-deps (RUSTDOCFLAGS=-D warnings)",
                cargo().args(["doc", "--workspace", "--no-deps"]).env("RUSTDOCFLAGS", "-D warnings"),
            )
        })?
        && stages.run("standalone build of generated/ (each TLS backend)", |_| standalone())?
        // Other people's documents (skipped, and said so, where ../shared/specs/corpus is absent).
        && stages.run("cargo xtask corpus", |stages| corpus::run_in(&[], stages))?
        // Last, because it is the slowest: the whole published spec (skipped, and said so,
        // where ../shared/specs is absent).
        && whole_spec::run_in(&[], stages)?;
    Ok(full)
}

/// `cargo test --workspace` with the Prism servers running for `tests/tests/prism.rs`; they are
/// stopped when `servers` is dropped, whether the tests pass, fail or an error returns early.
fn workspace_tests() -> anyhow::Result<bool> {
    let servers = prism::Servers::start(&project_root())?;
    let mut command = cargo();
    command.args(["test", "--workspace", "--all-targets"]);
    servers.set_env(&mut command);
    step("cargo test --workspace (with Prism)", &mut command)
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
    let manifest = dir.join("Cargo.toml");
    let build = |args: &[&str]| {
        let mut command = cargo();
        command.args(args).arg("--manifest-path").arg(&manifest).env("CARGO_TARGET_DIR", root.join("target"));
        command
    };
    // The default features (rustls with aws-lc-rs and every resource), then each other TLS
    // backend alone: ring must install its provider, and native-tls must compile (its OpenSSL
    // crates may not be downloaded yet, hence no `--offline`).
    let ok = step("cargo build of generated/ copied out of the workspace", &mut build(&["build", "--offline"]))?
        && step(
            "cargo build of the copy with rustls-ring alone",
            &mut build(&["build", "--offline", "--no-default-features", "--features", "rustls-ring"]),
        )?
        && native_tls_check(&mut build(&["check", "--no-default-features", "--features", "native-tls"]))?
        && step(
            "the runtime's client with rustls-ring alone",
            cargo().args(["test", "-p", "sdk-runtime", "--no-default-features", "--features", "rustls-ring", "--test", "tls"]),
        )?;
    std::fs::remove_dir_all(&dir)?;
    Ok(ok)
}

/// `native-tls` builds OpenSSL bindings on Linux, which need its headers (found through
/// pkg-config); without them the check says plainly that it was skipped rather than fail on
/// what the machine lacks.
fn native_tls_check(command: &mut Command) -> anyhow::Result<bool> {
    let has_openssl = || Command::new("pkg-config").args(["--exists", "openssl"]).status().is_ok_and(|s| s.success());
    if cfg!(target_os = "linux") && !has_openssl() {
        eprintln!("==> the native-tls build was NOT checked: pkg-config finds no OpenSSL headers on this machine");
        return Ok(true);
    }
    step("cargo check of the copy with native-tls alone", command)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_takes_quick_and_nothing_else() {
        assert_eq!(parse_test(&[]).unwrap(), Scope::Full);
        assert_eq!(parse_test(&["--quick".to_owned()]).unwrap(), Scope::Quick);
        let error = parse_test(&["--quick".to_owned(), "--fast".to_owned()]).unwrap_err().to_string();
        assert_eq!(error, "unknown argument `--fast` to `test`; expected --quick (see `cargo xtask test --help`)");
    }

    #[test]
    fn help_gives_every_flag_one_line() {
        for command in COMMANDS {
            let help = command.help();
            for (flag, what) in command.flags.iter().chain([&HELP_FLAG]) {
                let line = help.lines().find(|line| line.trim_start().starts_with(flag)).unwrap_or_else(|| panic!("{flag}: {help}"));
                assert!(line.ends_with(what), "`{flag}` and what it does share one line: {help}");
            }
            assert!(usage().contains(command.synopsis));
        }
    }
}
