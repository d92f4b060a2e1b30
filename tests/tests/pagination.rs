//! List operations return one page and stream every item of every page on request; a server
//! that answers the same page whatever the cursor ends the stream instead of looping.

use futures::{StreamExt, TryStreamExt};
use openai_fine_tuning::types::{ListFineTuningCheckpointPermissionsParams, ListPaginatedFineTuningJobsParams};
use openai_fine_tuning::{Client, Paginated};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn job(id: &str) -> Value {
    json!({"object": "fine_tuning.job", "id": id, "model": "gpt-4o-mini", "created_at": 1, "fine_tuned_model": null,
           "organization_id": "org-1", "result_files": [], "status": "succeeded", "validation_file": null,
           "training_file": "file-1"})
}

fn page(ids: &[&str], has_more: bool) -> ResponseTemplate {
    let data: Vec<Value> = ids.iter().map(|id| job(id)).collect();
    ResponseTemplate::new(200).set_body_json(json!({"object": "list", "data": data, "has_more": has_more}))
}

fn client(server: &MockServer) -> Client {
    Client::builder().api_key("sk-test").admin_key("sk-admin").base_url(format!("{}/v1", server.uri())).max_retries(0).build().unwrap()
}

/// Three pages of two, two and one jobs, each answered only for the right cursor.
async fn three_pages() -> MockServer {
    let server = MockServer::start().await;
    let list = || Mock::given(method("GET")).and(path("/v1/fine_tuning/jobs")).and(query_param("limit", "2"));
    list().and(query_param_is_missing("after")).respond_with(page(&["ftjob-a", "ftjob-b"], true)).expect(1).mount(&server).await;
    list().and(query_param("after", "ftjob-b")).respond_with(page(&["ftjob-c", "ftjob-d"], true)).expect(1).mount(&server).await;
    list().and(query_param("after", "ftjob-d")).respond_with(page(&["ftjob-e"], false)).expect(1).mount(&server).await;
    server
}

#[tokio::test]
async fn one_call_is_one_page_with_a_cursor() {
    let server = three_pages().await;
    let params = ListPaginatedFineTuningJobsParams { limit: Some(2), ..Default::default() };
    let first = client(&server).fine_tuning().jobs().list(&params).await.unwrap();
    let ids: Vec<&str> = first.data.iter().map(|j| j.id.as_str()).collect();
    assert_eq!(ids, ["ftjob-a", "ftjob-b"]);
    assert!(first.has_more);
    assert_eq!(first.next_cursor(), Some("ftjob-b"));

    let params = ListPaginatedFineTuningJobsParams { after: first.next_cursor().map(str::to_owned), ..params };
    let second = client(&server).fine_tuning().jobs().list(&params).await.unwrap();
    assert_eq!(second.items().len(), 2);
    assert_eq!(second.next_cursor(), Some("ftjob-d"));

    let params = ListPaginatedFineTuningJobsParams { after: second.next_cursor().map(str::to_owned), ..params };
    let last = client(&server).fine_tuning().jobs().list(&params).await.unwrap();
    assert_eq!(last.items().len(), 1);
    assert_eq!(last.next_cursor(), None, "the last page has no cursor");
}

#[tokio::test]
async fn auto_paginate_yields_every_item_once_in_order() {
    let server = three_pages().await;
    let params = ListPaginatedFineTuningJobsParams { limit: Some(2), ..Default::default() };
    let jobs: Vec<_> = client(&server).fine_tuning().jobs().list(&params).auto_paginate().try_collect().await.unwrap();
    let ids: Vec<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
    assert_eq!(ids, ["ftjob-a", "ftjob-b", "ftjob-c", "ftjob-d", "ftjob-e"]);
    // `expect(1)` on each page checks at drop that no page was fetched twice.
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn the_stream_fetches_lazily_and_stops_at_an_error() {
    let server = MockServer::start().await;
    let list = || Mock::given(method("GET")).and(path("/v1/fine_tuning/jobs"));
    list().and(query_param_is_missing("after")).respond_with(page(&["ftjob-a"], true)).mount(&server).await;
    list()
        .and(query_param("after", "ftjob-a"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"error": {"message": "boom"}})))
        .mount(&server)
        .await;
    let mut stream = client(&server).fine_tuning().jobs().list(&Default::default()).auto_paginate();
    assert_eq!(server.received_requests().await.unwrap().len(), 0, "nothing is sent before the stream is polled");
    assert_eq!(stream.next().await.unwrap().unwrap().id, "ftjob-a");
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "one page at a time");
    let error = stream.next().await.unwrap().unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert!(stream.next().await.is_none(), "an error ends the stream");
}

#[tokio::test]
async fn a_server_that_repeats_its_page_ends_the_stream_instead_of_looping() {
    // Like a mock that answers every list call with the same example page, `has_more: true`.
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/v1/fine_tuning/jobs")).respond_with(page(&["ftjob-a", "ftjob-b"], true)).mount(&server).await;
    let stream = client(&server).fine_tuning().jobs().list(&Default::default()).auto_paginate().take(10);
    let jobs: Vec<_> = stream.try_collect().await.unwrap();
    let ids: Vec<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
    assert_eq!(ids, ["ftjob-a", "ftjob-b"], "the repeated page is not yielded again, nor fetched forever");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].url.query(), Some("after=ftjob-b"));
}

#[tokio::test]
async fn pages_that_lead_back_to_an_earlier_one_end_the_stream() {
    // a, b -> c, d -> a, b again: the third page's cursor `b` was used already.
    let server = MockServer::start().await;
    let list = || Mock::given(method("GET")).and(path("/v1/fine_tuning/jobs"));
    list().and(query_param_is_missing("after")).respond_with(page(&["ftjob-a", "ftjob-b"], true)).mount(&server).await;
    list().and(query_param("after", "ftjob-b")).respond_with(page(&["ftjob-c", "ftjob-d"], true)).mount(&server).await;
    list().and(query_param("after", "ftjob-d")).respond_with(page(&["ftjob-a", "ftjob-b"], true)).mount(&server).await;
    let stream = client(&server).fine_tuning().jobs().list(&Default::default()).auto_paginate().take(20);
    let jobs: Vec<_> = stream.try_collect().await.unwrap();
    let ids: Vec<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
    assert_eq!(ids, ["ftjob-a", "ftjob-b", "ftjob-c", "ftjob-d"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn checkpoint_permissions_paginate_too() {
    let server = MockServer::start().await;
    let permission = |id: &str| json!({"object": "checkpoint.permission", "id": id, "created_at": 1, "project_id": "proj-1"});
    let list = || Mock::given(method("GET")).and(path("/v1/fine_tuning/checkpoints/ckpt-1/permissions"));
    list()
        .and(query_param_is_missing("after"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"object": "list", "data": [permission("cp_1")], "has_more": true, "first_id": "cp_1", "last_id": "cp_1"}),
        ))
        .mount(&server)
        .await;
    list()
        .and(query_param("after", "cp_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"object": "list", "data": [permission("cp_2")], "has_more": false})))
        .mount(&server)
        .await;
    let params = ListFineTuningCheckpointPermissionsParams { project_id: Some("proj-1".into()), ..Default::default() };
    let all: Vec<_> =
        client(&server).fine_tuning().checkpoints().permissions().list("ckpt-1", &params).auto_paginate().try_collect().await.unwrap();
    assert_eq!(all.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["cp_1", "cp_2"]);
    // The other filters travel with every page.
    for request in server.received_requests().await.unwrap() {
        assert!(request.url.query_pairs().any(|(k, v)| k == "project_id" && v == "proj-1"), "{}", request.url);
    }
}
