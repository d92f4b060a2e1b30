//! `cargo xtask semver-audit [OLD NEW]`: our change report checked against an outside judge.
//! Generates the crates of two specs (by default OpenAI's published specs of 2026-07-15 and
//! 2026-08-21, with OpenAI's settings), runs `cargo semver-checks` (crates.io; install it with
//! `cargo install cargo-semver-checks --locked`) on the pair, and prints what each side finds
//! breaking and where they agree. Every finding of cargo-semver-checks must be a breaking line
//! of our report; ours may have more, since it also sees changes rustdoc lints do not (a
//! field's type, for one). Not part of `cargo xtask test`: it builds rustdoc JSON of two large
//! crates and needs the tool installed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};

use crate::project_root;

/// One finding of cargo-semver-checks: its lint and the line naming the item.
struct Finding {
    lint: String,
    line: String,
}

/// The names a finding or a report line is about, reduced to what both sides spell the same
/// way: the type (or resource struct) and, when there is one, the member.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Subject {
    owner: String,
    member: Option<String>,
}

pub(crate) fn run(args: &[String]) -> anyhow::Result<bool> {
    let shared = project_root().parent().map(|p| p.join("shared/specs")).unwrap_or_default();
    let (old, new) = match args {
        [] => (shared.join("openai-openapi-2026-07-15.yaml"), shared.join("openai-openapi.yaml")),
        [old, new] => (PathBuf::from(old), PathBuf::from(new)),
        _ => bail!("`semver-audit` takes two specs, OLD and NEW, or none for OpenAI's two published specs"),
    };
    if Command::new("cargo").args(["semver-checks", "--version"]).output().map_or(true, |o| !o.status.success()) {
        bail!("cargo-semver-checks is not installed: run `cargo install cargo-semver-checks --locked` (a few minutes), then this again");
    }
    let started = Instant::now();
    let work = std::env::temp_dir().join("sdk-semver-audit");
    let _ = std::fs::remove_dir_all(&work);
    let (old_api, old_dir) = generate(&old, &work.join("old"), None)?;
    let (new_api, new_dir) = generate(&new, &work.join("new"), Some(&old_dir))?;
    let old_items = codegen::listing::list(&old_api);
    let new_items = codegen::listing::list(&new_api);
    let report = codegen::listing::Report::between(&old_items, &new_items);

    eprintln!("==> cargo semver-checks check-release (rustdoc JSON of both crates; minutes)");
    let output = Command::new("cargo")
        .args(["semver-checks", "check-release", "--release-type", "minor", "--color", "never", "--manifest-path"])
        .arg(new_dir.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(&old_dir)
        .env("CARGO_TARGET_DIR", project_root().join("target/semver-audit"))
        .output()
        .context("cannot run cargo semver-checks")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let findings = findings(&stdout);
    if findings.is_empty() && !output.status.success() {
        bail!("cargo semver-checks failed without findings:\n{}", String::from_utf8_lossy(&output.stderr));
    }

    // Resource structs (`FineTuningJobs`) stand for the accessor chains our report writes.
    let mut resources = BTreeMap::new();
    collect_resources(&old_api.root, "client", &mut resources);
    collect_resources(&new_api.root, "client", &mut resources);
    let ours: Vec<(Subject, &codegen::listing::Change)> =
        report.changes.iter().filter(|c| c.breaking).map(|c| (report_subject(&c.item, c.change, &resources), c)).collect();
    let mut unmatched = Vec::new();
    let mut matched = 0;
    for finding in &findings {
        let subject = finding_subject(&finding.line);
        // The same item, or, for a finding about a member, the whole type removed or replaced.
        let found =
            subject.as_ref().is_some_and(|s| ours.iter().any(|(o, _)| o.owner == s.owner && (o.member == s.member || o.member.is_none())));
        if found {
            matched += 1;
        } else {
            unmatched.push(finding);
        }
    }
    let mut by_lint: BTreeMap<&str, usize> = BTreeMap::new();
    for finding in &findings {
        *by_lint.entry(finding.lint.as_str()).or_default() += 1;
    }
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for (_, change) in &ours {
        *by_kind.entry(format!("{} {}", change.change, change.item.split(' ').next().unwrap_or(""))).or_default() += 1;
    }

    println!("# Our change report against cargo-semver-checks\n");
    println!("`{}` → `{}`, {:.0} s.\n", name(&old), name(&new), started.elapsed().as_secs_f64());
    println!("- our report: {} changes, {} breaking", report.changes.len(), report.breaking());
    println!("- cargo-semver-checks: {} findings", findings.len());
    println!("- its findings among our breaking changes: {matched} of {}\n", findings.len());
    println!("cargo-semver-checks, by lint:\n");
    for (lint, count) in &by_lint {
        println!("- `{lint}`: {count}");
    }
    println!("\nOur breaking changes, by kind:\n");
    for (kind, count) in &by_kind {
        println!("- {kind}: {count}");
    }
    if !unmatched.is_empty() {
        println!("\nFindings our report does not call breaking:\n");
        for finding in &unmatched {
            println!("- `{}`: {}", finding.lint, finding.line);
        }
    }
    Ok(unmatched.is_empty())
}

fn name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Generates `spec` into `out` with OpenAI's settings, over `previous`
/// when given, so that the new crate's version moves as a regeneration would move it.
fn generate(spec: &Path, out: &Path, previous: Option<&Path>) -> anyhow::Result<(codegen::ir::Api, PathBuf)> {
    let text = std::fs::read_to_string(spec).with_context(|| format!("cannot read {}", spec.display()))?;
    let settings = crate::settings_for(spec, Some(&crate::openai_settings()))?.map_err(|e| anyhow::anyhow!("{e}"))?;
    let previous = previous.map(crate::codegen_cmd::previous).unwrap_or_default();
    let generated = codegen::generate_over(&name(spec), &text, &settings, &previous).map_err(|e| anyhow::anyhow!("{e}"))?;
    for file in &generated.files {
        let path = out.join(&file.path);
        std::fs::create_dir_all(path.parent().expect("files live in folders"))?;
        std::fs::write(&path, &file.contents)?;
    }
    std::fs::copy(project_root().join("Cargo.lock"), out.join("Cargo.lock"))?;
    eprintln!("==> generated {} into {}", name(spec), out.display());
    Ok((generated.api, out.to_path_buf()))
}

fn collect_resources(node: &codegen::ir::Resource, path: &str, out: &mut BTreeMap<String, String>) {
    if !node.struct_name.is_empty() {
        out.insert(node.struct_name.clone(), path.to_owned());
    }
    for child in &node.children {
        collect_resources(child, &format!("{path}.{}()", child.accessor), out);
    }
}

/// Each `Failed in:` line of the tool's output, with the lint of its section.
fn findings(stdout: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut lint = None;
    let mut listing = false;
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("--- failure ") {
            lint = rest.split(':').next().map(str::to_owned);
            listing = false;
        } else if line.trim() == "Failed in:" {
            listing = true;
        } else if listing && line.starts_with("  ") && !line.trim().is_empty() {
            if let Some(lint) = &lint {
                out.push(Finding { lint: lint.clone(), line: line.trim().to_owned() });
            }
        } else if line.trim().is_empty() {
            listing = false;
        }
    }
    out
}

/// What a finding is about. The tool words each lint its own way; these are the shapes its
/// lines take for the items a generated crate has.
fn finding_subject(line: &str) -> Option<Subject> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let last_segment = |path: &str| path.trim_end_matches(',').rsplit("::").next().unwrap_or(path).to_owned();
    // `field coupon of struct Order, previously in ...`
    if let [kind, member, "of", _, owner, ..] = words.as_slice()
        && matches!(*kind, "field" | "variant")
    {
        return Some(Subject { owner: last_segment(owner), member: Some(member.trim_end_matches(',').to_owned()) });
    }
    // `field Order.gift in ...` (a field added to a struct that can be built)
    if let ["field", path, ..] = words.as_slice()
        && let Some((owner, member)) = path.trim_end_matches(',').split_once('.')
    {
        return Some(Subject { owner: last_segment(owner), member: Some(member.to_owned()) });
    }
    // `variant Status::Paused in ...`, `struct shop::types::Order, previously ...`
    if let [kind, path, ..] = words.as_slice()
        && matches!(*kind, "variant" | "struct" | "enum" | "type" | "field" | "function" | "fn")
    {
        let path = path.trim_end_matches(',');
        let segments: Vec<&str> = path.split("::").collect();
        return match segments.as_slice() {
            [.., owner, member] if *kind != "struct" && *kind != "enum" && *kind != "type" => {
                Some(Subject { owner: (*owner).to_owned(), member: Some((*member).to_owned()) })
            }
            _ => Some(Subject { owner: last_segment(path), member: None }),
        };
    }
    // `Orders::refund, previously in ...`, `shop::types::Order::new takes 2 parameters ...`
    let first = words.first()?.trim_end_matches(',');
    let segments: Vec<&str> = first.split("::").collect();
    match segments.as_slice() {
        [.., owner, member] => Some(Subject { owner: (*owner).to_owned(), member: Some((*member).to_owned()) }),
        _ => None,
    }
}

/// What a line of our report is about, in the same terms: `field types::Order.note` is
/// (`Order`, `note`); `fn client.fine_tuning().jobs().pause` is (`FineTuningJobs`, `pause`);
/// a struct whose `new` changed is (`Order`, `new`); a removed type is (`Order`, none), which
/// stands for its members too.
fn report_subject(item: &str, change: &str, resources: &BTreeMap<String, String>) -> Subject {
    let (kind, path) = item.split_once(' ').unwrap_or(("", item));
    if let Some(name) = path.strip_prefix("types::") {
        if let Some((owner, member)) = name.split_once('.').or_else(|| name.split_once("::")) {
            // rustdoc names a raw identifier without its `r#`.
            return Subject { owner: owner.to_owned(), member: Some(member.trim_start_matches("r#").to_owned()) };
        }
        let member = (kind == "struct" && change == "changed").then(|| "new".to_owned());
        return Subject { owner: name.to_owned(), member };
    }
    if let Some((chain, method)) = path.rsplit_once('.')
        && let Some((owner, _)) = resources.iter().find(|(_, p)| p.as_str() == chain)
    {
        return Subject { owner: owner.clone(), member: Some(method.to_owned()) };
    }
    Subject { owner: path.to_owned(), member: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tools_lines_name_their_items() {
        let subject = |line: &str| finding_subject(line).map(|s| (s.owner, s.member));
        assert_eq!(
            subject("field coupon of struct Order, previously in file /x/types.rs:15"),
            Some(("Order".into(), Some("coupon".into())))
        );
        assert_eq!(subject("Orders::refund, previously in file /x/resources.rs:45"), Some(("Orders".into(), Some("refund".into()))));
        assert_eq!(
            subject("shop::types::Order::new takes 2 parameters in /x/types.rs:22, but now takes 3 parameters in /y/types.rs:21"),
            Some(("Order".into(), Some("new".into())))
        );
        assert_eq!(subject("struct shop::types::Order, previously in file /x/types.rs:9"), Some(("Order".into(), None)));
        assert_eq!(subject("variant Status::Paused in /x/types.rs:3"), Some(("Status".into(), Some("Paused".into()))));
        assert_eq!(subject("field Order.gift in /y/types.rs:87061"), Some(("Order".into(), Some("gift".into()))));
    }

    #[test]
    fn our_lines_name_theirs() {
        let resources = BTreeMap::from([("Orders".to_owned(), "client.orders()".to_owned())]);
        let subject = |item: &str, change: &str| {
            let s = report_subject(item, change, &resources);
            (s.owner, s.member)
        };
        assert_eq!(subject("field types::Order.note", "changed"), ("Order".into(), Some("note".into())));
        assert_eq!(subject("fn client.orders().refund", "removed"), ("Orders".into(), Some("refund".into())));
        assert_eq!(subject("struct types::Order", "changed"), ("Order".into(), Some("new".into())));
        assert_eq!(subject("struct types::Order", "removed"), ("Order".into(), None));
        assert_eq!(subject("enum types::Status", "removed"), ("Status".into(), None));
        assert_eq!(subject("field types::Part.r#type", "removed"), ("Part".into(), Some("type".into())));
    }

    #[test]
    fn findings_are_read_per_lint() {
        let out = "\n--- failure struct_pub_field_missing: pub struct's pub field removed ---\n\nDescription:\nA field.\n\nFailed in:\n  field coupon of struct Order, previously in file a.rs:15\n  field x of struct Y, previously in file a.rs:16\n\n--- failure inherent_method_missing: pub method removed ---\n\nFailed in:\n  Orders::refund, previously in file r.rs:45\n";
        let found: Vec<(String, String)> = findings(out).into_iter().map(|f| (f.lint, f.line)).collect();
        assert_eq!(found.len(), 3);
        assert_eq!(found[2], ("inherent_method_missing".to_owned(), "Orders::refund, previously in file r.rs:45".to_owned()));
    }
}
