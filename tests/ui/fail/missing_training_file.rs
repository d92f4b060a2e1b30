//! A fine-tuning job cannot be created without its training file: the field is required.

use openai_fine_tuning::types::{CreateFineTuningJobRequest, CreateFineTuningJobRequestModel};

// Setting the deprecated `hyperparameters` field would warn; that is not what this test is about.
#[allow(deprecated)]
fn main() {
    let _request = CreateFineTuningJobRequest {
        model: CreateFineTuningJobRequestModel::GPT_4O_MINI,
        hyperparameters: None,
        suffix: None,
        validation_file: None,
        integrations: None,
        seed: None,
        method: None,
        metadata: None,
    };
}
