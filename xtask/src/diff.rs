//! `cargo xtask diff OLD.yaml NEW.yaml`: what generating from NEW instead of OLD changes in the
//! public API, in the words of the change report `codegen` prints (Markdown, or `--json`).
//! Each spec is generated with its own settings file when it has one, else with `--settings`.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

struct Options {
    old: PathBuf,
    new: PathBuf,
    settings: Option<PathBuf>,
    json: bool,
    fail_on_breaking: bool,
}

fn parse(args: &[String]) -> anyhow::Result<Options> {
    let mut specs = Vec::new();
    let mut settings = None;
    let (mut json, mut fail_on_breaking) = (false, false);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--fail-on-breaking" => fail_on_breaking = true,
            "--settings" => settings = Some(PathBuf::from(args.next().context("`--settings` needs a path")?)),
            flag if flag.starts_with('-') => bail!("unknown argument `{flag}` to `diff` (see `cargo xtask diff --help`)"),
            spec => specs.push(PathBuf::from(spec)),
        }
    }
    let [old, new] =
        <[PathBuf; 2]>::try_from(specs).map_err(|specs| anyhow::anyhow!("`diff` takes two specs, OLD and NEW; got {}", specs.len()))?;
    Ok(Options { old, new, settings, json, fail_on_breaking })
}

/// The public API listing of the crate `spec` generates, or `None` after printing its errors.
fn listing(spec: &Path, settings: Option<&Path>) -> anyhow::Result<Option<Vec<codegen::listing::Item>>> {
    let text = std::fs::read_to_string(spec).with_context(|| format!("cannot read {}", spec.display()))?;
    let label = spec.display().to_string();
    let settings = match crate::settings_for(spec, settings.filter(|_| !codegen::Settings::path_beside(spec).is_file()))? {
        Ok(settings) => settings,
        Err(errors) => {
            eprintln!("{errors}");
            return Ok(None);
        }
    };
    let lowered = codegen::load(&label, &text).and_then(|doc| codegen::lower(&doc, &settings));
    match lowered {
        Ok((api, _)) => Ok(Some(codegen::listing::list(&api))),
        Err(errors) => {
            eprintln!("{errors}");
            Ok(None)
        }
    }
}

/// Prints the report; `Ok(false)` when a spec does not generate, or with `--fail-on-breaking`
/// when something breaks.
pub(crate) fn run(args: &[String]) -> anyhow::Result<bool> {
    let options = parse(args)?;
    let (Some(old), Some(new)) = (listing(&options.old, options.settings.as_deref())?, listing(&options.new, options.settings.as_deref())?)
    else {
        return Ok(false);
    };
    let report = codegen::listing::Report::between(&old, &new);
    if options.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        println!("# Public API changes from `{}` to `{}`\n", name(&options.old), name(&options.new));
        println!(
            "{} changes: {} breaking, {} not; {} items before, {} after.\n",
            report.changes.len(),
            report.breaking(),
            report.changes.len() - report.breaking(),
            old.len(),
            new.len()
        );
        print!("{}", report.markdown());
    }
    Ok(!(options.fail_on_breaking && report.breaking() > 0))
}
