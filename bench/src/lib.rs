//! The harness of `cargo xtask bench`'s call and decode figures: a loopback server in a process of its own, rounds that run
//! every contender once each in an order that rotates, and a report of min / median / max per contender with the median of
//! the same-round ratios to a baseline, because on a shared machine a ratio within one round means more than a time.
//!
//! The binary of this crate runs the contenders this workspace has (the SDK, bare reqwest, `serde_json::Value`);
//! `bench/peers`, outside the workspace, adds async-openai to the same rounds through [`main_with`].

use std::future::Future;
use std::io::{BufRead, BufReader, Write};
use std::pin::Pin;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt, stream};

pub mod ours;

/// A boxed future, so that contenders of different types sit in one list (every contender pays the same allocation).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A client that pauses a job on the loopback server.
pub trait Caller: Send + Sync {
    /// The name the report gives it.
    fn name(&self) -> &'static str;
    /// One `POST {base}/fine_tuning/jobs/{id}/pause`, with the answer decoded into a job whose id comes back.
    fn pause<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<String, String>>;
}

/// Makes the callers for a server at `base_url` (which ends in `/v1`).
pub type MakeCallers = fn(base_url: &str) -> Vec<Box<dyn Caller>>;

/// A decoder of list pages of jobs: decodes a whole page and says how many items it holds.
pub struct Decoder {
    /// The name the report gives it.
    pub name: &'static str,
    /// Decodes a page.
    pub decode: fn(&[u8]) -> Result<usize, String>,
}

/// How much work a run does.
struct Options {
    rounds: usize,
    sequential: usize,
    concurrent: usize,
    in_flight: usize,
    decodes: usize,
    calls: bool,
    decode: bool,
    /// Only the contenders of this name, for profiling one at a time (`valgrind --tool=callgrind`).
    only: Option<String>,
}

/// The job every pause answers with.
pub const JOB: &str = r#"{"object":"fine_tuning.job","id":"ftjob-abc123","model":"gpt-4o-mini-2024-07-18","created_at":1721764800,"finished_at":null,"fine_tuned_model":null,"organization_id":"org-123","result_files":[],"status":"paused","validation_file":null,"training_file":"file-abc123","hyperparameters":{"n_epochs":3,"batch_size":1,"learning_rate_multiplier":1.8},"trained_tokens":null,"error":null,"integrations":[],"seed":42,"estimated_finish":null,"method":{"type":"supervised","supervised":{"hyperparameters":{"n_epochs":3,"batch_size":1,"learning_rate_multiplier":1.8}}},"metadata":{"team":"weather"}}"#;

/// Runs the benchmark: as the server when called with `--serve`, else as the client of the contenders given.
pub fn main_with(make_callers: MakeCallers, decoders: Vec<Decoder>) -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--serve") {
        return serve();
    }
    let options = parse(&args)?;
    if options.calls {
        let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
        runtime.block_on(calls(make_callers, &options))?;
    }
    if options.decode {
        decode(&decoders, &options)?;
    }
    Ok(())
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options =
        Options { rounds: 7, sequential: 2000, concurrent: 12800, in_flight: 64, decodes: 5, calls: true, decode: true, only: None };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut number = |what: &str| -> Result<usize, String> {
            args.next().and_then(|v| v.parse().ok()).ok_or_else(|| format!("`{what}` needs a number"))
        };
        match arg.as_str() {
            "--rounds" => options.rounds = number("--rounds")?.max(1),
            "--calls" => options.sequential = number("--calls")?.max(1),
            "--concurrent-calls" => options.concurrent = number("--concurrent-calls")?.max(1),
            "--contender" => options.only = Some(args.next().ok_or("`--contender` needs a name")?.clone()),
            "--only-calls" => options.decode = false,
            "--only-decode" => options.calls = false,
            other => {
                return Err(format!(
                    "unknown argument `{other}`; expected --rounds N, --calls N, --concurrent-calls N, --contender NAME, --only-calls or --only-decode"
                ));
            }
        }
    }
    Ok(options)
}

/// Sequential and concurrent pause calls, each contender once per round.
async fn calls(make_callers: MakeCallers, options: &Options) -> Result<(), String> {
    let server = Server::start()?;
    let mut callers = make_callers(&format!("http://127.0.0.1:{}/v1", server.port));
    callers.retain(|c| options.only.as_deref().is_none_or(|only| c.name() == only));
    let names: Vec<&str> = callers.iter().map(|c| c.name()).collect();
    // Connections open and code pages fault in before anything is timed.
    for caller in &callers {
        let id = caller.pause("ftjob-abc123").await.map_err(|e| format!("{}: {e}", caller.name()))?;
        if id != "ftjob-abc123" {
            return Err(format!("{} decoded the job as `{id}`", caller.name()));
        }
        batch(caller.as_ref(), 200, options.in_flight).await?;
    }
    let (mut sequential, mut concurrent) = (Vec::new(), Vec::new());
    for round in 0..options.rounds {
        let (mut seq_row, mut con_row) = (vec![None; callers.len()], vec![None; callers.len()]);
        for index in rotation(callers.len(), round) {
            let caller = callers[index].as_ref();
            seq_row[index] = Some(
                measure(options.sequential, async {
                    for _ in 0..options.sequential {
                        caller.pause("ftjob-abc123").await.map_err(|e| format!("{}: {e}", caller.name()))?;
                    }
                    Ok(())
                })
                .await?,
            );
            con_row[index] = Some(measure(options.concurrent, batch(caller, options.concurrent, options.in_flight)).await?);
        }
        sequential.push(seq_row.into_iter().flatten().collect());
        concurrent.push(con_row.into_iter().flatten().collect());
    }
    let baseline = names.iter().position(|n| *n == BARE);
    report(&format!("sequential pause calls ({} per round)", options.sequential), "calls/s", &names, &sequential, baseline);
    report(
        &format!("pause calls, {} in flight ({} per round)", options.in_flight, options.concurrent),
        "calls/s",
        &names,
        &concurrent,
        baseline,
    );
    Ok(())
}

/// The name of the bare reqwest caller, the baseline of the call figures.
pub const BARE: &str = "bare reqwest";

/// `count` pause calls with `in_flight` of them at a time.
async fn batch(caller: &dyn Caller, count: usize, in_flight: usize) -> Result<(), String> {
    stream::iter(0..count)
        .map(|_| caller.pause("ftjob-abc123"))
        .buffer_unordered(in_flight)
        .map_err(|e| format!("{}: {e}", caller.name()))
        .try_for_each(|_| std::future::ready(Ok(())))
        .await
}

/// One timed piece of work of `units` units: units per second of wall time, and CPU time of this process per unit.
#[derive(Debug, Clone, Copy)]
struct Sample {
    rate: f64,
    cpu_per_unit: Option<Duration>,
}

async fn measure(units: usize, work: impl Future<Output = Result<(), String>>) -> Result<Sample, String> {
    let (cpu, start) = (cpu_time(), Instant::now());
    work.await?;
    Ok(finish(units, cpu, start))
}

fn finish(units: usize, cpu: Option<Duration>, start: Instant) -> Sample {
    let elapsed = start.elapsed();
    let cpu_per_unit = cpu.zip(cpu_time()).map(|(before, after)| after.saturating_sub(before) / units as u32);
    Sample { rate: units as f64 / elapsed.as_secs_f64(), cpu_per_unit }
}

/// The CPU time of this process's threads, in nanoseconds: the sum of the first field of each thread's
/// `/proc/self/task/*/schedstat` (Linux; the runtime's threads live as long as the process, so none is lost by exiting), or
/// `/proc/self/stat`'s user and system time in 10 ms ticks where schedstat is missing; `None` elsewhere.
fn cpu_time() -> Option<Duration> {
    let threads = std::fs::read_dir("/proc/self/task").ok().map(|tasks| {
        tasks
            .flatten()
            .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
            .filter_map(|text| text.split_whitespace().next()?.parse::<u64>().ok())
            .sum::<u64>()
    });
    if let Some(nanos) = threads.filter(|n| *n > 0) {
        return Some(Duration::from_nanos(nanos));
    }
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime 14, stime 15.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ, which the kernel fixes at 100 for this file on every architecture Rust targets.
    Some(Duration::from_millis(ticks * 10))
}

/// The order in which round `round` runs `count` contenders: each starts one round in `count`.
fn rotation(count: usize, round: usize) -> impl Iterator<Item = usize> {
    (0..count).map(move |i| (i + round) % count)
}

/// Decoding of the two pages, each decoder once per round; both pages are decoded in every round, so that the two can be
/// compared per MB in same-round pairs too.
fn decode(decoders: &[Decoder], options: &Options) -> Result<(), String> {
    let decoders: Vec<&Decoder> = decoders.iter().filter(|d| options.only.as_deref().is_none_or(|only| d.name == only)).collect();
    let pages = [("a page of 10,000 jobs", jobs_page(10_000, false)), ("a page of 10,000 jobs full of unions", jobs_page(10_000, true))];
    let names: Vec<&str> = decoders.iter().map(|d| d.name).collect();
    let usable: Vec<Vec<bool>> = pages
        .iter()
        .map(|(title, page)| {
            decoders
                .iter()
                .map(|decoder| match (decoder.decode)(page) {
                    Ok(10_000) => true,
                    Ok(n) => {
                        eprintln!("==> {} decoded {n} items of {title}, not 10,000; left out", decoder.name);
                        false
                    }
                    Err(error) => {
                        eprintln!("==> {} cannot decode {title}: {error}; left out", decoder.name);
                        false
                    }
                })
                .collect()
        })
        .collect();
    // Per page, per round, per decoder.
    let mut rows: Vec<Vec<Vec<Sample>>> = vec![Vec::new(); pages.len()];
    for round in 0..options.rounds {
        for p in rotation(pages.len(), round) {
            let page = &pages[p].1;
            let mut row = vec![Sample { rate: f64::NAN, cpu_per_unit: None }; decoders.len()];
            for index in rotation(decoders.len(), round).filter(|i| usable[p][*i]) {
                let (cpu, start) = (cpu_time(), Instant::now());
                for _ in 0..options.decodes {
                    std::hint::black_box((decoders[index].decode)(std::hint::black_box(page))?);
                }
                let sample = finish(options.decodes, cpu, start);
                // MB/s rather than pages per second.
                row[index] = Sample { rate: sample.rate * page.len() as f64 / 1e6, cpu_per_unit: None };
            }
            rows[p].push(row);
        }
    }
    for (p, (title, page)) in pages.iter().enumerate() {
        let baseline = names
            .iter()
            .position(|n| *n == "async-openai")
            .filter(|i| usable[p][*i])
            .or_else(|| names.iter().position(|n| n.contains("Value")));
        report(
            &format!("decoding {title} ({:.1} MB, {} times per round)", page.len() as f64 / 1e6, options.decodes),
            "MB/s",
            &names,
            &rows[p],
            baseline,
        );
    }
    println!("\n  the unions page against the jobs page, per MB (median of same-round ratios):");
    for (index, name) in names.iter().enumerate() {
        let ratios: Vec<f64> = rows[1].iter().zip(&rows[0]).map(|(u, j)| u[index].rate / j[index].rate).filter(|r| r.is_finite()).collect();
        if !ratios.is_empty() {
            println!("  {name:<22} {:.3}", median(ratios));
        }
    }
    Ok(())
}

/// A list page of `count` jobs as the API sends them; with `unions`, each job is a reinforcement job whose grader and
/// hyperparameters are unions (`auto` or a number), alternating between their forms.
pub fn jobs_page(count: usize, unions: bool) -> Vec<u8> {
    let mut page = String::from(r#"{"object":"list","has_more":true,"data":["#);
    for i in 0..count {
        if i > 0 {
            page.push(',');
        }
        let method = if unions {
            let (epochs, batch) =
                if i % 2 == 0 { ("\"auto\"".to_owned(), "8".to_owned()) } else { (format!("{}", 1 + i % 5), "\"auto\"".to_owned()) };
            let grader = if i % 3 == 0 {
                r#"{"type":"string_check","name":"exact","input":"{{sample.output_text}}","reference":"{{item.answer}}","operation":"eq"}"#
            } else {
                r#"{"type":"text_similarity","name":"close","input":"{{sample.output_text}}","reference":"{{item.answer}}","evaluation_metric":"fuzzy_match"}"#
            };
            format!(
                r#"{{"type":"reinforcement","reinforcement":{{"grader":{grader},"hyperparameters":{{"n_epochs":{epochs},"batch_size":{batch},"learning_rate_multiplier":"auto","compute_multiplier":1.5,"eval_interval":"auto","eval_samples":10,"reasoning_effort":"medium"}}}}}}"#
            )
        } else {
            r#"{"type":"supervised","supervised":{"hyperparameters":{"n_epochs":3,"batch_size":1,"learning_rate_multiplier":1.8}}}"#
                .to_owned()
        };
        page.push_str(&format!(
            r#"{{"object":"fine_tuning.job","id":"ftjob-{i:06}","model":"gpt-4o-mini-2024-07-18","created_at":{},"finished_at":{},"fine_tuned_model":"ft:gpt-4o-mini:org:weather:{i}","organization_id":"org-123","result_files":["file-result{i}"],"status":"succeeded","validation_file":null,"training_file":"file-abc123","hyperparameters":{{"n_epochs":3,"batch_size":1,"learning_rate_multiplier":1.8}},"trained_tokens":{},"error":null,"integrations":[],"seed":{i},"estimated_finish":null,"method":{method},"metadata":{{"team":"weather","run":"{i}"}}}}"#,
            1_721_764_800 + i,
            1_721_768_400 + i,
            10_000 + i
        ));
    }
    page.push_str("]}");
    page.into_bytes()
}

/// Prints one table: per contender min / median / max of the rate, the median CPU per unit, and the median of the ratios
/// of its rate (and CPU) to the baseline's in the same round.
fn report(title: &str, unit: &str, names: &[&str], rows: &[Vec<Sample>], baseline: Option<usize>) {
    println!("\n{title}, {} rounds", rows.len());
    let base_name = baseline.map(|b| names[b]).unwrap_or("-");
    println!(
        "  {:<22} {:>12} {:>12} {:>12} {:>14} {:>16} {:>12}",
        "",
        "min",
        "median",
        "max",
        "CPU µs/unit",
        format!("÷ {base_name}"),
        "CPU ÷ base"
    );
    for (index, name) in names.iter().enumerate() {
        let mut rates: Vec<f64> = rows.iter().map(|row| row[index].rate).filter(|r| r.is_finite()).collect();
        if rates.is_empty() {
            println!("  {name:<22} (not measured)");
            continue;
        }
        rates.sort_by(f64::total_cmp);
        let cpu: Vec<f64> = rows.iter().filter_map(|row| row[index].cpu_per_unit).map(|d| d.as_secs_f64() * 1e6).collect();
        let ratio = baseline.map(|b| median(rows.iter().map(|row| row[index].rate / row[b].rate).filter(|r| r.is_finite()).collect()));
        let cpu_ratio = baseline.map(|b| {
            median(
                rows.iter()
                    .filter_map(|row| Some(row[index].cpu_per_unit?.as_secs_f64() / row[b].cpu_per_unit?.as_secs_f64()))
                    .filter(|r| r.is_finite())
                    .collect(),
            )
        });
        println!(
            "  {name:<22} {:>12.1} {:>12.1} {:>12.1} {:>14} {:>16} {:>12}",
            rates[0],
            median(rates.clone()),
            rates[rates.len() - 1],
            if cpu.is_empty() { "-".to_owned() } else { format!("{:.1}", median(cpu)) },
            ratio.filter(|r| r.is_finite()).map_or("-".to_owned(), |r| format!("{r:.3}")),
            cpu_ratio.filter(|r| r.is_finite()).map_or("-".to_owned(), |r| format!("{r:.3}")),
        );
    }
    println!("  ({unit}; ratios are medians of same-round pairs)");
}

/// The median, the mean of the middle two of an even count.
fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 }
}

/// The loopback server, a child process running this same binary with `--serve`, so that its CPU time is not the client's.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start() -> Result<Server, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut child = Command::new(exe)
            .arg("--serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start the server: {e}"))?;
        let mut line = String::new();
        let stdout = child.stdout.take().ok_or("the server has no stdout")?;
        BufReader::new(stdout).read_line(&mut line).map_err(|e| e.to_string())?;
        let port = line.trim().parse().map_err(|_| format!("the server printed `{}`, not a port", line.trim()))?;
        Ok(Server { child, port })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serves [`JOB`] to every request on a loopback port it prints, until its stdin closes.
///
/// Written by hand rather than with a server crate so that the server does as little as possible per request, the same
/// for every contender: it reads a request's head (and skips a body by its `Content-Length`) and writes one fixed answer,
/// keeping the connection open.
fn serve() -> Result<(), String> {
    // The parent closes stdin by exiting, which ends this process even if the parent was killed.
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(0);
    });
    let runtime = tokio::runtime::Builder::new_current_thread().enable_io().build().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        println!("{port}");
        std::io::stdout().flush().map_err(|e| e.to_string())?;
        let answer: &'static [u8] = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: req_bench\r\ncontent-length: {}\r\n\r\n{JOB}",
            JOB.len()
        )
        .leak()
        .as_bytes();
        loop {
            let (socket, _) = listener.accept().await.map_err(|e| e.to_string())?;
            let _ = socket.set_nodelay(true);
            tokio::spawn(connection(socket, answer));
        }
    })
}

async fn connection(mut socket: tokio::net::TcpStream, answer: &'static [u8]) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buffer: Vec<u8> = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        // One request: its head, then as many body bytes as it announces.
        let head_end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
        let length: usize =
            head.lines().find_map(|line| line.strip_prefix("content-length:")).and_then(|value| value.trim().parse().ok()).unwrap_or(0);
        while buffer.len() < head_end + length {
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        buffer.drain(..head_end + length);
        if socket.write_all(answer).await.is_err() {
            return;
        }
    }
}
