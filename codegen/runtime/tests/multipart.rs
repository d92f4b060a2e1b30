//! Multipart bodies: files, text and JSON parts as the server receives them (parsed back with
//! the boundary from `Content-Type`), resending the whole form on a retry, and reading files.

use std::pin::Pin;
use std::task::{Context, Poll};

use sdk_runtime::{Bytes, Client, Error, File, Method, Multipart, Request, RequestBody, ToMultipart};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::io::{AsyncRead, ReadBuf};
use wiremock::{MockServer, ResponseTemplate};

mod common;
use common::serve;

/// One part of a received form.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// Parses a `multipart/form-data` body by the boundary named in `content_type`.
fn parse_form(content_type: &str, body: &[u8]) -> Vec<Part> {
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not a multipart content type: {content_type}"));
    let delimiter = format!("--{boundary}").into_bytes();
    let mut pieces = split(body, &delimiter);
    assert!(pieces.remove(0).is_empty(), "the body starts with the first delimiter");
    assert_eq!(pieces.pop().as_deref(), Some(&b"--\r\n"[..]), "the body ends with the closing delimiter");
    pieces
        .into_iter()
        .map(|piece| {
            let piece = piece.strip_prefix(b"\r\n").expect("a line break follows the delimiter");
            let piece = piece.strip_suffix(b"\r\n").expect("a line break precedes the next delimiter");
            let split_at = piece.windows(4).position(|w| w == b"\r\n\r\n").expect("a blank line ends the part's headers");
            let headers = std::str::from_utf8(&piece[..split_at]).unwrap();
            let body = piece[split_at + 4..].to_vec();
            let mut part = Part { name: String::new(), file_name: None, content_type: None, body };
            for line in headers.split("\r\n") {
                let (name, value) = line.split_once(": ").unwrap();
                match name.to_ascii_lowercase().as_str() {
                    "content-disposition" => {
                        assert!(value.starts_with("form-data; "), "{value}");
                        part.name = attribute(value, "name").expect("every part has a name");
                        part.file_name = attribute(value, "filename");
                    }
                    "content-type" => part.content_type = Some(value.to_owned()),
                    other => panic!("unexpected part header {other}"),
                }
            }
            part
        })
        .collect()
}

fn split(body: &[u8], delimiter: &[u8]) -> Vec<Vec<u8>> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i + delimiter.len() <= body.len() {
        if &body[i..i + delimiter.len()] == delimiter {
            pieces.push(body[start..i].to_vec());
            i += delimiter.len();
            start = i;
        } else {
            i += 1;
        }
    }
    pieces.push(body[start..].to_vec());
    pieces
}

/// The value of `key="…"` in a `Content-Disposition` header.
fn attribute(header: &str, key: &str) -> Option<String> {
    let marker = format!("; {key}=\"");
    let start = header.find(&marker)? + marker.len();
    let end = header[start..].find('"')? + start;
    Some(header[start..end].to_owned())
}

fn text(name: &str, value: &str) -> Part {
    Part { name: name.to_owned(), file_name: None, content_type: None, body: value.as_bytes().to_vec() }
}

/// The form of one received request.
fn received_form(request: &wiremock::Request) -> Vec<Part> {
    let content_type = request.headers.get("content-type").expect("a content type").to_str().unwrap();
    parse_form(content_type, &request.body)
}

/// Bytes that are not UTF-8 and contain what looks like a delimiter's line break, to prove the file travels untouched.
fn binary_contents() -> Vec<u8> {
    let mut bytes: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    bytes.extend_from_slice(b"\r\n--not-the-boundary\r\n");
    bytes
}

/// Shaped like a generated request type for a multipart operation.
struct CreateTranscription {
    file: File,
    model: String,
    temperature: Option<f64>,
    include: Vec<String>,
    chunking_strategy: Option<Value>,
}

impl ToMultipart for CreateTranscription {
    fn to_multipart(&self, form: &mut Multipart) -> Result<(), Error> {
        form.file("file", &self.file);
        form.text("model", &self.model);
        if let Some(temperature) = self.temperature {
            form.text("temperature", temperature);
        }
        for item in &self.include {
            form.text("include[]", item);
        }
        if let Some(strategy) = &self.chunking_strategy {
            form.json("chunking_strategy", strategy)?;
        }
        Ok(())
    }
}

fn transcription() -> CreateTranscription {
    CreateTranscription {
        file: File::from_bytes(binary_contents(), "speech.mp3"),
        model: "gpt-4o-transcribe".into(),
        temperature: Some(0.25),
        include: vec!["logprobs".into(), "segments".into()],
        chunking_strategy: Some(json!({"type": "server_vad", "threshold": 0.5})),
    }
}

fn expected_transcription_form() -> Vec<Part> {
    vec![
        Part {
            name: "file".into(),
            file_name: Some("speech.mp3".into()),
            content_type: Some("audio/mpeg".into()),
            body: binary_contents(),
        },
        text("model", "gpt-4o-transcribe"),
        text("temperature", "0.25"),
        text("include[]", "logprobs"),
        text("include[]", "segments"),
        text("chunking_strategy", r#"{"threshold":0.5,"type":"server_vad"}"#),
    ]
}

fn client(server: &MockServer) -> Client {
    common::client(&server.uri())
}

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"text": "hello"}))
}

#[tokio::test]
async fn the_server_receives_every_part() {
    let server = serve(vec![ok()]).await;
    let request = Request::new(Method::POST, "/audio/transcriptions").multipart(&transcription()).unwrap();
    let response: Value = client(&server).send(request).await.unwrap();
    assert_eq!(response, json!({"text": "hello"}));

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let received = &requests[0];
    assert_eq!(received.url.path(), "/v1/audio/transcriptions");
    let content_length: usize =
        received.headers.get("content-length").expect("the form's length is known").to_str().unwrap().parse().unwrap();
    assert_eq!(content_length, received.body.len());
    assert_eq!(received_form(received), expected_transcription_form());
}

/// The form's content type carries its boundary, so it replaces one the caller added rather than being sent beside it.
#[tokio::test]
async fn a_callers_content_type_gives_way_to_the_forms() {
    let server = serve(vec![ok()]).await;
    let request = Request::new(Method::POST, "/audio/transcriptions").multipart(&transcription()).unwrap();
    client(&server).call::<Value>(request).header("content-type", "text/plain").await.unwrap();
    let received = &server.received_requests().await.unwrap()[0];
    let types: Vec<&str> = received.headers.get_all("content-type").iter().map(|v| v.to_str().unwrap()).collect();
    assert_eq!(types.len(), 1, "{types:?}");
    assert!(types[0].starts_with("multipart/form-data; boundary="), "{types:?}");
    assert_eq!(received_form(received), expected_transcription_form());
}

#[tokio::test]
async fn a_retry_resends_the_whole_form() {
    let server = serve(vec![ResponseTemplate::new(500), ok()]).await;
    let request = Request::new(Method::POST, "/audio/transcriptions").multipart(&transcription()).unwrap();
    let response = client(&server).call::<Value>(request).with_response().await.unwrap();
    assert_eq!(response.meta().attempts, 2);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    for received in &requests {
        assert_eq!(received_form(received), expected_transcription_form());
    }
    // Each attempt is a form of its own, so the boundaries differ while the parts do not.
    assert_ne!(requests[0].headers.get("content-type"), requests[1].headers.get("content-type"));
}

#[tokio::test]
async fn with_field_replaces_a_part_on_the_wire() {
    let server = serve(vec![ok()]).await;
    let mut form = Multipart::new();
    form.text("stream", false);
    form.file("file", &File::from_bytes(&b"RIFF"[..], "a.wav"));
    form.text("stream", "again");
    let request = Request::new(Method::POST, "/audio/transcriptions").multipart(&form).unwrap().with_field("stream", json!(true)).unwrap();
    let _: Value = client(&server).send(request).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let parts = received_form(&requests[0]);
    assert_eq!(
        parts,
        vec![
            text("stream", "true"),
            Part { name: "file".into(), file_name: Some("a.wav".into()), content_type: Some("audio/wav".into()), body: b"RIFF".to_vec() },
        ]
    );
}

#[test]
fn with_field_on_a_form_sets_text_as_it_is_and_other_values_as_json() {
    let mut form = Multipart::new();
    form.text("model", "whisper-1");
    let request = Request::new(Method::POST, "/x")
        .multipart(&form)
        .unwrap()
        .with_field("stream_format", json!("sse"))
        .unwrap()
        .with_field("model", json!("gpt-4o-transcribe"))
        .unwrap()
        .with_field("timestamp_granularities", json!(["word"]))
        .unwrap();
    let Some(RequestBody::Multipart(form)) = request.payload() else { panic!("expected a multipart body, got {request:?}") };
    assert_eq!(form.names().collect::<Vec<_>>(), ["model", "stream_format", "timestamp_granularities"]);
    assert_eq!(form.get_text("model"), Some("gpt-4o-transcribe"));
    assert_eq!(form.get_text("stream_format"), Some("sse"));
    assert_eq!(form.get_text("timestamp_granularities"), Some(r#"["word"]"#));
    assert_eq!(request.body(), None, "`body` is only the JSON body");
}

#[test]
fn content_types_are_guessed_set_or_left_out() {
    let cases = [
        ("train.jsonl", Some("application/jsonl")),
        ("photo.PNG", Some("image/png")),
        ("clip.m4a", Some("audio/mp4")),
        ("notes.txt", Some("text/plain")),
        ("archive.unknown", None),
        ("README", None),
    ];
    for (name, expected) in cases {
        assert_eq!(File::from_bytes(Vec::new(), name).content_type(), expected, "{name}");
    }
    let file = File::from_bytes(Vec::new(), "README").with_content_type("text/x-readme");
    assert_eq!(file.content_type(), Some("text/x-readme"));
}

#[tokio::test]
async fn a_part_without_a_content_type_is_sent_without_one_and_a_set_one_wins() {
    let server = serve(vec![ok()]).await;
    let mut form = Multipart::new();
    form.file("plain", &File::from_bytes(Bytes::from_static(b"x"), "data.bin"));
    form.file("typed", &File::from_bytes(Bytes::from_static(b"y"), "data.jsonl").with_content_type("application/octet-stream"));
    let _: Value = client(&server).send(Request::new(Method::POST, "/files").multipart(&form).unwrap()).await.unwrap();
    let parts = received_form(&server.received_requests().await.unwrap()[0]);
    assert_eq!(parts[0].content_type, None);
    assert_eq!(parts[0].file_name.as_deref(), Some("data.bin"));
    assert_eq!(parts[1].content_type.as_deref(), Some("application/octet-stream"));
}

#[tokio::test]
async fn an_invalid_content_type_fails_before_sending() {
    let server = serve(vec![ok()]).await;
    let mut form = Multipart::new();
    form.file("file", &File::from_bytes(Vec::new(), "a.txt").with_content_type("not a type"));
    let error = client(&server).send::<Value>(Request::new(Method::POST, "/files").multipart(&form).unwrap()).await.unwrap_err();
    assert!(matches!(&error, Error::InvalidArgument { name: "body", reason } if reason.contains("not a type")), "{error:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn from_path_reads_the_file_and_takes_its_name() {
    let dir = std::env::temp_dir().join(format!("sdk-runtime-multipart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("training data.jsonl");
    std::fs::write(&path, binary_contents()).unwrap();
    let file = File::from_path(&path).await.unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(file.file_name(), "training data.jsonl");
    assert_eq!(file.bytes().as_ref(), binary_contents());
    assert_eq!(file.content_type(), Some("application/jsonl"));

    let server = serve(vec![ok()]).await;
    let mut form = Multipart::new();
    form.file("file", &file);
    form.text("purpose", "fine-tune");
    let _: Value = client(&server).send(Request::new(Method::POST, "/files").multipart(&form).unwrap()).await.unwrap();
    let parts = received_form(&server.received_requests().await.unwrap()[0]);
    assert_eq!(parts[0].file_name.as_deref(), Some("training data.jsonl"));
    assert_eq!(parts[0].body, binary_contents());
    assert_eq!(parts[1], text("purpose", "fine-tune"));
}

#[tokio::test]
async fn from_path_reports_a_missing_file() {
    let path = std::env::temp_dir().join("sdk-runtime-this-file-does-not-exist.jsonl");
    let error = File::from_path(&path).await.unwrap_err();
    match &error {
        Error::Io { name, source } => {
            assert!(name.ends_with("sdk-runtime-this-file-does-not-exist.jsonl"), "{name}");
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("expected `Io`, got {other:?}"),
    }
    assert!(error.to_string().starts_with("could not read `"), "{error}");
}

#[tokio::test]
async fn from_reader_reads_everything() {
    let contents = binary_contents();
    let file = File::from_reader(&contents[..], "audio.webm").await.unwrap();
    assert_eq!(file.bytes().as_ref(), contents);
    assert_eq!(file.file_name(), "audio.webm");
    assert_eq!(file.content_type(), Some("audio/webm"));
    // Clones share the bytes rather than copy them.
    assert_eq!(file.clone().bytes().as_ptr(), file.bytes().as_ptr());
}

/// Yields a few bytes, then fails.
struct Broken(bool);

impl AsyncRead for Broken {
    fn poll_read(mut self: Pin<&mut Self>, _: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        if self.0 {
            return Poll::Ready(Err(std::io::Error::other("disk on fire")));
        }
        self.0 = true;
        buf.put_slice(b"partial");
        Poll::Ready(Ok(()))
    }
}

#[tokio::test]
async fn from_reader_reports_a_failed_read() {
    let error = File::from_reader(Broken(false), "upload.pdf").await.unwrap_err();
    assert!(matches!(&error, Error::Io { name, .. } if name == "upload.pdf"), "{error:?}");
    assert_eq!(error.to_string(), "could not read `upload.pdf`: disk on fire");
}

#[test]
fn a_file_refuses_serde() {
    #[derive(Serialize)]
    struct Upload {
        file: File,
        purpose: String,
    }
    let upload = Upload { file: File::from_bytes(Vec::new(), "a.txt"), purpose: "assistants".into() };
    let error = serde_json::to_string(&upload).unwrap_err();
    assert_eq!(error.to_string(), "a file can only be sent in a multipart form");
    let error = serde_json::from_str::<File>(r#""a.txt""#).unwrap_err();
    assert!(error.to_string().starts_with("a file can only be sent in a multipart form"), "{error}");
}

#[test]
fn json_parts_fail_like_json_bodies() {
    let mut form = Multipart::new();
    let unrepresentable = std::collections::BTreeMap::from([((1, 2), "value")]);
    let error = form.json("metadata", &unrepresentable).unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { name: "body", .. }), "{error:?}");
    assert!(form.is_empty());
    form.json("metadata", &json!({"a": [1, 2]})).unwrap();
    assert_eq!(form.len(), 1);
    assert_eq!(form.get_text("metadata"), Some(r#"{"a":[1,2]}"#));
    assert!(form.get_file("metadata").is_none());
}

#[test]
fn debug_shows_parts_but_not_file_bytes() {
    let mut form = Multipart::new();
    form.text("purpose", "batch");
    form.file("file", &File::from_bytes(vec![0xAB; 10_000], "batch.jsonl"));
    let request = Request::new(Method::POST, "/files").multipart(&form).unwrap();
    let debug = format!("{request:?}");
    assert!(debug.contains("purpose") && debug.contains("batch.jsonl") && debug.contains("10000"), "{debug}");
    assert!(debug.len() < 500, "{debug}");
}
