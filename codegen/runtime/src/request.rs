//! Turns an operation's arguments into a [`Request`]: method, encoded path, query pairs and JSON body.

use std::fmt;
use std::fmt::Display;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;

use super::error::Error;

/// Everything except the RFC 3986 unreserved characters (ALPHA, DIGIT, `-`, `.`, `_`, `~`).
///
/// Encoding `/`, `?`, `#` and `%` too is what keeps a caller-supplied ID inside its one path segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One HTTP request, ready for [`Client::call`](super::client::Client::call).
///
/// The path is relative to the client's base URL and starts with `/`; put query parameters in [`Request::query`], not in the path.
#[derive(Clone)]
pub struct Request {
    method: Method,
    path: String,
    query: Query,
    body: Option<Vec<u8>>,
}

impl Request {
    /// Starts a request for `path`, which is appended to the client's base URL.
    #[must_use]
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Request {
            method,
            path: path.into(),
            query: Query::default(),
            body: None,
        }
    }

    /// Appends the query pairs of `params`; calling it twice keeps the pairs of both calls.
    #[must_use]
    pub fn query<Q: ToQuery + ?Sized>(mut self, params: &Q) -> Self {
        params.to_query(&mut self.query);
        self
    }

    /// Serialises `body` as the JSON request body.
    ///
    /// Serialisation happens now rather than at send time, so a body that cannot be represented as JSON (a map with non-string keys, say) fails here as [`Error::InvalidArgument`] named `body`.
    pub fn json<B: serde::Serialize + ?Sized>(mut self, body: &B) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body).map_err(|error| Error::InvalidArgument {
            name: "body",
            reason: error.to_string(),
        })?;
        self.body = Some(bytes);
        Ok(self)
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
        Err(Error::InvalidArgument {
            name,
            reason: reason.to_owned(),
        })
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

    /// The serialised JSON body, if [`Request::json`] was called.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// This request with every `name` pair replaced by one `name=value`; pagination moves the
    /// cursor this way.
    pub(super) fn with_query_param(mut self, name: &str, value: &str) -> Self {
        self.query.pairs.retain(|(n, _)| n != name);
        self.query.push(name, value);
        self
    }
}

// A derived `Debug` would print the body as a list of byte values; JSON is easier to read as text.
impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query.pairs)
            .field("body", &self.body.as_deref().map(String::from_utf8_lossy))
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

/// An ordered list of query pairs, kept unencoded until the URL is built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Appends `name=value`.
    pub fn push(&mut self, name: &str, value: impl Display) {
        self.pairs.push((name.to_owned(), value.to_string()));
    }

    /// Appends one `name[key]=value` pair per entry, the OpenAPI `deepObject` style.
    ///
    /// Accepts a `&BTreeMap` directly; pairs come out in the map's iteration order.
    pub fn push_deep_object<'a, K, V>(
        &mut self,
        name: &str,
        entries: impl IntoIterator<Item = (&'a K, &'a V)>,
    ) where
        K: Display + ?Sized + 'a,
        V: Display + ?Sized + 'a,
    {
        for (key, value) in entries {
            self.pairs
                .push((format!("{name}[{key}]"), value.to_string()));
        }
    }

    /// The pairs in the order they were pushed.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}

impl ToQuery for Query {
    fn to_query(&self, query: &mut Query) {
        query.pairs.extend_from_slice(&self.pairs);
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
