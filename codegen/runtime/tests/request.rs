//! Builds requests without sending them: path segment encoding, query pairs and JSON bodies.

use std::collections::BTreeMap;

use sdk_runtime::{Error, Method, Query, Request, ToQuery};

#[test]
fn path_segment_keeps_unreserved_characters() {
    let segment = Request::path_segment("id", "ftjob-AZaz09_.~").unwrap();
    assert_eq!(segment, "ftjob-AZaz09_.~");
}

#[test]
fn path_segment_encodes_everything_else() {
    assert_eq!(Request::path_segment("id", "a/../b").unwrap(), "a%2F..%2Fb");
    assert_eq!(Request::path_segment("id", "ü b?#%&+").unwrap(), "%C3%BC%20b%3F%23%25%26%2B");
    // An already-encoded value is encoded again, so the server sees exactly the caller's text.
    assert_eq!(Request::path_segment("id", "%2e%2e").unwrap(), "%252e%252e");
    assert_eq!(Request::path_segment("id", "...").unwrap(), "...");
}

#[test]
fn path_segment_rejects_empty_and_dot_segments() {
    for value in ["", ".", ".."] {
        let error = Request::path_segment("fine_tuning_job_id", value).unwrap_err();
        match &error {
            Error::InvalidArgument { name, reason } => {
                assert_eq!(*name, "fine_tuning_job_id");
                assert!(!reason.is_empty());
            }
            other => panic!("expected `InvalidArgument` for {value:?}, got {other:?}"),
        }
        assert!(error.to_string().starts_with("invalid argument `fine_tuning_job_id`: "), "{error}");
        assert_eq!(error.status(), None);
        assert_eq!(error.request_id(), None);
    }
}

#[test]
fn json_serialises_the_body_immediately() {
    let body = serde_json::json!({"model": "gpt-4o-mini", "n_epochs": 3});
    let request = Request::new(Method::POST, "/fine_tuning/jobs").json(&body).unwrap();
    assert_eq!(request.body(), Some(&br#"{"model":"gpt-4o-mini","n_epochs":3}"#[..]));
    assert_eq!(request.method(), &Method::POST);
    assert_eq!(request.path(), "/fine_tuning/jobs");
}

#[test]
fn json_accepts_unsized_bodies() {
    let request = Request::new(Method::POST, "/x").json("text").unwrap();
    assert_eq!(request.body(), Some(&b"\"text\""[..]));
    let request = Request::new(Method::POST, "/x").json(&[1, 2][..]).unwrap();
    assert_eq!(request.body(), Some(&b"[1,2]"[..]));
}

#[test]
fn json_failure_is_an_invalid_body_argument() {
    // JSON object keys must be strings, so a map keyed by tuples cannot be serialised.
    let body = BTreeMap::from([((1, 2), "value")]);
    let error = Request::new(Method::POST, "/x").json(&body).unwrap_err();
    match &error {
        Error::InvalidArgument { name, reason } => {
            assert_eq!(*name, "body");
            assert!(reason.contains("key must be a string"), "{reason}");
        }
        other => panic!("expected `InvalidArgument`, got {other:?}"),
    }
}

#[test]
fn request_without_body_or_query() {
    let request = Request::new(Method::GET, String::from("/models"));
    assert_eq!(request.body(), None);
    assert!(request.query_pairs().is_empty());
}

struct ListParams {
    after: Option<String>,
    limit: Option<i64>,
    metadata: Option<BTreeMap<String, String>>,
}

// Written the way the generator writes it.
impl ToQuery for ListParams {
    fn to_query(&self, query: &mut Query) {
        if let Some(value) = &self.after {
            query.push("after", value);
        }
        if let Some(value) = &self.limit {
            query.push("limit", value);
        }
        if let Some(map) = &self.metadata {
            query.push_deep_object("metadata", map);
        }
    }
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
}

#[test]
fn generated_params_push_pairs_in_order() {
    let params = ListParams {
        after: Some("ftjob-1".into()),
        limit: Some(10),
        metadata: Some(BTreeMap::from([("z".into(), "last".into()), ("a".into(), "first".into())])),
    };
    let request = Request::new(Method::GET, "/fine_tuning/jobs").query(&params);
    assert_eq!(request.query_pairs(), pairs(&[("after", "ftjob-1"), ("limit", "10"), ("metadata[a]", "first"), ("metadata[z]", "last")]));
}

#[test]
fn absent_params_push_nothing() {
    let params = ListParams { after: None, limit: None, metadata: None };
    let request = Request::new(Method::GET, "/fine_tuning/jobs").query(&params);
    assert!(request.query_pairs().is_empty());
}

#[test]
fn ad_hoc_pairs_and_repeated_calls_accumulate() {
    let mut extra = Query::default();
    extra.push("flag", true);
    let request = Request::new(Method::GET, "/x")
        .query(&[("limit", 5)])
        .query(&vec![("after".to_string(), "a b".to_string())])
        .query(&[("q", "x")][..])
        .query(&extra);
    assert_eq!(request.query_pairs(), pairs(&[("limit", "5"), ("after", "a b"), ("q", "x"), ("flag", "true")]));
    assert_eq!(extra.pairs(), pairs(&[("flag", "true")]));
}

#[test]
fn debug_shows_the_body_as_text() {
    let request = Request::new(Method::POST, "/x").json(&serde_json::json!({"a": 1})).unwrap();
    let debug = format!("{request:?}");
    assert!(debug.contains(r#"{\"a\":1}"#), "{debug}");
    assert!(debug.contains("POST"), "{debug}");
}

#[test]
fn with_field_sets_a_field_of_a_json_body_and_keeps_the_others_exact() {
    // The number has more digits than an `f64` round trip would keep; the nested object's key order is not sorted.
    let body = r#"{"model":"gpt-4o","temperature":0.70000000000000000001,"stream":false,"metadata":{"z":1,"a":2}}"#;
    let raw: Box<serde_json::value::RawValue> = serde_json::from_str(body).unwrap();
    let request =
        Request::new(Method::POST, "/chat/completions").json(&raw).unwrap().with_field("stream", serde_json::json!(true)).unwrap();
    let sent = std::str::from_utf8(request.body().unwrap()).unwrap();
    assert!(sent.contains(r#""stream":true"#), "{sent}");
    assert!(!sent.contains("false"), "{sent}");
    assert!(sent.contains(r#""temperature":0.70000000000000000001"#), "{sent}");
    assert!(sent.contains(r#""metadata":{"z":1,"a":2}"#), "{sent}");
    let value: serde_json::Value = serde_json::from_slice(request.body().unwrap()).unwrap();
    assert_eq!(value["model"], "gpt-4o");
    assert_eq!(value.as_object().unwrap().len(), 4);

    let request = request.with_field("stream_options", serde_json::json!({"include_usage": true})).unwrap();
    let value: serde_json::Value = serde_json::from_slice(request.body().unwrap()).unwrap();
    assert_eq!(value["stream_options"], serde_json::json!({"include_usage": true}));
    assert_eq!(value["stream"], true);
}

#[test]
fn with_field_without_a_body_starts_a_json_object() {
    let request = Request::new(Method::POST, "/x").with_field("stream", serde_json::json!(true)).unwrap();
    assert_eq!(request.body(), Some(&br#"{"stream":true}"#[..]));
}

#[test]
fn with_field_rejects_bodies_it_cannot_set_a_field_in() {
    let array = Request::new(Method::POST, "/x").json(&[1, 2]).unwrap();
    let text = Request::new(Method::POST, "/x").text("application/sdp", "v=0");
    for request in [array, text] {
        let error = request.with_field("stream", serde_json::json!(true)).unwrap_err();
        match &error {
            Error::InvalidArgument { name: "body", reason } => assert!(reason.contains("`stream`"), "{reason}"),
            other => panic!("expected `InvalidArgument`, got {other:?}"),
        }
    }
}

#[test]
fn payload_tells_the_body_kinds_apart() {
    use sdk_runtime::RequestBody;
    let json = Request::new(Method::POST, "/x").json(&serde_json::json!({"a": 1})).unwrap();
    assert!(matches!(json.payload(), Some(RequestBody::Json(bytes)) if bytes.as_ref() == br#"{"a":1}"#));
    let text = Request::new(Method::POST, "/realtime/calls").text("application/sdp", "v=0\r\n");
    assert!(
        matches!(text.payload(), Some(RequestBody::Text { content_type, text }) if content_type == "application/sdp" && text == "v=0\r\n")
    );
    assert_eq!(text.body(), None);
    assert!(format!("{text:?}").contains("application/sdp"));
    assert!(Request::new(Method::GET, "/x").payload().is_none());
    // A later body replaces an earlier one.
    let replaced = json.text("text/plain", "hi");
    assert!(matches!(replaced.payload(), Some(RequestBody::Text { .. })));
}

#[test]
fn values_of_any_shape_become_query_pairs_by_their_json_kind() {
    let mut query = Query::default();
    query.push_value("one", "a b", true);
    query.push_value("n", &7, true);
    query.push_value("flag", &false, true);
    query.push_value("many", &["x", "y"], true);
    query.push_value("joined", &vec![1, 2], false);
    query.push_value("skipped", &Option::<String>::None, true);
    query.push_value("ignored", &serde_json::json!({"limit": 3, "nested": {"a": 1}, "gone": null}), true);
    let pairs: Vec<(&str, &str)> = query.pairs().iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        pairs,
        [
            ("one", "a b"),
            ("n", "7"),
            ("flag", "false"),
            ("many", "x"),
            ("many", "y"),
            ("joined", "1,2"),
            ("limit", "3"),
            ("nested", "{\"a\":1}"),
        ]
    );
}

#[test]
fn json_parameters_travel_as_json_text() {
    let mut query = Query::default();
    query.push_json("filter", &serde_json::json!({"status": ["ok"]}));
    query.push_header_json("x-filter", &serde_json::json!({"a": 1}));
    query.push_header_value("x-ids", &[1, 2, 3]);
    query.push_header_value("x-none", &Option::<i64>::None);
    assert_eq!(query.pairs(), [("filter".to_owned(), "{\"status\":[\"ok\"]}".to_owned())]);
    assert_eq!(query.headers(), [("x-filter".to_owned(), "{\"a\":1}".to_owned()), ("x-ids".to_owned(), "1,2,3".to_owned())]);
}

#[test]
fn form_bodies_are_url_encoded_pairs() {
    let body = serde_json::json!({"To": "+1 555", "Tags": ["a&b", "c"], "Count": 2, "Gone": null, "Meta": {"k": "v"}});
    let request = Request::new(Method::POST, "/Messages.json").form(&body).unwrap();
    let Some(sdk_runtime::RequestBody::Form(text)) = request.payload() else { panic!("a form body, got {request:?}") };
    // serde_json orders an object's keys, so the pairs come sorted by key.
    assert_eq!(text, "Count=2&Meta=%7B%22k%22%3A%22v%22%7D&Tags=a%26b&Tags=c&To=%2B1+555");
    let error = Request::new(Method::POST, "/x").form(&[1, 2]).unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { name: "body", .. }), "{error:?}");
}

#[test]
fn byte_bodies_keep_their_content_type() {
    let request = Request::new(Method::PUT, "/blob").bytes("application/octet-stream", vec![0u8, 159, 146, 150]);
    let Some(sdk_runtime::RequestBody::Bytes { content_type, bytes }) = request.payload() else { panic!("a bytes body") };
    assert_eq!((content_type.as_str(), bytes.as_ref()), ("application/octet-stream", &[0u8, 159, 146, 150][..]));
    // Neither a form nor bytes can take a streaming switch.
    let error = request.with_field("stream", serde_json::json!(true)).unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { name: "body", .. }));
}

#[test]
fn cookie_parameters_encode_what_a_cookie_value_cannot_hold() {
    let mut query = Query::default();
    query.push_cookie("theme", "dark; x=\"1\",\\%");
    query.push_cookie("visits", 3);
    query.push_cookie("plain", "a-b_c.d~e!#$&'()*+/:<=>?@[]^`{|}");
    assert_eq!(query.cookies(), ["theme=dark%3B%20x=%221%22%2C%5C%25", "visits=3", "plain=a-b_c.d~e!#$&'()*+/:<=>?@[]^`{|}"]);
    let request = Request::new(Method::GET, "/x").query(&query);
    assert_eq!(request.cookies(), query.cookies());
    assert!(request.query_pairs().is_empty() && request.headers().is_empty());
}
