//! [`ClientProfile`] → the part of `lib.rs` that tells the runtime about the API: the `PROFILE`
//! static, `DEFAULT_BASE_URL`, `Client::builder` and `Client::from_env`, and one builder setter
//! per security scheme, server variable and settings header.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::ir::{Api, ClientProfile, SchemeKind, SecurityScheme};

/// The items, in the order `lib.rs` writes them.
pub(super) fn items(api: &Api) -> TokenStream {
    let profile = &api.profile;
    let statics = profile_static(profile);
    let setters = setters(profile);
    let env_names = env_names(profile);
    let (default_const, builder_doc) = match &profile.default_base_url {
        Some(url) => {
            let doc = format!(" The server the spec names first. `{}` or [`ClientBuilder::base_url`] override it.", profile.base_url_env);
            (
                quote! {
                    #[doc = #doc]
                    pub const DEFAULT_BASE_URL: &str = #url;
                },
                " A builder that starts from [`DEFAULT_BASE_URL`] and no credentials.".to_owned(),
            )
        }
        None => {
            let why = match &profile.server {
                Some(server) => format!("the spec's server `{server}` is relative to wherever the spec is served"),
                None => "the spec names no server".to_owned(),
            };
            (
                TokenStream::new(),
                format!(
                    " A builder with no credentials and no base URL: {why}, so set one with [`ClientBuilder::base_url`] or `{}`.",
                    profile.base_url_env
                ),
            )
        }
    };
    let when = if env_names.len() == 1 { "when it is set" } else { "each where set" };
    let from_env_doc = format!(" A client configured from the environment: {}, {when}.", list(&env_names));
    let errors_doc = if profile.needs_credential {
        " [`Error::Config`] when no credential is set, there is no base URL, or a value cannot be used."
    } else {
        " [`Error::Config`] when there is no base URL or a value cannot be used."
    };
    let (from_env_example, builder_example) = super::doc_examples::constructors(api);
    let builder_doc = super::doc_attrs(Some(&format!("{}\n\n{builder_example}", builder_doc.trim())));
    let from_env_doc =
        super::doc_attrs(Some(&format!("{}\n\n# Errors\n\n{}\n\n{from_env_example}", from_env_doc.trim(), errors_doc.trim())));
    quote! {
        #default_const

        #statics

        impl Client {
            #builder_doc
            pub fn builder() -> ClientBuilder {
                ClientBuilder::with_profile(&PROFILE)
            }

            #from_env_doc
            pub fn from_env() -> ::std::result::Result<Client, Error> {
                Self::builder().env().build()
            }
        }

        #setters
    }
}

/// `PROFILE`: what the runtime reads when the client is built and each request is sent.
fn profile_static(profile: &ClientProfile) -> TokenStream {
    let server = option(profile.server.as_deref());
    let variables = profile.server_variables.iter().map(|v| {
        let (name, default) = (&v.name, &v.default);
        quote!(ServerVariable { name: #name, default: #default })
    });
    let base_url_env = &profile.base_url_env;
    let schemes = profile.schemes.iter().map(|s| {
        let name = &s.name;
        let kind = match &s.kind {
            SchemeKind::Bearer => quote!(SchemeKind::Bearer),
            SchemeKind::Basic => quote!(SchemeKind::Basic),
            SchemeKind::Header(h) => quote!(SchemeKind::Header(#h)),
            SchemeKind::Query(q) => quote!(SchemeKind::Query(#q)),
            SchemeKind::Cookie(c) => quote!(SchemeKind::Cookie(#c)),
        };
        let setter = crate::names::unraw(&s.setter);
        let env = &s.env;
        quote!(Scheme { name: #name, kind: #kind, setter: #setter, env: &[#(#env),*] })
    });
    let security = requirement(&profile.security);
    let needs_credential = profile.needs_credential;
    let headers = profile.headers.iter().map(|h| {
        let header = &h.header;
        let env = option(h.env.as_deref());
        quote!(HeaderSetting { header: #header, env: #env })
    });
    let should_retry_header = option(profile.should_retry_header.as_deref());
    let codes = &profile.never_retry_codes;
    quote! {
        /// What the client knows about this API: its server, its security schemes and the
        /// conventions from the generator's settings.
        pub static PROFILE: Profile = Profile {
            server: #server,
            server_variables: &[#(#variables),*],
            base_url_env: Some(#base_url_env),
            schemes: &[#(#schemes),*],
            security: #security,
            needs_credential: #needs_credential,
            headers: &[#(#headers),*],
            retry: RetryHints { should_retry_header: #should_retry_header, never_retry_codes: &[#(#codes),*] },
        };
    }
}

/// `&[&["A", "B"], &["C"]]`.
pub(super) fn requirement(alternatives: &[Vec<String>]) -> TokenStream {
    let alternatives = alternatives.iter().map(|names| quote!(&[#(#names),*]));
    quote!(&[#(#alternatives),*])
}

fn option(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}

/// One setter per scheme, server variable and settings header, in an `impl ClientBuilder`.
fn setters(profile: &ClientProfile) -> TokenStream {
    let mut methods = Vec::new();
    for scheme in &profile.schemes {
        let setter = ident(&scheme.setter);
        let name = &scheme.name;
        let doc = scheme_doc(scheme);
        methods.push(match scheme.kind {
            SchemeKind::Basic => quote! {
                #doc
                #[must_use]
                pub fn #setter(self, username: impl Into<::std::string::String>, password: impl Into<::std::string::String>) -> Self {
                    self.basic_credential(#name, username, password)
                }
            },
            _ => quote! {
                #doc
                #[must_use]
                pub fn #setter(self, key: impl Into<::std::string::String>) -> Self {
                    self.credential(#name, key)
                }
            },
        });
    }
    for variable in &profile.server_variables {
        let setter = ident(&variable.setter);
        let name = &variable.name;
        let mut doc = format!("Sets `{{{name}}}` in the server URL; `{}` by default.", variable.default);
        if let Some(more) = &variable.doc {
            doc.push_str("\n\n");
            doc.push_str(more);
        }
        let doc = super::doc_attrs(Some(&doc));
        methods.push(quote! {
            #doc
            #[must_use]
            pub fn #setter(self, value: impl Into<::std::string::String>) -> Self {
                self.server_variable(#name, value)
            }
        });
    }
    for header in &profile.headers {
        let setter = ident(&header.setter);
        let name = &header.header;
        let mut doc = format!("Sets the `{name}` header, sent with every request.");
        if let Some(more) = &header.doc {
            doc.push(' ');
            doc.push_str(more.trim());
        }
        if let Some(env) = &header.env {
            doc.push_str(&format!(" [`ClientBuilder::env`] reads it from `{env}`."));
        }
        let doc = super::doc_attrs(Some(&doc));
        methods.push(quote! {
            #doc
            #[must_use]
            pub fn #setter(self, value: impl Into<::std::string::String>) -> Self {
                self.header(#name, value)
            }
        });
    }
    if methods.is_empty() {
        return TokenStream::new();
    }
    quote! {
        /// Setters for this API's credentials, server and conventions.
        impl ClientBuilder {
            #(#methods)*
        }
    }
}

/// The rustdoc of a scheme's setter: what it sets, how it travels, where `env` reads it.
fn scheme_doc(scheme: &SecurityScheme) -> TokenStream {
    let travels = match &scheme.kind {
        SchemeKind::Bearer => "a token sent as `Authorization: Bearer <token>`".to_owned(),
        SchemeKind::Basic => "a user name and password sent as `Authorization: Basic <base64>`".to_owned(),
        SchemeKind::Header(h) => format!("a key sent in the `{h}` header"),
        SchemeKind::Query(q) => format!("a key sent as the `{q}` query parameter"),
        SchemeKind::Cookie(c) => format!("a key sent in the `{c}` cookie"),
    };
    let mut doc = format!("Sets the `{}` credential: {travels}.", scheme.name);
    if let Some(more) = &scheme.doc {
        doc.push_str("\n\n");
        doc.push_str(more.trim());
    }
    if !scheme.env.is_empty() {
        let names: Vec<String> = scheme.env.iter().map(|e| format!("`{e}`")).collect();
        doc.push_str(&format!("\n\n[`ClientBuilder::env`] reads it from {}.", names.join(" and ")));
    }
    super::doc_attrs(Some(&doc))
}

/// Every environment variable `env` reads, in the order it reads them.
fn env_names(profile: &ClientProfile) -> Vec<String> {
    let mut names: Vec<String> = profile.schemes.iter().flat_map(|s| s.env.iter().cloned()).collect();
    names.push(profile.base_url_env.clone());
    names.extend(profile.headers.iter().filter_map(|h| h.env.clone()));
    names
}

/// `` `A`, `B` and `C` ``.
fn list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => "nothing".to_owned(),
    }
}

/// How the operation doc names what an operation sends: `` `AdminApiKeyAuth` ([`ClientBuilder::admin_key`](..), `OPENAI_ADMIN_KEY`) ``,
/// alternatives joined by "or", combinations by "and".
pub(super) fn describe_requirement(profile: &ClientProfile, alternatives: &[Vec<String>]) -> String {
    let one = |name: &String| match profile.schemes.iter().find(|s| s.name == *name) {
        Some(scheme) => {
            let setter = crate::names::unraw(&scheme.setter);
            let env: Vec<String> = scheme.env.iter().map(|e| format!("`{e}`")).collect();
            let env = if env.is_empty() { String::new() } else { format!(", {}", env.join(" and ")) };
            format!("`{name}` ([`ClientBuilder::{setter}`](crate::ClientBuilder::{setter}){env})")
        }
        None => format!("`{name}`"),
    };
    alternatives.iter().map(|names| names.iter().map(one).collect::<Vec<_>>().join(" and ")).collect::<Vec<_>>().join(", or ")
}
