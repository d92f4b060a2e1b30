//! The constructor takes every required field, so it cannot be called with the model alone.

use openai_fine_tuning::types::CreateFineTuningJobRequest;

fn main() {
    let _request = CreateFineTuningJobRequest::new("gpt-4o-mini");
}
