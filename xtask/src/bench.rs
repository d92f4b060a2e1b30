//! `cargo xtask bench`: how fast and how lean generation is, as figures to read, not a test.
//!
//! Each run is a fresh process of the release-built xtask (`bench-once`), so that its peak
//! resident memory (Linux's `VmHWM`) is the generator's alone. The report gives the median
//! of the runs for load + lower + emit (formatting included), and the machine it ran on.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};

use crate::project_root;

pub(crate) fn run(args: &[String]) -> anyhow::Result<bool> {
    if args.first().map(String::as_str) == Some("--once") {
        return once(args.get(1).context("`--once` needs a spec path")?);
    }
    let mut spec = project_root().parent().map(|p| p.join("shared/specs/openai-openapi.yaml")).unwrap_or_default();
    let mut runs = 7usize;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--spec" => spec = PathBuf::from(args.next().context("`--spec` needs a path")?),
            "--runs" => runs = args.next().context("`--runs` needs a number")?.parse().context("`--runs` needs a number")?,
            other => bail!("unknown argument `{other}` to `bench`; expected --spec PATH or --runs N (see `cargo xtask bench --help`)"),
        }
    }
    if !spec.is_file() {
        bail!("{} is not here; pass --spec PATH", spec.display());
    }
    // A release build of this same binary does the measured work.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let built = Command::new(&cargo).current_dir(project_root()).args(["build", "--release", "--quiet", "-p", "xtask"]).status()?;
    if !built.success() {
        return Ok(false);
    }
    let exe = project_root().join("target/release/xtask");
    let mut times = Vec::new();
    let mut peaks = Vec::new();
    for _ in 0..runs {
        let output = Command::new(&exe).args(["bench", "--once"]).arg(&spec).output()?;
        if !output.status.success() {
            eprint!("{}", String::from_utf8_lossy(&output.stderr));
            return Ok(false);
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let mut fields = text.split_whitespace();
        let seconds: f64 = fields.next().context("bench-once printed nothing")?.parse()?;
        let peak_kb: f64 = fields.next().context("bench-once printed no memory")?.parse()?;
        times.push(seconds);
        peaks.push(peak_kb / 1024.0);
    }
    let median = |values: &mut Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let (min, max) = (times.iter().copied().fold(f64::MAX, f64::min), times.iter().copied().fold(0.0, f64::max));
    println!(
        "generation of {}: median {:.3} s (min {min:.3}, max {max:.3}) over {runs} runs, median peak memory {:.0} MB",
        spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        median(&mut times),
        median(&mut peaks)
    );
    println!("machine: {}", machine());
    Ok(true)
}

/// One measured generation: prints `seconds peak_kb`.
fn once(spec: &str) -> anyhow::Result<bool> {
    let started = Instant::now();
    let text = std::fs::read_to_string(spec)?;
    let settings = crate::settings_for(Path::new(spec), Some(&crate::openai_settings()))?.map_err(|e| anyhow::anyhow!("{e}"))?;
    let generated = codegen::generate(spec, &text, &settings).map_err(|e| anyhow::anyhow!("{e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    // Keep the result alive until here, so the peak includes all of it.
    let bytes: usize = generated.files.iter().map(|f| f.contents.len()).sum();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak_kb = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.split_whitespace().next()).unwrap_or("0");
    println!("{seconds} {peak_kb} {bytes}");
    Ok(true)
}

/// CPU model and core count, from `/proc/cpuinfo` when there is one.
fn machine() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = info.lines().find_map(|l| l.strip_prefix("model name")).map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    format!("{}, {cores} cores available", model.unwrap_or_else(|| std::env::consts::ARCH.to_owned()))
}
