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
use super::request::{Credential, Request, RequestBody};
use super::response::{Response, ResponseMeta};
use super::retry::{self, RetryPolicy};

/// Names whichever crate holds this copy of the runtime.
const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// Shown in place of a key wherever a value is formatted with `Debug`.
const REDACTED: &str = "<redacted>";

// OpenAI's conventions, which no spec states (the generator's half is in codegen's
// `conventions.rs`): the environment variables `ClientBuilder::env` reads.
const ENV_API_KEY: &str = "OPENAI_API_KEY";
const ENV_ADMIN_KEY: &str = "OPENAI_ADMIN_KEY";
const ENV_BASE_URL: &str = "OPENAI_BASE_URL";
const ENV_ORGANIZATION: &str = "OPENAI_ORG_ID";
const ENV_PROJECT: &str = "OPENAI_PROJECT_ID";

/// Why a request that needs the API key could not be sent; the key itself never appears in a message, because messages end up in logs.
const MISSING_API_KEY: &str = "missing API key: set `OPENAI_API_KEY` or call `ClientBuilder::api_key`";

/// Why a request that needs the admin key could not be sent.
const MISSING_ADMIN_KEY: &str = "missing admin key: this operation needs one; set `OPENAI_ADMIN_KEY` or call `ClientBuilder::admin_key`";

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
    organization: Option<String>,
    project: Option<String>,
    /// Sent with every request; built once in [`ClientBuilder::build`] so that an invalid value fails there and not on the first call.
    headers: HeaderMap,
    /// `Bearer <API key>`, sent with every request that is not marked admin.
    api_authorization: Option<HeaderValue>,
    /// `Bearer <admin key>`, sent with requests marked with [`Request::admin`].
    admin_authorization: Option<HeaderValue>,
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
            Ok(value) => Ok(Response::new(value, meta)),
            Err(message) => Err(Error::decode(meta.status, meta.request_id, message, &body)),
        }
    }

    /// Sends `request`, retries as the policy allows until an answer has a success status, and
    /// returns that answer with its body unread, for streaming.
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
        let url = self.url(request, &options.query)?;
        let headers = self.headers(request, options.accept, request.headers().iter().chain(&options.headers))?;
        let timeout = options.timeout.unwrap_or(self.inner.timeout);
        let max_retries = options.max_retries.unwrap_or(self.inner.retry.max_retries);
        let method = request.method();
        let path = request.path();
        let mut retries = 0;
        loop {
            let attempt = retries + 1;
            let mut builder = self.inner.http.request(method.clone(), url.clone()).headers(headers.clone()).timeout(timeout);
            builder = match request.payload() {
                // RFC 9110: a request whose method defines a body says it is empty; some HTTP/1.1
                // proxies answer 411 to a POST without a length.
                None if matches!(*method, reqwest::Method::POST | reqwest::Method::PUT | reqwest::Method::PATCH) => {
                    builder.header(header::CONTENT_LENGTH, "0")
                }
                None => builder,
                Some(RequestBody::Json(bytes)) => builder.body(bytes.clone()),
                Some(RequestBody::Text { text, .. }) => builder.body(text.clone()),
                Some(RequestBody::Form(text)) => builder.body(text.clone()),
                Some(RequestBody::Bytes { bytes, .. }) => builder.body(bytes.clone()),
                Some(RequestBody::Multipart(form)) => builder.multipart(form.to_form()?),
            };
            tracing::debug!(%method, %path, attempt, "sending request");
            let outcome = match builder.send().await {
                Ok(response) => {
                    let status = response.status();
                    let response_headers = response.headers().clone();
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
            let meta = ResponseMeta::from_headers(status.as_u16(), &response_headers, attempt);
            // `-` stands for a response without an `x-request-id` header.
            let request_id = meta.request_id.as_deref().unwrap_or("-");
            let body = match body {
                Answer::Success(body) => {
                    tracing::debug!(%method, %path, status = status.as_u16(), attempt, %request_id, "response");
                    return Ok((body, meta));
                }
                Answer::Failure(body) => body,
            };
            let error = ApiError::from_response(status, &response_headers, &body);
            // A server that asks for a longer wait than the client accepts is not asked again
            // sooner: the call ends, and the error says how long it asked for.
            let waits_too_long = error.retry_after.is_some_and(|asked| asked > self.inner.retry.max_retry_after);
            if retries < max_retries && !waits_too_long && retry::should_retry(status, &response_headers, error.code.as_deref()) {
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

    /// The client's headers, plus the credential the request needs, `Accept` when the call
    /// expects something other than JSON, `Content-Type` for a body, header parameters and the
    /// call's own headers.
    ///
    /// A missing credential fails here, before anything is sent.
    fn headers<'h>(
        &self,
        request: &Request,
        accept: Option<&'static str>,
        extra: impl Iterator<Item = &'h (String, String)>,
    ) -> Result<HeaderMap, Error> {
        let mut headers = self.inner.headers.clone();
        let api = || self.inner.api_authorization.clone();
        let admin = || self.inner.admin_authorization.clone();
        let authorization = match request.credential() {
            Credential::ApiKey => Some(api().ok_or_else(|| Error::Config(MISSING_API_KEY.to_owned()))?),
            Credential::AdminKey => Some(admin().ok_or_else(|| Error::Config(MISSING_ADMIN_KEY.to_owned()))?),
            // `build` refuses a client with neither key, so one of them is there.
            Credential::Either => Some(api().or_else(admin).ok_or_else(|| Error::Config(MISSING_API_KEY.to_owned()))?),
            Credential::None => None,
        };
        if let Some(authorization) = authorization {
            headers.insert(header::AUTHORIZATION, authorization);
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
            // reqwest writes the multipart content type itself, because it carries the form's boundary.
            Some(RequestBody::Multipart(_)) | None => {}
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
    /// The base URL and path are joined as text and parsed once, rather than with `Url::join`, which would replace the base URL's last segment (`/v1`).
    /// Parsing leaves `%XX` escapes alone and only resolves literal `.` and `..` segments, which `Request::path_segment` never produces.
    fn url(&self, request: &Request, extra: &[(String, String)]) -> Result<Url, Error> {
        let path = request.path();
        let separator = if path.starts_with('/') { "" } else { "/" };
        let mut url = Url::parse(&format!("{}{separator}{path}", self.inner.base_url))
            .map_err(|error| Error::InvalidArgument { name: "path", reason: format!("`{path}` does not form a valid URL: {error}") })?;
        if !request.query_pairs().is_empty() || !extra.is_empty() {
            // Only touched when there are pairs, because `query_pairs_mut` leaves a bare `?` behind otherwise.
            url.query_pairs_mut().extend_pairs(request.query_pairs()).extend_pairs(extra);
        }
        Ok(url)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("api_key", &self.inner.api_authorization.as_ref().map(|_| REDACTED))
            .field("admin_key", &self.inner.admin_authorization.as_ref().map(|_| REDACTED))
            .field("organization", &self.inner.organization)
            .field("project", &self.inner.project)
            .finish_non_exhaustive()
    }
}

/// What one attempt got back: a success answer as `read` made it, or an error answer's whole body.
enum Answer<B> {
    Success(B),
    Failure(bytes::Bytes),
}

/// Configures and builds a [`Client`].
///
/// Settings apply in call order, so a setter called after [`ClientBuilder::env`] overrides the environment.
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    api_key: Option<String>,
    admin_key: Option<String>,
    organization: Option<String>,
    project: Option<String>,
    http_client: Option<reqwest::Client>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
}

impl ClientBuilder {
    /// Starts a builder that sends requests to `default_base_url` unless told otherwise.
    #[must_use]
    pub fn new(default_base_url: &str) -> Self {
        ClientBuilder {
            base_url: default_base_url.to_owned(),
            api_key: None,
            admin_key: None,
            organization: None,
            project: None,
            http_client: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
        }
    }

    /// Reads `OPENAI_API_KEY`, `OPENAI_ADMIN_KEY`, `OPENAI_BASE_URL`, `OPENAI_ORG_ID` and `OPENAI_PROJECT_ID` from the process environment.
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
        if let Some(api_key) = read(ENV_API_KEY) {
            self.api_key = Some(api_key);
        }
        if let Some(admin_key) = read(ENV_ADMIN_KEY) {
            self.admin_key = Some(admin_key);
        }
        if let Some(base_url) = read(ENV_BASE_URL) {
            self.base_url = base_url;
        }
        if let Some(organization) = read(ENV_ORGANIZATION) {
            self.organization = Some(organization);
        }
        if let Some(project) = read(ENV_PROJECT) {
            self.project = Some(project);
        }
        self
    }

    /// Sets the API key sent as `Authorization: Bearer <key>`.
    #[must_use]
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// Sets the admin key sent as `Authorization: Bearer <key>` with the requests that need it (see [`Request::admin`]).
    #[must_use]
    pub fn admin_key(mut self, admin_key: impl Into<String>) -> Self {
        self.admin_key = Some(admin_key.into());
        self
    }

    /// Sets the base URL, such as `https://api.openai.com/v1`; a trailing `/` is ignored.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Sets the organization ID sent as `OpenAI-Organization`.
    #[must_use]
    pub fn organization(mut self, organization: impl Into<String>) -> Self {
        self.organization = Some(organization.into());
        self
    }

    /// Sets the project ID sent as `OpenAI-Project`.
    #[must_use]
    pub fn project(mut self, project: impl Into<String>) -> Self {
        self.project = Some(project.into());
        self
    }

    /// Uses `http_client` instead of a default `reqwest::Client`, for proxies or custom TLS roots.
    ///
    /// The connect timeout is then that client's; the per-attempt timeout still applies.
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
    /// Fails with [`Error::Config`] when there is neither an API key nor an admin key, when the base URL is not an absolute `http` or `https` URL, or when a setting cannot be sent as a header.
    /// A client with only one of the keys can be built; a request that needs the other fails when it is sent.
    pub fn build(self) -> Result<Client, Error> {
        let api_key = self.api_key.filter(|key| !key.is_empty());
        let admin_key = self.admin_key.filter(|key| !key.is_empty());
        if api_key.is_none() && admin_key.is_none() {
            return Err(Error::Config(
                "missing API key: set `OPENAI_API_KEY` (or `OPENAI_ADMIN_KEY` for admin operations), or call `ClientBuilder::api_key` or `ClientBuilder::admin_key`".to_owned(),
            ));
        }
        let base_url = parse_base_url(&self.base_url)?;
        let api_authorization = api_key.map(|key| authorization(&key, "API key")).transpose()?;
        let admin_authorization = admin_key.map(|key| authorization(&key, "admin key")).transpose()?;

        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(header::USER_AGENT, HeaderValue::from_static(USER_AGENT));
        for (name, value, setting) in
            [("openai-organization", &self.organization, "organization"), ("openai-project", &self.project, "project")]
        {
            if let Some(value) = value {
                let value = HeaderValue::try_from(value.as_str()).map_err(|_| {
                    Error::Config(format!(
                        "invalid {setting} ID `{}`: it contains characters not allowed in an HTTP header",
                        value.escape_debug()
                    ))
                })?;
                headers.insert(HeaderName::from_static(name), value);
            }
        }

        let http = match self.http_client {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .build()
                .map_err(|error| Error::Config(format!("could not build the HTTP client: {error}")))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                organization: self.organization,
                project: self.project,
                headers,
                api_authorization,
                admin_authorization,
                timeout: self.timeout,
                retry: self.retry,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| REDACTED))
            .field("admin_key", &self.admin_key.as_ref().map(|_| REDACTED))
            .field("organization", &self.organization)
            .field("project", &self.project)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// The `Authorization` value for `key`, marked sensitive so that `reqwest` and `http` keep it out of their `Debug` output.
///
/// `what` names the key in the error, which never quotes the key itself, because error messages end up in logs.
fn authorization(key: &str, what: &str) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::try_from(format!("Bearer {key}"))
        .map_err(|_| Error::Config(format!("invalid {what}: it contains characters not allowed in an HTTP header")))?;
    value.set_sensitive(true);
    Ok(value)
}

/// Checks that `base_url` is an absolute `http` or `https` URL that a path can be appended to, and returns it without a trailing `/`.
fn parse_base_url(base_url: &str) -> Result<String, Error> {
    let invalid = |reason: String| Error::Config(format!("invalid base URL `{base_url}`: {reason}"));
    let url = Url::parse(base_url).map_err(|error| invalid(error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!("the scheme must be `http` or `https`, not `{}`", url.scheme())));
    }
    // Request paths are appended as text, so a query or fragment here would swallow them.
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment".to_owned()));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}
