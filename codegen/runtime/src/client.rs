//! Turns a [`Request`] into an HTTP call against the configured base URL, retrying what is worth
//! retrying, and the response into a typed value or an [`Error`].

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;

use super::call::{Call, CallOptions, Decoder};
use super::error::{ApiError, Error};
use super::profile::{Profile, Scheme, SchemeKind};
use super::request::{COOKIE_VALUE, Request, RequestBody, Security};
use super::response::{Response, ResponseMeta};
use super::retry::{self, RetryPolicy};

/// Names whichever crate holds this copy of the runtime.
const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// Shown in place of a key wherever a value is formatted with `Debug`.
const REDACTED: &str = "<redacted>";

/// How long one attempt may take, as in OpenAI's own SDKs.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// How long opening a connection may take.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// An authenticated API client.
///
/// Cloning is cheap and clones share one connection pool, so build one client and pass clones around.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// The base URL without a trailing `/`, so that appending a path that starts with `/` never doubles it.
    base_url: String,
    /// The same, parsed once, so that a call parses only its own path and not the scheme and host again.
    base: Url,
    profile: &'static Profile,
    /// Sent with every request; built once in [`ClientBuilder::build`] so that an invalid value fails there and not on the first call.
    headers: HeaderMap,
    /// The credential of each of the profile's schemes, in the same order, where one was given.
    credentials: Vec<Option<Prepared>>,
    timeout: Duration,
    retry: RetryPolicy,
}

impl Client {
    /// Prepares a call of `request` whose success body is JSON for `T`; await it to send.
    ///
    /// Generated operations do the same; this is the escape hatch for endpoints the SDK does not cover:
    /// build a [`Request`] by hand and pick any `T` that implements `Deserialize`, `serde_json::Value` included.
    pub fn call<T: DeserializeOwned>(&self, request: Request) -> Call<T> {
        Call::build(self, || Ok(request))
    }

    /// Sends `request` and decodes a success response body as JSON into `T`: `self.call(request).await`.
    ///
    /// A non-success status becomes [`Error::Api`]; a body that does not decode becomes [`Error::Decode`].
    pub async fn send<T: DeserializeOwned>(&self, request: Request) -> Result<T, Error> {
        self.call(request).with_response().await.map(Response::into_inner)
    }

    /// Sends `request` and ignores a success response body, for endpoints that answer with no content.
    pub async fn send_empty(&self, request: Request) -> Result<(), Error> {
        Call::build_empty(self, || Ok(request)).with_response().await.map(Response::into_inner)
    }

    /// The base URL requests are sent to, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The retry settings calls start from.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Sends `request`, retries as the policy allows, and decodes the final answer.
    ///
    /// The body is read inside the retry loop, so that a connection dropped halfway through a
    /// response is retried like any other transport failure.
    pub(super) async fn execute<T>(&self, request: &Request, options: &CallOptions, decode: Decoder<T>) -> Result<Response<T>, Error> {
        let (body, meta) = self.retry_loop(request, options, reqwest::Response::bytes).await?;
        match decode(&body) {
            Ok(value) => Ok(Response::new(value, meta, body)),
            Err(message) => Err(Error::decode(meta.status, meta.request_id, message, &body)),
        }
    }

    /// Sends `request`, retries as the policy allows until an answer has a success status, and
    /// returns that answer with its body unread, for streaming; its headers are in the metadata, not in the answer.
    ///
    /// Nothing is retried once the body is being read, because its first bytes may already have
    /// reached the caller.
    pub(super) async fn open(&self, request: &Request, options: &CallOptions) -> Result<(reqwest::Response, ResponseMeta), Error> {
        self.retry_loop(request, options, |response| std::future::ready(Ok(response))).await
    }

    /// The retry loop that every call goes through; it is the one place a request leaves the client.
    ///
    /// Each attempt builds the request afresh, because a multipart body is consumed by sending it.
    /// A success answer is handed to `read`, whose failure counts as a transport failure of that
    /// attempt; an error answer is read whole here and becomes [`Error::Api`] unless it is retried.
    /// Nothing here logs a key or a body.
    async fn retry_loop<B, R, Fut>(&self, request: &Request, options: &CallOptions, read: R) -> Result<(B, ResponseMeta), Error>
    where
        R: Fn(reqwest::Response) -> Fut,
        Fut: Future<Output = Result<B, reqwest::Error>>,
    {
        let credentials = self.select_credentials(request)?;
        // The first attempt's URL and headers, checked before anything is sent. Each attempt hands its own to reqwest, so
        // a retry builds them again rather than every attempt copying them.
        let prepare = || -> Result<(Url, HeaderMap), Error> {
            let extra = request.headers().iter().chain(&options.headers);
            Ok((self.url(request, &credentials, &options.query)?, self.headers(request, &credentials, options.accept, extra)?))
        };
        let mut prepared = Some(prepare()?);
        let timeout = options.timeout.unwrap_or(self.inner.timeout);
        let max_retries = options.max_retries.unwrap_or(self.inner.retry.max_retries);
        let method = request.method();
        let path = request.path();
        let mut retries = 0;
        loop {
            let attempt = retries + 1;
            let (url, mut headers) = match prepared.take() {
                Some(first) => first,
                None => prepare()?,
            };
            // RFC 9110: a request whose method defines a body says it is empty; some HTTP/1.1
            // proxies answer 411 to a POST without a length.
            if request.payload().is_none() && matches!(*method, reqwest::Method::POST | reqwest::Method::PUT | reqwest::Method::PATCH) {
                headers.insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
            }
            let mut builder = self.inner.http.request(method.clone(), url).timeout(timeout);
            builder = match request.payload() {
                None => builder,
                Some(RequestBody::Json(bytes)) => builder.body(bytes.clone()),
                Some(RequestBody::Text { text, .. }) => builder.body(text.clone()),
                Some(RequestBody::Form(text)) => builder.body(text.clone()),
                Some(RequestBody::Bytes { bytes, .. }) => builder.body(bytes.clone()),
                // [multipart]
                Some(RequestBody::Multipart(form)) => builder.multipart(form.to_form()?),
                // [/multipart]
            };
            tracing::debug!(%method, %path, attempt, "sending request");
            let sent = match builder.build() {
                Ok(mut outgoing) => {
                    // Ours are moved in whole rather than copied one by one by `RequestBuilder::headers`, and what
                    // the body set (a form's content type with its boundary) replaces a header of the same name, so
                    // a multipart call sends one content type even when the caller added another.
                    let own = std::mem::replace(outgoing.headers_mut(), headers);
                    outgoing.headers_mut().extend(own);
                    self.inner.http.execute(outgoing).await
                }
                Err(error) => Err(error),
            };
            let outcome = match sent {
                Ok(mut response) => {
                    let status = response.status();
                    // Moved, not copied: reading the body needs no headers, and they end up in the metadata.
                    let response_headers = std::mem::take(response.headers_mut());
                    if status.is_success() {
                        read(response).await.map(|body| (status, response_headers, Answer::Success(body)))
                    } else {
                        response.bytes().await.map(|body| (status, response_headers, Answer::Failure(body)))
                    }
                }
                Err(error) => Err(error),
            };
            let (status, response_headers, body) = match outcome {
                Ok(parts) => parts,
                Err(error) if retries < max_retries && retry::should_retry_transport(&error) => {
                    let delay = self.inner.retry.delay(retries, None);
                    let error = Error::from_attempt(error, timeout);
                    tracing::info!(%method, %path, attempt, %error, delay_ms = delay.as_millis() as u64, "retrying after a transport error");
                    tokio::time::sleep(delay).await;
                    retries += 1;
                    continue;
                }
                Err(error) => {
                    let error = Error::from_attempt(error, timeout);
                    tracing::debug!(%method, %path, attempt, %error, "request failed");
                    return Err(error);
                }
            };
            let body = match body {
                Answer::Success(body) => {
                    // The headers move into the metadata: a success answer needs them no more here.
                    let meta = ResponseMeta::from_headers(status.as_u16(), response_headers, attempt);
                    // `-` stands for a response without an `x-request-id` header.
                    let request_id = meta.request_id.as_deref().unwrap_or("-");
                    tracing::debug!(%method, %path, status = status.as_u16(), attempt, %request_id, "response");
                    return Ok((body, meta));
                }
                Answer::Failure(body) => body,
            };
            let error = ApiError::from_response(status, &response_headers, &body);
            let request_id = error.request_id.as_deref().unwrap_or("-");
            // A server that asks for a longer wait than the client accepts is not asked again
            // sooner: the call ends, and the error says how long it asked for.
            let waits_too_long = error.retry_after.is_some_and(|asked| asked > self.inner.retry.max_retry_after);
            if retries < max_retries
                && !waits_too_long
                && retry::should_retry(status, &response_headers, error.code.as_deref(), &self.inner.profile.retry)
            {
                let delay = self.inner.retry.delay(retries, Some(&response_headers));
                tracing::info!(
                    %method,
                    %path,
                    status = status.as_u16(),
                    attempt,
                    %request_id,
                    delay_ms = delay.as_millis() as u64,
                    "retrying after an error response"
                );
                tokio::time::sleep(delay).await;
                retries += 1;
                continue;
            }
            tracing::debug!(%method, %path, status = status.as_u16(), attempt, %request_id, "error response");
            return Err(Error::Api(Box::new(error)));
        }
    }

    /// The credentials `request` sends: those of the first security alternative the client has
    /// every credential for. An empty alternative (`{}`, the credential is optional) is tried
    /// last, so that a client that has a credential sends it.
    ///
    /// A missing credential fails here, before anything is sent, naming each scheme that would do
    /// and how to set it.
    fn select_credentials(&self, request: &Request) -> Result<Vec<&Prepared>, Error> {
        let profile = self.inner.profile;
        let alternatives = match request.security_requirement() {
            Security::Default => profile.security,
            Security::Alternatives(alternatives) => alternatives,
            Security::None => return Ok(Vec::new()),
        };
        let mut wanted = Vec::new();
        for alternative in alternatives.iter().filter(|names| !names.is_empty()) {
            let mut found = Vec::new();
            let mut missing = Vec::new();
            for &name in *alternative {
                let (index, scheme) = profile
                    .scheme(name)
                    .ok_or_else(|| Error::Config(format!("`{}` is not a security scheme of this API", name.escape_debug())))?;
                match &self.inner.credentials[index] {
                    Some(credential) => found.push(credential),
                    None => missing.push(scheme),
                }
            }
            if missing.is_empty() {
                return Ok(found);
            }
            wanted.push(missing);
        }
        if alternatives.is_empty() || alternatives.iter().any(|names| names.is_empty()) {
            // No alternative at all, or an empty one: the request may go without credentials.
            return Ok(Vec::new());
        }
        let wanted: Vec<String> =
            wanted.iter().map(|missing| missing.iter().map(|scheme| describe_missing(scheme)).collect::<Vec<_>>().join(" and ")).collect();
        Err(Error::Config(format!("missing credentials: this request needs {}", wanted.join(", or "))))
    }

    /// The client's headers, plus the request's credentials, `Accept` when the call expects
    /// something other than JSON, `Content-Type` for a body, header and cookie parameters and the
    /// call's own headers.
    fn headers<'h>(
        &self,
        request: &Request,
        credentials: &[&Prepared],
        accept: Option<&'static str>,
        extra: impl Iterator<Item = &'h (String, String)>,
    ) -> Result<HeaderMap, Error> {
        let mut headers = self.inner.headers.clone();
        let mut cookies: Vec<&str> = Vec::new();
        for credential in credentials {
            match credential {
                Prepared::Header(name, value) => {
                    headers.insert(name.clone(), value.clone());
                }
                Prepared::Cookie(pair) => cookies.push(pair.as_str()),
                Prepared::Query(..) => {}
            }
        }
        // Credentials first, then cookie parameters, all in one header as RFC 6265 asks.
        cookies.extend(request.cookies().iter().map(String::as_str));
        if !cookies.is_empty() {
            let mut value = HeaderValue::try_from(cookies.join("; "))
                .map_err(|_| Error::Config("a cookie contains characters not allowed in a header".to_owned()))?;
            value.set_sensitive(true);
            headers.insert(header::COOKIE, value);
        }
        if let Some(accept) = accept {
            headers.insert(header::ACCEPT, HeaderValue::from_static(accept));
        }
        match request.payload() {
            Some(RequestBody::Json(_)) => {
                headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            }
            Some(RequestBody::Form(_)) => {
                headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
            }
            Some(RequestBody::Text { content_type, .. } | RequestBody::Bytes { content_type, .. }) => {
                let value = HeaderValue::try_from(content_type.as_str()).map_err(|_| Error::InvalidArgument {
                    name: "body",
                    reason: format!("`{}` is not a valid content type", content_type.escape_debug()),
                })?;
                headers.insert(header::CONTENT_TYPE, value);
            }
            // [multipart]
            // reqwest writes the multipart content type itself, because it carries the form's boundary.
            Some(RequestBody::Multipart(_)) => {}
            // [/multipart]
            None => {}
        }
        for (name, value) in extra {
            let invalid = |what: &str| Error::InvalidArgument {
                name: "header",
                reason: format!("`{}` is not a valid header {what}", name.escape_debug()),
            };
            let name = HeaderName::try_from(name.as_str()).map_err(|_| invalid("name"))?;
            let value = HeaderValue::try_from(value.as_str()).map_err(|_| invalid("value"))?;
            headers.insert(name, value);
        }
        Ok(headers)
    }

    /// Joins the base URL, the request path and the query.
    ///
    /// The base URL's path and the request's are joined as text, rather than with `Url::join`, which would replace the base
    /// URL's last segment (`/v1`), and set as the path of the base URL parsed when the client was built, so that a call does
    /// not parse the scheme and host again. Parsing the path leaves `%XX` escapes alone and only resolves literal `.` and
    /// `..` segments, which `Request::path_segment` never produces. A path with its own `?` or `#` (a request built by hand)
    /// is parsed whole with the base URL, so that they start its query or fragment.
    fn url(&self, request: &Request, credentials: &[&Prepared], extra: &[(String, String)]) -> Result<Url, Error> {
        let path = request.path();
        let separator = if path.starts_with('/') { "" } else { "/" };
        let mut url = if path.contains(['?', '#']) {
            Url::parse(&format!("{}{separator}{path}", self.inner.base_url))
                .map_err(|error| Error::InvalidArgument { name: "path", reason: format!("`{path}` does not form a valid URL: {error}") })?
        } else {
            let mut url = self.inner.base.clone();
            let joined = format!("{}{separator}{path}", url.path().trim_end_matches('/'));
            url.set_path(&joined);
            url
        };
        let keys = credentials.iter().filter_map(|credential| match credential {
            Prepared::Query(name, key) => Some((*name, key.as_str())),
            _ => None,
        });
        let mut keys = keys.peekable();
        if !request.query_pairs().is_empty() || !extra.is_empty() || keys.peek().is_some() {
            // Only touched when there are pairs, because `query_pairs_mut` leaves a bare `?` behind otherwise.
            url.query_pairs_mut().extend_pairs(request.query_pairs()).extend_pairs(extra).extend_pairs(keys);
        }
        Ok(url)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credentials = self.inner.profile.schemes.iter().zip(&self.inner.credentials).filter(|(_, c)| c.is_some());
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &RedactedMap(credentials.map(|(scheme, _)| scheme.name).collect()))
            .field("headers", &self.inner.headers)
            .finish_non_exhaustive()
    }
}

/// What one attempt got back: a success answer as `read` made it, or an error answer's whole body.
enum Answer<B> {
    Success(B),
    Failure(bytes::Bytes),
}

/// A credential ready to send, prepared once when the client is built.
enum Prepared {
    /// A header, marked sensitive so that `reqwest` and `http` keep it out of their `Debug` output.
    Header(HeaderName, HeaderValue),
    /// A query parameter and its value.
    Query(&'static str, String),
    /// `name=value` for the `Cookie` header.
    Cookie(String),
}

/// A secret as the builder holds it until [`ClientBuilder::build`].
#[derive(Clone)]
enum Secret {
    Key(String),
    Basic { user: String, password: String },
}

/// Formats scheme names with `<redacted>` in place of their secrets.
struct RedactedMap(Vec<&'static str>);

impl fmt::Debug for RedactedMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.iter().map(|name| (name, REDACTED))).finish()
    }
}

/// Configures and builds a [`Client`].
///
/// Settings apply in call order, so a setter called after [`ClientBuilder::env`] overrides the environment.
#[derive(Clone)]
pub struct ClientBuilder {
    profile: &'static Profile,
    base_url: Option<String>,
    server_variables: Vec<(String, String)>,
    credentials: Vec<(String, Secret)>,
    headers: Vec<(String, String)>,
    http_client: Option<reqwest::Client>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
}

impl ClientBuilder {
    /// Starts a builder for an API described by nothing but `base_url`: no security schemes and
    /// no conventions, for calling an endpoint by hand. Generated crates start from
    /// [`ClientBuilder::with_profile`] instead.
    #[must_use]
    pub fn new(base_url: &str) -> Self {
        ClientBuilder::with_profile(&Profile::BARE).base_url(base_url)
    }

    /// Starts a builder for the API `profile` describes, with no credentials.
    #[must_use]
    pub fn with_profile(profile: &'static Profile) -> Self {
        ClientBuilder {
            profile,
            base_url: None,
            server_variables: Vec::new(),
            credentials: Vec::new(),
            headers: Vec::new(),
            http_client: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
        }
    }

    /// Reads the API's environment variables: one per security scheme (two, user name and
    /// password, for HTTP basic), the base URL and the convention headers. Generated crates list
    /// them in `Client::from_env`.
    #[must_use]
    pub fn env(self) -> Self {
        self.env_with(|name| std::env::var(name).ok())
    }

    /// Like [`ClientBuilder::env`], but looks variables up with `lookup`, which makes the environment easy to fake in tests.
    ///
    /// A variable that is missing or empty leaves the current setting alone.
    #[must_use]
    pub fn env_with(mut self, lookup: impl Fn(&str) -> Option<String>) -> Self {
        let read = |name: &str| lookup(name).filter(|value| !value.is_empty());
        let profile = self.profile;
        if let Some(base_url) = profile.base_url_env.and_then(read) {
            self.base_url = Some(base_url);
        }
        for scheme in profile.schemes {
            match (scheme.kind, scheme.env) {
                (SchemeKind::Basic, [user, password]) => {
                    if let (Some(user), Some(password)) = (read(user), read(password)) {
                        self = self.basic_credential(scheme.name, user, password);
                    }
                }
                (SchemeKind::Basic, _) => {}
                (_, [name]) => {
                    if let Some(key) = read(name) {
                        self = self.credential(scheme.name, key);
                    }
                }
                _ => {}
            }
        }
        for setting in profile.headers {
            if let Some(value) = setting.env.and_then(read) {
                self = self.header(setting.header, value);
            }
        }
        self
    }

    /// Sets the credential of the security scheme `scheme` (its name in the spec): a bearer token
    /// or an API key. Generated crates have a setter per scheme that calls this.
    #[must_use]
    pub fn credential(mut self, scheme: &str, key: impl Into<String>) -> Self {
        self.credentials.push((scheme.to_owned(), Secret::Key(key.into())));
        self
    }

    /// Sets the user name and password of the HTTP basic scheme `scheme`.
    #[must_use]
    pub fn basic_credential(mut self, scheme: &str, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials.push((scheme.to_owned(), Secret::Basic { user: user.into(), password: password.into() }));
        self
    }

    /// Adds a header to every request, replacing one of the same name set before (header names
    /// ignore case). A header an operation sets itself, and a call's own headers, win over it.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.headers.retain(|(old, _)| !old.eq_ignore_ascii_case(&name));
        self.headers.push((name, value.into()));
        self
    }

    /// Sets a variable of the spec's server URL (the part in braces); the others keep their
    /// defaults. Has no effect once a base URL is set.
    #[must_use]
    pub fn server_variable(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.server_variables.retain(|(old, _)| *old != name);
        self.server_variables.push((name, value.into()));
        self
    }

    /// Sets the base URL, such as `https://api.example.com/v1`, in place of the spec's server; a trailing `/` is ignored.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Uses `http_client` instead of a default `reqwest::Client`, for proxies or custom TLS roots.
    ///
    /// The connect timeout and the redirect policy are then that client's (the default client
    /// keeps redirects on the request's origin when a key travels in a header other than
    /// `Authorization`); the per-attempt timeout still applies.
    #[must_use]
    pub fn http_client(mut self, http_client: reqwest::Client) -> Self {
        self.http_client = Some(http_client);
        self
    }

    /// How long one attempt may take before it fails as a timeout (and is retried); 10 minutes by default.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long opening a connection may take; 5 seconds by default.
    #[must_use]
    pub fn connect_timeout(mut self, connect_timeout: Duration) -> Self {
        self.connect_timeout = connect_timeout;
        self
    }

    /// How many times a failed call is retried; 2 by default, 0 turns retrying off.
    #[must_use]
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.retry.max_retries = max_retries;
        self
    }

    /// Every retry setting at once: count, backoff and jitter.
    #[must_use]
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// Fails with [`Error::Config`] when the API needs a credential for every operation and none
    /// was given, when a credential names a scheme the API does not have, when there is no base
    /// URL or it is not an absolute `http` or `https` URL, or when a value cannot be sent as a
    /// header. A client with only some of the credentials can be built; a request that needs
    /// another fails when it is sent.
    pub fn build(self) -> Result<Client, Error> {
        let profile = self.profile;
        let (base_url, base) = parse_base_url(&self.resolve_base_url()?)?;

        let mut credentials: Vec<Option<Prepared>> = profile.schemes.iter().map(|_| None).collect();
        for (name, secret) in &self.credentials {
            let (index, scheme) = profile
                .scheme(name)
                .ok_or_else(|| Error::Config(format!("`{}` is not a security scheme of this API", name.escape_debug())))?;
            credentials[index] = prepare(scheme, secret)?;
        }
        if profile.needs_credential && credentials.iter().all(Option::is_none) {
            let ways: Vec<String> = profile.schemes.iter().map(describe_missing).collect();
            return Err(Error::Config(format!("missing credentials: this API needs {}", ways.join(", or "))));
        }

        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(header::USER_AGENT, HeaderValue::from_static(USER_AGENT));
        for (name, value) in &self.headers {
            let invalid = |what: &str| {
                Error::Config(format!(
                    "invalid header `{}`: its {what} contains characters not allowed in an HTTP header",
                    name.escape_debug()
                ))
            };
            let name = HeaderName::try_from(name.as_str()).map_err(|_| invalid("name"))?;
            let value = HeaderValue::try_from(value.as_str()).map_err(|_| invalid("value"))?;
            headers.insert(name, value);
        }

        // reqwest drops `Authorization` and `Cookie` when a redirect leaves the host, but not a
        // key in a header of the API's own naming: with one, redirects stay on the origin.
        let custom_header_key =
            credentials.iter().flatten().any(|c| matches!(c, Prepared::Header(name, _) if name != header::AUTHORIZATION));
        let redirects = if custom_header_key { same_origin_redirects() } else { reqwest::redirect::Policy::default() };
        let http = match self.http_client {
            Some(http) => http,
            None => {
                install_crypto_provider();
                reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .redirect(redirects)
                    .build()
                    .map_err(|error| Error::Config(format!("could not build the HTTP client: {error}")))?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner { http, base_url, base, profile, headers, credentials, timeout: self.timeout, retry: self.retry }),
        })
    }

    /// The base URL set, or the spec's server with its variables filled in.
    fn resolve_base_url(&self) -> Result<String, Error> {
        if let Some(base_url) = &self.base_url {
            return Ok(base_url.clone());
        }
        let how = match self.profile.base_url_env {
            Some(env) => format!("call `ClientBuilder::base_url` or set `{env}`"),
            None => "call `ClientBuilder::base_url`".to_owned(),
        };
        let Some(server) = self.profile.server else {
            return Err(Error::Config(format!("no base URL: the API names no server; {how}")));
        };
        let mut url = server.to_owned();
        for variable in self.profile.server_variables {
            let value = self.server_variables.iter().find(|(name, _)| name == variable.name).map_or(variable.default, |(_, v)| v);
            url = url.replace(&format!("{{{}}}", variable.name), value);
        }
        if let Some((name, _)) =
            self.server_variables.iter().find(|(name, _)| !self.profile.server_variables.iter().any(|v| v.name == *name))
        {
            return Err(Error::Config(format!("`{}` is not a variable of the server URL `{server}`", name.escape_debug())));
        }
        if !url.contains("://") {
            return Err(Error::Config(format!(
                "no base URL: the API's server `{url}` is relative to wherever the spec is served; {how} with the full URL"
            )));
        }
        Ok(url)
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("server_variables", &self.server_variables)
            .field(
                "credentials",
                &RedactedMap(self.credentials.iter().map(|(name, _)| self.profile.scheme(name).map_or("?", |(_, s)| s.name)).collect()),
            )
            .field("headers", &self.headers)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// Follows redirects on the request's own origin, as many as reqwest's default policy (10), and
/// stops at one to another origin, whose answer the caller then gets as it is.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let leaves = attempt.previous().first().is_some_and(|first| first.origin() != attempt.url().origin());
        if leaves {
            attempt.stop()
        } else if attempt.previous().len() > 10 {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}

/// The credential `secret` of `scheme`, ready to send; `None` for an empty key, which counts as
/// not set (an empty environment variable is common).
///
/// Errors name the scheme and never quote the secret, because error messages end up in logs.
fn prepare(scheme: &Scheme, secret: &Secret) -> Result<Option<Prepared>, Error> {
    let invalid =
        || Error::Config(format!("invalid credential for `{}`: it contains characters not allowed in an HTTP header", scheme.name));
    let sensitive = |text: String| {
        let mut value = HeaderValue::try_from(text).map_err(|_| invalid())?;
        value.set_sensitive(true);
        Ok::<_, Error>(value)
    };
    let prepared = match (scheme.kind, secret) {
        (SchemeKind::Basic, Secret::Basic { user, password }) => {
            use base64::Engine as _;
            let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            Prepared::Header(header::AUTHORIZATION, sensitive(format!("Basic {token}"))?)
        }
        (SchemeKind::Basic, Secret::Key(_)) => {
            return Err(Error::Config(format!(
                "`{}` takes a user name and a password: call `ClientBuilder::{}`",
                scheme.name, scheme.setter
            )));
        }
        (_, Secret::Basic { .. }) => {
            return Err(Error::Config(format!("`{}` takes one key, not a user name and password", scheme.name)));
        }
        (_, Secret::Key(key)) if key.is_empty() => return Ok(None),
        (SchemeKind::Bearer, Secret::Key(key)) => Prepared::Header(header::AUTHORIZATION, sensitive(format!("Bearer {key}"))?),
        (SchemeKind::Header(name), Secret::Key(key)) => {
            let name = HeaderName::try_from(name).map_err(|_| invalid())?;
            Prepared::Header(name, sensitive(key.clone())?)
        }
        (SchemeKind::Query(name), Secret::Key(key)) => Prepared::Query(name, key.clone()),
        (SchemeKind::Cookie(name), Secret::Key(key)) => {
            // Encoded like a cookie parameter, so that a key cannot end the cookie and start another.
            let pair = format!("{name}={}", percent_encoding::utf8_percent_encode(key, COOKIE_VALUE));
            sensitive(pair.clone())?;
            Prepared::Cookie(pair)
        }
    };
    Ok(Some(prepared))
}

/// `` `ApiKeyAuth` (a bearer token; set `OPENAI_API_KEY` or call `ClientBuilder::api_key`) ``:
/// a scheme, what it takes and how to give it.
fn describe_missing(scheme: &Scheme) -> String {
    let call = format!("call `ClientBuilder::{}`", scheme.setter);
    let how = match scheme.env {
        [] => call,
        [one] => format!("set `{one}` or {call}"),
        [user, password] => format!("set `{user}` and `{password}` or {call}"),
        more => format!("set {} or {call}", more.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")),
    };
    format!("`{}` ({}; {how})", scheme.name, scheme.kind.describe())
}

/// Checks that `base_url` is an absolute `http` or `https` URL that a path can be appended to, and returns it without a
/// trailing `/`, as text and parsed.
fn parse_base_url(base_url: &str) -> Result<(String, Url), Error> {
    let invalid = |reason: String| Error::Config(format!("invalid base URL `{base_url}`: {reason}"));
    let url = Url::parse(base_url).map_err(|error| invalid(error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!("the scheme must be `http` or `https`, not `{}`", url.scheme())));
    }
    // Request paths are appended as text, so a query or fragment here would swallow them.
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment".to_owned()));
    }
    Ok((url.as_str().trim_end_matches('/').to_owned(), url))
}

/// With `rustls-ring` alone, reqwest has no built-in crypto provider and uses the process
/// default: ring's, installed here unless the program installed another first (then that one
/// stays). A crate that includes this file without these features (the snapshot tests) compiles
/// the body out, hence the `allow`.
#[allow(unexpected_cfgs)]
fn install_crypto_provider() {
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls")))]
    let _ = rustls::crypto::ring::default_provider().install_default();
}
