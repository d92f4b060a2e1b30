//! Runs every example as a user would, against the Prism mock of our spec that `cargo xtask
//! test` starts (found through `PRISM_SPEC_URL`), with a made-up key, and checks that each
//! succeeds and prints what it did. Without Prism it says so and checks only the webhook one,
//! which needs no server.

use std::process::Command;

/// Runs the example binary `exe` with the mock's URL and a key; returns what it printed.
fn run(name: &str, exe: &str, base_url: Option<&str>) -> String {
    let mut command = Command::new(exe);
    command.env_remove("OPENAI_ADMIN_KEY").env_remove("OPENAI_ORG_ID").env_remove("OPENAI_PROJECT_ID");
    command.env("OPENAI_API_KEY", "sk-example-test");
    match base_url {
        Some(url) => command.env("OPENAI_BASE_URL", url),
        None => command.env_remove("OPENAI_BASE_URL"),
    };
    let output = command.output().unwrap_or_else(|e| panic!("cannot run the `{name}` example: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "`{name}` failed ({}):\n{stdout}\n{}", output.status, String::from_utf8_lossy(&output.stderr));
    stdout
}

fn prism() -> Option<String> {
    let url = std::env::var("PRISM_SPEC_URL").ok().filter(|url| !url.is_empty());
    if url.is_none() {
        eprintln!(
            "PRISM_SPEC_URL is not set, so Prism is not running: the workflow, grader and errors examples were NOT run (`cargo xtask test` starts it)"
        );
    }
    url
}

#[test]
fn the_workflow_uploads_creates_pages_pauses_resumes_and_cancels() {
    let Some(url) = prism() else { return };
    let out = run("workflow", env!("CARGO_BIN_EXE_workflow"), Some(&url));
    for step in ["uploaded ", "created job ", " events\n", "paused: ", "resumed: ", "cancelled: "] {
        assert!(out.contains(step), "no `{step}` in:\n{out}");
    }
}

#[test]
fn the_grader_is_validated_and_run() {
    let Some(url) = prism() else { return };
    let out = run("grader", env!("CARGO_BIN_EXE_grader"), Some(&url));
    assert!(out.contains("the grader is valid: true") && out.contains("reward "), "{out}");
}

#[test]
fn errors_are_told_apart_by_kind() {
    let Some(url) = prism() else { return };
    let out = run("errors", env!("CARGO_BIN_EXE_errors"), Some(&url));
    assert!(out.contains("without a key: missing credentials"), "{out}");
    assert!(out.contains("empty ID: `fine_tuning_job_id` must not be empty"), "{out}");
    assert!(out.contains("no such job: 404"), "the mock's error answer is an API error of kind NotFound:\n{out}");
}

#[test]
fn a_signed_webhook_is_accepted_and_a_forged_one_refused() {
    let out = run("webhook", env!("CARGO_BIN_EXE_webhook"), None);
    assert!(out.contains("job ftjob-abc123 succeeded"), "{out}");
    assert!(out.contains("refused: no webhook signature matches"), "{out}");
}
