//! `cargo xtask diff OLD.yaml NEW.yaml`: what generating from NEW instead of OLD changes in the
//! public API, in the words of the change report `codegen` prints (Markdown, or `--json`).
//! Each spec is generated with its own settings file when it has one, else with `--settings`,
//! and with the overlays and subset the settings name. `--as-exhaustive` classifies the changes
//! as if no type were `#[non_exhaustive]`, to compare with the earlier shapes.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

struct Options {
    old: PathBuf,
    new: PathBuf,
    settings: Option<PathBuf>,
    json: bool,
    fail_on_breaking: bool,
    as_exhaustive: bool,
}

fn parse(args: &[String]) -> anyhow::Result<Options> {
    let mut specs = Vec::new();
    let mut settings = None;
    let (mut json, mut fail_on_breaking, mut as_exhaustive) = (false, false, false);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--fail-on-breaking" => fail_on_breaking = true,
            "--as-exhaustive" => as_exhaustive = true,
            "--settings" => settings = Some(PathBuf::from(args.next().context("`--settings` needs a path")?)),
            flag if flag.starts_with('-') => bail!("unknown argument `{flag}` to `diff` (see `cargo xtask diff --help`)"),
            spec => specs.push(PathBuf::from(spec)),
        }
    }
    let [old, new] =
        <[PathBuf; 2]>::try_from(specs).map_err(|specs| anyhow::anyhow!("`diff` takes two specs, OLD and NEW; got {}", specs.len()))?;
    Ok(Options { old, new, settings, json, fail_on_breaking, as_exhaustive })
}

/// The public API listing of the crate `spec` generates, with its settings' overlays and
/// subset applied as `codegen` applies them, or `None` after printing its errors.
fn listing(spec: &Path, settings: Option<&Path>) -> anyhow::Result<Option<Vec<codegen::listing::Item>>> {
    let label = spec.display().to_string();
    let explicit = settings.filter(|_| !codegen::Settings::path_beside(spec).is_file());
    let settings_file = crate::settings_path(spec, explicit);
    let settings = match crate::settings_for(spec, explicit)? {
        Ok(settings) => settings,
        Err(errors) => {
            eprintln!("{errors}");
            return Ok(None);
        }
    };
    let source = crate::source_for(spec, &label, &settings, settings_file.as_deref(), &[], &[])?;
    let lowered = codegen::load_source(&source).and_then(|(doc, _)| codegen::lower(&doc, &settings));
    match lowered {
        Ok((api, _)) => Ok(Some(codegen::listing::list(&api))),
        Err(errors) => {
            eprintln!("{errors}");
            Ok(None)
        }
    }
}

/// The listing as if no type were `#[non_exhaustive]`: what the report said before the
/// generator chose those shapes, for comparing the two.
fn exhaustive(items: Vec<codegen::listing::Item>) -> Vec<codegen::listing::Item> {
    items.into_iter().map(|item| codegen::listing::Item { signature: item.signature.replace(" [non_exhaustive]", ""), ..item }).collect()
}

/// Prints the report; `Ok(false)` when a spec does not generate, or with `--fail-on-breaking`
/// when something breaks.
pub(crate) fn run(args: &[String]) -> anyhow::Result<bool> {
    let options = parse(args)?;
    let (Some(mut old), Some(mut new)) =
        (listing(&options.old, options.settings.as_deref())?, listing(&options.new, options.settings.as_deref())?)
    else {
        return Ok(false);
    };
    if options.as_exhaustive {
        (old, new) = (exhaustive(old), exhaustive(new));
    }
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
