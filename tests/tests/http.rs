//! The generated SDK against a local `wiremock` server: every one of the 18 operations sends the
//! right method, path, query pairs, JSON body and headers and decodes a realistic answer; an error
//! envelope becomes `Error::Api`; path arguments stay one segment (`a/../b`, checkpoint names with
//! colons) and empty, `.` and `..` ones fail before any request; unset query parameters are not sent.
//! A training file goes up as a multipart form, a results file comes down as bytes, and a webhook
//! signed as the API signs it is verified and decoded.

use std::collections::BTreeMap;

use openai_fine_tuning::types::{
    AutoOrInteger, AutoOrNumber, CreateFineTuningCheckpointPermissionRequest, CreateFineTuningJobRequest,
    CreateFineTuningJobRequestIntegrationsItem, CreateFineTuningJobRequestIntegrationsItemWandb, CreateFineTuningJobRequestModel,
    FineTuneMethod, FineTuneMethodType, FineTuneSupervisedHyperparameters, FineTuneSupervisedMethod, FineTuningJobEventLevel,
    FineTuningJobEventType, FineTuningJobStatus, Grader, GraderPython, GraderStringCheck, GraderStringCheckOperation,
    ListFineTuningCheckpointPermissionsParams, ListFineTuningCheckpointPermissionsParamsOrder, ListFineTuningEventsParams,
    ListFineTuningJobCheckpointsParams, ListPaginatedFineTuningJobsParams, RunGraderRequest, ValidateGraderRequest,
};
use openai_fine_tuning::types::{CreateFileRequest, CreateFileRequestPurpose, ListFilesParams, OpenAiFilePurpose, WebhookEvent};
use openai_fine_tuning::{ApiError, Client, Error, File, HeaderMap, WebhookError, sign_webhook, unwrap_webhook};
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A fine-tuned checkpoint name as the API spells it, colons included.
const CHECKPOINT: &str = "ft:gpt-4o-mini-2024-07-18:org:weather:B7R9VjQd";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("sk-test")
        .admin_key("sk-admin")
        .organization("org-x")
        .project("proj-y")
        .base_url(server.uri() + "/v1")
        .build()
        .expect("the test configuration is valid")
}

/// The pause endpoint's example answer.
fn pause_json() -> Value {
    json!({"object":"fine_tuning.job","id":"ftjob-abc123","model":"gpt-4o-mini-2024-07-18","created_at":1721764800,"fine_tuned_model":null,"organization_id":"org-123","result_files":[],"status":"paused","validation_file":"file-abc123","training_file":"file-abc123"})
}

/// The percent-decoded segments of a URL path, so `ft%3Agpt` and `ft:gpt` compare equal but
/// `a%2Fb` (one segment) and `a/b` (two) do not.
fn segments(url_path: &str) -> Vec<String> {
    url_path.split('/').map(|s| percent_decode_str(s).decode_utf8().expect("UTF-8 path").into_owned()).collect()
}

/// Answers `status` with `body` to exactly one `http_method` request whose decoded path segments
/// are those of `expected_path` (given unencoded; its IDs hold no `/`).
async fn mount(server: &MockServer, http_method: &str, expected_path: &str, status: u16, body: Value) {
    let expected: Vec<String> = expected_path.split('/').map(str::to_owned).collect();
    Mock::given(method(http_method))
        .and(move |request: &Request| segments(request.url.path()) == expected)
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .expect(1)
        .mount(server)
        .await;
}

/// The one request the server received.
async fn single_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "expected one request, got {requests:#?}");
    requests.remove(0)
}

/// Checks everything a request carries: method, decoded path, query pairs (in any order), JSON
/// body, the credential headers (the admin key for checkpoint permissions, whose security names
/// only the admin scheme; the API key otherwise), and `Content-Type: application/json` exactly
/// when there is a body.
fn assert_sent(request: &Request, http_method: &str, expected_path: &str, query: &[(&str, &str)], body: Option<Value>) {
    assert_eq!(request.method.as_str(), http_method);
    assert_eq!(segments(request.url.path()), expected_path.split('/').collect::<Vec<_>>());

    let mut sent: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    sent.sort();
    let mut expected: Vec<(String, String)> = query.iter().map(|&(k, v)| (k.to_owned(), v.to_owned())).collect();
    expected.sort();
    assert_eq!(sent, expected, "query pairs of {}", request.url);

    let header = |name: &str| request.headers.get(name).map(|v| v.to_str().expect("ASCII header"));
    let key = if expected_path.contains("/permissions") { "Bearer sk-admin" } else { "Bearer sk-test" };
    assert_eq!(header("authorization"), Some(key));
    assert_eq!(header("openai-organization"), Some("org-x"));
    assert_eq!(header("openai-project"), Some("proj-y"));
    assert_eq!(header("content-type"), body.is_some().then_some("application/json"));
    match body {
        Some(expected) => {
            let sent: Value = serde_json::from_slice(&request.body).expect("the body is JSON");
            assert_eq!(sent, expected);
        }
        None => assert!(request.body.is_empty(), "unexpected body {:?}", String::from_utf8_lossy(&request.body)),
    }
}

// ---------------------------------------------------------------------------------------------
// Jobs

#[tokio::test]
async fn jobs_create_sends_the_typed_body() {
    let server = MockServer::start().await;
    let response = json!({
        "object": "fine_tuning.job", "id": "ftjob-abc123", "model": "gpt-4o-mini",
        "created_at": 1721764800, "fine_tuned_model": null, "organization_id": "org-123",
        "result_files": [], "status": "queued", "validation_file": "file-def456",
        "training_file": "file-abc123", "seed": 42,
        "method": {"type": "supervised", "supervised": {"hyperparameters":
            {"batch_size": "auto", "learning_rate_multiplier": 1.8, "n_epochs": 3}}},
        "metadata": {"team": "weather"}
    });
    mount(&server, "POST", "/v1/fine_tuning/jobs", 200, response).await;

    let hyperparameters = FineTuneSupervisedHyperparameters {
        batch_size: Some(AutoOrInteger::Auto),
        learning_rate_multiplier: Some(1.8.into()),
        n_epochs: Some(3.into()),
    };
    let body = CreateFineTuningJobRequest {
        suffix: Some("weather".into()),
        validation_file: Some("file-def456".into()),
        seed: Some(42),
        integrations: Some(vec![CreateFineTuningJobRequestIntegrationsItem::new(CreateFineTuningJobRequestIntegrationsItemWandb {
            tags: Some(vec!["nightly".into()]),
            ..CreateFineTuningJobRequestIntegrationsItemWandb::new("my-wandb-project")
        })]),
        method: Some(FineTuneMethod {
            supervised: Some(FineTuneSupervisedMethod { hyperparameters: Some(hyperparameters) }),
            ..FineTuneMethod::new(FineTuneMethodType::Supervised)
        }),
        metadata: Some(BTreeMap::from([("team".into(), "weather".into())])),
        ..CreateFineTuningJobRequest::new(CreateFineTuningJobRequestModel::GPT_4O_MINI, "file-abc123")
    };
    let job = client(&server).fine_tuning().jobs().create(&body).await.expect("create succeeds");

    let expected_body = json!({
        "model": "gpt-4o-mini",
        "training_file": "file-abc123",
        "suffix": "weather",
        "validation_file": "file-def456",
        "integrations": [{"type": "wandb", "wandb": {"project": "my-wandb-project", "tags": ["nightly"]}}],
        "seed": 42,
        "method": {"type": "supervised", "supervised": {"hyperparameters":
            {"batch_size": "auto", "learning_rate_multiplier": 1.8, "n_epochs": 3}}},
        "metadata": {"team": "weather"}
    });
    assert_sent(&single_request(&server).await, "POST", "/v1/fine_tuning/jobs", &[], Some(expected_body));
    assert_eq!(job.id, "ftjob-abc123");
    assert_eq!(job.status, FineTuningJobStatus::Queued);
    assert_eq!(job.seed, Some(42));
    let method = job.method.expect("method is echoed");
    assert_eq!(method.r#type, FineTuneMethodType::Supervised);
    let echoed = method.supervised.and_then(|s| s.hyperparameters).expect("hyperparameters");
    assert_eq!(echoed.learning_rate_multiplier, Some(AutoOrNumber::Number(1.8)));
    assert_eq!(echoed.n_epochs, Some(AutoOrInteger::Integer(3)));
    assert_eq!(job.metadata.expect("metadata")["team"], "weather");
}

#[tokio::test]
async fn jobs_list_sends_cursor_limit_and_deep_object_metadata() {
    let server = MockServer::start().await;
    let job = |id: &str, status: &str| {
        json!({"object": "fine_tuning.job", "id": id, "model": "gpt-4o-mini-2024-07-18",
               "created_at": 1721764800, "fine_tuned_model": null, "organization_id": "org-123",
               "result_files": [], "status": status, "validation_file": null,
               "training_file": "file-abc123", "metadata": {"env": "prod", "team": "weather"}})
    };
    let response = json!({"object": "list", "data": [job("ftjob-1", "running"), job("ftjob-2", "failed")], "has_more": true});
    mount(&server, "GET", "/v1/fine_tuning/jobs", 200, response).await;

    let params = ListPaginatedFineTuningJobsParams {
        after: Some("ftjob-prev".into()),
        limit: Some(2),
        metadata: Some(BTreeMap::from([("team".into(), "weather".into()), ("env".into(), "prod".into())])),
    };
    let page = client(&server).fine_tuning().jobs().list(&params).await.expect("list succeeds");

    let query = [("after", "ftjob-prev"), ("limit", "2"), ("metadata[env]", "prod"), ("metadata[team]", "weather")];
    assert_sent(&single_request(&server).await, "GET", "/v1/fine_tuning/jobs", &query, None);
    assert_eq!(page.data.len(), 2);
    assert!(page.has_more);
    assert_eq!(page.data[1].id, "ftjob-2");
    assert_eq!(page.data[1].status, FineTuningJobStatus::Failed);
    assert_eq!(page.data[0].validation_file, None);
}

#[tokio::test]
async fn jobs_retrieve_decodes_a_finished_job() {
    let server = MockServer::start().await;
    let response = json!({
        "object": "fine_tuning.job", "id": "ftjob-abc123", "model": "davinci-002",
        "created_at": 1692661014, "finished_at": 1692661190,
        "fine_tuned_model": "ft:davinci-002:my-org:custom_suffix:7q8mpxmy",
        "organization_id": "org-123", "result_files": ["file-abc123"], "status": "succeeded",
        "validation_file": null, "training_file": "file-abc123",
        "hyperparameters": {"n_epochs": 4, "batch_size": 1, "learning_rate_multiplier": 1.0},
        "trained_tokens": 5768, "integrations": [], "seed": 0, "estimated_finish": 0,
        "error": {"code": null, "message": null, "param": null},
        "user_provided_suffix": "custom_suffix", "shared_with_openai": false
    });
    mount(&server, "GET", "/v1/fine_tuning/jobs/ftjob-abc123", 200, response).await;

    let job = client(&server).fine_tuning().jobs().retrieve("ftjob-abc123").await.expect("retrieve succeeds");

    assert_sent(&single_request(&server).await, "GET", "/v1/fine_tuning/jobs/ftjob-abc123", &[], None);
    assert_eq!(job.status, FineTuningJobStatus::Succeeded);
    assert_eq!(job.fine_tuned_model.as_deref(), Some("ft:davinci-002:my-org:custom_suffix:7q8mpxmy"));
    assert_eq!(job.finished_at, Some(1692661190));
    assert_eq!(job.trained_tokens, Some(5768));
    assert_eq!(job.result_files, ["file-abc123"]);
    let hyperparameters = job.hyperparameters.expect("hyperparameters");
    assert_eq!(hyperparameters.batch_size, Some(AutoOrInteger::Integer(1)));
    assert_eq!(hyperparameters.learning_rate_multiplier, Some(AutoOrNumber::Number(1.0)));
    assert_eq!(job.error.expect("an all-null error object").code, None);
    assert_eq!(job.user_provided_suffix.as_deref(), Some("custom_suffix"));
    assert_eq!(job.shared_with_openai, Some(false));
}

#[tokio::test]
async fn jobs_cancel_posts_without_a_body() {
    let server = MockServer::start().await;
    let mut response = pause_json();
    response["status"] = json!("cancelled");
    mount(&server, "POST", "/v1/fine_tuning/jobs/ftjob-abc123/cancel", 200, response).await;

    let job = client(&server).fine_tuning().jobs().cancel("ftjob-abc123").await.expect("cancel succeeds");

    assert_sent(&single_request(&server).await, "POST", "/v1/fine_tuning/jobs/ftjob-abc123/cancel", &[], None);
    assert_eq!(job.status, FineTuningJobStatus::Cancelled);
}

#[tokio::test]
async fn jobs_pause_decodes_the_paused_status() {
    let server = MockServer::start().await;
    mount(&server, "POST", "/v1/fine_tuning/jobs/ftjob-abc123/pause", 200, pause_json()).await;

    let job = client(&server).fine_tuning().jobs().pause("ftjob-abc123").await.expect("pause succeeds");

    assert_sent(&single_request(&server).await, "POST", "/v1/fine_tuning/jobs/ftjob-abc123/pause", &[], None);
    assert_eq!(job.status, FineTuningJobStatus::Paused);
    assert_eq!(job.id, "ftjob-abc123");
    assert_eq!(job.model, "gpt-4o-mini-2024-07-18");
    assert_eq!(job.created_at, 1721764800);
    assert_eq!(job.organization_id, "org-123");
    assert_eq!(job.fine_tuned_model, None);
    assert_eq!(job.validation_file.as_deref(), Some("file-abc123"));
    assert_eq!(job.training_file, "file-abc123");
    assert!(job.result_files.is_empty());
    assert_eq!(job.finished_at, None);
}

#[tokio::test]
async fn jobs_resume_posts_without_a_body() {
    let server = MockServer::start().await;
    let mut response = pause_json();
    response["status"] = json!("queued");
    mount(&server, "POST", "/v1/fine_tuning/jobs/ftjob-abc123/resume", 200, response).await;

    let job = client(&server).fine_tuning().jobs().resume("ftjob-abc123").await.expect("resume succeeds");

    assert_sent(&single_request(&server).await, "POST", "/v1/fine_tuning/jobs/ftjob-abc123/resume", &[], None);
    assert_eq!(job.status, FineTuningJobStatus::Queued);
}

#[tokio::test]
async fn job_events_list_sends_cursor_and_limit() {
    let server = MockServer::start().await;
    let response = json!({"object": "list", "has_more": true, "data": [
        {"object": "fine_tuning.job.event", "id": "ft-event-1", "created_at": 1721764800,
         "level": "info", "message": "Step 10/100: training loss=0.42", "type": "metrics",
         "data": {"step": 10, "train_loss": 0.42}},
        {"object": "fine_tuning.job.event", "id": "ft-event-2", "created_at": 1721764801,
         "level": "warn", "message": "Validation file is small", "data": null, "type": "message"}
    ]});
    mount(&server, "GET", "/v1/fine_tuning/jobs/ftjob-abc123/events", 200, response).await;

    let params = ListFineTuningEventsParams { after: Some("ft-event-0".into()), limit: Some(2) };
    let page = client(&server).fine_tuning().jobs().events().list("ftjob-abc123", &params).await.expect("list succeeds");

    let query = [("after", "ft-event-0"), ("limit", "2")];
    assert_sent(&single_request(&server).await, "GET", "/v1/fine_tuning/jobs/ftjob-abc123/events", &query, None);
    assert_eq!(page.data.len(), 2);
    assert!(page.has_more);
    assert_eq!(page.data[0].r#type, Some(FineTuningJobEventType::Metrics));
    assert_eq!(page.data[0].data, Some(json!({"step": 10, "train_loss": 0.42})));
    assert_eq!(page.data[1].level, FineTuningJobEventLevel::Warn);
    assert_eq!(page.data[1].data, None);
}

#[tokio::test]
async fn job_checkpoints_list_sends_cursor_and_limit() {
    let server = MockServer::start().await;
    let response = json!({"object": "list", "data": [
        {"object": "fine_tuning.job.checkpoint", "id": "ftckpt_zc4Q7MP6XxulcVzj4MZdwsAB",
         "created_at": 1721764867,
         "fine_tuned_model_checkpoint": "ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:96olL566:ckpt-step-2000",
         "metrics": {"full_valid_loss": 0.134, "full_valid_mean_token_accuracy": 0.874},
         "fine_tuning_job_id": "ftjob-abc123", "step_number": 2000}
    ], "first_id": "ftckpt_zc4Q7MP6XxulcVzj4MZdwsAB", "last_id": "ftckpt_zc4Q7MP6XxulcVzj4MZdwsAB", "has_more": false});
    mount(&server, "GET", "/v1/fine_tuning/jobs/ftjob-abc123/checkpoints", 200, response).await;

    let params = ListFineTuningJobCheckpointsParams { after: Some("ftckpt_prev".into()), limit: Some(1) };
    let page = client(&server).fine_tuning().jobs().checkpoints().list("ftjob-abc123", &params).await.expect("list succeeds");

    let query = [("after", "ftckpt_prev"), ("limit", "1")];
    assert_sent(&single_request(&server).await, "GET", "/v1/fine_tuning/jobs/ftjob-abc123/checkpoints", &query, None);
    assert_eq!(page.data.len(), 1);
    assert!(!page.has_more);
    assert_eq!(page.last_id.as_deref(), Some("ftckpt_zc4Q7MP6XxulcVzj4MZdwsAB"));
    let checkpoint = &page.data[0];
    assert_eq!(checkpoint.step_number, 2000);
    assert_eq!(checkpoint.metrics.full_valid_loss, Some(0.134));
    assert_eq!(checkpoint.metrics.train_loss, None);
}

// ---------------------------------------------------------------------------------------------
// Checkpoint permissions

#[tokio::test]
async fn checkpoint_permissions_list_sends_every_filter() {
    let server = MockServer::start().await;
    let response = json!({"object": "list", "data": [
        {"object": "checkpoint.permission", "id": "cp_zc4Q7MP6XxulcVzj4MZdwsAB", "created_at": 1721764867, "project_id": "proj_abGMw1llN8IrBb6SvvY5A1iH"},
        {"object": "checkpoint.permission", "id": "cp_enQCFmOTGj3syEpYVhBRLTSy", "created_at": 1721764800, "project_id": "proj_iqGMw1llN8IrBb6SvvY5A1oF"}
    ], "first_id": "cp_zc4Q7MP6XxulcVzj4MZdwsAB", "last_id": "cp_enQCFmOTGj3syEpYVhBRLTSy", "has_more": false});
    let expected_path = format!("/v1/fine_tuning/checkpoints/{CHECKPOINT}/permissions");
    mount(&server, "GET", &expected_path, 200, response).await;

    let params = ListFineTuningCheckpointPermissionsParams {
        project_id: Some("proj_abGMw1llN8IrBb6SvvY5A1iH".into()),
        after: Some("cp_prev".into()),
        limit: Some(2),
        order: Some(ListFineTuningCheckpointPermissionsParamsOrder::Ascending),
    };
    let page = client(&server).fine_tuning().checkpoints().permissions().list(CHECKPOINT, &params).await.expect("list succeeds");

    let query = [("project_id", "proj_abGMw1llN8IrBb6SvvY5A1iH"), ("after", "cp_prev"), ("limit", "2"), ("order", "ascending")];
    assert_sent(&single_request(&server).await, "GET", &expected_path, &query, None);
    assert_eq!(page.data.len(), 2);
    assert!(!page.has_more);
    assert_eq!(page.data[1].project_id, "proj_iqGMw1llN8IrBb6SvvY5A1oF");
    assert_eq!(page.first_id.as_deref(), Some("cp_zc4Q7MP6XxulcVzj4MZdwsAB"));
}

#[tokio::test]
async fn checkpoint_permissions_create_sends_project_ids() {
    let server = MockServer::start().await;
    let response = json!({"object": "list", "data": [
        {"object": "checkpoint.permission", "id": "cp_zc4Q7MP6XxulcVzj4MZdwsAB", "created_at": 1721764867, "project_id": "proj_abGMw1llN8IrBb6SvvY5A1iH"}
    ], "first_id": "cp_zc4Q7MP6XxulcVzj4MZdwsAB", "last_id": "cp_zc4Q7MP6XxulcVzj4MZdwsAB", "has_more": false});
    let expected_path = format!("/v1/fine_tuning/checkpoints/{CHECKPOINT}/permissions");
    mount(&server, "POST", &expected_path, 200, response).await;

    let body = CreateFineTuningCheckpointPermissionRequest::new(vec!["proj_abGMw1llN8IrBb6SvvY5A1iH".to_owned()]);
    let page = client(&server).fine_tuning().checkpoints().permissions().create(CHECKPOINT, &body).await.expect("create succeeds");

    let expected_body = json!({"project_ids": ["proj_abGMw1llN8IrBb6SvvY5A1iH"]});
    assert_sent(&single_request(&server).await, "POST", &expected_path, &[], Some(expected_body));
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].id, "cp_zc4Q7MP6XxulcVzj4MZdwsAB");
    assert_eq!(page.data[0].created_at, 1721764867);
}

#[tokio::test]
async fn checkpoint_permissions_delete_sends_both_ids() {
    let server = MockServer::start().await;
    let response = json!({"object": "checkpoint.permission", "id": "cp_zc4Q7MP6XxulcVzj4MZdwsAB", "deleted": true});
    let expected_path = format!("/v1/fine_tuning/checkpoints/{CHECKPOINT}/permissions/cp_zc4Q7MP6XxulcVzj4MZdwsAB");
    mount(&server, "DELETE", &expected_path, 200, response).await;

    let deleted = client(&server)
        .fine_tuning()
        .checkpoints()
        .permissions()
        .delete(CHECKPOINT, "cp_zc4Q7MP6XxulcVzj4MZdwsAB")
        .await
        .expect("delete succeeds");

    assert_sent(&single_request(&server).await, "DELETE", &expected_path, &[], None);
    assert_eq!(deleted.id, "cp_zc4Q7MP6XxulcVzj4MZdwsAB");
    assert!(deleted.deleted);
}

// ---------------------------------------------------------------------------------------------
// Graders

#[tokio::test]
async fn graders_run_sends_grader_item_and_sample() {
    let server = MockServer::start().await;
    let response = json!({
        "reward": 1.0,
        "metadata": {
            "name": "label matches", "type": "string_check",
            "errors": {
                "formula_parse_error": false, "sample_parse_error": false,
                "truncated_observation_error": false, "unresponsive_reward_error": false,
                "invalid_variable_error": false, "other_error": false,
                "python_grader_server_error": false, "python_grader_server_error_type": null,
                "python_grader_runtime_error": false, "python_grader_runtime_error_details": null,
                "model_grader_server_error": false, "model_grader_refusal_error": false,
                "model_grader_parse_error": false, "model_grader_server_error_details": null
            },
            "execution_time": 0.0021, "scores": {}, "token_usage": null, "sampled_model_name": null
        },
        "sub_rewards": {},
        "model_grader_token_usage_per_model": {}
    });
    mount(&server, "POST", "/v1/fine_tuning/alpha/graders/run", 200, response).await;

    let grader = GraderStringCheck::new("label matches", "{{sample.output_text}}", "{{item.label}}", GraderStringCheckOperation::Eq);
    let body = RunGraderRequest { item: Some(json!({"label": "positive"})), ..RunGraderRequest::new(grader, "positive") };
    let result = client(&server).fine_tuning().alpha().graders().run(&body).await.expect("run succeeds");

    let expected_body = json!({
        "grader": {"type": "string_check", "name": "label matches", "input": "{{sample.output_text}}",
                   "reference": "{{item.label}}", "operation": "eq"},
        "item": {"label": "positive"},
        "model_sample": "positive"
    });
    assert_sent(&single_request(&server).await, "POST", "/v1/fine_tuning/alpha/graders/run", &[], Some(expected_body));
    assert_eq!(result.reward, 1.0);
    assert_eq!(result.metadata.r#type, "string_check");
    assert_eq!(result.metadata.execution_time, 0.0021);
    assert!(!result.metadata.errors.other_error);
    assert_eq!(result.metadata.token_usage, None);
    assert!(result.model_grader_token_usage_per_model.is_empty());
}

#[tokio::test]
async fn graders_validate_sends_a_python_grader_and_decodes_it_back() {
    let server = MockServer::start().await;
    let grader = GraderPython {
        image_tag: Some("2025-05-08".into()),
        ..GraderPython::new("exact", "def grade(sample, item) -> float:\n    return 1.0\n")
    };
    let wire = json!({"type": "python", "name": "exact", "source": "def grade(sample, item) -> float:\n    return 1.0\n", "image_tag": "2025-05-08"});
    mount(&server, "POST", "/v1/fine_tuning/alpha/graders/validate", 200, json!({"grader": wire})).await;

    let body = ValidateGraderRequest::new(grader.clone());
    let result = client(&server).fine_tuning().alpha().graders().validate(&body).await.expect("validate succeeds");

    assert_sent(&single_request(&server).await, "POST", "/v1/fine_tuning/alpha/graders/validate", &[], Some(json!({"grader": wire})));
    assert_eq!(result.grader, Some(Grader::Python(grader)));
}

// ---------------------------------------------------------------------------------------------
// Errors, path segments and absent parameters

#[tokio::test]
async fn error_envelope_becomes_api_error_with_request_id() {
    let server = MockServer::start().await;
    let envelope = json!({"error": {"message": "No such job: ftjob-nope", "type": "invalid_request_error", "param": "fine_tuning_job_id", "code": "not_found"}});
    Mock::given(method("GET"))
        .and(path("/v1/fine_tuning/jobs/ftjob-nope"))
        .respond_with(ResponseTemplate::new(404).insert_header("x-request-id", "req_123").set_body_json(envelope))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server).fine_tuning().jobs().retrieve("ftjob-nope").await.unwrap_err();

    assert_eq!(error.status(), Some(404));
    assert_eq!(error.request_id(), Some("req_123"));
    let expected = ApiError {
        status: 404,
        message: "No such job: ftjob-nope".into(),
        r#type: Some("invalid_request_error".into()),
        param: Some("fine_tuning_job_id".into()),
        code: Some("not_found".into()),
        request_id: Some("req_123".into()),
        rate_limit: Default::default(),
        retry_after: None,
    };
    assert_eq!(error.api(), Some(&expected));
    assert!(matches!(&error, Error::Api(api) if **api == expected), "{error:?}");
    assert_eq!(error.to_string(), "api error 404: No such job: ftjob-nope (request id req_123)");
}

#[tokio::test]
async fn slashes_and_dots_in_an_id_stay_in_one_segment() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/fine_tuning/jobs/a%2F..%2Fb/pause"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pause_json()))
        .expect(1)
        .mount(&server)
        .await;

    let job = client(&server).fine_tuning().jobs().pause("a/../b").await.expect("pause succeeds");

    let request = single_request(&server).await;
    assert_eq!(request.url.path(), "/v1/fine_tuning/jobs/a%2F..%2Fb/pause");
    assert_eq!(segments(request.url.path())[4], "a/../b");
    assert_eq!(job.status, FineTuningJobStatus::Paused);
}

#[tokio::test]
async fn empty_and_dot_ids_are_rejected_before_any_request() {
    let server = MockServer::start().await;
    let client = client(&server);
    let jobs = client.fine_tuning().jobs();
    let permissions = client.fine_tuning().checkpoints().permissions();

    for bad in ["", ".", ".."] {
        let errors = [
            ("fine_tuning_job_id", jobs.retrieve(bad).await.unwrap_err()),
            ("fine_tuning_job_id", jobs.cancel(bad).await.unwrap_err()),
            ("fine_tuning_job_id", jobs.pause(bad).await.unwrap_err()),
            ("fine_tuning_job_id", jobs.resume(bad).await.unwrap_err()),
            ("fine_tuning_job_id", jobs.events().list(bad, &Default::default()).await.unwrap_err()),
            ("fine_tuning_job_id", jobs.checkpoints().list(bad, &Default::default()).await.unwrap_err()),
            ("fine_tuned_model_checkpoint", permissions.list(bad, &Default::default()).await.unwrap_err()),
            (
                "fine_tuned_model_checkpoint",
                permissions.create(bad, &CreateFineTuningCheckpointPermissionRequest::new(Vec::<String>::new())).await.unwrap_err(),
            ),
            ("fine_tuned_model_checkpoint", permissions.delete(bad, "cp_1").await.unwrap_err()),
            ("permission_id", permissions.delete(CHECKPOINT, bad).await.unwrap_err()),
        ];
        for (expected, error) in errors {
            assert!(
                matches!(&error, Error::InvalidArgument { name, .. } if *name == expected),
                "id {bad:?}: expected InvalidArgument for `{expected}`, got {error:?}"
            );
        }
    }
    let requests = server.received_requests().await.expect("recording is on");
    assert!(requests.is_empty(), "requests were sent: {requests:#?}");
}

#[tokio::test]
async fn checkpoint_name_with_colons_is_one_segment() {
    let server = MockServer::start().await;
    let expected_path = format!("/v1/fine_tuning/checkpoints/{CHECKPOINT}/permissions/cp_1");
    mount(&server, "DELETE", &expected_path, 200, json!({"object": "checkpoint.permission", "id": "cp_1", "deleted": true})).await;

    client(&server).fine_tuning().checkpoints().permissions().delete(CHECKPOINT, "cp_1").await.expect("delete succeeds");

    let request = single_request(&server).await;
    let sent = segments(request.url.path());
    assert_eq!(sent, ["", "v1", "fine_tuning", "checkpoints", CHECKPOINT, "permissions", "cp_1"], "raw path {}", request.url.path());
}

#[tokio::test]
async fn unset_query_parameters_are_not_sent() {
    let server = MockServer::start().await;
    let empty_list = json!({"object": "list", "data": [], "has_more": false});
    mount(&server, "GET", "/v1/fine_tuning/jobs", 200, empty_list.clone()).await;
    mount(&server, "GET", "/v1/fine_tuning/jobs/ftjob-abc123/events", 200, empty_list.clone()).await;
    mount(&server, "GET", "/v1/fine_tuning/jobs/ftjob-abc123/checkpoints", 200, empty_list.clone()).await;
    mount(&server, "GET", &format!("/v1/fine_tuning/checkpoints/{CHECKPOINT}/permissions"), 200, empty_list).await;

    let client = client(&server);
    let jobs = client.fine_tuning().jobs();
    let page = jobs.list(&Default::default()).await.expect("jobs list succeeds");
    assert!(page.data.is_empty() && !page.has_more);
    jobs.events().list("ftjob-abc123", &Default::default()).await.expect("events list succeeds");
    jobs.checkpoints().list("ftjob-abc123", &Default::default()).await.expect("checkpoints list succeeds");
    client.fine_tuning().checkpoints().permissions().list(CHECKPOINT, &Default::default()).await.expect("permissions list succeeds");

    let requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 4);
    for request in &requests {
        assert_eq!(request.url.query(), None, "{} sent a query string", request.url);
    }
}

// ---------------------------------------------------------------------------------------------
// Files

fn file_json(id: &str, filename: &str, purpose: &str) -> Value {
    json!({"id": id, "object": "file", "bytes": 140, "created_at": 1733500000, "filename": filename, "purpose": purpose})
}

#[tokio::test]
async fn files_create_uploads_the_training_file_as_a_multipart_form() {
    let server = MockServer::start().await;
    mount(&server, "POST", "/v1/files", 200, file_json("file-1", "train.jsonl", "fine-tune")).await;
    let lines = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}\n";
    let body = CreateFileRequest::new(File::from_bytes(lines.as_bytes().to_vec(), "train.jsonl"), CreateFileRequestPurpose::FineTune);
    let file = client(&server).files().create(&body).await.unwrap();
    assert_eq!((file.id.as_str(), file.purpose), ("file-1", OpenAiFilePurpose::FineTune));
    #[expect(deprecated, reason = "the deprecated status may be absent")]
    let status = file.status;
    assert_eq!(status, None);

    let request = single_request(&server).await;
    let content_type = request.headers.get("content-type").unwrap().to_str().unwrap();
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect("a multipart form");
    let sent = String::from_utf8(request.body.clone()).unwrap();
    let parts: Vec<&str> = sent.split(&format!("--{boundary}")).filter(|p| p.contains("Content-Disposition")).collect();
    assert_eq!(parts.len(), 2, "the file and the purpose, nothing else: {sent}");
    let part = |name: &str| *parts.iter().find(|p| p.contains(&format!("name=\"{name}\""))).unwrap_or_else(|| panic!("no `{name}` part"));
    assert!(part("purpose").ends_with("\r\n\r\nfine-tune\r\n"), "{}", part("purpose"));
    assert!(part("file").contains("filename=\"train.jsonl\""));
    assert!(part("file").ends_with(&format!("\r\n\r\n{lines}\r\n")), "the bytes as given");
    assert_eq!(request.headers.get("authorization").unwrap(), "Bearer sk-test");
}

#[tokio::test]
async fn files_list_retrieve_and_delete() {
    let server = MockServer::start().await;
    let page = json!({"object": "list", "data": [file_json("file-1", "train.jsonl", "fine-tune"), file_json("file-2", "step_metrics.csv", "fine-tune-results")], "first_id": "file-1", "last_id": "file-2", "has_more": false});
    Mock::given(method("GET"))
        .and(path("/v1/files"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .expect(1)
        .mount(&server)
        .await;
    mount(&server, "GET", "/v1/files/file-2", 200, file_json("file-2", "step_metrics.csv", "fine-tune-results")).await;
    mount(&server, "DELETE", "/v1/files/file-1", 200, json!({"id": "file-1", "object": "file", "deleted": true})).await;
    let client = client(&server);

    let params = ListFilesParams { purpose: Some("fine-tune".into()), ..Default::default() };
    let listed = client.files().list(&params).await.unwrap();
    assert_eq!(listed.data.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), ["file-1", "file-2"]);
    let results = client.files().retrieve("file-2").await.unwrap();
    assert_eq!(results.purpose, OpenAiFilePurpose::FineTuneResults);
    assert!(client.files().delete("file-1").await.unwrap().deleted);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.query(), Some("purpose=fine-tune"));
    assert!(requests.iter().all(|r| r.body.is_empty()));
}

#[tokio::test]
async fn files_content_comes_as_the_bytes_sent() {
    let server = MockServer::start().await;
    let csv = b"step,train_loss\n1,1.25\n2,0.75\n".to_vec();
    Mock::given(method("GET"))
        .and(path("/v1/files/file-2/content"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(csv.clone(), "text/csv"))
        .expect(1)
        .mount(&server)
        .await;
    let bytes = client(&server).files().content().retrieve("file-2").await.unwrap();
    assert_eq!(bytes.as_ref(), csv.as_slice());
}

// ---------------------------------------------------------------------------------------------
// Webhooks

#[test]
fn a_signed_fine_tuning_webhook_is_verified_and_decoded() {
    let secret = "whsec_c2VjcmV0LWZvci10aGUtd2ViaG9vay10ZXN0cw==";
    let body =
        br#"{"id":"evt_1","object":"event","type":"fine_tuning.job.succeeded","created_at":1733600000,"data":{"id":"ftjob-abc123"}}"#;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let signed = |timestamp: u64, body: &[u8]| {
        let mut headers = HeaderMap::new();
        headers.insert("webhook-id", "evt_1".parse().unwrap());
        headers.insert("webhook-timestamp", timestamp.to_string().parse().unwrap());
        headers.insert("webhook-signature", sign_webhook(secret, "evt_1", timestamp, body).unwrap().parse().unwrap());
        headers
    };
    match unwrap_webhook(secret, &signed(now, body), body).unwrap() {
        WebhookEvent::FineTuningJobSucceeded(event) => assert_eq!(event.data.id, "ftjob-abc123"),
        other => panic!("decoded as {other:?}"),
    }
    let tampered = body.iter().map(|&b| if b == b'1' { b'2' } else { b }).collect::<Vec<u8>>();
    assert_eq!(unwrap_webhook(secret, &signed(now, body), &tampered).unwrap_err(), WebhookError::NoMatchingSignature);
    assert_eq!(unwrap_webhook(secret, &signed(now - 3600, body), body).unwrap_err(), WebhookError::TooOld);
    let unknown = br#"{"id":"evt_2","object":"event","type":"batch.completed","created_at":1733600000,"data":{"id":"batch_1"}}"#;
    assert!(matches!(unwrap_webhook(secret, &signed(now, unknown), unknown).unwrap(), WebhookEvent::Unknown(_)));
}
