//! `components.securitySchemes`, `security` and `servers`, with the settings file's
//! conventions → the [`ClientProfile`] the generated client is built from, and the security of
//! each operation.

use std::collections::HashSet;

use heck::ToShoutySnakeCase;

use super::Cx;
use crate::diag::Pointer;
use crate::ir::*;
use crate::load::{Node, Value};
use crate::names;

/// Alternatives of scheme names, as `security` lists them.
type Requirement = Vec<Vec<String>>;

impl Cx<'_> {
    /// The schemes of `components.securitySchemes` the runtime can send, in spec order, with
    /// their setters and environment variables decided. `taken` holds the builder's method
    /// names, and receives the new ones.
    fn security_schemes(&mut self, prefix: &str, taken: &mut HashSet<String>) -> Vec<SecurityScheme> {
        let at = Pointer::root().push("components").push("securitySchemes");
        let Some(map) = self.spec.root().get("components").and_then(|c| c.get("securitySchemes")).and_then(Node::as_map) else {
            return Vec::new();
        };
        let mut schemes = Vec::new();
        for (name, node) in map {
            let ptr = at.push(name);
            let node = self.doc.deref(node).unwrap_or(node);
            let field = |key: &str| node.get(key).and_then(Node::as_str);
            let kind = match (field("type"), field("scheme").map(str::to_ascii_lowercase).as_deref(), field("in"), field("name")) {
                (Some("http"), Some("bearer"), ..) | (Some("oauth2" | "openIdConnect"), ..) => SchemeKind::Bearer,
                (Some("http"), Some("basic"), ..) => SchemeKind::Basic,
                (Some("http"), Some(other), ..) => {
                    self.warn(&ptr, format!("HTTP scheme `{other}` is sent as the whole `Authorization` value the caller gives"));
                    SchemeKind::Header("Authorization".to_owned())
                }
                (Some("apiKey"), _, Some("header"), Some(header)) => SchemeKind::Header(header.to_owned()),
                (Some("apiKey"), _, Some("query"), Some(param)) => SchemeKind::Query(param.to_owned()),
                (Some("apiKey"), _, Some("cookie"), Some(cookie)) => SchemeKind::Cookie(cookie.to_owned()),
                (Some("mutualTLS"), ..) => {
                    self.warn(&ptr, "mutual TLS is set up on the `reqwest::Client` passed to `ClientBuilder::http_client`, not by the SDK");
                    continue;
                }
                _ => {
                    self.warn(&ptr, "a security scheme without a usable `type`, `scheme`, `in` or `name` is left out");
                    continue;
                }
            };
            let settings = self.settings.schemes.get(name.as_str());
            let wanted = names::field(settings.and_then(|s| s.setter.as_deref()).unwrap_or(name));
            let setter = unique(wanted.clone(), taken);
            if setter != wanted {
                self.warn(&ptr, format!("the setter `{wanted}` is taken; this scheme's is `{setter}`"));
            }
            let want_env = if kind == SchemeKind::Basic { 2 } else { 1 };
            if let Some(env) = settings.and_then(|s| s.env.as_ref()).filter(|env| env.len() != want_env) {
                self.warn(
                    &ptr,
                    format!(
                        "the settings give {} environment variable{}; this scheme takes {want_env}, so the defaults are used",
                        env.len(),
                        if env.len() == 1 { "" } else { "s" }
                    ),
                );
            }
            let upper = names::unraw(&setter).to_shouty_snake_case();
            let env = match settings.and_then(|s| s.env.clone()).filter(|env| env.len() == want_env) {
                Some(env) => env,
                None if kind == SchemeKind::Basic => vec![format!("{prefix}_{upper}_USERNAME"), format!("{prefix}_{upper}_PASSWORD")],
                None => vec![format!("{prefix}_{upper}")],
            };
            let doc = field("description").map(str::to_owned);
            schemes.push(SecurityScheme { name: name.clone(), kind, setter, env, doc, pointer: ptr });
        }
        for name in self.settings.schemes.keys() {
            if !map.contains_key(name) {
                self.warn(&at, format!("the settings name a security scheme `{name}` the spec does not have"));
            }
        }
        schemes
    }

    /// A `security` list as alternatives of scheme names; names of schemes the client cannot
    /// send leave their alternative out, with a warning. A requirement object written without
    /// its list (`security: {a: []}`) and a bare scheme name (`security: [a]`) are read as
    /// what they clearly mean, with a warning; anything else is left out, with a warning.
    fn requirement(&mut self, node: &Node, at: &Pointer, known: &HashSet<&str>) -> Requirement {
        let entries: Vec<(Pointer, &Node)> = match node.as_seq() {
            Some(items) => items.iter().enumerate().map(|(i, item)| (at.index(i), item)).collect(),
            None if node.as_map().is_some() => {
                self.warn(at, "`security` must be a list of requirement objects; this one object is read as the only one");
                vec![(at.clone(), node)]
            }
            None => {
                self.warn(at, format!("`security` must be a list of requirement objects, not {}; it is ignored", node.kind()));
                return Vec::new();
            }
        };
        let mut alternatives = Vec::new();
        for (item_at, alternative) in entries {
            let names: Vec<String> = match (alternative.as_map(), alternative.as_str()) {
                (Some(map), _) => map.keys().cloned().collect(),
                (None, Some(name)) => {
                    self.warn(&item_at, format!("a requirement is an object (`{{{name}: []}}`), not a bare name; read as that object"));
                    vec![name.to_owned()]
                }
                (None, None) => {
                    self.warn(&item_at, format!("a requirement must be an object, not {}; it is left out", alternative.kind()));
                    continue;
                }
            };
            match names.iter().find(|name| !known.contains(name.as_str())) {
                Some(unknown) => {
                    self.warn(&item_at, format!("security scheme `{unknown}` is not one the client can send; this alternative is left out"))
                }
                None => alternatives.push(names),
            }
        }
        alternatives
    }

    /// Warns about combinations the runtime cannot send whole: two schemes that travel in the
    /// same header (bearer and basic both use `Authorization`), of which only the last is sent.
    fn check_combinations(&mut self, requirement: &Requirement, at: &Pointer, schemes: &[SecurityScheme]) {
        for names in requirement {
            let mut seen: Vec<(String, &str)> = Vec::new();
            for name in names {
                let Some(scheme) = schemes.iter().find(|s| s.name == *name) else { continue };
                let header = match &scheme.kind {
                    SchemeKind::Bearer | SchemeKind::Basic => "authorization".to_owned(),
                    SchemeKind::Header(h) => h.to_ascii_lowercase(),
                    SchemeKind::Query(_) | SchemeKind::Cookie(_) => continue,
                };
                if let Some((_, first)) = seen.iter().find(|(h, _)| *h == header) {
                    self.warn(at, format!("`{first}` and `{name}` both travel in the `{header}` header; only `{name}` is sent"));
                }
                seen.push((header, name));
            }
        }
    }

    /// The security of one operation: `None` when it is the spec's default.
    pub(super) fn operation_security(
        &mut self,
        op: &Node,
        op_ptr: &Pointer,
        default: &Requirement,
        known: &HashSet<&str>,
    ) -> Option<Requirement> {
        let node = op.get("security")?;
        let requirement = self.requirement(node, &op_ptr.push("security"), known);
        if node.as_seq().is_none() && requirement.is_empty() {
            return None;
        }
        // Every alternative of a non-empty list was unusable: the default is the best reading.
        if requirement.is_empty() && node.as_seq().is_some_and(|s| !s.is_empty()) {
            return None;
        }
        (requirement != *default).then_some(requirement)
    }

    /// The client's profile: server, schemes, default security and conventions; then each
    /// operation's own security is read against it.
    pub(super) fn client_profile(&mut self, crate_name: &str, operations: &mut [Operation]) -> ClientProfile {
        let prefix = self.settings.env_prefix.clone().unwrap_or_else(|| crate_name.to_shouty_snake_case());
        let mut taken = crate::emit::builder_method_names();
        let schemes = self.security_schemes(&prefix, &mut taken);
        let known: HashSet<&str> = schemes.iter().map(|s| s.name.as_str()).collect();
        let root = self.spec.root();
        let security = match root.get("security") {
            Some(node) => self.requirement(node, &Pointer::root().push("security"), &known),
            None => Vec::new(),
        };
        self.check_combinations(&security, &Pointer::root().push("security"), &schemes);
        let first_server = |node: &Node| {
            node.get("servers")
                .and_then(Node::as_seq)
                .and_then(|s| s.first())
                .and_then(|s| s.get("url"))
                .and_then(Node::as_str)
                .map(str::to_owned)
        };
        let top_server = first_server(root);
        let mut open = false;
        for op in operations.iter_mut() {
            let Some(node) = self.doc.node_at(&op.pointer) else { continue };
            // A path's or an operation's own server: only the first top-level one is offered.
            let item = op.pointer.parent().and_then(|p| self.doc.node_at(&p));
            if let Some(own) = first_server(node).or_else(|| item.and_then(first_server)).filter(|own| Some(own) != top_server.as_ref()) {
                self.warn(&op.pointer, format!("this operation's own server `{own}` is not used: it is sent to the client's base URL"));
            }
            op.security = self.operation_security(node, &op.pointer, &security, &known);
            if let Some(own) = &op.security {
                self.check_combinations(own, &op.pointer.push("security"), &schemes);
            }
            let effective = op.security.as_ref().unwrap_or(&security);
            open |= effective.is_empty() || effective.iter().any(Vec::is_empty);
        }
        let needs_credential = !schemes.is_empty() && !operations.is_empty() && !open;

        let server = root.get("servers").and_then(Node::as_seq).and_then(|s| s.first());
        let server_url = server.and_then(|s| s.get("url")).and_then(Node::as_str).map(str::to_owned);
        let mut server_variables = Vec::new();
        if let Some(map) = server.and_then(|s| s.get("variables")).and_then(Node::as_map) {
            for (name, variable) in map {
                let default = variable.get("default").and_then(scalar_text).unwrap_or_default();
                let values: Vec<&str> =
                    variable.get("enum").and_then(Node::as_seq).unwrap_or_default().iter().filter_map(Node::as_str).collect();
                let mut doc = variable.get("description").and_then(Node::as_str).map(|d| d.trim().to_owned());
                if !values.is_empty() {
                    let list = values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
                    doc = Some(super::append_doc(doc, &format!("One of {list}.")));
                }
                let setter = unique(names::field(name), &mut taken);
                server_variables.push(ServerVariable { name: name.clone(), default, setter, doc });
            }
        }
        let default_base_url = server_url.as_ref().map(|url| fill(url, &server_variables)).filter(|url| url.contains("://"));

        let mut headers = Vec::new();
        for h in &self.settings.headers {
            let wanted = names::field(h.setter.as_deref().unwrap_or(&h.name));
            let setter = unique(wanted.clone(), &mut taken);
            if setter != wanted {
                self.warn(
                    &Pointer::root(),
                    format!("the settings' setter `{wanted}` for the header `{}` is taken; it is `{setter}`", h.name),
                );
            }
            headers.push(HeaderSetting { header: h.name.clone(), setter, env: h.env.clone(), doc: h.doc.clone() });
        }
        ClientProfile {
            server: server_url,
            default_base_url,
            server_variables,
            base_url_env: format!("{prefix}_BASE_URL"),
            schemes,
            security,
            needs_credential,
            headers,
            should_retry_header: self.settings.retry.should_retry_header.clone(),
            never_retry_codes: self.settings.retry.never_retry_codes.clone(),
        }
    }
}

/// A scalar as the text it stands for in a URL: a YAML `8443` is the port `8443`.
fn scalar_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::String(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Seq(_) | Value::Map(_) => None,
    }
}

/// `name`, or `name_2`, `name_3`, ... when it is taken; the result is taken from then on.
fn unique(name: String, taken: &mut HashSet<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{name}_{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

/// A server URL with each `{variable}` replaced by its default.
fn fill(url: &str, variables: &[ServerVariable]) -> String {
    variables.iter().fold(url.to_owned(), |url, v| url.replace(&format!("{{{}}}", v.name), &v.default))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_names_count_up() {
        let mut taken: HashSet<String> = ["build".to_owned()].into();
        assert_eq!(unique("build".into(), &mut taken), "build_2");
        assert_eq!(unique("build".into(), &mut taken), "build_3");
        assert_eq!(unique(names::field("ApiKey"), &mut taken), "api_key");
    }

    #[test]
    fn fill_uses_the_defaults() {
        let v = |name: &str, default: &str| ServerVariable { name: name.into(), default: default.into(), setter: name.into(), doc: None };
        assert_eq!(fill("https://{region}.example.com/{version}", &[v("region", "us"), v("version", "v2")]), "https://us.example.com/v2");
    }
}
