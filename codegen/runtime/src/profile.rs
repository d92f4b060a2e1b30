//! What a generated crate tells the runtime about its API: the server, the security schemes and
//! the settings its spec does not state (environment variables, default headers, retry hints).
//!
//! The generator writes one [`Profile`] as a constant in the crate's `lib.rs`; the client reads
//! it when it is built and when a request chooses its credentials.

/// Everything the client needs to know about one API.
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    /// The spec's first server URL, with `{name}` where a server variable goes; `None` when the
    /// spec names no server, so that a base URL must be given.
    pub server: Option<&'static str>,
    /// The server URL's variables with their defaults.
    pub server_variables: &'static [ServerVariable],
    /// The environment variable that overrides the base URL.
    pub base_url_env: Option<&'static str>,
    /// The security schemes of `components.securitySchemes`.
    pub schemes: &'static [Scheme],
    /// The spec's top-level `security`: alternatives, each a list of scheme names that are sent
    /// together. Empty, or with an empty alternative, when a request may go without credentials.
    pub security: &'static [&'static [&'static str]],
    /// Whether every operation needs a credential, so that a client without any is refused when
    /// it is built rather than on its first call.
    pub needs_credential: bool,
    /// Headers the builder has a setter for, sent with every request once set.
    pub headers: &'static [HeaderSetting],
    /// How the server says whether a failed request is worth repeating.
    pub retry: RetryHints,
}

impl Profile {
    /// An API that names no server, has no security and no conventions: the base URL must be
    /// given, and requests go without credentials.
    pub const BARE: Profile = Profile {
        server: None,
        server_variables: &[],
        base_url_env: None,
        schemes: &[],
        security: &[],
        needs_credential: false,
        headers: &[],
        retry: RetryHints { should_retry_header: None, never_retry_codes: &[] },
    };

    /// The scheme named `name`, with its position.
    pub(super) fn scheme(&self, name: &str) -> Option<(usize, &'static Scheme)> {
        self.schemes.iter().enumerate().find(|(_, scheme)| scheme.name == name)
    }
}

/// One security scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheme {
    /// Its name in the spec, which requests use to ask for it.
    pub name: &'static str,
    /// Where its credential travels.
    pub kind: SchemeKind,
    /// The builder method that sets it, for messages.
    pub setter: &'static str,
    /// The environment variables [`ClientBuilder::env`](super::ClientBuilder::env) reads it
    /// from: one, or the user name and the password for [`SchemeKind::Basic`].
    pub env: &'static [&'static str],
}

/// Where a scheme's credential travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`: HTTP bearer, and the token of an OAuth 2 or OpenID
    /// Connect flow the caller ran.
    Bearer,
    /// `Authorization: Basic <base64 of user:password>`.
    Basic,
    /// The key as it is, in the named header.
    Header(&'static str),
    /// The key in the named query parameter.
    Query(&'static str),
    /// The key in the named cookie.
    Cookie(&'static str),
}

impl SchemeKind {
    /// A few words on how the credential is sent, for messages.
    pub(super) fn describe(self) -> String {
        match self {
            SchemeKind::Bearer => "a bearer token".to_owned(),
            SchemeKind::Basic => "a user name and password".to_owned(),
            SchemeKind::Header(name) => format!("a key in the `{name}` header"),
            SchemeKind::Query(name) => format!("a key in the `{name}` query parameter"),
            SchemeKind::Cookie(name) => format!("a key in the `{name}` cookie"),
        }
    }
}

/// A variable of the server URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerVariable {
    /// Its name, as it appears between braces in [`Profile::server`].
    pub name: &'static str,
    /// The value used unless the builder is given another.
    pub default: &'static str,
}

/// A header the API's conventions add to every request once it is set, such as an account ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderSetting {
    /// The header name.
    pub header: &'static str,
    /// The environment variable [`ClientBuilder::env`](super::ClientBuilder::env) reads it from.
    pub env: Option<&'static str>,
}

/// Signals from the server about retrying, beyond the status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryHints {
    /// A response header whose `true` or `false` overrides the status code's rule.
    pub should_retry_header: Option<&'static str>,
    /// Error codes (in the error body's `code`) of a 429 that waiting does not cure.
    pub never_retry_codes: &'static [&'static str],
}
