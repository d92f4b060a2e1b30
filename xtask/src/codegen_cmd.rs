//! `cargo xtask codegen`: spec -> generated crate on disk, or a check that it is up to date.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};

use crate::project_root;

struct Options {
    check: bool,
    force: bool,
    overlays: Vec<PathBuf>,
    only: Vec<String>,
    spec: PathBuf,
    settings: Option<PathBuf>,
    out: PathBuf,
}

fn parse(args: &[String]) -> anyhow::Result<Options> {
    let root = project_root();
    let mut options = Options {
        check: false,
        force: false,
        overlays: Vec::new(),
        only: Vec::new(),
        spec: root.join("spec/openai-fine-tuning.yaml"),
        settings: None,
        out: root.join("generated"),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => options.check = true,
            "--force" => options.force = true,
            "--overlay" => options.overlays.push(PathBuf::from(args.next().context("`--overlay` needs a path")?)),
            "--only" => options.only.push(args.next().context("`--only` needs a path prefix or a tag")?.clone()),
            "--spec" => options.spec = PathBuf::from(args.next().context("`--spec` needs a path")?),
            "--settings" => options.settings = Some(PathBuf::from(args.next().context("`--settings` needs a path")?)),
            "--out" => options.out = PathBuf::from(args.next().context("`--out` needs a directory")?),
            other => bail!(
                "unknown argument `{other}` to `codegen`; expected --check, --force, --spec PATH, --settings PATH, --overlay PATH, --only PREFIX|TAG or --out DIR (see `cargo xtask codegen --help`)"
            ),
        }
    }
    Ok(options)
}

/// How headers and messages name the spec: relative to the project when it is inside it,
/// else by file name, so no output ever holds a path of this machine.
fn spec_label(spec: &Path) -> String {
    let root = project_root();
    let absolute = std::fs::canonicalize(spec).unwrap_or_else(|_| spec.to_path_buf());
    let canonical_root = std::fs::canonicalize(&root).unwrap_or(root);
    match absolute.strip_prefix(&canonical_root) {
        Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
        Err(_) => spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "spec".to_owned()),
    }
}

/// Generates; returns `Ok(false)` when the spec has errors or `--check` finds stale files.
pub(crate) fn run(args: &[String]) -> anyhow::Result<bool> {
    let started = Instant::now();
    let options = parse(args)?;
    let label = spec_label(&options.spec);
    let settings = match crate::settings_for(&options.spec, options.settings.as_deref())? {
        Ok(settings) => settings,
        Err(errors) => {
            eprintln!("{errors}");
            return Ok(false);
        }
    };
    let previous = previous(&options.out);
    let settings_path = crate::settings_path(&options.spec, options.settings.as_deref());
    let source = crate::source_for(&options.spec, &label, &settings, settings_path.as_deref(), &options.overlays, &options.only)?;
    let generated =
        match codegen::load_source(&source).and_then(|(doc, warnings)| codegen::generate_doc(&doc, warnings, &settings, &previous)) {
            Ok(generated) => generated,
            Err(errors) => {
                eprintln!("{errors}");
                return Ok(false);
            }
        };
    for warning in &generated.warnings {
        eprintln!("{warning}");
    }
    // What changed for code that uses the crate, before anything is written or refused.
    if let Some(report) = generated.report.as_ref().filter(|r| !r.is_empty()) {
        let old = previous.version.as_deref().unwrap_or("?");
        eprintln!(
            "public API: {} changes, {} breaking; version {old} -> {}",
            report.changes.len(),
            report.breaking(),
            generated.api.crate_version
        );
        print!("{}", report.markdown());
    }

    // Compare every file with what is on disk.
    let mut changed = Vec::new();
    let mut wanted = BTreeSet::new();
    for file in &generated.files {
        let path = options.out.join(&file.path);
        wanted.insert(path.clone());
        let have = std::fs::read_to_string(&path).ok().map(|s| s.replace("\r\n", "\n"));
        if have.as_deref() != Some(file.contents.as_str()) {
            changed.push((path, have, Some(file.contents.as_str())));
        }
    }
    // Earlier output that this run no longer produces.
    for path in generated_files(&options.out)? {
        if !wanted.contains(&path) {
            let have = std::fs::read_to_string(&path).ok();
            changed.push((path, have, None));
        }
    }

    let api = &generated.api;
    let summary = |verb: &str| {
        format!(
            "{verb} {}: {} operations, {} types, {} of {} files changed, in {:.2} s",
            api.crate_name,
            api.operations.len(),
            api.types.len(),
            changed.len(),
            generated.files.len(),
            started.elapsed().as_secs_f64()
        )
    };

    if options.check {
        if changed.is_empty() {
            eprintln!("{}", summary("checked"));
            return Ok(true);
        }
        for (path, have, want) in &changed {
            let shown = path.strip_prefix(project_root()).unwrap_or(path).display().to_string();
            let diff = similar::TextDiff::from_lines(have.as_deref().unwrap_or(""), want.unwrap_or(""));
            print!("{}", diff.unified_diff().context_radius(3).header(&format!("{shown} (on disk)"), &format!("{shown} (generated)")));
            let edited = have.as_deref().is_some_and(codegen::emit::fingerprint::edited_by_hand);
            eprintln!("stale: {shown}{}", if edited { " (edited by hand: regenerating needs --force)" } else { "" });
        }
        eprintln!("{}", summary("stale"));
        eprintln!("run `cargo xtask codegen` and commit the result");
        return Ok(false);
    }

    // A file edited since the generator wrote it is not overwritten or removed unless asked.
    let edited: Vec<&PathBuf> = changed
        .iter()
        .filter(|(_, have, _)| have.as_deref().is_some_and(codegen::emit::fingerprint::edited_by_hand))
        .map(|(p, ..)| p)
        .collect();
    if !edited.is_empty() && !options.force {
        for path in &edited {
            eprintln!("edited by hand: {}", path.strip_prefix(&options.out).unwrap_or(path).display());
        }
        eprintln!(
            "nothing was written: these files changed since the generator wrote them. Move hand-written code to \
             src/custom.rs (which lib.rs includes and regeneration never touches), or pass --force to overwrite them"
        );
        return Ok(false);
    }
    for (path, _, want) in &changed {
        match want {
            Some(contents) => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
                }
                std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))?;
            }
            None => std::fs::remove_file(path).with_context(|| format!("cannot remove {}", path.display()))?,
        }
    }
    eprintln!("{}", summary("generated"));
    Ok(true)
}

/// What `out` holds from the generation before: its API listing, version and changelog.
pub(crate) fn previous(out: &Path) -> codegen::Previous {
    let read = |name: &str| std::fs::read_to_string(out.join(name)).ok();
    let mut previous = codegen::Previous::from_files(read("api.txt"), read("Cargo.toml").as_deref(), read("CHANGELOG.md"));
    previous.custom = out.join("src/custom.rs").is_file();
    previous
}

/// What the first line of every file the generator writes contains. Other tools mark their
/// output `@generated` too (Cargo heads `Cargo.lock` with it), and their files are not ours.
const OUR_HEADER: &str = codegen::emit::GENERATED_BY;

/// Files under `out` (outside `target/`) whose first line carries [`OUR_HEADER`].
fn generated_files(out: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
                    stack.push(path);
                }
            } else if std::fs::read_to_string(&path).is_ok_and(|text| text.lines().next().is_some_and(|l| l.contains(OUR_HEADER))) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}
