//! The fixed part of the whole-spec Prism test, `xtask/src/whole_spec_prism/harness.rs`, compiled,
//! linted and run here as an ordinary module, against the fine-tuning SDK and the Prism server of
//! our spec that `cargo xtask test` starts (`PRISM_SPEC_URL`).
//!
//! `cargo xtask whole-spec` copies the harness into the crate it generates from OpenAI's whole
//! spec, next to one generated function per operation; that crate is built only at the end of the
//! full run. Here the same harness gets a few calls written the way the generator writes them, so
//! that `cargo test --workspace` and clippy see every change to it, and so that its checks (the
//! round trip of made-up arguments, the 422 replay, the body Prism must refuse) run on every
//! `cargo xtask test --quick`.
//!
//! Without `PRISM_SPEC_URL` the test says that it checked nothing and passes.

extern crate openai_fine_tuning as sdk;

#[path = "../../xtask/src/whole_spec_prism/harness.rs"]
mod harness;

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
