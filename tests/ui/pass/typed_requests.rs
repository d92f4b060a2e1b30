//! Building requests with the generated types the way a user would, and reading errors.
//! Runs without a server: it checks the JSON each request becomes.

use openai_fine_tuning::types::{
    AutoOrInteger, AutoOrNumber, CreateFineTuningJobRequest, CreateFineTuningJobRequestModel, FineTuneMethod,
    FineTuneMethodType, FineTuneReinforcementMethod, FineTuneSupervisedHyperparameters, FineTuneSupervisedMethod, Grader,
    GraderStringCheck, GraderStringCheckOperation, ListPaginatedFineTuningJobsParams,
};
use openai_fine_tuning::{Error, Request, ToQuery};
use serde_json::json;

fn main() {
    let supervised = CreateFineTuningJobRequest {
        suffix: Some("support-bot".to_owned()),
        method: Some(FineTuneMethod {
            supervised: Some(FineTuneSupervisedMethod {
                hyperparameters: Some(FineTuneSupervisedHyperparameters {
                    n_epochs: Some(3.into()),
                    batch_size: Some(AutoOrInteger::Auto),
                    learning_rate_multiplier: Some(AutoOrNumber::Number(0.1)),
                }),
            }),
            ..FineTuneMethod::new(FineTuneMethodType::Supervised)
        }),
        ..CreateFineTuningJobRequest::new(CreateFineTuningJobRequestModel::GPT_4O_MINI, "file-abc123")
    };
    assert_eq!(
        serde_json::to_value(&supervised).unwrap(),
        json!({
            "model": "gpt-4o-mini",
            "training_file": "file-abc123",
            "suffix": "support-bot",
            "method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 3, "batch_size": "auto", "learning_rate_multiplier": 0.1}}}
        })
    );

    let grader: Grader = GraderStringCheck::new("exact match", "{{sample.output_text}}", "{{item.label}}", GraderStringCheckOperation::Eq).into();
    let reinforcement = FineTuneMethod { reinforcement: Some(FineTuneReinforcementMethod::new(grader)), ..FineTuneMethod::new("reinforcement") };
    assert_eq!(
        serde_json::to_value(&reinforcement).unwrap()["reinforcement"]["grader"],
        json!({"type": "string_check", "name": "exact match", "input": "{{sample.output_text}}", "reference": "{{item.label}}", "operation": "eq"})
    );

    let params = ListPaginatedFineTuningJobsParams {
        limit: Some(5),
        metadata: Some([("team".to_owned(), "nlp".to_owned())].into()),
        ..Default::default()
    };
    let request = Request::new(openai_fine_tuning::Method::GET, "/fine_tuning/jobs").query(&params);
    assert_eq!(request.query_pairs(), [("limit".to_owned(), "5".to_owned()), ("metadata[team]".to_owned(), "nlp".to_owned())]);
    let mut query = openai_fine_tuning::Query::default();
    params.to_query(&mut query);
    assert_eq!(query.pairs().len(), 2);

    // Bad arguments fail before any I/O, as a typed error.
    match Request::path_segment("fine_tuning_job_id", "") {
        Err(Error::InvalidArgument { name, .. }) => assert_eq!(name, "fine_tuning_job_id"),
        other => panic!("expected an invalid argument, got {other:?}"),
    }
}
