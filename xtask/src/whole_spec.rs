//! `cargo xtask whole-spec`: OpenAI's whole published spec, exactly as published, through the
//! generator, then built, linted and tested as a crate of its own:
//!
//! 1. generate it into a folder outside the workspace, with a test file that decodes every
//!    example response the spec carries into its operation's type (its fixed part in
//!    `whole_spec/examples_harness.rs`), and a second one that calls
//!    every JSON operation once against a Prism mock server of the spec (`whole_spec_prism.rs`,
//!    with its fixed part in `whole_spec_prism/harness.rs`);
//! 2. `cargo build` it (all features, then `fine-tuning` alone), `cargo clippy -D warnings`
//!    on it (both tests included), `cargo doc` with warnings denied, run the examples test, and
//!    compile the doc examples the generator wrote (`cargo test --doc`);
//! 3. start Prism on the spec, in static mode, while the Prism test compiles, and run it;
//! 4. print what it produced: operations, types, lines, and the time and peak memory of each
//!    step, measured with GNU time when the machine has it.
//!
//! Without `--spec`, the newer copy in `../shared/specs` gets every step and the older one
//! (2026-07-15) only generation and the examples test ([`Depth::Light`]), and so does the newer one
//! with our overlays (`spec/openai-fine-tuning.overlay.yaml`, `spec/openai-openapi.overlay.yaml`),
//! under which every JSON example must decode; each
//! step is a part of the running stage of `cargo xtask test`, so its time shows in the table.
//!
//! Examples the published spec gets wrong are listed in `tests/whole-spec/<spec>.known-examples.txt`
//! with the reason, and the calls Prism does not answer with something that decodes in
//! `tests/whole-spec/<spec>.known-prism.txt`; each test fails when its list and reality part
//! ways, in either direction, and `--accept` rewrites both.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};
use serde_json::Value;

use crate::project_root;
use crate::stages::Stages;
use crate::whole_spec_prism;

struct Options {
    specs: Vec<Target>,
    build: bool,
    /// Rewrite the known-examples file from what the test found, like `EXPECTORATE=overwrite`.
    accept: bool,
}

/// One spec to check, with the overlays to apply to it first.
struct Target {
    spec: PathBuf,
    overlays: Vec<PathBuf>,
    depth: Depth,
}

fn parse(args: &[String]) -> anyhow::Result<Options> {
    let mut options = Options { specs: Vec::new(), build: true, accept: false };
    let mut overlays = Vec::new();
    let mut examples_only = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--spec" => options.specs.push(Target {
                spec: PathBuf::from(args.next().context("`--spec` needs a path")?),
                overlays: Vec::new(),
                depth: Depth::Full,
            }),
            "--overlay" => overlays.push(PathBuf::from(args.next().context("`--overlay` needs a path")?)),
            "--examples" => examples_only = true,
            "--no-build" => options.build = false,
            "--accept" => options.accept = true,
            other => bail!(
                "unknown argument `{other}` to `whole-spec`; expected --spec PATH, --overlay PATH, --examples, --no-build or --accept (see `cargo xtask whole-spec --help`)"
            ),
        }
    }
    if options.specs.is_empty() {
        if !overlays.is_empty() || examples_only {
            bail!("`--overlay` and `--examples` apply to the specs given with `--spec`; give one");
        }
        let shared = project_root().parent().map(|p| p.join("shared/specs")).unwrap_or_default();
        let spec = project_root().join("spec");
        options.specs = vec![
            Target { spec: shared.join("openai-openapi.yaml"), overlays: Vec::new(), depth: Depth::Full },
            Target { spec: shared.join("openai-openapi-2026-07-15.yaml"), overlays: Vec::new(), depth: Depth::Light },
            // Our corrections, applied to the published spec, make every JSON example decode.
            Target {
                spec: shared.join("openai-openapi.yaml"),
                overlays: vec![spec.join("openai-fine-tuning.overlay.yaml"), spec.join("openai-openapi.overlay.yaml")],
                depth: Depth::Light,
            },
        ];
    }
    for target in &mut options.specs {
        target.overlays.extend(overlays.iter().cloned());
        if examples_only {
            target.depth = Depth::Light;
        }
    }
    Ok(options)
}

/// How much is checked for one spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Depth {
    /// Every step: the builds, clippy, rustdoc, the examples test and the Prism run.
    Full,
    /// Generation and the examples test, which builds the crate: what the older published spec
    /// adds to the newer one, and what the overlays change. Its clippy, rustdoc, builds and
    /// Prism run would check the same generator on much the same operations again, for about
    /// half the time of the whole run.
    Light,
}

/// `cargo xtask whole-spec`: runs the checks for each spec, then prints how long each step took.
pub(crate) fn run(args: &[String]) -> anyhow::Result<bool> {
    let mut stages = Stages::default();
    let result = run_in(args, &mut stages);
    eprintln!("==> stages\n{}", stages.table());
    result
}

/// Runs the checks for each spec as a stage of `stages`, its steps as parts; a missing default
/// spec is reported and skipped.
pub(crate) fn run_in(args: &[String], stages: &mut Stages) -> anyhow::Result<bool> {
    let options = parse(args)?;
    let mut ok = true;
    for target in &options.specs {
        if !target.spec.is_file() {
            eprintln!("==> {} is not here: the whole-spec checks for it were NOT run", target.spec.display());
            continue;
        }
        let name = target.spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let overlays: Vec<String> =
            target.overlays.iter().map(|o| o.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()).collect();
        let name = if overlays.is_empty() { name } else { format!("{name} + {}", overlays.join(" + ")) };
        let stage = match target.depth {
            Depth::Full => format!("whole-spec {name}"),
            Depth::Light => format!("whole-spec {name} (generate, examples)"),
        };
        ok &= stages.run(&stage, |stages| check(target, options.build, options.accept, stages))?;
    }
    Ok(ok)
}

/// What one measured command took.
struct Measured {
    ok: bool,
    seconds: f64,
    peak_mb: Option<f64>,
}

fn check(target: &Target, build: bool, accept: bool, stages: &mut Stages) -> anyhow::Result<bool> {
    let (spec, depth) = (target.spec.as_path(), target.depth);
    let mut name = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "spec".into());
    for overlay in &target.overlays {
        // Its own known lists and folder, named by the overlays: they change which examples decode.
        name.push('+');
        name.push_str(&overlay.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
    }
    eprintln!("==> whole spec: {}", spec.display());
    for overlay in &target.overlays {
        eprintln!("    with the overlay {}", overlay.display());
    }
    let label = spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();

    let started = Instant::now();
    let settings = match crate::settings_for(spec, Some(&crate::openai_settings()))? {
        Ok(settings) => settings,
        Err(errors) => bail!("{errors}"),
    };
    let settings_path = crate::settings_path(spec, Some(&crate::openai_settings()));
    let source = crate::source_for(spec, &label, &settings, settings_path.as_deref(), &target.overlays, &[])?;
    let loaded = codegen::load_source(&source).and_then(|(doc, warnings)| {
        let generated = codegen::generate_doc(&doc, warnings, &settings, &codegen::Previous::default())?;
        Ok((doc, generated))
    });
    let (doc, generated) = match loaded {
        Ok(loaded) => loaded,
        Err(errors) => {
            eprintln!("{errors}");
            stages.part("generate", started.elapsed().as_secs_f64(), false);
            return Ok(false);
        }
    };
    let generate_seconds = started.elapsed().as_secs_f64();
    stages.part("generate", generate_seconds, true);
    eprintln!("{} warnings", generated.warnings.len());
    for warning in generated.warnings.iter().filter(|w| w.file != label) {
        // An overlay action that selects nothing: the upstream may have fixed what it corrects.
        eprintln!("{warning}");
    }

    let out = std::env::temp_dir().join(format!("sdk-whole-spec-{name}"));
    crate::write_fresh_crate(&out, &generated)?;
    let lines: usize = generated.files.iter().map(|f| f.contents.lines().count()).sum();

    let known_path = project_root().join(format!("tests/whole-spec/{name}.known-examples.txt"));
    let known = std::fs::read_to_string(&known_path).unwrap_or_default();
    let (test, not_json) = examples_test(&generated.api, &doc, &known);
    std::fs::create_dir_all(out.join("tests"))?;
    std::fs::write(out.join("tests/examples.rs"), test)?;
    std::fs::create_dir_all(out.join("tests/examples"))?;
    std::fs::write(out.join("tests/examples/harness.rs"), EXAMPLES_HARNESS)?;
    let known_prism_path = project_root().join(format!("tests/whole-spec/{name}.known-prism.txt"));
    let known_prism = std::fs::read_to_string(&known_prism_path).unwrap_or_default();
    let prism = (depth == Depth::Full).then(|| whole_spec_prism::generate(&generated.api, &doc, &known_prism));
    let prism_spec_path = out.join("prism-spec.json");
    if let Some(prism_test) = &prism {
        std::fs::write(out.join("tests/prism.rs"), &prism_test.source)?;
        std::fs::create_dir_all(out.join("tests/prism"))?;
        std::fs::write(out.join("tests/prism/harness.rs"), whole_spec_prism::HARNESS)?;
        let (prism_spec, dropped) = whole_spec_prism::prism_spec(&doc);
        std::fs::write(&prism_spec_path, prism_spec)?;
        let twins: Vec<String> = prism_test.twins.iter().map(|(what, n)| format!("{n} {what}")).collect();
        eprintln!(
            "Prism test: {} operations called, {} not ({}), nor {}; Prism reads {} ({dropped} `nullable`s without `type` dropped)",
            prism_test.called,
            prism_test.skipped.len(),
            whole_spec_prism::skipped_summary(&prism_test.skipped),
            twins.join(" or "),
            prism_spec_path.display()
        );
    }
    // The generated crate's dev-dependency for the tests. The Prism test also uses tokio and
    // reqwest, which the crate itself depends on, with no features they do not already have, so
    // that the crate is not compiled again for its tests.
    let manifest = out.join("Cargo.toml");
    let mut cargo_toml = std::fs::read_to_string(&manifest)?;
    cargo_toml.push_str("\n[dev-dependencies]\nserde_json = \"1\"\n");
    std::fs::write(&manifest, cargo_toml)?;

    let api = &generated.api;
    let summary = format!(
        "{name}: {} operations, {} types, {} lines in {} files, generated in {:.2} s",
        api.operations.len(),
        api.types.len(),
        lines,
        generated.files.len(),
        generate_seconds
    );
    if !build {
        eprintln!("{summary}\ngenerated into {} (not built)", out.display());
        return Ok(true);
    }

    let target = project_root().join("target/whole-spec");
    // Incremental compilation would reuse earlier work and flatter the timings.
    let cargo = |args: &[&str]| {
        let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        command.current_dir(&out).env("CARGO_TARGET_DIR", &target).env("CARGO_INCREMENTAL", "0").args(args);
        command
    };
    let row = |m: &Measured| match m.peak_mb {
        Some(mb) => format!("{:.1} s, peak {:.0} MB{}", m.seconds, mb, if m.ok { "" } else { " (FAILED)" }),
        None => format!("{:.1} s{}", m.seconds, if m.ok { "" } else { " (FAILED)" }),
    };
    let examples_step = |stages: &mut Stages| -> anyhow::Result<Measured> {
        let found = out.join("found-examples.txt");
        let mut test = cargo(&["test", "--offline", "--test", "examples", "--", "--nocapture"]);
        test.env("EXAMPLES_FOUND", &found);
        let mut examples = measure("cargo test --test examples", test, stages)?;
        if accept {
            let lines = std::fs::read_to_string(&found).context("the examples test wrote no findings")?;
            // The file's own opening comment stays; a new file gets this one.
            let kept: String = known.lines().take_while(|l| l.starts_with('#') || l.trim().is_empty()).map(|l| format!("{l}\n")).collect();
            let header = if kept.trim().is_empty() {
                "# Example responses of the published spec that do not decode, and why: the spec's own\n\
                 # mistakes, as `cargo xtask whole-spec --accept` found them; read the diff before committing.\n\
                 # `cargo xtask whole-spec` fails when this list and reality part ways.\n\n"
                    .to_owned()
            } else {
                kept
            };
            std::fs::write(&known_path, format!("{header}{lines}"))?;
            eprintln!("wrote {}", known_path.display());
            examples.ok = true;
        }
        Ok(examples)
    };

    let Some(prism_test) = prism else {
        // The light check: do the examples decode (building the test builds the crate, so a
        // crate that does not compile fails here too).
        let examples = examples_step(stages)?;
        eprintln!("==> {summary}");
        eprintln!("    examples test:              {}", row(&examples));
        eprintln!("    examples that are not JSON: {not_json}");
        eprintln!("    (no builds, clippy, rustdoc or Prism run for this spec; `--spec {}` runs them)", spec.display());
        return Ok(examples.ok);
    };

    // Dependencies are built first so that the timings below are the generated crate's own;
    // before each timed build the crate's own artifacts are removed.
    let fetch = measure("dependencies", cargo(&["build", "--offline", "--lib", "--no-default-features"]), stages)?;
    let crate_name = api.crate_name.clone();
    let clean = || cargo(&["clean", "--offline", "--quiet", "-p", &crate_name]).status();
    clean()?;
    let full = measure("cargo build (all features)", cargo(&["build", "--offline"]), stages)?;
    clean()?;
    let fine_tuning = measure(
        "cargo build --no-default-features --features fine-tuning",
        cargo(&["build", "--offline", "--no-default-features", "--features", "fine-tuning"]),
        stages,
    )?;
    let clippy = measure(
        "cargo clippy --all-targets -- -D warnings",
        cargo(&["clippy", "--offline", "--all-targets", "--", "-D", "warnings"]),
        stages,
    )?;
    // The spec's prose becomes rustdoc; broken links or bare URLs in it are warnings there.
    let mut doc = cargo(&["doc", "--offline", "--no-deps"]);
    doc.env("RUSTDOCFLAGS", "-D warnings");
    let doc = measure("cargo doc --no-deps (RUSTDOCFLAGS=-D warnings)", doc, stages)?;
    let examples = examples_step(stages)?;
    // The examples the generator writes into the docs, compiled (they are `no_run`) against the
    // crate the examples test has just built.
    let doc_tests = measure("cargo test --doc", cargo(&["test", "--offline", "--doc"]), stages)?;
    let (prism_build, mut prism_run) = run_prism_test(&prism_spec_path, &name, &out, &cargo, stages)?;
    if accept && prism_run.ran {
        let found = std::fs::read_to_string(out.join("found-prism.txt")).context("the Prism test wrote no findings")?;
        std::fs::write(&known_prism_path, whole_spec_prism::accepted(&known_prism, &found))?;
        eprintln!("wrote {}", known_prism_path.display());
        prism_run.measured.ok = true;
    }

    eprintln!("==> {summary}");
    eprintln!("    build, all features:        {}", row(&full));
    eprintln!("    build, fine-tuning only:    {}", row(&fine_tuning));
    eprintln!("    clippy -D warnings:         {}", row(&clippy));
    eprintln!("    rustdoc -D warnings:        {}", row(&doc));
    eprintln!("    examples test:              {}", row(&examples));
    eprintln!("    examples that are not JSON: {not_json}");
    eprintln!("    doc tests (compiled):       {}", row(&doc_tests));
    eprintln!("    Prism test, build:          {}", row(&prism_build));
    eprintln!(
        "    Prism test, run:            {} (after waiting {:.1} s for Prism; {} operations called, {} not)",
        row(&prism_run.measured),
        prism_run.waited_seconds,
        prism_test.called,
        prism_test.skipped.len()
    );
    Ok(fetch.ok
        && full.ok
        && fine_tuning.ok
        && clippy.ok
        && doc.ok
        && examples.ok
        && doc_tests.ok
        && prism_build.ok
        && prism_run.measured.ok)
}

/// What running the Prism test took.
struct PrismRun {
    measured: Measured,
    /// Whether the test ran at all (it does not when Prism did not start or the build failed).
    ran: bool,
    /// How long the test waited for Prism to listen once it was built.
    waited_seconds: f64,
}

/// Starts Prism on `spec`, builds the Prism test while it reads the spec, waits for it, and runs
/// the test against it; Prism is stopped when this returns, whatever happened.
fn run_prism_test(
    spec: &Path,
    name: &str,
    out: &Path,
    cargo: &dyn Fn(&[&str]) -> Command,
    stages: &mut Stages,
) -> anyhow::Result<(Measured, PrismRun)> {
    let started = Instant::now();
    let not_run = |measured| PrismRun { measured, ran: false, waited_seconds: 0.0 };
    let failed = || Measured { ok: false, seconds: 0.0, peak_mb: None };
    let mut mock = match crate::prism::Mock::spawn(&project_root(), &format!("whole-spec-{name}"), spec) {
        Ok(mock) => mock,
        Err(error) => {
            eprintln!("==> Prism did not start, so the Prism test was NOT run: {error:#}");
            stages.part("Prism start", started.elapsed().as_secs_f64(), false);
            return Ok((failed(), not_run(failed())));
        }
    };
    let build = measure("cargo test --test prism --no-run", cargo(&["test", "--offline", "--test", "prism", "--no-run"]), stages)?;
    if !build.ok {
        return Ok((build, not_run(failed())));
    }
    let waiting = Instant::now();
    if let Err(error) = mock.wait_ready(crate::prism::WHOLE_SPEC_READY_TIMEOUT) {
        eprintln!("==> {error:#}");
        stages.part("waiting for Prism", waiting.elapsed().as_secs_f64(), false);
        return Ok((build, not_run(failed())));
    }
    let waited_seconds = waiting.elapsed().as_secs_f64();
    stages.part("waiting for Prism", waited_seconds, true);
    eprintln!(
        "==> Prism serves {} at {} ({:.1} s after it started; log {})",
        spec.display(),
        mock.url(),
        started.elapsed().as_secs_f64(),
        mock.log().display()
    );
    let mut test = cargo(&["test", "--offline", "--test", "prism", "--", "--nocapture"]);
    test.env("PRISM_URL", mock.url()).env("PRISM_FOUND", out.join("found-prism.txt"));
    let measured = measure("cargo test --test prism (against Prism)", test, stages)?;
    drop(mock);
    Ok((build, PrismRun { measured, ran: true, waited_seconds }))
}

/// Runs `command` under GNU time when available, for its peak memory, and records it as a part
/// of the running stage.
fn measure(name: &str, mut command: Command, stages: &mut Stages) -> anyhow::Result<Measured> {
    eprintln!("==> {name}");
    let gnu_time = Path::new("/usr/bin/time");
    let report = std::env::temp_dir().join(format!("sdk-whole-spec-time-{}", std::process::id()));
    let started = Instant::now();
    let status = if gnu_time.is_file() {
        let program = command.get_program().to_owned();
        let mut timed = Command::new(gnu_time);
        timed.arg("-f").arg("%M").arg("-o").arg(&report).arg(program).args(command.get_args());
        if let Some(dir) = command.get_current_dir() {
            timed.current_dir(dir);
        }
        for (key, value) in command.get_envs() {
            match value {
                Some(value) => timed.env(key, value),
                None => timed.env_remove(key),
            };
        }
        timed.status()?
    } else {
        command.status()?
    };
    let seconds = started.elapsed().as_secs_f64();
    let peak_mb = std::fs::read_to_string(&report).ok().and_then(|t| t.lines().last()?.trim().parse::<f64>().ok()).map(|kb| kb / 1024.0);
    let _ = std::fs::remove_file(&report);
    if !status.success() {
        eprintln!("==> {name} failed ({status})");
    }
    stages.part(name, seconds, status.success());
    Ok(Measured { ok: status.success(), seconds, peak_mb })
}

/// The fixed part of the examples test, written into the generated crate as
/// `tests/examples/harness.rs`.
const EXAMPLES_HARNESS: &str = include_str!("whole_spec/examples_harness.rs");

/// The test file that decodes every example, and how many examples were not JSON at all: the
/// examples and the tables of [`EXAMPLES_HARNESS`]'s `Suite`; the code is in the harness.
///
/// Examples are sorted into: JSON (decoded by the test), almost-JSON the repair makes parse
/// (trailing commas, Python's `None`; decoded too), server-sent events (each `data:` line
/// decoded into the event type), and text that is no JSON at all (counted, listed).
fn examples_test(api: &codegen::ir::Api, doc: &codegen::load::Document, known: &str) -> (String, usize) {
    let krate = api.crate_name.replace('-', "_");
    let mut cases = String::new();
    let mut not_json = Vec::new();
    for example in codegen::examples::responses(doc) {
        let Some(op) = api.operations.iter().find(|o| o.id == example.operation) else { continue };
        let label = format!("{} {}", example.operation, example.title).trim().to_owned();
        let text = example.response.trim();
        if text.is_empty() {
            // No example at all: nothing to check.
            continue;
        }
        // A streaming example is either server-sent events or the events' JSON one after the
        // other, separated by blank lines, sometimes ending in an ellipsis.
        let sse = text.starts_with("data:") || text.starts_with("event:");
        let json_lines = text.split("\n\n").count() > 1 && text.split("\n\n").next().and_then(parse_json).is_some();
        let stream = op.stream.as_ref().filter(|_| parse_json(text).is_none() && (sse || json_lines));
        if let Some(stream) = stream {
            let event = codegen::emit::type_path(api, &stream.event, &krate);
            let chunks: Vec<&str> = if sse {
                text.lines().filter_map(|l| l.strip_prefix("data:")).map(str::trim).collect()
            } else {
                text.split("\n\n").map(str::trim).collect()
            };
            for (i, data) in chunks.into_iter().enumerate() {
                if data == "[DONE]" || data.is_empty() || data.chars().all(|c| c == '.' || c == '…') {
                    continue;
                }
                match parse_json(data) {
                    Some(json) => {
                        let _ = writeln!(cases, "    ({:?}, decode::<{event}>, {}),", format!("{label} event {i}"), raw(&json));
                    }
                    None => not_json.push(format!("{label} event {i}")),
                }
            }
            continue;
        }
        let Some(response) = &op.response else { continue };
        let ty = codegen::emit::type_path(api, response, &krate);
        match parse_json(text) {
            Some(json) => {
                let _ = writeln!(cases, "    ({label:?}, decode::<{ty}>, {}),", raw(&json));
            }
            None => not_json.push(label),
        }
    }
    // Component examples, decoded into the component's type.
    for (schema, text) in codegen::examples::schema_examples(doc) {
        let pointer = codegen::diag::Pointer::root().push("components").push("schemas").push(&schema);
        let Some(index) = api.types.iter().position(|t| t.pointer == pointer) else { continue };
        let ty = codegen::emit::type_path(api, &codegen::ir::TypeRef::Named(codegen::ir::TypeId(index)), &krate);
        let label = format!("schema {schema}");
        match parse_json(text.trim()) {
            Some(json) => {
                let _ = writeln!(cases, "    ({label:?}, decode::<{ty}>, {}),", raw(&json));
            }
            None => not_json.push(label),
        }
    }
    let known_lines: BTreeSet<&str> = known.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    let known_list: String = known_lines.iter().map(|l| format!("    {l:?},\n")).collect();
    let not_json_list: String = not_json.iter().map(|l| format!("    {:?},\n", format!("{l}: not JSON"))).collect();
    let test = format!(
        r#"//! @generated by `cargo xtask whole-spec`: every example response of the spec, decoded into its
//! operation's type. Failures must match `tests/whole-spec/<spec>.known-examples.txt` in the generator's
//! repository, which says why the spec gets each one wrong. The code that decodes and compares is
//! `examples/harness.rs`, a copy of the generator's `xtask/src/whole_spec/examples_harness.rs`.

// Examples of deprecated operations decode into deprecated types.
#![allow(deprecated)]

#[path = "examples/harness.rs"]
mod harness;

use harness::{{Case, Suite, decode}};

#[test]
fn every_example_decodes_or_is_a_known_spec_mistake() {{
    harness::run(&Suite {{ cases: CASES, not_json: NOT_JSON, known: KNOWN }});
}}

const CASES: &[Case] = &[
{cases}];

const NOT_JSON: &[&str] = &[
{not_json_list}];

const KNOWN: &[&str] = &[
{known_list}];
"#
    );
    (test, not_json.len())
}

/// The JSON value of an example, repaired if that is what it takes.
fn parse_json(text: &str) -> Option<Value> {
    serde_json::from_str(text).ok().or_else(|| serde_json::from_str(&codegen::examples::repair_json(text)).ok())
}

/// A raw string literal holding the value as compact JSON, for generated test code.
pub(crate) fn raw(json: &Value) -> String {
    let text = json.to_string();
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}")
}
