//! `cargo xtask bench`: figures to read, not a test, measured side by side where there is something to compare with.
//!
//! - Generation: each run is a fresh process of the release-built xtask (`--once`), so that its peak resident memory
//!   (Linux's `VmHWM`) is the generator's alone; the whole published spec and the fine-tuning subset alternate, and with
//!   `--peers` openapi-generator's Rust generator (`openapi-generator-cli`, when installed) on the whole spec joins them.
//! - Calls and decoding: `bench/` (the SDK, bare reqwest, `serde_json::Value`) or, with `--peers`, `bench/peers` (the same
//!   plus async-openai), whose rounds interleave the contenders and report the median of same-round ratios.
//! - With `--builds`: crate-only debug builds (the dependencies built beforehand), interleaved the same way, with the peak
//!   memory of the compiler from GNU time: the whole-spec crate with every resource and with `fine-tuning` only, and
//!   `generated/`; with `--peers`, async-openai with `full` and with `finetuning`. Every build runs with incremental
//!   compilation off: cargo turns it on for path crates (ours) and off for registry crates (async-openai), so left alone the
//!   comparison would charge ours for writing an incremental cache the peer never writes.
//!
//! `BENCHMARKS.md` records what these printed, with the machine and its load.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};

use crate::project_root;

struct Options {
    spec: PathBuf,
    runs: usize,
    rounds: usize,
    peers: bool,
    builds: bool,
}

pub(crate) fn run(args: &[String]) -> anyhow::Result<bool> {
    if args.first().map(String::as_str) == Some("--once") {
        return once(args.get(1).context("`--once` needs a spec path")?);
    }
    let spec = project_root().parent().map(|p| p.join("shared/specs/openai-openapi.yaml")).unwrap_or_default();
    let mut options = Options { spec, runs: 7, rounds: 5, peers: false, builds: false };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut number = |flag: &str| -> anyhow::Result<usize> {
            args.next().with_context(|| format!("`{flag}` needs a number"))?.parse().with_context(|| format!("`{flag}` needs a number"))
        };
        match arg.as_str() {
            "--spec" => options.spec = PathBuf::from(args.next().context("`--spec` needs a path")?),
            "--runs" => options.runs = number("--runs")?.max(1),
            "--rounds" => options.rounds = number("--rounds")?.max(1),
            "--peers" => options.peers = true,
            "--builds" => options.builds = true,
            other => bail!("unknown argument `{other}` to `bench` (see `cargo xtask bench --help`)"),
        }
    }
    if !options.spec.is_file() {
        bail!("{} is not here; pass --spec PATH", options.spec.display());
    }
    println!("machine: {}; load average at the start: {}", machine(), load());
    Ok(generation(&options)? && calls(&options)? && (!options.builds || builds(&options)?))
}

/// Generation of the whole spec and of the fine-tuning subset, alternating, each in a fresh release-built process; with
/// `--peers` and `openapi-generator-cli` on the `PATH`, its Rust generator on the whole spec joins every round.
fn generation(options: &Options) -> anyhow::Result<bool> {
    if !cargo().args(["build", "--release", "--quiet", "-p", "xtask"]).status()?.success() {
        return Ok(false);
    }
    let exe = project_root().join("target/release/xtask");
    let subset = project_root().join("spec/openai-fine-tuning.yaml");
    let specs = [options.spec.as_path(), subset.as_path()];
    let peer = options.peers
        && Path::new("/usr/bin/time").is_file()
        && Command::new("openapi-generator-cli").arg("version").output().is_ok_and(|o| o.status.success());
    let contenders = specs.len() + usize::from(peer);
    // Per contender, per run: (seconds, peak MiB). Seconds are the process's wall time seen from here, for every
    // contender alike; the peak is `VmHWM` for ours and GNU time's for the peer (the JVM is a child of its wrapper).
    let mut samples: Vec<Vec<(f64, f64)>> = vec![Vec::new(); contenders];
    for run in 0..options.runs {
        for index in (0..contenders).map(|i| (i + run) % contenders) {
            let sample = match specs.get(index) {
                Some(spec) => generate_once(&exe, spec)?,
                None => openapi_generator_once(&options.spec)?,
            };
            let Some(sample) = sample else { return Ok(false) };
            samples[index].push(sample);
        }
    }
    println!("\ngeneration, {} runs each, alternating", options.runs);
    let mut names: Vec<String> =
        specs.iter().map(|s| s.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()).collect();
    if peer {
        names.push("openapi-generator (rust), whole spec".to_owned());
    }
    for (name, samples) in names.iter().zip(&samples) {
        let (times, peaks): (Vec<f64>, Vec<f64>) = samples.iter().copied().unzip();
        let (min, median_time, max) = spread(times);
        println!("  {name:<40} median {median_time:.3} s (min {min:.3}, max {max:.3}), median peak memory {:.0} MiB", spread(peaks).1);
    }
    if peer {
        let pairs = samples[0].iter().zip(&samples[specs.len()]);
        let (time, memory): (Vec<f64>, Vec<f64>) = pairs.map(|(ours, theirs)| (ours.0 / theirs.0, ours.1 / theirs.1)).unzip();
        println!(
            "  whole spec ÷ openapi-generator: time {:.3}, peak memory {:.3} (medians of same-round ratios)",
            spread(time).1,
            spread(memory).1
        );
    } else if options.peers {
        println!("  (openapi-generator-cli is not on the PATH, so it has no column; `pip install openapi-generator-cli` puts it there)");
    }
    Ok(true)
}

/// One `xtask bench --once` run: its wall time and peak memory in MiB, or `None` after printing why it failed.
fn generate_once(exe: &Path, spec: &Path) -> anyhow::Result<Option<(f64, f64)>> {
    let started = Instant::now();
    let output = Command::new(exe).args(["bench", "--once"]).arg(spec).output()?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        return Ok(None);
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let peak_kb: f64 = text.split_whitespace().nth(1).context("`--once` printed no memory")?.parse()?;
    Ok(Some((seconds, peak_kb / 1024.0)))
}

/// One run of openapi-generator's Rust generator on `spec`, into a fresh temporary folder, under GNU time.
fn openapi_generator_once(spec: &Path) -> anyhow::Result<Option<(f64, f64)>> {
    let out = std::env::temp_dir().join("sdk-bench-openapi-generator");
    let times = std::env::temp_dir().join("sdk-bench-openapi-generator.time");
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    let started = Instant::now();
    let output = Command::new("/usr/bin/time")
        .args(["-f", "%M", "-o"])
        .arg(&times)
        .args(["openapi-generator-cli", "generate", "--generator-name", "rust", "--skip-validate-spec", "--input-spec"])
        .arg(spec)
        .arg("--output")
        .arg(&out)
        .output()?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        eprint!("{}", String::from_utf8_lossy(&output.stdout));
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        return Ok(None);
    }
    let peak_kb: f64 = std::fs::read_to_string(&times)?.trim().parse().context("GNU time wrote no memory")?;
    Ok(Some((seconds, peak_kb / 1024.0)))
}

/// The call and decode figures, from `bench/` or, with `--peers`, `bench/peers`.
fn calls(options: &Options) -> anyhow::Result<bool> {
    let rounds = options.rounds.to_string();
    let (exe, built) = if options.peers {
        let target = project_root().join("target/peers");
        let manifest = project_root().join("bench/peers/Cargo.toml");
        let built =
            cargo().args(["build", "--release", "--quiet", "--manifest-path"]).arg(&manifest).env("CARGO_TARGET_DIR", &target).status()?;
        (target.join("release/sdk-bench-peers"), built)
    } else {
        let built = cargo().args(["build", "--release", "--quiet", "-p", "sdk-bench"]).status()?;
        (project_root().join("target/release/sdk-bench"), built)
    };
    if !built.success() {
        return Ok(false);
    }
    Ok(Command::new(exe).args(["--rounds", &rounds]).status()?.success())
}

/// One crate-only debug build the builds bench compares.
struct Build {
    name: &'static str,
    /// The manifest whose workspace builds it, and the package to clean first.
    manifest: PathBuf,
    package: String,
    args: &'static [&'static str],
    target: PathBuf,
}

/// Crate-only debug builds, interleaved: every dependency is built in a warm-up round, then each round cleans only the
/// measured crate and builds it again under GNU time, for the wall time and the compiler's peak memory.
fn builds(options: &Options) -> anyhow::Result<bool> {
    if !Path::new("/usr/bin/time").is_file() {
        println!("\nbuilds: /usr/bin/time (GNU time) is not here, so nothing was measured");
        return Ok(true);
    }
    let whole = write_whole_spec_crate(&options.spec)?;
    let target = project_root().join("target/bench-builds");
    let whole_manifest = whole.0.join("Cargo.toml");
    let mut list = vec![
        Build {
            name: "whole spec, every resource",
            manifest: whole_manifest.clone(),
            package: whole.1.clone(),
            args: &[],
            target: target.clone(),
        },
        Build {
            name: "whole spec, fine-tuning only",
            manifest: whole_manifest,
            package: whole.1.clone(),
            args: &["--no-default-features", "--features", "rustls,fine-tuning"],
            target: target.clone(),
        },
        Build {
            name: "generated/ (default features)",
            manifest: project_root().join("Cargo.toml"),
            package: "openai-fine-tuning".to_owned(),
            args: &["-p", "openai-fine-tuning"],
            target: target.clone(),
        },
    ];
    if options.peers {
        let peers = project_root().join("bench/peers/Cargo.toml");
        let peer_target = project_root().join("target/peers-builds");
        list.push(Build {
            name: "async-openai, full",
            manifest: peers.clone(),
            package: "async-openai".to_owned(),
            args: &["--lib", "--features", "full"],
            target: peer_target.clone(),
        });
        list.push(Build {
            name: "async-openai, finetuning",
            manifest: peers,
            package: "async-openai".to_owned(),
            args: &["--lib"],
            target: peer_target,
        });
    }
    // Warm-up: the dependencies of every configuration.
    for build in &list {
        eprintln!("==> building the dependencies of {}", build.name);
        if !build_command(build).status()?.success() {
            return Ok(false);
        }
    }
    let mut samples: Vec<Vec<(f64, f64)>> = vec![Vec::new(); list.len()];
    for round in 0..options.rounds {
        for index in (0..list.len()).map(|i| (i + round) % list.len()) {
            let build = &list[index];
            let cleaned = cargo()
                .args(["clean", "--quiet", "-p", &build.package, "--manifest-path"])
                .arg(&build.manifest)
                .env("CARGO_TARGET_DIR", &build.target)
                .status()?;
            if !cleaned.success() {
                return Ok(false);
            }
            let mut timed = Command::new("/usr/bin/time");
            timed.args(["-f", "%e %M", "-o"]).arg(build.target.join("time.txt"));
            let command = build_command(build);
            timed.arg(command.get_program()).args(command.get_args());
            timed.envs(command.get_envs().filter_map(|(name, value)| Some((name, value?))));
            if !timed.status()?.success() {
                return Ok(false);
            }
            let text = std::fs::read_to_string(build.target.join("time.txt"))?;
            let mut fields = text.split_whitespace();
            let seconds: f64 = fields.next().context("GNU time wrote nothing")?.parse()?;
            let peak_kb: f64 = fields.next().context("GNU time wrote no memory")?.parse()?;
            eprintln!("    round {}: {} in {seconds:.1} s, peak {:.2} GiB", round + 1, build.name, peak_kb / 1024.0 / 1024.0);
            samples[index].push((seconds, peak_kb / 1024.0 / 1024.0));
        }
    }
    println!("\ncrate-only debug builds, {} rounds, interleaved (load average now: {})", options.rounds, load());
    println!("  {:<34} {:>8} {:>8} {:>8} {:>12}", "", "min s", "median", "max", "peak GiB");
    for (build, samples) in list.iter().zip(&samples) {
        let (times, peaks): (Vec<f64>, Vec<f64>) = samples.iter().copied().unzip();
        let (min, median, max) = spread(times);
        println!("  {:<34} {min:>8.1} {median:>8.1} {max:>8.1} {:>12.2}", build.name, spread(peaks).1);
    }
    let pairs = [("whole spec, every resource", "async-openai, full"), ("whole spec, fine-tuning only", "async-openai, finetuning")];
    for (ours, peer) in pairs {
        let (Some(a), Some(b)) = (list.iter().position(|b| b.name == ours), list.iter().position(|b| b.name == peer)) else { continue };
        let time = spread(samples[a].iter().zip(&samples[b]).map(|(x, y)| x.0 / y.0).collect()).1;
        let memory = spread(samples[a].iter().zip(&samples[b]).map(|(x, y)| x.1 / y.1).collect()).1;
        println!("  {ours} ÷ {peer}: time {time:.2}, peak memory {memory:.2} (medians of same-round ratios)");
    }
    Ok(true)
}

fn build_command(build: &Build) -> Command {
    let mut command = cargo();
    command
        .args(["build", "--quiet", "--manifest-path"])
        .arg(&build.manifest)
        .args(build.args)
        .env("CARGO_TARGET_DIR", &build.target)
        .env("CARGO_INCREMENTAL", "0");
    command
}

/// Writes the crate of the whole spec (with the OpenAI settings, as `whole-spec` does) to a temporary folder; its folder
/// and package name.
fn write_whole_spec_crate(spec: &Path) -> anyhow::Result<(PathBuf, String)> {
    let text = std::fs::read_to_string(spec)?;
    let settings = crate::settings_for(spec, Some(&crate::openai_settings()))?.map_err(|e| anyhow::anyhow!("{e}"))?;
    let label = spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let generated = codegen::generate(&label, &text, &settings).map_err(|e| anyhow::anyhow!("{e}"))?;
    let out = std::env::temp_dir().join("sdk-bench-whole-spec");
    crate::write_fresh_crate(&out, &generated)?;
    Ok((out, generated.api.crate_name.clone()))
}

/// One measured generation: prints `seconds peak_kb bytes`.
fn once(spec: &str) -> anyhow::Result<bool> {
    crate::small_pages();
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

/// Min, median (the mean of the middle two of an even count) and max.
fn spread(mut values: Vec<f64>) -> (f64, f64, f64) {
    if values.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let median = if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 };
    (values[0], median, values[n - 1])
}

fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(project_root());
    command
}

/// CPU model and core count, from `/proc/cpuinfo` when there is one.
fn machine() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = info.lines().find_map(|l| l.strip_prefix("model name")).map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    format!("{}, {cores} cores available", model.unwrap_or_else(|| std::env::consts::ARCH.to_owned()))
}

/// The 1-, 5- and 15-minute load averages, from `/proc/loadavg` when there is one.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
