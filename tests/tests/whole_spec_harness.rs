//! The fixed parts of the two generated whole-spec tests, compiled, linted and run here as
//! ordinary modules against the fine-tuning SDK:
//!
//! - `xtask/src/whole_spec_prism/harness.rs`, which calls operations against Prism, on a few calls
//!   against the Prism server of our spec that `cargo xtask test` starts (`PRISM_SPEC_URL`);
//!   without it, that test says that it checked nothing and passes;
//! - `xtask/src/whole_spec/examples_harness.rs`, which decodes example responses, on a few
//!   examples, one of them a known failure and one not JSON, as the published spec has.
//!
//! `cargo xtask whole-spec` copies both into the crate it generates from OpenAI's whole spec, next
//! to the generated calls and examples; that crate is built only at the end of the full run. Here
//! the same harnesses get a few cases written the way the generator writes them, so that
//! `cargo test --workspace` and clippy see every change to them, and so that their checks (the
//! round trip of made-up arguments, the 422 replay, the body Prism must refuse, the comparison
//! with the known failures) run on every `cargo xtask test --quick`.

extern crate openai_fine_tuning as sdk;

#[path = "../../xtask/src/whole_spec_prism/harness.rs"]
mod harness;

#[path = "../../xtask/src/whole_spec/examples_harness.rs"]
mod examples_harness;

use harness::{Case, Checked, Suite, fit, send};
use sdk::Client;

#[test]
fn the_whole_spec_harness_against_our_spec() {
    harness::run(&Suite { url_var: "PRISM_SPEC_URL", cases: CASES, skipped: SKIPPED, twins: TWINS, known: KNOWN });
}

/// `listPaginatedFineTuningJobs`: `GET /fine_tuning/jobs`
async fn case_6(client: Client) -> Checked {
    Ok(send(client.fine_tuning().jobs().list(&Default::default())).await)
}

/// `createFineTuningJob`: `POST /fine_tuning/jobs`
async fn case_5(client: Client) -> Checked {
    let body: sdk::types::CreateFineTuningJobRequest = fit("the body", r#"{"model":"gpt-4o-mini","training_file":"file-abc123"}"#)?;
    Ok(send(client.fine_tuning().jobs().create(&body)).await)
}

/// `retrieveFineTuningJob`: `GET /fine_tuning/jobs/{fine_tuning_job_id}`
async fn case_7(client: Client) -> Checked {
    Ok(send(client.fine_tuning().jobs().retrieve("ftjob-abc123")).await)
}

/// `pauseFineTuningJob`: `POST /fine_tuning/jobs/{fine_tuning_job_id}/pause`
async fn case_11(client: Client) -> Checked {
    Ok(send(client.fine_tuning().jobs().pause("ftjob-abc123")).await)
}

/// `createFineTuningCheckpointPermission`: `POST /fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions`
async fn case_3(client: Client) -> Checked {
    let body: sdk::types::CreateFineTuningCheckpointPermissionRequest =
        fit("the body", r#"{"project_ids":["proj_abGMw1llN8IrBb6SvvY5A1iH"]}"#)?;
    Ok(send(client.fine_tuning().checkpoints().permissions().create("ft:gpt-4o-mini-2024-07-18:org:weather:B7R9VjQd", &body)).await)
}

const CASES: &[Case] = &[
    ("createFineTuningCheckpointPermission", |client| Box::pin(case_3(client))),
    ("createFineTuningJob", |client| Box::pin(case_5(client))),
    ("listPaginatedFineTuningJobs", |client| Box::pin(case_6(client))),
    ("retrieveFineTuningJob", |client| Box::pin(case_7(client))),
    ("pauseFineTuningJob", |client| Box::pin(case_11(client))),
];

/// The other operations are called by `tests/tests/prism.rs`; here the harness only needs a few.
const SKIPPED: &[(&str, &str)] = &[];

const TWINS: &[(&str, usize)] = &[];

/// Our spec follows the API, so every call must come back decoded.
const KNOWN: &[&str] = &[];

#[test]
fn the_whole_spec_examples_harness_on_our_types() {
    examples_harness::run(&examples_harness::Suite { cases: EXAMPLES, not_json: NOT_JSON, known: KNOWN_EXAMPLES });
}

#[test]
#[should_panic(expected = "listed but now fine")]
fn the_examples_harness_fails_when_a_known_failure_is_gone() {
    let known = &["pauseFineTuningJob: does not decode -- listed by mistake"];
    examples_harness::run(&examples_harness::Suite { cases: EXAMPLES, not_json: NOT_JSON, known });
}

const EXAMPLES: &[examples_harness::Case] = &[
    (
        "pauseFineTuningJob",
        examples_harness::decode::<sdk::types::FineTuningJob>,
        r#"{"object":"fine_tuning.job","id":"ftjob-abc123","model":"gpt-4o-mini-2024-07-18","created_at":1721764800,"fine_tuned_model":null,"organization_id":"org-123","result_files":[],"status":"paused","validation_file":"file-abc123","training_file":"file-abc123"}"#,
    ),
    (
        "retrieveFineTuningJob Without an id",
        examples_harness::decode::<sdk::types::FineTuningJob>,
        r#"{"object":"fine_tuning.job","status":"paused"}"#,
    ),
];

const NOT_JSON: &[&str] = &["listFineTuningEvents Placeholder: not JSON"];

/// Written as `cargo xtask whole-spec --accept` would write them: the reason is the harness's own.
const KNOWN_EXAMPLES: &[&str] = &[
    "listFineTuningEvents Placeholder: not JSON -- the example is not JSON (placeholders, prose or an ellipsis)",
    "retrieveFineTuningJob Without an id: does not decode -- the example leaves out `id`, which the spec requires",
];
