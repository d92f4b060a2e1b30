//! The intermediate representation: what the SDK will contain, with every `$ref` resolved and
//! every Rust name decided. Emitters read only this, never the spec. `visit.rs` is the one
//! traversal of the type references it holds.

mod visit;

use crate::diag::Pointer;

/// Index of a [`TypeDef`] in [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// A whole API.
#[derive(Debug, Clone)]
pub struct Api {
    /// Cargo package name of the generated crate, e.g. `openai-fine-tuning`.
    pub crate_name: String,
    /// Package version for Cargo.toml.
    pub crate_version: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`, verbatim.
    pub spec_version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// What the client is built from besides the operations: server, security, conventions.
    pub profile: ClientProfile,
    /// Every named type. Ids index this vector; output order is by name (see [`Api::sorted_types`]).
    pub types: Vec<TypeDef>,
    /// Operations in spec order.
    pub operations: Vec<Operation>,
    /// The resource tree that groups operations, rooted at the client.
    pub root: Resource,
    /// List responses that can be followed page by page, one per response type.
    pub pages: Vec<Page>,
    /// Types sent as `multipart/form-data` bodies.
    pub multipart: Vec<TypeId>,
    /// The webhooks, when the spec has any.
    pub webhooks: Option<Webhooks>,
    /// Cargo features, one per top-level resource (and one for webhooks); empty when the API
    /// has only one group, which then needs no feature.
    pub features: Vec<String>,
}

/// The server, the security schemes and the conventions of an API: what the generated crate's
/// `PROFILE` constant tells the runtime, and what its builder offers setters for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientProfile {
    /// The first server's URL as the spec writes it, `{name}` for each variable.
    pub server: Option<String>,
    /// That URL with the variables' defaults, when it is absolute.
    pub default_base_url: Option<String>,
    /// The first server's variables.
    pub server_variables: Vec<ServerVariable>,
    /// The environment variable that overrides the base URL.
    pub base_url_env: String,
    /// `components.securitySchemes` that the runtime can send.
    pub schemes: Vec<SecurityScheme>,
    /// The top-level `security`: alternatives of scheme names sent together.
    pub security: Vec<Vec<String>>,
    /// Whether every operation needs a credential.
    pub needs_credential: bool,
    /// Headers from the settings that the builder has a setter for.
    pub headers: Vec<HeaderSetting>,
    /// The server's retry hints, from the settings.
    pub should_retry_header: Option<String>,
    /// Error codes of a 429 that is never retried, from the settings.
    pub never_retry_codes: Vec<String>,
}

/// A security scheme the client can send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    /// Its name in `components.securitySchemes`.
    pub name: String,
    /// Where the credential travels.
    pub kind: SchemeKind,
    /// The builder method that sets it; final.
    pub setter: String,
    /// The environment variables it is read from (two for basic: user name, password).
    pub env: Vec<String>,
    /// Its `description`.
    pub doc: Option<String>,
    /// Where it is in the spec.
    pub pointer: Pointer,
}

/// Where a scheme's credential travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>` (HTTP bearer, OAuth 2, OpenID Connect).
    Bearer,
    /// `Authorization: Basic <base64 of user:password>`.
    Basic,
    /// As it is, in the named header (an `apiKey` in a header, or another HTTP scheme's
    /// `Authorization` value).
    Header(String),
    /// In the named query parameter.
    Query(String),
    /// In the named cookie.
    Cookie(String),
}

/// A variable of the server URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerVariable {
    /// Its name in the URL.
    pub name: String,
    /// Its default.
    pub default: String,
    /// The builder method that sets it; final.
    pub setter: String,
    /// Its `description`, and its `enum` values.
    pub doc: Option<String>,
}

/// A header the builder has a setter for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderSetting {
    /// The header name.
    pub header: String,
    /// The builder method; final.
    pub setter: String,
    /// The environment variable it is read from.
    pub env: Option<String>,
    /// What the value is.
    pub doc: Option<String>,
}

/// What the SDK offers for a spec's `webhooks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Webhooks {
    /// The union of every webhook payload.
    pub event: TypeId,
    /// The index into [`Api::features`] of the feature that enables them, when there are features.
    pub feature: Option<usize>,
}

/// A list response of a cursor-paginated operation: `{data: [{id, ..}], has_more}` answering a
/// GET that takes an `after` cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The response type.
    pub page: TypeId,
    /// Rust name of its list field (`data`).
    pub items_field: String,
    /// Rust name of its flag field (`has_more`).
    pub has_more_field: String,
    /// The listed type.
    pub item: TypeId,
    /// Rust name of the item's string ID field.
    pub id_field: String,
    /// The query parameter that takes the cursor.
    pub cursor_param: String,
}

impl Api {
    /// For each operation, by index, the resource chain its methods hang on: `client.a().b()`.
    pub fn method_paths(&self) -> Vec<Option<String>> {
        fn walk(node: &Resource, path: &str, out: &mut [Option<String>]) {
            for &i in &node.operations {
                out[i] = Some(path.to_owned());
            }
            for child in &node.children {
                walk(child, &format!("{path}.{}()", child.accessor), out);
            }
        }
        let mut out = vec![None; self.operations.len()];
        walk(&self.root, "client", &mut out);
        out
    }

    /// The type behind an id.
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// The type a reference stands for in Rust once aliases are seen through: two references
    /// with the same result are the same Rust type (`pub type Car = Vehicle;`).
    pub fn without_aliases(&self, ty: &TypeRef) -> TypeRef {
        fn go(api: &Api, ty: &TypeRef, depth: usize) -> TypeRef {
            let wrap = |inner: &TypeRef| Box::new(go(api, inner, depth + 1));
            match ty {
                TypeRef::Named(id) if depth < 64 => match &api.ty(*id).kind {
                    TypeKind::Alias(target) => go(api, target, depth + 1),
                    _ => ty.clone(),
                },
                TypeRef::Vec(inner) => TypeRef::Vec(wrap(inner)),
                TypeRef::Map(inner) => TypeRef::Map(wrap(inner)),
                TypeRef::Option(inner) => TypeRef::Option(wrap(inner)),
                TypeRef::Box(inner) => TypeRef::Box(wrap(inner)),
                other => other.clone(),
            }
        }
        go(self, ty, 0)
    }

    /// Types in output order, sorted by Rust name, with their ids.
    pub fn sorted_types(&self) -> Vec<(TypeId, &TypeDef)> {
        let mut types: Vec<(TypeId, &TypeDef)> = self.types.iter().enumerate().map(|(i, t)| (TypeId(i), t)).collect();
        types.sort_by(|a, b| a.1.name.cmp(&b.1.name));
        types
    }
}

/// A named Rust type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Final Rust name.
    pub name: String,
    /// Where it came from in the spec, for messages.
    pub pointer: Pointer,
    /// Rustdoc text.
    pub doc: Option<String>,
    /// `deprecated: true` in the spec.
    pub deprecated: bool,
    /// What it is.
    pub kind: TypeKind,
    /// Indexes into [`Api::features`] of the features that need this type; empty when every
    /// build has it.
    pub features: Vec<usize>,
    /// Whether callers build values of it: a request body or query parameters reach it. Other
    /// structs are `#[non_exhaustive]`, so that a field the API adds later breaks no code.
    pub input: bool,
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A closed set of strings that keeps unknown values.
    Enum(StringEnum),
    /// Any string, with the known values as constants.
    OpenString(OpenString),
    /// `oneOf`/`anyOf` of different shapes.
    Union(Union),
    /// A single literal value.
    Const(Literal),
    /// `pub type Name = Target;`
    Alias(TypeRef),
    /// The query parameters of one operation.
    Params(Params),
}

/// A reference to a type, as it appears in a field, variant or signature.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `i64`.
    Integer,
    /// `f64`.
    Number,
    /// `bool`.
    Boolean,
    /// `serde_json::Value`: any JSON.
    Json,
    /// A named type.
    Named(TypeId),
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// An ordered map with string keys.
    Map(Box<TypeRef>),
    /// `Option<T>`, for nullable items inside arrays and maps.
    Option(Box<TypeRef>),
    /// `Box<T>`, to break a cycle of by-value references.
    Box(Box<TypeRef>),
    /// A file to upload (`format: binary`), sent as a part of a multipart form.
    File,
    /// Raw bytes: a request body that is not JSON, a form or text.
    Bytes,
}

/// A literal written on the wire.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A string literal.
    String(String),
    /// A boolean literal.
    Bool(bool),
    /// An integer literal.
    Int(i64),
}

/// An object.
#[derive(Debug, Clone)]
pub struct Struct {
    /// Fields in spec order.
    pub fields: Vec<Field>,
    /// Properties with one possible value: not fields; written on output, ignored on input.
    pub consts: Vec<ConstField>,
    /// `additionalProperties`: a catch-all map field.
    pub extra: Option<CatchAll>,
    /// A union the object's `allOf` includes, flattened into the struct.
    pub flatten: Option<Flattened>,
}

/// The field that keeps the properties a struct does not name (`additionalProperties`).
#[derive(Debug, Clone)]
pub struct CatchAll {
    /// Rust name of the map field.
    pub name: String,
    /// Type of the map's values.
    pub value: TypeRef,
}

/// A union flattened into a struct (`#[serde(flatten)]`).
#[derive(Debug, Clone)]
pub struct Flattened {
    /// Rust name of the field.
    pub name: String,
    /// The union.
    pub ty: TypeRef,
}

/// One struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Rust identifier (may be `r#type`).
    pub name: String,
    /// JSON property name.
    pub wire: String,
    /// Value type, without the `Option` that `optional` adds.
    pub ty: TypeRef,
    /// In the spec's `required` list.
    pub required: bool,
    /// Accepts `null`.
    pub nullable: bool,
    /// Rustdoc text.
    pub doc: Option<String>,
    /// `deprecated: true` in the spec.
    pub deprecated: bool,
}

impl Field {
    /// Whether the Rust type is `Option<ty>`: when it may be absent or null.
    pub fn optional(&self) -> bool {
        !self.required || self.nullable
    }
}

/// A property that always holds one value.
#[derive(Debug, Clone)]
pub struct ConstField {
    /// JSON property name.
    pub wire: String,
    /// The value written on output.
    pub value: Literal,
}

/// A string enum.
#[derive(Debug, Clone)]
pub struct StringEnum {
    /// Known values in spec order.
    pub variants: Vec<EnumVariant>,
    /// Rust name of the catch-all variant that keeps unknown values.
    pub unknown: String,
    /// Index into `variants` of the spec's default, if it is one of them.
    pub default: Option<usize>,
}

/// One known value of a string enum or an open string.
#[derive(Debug, Clone)]
pub struct EnumVariant {
    /// Rust identifier: a variant name, or a constant name for an open string.
    pub name: String,
    /// Wire value.
    pub wire: String,
}

/// An open string type with known values.
#[derive(Debug, Clone)]
pub struct OpenString {
    /// Known values, each a constant, in spec order.
    pub known: Vec<EnumVariant>,
}

/// A `oneOf`/`anyOf` union.
#[derive(Debug, Clone)]
pub struct Union {
    /// Variants in spec order; decoding tries them in this order within a JSON kind.
    pub variants: Vec<Variant>,
    /// When object variants are told apart by a property: its name.
    pub tag: Option<String>,
    /// Rust name of the variant that keeps objects with an unknown tag, when `tag` is set.
    pub unknown: Option<String>,
}

/// One union variant.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Rust identifier.
    pub name: String,
    /// What the variant holds.
    pub body: VariantBody,
    /// Values of the tag property that select this variant (empty when untagged).
    pub tags: Vec<String>,
    /// Whether this tagged object variant may leave the tag property out, so that an object
    /// without it is tried against this variant too.
    pub tag_optional: bool,
    /// The tag value to write when encoding, for a variant whose own type leaves the tag
    /// property out (a base schema lists it only in `required`); set by `passes/tags.rs`.
    pub writes_tag: Option<String>,
    /// The JSON kinds this variant can decode from.
    pub kinds: Kinds,
    /// Rustdoc text.
    pub doc: Option<String>,
}

/// The payload of a union variant.
#[derive(Debug, Clone)]
pub enum VariantBody {
    /// A unit variant that stands for one literal.
    Literal(Literal),
    /// A tuple variant holding a value.
    Type(TypeRef),
}

/// A set of JSON value kinds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Kinds {
    /// JSON strings.
    pub string: bool,
    /// JSON numbers.
    pub number: bool,
    /// `true`/`false`.
    pub boolean: bool,
    /// JSON arrays.
    pub array: bool,
    /// JSON objects.
    pub object: bool,
    /// `null`.
    pub null: bool,
}

impl Kinds {
    /// Every kind.
    pub const ANY: Kinds = Kinds { string: true, number: true, boolean: true, array: true, object: true, null: true };

    /// The union of two sets.
    pub fn or(self, other: Kinds) -> Kinds {
        Kinds {
            string: self.string || other.string,
            number: self.number || other.number,
            boolean: self.boolean || other.boolean,
            array: self.array || other.array,
            object: self.object || other.object,
            null: self.null || other.null,
        }
    }
}

/// The query and header parameters of one operation, as a struct that implements `ToQuery`.
#[derive(Debug, Clone)]
pub struct Params {
    /// Parameters in spec order.
    pub fields: Vec<Param>,
}

/// One query or header parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// The struct field (its `required` means the parameter is required).
    pub field: Field,
    /// Where the value goes and how it is written.
    pub location: ParamLocation,
    /// JSON pointer of the parameter object (after `$ref`), for its examples and messages.
    pub pointer: Pointer,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the query string.
    Query(QueryStyle),
    /// In a header.
    Header(HeaderStyle),
    /// In the `Cookie` header, `name=value` (a scalar).
    Cookie,
}

/// How a header parameter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderStyle {
    /// `name: value`.
    Single,
    /// A list: `name: a,b`.
    List,
    /// A union or a schema that says nothing: by what the value is in JSON.
    Value,
    /// `content: {application/json: ..}`: the value as JSON text.
    Json,
}

/// How a query parameter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `name=value`.
    Scalar,
    /// `name=a&name=b`.
    Exploded,
    /// `name=a,b`.
    Joined,
    /// `name[key]=value`.
    DeepObject,
    /// An object or map exploded in form style: `key=value` for each entry or property.
    FormObject,
    /// A union or a schema that says nothing (`oneOf: [string, array]`, `schema: {}`): written by
    /// what the value is in JSON, arrays exploded or joined as `explode` says.
    Value {
        /// `name=a&name=b` rather than `name=a,b`.
        explode: bool,
    },
    /// `content: {application/json: ..}`: `name=<the value as JSON text>`.
    Json,
}

/// An HTTP method an operation can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `PUT`.
    Put,
    /// `POST`.
    Post,
    /// `DELETE`.
    Delete,
    /// `OPTIONS`.
    Options,
    /// `HEAD`.
    Head,
    /// `PATCH`.
    Patch,
    /// `TRACE`.
    Trace,
}

impl HttpMethod {
    /// Every method, with the lower-case key a path item uses for it.
    pub const ALL: [(&'static str, HttpMethod); 8] = [
        ("get", HttpMethod::Get),
        ("put", HttpMethod::Put),
        ("post", HttpMethod::Post),
        ("delete", HttpMethod::Delete),
        ("options", HttpMethod::Options),
        ("head", HttpMethod::Head),
        ("patch", HttpMethod::Patch),
        ("trace", HttpMethod::Trace),
    ];

    /// The method for a path item key (`get`), if it is one.
    pub fn from_key(key: &str) -> Option<HttpMethod> {
        HttpMethod::ALL.iter().find(|(k, _)| *k == key).map(|(_, m)| *m)
    }

    /// The upper-case name, as sent: `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One HTTP operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `operationId`.
    pub id: String,
    /// Rust method name on its resource.
    pub method_name: String,
    /// The twin method that sends the body as a multipart form, when
    /// [`Operation::multipart_alternative`] is set.
    pub multipart_method_name: Option<String>,
    /// The twin method that asks for server-sent events, when [`Operation::stream`] is set; the
    /// same as `method_name` when the operation only ever answers with events.
    pub stream_method_name: Option<String>,
    /// The twin method that sends the multipart form and asks for events, when the operation
    /// has both.
    pub multipart_stream_method_name: Option<String>,
    /// The HTTP method.
    pub http_method: HttpMethod,
    /// The path template as written, e.g. `/fine_tuning/jobs/{fine_tuning_job_id}`.
    pub path: String,
    /// The template split into literal text and parameters.
    pub path_parts: Vec<PathPart>,
    /// Path parameters in template order.
    pub path_params: Vec<PathParam>,
    /// The query and header parameters, as one argument.
    pub query: Option<QueryArg>,
    /// Query pairs the path itself fixes, as in `/responses?beta=true`.
    pub fixed_query: Vec<QueryPair>,
    /// The request body.
    pub body: Option<Body>,
    /// The same operation with a `multipart/form-data` body, when it also takes JSON.
    pub multipart_alternative: Option<Body>,
    /// The success response type when it is JSON.
    pub response: Option<TypeRef>,
    /// The success response when it is not JSON (and `response` is `None`).
    pub raw_response: Option<RawResponse>,
    /// The event type when the operation can also answer with server-sent events.
    pub stream: Option<EventStream>,
    /// The credentials the operation sends, as alternatives of scheme names sent together;
    /// `None` for the spec's default, an empty list for none (`security: []`).
    pub security: Option<Vec<Vec<String>>>,
    /// Rustdoc text.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// JSON pointer of the operation.
    pub pointer: Pointer,
    /// Whether the response is one of [`Api::pages`].
    pub paginated: bool,
}

impl Operation {
    /// Whether the operation only ever answers with events: then its stream method is the
    /// operation, under the operation's own name.
    pub fn only_events(&self) -> bool {
        self.response.is_none() && self.raw_response.is_none() && self.stream.is_some()
    }
}

/// The argument that carries an operation's query and header parameters.
#[derive(Debug, Clone)]
pub struct QueryArg {
    /// The [`TypeKind::Params`] struct.
    pub ty: TypeId,
    /// The argument name.
    pub arg: String,
    /// Whether some parameter is required (then the struct has no `Default`).
    pub required: bool,
}

/// A query pair written as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryPair {
    /// The key.
    pub name: String,
    /// The value; empty for a bare key.
    pub value: String,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// Its type.
    pub ty: TypeRef,
    /// The argument name.
    pub arg: String,
    /// `requestBody.required`.
    pub required: bool,
    /// How it travels.
    pub encoding: BodyEncoding,
}

/// How a request body is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyEncoding {
    /// `application/json` (or another JSON media type).
    Json,
    /// `multipart/form-data`.
    Multipart,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// Text as it is (`text/plain`, `application/sdp`); the body's type is `String`.
    Text {
        /// The media type sent as `Content-Type`.
        content_type: String,
    },
    /// Bytes as they are (`application/octet-stream`, images); the body's type is [`TypeRef::Bytes`].
    Bytes {
        /// The media type sent as `Content-Type`.
        content_type: String,
    },
}

/// A success response that is not JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawResponse {
    /// Binary content (audio, images, archives): the bytes.
    Bytes,
    /// Text content such as `application/sdp`.
    Text,
}

/// What a streaming variant of an operation yields, and how its request asks for a stream.
#[derive(Debug, Clone)]
pub struct EventStream {
    /// The type of each event's data.
    pub event: TypeRef,
    /// The body property that switches streaming on, when the body has one.
    pub switch: Option<StreamSwitch>,
}

/// A body property set to ask for a stream (`stream: true`, or `format: "sse"`).
#[derive(Debug, Clone)]
pub struct StreamSwitch {
    /// The JSON property.
    pub property: String,
    /// The value that asks for events.
    pub value: Literal,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Literal text.
    Literal(String),
    /// The path parameter at this index of [`Operation::path_params`].
    Param(usize),
}

/// A path parameter.
#[derive(Debug, Clone)]
pub struct PathParam {
    /// Rust argument name.
    pub name: String,
    /// Name in the template.
    pub wire: String,
    /// Rustdoc text for the argument.
    pub doc: Option<String>,
    /// The parameter's (or its schema's) example string, for documentation.
    pub example: Option<String>,
    /// JSON pointer of the parameter object (after `$ref`), for its examples and messages.
    pub pointer: Pointer,
}

/// A node of the resource tree: `client.fine_tuning().jobs()`.
#[derive(Debug, Clone, Default)]
pub struct Resource {
    /// Accessor method name on the parent (empty for the root).
    pub accessor: String,
    /// Rust struct name (empty for the root, which is the client itself).
    pub struct_name: String,
    /// Rustdoc text.
    pub doc: Option<String>,
    /// Sub-resources, in order of first appearance in the spec.
    pub children: Vec<Resource>,
    /// Indexes into [`Api::operations`], in spec order.
    pub operations: Vec<usize>,
    /// For a top-level resource, the index into [`Api::features`] of the feature that enables it.
    pub feature: Option<usize>,
}
