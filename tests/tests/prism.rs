//! The generated SDK against Prism mock servers, one for `spec/openai-fine-tuning.yaml` and one
//! for the published spec, which `cargo xtask test` starts and names in `PRISM_SPEC_URL` and
//! `PRISM_PUBLISHED_URL`:
//!
//! - requests conform: every operation, called with the arguments a user would set, is accepted
//!   (Prism answers 422 to a request its spec does not allow) and its response decodes;
//! - random responses decode: with `Prefer: dynamic=true` Prism makes a new response up from the
//!   schema on each call, and at least 20 per operation must decode. A 500 whose problem `type`
//!   ends in `#VIOLATIONS` is Prism breaking its own spec; those are skipped and counted.
//!
//! On the published spec, the few places where it is wrong and ours follows the API are listed in
//! [`PUBLISHED_SPEC_ERRORS`]; their decode errors are counted as known instead of failing.
//!
//! Without the variables each test says that it checked nothing and passes.
//! `PRISM_RANDOM_RESPONSES=200` asks for more random responses per operation than the default 20.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::time::{Duration, Instant};

use openai_fine_tuning::File;
use openai_fine_tuning::types::{
    AutoOrInteger, AutoOrNumber, CreateFineTuningCheckpointPermissionRequest, CreateFineTuningJobRequest,
    CreateFineTuningJobRequestHyperparameters, CreateFineTuningJobRequestIntegrationsItem, CreateFineTuningJobRequestIntegrationsItemWandb,
    CreateFineTuningJobRequestModel, EvalItem, EvalItemContentItem, EvalItemRole, FineTuneDpoHyperparameters, FineTuneDpoMethod,
    FineTuneMethod, FineTuneMethodType, FineTuneReinforcementHyperparameters, FineTuneReinforcementHyperparametersReasoningEffort,
    FineTuneReinforcementMethod, FineTuneSupervisedHyperparameters, FineTuneSupervisedMethod, Grader, GraderLabelModel, GraderMulti,
    GraderMultiGraders, GraderPython, GraderScoreModel, GraderScoreModelSamplingParams, GraderStringCheck, GraderStringCheckOperation,
    GraderTextSimilarity, GraderTextSimilarityEvaluationMetric, InputTextContent, ListFineTuningCheckpointPermissionsParams,
    ListFineTuningCheckpointPermissionsParamsOrder, ListFineTuningEventsParams, ListFineTuningJobCheckpointsParams,
    ListPaginatedFineTuningJobsParams, RunGraderRequest, ValidateGraderRequest,
};
use openai_fine_tuning::types::{CreateFileRequest, CreateFileRequestPurpose, ListFilesParams, ListFilesParamsOrder};
use openai_fine_tuning::{Client, Error, Request};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::json;

/// Random responses that must decode per operation and server, unless `PRISM_RANDOM_RESPONSES` says otherwise.
const WANTED: u32 = 20;
/// Calls per wanted response before giving up. On the published spec only one pause response in
/// twelve to fifteen that Prism makes up is valid; at 50 per wanted response (1,000 for 20)
/// missing the target by bad luck is about a one-in-10¹² event, where 600 would be one in 10⁴.
const ATTEMPTS_PER_WANTED: u32 = 50;
/// Failures described in full per operation; further ones are only counted.
const DESCRIBED_FAILURES: u32 = 3;

const API_KEY: &str = "sk-prism-test";
const ADMIN_KEY: &str = "sk-admin-prism-test";
const JOB: &str = "ftjob-abc123";
/// A fine-tuned checkpoint name as the API spells it, colons included.
const CHECKPOINT: &str = "ft:gpt-4o-mini-2024-07-18:org:weather:B7R9VjQd";
const PERMISSION: &str = "cp_zc4Q7MP6XxulcVzj4MZdwsAB";
const FILE: &str = "file-abc123";

/// Where the published spec is wrong and ours follows the API (see the descriptions in `spec/`),
/// so that a response the published spec allows rightly fails to decode: the operation, a piece
/// of the decode error, and why. Tolerated on the published server only, and each entry must
/// still happen in the static run, so that the list cannot go stale.
const PUBLISHED_SPEC_ERRORS: &[(&str, &str, &str)] = &[(
    "runGrader",
    "expected struct RunGraderResponseMetadataTokenUsage",
    "the published spec types `metadata.token_usage` as integer or null; its own example and the API send an object",
)];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_conform_to_our_spec() {
    requests_conform(Server::Ours, "requests_conform_to_our_spec").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_conform_to_the_published_spec() {
    requests_conform(Server::Published, "requests_conform_to_the_published_spec").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_responses_decode_with_our_spec() {
    random_responses_decode(Server::Ours, "random_responses_decode_with_our_spec").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_responses_decode_with_the_published_spec() {
    random_responses_decode(Server::Published, "random_responses_decode_with_the_published_spec").await;
}

// ---------------------------------------------------------------------------------------------
// The two checks

/// Every case once, without `Prefer`: Prism validates the request and answers with a static
/// response, which must decode.
async fn requests_conform(server: Server, test: &str) {
    let Some(url) = server.url(test) else { return };
    let client = client(&url, false);
    let cases = Case::for_server(server, cases());
    let mut failures = Vec::new();
    let mut known_seen = vec![false; PUBLISHED_SPEC_ERRORS.len()];
    let mut report = format!("\nPrism, {}: requests of every operation (static responses)\n", server.label());
    for case in &cases {
        match case.send(&client).await {
            Ok(summary) => {
                let _ = writeln!(report, "  ok     {:<38} {:<24} {summary}", case.operation, case.variant);
            }
            Err(error) => match known_spec_error(server, case, &error) {
                Some(index) => {
                    known_seen[index] = true;
                    let reason = PUBLISHED_SPEC_ERRORS[index].2;
                    let _ = writeln!(
                        report,
                        "  known  {:<38} {:<24} request accepted; response not decoded: {reason}",
                        case.operation, case.variant
                    );
                }
                None => {
                    let _ = writeln!(report, "  FAIL   {:<38} {:<24} {error}", case.operation, case.variant);
                    failures.push(describe(&url, &client, case, &error).await);
                }
            },
        }
    }
    show(&report);
    if server == Server::Published {
        for ((operation, piece, _), seen) in PUBLISHED_SPEC_ERRORS.iter().zip(known_seen) {
            if !seen {
                failures.push(format!(
                    "{operation}: the known published-spec error `{piece}` no longer happens; remove it from PUBLISHED_SPEC_ERRORS"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} calls failed against {}:\n\n{}",
        failures.len(),
        cases.len(),
        server.label(),
        failures.join("\n\n")
    );
}

/// The first case of each operation, with `Prefer: dynamic=true`, until the wanted number of
/// responses decoded or [`ATTEMPTS_PER_WANTED`] times as many calls were made.
async fn random_responses_decode(server: Server, test: &str) {
    let Some(url) = server.url(test) else { return };
    let client = client(&url, true);
    let wanted = std::env::var("PRISM_RANDOM_RESPONSES").ok().and_then(|n| n.parse().ok()).unwrap_or(WANTED);
    let max_attempts = wanted * ATTEMPTS_PER_WANTED;
    let started = Instant::now();
    let mut tallies = Vec::new();
    let mut failures = Vec::new();
    for case in Case::for_server(server, first_case_per_operation()) {
        let mut tally = Tally { operation: case.operation, ..Tally::default() };
        let op_started = Instant::now();
        while tally.decoded < wanted && tally.attempts < max_attempts {
            tally.attempts += 1;
            match case.send(&client).await {
                Ok(_) => tally.decoded += 1,
                Err(error) if is_prism_violation(&error) => tally.violations += 1,
                Err(error) if known_spec_error(server, &case, &error).is_some() => tally.known += 1,
                Err(error) => {
                    tally.failed += 1;
                    if tally.failed <= DESCRIBED_FAILURES {
                        failures.push(describe(&url, &client, &case, &error).await);
                    }
                }
            }
        }
        tally.elapsed = op_started.elapsed();
        if tally.decoded < wanted && tally.failed == 0 {
            failures.push(format!(
                "{}: only {} of {} random responses decoded ({} violations, {} known published-spec errors), fewer than {wanted}",
                case.operation, tally.decoded, tally.attempts, tally.violations, tally.known
            ));
        }
        tallies.push(tally);
    }
    show(&table(server, &tallies, started.elapsed()));
    assert!(failures.is_empty(), "random responses from {} failed:\n\n{}", server.label(), failures.join("\n\n"));
}

#[derive(Default)]
struct Tally {
    operation: &'static str,
    decoded: u32,
    violations: u32,
    known: u32,
    failed: u32,
    attempts: u32,
    elapsed: Duration,
}

fn table(server: Server, tallies: &[Tally], elapsed: Duration) -> String {
    let mut out = format!("\nPrism, {}: random responses (Prefer: dynamic=true)\n", server.label());
    let _ = writeln!(
        out,
        "  {:<38} {:>7} {:>10} {:>5} {:>6} {:>8} {:>7}",
        "operation", "decoded", "violations", "known", "failed", "attempts", "seconds"
    );
    let mut total = Tally::default();
    for t in tallies {
        let _ = writeln!(
            out,
            "  {:<38} {:>7} {:>10} {:>5} {:>6} {:>8} {:>7.1}",
            t.operation,
            t.decoded,
            t.violations,
            t.known,
            t.failed,
            t.attempts,
            t.elapsed.as_secs_f64()
        );
        total.decoded += t.decoded;
        total.violations += t.violations;
        total.known += t.known;
        total.failed += t.failed;
        total.attempts += t.attempts;
    }
    let _ = writeln!(
        out,
        "  {:<38} {:>7} {:>10} {:>5} {:>6} {:>8} {:>7.1}",
        "total",
        total.decoded,
        total.violations,
        total.known,
        total.failed,
        total.attempts,
        elapsed.as_secs_f64()
    );
    out
}

/// Writes straight to stderr, past the test harness's capture, so that the counts show in every
/// run of `cargo xtask test` and not only when a test fails.
fn show(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

// ---------------------------------------------------------------------------------------------
// Servers and clients

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Server {
    Ours,
    Published,
}

impl Server {
    fn var(self) -> &'static str {
        match self {
            Server::Ours => "PRISM_SPEC_URL",
            Server::Published => "PRISM_PUBLISHED_URL",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Server::Ours => "our spec",
            Server::Published => "the published spec",
        }
    }

    /// The server's base URL, or `None` after saying plainly that the test checked nothing.
    fn url(self, test: &str) -> Option<String> {
        let set = |var: &str| std::env::var(var).ok().filter(|url| !url.is_empty());
        let url = set(self.var());
        if url.is_none() {
            if self == Server::Published && set(Server::Ours.var()).is_some() {
                eprintln!("{test}: {} is not set (../shared/specs is missing?): the published spec was NOT checked", self.var());
            } else {
                eprintln!("{test}: {} is not set, so Prism is not running: nothing was checked (`cargo xtask test` starts it)", self.var());
            }
        }
        url
    }
}

/// A client for `base_url` that never retries (a 500 is Prism reporting its own invalid
/// response, to be counted, not retried) and, when `dynamic`, asks Prism for random responses.
fn client(base_url: &str, dynamic: bool) -> Client {
    let mut headers = HeaderMap::new();
    if dynamic {
        headers.insert(HeaderName::from_static("prefer"), HeaderValue::from_static("dynamic=true"));
    }
    let http =
        reqwest::Client::builder().default_headers(headers).timeout(Duration::from_secs(60)).build().expect("the HTTP client builds");
    // The checkpoint-permission operations send the admin key; Prism checks that one is there.
    Client::builder()
        .api_key(API_KEY)
        .admin_key(ADMIN_KEY)
        .organization("org-prism")
        .project("proj_prism")
        .base_url(base_url)
        .http_client(http)
        .max_retries(0)
        .build()
        .expect("the test configuration is valid")
}

/// Whether `error` is Prism's own invalid response: a 500 with a problem body whose `type` ends in
/// `#VIOLATIONS`. The SDK keeps such a body (it has no `error` envelope) as the message.
fn is_prism_violation(error: &Error) -> bool {
    error.api().is_some_and(|api| api.status == 500 && problem_type(&api.message).is_some_and(|t| t.ends_with("#VIOLATIONS")))
}

/// The index in [`PUBLISHED_SPEC_ERRORS`] of the known published-spec error `error` is, if any.
fn known_spec_error(server: Server, case: &Case, error: &Error) -> Option<usize> {
    if server != Server::Published || !matches!(error, Error::Decode { .. }) {
        return None;
    }
    let message = error.to_string();
    PUBLISHED_SPEC_ERRORS.iter().position(|&(operation, piece, _)| operation == case.operation && message.contains(piece))
}

/// The `type` of a problem+json body, read from the start of it that the error keeps (cut after
/// 200 characters, so it is not always valid JSON).
fn problem_type(body: &str) -> Option<&str> {
    let rest = &body[body.find("\"type\"")? + "\"type\"".len()..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    Some(&rest[..rest.find('"')?])
}

/// Everything known about a failed call: the SDK's error, the request the SDK sent, and what
/// Prism says about it when it is sent again. The replay is there because Prism names what it
/// rejected in the `sl-violations` header (or past the part of a problem body the error keeps).
async fn describe(base_url: &str, client: &Client, case: &Case, error: &Error) -> String {
    let mut out = format!("{} ({}): {error}", case.operation, case.variant);
    let Some(request) = case.request(client) else { return out };
    let body = request.body().map(String::from_utf8_lossy).unwrap_or_default();
    let _ = write!(out, "\n  sent: {} {} {:?} {body}", request.method(), request.path(), request.query_pairs());
    if error.api().is_some() {
        let _ = write!(out, "\n  {}", replay(base_url, &request).await);
    }
    out
}

async fn replay(base_url: &str, request: &Request) -> String {
    let Ok(mut url) = reqwest::Url::parse(&format!("{base_url}{}", request.path())) else {
        return "replay: the URL does not parse".to_owned();
    };
    if !request.query_pairs().is_empty() {
        url.query_pairs_mut().extend_pairs(request.query_pairs());
    }
    let mut builder = reqwest::Client::new().request(request.method().clone(), url).bearer_auth(API_KEY);
    if let Some(body) = request.body() {
        builder = builder.header("content-type", "application/json").body(body.to_vec());
    }
    match builder.send().await {
        Ok(response) => {
            let status = response.status();
            let violations = response.headers().get("sl-violations").map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            let body = response.text().await.unwrap_or_default();
            let body: String = body.chars().take(2000).collect();
            format!("sent again: {status}; sl-violations: {}; body: {body}", violations.as_deref().unwrap_or("(none)"))
        }
        Err(error) => format!("sent again: failed: {error}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The calls

/// One call of one operation, named by its `operationId`.
struct Case {
    operation: &'static str,
    variant: &'static str,
    args: Args,
}

enum Args {
    CreateJob(Box<CreateFineTuningJobRequest>),
    ListJobs(ListPaginatedFineTuningJobsParams),
    RetrieveJob,
    CancelJob,
    PauseJob,
    ResumeJob,
    ListEvents(ListFineTuningEventsParams),
    ListCheckpoints(ListFineTuningJobCheckpointsParams),
    ListPermissions(ListFineTuningCheckpointPermissionsParams),
    CreatePermission(CreateFineTuningCheckpointPermissionRequest),
    DeletePermission,
    RunGrader(Box<RunGraderRequest>),
    ValidateGrader(Box<ValidateGraderRequest>),
    ListFiles(ListFilesParams),
    CreateFile(Box<CreateFileRequest>),
    RetrieveFile,
    DeleteFile,
    DownloadFile,
}

impl Case {
    fn new(operation: &'static str, variant: &'static str, args: Args) -> Self {
        Case { operation, variant, args }
    }

    /// Whether the published spec's fine-tuning extract, which Prism serves as the published
    /// spec, has the operation: it has `/fine_tuning` only, not the files the workflow uploads.
    fn in_published_extract(&self) -> bool {
        !matches!(self.args, Args::ListFiles(_) | Args::CreateFile(_) | Args::RetrieveFile | Args::DeleteFile | Args::DownloadFile)
    }

    /// The cases a server can answer.
    fn for_server(server: Server, cases: Vec<Case>) -> Vec<Case> {
        cases.into_iter().filter(|case| server == Server::Ours || case.in_published_extract()).collect()
    }

    /// Calls the operation through the SDK; a decoded response becomes a one-line summary.
    async fn send(&self, client: &Client) -> Result<String, Error> {
        let jobs = client.fine_tuning().jobs();
        let permissions = client.fine_tuning().checkpoints().permissions();
        let graders = client.fine_tuning().alpha().graders();
        Ok(match &self.args {
            Args::CreateJob(body) => {
                let job = jobs.create(body).await?;
                format!("job {} {}", job.id, job.status.as_str())
            }
            Args::ListJobs(params) => {
                let page = jobs.list(params).await?;
                format!("{} jobs, has_more {}", page.data.len(), page.has_more)
            }
            Args::RetrieveJob => {
                let job = jobs.retrieve(JOB).await?;
                format!("job {} {}", job.id, job.status.as_str())
            }
            Args::CancelJob => {
                let job = jobs.cancel(JOB).await?;
                format!("job {} {}", job.id, job.status.as_str())
            }
            Args::PauseJob => {
                let job = jobs.pause(JOB).await?;
                format!("job {} {}", job.id, job.status.as_str())
            }
            Args::ResumeJob => {
                let job = jobs.resume(JOB).await?;
                format!("job {} {}", job.id, job.status.as_str())
            }
            Args::ListEvents(params) => {
                let page = jobs.events().list(JOB, params).await?;
                format!("{} events, has_more {}", page.data.len(), page.has_more)
            }
            Args::ListCheckpoints(params) => {
                let page = jobs.checkpoints().list(JOB, params).await?;
                format!("{} checkpoints, has_more {}", page.data.len(), page.has_more)
            }
            Args::ListPermissions(params) => {
                let page = permissions.list(CHECKPOINT, params).await?;
                format!("{} permissions, has_more {}", page.data.len(), page.has_more)
            }
            Args::CreatePermission(body) => {
                let page = permissions.create(CHECKPOINT, body).await?;
                format!("{} permissions", page.data.len())
            }
            Args::DeletePermission => {
                let deleted = permissions.delete(CHECKPOINT, PERMISSION).await?;
                format!("{} deleted {}", deleted.id, deleted.deleted)
            }
            Args::RunGrader(body) => {
                let result = graders.run(body).await?;
                format!("reward {} from a {} grader", result.reward, result.metadata.r#type)
            }
            Args::ValidateGrader(body) => {
                let result = graders.validate(body).await?;
                format!("grader echoed: {}", result.grader.is_some())
            }
            Args::ListFiles(params) => {
                let page = client.files().list(params).await?;
                format!("{} files, has_more {}", page.data.len(), page.has_more)
            }
            Args::CreateFile(body) => {
                let file = client.files().create(body).await?;
                format!("file {} {}", file.id, file.purpose.as_str())
            }
            Args::RetrieveFile => {
                let file = client.files().retrieve(FILE).await?;
                format!("file {} {}", file.id, file.purpose.as_str())
            }
            Args::DeleteFile => {
                let deleted = client.files().delete(FILE).await?;
                format!("{} deleted {}", deleted.id, deleted.deleted)
            }
            Args::DownloadFile => {
                let bytes = client.files().content().retrieve(FILE).await?;
                format!("{} bytes", bytes.len())
            }
        })
    }

    /// The request the SDK sends for this case, to show and replay when it fails.
    fn request(&self, client: &Client) -> Option<Request> {
        let jobs = client.fine_tuning().jobs();
        let permissions = client.fine_tuning().checkpoints().permissions();
        let graders = client.fine_tuning().alpha().graders();
        match &self.args {
            Args::CreateJob(body) => jobs.create(body).request().ok().cloned(),
            Args::ListJobs(params) => jobs.list(params).request().ok().cloned(),
            Args::RetrieveJob => jobs.retrieve(JOB).request().ok().cloned(),
            Args::CancelJob => jobs.cancel(JOB).request().ok().cloned(),
            Args::PauseJob => jobs.pause(JOB).request().ok().cloned(),
            Args::ResumeJob => jobs.resume(JOB).request().ok().cloned(),
            Args::ListEvents(params) => jobs.events().list(JOB, params).request().ok().cloned(),
            Args::ListCheckpoints(params) => jobs.checkpoints().list(JOB, params).request().ok().cloned(),
            Args::ListPermissions(params) => permissions.list(CHECKPOINT, params).request().ok().cloned(),
            Args::CreatePermission(body) => permissions.create(CHECKPOINT, body).request().ok().cloned(),
            Args::DeletePermission => permissions.delete(CHECKPOINT, PERMISSION).request().ok().cloned(),
            Args::RunGrader(body) => graders.run(body).request().ok().cloned(),
            Args::ValidateGrader(body) => graders.validate(body).request().ok().cloned(),
            Args::ListFiles(params) => client.files().list(params).request().ok().cloned(),
            Args::CreateFile(body) => client.files().create(body).request().ok().cloned(),
            Args::RetrieveFile => client.files().retrieve(FILE).request().ok().cloned(),
            Args::DeleteFile => client.files().delete(FILE).request().ok().cloned(),
            Args::DownloadFile => client.files().content().retrieve(FILE).request().ok().cloned(),
        }
    }
}

/// Every case; the first of each operation is the fullest and is the one called repeatedly.
fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (variant, body) in job_bodies() {
        cases.push(Case::new("createFineTuningJob", variant, Args::CreateJob(Box::new(body))));
    }
    let list_jobs = ListPaginatedFineTuningJobsParams {
        after: Some("ftjob-abc122".into()),
        limit: Some(10),
        metadata: Some(BTreeMap::from([("team".into(), "weather".into()), ("env".into(), "staging".into())])),
    };
    cases.push(Case::new("listPaginatedFineTuningJobs", "cursor, limit, metadata", Args::ListJobs(list_jobs)));
    cases.push(Case::new("listPaginatedFineTuningJobs", "no parameters", Args::ListJobs(Default::default())));
    cases.push(Case::new("retrieveFineTuningJob", JOB, Args::RetrieveJob));
    cases.push(Case::new("cancelFineTuningJob", JOB, Args::CancelJob));
    cases.push(Case::new("pauseFineTuningJob", JOB, Args::PauseJob));
    cases.push(Case::new("resumeFineTuningJob", JOB, Args::ResumeJob));
    let events = ListFineTuningEventsParams { after: Some("ftevent-abc122".into()), limit: Some(50) };
    cases.push(Case::new("listFineTuningEvents", "cursor, limit", Args::ListEvents(events)));
    let checkpoints = ListFineTuningJobCheckpointsParams { after: Some("ftckpt_enQCFmOTGj3syEpYVhBRLTSy".into()), limit: Some(5) };
    cases.push(Case::new("listFineTuningJobCheckpoints", "cursor, limit", Args::ListCheckpoints(checkpoints)));
    let permissions = ListFineTuningCheckpointPermissionsParams {
        project_id: Some("proj_abGMw1llN8IrBb6SvvY5A1iH".into()),
        after: Some("cp_enQCFmOTGj3syEpYVhBRLTSy".into()),
        limit: Some(20),
        order: Some(ListFineTuningCheckpointPermissionsParamsOrder::Ascending),
    };
    cases.push(Case::new("listFineTuningCheckpointPermissions", "every filter", Args::ListPermissions(permissions)));
    let share = CreateFineTuningCheckpointPermissionRequest::new(["proj_abGMw1llN8IrBb6SvvY5A1iH", "proj_iqGMw1llN8IrBb6SvvY5A1oF"]);
    cases.push(Case::new("createFineTuningCheckpointPermission", "two projects", Args::CreatePermission(share)));
    cases.push(Case::new("deleteFineTuningCheckpointPermission", PERMISSION, Args::DeletePermission));
    for (variant, grader) in graders() {
        let run = RunGraderRequest {
            item: Some(json!({"question": "Capital of France?", "reference_answer": "Paris", "label": "positive"})),
            ..RunGraderRequest::new(grader.clone(), "The capital of France is Paris.")
        };
        cases.push(Case::new("runGrader", variant, Args::RunGrader(Box::new(run))));
    }
    for (variant, grader) in graders() {
        cases.push(Case::new("validateGrader", variant, Args::ValidateGrader(Box::new(ValidateGraderRequest::new(grader)))));
    }
    let list_files = ListFilesParams {
        purpose: Some("fine-tune".into()),
        limit: Some(100),
        order: Some(ListFilesParamsOrder::Asc),
        after: Some("file-abc122".into()),
    };
    cases.push(Case::new("listFiles", "every filter", Args::ListFiles(list_files)));
    let training = File::from_bytes(&b"{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}\n"[..], "train.jsonl");
    let upload = CreateFileRequest::new(training, CreateFileRequestPurpose::FineTune);
    cases.push(Case::new("createFile", "training data", Args::CreateFile(Box::new(upload))));
    cases.push(Case::new("retrieveFile", FILE, Args::RetrieveFile));
    cases.push(Case::new("deleteFile", FILE, Args::DeleteFile));
    cases.push(Case::new("downloadFile", FILE, Args::DownloadFile));
    let operations: std::collections::BTreeSet<&str> = cases.iter().map(|case| case.operation).collect();
    assert_eq!(operations.len(), 18, "every operation has a case: {operations:?}");
    cases
}

fn first_case_per_operation() -> Vec<Case> {
    let mut seen = std::collections::HashSet::new();
    cases().into_iter().filter(|case| seen.insert(case.operation)).collect()
}

/// Job requests for each method, with every field a user would set.
fn job_bodies() -> Vec<(&'static str, CreateFineTuningJobRequest)> {
    let supervised = CreateFineTuningJobRequest {
        suffix: Some("weather-bot".into()),
        validation_file: Some("file-def456".into()),
        seed: Some(42),
        integrations: Some(vec![CreateFineTuningJobRequestIntegrationsItem::new(CreateFineTuningJobRequestIntegrationsItemWandb {
            name: Some("weather-bot-run".into()),
            entity: Some("my-team".into()),
            tags: Some(vec!["nightly".into(), "weather".into()]),
            ..CreateFineTuningJobRequestIntegrationsItemWandb::new("my-wandb-project")
        })]),
        method: Some(FineTuneMethod {
            supervised: Some(FineTuneSupervisedMethod {
                hyperparameters: Some(FineTuneSupervisedHyperparameters {
                    batch_size: Some(AutoOrInteger::Integer(8)),
                    learning_rate_multiplier: Some(AutoOrNumber::Number(1.8)),
                    n_epochs: Some(AutoOrInteger::Integer(3)),
                }),
            }),
            ..FineTuneMethod::new(FineTuneMethodType::Supervised)
        }),
        metadata: Some(BTreeMap::from([("team".into(), "weather".into()), ("env".into(), "staging".into())])),
        ..CreateFineTuningJobRequest::new(CreateFineTuningJobRequestModel::GPT_4O_MINI, "file-abc123")
    };
    let auto = CreateFineTuningJobRequest {
        method: Some(FineTuneMethod {
            supervised: Some(FineTuneSupervisedMethod {
                hyperparameters: Some(FineTuneSupervisedHyperparameters {
                    batch_size: Some(AutoOrInteger::Auto),
                    learning_rate_multiplier: Some(AutoOrNumber::Auto),
                    n_epochs: Some(AutoOrInteger::Auto),
                }),
            }),
            ..FineTuneMethod::new(FineTuneMethodType::Supervised)
        }),
        ..CreateFineTuningJobRequest::new(CreateFineTuningJobRequestModel::GPT_4O_MINI, "file-abc123")
    };
    let dpo = CreateFineTuningJobRequest {
        suffix: Some("prefs".into()),
        validation_file: Some("file-def456".into()),
        method: Some(FineTuneMethod {
            dpo: Some(FineTuneDpoMethod {
                hyperparameters: Some(FineTuneDpoHyperparameters {
                    beta: Some(AutoOrNumber::Number(0.1)),
                    batch_size: Some(AutoOrInteger::Auto),
                    learning_rate_multiplier: Some(AutoOrNumber::Auto),
                    n_epochs: Some(AutoOrInteger::Integer(2)),
                }),
            }),
            ..FineTuneMethod::new(FineTuneMethodType::Dpo)
        }),
        ..CreateFineTuningJobRequest::new(CreateFineTuningJobRequestModel::new("gpt-4.1-mini-2025-04-14"), "file-abc123")
    };
    let reinforcement = CreateFineTuningJobRequest {
        suffix: Some("capitals".into()),
        validation_file: Some("file-def456".into()),
        seed: Some(7),
        method: Some(FineTuneMethod {
            reinforcement: Some(FineTuneReinforcementMethod {
                hyperparameters: Some(FineTuneReinforcementHyperparameters {
                    batch_size: Some(AutoOrInteger::Auto),
                    learning_rate_multiplier: Some(AutoOrNumber::Auto),
                    n_epochs: Some(AutoOrInteger::Integer(2)),
                    reasoning_effort: Some(FineTuneReinforcementHyperparametersReasoningEffort::Medium),
                    compute_multiplier: Some(AutoOrNumber::Number(1.5)),
                    eval_interval: Some(AutoOrInteger::Integer(10)),
                    eval_samples: Some(AutoOrInteger::Integer(4)),
                }),
                ..FineTuneReinforcementMethod::new(string_check())
            }),
            ..FineTuneMethod::new(FineTuneMethodType::Reinforcement)
        }),
        metadata: Some(BTreeMap::from([("team".into(), "geography".into())])),
        ..CreateFineTuningJobRequest::new(CreateFineTuningJobRequestModel::new("o4-mini-2025-04-16"), "file-abc123")
    };
    // Still accepted, though deprecated in favour of `method`.
    #[allow(deprecated)]
    let legacy = CreateFineTuningJobRequest {
        hyperparameters: Some(CreateFineTuningJobRequestHyperparameters {
            batch_size: Some(AutoOrInteger::Integer(4)),
            learning_rate_multiplier: Some(AutoOrNumber::Number(0.5)),
            n_epochs: Some(AutoOrInteger::Integer(4)),
        }),
        suffix: Some("legacy".into()),
        ..CreateFineTuningJobRequest::new(CreateFineTuningJobRequestModel::GPT_3_5_TURBO, "file-abc123")
    };
    vec![
        ("supervised, every field", supervised),
        ("supervised, auto", auto),
        ("dpo", dpo),
        ("reinforcement", reinforcement),
        ("legacy hyperparameters", legacy),
    ]
}

fn string_check() -> GraderStringCheck {
    GraderStringCheck::new("exact label", "{{sample.output_text}}", "{{item.label}}", GraderStringCheckOperation::Eq)
}

fn message(role: EvalItemRole, text: &str) -> EvalItem {
    EvalItem::new(role, EvalItemContentItem::from(InputTextContent::new(text)))
}

/// One grader of each kind, as a user would write it.
fn graders() -> Vec<(&'static str, Grader)> {
    let similarity = GraderTextSimilarity::new(
        "answer similarity",
        "{{sample.output_text}}",
        "{{item.reference_answer}}",
        GraderTextSimilarityEvaluationMetric::FuzzyMatch,
    );
    let python = GraderPython {
        image_tag: Some("2025-05-08".into()),
        ..GraderPython::new(
            "mentions the answer",
            "def grade(sample, item) -> float:\n    return float(item[\"reference_answer\"] in sample[\"output_text\"])\n",
        )
    };
    let score = GraderScoreModel {
        sampling_params: Some(GraderScoreModelSamplingParams {
            seed: Some(7),
            top_p: Some(1.0),
            temperature: Some(0.0),
            max_completions_tokens: Some(512),
            reasoning_effort: None,
        }),
        range: Some(vec![0.0, 1.0]),
        ..GraderScoreModel::new(
            "correctness",
            "gpt-4o-2024-08-06",
            [
                message(EvalItemRole::System, "Score from 0 to 1 how well the answer matches the reference."),
                EvalItem::new(
                    EvalItemRole::User,
                    EvalItemContentItem::EvalItemContentText(
                        "Question: {{item.question}}\nReference: {{item.reference_answer}}\nAnswer: {{sample.output_text}}".into(),
                    ),
                ),
            ],
        )
    };
    let label = GraderLabelModel::new(
        "sentiment",
        "gpt-4o-mini-2024-07-18",
        [
            message(EvalItemRole::Developer, "Label the sentiment of the answer as positive, neutral or negative."),
            message(EvalItemRole::User, "{{sample.output_text}}"),
        ],
        ["positive", "neutral", "negative"],
        ["positive"],
    );
    vec![
        ("string_check", string_check().into()),
        ("text_similarity", similarity.clone().into()),
        ("python", python.into()),
        ("score_model", score.into()),
        (
            "multi, text_similarity",
            GraderMulti::new("weighted", GraderMultiGraders::TextSimilarity(similarity), "answer_similarity * 0.5").into(),
        ),
        ("multi, label_model", GraderMulti::new("sentiment gate", GraderMultiGraders::LabelModel(label), "sentiment").into()),
    ]
}
