//! Prism mock servers for `tests/tests/prism.rs`: installs `@stainless-api/prism-cli` into
//! `.tools/prism/`, starts one server per spec on a free loopback port, and stops them again.
//!
//! The servers run with `--errors`, so a request that does not match the spec gets a 422 and a
//! response Prism generated invalidly comes back as a 500 whose problem `type` ends in
//! `#VIOLATIONS`. The tests find the servers through `PRISM_SPEC_URL` and `PRISM_PUBLISHED_URL`.
//!
//! [`Mock`] is one server in Prism's plain static mode, for the whole published spec
//! (`whole_spec_prism.rs`): it still answers 422 to a request the spec does not allow.

use std::fs::File;
use std::io::{Read as _, Seek as _, SeekFrom};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

/// The npm package and the exact version the tests were written against.
const PACKAGE: &str = "@stainless-api/prism-cli";
const VERSION: &str = "5.16.1";
/// Prism 5.16's `engines.node`.
const MIN_NODE: (u32, u32, u32) = (18, 20, 1);
/// How long a server may take to start listening.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a server of the whole published spec (3 MB) may take; it needs about 15 s alone.
pub(crate) const WHOLE_SPEC_READY_TIMEOUT: Duration = Duration::from_secs(180);
/// New ports tried when the one picked was taken between choosing it and Prism binding it.
const PORT_ATTEMPTS: u32 = 3;

/// The environment variables the tests read, each with the server's base URL.
pub(crate) const SPEC_URL_VAR: &str = "PRISM_SPEC_URL";
pub(crate) const PUBLISHED_URL_VAR: &str = "PRISM_PUBLISHED_URL";

/// The running servers: ours always, the published spec's when `../shared` has it.
/// Dropping this stops them.
pub(crate) struct Servers {
    spec: Prism,
    published: Option<Prism>,
}

impl Servers {
    /// Installs Prism when needed and starts both servers, waiting until each one answers.
    pub(crate) fn start(root: &Path) -> anyhow::Result<Servers> {
        let cli = install(root)?;
        let log_dir = root.join("target").join("prism");
        std::fs::create_dir_all(&log_dir).with_context(|| format!("cannot create {}", log_dir.display()))?;

        let published_spec = root.parent().map(|parent| parent.join("shared").join("specs").join("openai-fine-tuning.yaml"));
        let started = Instant::now();
        // Both are spawned before either is waited for, so that they boot side by side.
        let mut spec = Prism::spawn(&cli, "spec".into(), &root.join("spec").join("openai-fine-tuning.yaml"), &log_dir, true)?;
        let mut published = match published_spec {
            Some(path) if path.is_file() => Some(Prism::spawn(&cli, "published".into(), &path, &log_dir, true)?),
            Some(path) => {
                eprintln!("==> Prism: {} is missing (no ../shared?), so the published-spec run is SKIPPED", path.display());
                None
            }
            None => None,
        };
        spec.wait_ready(READY_TIMEOUT)?;
        if let Some(published) = &mut published {
            published.wait_ready(READY_TIMEOUT)?;
        }
        for server in std::iter::once(&spec).chain(&published) {
            eprintln!("==> Prism {VERSION} serves {} at {} (log {})", server.spec.display(), server.url(), server.log.display());
        }
        eprintln!("==> Prism ready in {:.1} s", started.elapsed().as_secs_f64());
        Ok(Servers { spec, published })
    }

    /// Points `command` at the servers, and clears a stale published URL when there is no such server.
    pub(crate) fn set_env(&self, command: &mut Command) {
        command.env(SPEC_URL_VAR, self.spec.url());
        match &self.published {
            Some(published) => command.env(PUBLISHED_URL_VAR, published.url()),
            None => command.env_remove(PUBLISHED_URL_VAR),
        };
    }
}

/// One Prism server in static mode (no `--errors`), started without waiting for it, so that
/// something else can run while it reads its spec. Dropping this stops it.
pub(crate) struct Mock {
    prism: Prism,
}

impl Mock {
    /// Installs Prism when needed and starts `prism mock` for `spec` on a free loopback port,
    /// logging to `target/prism/<name>.log`.
    pub(crate) fn spawn(root: &Path, name: &str, spec: &Path) -> anyhow::Result<Mock> {
        let cli = install(root)?;
        let log_dir = root.join("target").join("prism");
        std::fs::create_dir_all(&log_dir).with_context(|| format!("cannot create {}", log_dir.display()))?;
        Ok(Mock { prism: Prism::spawn(&cli, name.to_owned(), spec, &log_dir, false)? })
    }

    /// Waits until the server accepts connections, at most `timeout`.
    pub(crate) fn wait_ready(&mut self, timeout: Duration) -> anyhow::Result<()> {
        self.prism.wait_ready(timeout)
    }

    pub(crate) fn url(&self) -> String {
        self.prism.url()
    }

    pub(crate) fn log(&self) -> &Path {
        &self.prism.log
    }
}

/// Makes sure `.tools/prism/` holds Prism at exactly [`VERSION`] and returns its entry script.
///
/// `.tools/prism/package.json` and `package-lock.json` are checked in, so `npm ci` installs the
/// same tree of dependencies everywhere; without them (a fresh copy without the lock file) it
/// falls back to `npm install` of the pinned version.
fn install(root: &Path) -> anyhow::Result<PathBuf> {
    let dir = root.join(".tools").join("prism");
    let cli = dir.join("node_modules").join(PACKAGE).join("dist").join("index.js");
    check_node()?;
    let installed = installed_version(&dir);
    if installed.as_deref() == Some(VERSION) && cli.is_file() {
        return Ok(cli);
    }
    let reason = match &installed {
        Some(version) => format!("found {version}"),
        None => "not installed".to_owned(),
    };
    let locked = dir.join("package.json").is_file() && dir.join("package-lock.json").is_file();
    let mut npm = Command::new(npm_program());
    npm.arg(if locked { "ci" } else { "install" }).arg("--prefix").arg(&dir).args(["--no-audit", "--no-fund"]);
    if !locked {
        npm.arg("--save-exact").arg(format!("{PACKAGE}@{VERSION}"));
    }
    eprintln!("==> installing {PACKAGE}@{VERSION} into .tools/prism ({reason}; npm {})", if locked { "ci" } else { "install" });
    let started = Instant::now();
    let status = npm.status().map_err(|error| missing_tool("npm", &error))?;
    if !status.success() {
        bail!("`npm {}` of {PACKAGE}@{VERSION} into {} failed ({status})", if locked { "ci" } else { "install" }, dir.display());
    }
    match installed_version(&dir) {
        Some(version) if version == VERSION && cli.is_file() => {
            eprintln!("==> installed Prism {VERSION} in {:.1} s", started.elapsed().as_secs_f64());
            Ok(cli)
        }
        other => bail!(
            "npm installed {PACKAGE} {}, but the tests need {VERSION}; update .tools/prism/package.json and \
             package-lock.json with `npm install --prefix .tools/prism --save-exact {PACKAGE}@{VERSION}`",
            other.as_deref().unwrap_or("(nothing)")
        ),
    }
}

/// Fails with a clear message when `node` or `npm` is missing or Node.js is too old for Prism.
fn check_node() -> anyhow::Result<()> {
    let output = Command::new("node").arg("--version").output().map_err(|error| missing_tool("node", &error))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let version = text.trim();
    let parsed = parse_version(version.trim_start_matches('v'));
    match parsed {
        Some(found) if found >= MIN_NODE => {}
        _ => bail!("the Prism conformance tests need Node.js {}.{}.{} or newer, found `{version}`", MIN_NODE.0, MIN_NODE.1, MIN_NODE.2),
    }
    Command::new(npm_program()).arg("--version").output().map_err(|error| missing_tool("npm", &error))?;
    Ok(())
}

fn missing_tool(tool: &str, error: &std::io::Error) -> anyhow::Error {
    anyhow::anyhow!(
        "cannot run `{tool}` ({error}): the Prism conformance tests need Node.js {}.{}.{} or newer with npm \
         on the PATH (https://nodejs.org); `cargo xtask test` installs Prism itself",
        MIN_NODE.0,
        MIN_NODE.1,
        MIN_NODE.2
    )
}

fn npm_program() -> &'static str {
    if cfg!(windows) { "npm.cmd" } else { "npm" }
}

fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.split('.').map(|part| part.parse::<u32>().ok());
    Some((parts.next()??, parts.next()??, parts.next()??))
}

/// The `version` of the installed package, read from its `package.json`.
fn installed_version(dir: &Path) -> Option<String> {
    let manifest = std::fs::read_to_string(dir.join("node_modules").join(PACKAGE).join("package.json")).ok()?;
    package_version(&manifest)
}

/// The top-level `version` of a `package.json`; `None` when the text is not JSON or has none.
fn package_version(manifest: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(manifest).ok()?;
    Some(value.get("version")?.as_str()?.to_owned())
}

/// One Prism process. Dropping it kills the process and any children it has.
struct Prism {
    name: String,
    cli: PathBuf,
    spec: PathBuf,
    log: PathBuf,
    port: u16,
    child: Child,
    /// Whether it runs with `--errors`.
    errors: bool,
}

impl Prism {
    /// Starts `prism mock` (with `--errors` when `errors`) for `spec` on a free loopback port,
    /// logging to `<log_dir>/<name>.log`.
    fn spawn(cli: &Path, name: String, spec: &Path, log_dir: &Path, errors: bool) -> anyhow::Result<Prism> {
        let log = log_dir.join(format!("{name}.log"));
        let (port, child) = Self::launch(cli, spec, &log, errors)?;
        Ok(Prism { name, cli: cli.to_owned(), spec: spec.to_owned(), log, port, child, errors })
    }

    /// Runs `node` on the entry script itself rather than the `.bin/prism` shim, so that the
    /// child is the server and no shell sits in between. It stays in our process group, so a
    /// Ctrl-C in the terminal reaches it even when `Drop` never runs.
    fn launch(cli: &Path, spec: &Path, log: &Path, errors: bool) -> anyhow::Result<(u16, Child)> {
        let port = free_port()?;
        let stdout = File::create(log).with_context(|| format!("cannot create {}", log.display()))?;
        let stderr = stdout.try_clone()?;
        let mut command = Command::new("node");
        command.arg(cli).arg("mock");
        if errors {
            command.arg("--errors");
        }
        let child = command
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .map_err(|error| missing_tool("node", &error))?;
        Ok((port, child))
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Polls the port until Prism accepts a connection; a server that exits because its port
    /// was taken in the meantime is started again on another one.
    fn wait_ready(&mut self, timeout: Duration) -> anyhow::Result<()> {
        let started = Instant::now();
        let mut attempts = 1;
        loop {
            let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
            if TcpStream::connect_timeout(&address, Duration::from_millis(500)).is_ok() {
                return Ok(());
            }
            if let Some(status) = self.child.try_wait()? {
                let log = log_tail(&self.log);
                if log.contains("EADDRINUSE") && attempts < PORT_ATTEMPTS {
                    attempts += 1;
                    (self.port, self.child) = Self::launch(&self.cli, &self.spec, &self.log, self.errors)?;
                    continue;
                }
                bail!("Prism for {} exited before it listened ({status}); its log {}:\n{log}", self.spec.display(), self.log.display());
            }
            if started.elapsed() > timeout {
                bail!(
                    "Prism for {} did not listen on port {} within {} s; its log {}:\n{}",
                    self.spec.display(),
                    self.port,
                    timeout.as_secs(),
                    self.log.display(),
                    log_tail(&self.log)
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        // Children first: once the parent is gone they are reparented and no longer found.
        // Prism 5 without `--multiprocess` has none; this is for versions or flags that fork.
        for pid in descendants(self.child.id()) {
            let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).stderr(Stdio::null()).status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        eprintln!("==> Prism ({}) stopped", self.name);
    }
}

/// A loopback port nobody listens on right now.
fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("cannot find a free loopback port")?;
    Ok(listener.local_addr()?.port())
}

/// The last 60 lines of a log file, for error messages.
fn log_tail(path: &Path) -> String {
    const MAX_BYTES: u64 = 16 * 1024;
    let mut text = String::new();
    if let Ok(mut file) = File::open(path) {
        let length = file.metadata().map(|m| m.len()).unwrap_or(0);
        let _ = file.seek(SeekFrom::Start(length.saturating_sub(MAX_BYTES)));
        let mut bytes = Vec::new();
        let _ = file.read_to_end(&mut bytes);
        text = String::from_utf8_lossy(&bytes).into_owned();
    }
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(60)..].join("\n")
}

/// Every process below `pid`, read from `/proc` (Linux only; elsewhere none are found).
fn descendants(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    let parents: Vec<(u32, u32)> = entries
        .filter_map(|entry| {
            let child: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{child}/stat")).ok()?;
            // `pid (comm) state ppid ...`; comm may hold spaces and parentheses, so split after the last `)`.
            let parent = stat[stat.rfind(')')? + 1..].split_whitespace().nth(1)?.parse().ok()?;
            Some((child, parent))
        })
        .collect();
    let mut found = Vec::new();
    let mut queue = vec![pid];
    while let Some(parent) = queue.pop() {
        for &(child, _) in parents.iter().filter(|&&(_, p)| p == parent) {
            found.push(child);
            queue.push(child);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_top_level_version_of_a_package_json() {
        // A nested `version` that comes first must not be taken for the package's own.
        let manifest = r#"{ "engines": {"node": ">=18", "version": "0.0.0"}, "name": "@stainless-api/prism-cli", "version" : "5.16.1" }"#;
        assert_eq!(package_version(manifest).as_deref(), Some("5.16.1"));
        assert_eq!(package_version(r#"{"name": "x"}"#), None);
        assert_eq!(package_version(r#"{"version": 5}"#), None);
        assert_eq!(package_version("not json"), None);
    }

    #[test]
    fn compares_node_versions() {
        assert_eq!(parse_version("20.20.2"), Some((20, 20, 2)));
        assert!(parse_version("18.20.1").unwrap() >= MIN_NODE);
        assert!(parse_version("18.19.9").unwrap() < MIN_NODE);
        assert_eq!(parse_version("20"), None);
    }
}
