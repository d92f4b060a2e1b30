//! Turns an operation's arguments into a [`Request`]: method, encoded path, query pairs and body.

use std::fmt;
use std::fmt::Display;

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use serde_json::Value;
use serde_json::value::RawValue;

use super::error::Error;
// [multipart]
use super::multipart::{Multipart, ToMultipart};
// [/multipart]

/// What RFC 6265 does not allow in a cookie value, and `%`, so that an encoded value reads back.
pub(super) const COOKIE_VALUE: &AsciiSet = &percent_encoding::CONTROLS.add(b' ').add(b'"').add(b',').add(b';').add(b'\\').add(b'%');

/// Everything except the RFC 3986 unreserved characters (ALPHA, DIGIT, `-`, `.`, `_`, `~`).
///
/// Encoding `/`, `?`, `#` and `%` too is what keeps a caller-supplied ID inside its one path segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// What `application/x-www-form-urlencoded` leaves as it is (the WHATWG URL standard's set);
/// a space becomes `+` after encoding.
const FORM: &AsciiSet = &NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_');

/// One HTTP request, ready for [`Client::call`](super::client::Client::call).
///
/// The path is relative to the client's base URL and starts with `/`; put query parameters in [`Request::query`], not in the path.
#[derive(Clone)]
pub struct Request {
    method: Method,
    path: String,
    query: Query,
    body: Option<RequestBody>,
    security: Security,
}

/// Which credentials a [`Request`] sends, by security scheme name (as the spec names them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Security {
    /// The spec's top-level `security` (the default).
    Default,
    /// The first of these alternatives the client has every credential for; each alternative is
    /// a list of schemes sent together. An empty list, or an empty alternative, sends nothing.
    Alternatives(&'static [&'static [&'static str]]),
    /// No credential at all.
    None,
}

/// The body of a [`Request`], in one of the three encodings the API accepts.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestBody {
    /// JSON, serialised when the request was built and sent as `application/json`.
    Json(Bytes),
    // [multipart]
    /// A `multipart/form-data` form, encoded afresh for every attempt.
    Multipart(Multipart),
    // [/multipart]
    /// An `application/x-www-form-urlencoded` form, already encoded.
    Form(String),
    /// Bytes sent as they are, with their content type (`application/octet-stream`).
    Bytes {
        /// The `Content-Type` header value.
        content_type: String,
        /// The body.
        bytes: Bytes,
    },
    /// Text sent as it is, with its own content type, such as an SDP offer (`application/sdp`).
    Text {
        /// The `Content-Type` header value.
        content_type: String,
        /// The body.
        text: String,
    },
}

// JSON is shown as text rather than as a list of byte values, which is what a derived `Debug` would print.
impl fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestBody::Json(bytes) => f.debug_tuple("Json").field(&String::from_utf8_lossy(bytes)).finish(),
            // [multipart]
            RequestBody::Multipart(form) => f.debug_tuple("Multipart").field(form).finish(),
            // [/multipart]
            RequestBody::Form(text) => f.debug_tuple("Form").field(text).finish(),
            RequestBody::Bytes { content_type, bytes } => {
                f.debug_struct("Bytes").field("content_type", content_type).field("len", &bytes.len()).finish()
            }
            RequestBody::Text { content_type, text } => {
                f.debug_struct("Text").field("content_type", content_type).field("text", text).finish()
            }
        }
    }
}

impl Request {
    /// Starts a request for `path`, which is appended to the client's base URL.
    #[must_use]
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Request { method, path: path.into(), query: Query::default(), body: None, security: Security::Default }
    }

    /// Appends the query pairs of `params`; calling it twice keeps the pairs of both calls.
    #[must_use]
    pub fn query<Q: ToQuery + ?Sized>(mut self, params: &Q) -> Self {
        params.to_query(&mut self.query);
        self
    }

    /// Serialises `body` as the JSON request body, replacing any body set before.
    ///
    /// Serialisation happens now rather than at send time, so a body that cannot be represented as JSON (a map with non-string keys, say) fails here as [`Error::InvalidArgument`] named `body`.
    pub fn json<B: serde::Serialize + ?Sized>(mut self, body: &B) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body).map_err(invalid_body)?;
        self.body = Some(RequestBody::Json(bytes.into()));
        Ok(self)
    }

    // [multipart]
    /// Sends `form` as a `multipart/form-data` body, replacing any body set before.
    ///
    /// The parts are collected now, so a part that cannot be encoded fails here, before anything is sent.
    pub fn multipart<F: ToMultipart + ?Sized>(mut self, form: &F) -> Result<Self, Error> {
        let mut multipart = Multipart::new();
        form.to_multipart(&mut multipart)?;
        self.body = Some(RequestBody::Multipart(multipart));
        Ok(self)
    }
    // [/multipart]

    /// Sends `body` as an `application/x-www-form-urlencoded` form, replacing any body set
    /// before: each property of its JSON form becomes a `key=value` pair, an array one pair per
    /// item, a nested object its JSON text, and `null` nothing.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] named `body` when `body` is not an object.
    pub fn form<B: serde::Serialize + ?Sized>(mut self, body: &B) -> Result<Self, Error> {
        let Value::Object(entries) = serde_json::to_value(body).map_err(invalid_body)? else {
            return Err(Error::InvalidArgument { name: "body", reason: "a form body must be an object".to_owned() });
        };
        let mut pairs = Vec::new();
        for (key, value) in &entries {
            match value {
                Value::Array(items) => pairs.extend(items.iter().filter_map(query_text).map(|text| (key, text))),
                other => pairs.extend(query_text(other).map(|text| (key, text))),
            }
        }
        let encode = |text: &str| utf8_percent_encode(text, FORM).to_string().replace("%20", "+");
        let encoded: Vec<String> = pairs.iter().map(|(key, value)| format!("{}={}", encode(key), encode(value))).collect();
        self.body = Some(RequestBody::Form(encoded.join("&")));
        Ok(self)
    }

    /// Sends `bytes` as the body with the given `Content-Type`, replacing any body set before.
    #[must_use]
    pub fn bytes(mut self, content_type: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        self.body = Some(RequestBody::Bytes { content_type: content_type.into(), bytes: bytes.into() });
        self
    }

    /// Sends `text` as the body with the given `Content-Type`, replacing any body set before.
    ///
    /// A content type that is not a valid header value fails the call with [`Error::InvalidArgument`] named `body`, before anything is sent.
    #[must_use]
    pub fn text(mut self, content_type: impl Into<String>, text: impl Into<String>) -> Self {
        self.body = Some(RequestBody::Text { content_type: content_type.into(), text: text.into() });
        self
    }

    /// Sets one top-level field of the body to `value`, as generated streaming operations do with `"stream": true`.
    ///
    /// In a JSON body the field is added or replaced; the other fields keep their exact text, though not necessarily their order.
    /// In a multipart body every part called `name` is replaced by one text part: a JSON string as its text, any other value as its JSON.
    /// A request without a body gets a JSON object with just this field.
    /// Fails with [`Error::InvalidArgument`] named `body` when the body is JSON but not an object, or is raw text, bytes or a form.
    pub fn with_field(mut self, name: &str, value: Value) -> Result<Self, Error> {
        match &mut self.body {
            None => {
                let body = Value::Object(serde_json::Map::from_iter([(name.to_owned(), value)]));
                return self.json(&body);
            }
            Some(RequestBody::Json(bytes)) => {
                // Parsing into raw values keeps every other field's text exactly as it was serialised, numbers included.
                let mut fields: std::collections::BTreeMap<String, Box<RawValue>> =
                    serde_json::from_slice(bytes).map_err(|_| Error::InvalidArgument {
                        name: "body",
                        reason: format!("cannot set `{}` because the JSON body is not an object", name.escape_debug()),
                    })?;
                fields.insert(name.to_owned(), serde_json::value::to_raw_value(&value).map_err(invalid_body)?);
                *bytes = serde_json::to_vec(&fields).map_err(invalid_body)?.into();
            }
            // [multipart]
            Some(RequestBody::Multipart(form)) => match value {
                Value::String(text) => form.set_text(name, text),
                other => form.set_text(name, other),
            },
            // [/multipart]
            Some(RequestBody::Text { .. } | RequestBody::Bytes { .. } | RequestBody::Form(_)) => {
                return Err(Error::InvalidArgument {
                    name: "body",
                    reason: format!("cannot set `{}` in a text, bytes or form body", name.escape_debug()),
                });
            }
        }
        Ok(self)
    }

    /// Sets which credentials the request sends: the first alternative the client has every
    /// credential for, each alternative a list of scheme names from the spec's
    /// `components.securitySchemes`. `&[]` sends none, like [`Request::anonymous`].
    ///
    /// Sending it from a client that lacks a credential of every alternative fails with
    /// [`Error::Config`] before anything is sent.
    #[must_use]
    pub fn security(mut self, alternatives: &'static [&'static [&'static str]]) -> Self {
        self.security = Security::Alternatives(alternatives);
        self
    }

    /// Marks the request as one that sends no credential at all, for operations the spec opens
    /// to everyone (`security: []`); it then needs no key either.
    #[must_use]
    pub fn anonymous(mut self) -> Self {
        self.security = Security::None;
        self
    }

    /// Percent-encodes `value` so that it forms exactly one path segment, or fails if it cannot.
    ///
    /// Everything but the RFC 3986 unreserved characters is encoded, so `a/../b` becomes `a%2F..%2Fb`.
    /// The empty string, `.` and `..` are rejected because URL parsers drop or resolve them as dot segments, which would send the request to a different resource.
    /// `name` is the parameter name reported in the error.
    pub fn path_segment(name: &'static str, value: &str) -> Result<String, Error> {
        let reason = match value {
            "" => "must not be empty",
            "." | ".." => "must not be `.` or `..`",
            _ => return Ok(utf8_percent_encode(value, PATH_SEGMENT).to_string()),
        };
        Err(Error::InvalidArgument { name, reason: reason.to_owned() })
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path relative to the base URL, with path parameters already encoded.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query pairs, not yet percent-encoded.
    pub fn query_pairs(&self) -> &[(String, String)] {
        self.query.pairs()
    }

    /// The serialised JSON body, if the body is JSON; see [`Request::payload`] for the other kinds.
    pub fn body(&self) -> Option<&[u8]> {
        match &self.body {
            Some(RequestBody::Json(bytes)) => Some(bytes),
            _ => None,
        }
    }

    /// The body of whatever kind, if one was set.
    pub fn payload(&self) -> Option<&RequestBody> {
        self.body.as_ref()
    }

    /// The credentials the request sends; see [`Request::security`] and [`Request::anonymous`].
    pub fn security_requirement(&self) -> Security {
        self.security
    }

    /// Headers that parameters asked for (`in: header` in the spec), as `(name, value)`.
    pub fn headers(&self) -> &[(String, String)] {
        &self.query.headers
    }

    /// Cookies that parameters asked for (`in: cookie` in the spec), as `name=value`.
    pub fn cookies(&self) -> &[String] {
        &self.query.cookies
    }

    /// This request with every `name` pair replaced by one `name=value`; pagination moves the
    /// cursor this way.
    pub(super) fn with_query_param(mut self, name: &str, value: &str) -> Self {
        self.query.pairs.retain(|(n, _)| n != name);
        self.query.push(name, value);
        self
    }
}

/// The error for a body that `serde_json` could not encode.
fn invalid_body(error: serde_json::Error) -> Error {
    Error::InvalidArgument { name: "body", reason: error.to_string() }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query.pairs)
            .field("body", &self.body)
            .field("security", &self.security)
            .finish()
    }
}

/// Query parameters that can write themselves into a [`Query`].
///
/// Generated parameter structs implement this; for ad-hoc requests, a [`Query`] or a slice, array or `Vec` of `(name, value)` pairs works too.
pub trait ToQuery {
    /// Appends this value's pairs to `query`.
    fn to_query(&self, query: &mut Query);
}

/// An ordered list of query pairs, kept unencoded until the URL is built, and the header and
/// cookie parameters that travel with them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    cookies: Vec<String>,
}

impl Query {
    /// Appends `name=value`.
    pub fn push(&mut self, name: &str, value: impl Display) {
        self.pairs.push((name.to_owned(), value.to_string()));
    }

    /// Sends the header `name: value` with the request (a parameter with `in: header`).
    pub fn push_header(&mut self, name: &str, value: impl Display) {
        self.headers.push((name.to_owned(), value.to_string()));
    }

    /// The header parameters in the order they were pushed.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// Sends the cookie `name=value` with the request (a parameter with `in: cookie`); what a
    /// cookie value may not hold (controls, space, `"`, `,`, `;`, `\`, and `%` itself) is
    /// percent-encoded.
    pub fn push_cookie(&mut self, name: &str, value: impl Display) {
        let value = value.to_string();
        self.cookies.push(format!("{name}={}", utf8_percent_encode(&value, COOKIE_VALUE)));
    }

    /// The cookie parameters as `name=value`, in the order they were pushed.
    pub fn cookies(&self) -> &[String] {
        &self.cookies
    }

    /// Appends one `name[key]=value` pair per entry, the OpenAPI `deepObject` style.
    ///
    /// Accepts a `&BTreeMap` directly; pairs come out in the map's iteration order.
    pub fn push_deep_object<'a, K, V>(&mut self, name: &str, entries: impl IntoIterator<Item = (&'a K, &'a V)>)
    where
        K: Display + ?Sized + 'a,
        V: Display + ?Sized + 'a,
    {
        for (key, value) in entries {
            self.pairs.push((format!("{name}[{key}]"), value.to_string()));
        }
    }

    /// Appends a value by what it is in JSON, for a parameter whose schema is a union or says
    /// nothing (`oneOf: [string, array]`, `schema: {}`): a string, number or boolean as itself;
    /// an array's items as one pair each (`explode`) or joined with commas; an object's entries
    /// as `key=value` pairs; `null` adds nothing. Items and entries that are themselves arrays
    /// or objects are written as JSON text.
    ///
    /// The value is turned into JSON with serde first; one that cannot be (never a generated
    /// type) adds nothing, since writing a query cannot fail.
    pub fn push_value<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T, explode: bool) {
        match serde_json::to_value(value) {
            Ok(Value::Array(items)) if explode => {
                self.pairs.extend(items.iter().filter_map(query_text).map(|text| (name.to_owned(), text)));
            }
            Ok(Value::Array(items)) => {
                let joined: Vec<String> = items.iter().filter_map(query_text).collect();
                self.pairs.push((name.to_owned(), joined.join(",")));
            }
            Ok(Value::Object(entries)) => {
                self.pairs.extend(entries.iter().filter_map(|(key, value)| Some((key.clone(), query_text(value)?))));
            }
            Ok(other) => self.pairs.extend(query_text(&other).map(|text| (name.to_owned(), text))),
            Err(_) => {}
        }
    }

    /// Appends `name=<the value as JSON text>`, for a parameter described by `content:
    /// {application/json: ...}` rather than by a schema.
    pub fn push_json<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        if let Ok(text) = serde_json::to_string(value) {
            self.pairs.push((name.to_owned(), text));
        }
    }

    /// Sends a header parameter whose schema is a union or says nothing: a scalar as itself, an
    /// array's items joined with commas, anything else as JSON text; `null` sends nothing.
    pub fn push_header_value<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        let text = match serde_json::to_value(value) {
            Ok(Value::Array(items)) => Some(items.iter().filter_map(query_text).collect::<Vec<_>>().join(",")),
            Ok(value) => query_text(&value),
            Err(_) => None,
        };
        self.headers.extend(text.map(|text| (name.to_owned(), text)));
    }

    /// Sends the header `name: <the value as JSON text>` (a header parameter with `content`).
    pub fn push_header_json<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        if let Ok(text) = serde_json::to_string(value) {
            self.headers.push((name.to_owned(), text));
        }
    }

    /// The pairs in the order they were pushed.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}

/// A JSON value as the text of one query value: strings without quotes, `null` as nothing,
/// arrays and objects as JSON text.
fn query_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Bool(_) | Value::Number(_) | Value::Array(_) | Value::Object(_) => Some(value.to_string()),
    }
}

impl ToQuery for Query {
    fn to_query(&self, query: &mut Query) {
        query.pairs.extend_from_slice(&self.pairs);
        query.headers.extend_from_slice(&self.headers);
        query.cookies.extend_from_slice(&self.cookies);
    }
}

impl<K: Display, V: Display> ToQuery for [(K, V)] {
    fn to_query(&self, query: &mut Query) {
        for (name, value) in self {
            query.pairs.push((name.to_string(), value.to_string()));
        }
    }
}

impl<K: Display, V: Display, const N: usize> ToQuery for [(K, V); N] {
    fn to_query(&self, query: &mut Query) {
        self.as_slice().to_query(query);
    }
}

impl<K: Display, V: Display> ToQuery for Vec<(K, V)> {
    fn to_query(&self, query: &mut Query) {
        self.as_slice().to_query(query);
    }
}
