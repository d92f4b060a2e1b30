//! `cargo xtask corpus`: the real-world OpenAPI documents in `../shared/specs/corpus/` -> one
//! generated crate each, or the generator's refusal, then every generated crate through clippy,
//! and a table of what happened to each document.
//!
//! The documents were written by other people for other tools, so the generator may rightly
//! refuse some (Swagger 2.0, external `$ref`s, `type: file`): each refusal, by its first error
//! line, is listed in `tests/corpus/known-refusals.txt`. Each crate that is generated must pass
//! `cargo clippy --all-features -- -D warnings`; the ones that do not yet (generator bugs, to be
//! fixed in `codegen/`) are listed, by their first error, in `tests/corpus/known-clippy.txt`.
//! The command fails when either list and reality part ways, in either direction, so a fix shows
//! as well as a regression; `--accept` rewrites both lists from what was found, keeping the
//! reason written by hand after an entry's second ` -- `.
//!
//! To stay affordable on a small machine, the crates are not built one by one: they are written
//! as the members of one temporary Cargo workspace, with the repository's `Cargo.lock` (the same
//! dependency versions, and `--offline` works), checked by one `cargo clippy --workspace`
//! against the target folder `whole-spec` already uses, and failures are attributed to their
//! crate from cargo's JSON messages.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};
use serde_json::Value;

use crate::project_root;
use crate::stages::Stages;

/// The checked-in list of the documents the generator refuses, with the first error line.
const REFUSALS: &str = "tests/corpus/known-refusals.txt";
/// The checked-in list of the generated crates clippy rejects, with the first error.
const CLIPPY: &str = "tests/corpus/known-clippy.txt";

const REFUSALS_HEADER: &str = "\
# Documents of ../shared/specs/corpus/ that the generator refuses, each as `folder/file -- the first
# error line`, optionally followed by ` -- ` and why the refusal is right (or what would lift it).
# `cargo xtask corpus` fails when this list and reality part ways, in either direction; `--accept`
# rewrites it from what was found, keeping the reasons of the entries that stay.

";

const CLIPPY_HEADER: &str = "\
# Generated crates of ../shared/specs/corpus/ that `cargo clippy --all-features -- -D warnings`
# rejects, each as `folder/file -- the first error` then ` -- ` and why: generator bugs to fix in
# codegen/, listed so that the corpus test passes meanwhile and notices when one is fixed or a new
# one appears. `--accept` rewrites this list from what was found, keeping the reasons.

";

struct Options {
    /// Rewrite both lists from what was found, like `EXPECTORATE=overwrite`.
    accept: bool,
}

fn parse(args: &[String]) -> anyhow::Result<Options> {
    let mut options = Options { accept: false };
    for arg in args {
        match arg.as_str() {
            "--accept" => options.accept = true,
            other => bail!("unknown argument `{other}` to `corpus`; expected --accept (see `cargo xtask corpus --help`)"),
        }
    }
    Ok(options)
}

/// `cargo xtask corpus`: runs the check, then prints how long each step took.
pub(crate) fn run(args: &[String]) -> anyhow::Result<bool> {
    // A bad argument is reported before anything runs, the table of stages included.
    parse(args)?;
    let mut stages = Stages::default();
    let result = stages.run("corpus", |stages| run_in(args, stages));
    eprintln!("==> stages\n{}", stages.table());
    result
}

/// Runs the check as the running stage of `stages`, its steps as parts; a missing corpus folder
/// is reported, recorded as not checked, and passes.
pub(crate) fn run_in(args: &[String], stages: &mut Stages) -> anyhow::Result<bool> {
    let options = parse(args)?;
    let corpus = project_root().parent().map(|p| p.join("shared/specs/corpus")).unwrap_or_default();
    if !corpus.is_dir() {
        eprintln!("==> {} is not here: the corpus was NOT checked (0 documents generated or linted)", corpus.display());
        stages.part("not checked: ../shared/specs/corpus is absent", 0.0, true);
        return Ok(true);
    }
    let documents = documents(&corpus)?;
    eprintln!("==> corpus: {} documents in {}", documents.len(), corpus.display());

    let started = Instant::now();
    // The folder is kept from one run to the next, and only files whose contents changed are
    // written, so that cargo sees the crates the generator still writes the same way as fresh
    // and does not lint them again (a crate with an error is never fresh: `-D warnings`).
    let out = std::env::temp_dir().join("sdk-corpus");
    std::fs::create_dir_all(&out)?;
    let mut results = Vec::new();
    for document in &documents {
        results.push(generate(&corpus, document, &out)?);
    }
    let members: Vec<&str> = results.iter().filter_map(|r| r.member.as_deref()).collect();
    remove_other_members(&out, &members)?;
    write_if_changed(&out.join("Cargo.toml"), &workspace_manifest(&members))?;
    std::fs::copy(project_root().join("Cargo.lock"), out.join("Cargo.lock"))?;
    stages.part(&format!("generate {} documents", documents.len()), started.elapsed().as_secs_f64(), true);

    let clippy = if members.is_empty() { Clippy::default() } else { clippy(&out, members.len(), stages)? };
    let mut ok = true;
    for result in &mut results {
        let Some(member) = &result.member else { continue };
        let failure = clippy.failures.iter().find(|f| &f.member == member);
        if failure.is_some() || clippy.checked.contains(member) {
            result.clippy = Some(failure.cloned());
        } else {
            // Neither an error nor an artifact: cargo stopped before this crate.
            eprintln!("==> {member} was not linted (see cargo's output above)");
            ok = false;
        }
    }
    eprintln!("==> corpus: the crates are in {}\n{}", out.display(), table(&results));

    let refusals: Vec<String> = results.iter().filter_map(|r| Some(format!("{} -- {}", r.document, r.refused.as_ref()?))).collect();
    let failures: Vec<String> =
        results.iter().filter_map(|r| Some(format!("{} -- {}", r.document, r.clippy.as_ref()?.as_ref()?.first))).collect();
    if clippy.unattributed {
        eprintln!("==> cargo clippy failed without an error in any generated crate (see its output above)");
        ok = false;
    }
    // `&`, not `&&`: both lists are compared, so that one run reports every difference.
    let agree = compare(REFUSALS, REFUSALS_HEADER, &refusals, options.accept)? & compare(CLIPPY, CLIPPY_HEADER, &failures, options.accept)?;
    stages.part("known-refusals.txt and known-clippy.txt agree", 0.0, agree);
    Ok(ok && agree)
}

/// The documents, as `folder/file.yaml` relative to the corpus, sorted.
fn documents(corpus: &Path) -> anyhow::Result<Vec<String>> {
    let mut found = Vec::new();
    for folder in std::fs::read_dir(corpus).with_context(|| format!("cannot read {}", corpus.display()))? {
        let folder = folder?;
        if !folder.file_type()?.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(folder.path())? {
            let name = file?.file_name().to_string_lossy().into_owned();
            if name.ends_with(".yaml") || name.ends_with(".yml") {
                found.push(format!("{}/{name}", folder.file_name().to_string_lossy()));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// What happened to one document.
struct Outcome {
    /// `folder/file.yaml`.
    document: String,
    /// The workspace member it was generated into, when it was.
    member: Option<String>,
    /// The first error line, when the generator refused it.
    refused: Option<String>,
    /// How many warnings the generator gave.
    warnings: usize,
    /// Once clippy ran: `None` when it passed, else the failure.
    clippy: Option<Option<Failure>>,
}

/// Generates `document` into a member folder of `out`, or records its refusal. A panic of the
/// generator is a refusal too, so that one bad document does not hide what the others give.
fn generate(corpus: &Path, document: &str, out: &Path) -> anyhow::Result<Outcome> {
    let text = std::fs::read_to_string(corpus.join(document)).with_context(|| format!("cannot read {document}"))?;
    let mut outcome = Outcome { document: document.to_owned(), member: None, refused: None, warnings: 0, clippy: None };
    // Each document with the defaults, as a user who brings their own API gets them.
    let settings = codegen::Settings::default();
    let generated = match std::panic::catch_unwind(|| codegen::generate(document, &text, &settings)) {
        Ok(Ok(generated)) => generated,
        Ok(Err(errors)) => {
            outcome.refused = Some(errors.to_string().lines().next().unwrap_or_default().to_owned());
            return Ok(outcome);
        }
        Err(panic) => {
            let message = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()));
            outcome.refused = Some(format!("the generator panicked: {}", message.unwrap_or_default().lines().next().unwrap_or_default()));
            return Ok(outcome);
        }
    };
    outcome.warnings = generated.warnings.len();
    let member = member_name(document);
    let dir = out.join(&member);
    let mut wanted = BTreeSet::new();
    for file in &generated.files {
        let path = dir.join(&file.path);
        let contents = if file.path == "Cargo.toml" { rename_package(&file.contents, &member) } else { file.contents.clone() };
        write_if_changed(&path, &contents)?;
        wanted.insert(path);
    }
    // Files an earlier run wrote that the generator no longer writes.
    let mut stack = vec![dir];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if !wanted.contains(&path) {
                std::fs::remove_file(&path)?;
            }
        }
    }
    outcome.member = Some(member);
    Ok(outcome)
}

/// Writes `contents` to `path` unless it already holds them, leaving its time alone for cargo.
fn write_if_changed(path: &Path, contents: &str) -> anyhow::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|have| have == contents) {
        return Ok(());
    }
    std::fs::create_dir_all(path.parent().expect("files live in folders"))?;
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

/// Removes the member folders of documents that are gone or are refused now.
fn remove_other_members(out: &Path, members: &[&str]) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(out)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() && !members.iter().any(|m| entry.file_name() == *m) {
            std::fs::remove_dir_all(entry.path())?;
        }
    }
    Ok(())
}

/// The member folder and package name of a document: unique, since the package names the
/// generator takes from the documents' titles repeat (several petstores) and one workspace
/// cannot hold two packages of one name.
fn member_name(document: &str) -> String {
    let stem = document.strip_suffix(".yaml").or_else(|| document.strip_suffix(".yml")).unwrap_or(document);
    let mut name = String::new();
    for c in stem.chars() {
        let c = if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' };
        if c != '-' || !name.ends_with('-') {
            name.push(c);
        }
    }
    name.trim_matches('-').to_owned()
}

/// The generated manifest with the package renamed; the generator is left as it is.
fn rename_package(manifest: &str, name: &str) -> String {
    let mut in_package = false;
    let mut renamed = false;
    let mut out = String::new();
    for line in manifest.lines() {
        if line.starts_with('[') {
            in_package = line.trim() == "[package]";
        }
        if in_package && !renamed && line.trim_start().starts_with("name =") {
            out.push_str(&format!("name = \"{name}\"\n"));
            renamed = true;
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The temporary workspace's own manifest: every generated crate a member.
fn workspace_manifest(members: &[&str]) -> String {
    let list: String = members.iter().map(|m| format!("    \"{m}\",\n")).collect();
    format!(
        "# The crates `cargo xtask corpus` generated from ../shared/specs/corpus, checked together.\n[workspace]\nresolver = \"3\"\nmembers = [\n{list}]\n"
    )
}

/// One crate that clippy rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Failure {
    member: String,
    /// The first error, as `error[code]: message`.
    first: String,
    /// How many errors in all.
    errors: usize,
}

/// What the clippy run found.
#[derive(Debug, Default)]
struct Clippy {
    failures: Vec<Failure>,
    /// The members cargo finished linting, freshly or from an earlier run (those that passed).
    checked: BTreeSet<String>,
    /// Cargo failed, but no error was in any member: a broken lock file, a missing dependency.
    unattributed: bool,
}

/// One `cargo clippy` over the whole temporary workspace, all features, warnings denied.
/// Clippy type-checks as it lints, so a separate `cargo check` would add time and find nothing
/// more. `--keep-going` checks every crate even when one fails; the errors are attributed to
/// their crate from `--message-format=json`, and the first one of each crate is shown in full.
///
/// Every crate gets every feature: on the 2-core development machine the whole run took about
/// 2.5 minutes, most of it the four large vendor crates (Mistral, Twilio's 2010 API, Together,
/// Cohere: 18 to 42 s each, the other crates 1 to 4 s), so nothing needs narrowing to one feature.
fn clippy(out: &Path, count: usize, stages: &mut Stages) -> anyhow::Result<Clippy> {
    let name = format!("cargo clippy --workspace --all-features -- -D warnings ({count} crates)");
    eprintln!("==> {name}");
    let target = project_root().join("target/whole-spec");
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .current_dir(out)
        .env("CARGO_TARGET_DIR", &target)
        // Nothing here is compiled twice with the same sources, and the cache would be large.
        .env("CARGO_INCREMENTAL", "0")
        .args(["clippy", "--offline", "--workspace", "--all-features", "--keep-going", "--message-format=json", "--", "-D", "warnings"])
        .stdout(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().context("cannot run cargo clippy")?;
    let mut messages = Vec::new();
    for line in BufReader::new(child.stdout.take().expect("stdout is piped")).lines() {
        messages.push(line?);
    }
    let status = child.wait()?;
    let Attributed { failures, rendered, checked } = attribute(&messages);
    for (failure, rendered) in failures.iter().zip(&rendered) {
        eprintln!("==> {} fails clippy ({} errors); the first:\n{rendered}", failure.member, failure.errors);
    }
    let unattributed = !status.success() && failures.is_empty();
    // Crates that fail are the lists' business (the next part); this part fails only when cargo
    // itself did.
    let row = format!("{name}, {} failed", failures.len());
    stages.part(&row, started.elapsed().as_secs_f64(), !unattributed);
    Ok(Clippy { unattributed, failures, checked })
}

/// What cargo's JSON messages say about the members.
#[derive(Debug, Default)]
struct Attributed {
    /// The crates with errors, in the order of their first error.
    failures: Vec<Failure>,
    /// The first error of each, as the compiler rendered it.
    rendered: Vec<String>,
    /// The crates whose library was linted without an error.
    checked: BTreeSet<String>,
}

/// Cargo's JSON messages -> what happened to each crate. A crate is known by the folder of its
/// manifest; the dependencies' messages are left out, as they are not in such a folder of ours.
fn attribute(messages: &[String]) -> Attributed {
    let mut found = Attributed::default();
    let failures = &mut found.failures;
    for line in messages {
        let Ok(json) = serde_json::from_str::<Value>(line) else { continue };
        let Some(member) =
            json["manifest_path"].as_str().and_then(|p| Path::new(p).parent()?.file_name()).map(|n| n.to_string_lossy().into_owned())
        else {
            continue;
        };
        if json["reason"] == "compiler-artifact" {
            found.checked.insert(member);
            continue;
        }
        if json["reason"] != "compiler-message" || json["message"]["level"] != "error" {
            continue;
        }
        let message = &json["message"];
        let text = message["message"].as_str().unwrap_or_default();
        // rustc's closing summary, not an error of its own.
        if text.starts_with("aborting due to") {
            continue;
        }
        if let Some(failure) = failures.iter_mut().find(|f| f.member == member) {
            failure.errors += 1;
            continue;
        }
        let first = match message["code"]["code"].as_str() {
            Some(code) => format!("error[{code}]: {text}"),
            None => format!("error: {text}"),
        };
        failures.push(Failure { member, first, errors: 1 });
        found.rendered.push(message["rendered"].as_str().unwrap_or(text).trim_end().to_owned());
    }
    found
}

/// Whether the list entry `entry` records the finding `found`: the same line, or that line then
/// ` -- ` and a reason.
fn records(entry: &str, found: &str) -> bool {
    entry == found || entry.strip_prefix(found).is_some_and(|rest| rest.starts_with(" -- "))
}

/// The entries of a list file: its lines that are not blank or comments.
fn entries(text: &str) -> Vec<&str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

/// Compares what was found with the checked-in list at `path` (relative to the project), or
/// rewrites the list with `--accept`; says what differs, and returns whether they agree.
fn compare(path: &str, header: &str, found: &[String], accept: bool) -> anyhow::Result<bool> {
    let file = project_root().join(path);
    let old = std::fs::read_to_string(&file).unwrap_or_default();
    let (unlisted, gone) = differences(&old, found);
    if accept {
        let new = accepted(header, &old, found);
        if new != old {
            std::fs::create_dir_all(file.parent().expect("the lists live in tests/corpus"))?;
            std::fs::write(&file, new)?;
            eprintln!("==> wrote {path} ({} entries); read the diff before committing", found.len());
        }
        return Ok(true);
    }
    for line in &unlisted {
        eprintln!("==> {path}: found, but not listed: {line}");
    }
    for line in &gone {
        eprintln!("==> {path}: listed, but not found: {line}");
    }
    if !unlisted.is_empty() || !gone.is_empty() {
        eprintln!("==> {path} and reality part ways: fix the cause, or run `cargo xtask corpus --accept` and read the diff");
    }
    Ok(unlisted.is_empty() && gone.is_empty())
}

/// The findings no entry of `old` records, and the entries of `old` that record no finding.
fn differences<'a>(old: &'a str, found: &'a [String]) -> (Vec<&'a str>, Vec<&'a str>) {
    let listed = entries(old);
    let unlisted = found.iter().filter(|f| !listed.iter().any(|e| records(e, f))).map(String::as_str).collect();
    let gone = listed.into_iter().filter(|e| !found.iter().any(|f| records(e, f))).collect();
    (unlisted, gone)
}

/// The new list: `header`, then each finding, with the reason the old list gave it when it had one.
fn accepted(header: &str, old: &str, found: &[String]) -> String {
    let listed = entries(old);
    let mut out = header.to_owned();
    let sorted: BTreeSet<&String> = found.iter().collect();
    for line in sorted {
        let _ = writeln!(out, "{}", listed.iter().find(|e| records(e, line)).copied().unwrap_or(line));
    }
    out
}

/// The table printed at the end: one row per document, then the totals.
fn table(results: &[Outcome]) -> String {
    let rows: Vec<[String; 5]> = results
        .iter()
        .map(|r| {
            let (result, first) = match &r.refused {
                Some(error) => ("refused".to_owned(), error.clone()),
                None => ("generated".to_owned(), String::new()),
            };
            let warnings = if r.refused.is_some() { "-".to_owned() } else { r.warnings.to_string() };
            let (clippy, first) = match &r.clippy {
                None if r.refused.is_some() => ("-".to_owned(), first),
                None => ("not run".to_owned(), first),
                Some(None) => ("ok".to_owned(), first),
                Some(Some(failure)) => (format!("FAILED ({})", failure.errors), failure.first.clone()),
            };
            [r.document.clone(), result, warnings, clippy, first]
        })
        .collect();
    let heads = ["document", "result", "warnings", "clippy", "first error"];
    let width = |i: usize| rows.iter().map(|row| row[i].chars().count()).chain([heads[i].len()]).max().unwrap_or(0);
    let widths = [width(0), width(1), width(2), width(3)];
    let line = |cells: [&str; 5]| {
        let text = format!(
            "{:<w0$}  {:<w1$}  {:>w2$}  {:<w3$}  {}",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            cells[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        );
        format!("{}\n", text.trim_end())
    };
    let mut out = line(heads);
    for row in &rows {
        out.push_str(&line([&row[0], &row[1], &row[2], &row[3], &row[4]]));
    }
    let generated = results.iter().filter(|r| r.refused.is_none()).count();
    let warnings: usize = results.iter().map(|r| r.warnings).sum();
    let clean = results.iter().filter(|r| matches!(r.clippy, Some(None))).count();
    let failed = results.iter().filter(|r| matches!(r.clippy, Some(Some(_)))).count();
    let _ = writeln!(
        out,
        "total: {} documents, {generated} generated, {} refused, {warnings} warnings; clippy: {clean} ok, {failed} failed",
        results.len(),
        results.len() - generated
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_accept_and_nothing_else() {
        assert!(!parse(&[]).unwrap().accept);
        assert!(parse(&["--accept".to_owned()]).unwrap().accept);
        let error = parse(&["--quick".to_owned()]).err().unwrap().to_string();
        assert_eq!(error, "unknown argument `--quick` to `corpus`; expected --accept (see `cargo xtask corpus --help`)");
    }

    #[test]
    fn member_names_are_package_names_made_from_the_path() {
        assert_eq!(member_name("oai/v3.0-petstore.yaml"), "oai-v3-0-petstore");
        assert_eq!(
            member_name("openapi-generator/3_0-4758-circularReferencedSchemaNames.yaml"),
            "openapi-generator-3-0-4758-circularreferencedschemanames"
        );
        assert_eq!(member_name("vendor/twilio_api_v2010.yml"), "vendor-twilio-api-v2010");
    }

    #[test]
    fn renames_only_the_package() {
        let manifest =
            "# @generated\n\n[package]\nname = \"swagger-petstore\"\nversion = \"0.1.0\"\n\n[dependencies]\nname = \"not this\"\n";
        assert_eq!(
            rename_package(manifest, "oai-v3-0-petstore"),
            "# @generated\n\n[package]\nname = \"oai-v3-0-petstore\"\nversion = \"0.1.0\"\n\n[dependencies]\nname = \"not this\"\n"
        );
    }

    #[test]
    fn errors_are_attributed_to_their_crate_first_error_first() {
        let message = |member: &str, level: &str, code: Option<&str>, text: &str| {
            serde_json::json!({
                "reason": "compiler-message",
                "manifest_path": format!("/tmp/sdk-corpus/{member}/Cargo.toml"),
                "message": {"level": level, "message": text, "code": code.map(|c| serde_json::json!({"code": c})), "rendered": format!("{level}: {text}\n  --> src/lib.rs\n")},
            })
            .to_string()
        };
        let messages = vec![
            "not JSON: cargo's progress goes to stderr, but be safe".to_owned(),
            serde_json::json!({"reason": "compiler-artifact", "manifest_path": "/tmp/sdk-corpus/c/Cargo.toml"}).to_string(),
            serde_json::json!({"reason": "compiler-artifact", "manifest_path": "/home/.cargo/registry/src/serde-1.0.0/Cargo.toml"})
                .to_string(),
            message("b", "error", Some("clippy::large_enum_variant"), "large size difference between variants"),
            message("a", "warning", None, "unused import"),
            message("a", "error", Some("E0308"), "mismatched types"),
            message("b", "error", None, "second error"),
            message("b", "error", None, "aborting due to 2 previous errors"),
        ];
        let found = attribute(&messages);
        assert_eq!(
            found.failures,
            [
                Failure {
                    member: "b".into(),
                    first: "error[clippy::large_enum_variant]: large size difference between variants".into(),
                    errors: 2
                },
                Failure { member: "a".into(), first: "error[E0308]: mismatched types".into(), errors: 1 },
            ]
        );
        assert_eq!(
            found.rendered,
            ["error: large size difference between variants\n  --> src/lib.rs", "error: mismatched types\n  --> src/lib.rs"]
        );
        // Only c was linted without an error; a dependency's artifact names no member, so it does no harm.
        assert!(found.checked.contains("c") && !found.checked.contains("a") && !found.checked.contains("b"), "{:?}", found.checked);
    }

    #[test]
    fn lists_and_findings_part_ways_in_both_directions() {
        let old = "# header\n\na.yaml -- error: x -- refused rightly\nb.yaml -- error: y\nc.yaml -- error: gone\n";
        let found = ["a.yaml -- error: x".to_owned(), "b.yaml -- error: y changed".to_owned(), "d.yaml -- error: new".to_owned()];
        let (unlisted, gone) = differences(old, &found);
        assert_eq!(unlisted, ["b.yaml -- error: y changed", "d.yaml -- error: new"]);
        assert_eq!(gone, ["b.yaml -- error: y", "c.yaml -- error: gone"]);
        // A reason is not part of the finding, but a longer message is not a reason.
        assert_eq!(differences("a.yaml -- error: x -- why\n", &["a.yaml -- error: x".to_owned()]), (vec![], vec![]));
        assert_eq!(differences("a.yaml -- error: xyz\n", &["a.yaml -- error: x".to_owned()]).0, ["a.yaml -- error: x"]);
    }

    #[test]
    fn accepting_keeps_the_reasons_written_by_hand() {
        let old = "# old header\na.yaml -- error: x -- refused rightly\nb.yaml -- error: y -- stale reason\n";
        let found = ["b.yaml -- error: y changed".to_owned(), "a.yaml -- error: x".to_owned()];
        assert_eq!(accepted("# new\n\n", old, &found), "# new\n\na.yaml -- error: x -- refused rightly\nb.yaml -- error: y changed\n");
    }

    #[test]
    fn the_table_has_a_row_per_document_and_the_totals() {
        let outcome = |document: &str, refused: Option<&str>, clippy: Option<Option<Failure>>| Outcome {
            document: document.into(),
            member: refused.is_none().then(|| member_name(document)),
            refused: refused.map(Into::into),
            warnings: usize::from(refused.is_none()) * 2,
            clippy,
        };
        let failure = Failure { member: "v-b".into(), first: "error[E0308]: mismatched types".into(), errors: 3 };
        let table = table(&[
            outcome("oai/a.yaml", Some("error: oai/a.yaml:1:1: Swagger 2.0 is not supported"), None),
            outcome("v/b.yaml", None, Some(Some(failure))),
            outcome("v/c.yaml", None, Some(None)),
        ]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 5, "{table}");
        assert!(lines[0].starts_with("document  ") && lines[0].ends_with("clippy      first error"), "{table}");
        assert!(
            lines[1].starts_with("oai/a.yaml  refused")
                && lines[1].ends_with("-  -           error: oai/a.yaml:1:1: Swagger 2.0 is not supported"),
            "{table}"
        );
        assert!(lines[2].ends_with("generated         2  FAILED (3)  error[E0308]: mismatched types"), "{table}");
        assert!(lines[3].ends_with("generated         2  ok"), "{table}");
        assert_eq!(lines[4], "total: 3 documents, 2 generated, 1 refused, 4 warnings; clippy: 1 ok, 1 failed");
    }
}
