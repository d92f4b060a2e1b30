//! IR -> token streams, and token streams -> formatted files.
//!
//! Emitters make no naming decisions; they read final names from the IR. Serde and runtime items
//! are written as absolute paths, because a spec may name a type `Client` or `Value`; std's are
//! too, except that the `types` module writes the prelude's names short where no type of the
//! spec takes them (`Std`).

mod doc_examples;
pub mod fingerprint;
mod krate;
mod manifest;
pub(crate) mod parts;
mod plain;
mod profile;
mod reserved;
mod resources;
mod types;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Api, TypeRef};

pub(crate) use krate::header;
pub use krate::{GENERATED_BY, OutputFile, emit_crate, emit_crate_formatted, emit_single_file, render};
pub use reserved::{builder_method_names, client_method_names};

/// An identifier token, raw (`r#type`) when the name says so.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = "..."]` attributes, one per line, so prettyplease prints them as `///` lines.
pub(crate) fn doc_attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text else { return TokenStream::new() };
    let lines = doc_lines(text).into_iter().map(|line| doc_literal(&line));
    quote! { #( #[doc = #lines] )* }
}

/// Inner `#![doc = "..."]` attributes for module docs.
pub(crate) fn inner_doc_attrs(text: &str) -> TokenStream {
    let lines = doc_lines(text).into_iter().map(|line| doc_literal(&line));
    quote! { #( #![doc = #lines] )* }
}

/// One doc line as a string literal, raw (`r"..."`, `r#"..."#`) where the line allows it.
///
/// prettyplease prints the line's value, so the output is the same either way; but the docs
/// are a large share of what a big spec emits, and a raw literal is neither escaped here nor
/// unescaped character by character when syn reads it back.
pub(crate) fn doc_literal(line: &str) -> proc_macro2::Literal {
    // A raw string cannot hold a carriage return; the lines have no newline.
    if !line.contains(['\r', '\n']) {
        let hashes = "#".repeat(longest_hash_run_after_quote(line).map_or(0, |n| n + 1));
        if let Ok(literal) = format!("r{hashes}\"{line}\"{hashes}").parse::<proc_macro2::Literal>() {
            return literal;
        }
    }
    proc_macro2::Literal::string(line)
}

/// The longest run of `#` right after a `"` in `text`, or `None` when it has no `"`: a raw
/// literal needs one `#` more than that to close where it should.
fn longest_hash_run_after_quote(text: &str) -> Option<usize> {
    text.match_indices('"').map(|(at, _)| text[at + 1..].bytes().take_while(|&b| b == b'#').count()).max()
}

/// Turns spec prose into rustdoc lines that cannot become doctests: fenced blocks without a
/// language become `text` blocks, and leading indentation outside fences is removed so that
/// no line turns into an indented code block.
pub(crate) fn doc_lines(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    // Inside a list item, continuation lines are indented under the item's text, as markdown
    // (and clippy's `doc_lazy_continuation`) expects.
    let mut list_indent: Option<usize> = None;
    for raw in text.replace("\r\n", "\n").lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        let is_fence = trimmed.starts_with("```") || trimmed.starts_with("~~~");
        if !in_fence {
            // A fence ends a list: it starts at the margin, where the `text` rule below applies.
            if trimmed.is_empty() || is_fence {
                list_indent = None;
            } else if let Some(width) = list_marker(trimmed) {
                list_indent = Some(width);
                out.push(format!(" {}", autolink(trimmed)));
                continue;
            } else if let Some(width) = list_indent {
                out.push(format!(" {}{}", " ".repeat(width), autolink(trimmed)));
                continue;
            }
        }
        if is_fence {
            let fence = &trimmed[..3];
            let info = trimmed[3..].trim();
            if !in_fence && (info.is_empty() || info == "rust") {
                out.push(format!(" {fence}text"));
            } else {
                out.push(format!(" {trimmed}"));
            }
            in_fence = !in_fence;
            continue;
        }
        let kept = if in_fence { line.to_owned() } else { autolink(trimmed) };
        if kept.is_empty() {
            out.push(String::new());
        } else {
            out.push(format!(" {kept}"));
        }
    }
    if in_fence {
        out.push(" ```".to_owned());
    }
    // No leading or trailing blank lines, and never two blank lines in a row.
    out.dedup_by(|a, b| a.is_empty() && b.is_empty());
    while out.first().is_some_and(String::is_empty) {
        out.remove(0);
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

/// Puts `<…>` around the bare URLs of a line of prose, which rustdoc would otherwise leave as
/// plain text and warn about; URLs in inline code, in `<…>` or as a markdown link's target stay
/// as they are. A URL ends at whitespace, and sentence punctuation right after it stays outside.
fn autolink(line: &str) -> String {
    const PUNCTUATION: [char; 8] = ['.', ',', ';', ':', '!', '?', '\'', '"'];
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    let mut rest = line;
    while !rest.is_empty() {
        let next_tick = rest.find('`');
        let next_url = ["https://", "http://"].iter().filter_map(|scheme| rest.find(scheme)).min();
        match (next_tick, next_url) {
            (Some(tick), url) if in_code || url.is_none_or(|url| tick < url) => {
                out.push_str(&rest[..=tick]);
                rest = &rest[tick + 1..];
                in_code = !in_code;
            }
            (_, Some(url)) if !in_code => {
                out.push_str(&rest[..url]);
                let len = rest[url..].find(char::is_whitespace).unwrap_or(rest.len() - url);
                let mut link = rest[url..url + len].trim_end_matches(PUNCTUATION);
                // Closing parentheses without their opening one inside the URL belong to the prose.
                while link.ends_with(')') && link.matches(')').count() > link.matches('(').count() {
                    link = link[..link.len() - 1].trim_end_matches(PUNCTUATION);
                }
                let linked_already = out.ends_with('<') || out.ends_with("](") || out.ends_with("]: ");
                if linked_already || link.len() <= "https://".len() {
                    out.push_str(link);
                } else {
                    out.push('<');
                    out.push_str(link);
                    out.push('>');
                }
                rest = &rest[url + link.len()..];
            }
            _ => {
                out.push_str(rest);
                rest = "";
            }
        }
    }
    out
}

/// `#[cfg(any(feature = "a", ...))]` for the given feature indexes; nothing when empty.
pub(crate) fn cfg_attr(api: &Api, features: &[usize]) -> Option<TokenStream> {
    if features.is_empty() || api.features.is_empty() {
        return None;
    }
    if let [one] = features {
        let name = &api.features[*one];
        return Some(quote!(#[cfg(feature = #name)]));
    }
    let names = features.iter().map(|i| &api.features[*i]);
    Some(quote!(#[cfg(any(#(feature = #names),*))]))
}

/// The Rust type of `ty` as seen from outside the generated crate `krate` (its library name),
/// for tests that name the generated types.
pub fn type_path(api: &Api, ty: &TypeRef, krate: &str) -> String {
    // Named types are the only paths that start with `types::`; std and serde paths are absolute.
    let text = self::ty(api, ty, From::Resources).to_string().replace(' ', "");
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text.as_str();
    while let Some(at) = rest.find("types::") {
        let starts_path = at == 0 || !rest[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':');
        out.push_str(&rest[..at]);
        if starts_path {
            out.push_str(krate);
            out.push_str("::");
        }
        out.push_str("types::");
        rest = &rest[at + "types::".len()..];
    }
    out.push_str(rest);
    out
}

/// The width of a list marker at the start of `line` (`- `, `* `, `+ `, `1. `), if it has one.
fn list_marker(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    (digits > 0 && line[digits..].starts_with(". ")).then_some(digits + 2)
}

/// Where a type reference is written from: inside the `types` module, with how it writes the
/// standard names, or from `resources`, which imports it as `types`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum From {
    Types(Std),
    Resources,
}

/// The standard names the emitters use that the prelude also has, each with its path in `std`,
/// in [`Std`]'s bit order.
const PRELUDE: [(&str, &str); 12] = [
    ("Option", "std::option::Option"),
    ("Some", "std::option::Option::Some"),
    ("None", "std::option::Option::None"),
    ("Result", "std::result::Result"),
    ("Ok", "std::result::Result::Ok"),
    ("Err", "std::result::Result::Err"),
    ("String", "std::string::String"),
    ("Vec", "std::vec::Vec"),
    ("Box", "std::boxed::Box"),
    ("From", "std::convert::From"),
    ("Into", "std::convert::Into"),
    ("IntoIterator", "std::iter::IntoIterator"),
];

/// How the `types` module writes the standard library's names: as the prelude has them (`Option`,
/// `String`), as people write them by hand, except a name that one of the spec's own types takes
/// (a schema called `Result`), which stays an absolute path (`::std::result::Result`) because the
/// type would shadow the prelude's. `resources.rs` and `lib.rs` write every name absolute.
///
/// It matters for speed too: absolute paths were a fifth of the tokens a whole spec's types emit,
/// and every one of them is parsed and printed again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Std {
    /// One bit per [`PRELUDE`] name that must stay absolute.
    absolute: u16,
}

impl Std {
    /// Every name absolute.
    pub(crate) const ABSOLUTE: Std = Std { absolute: u16::MAX };
    /// Every name short.
    #[cfg(test)]
    pub(crate) const SHORT: Std = Std { absolute: 0 };

    /// For the `types` module of `api`.
    pub(crate) fn types(api: &Api) -> Std {
        let absolute =
            api.types.iter().filter_map(|t| PRELUDE.iter().position(|(name, _)| *name == t.name)).fold(0, |bits, i| bits | 1 << i);
        Std { absolute }
    }

    /// `Option::is_none` for serde's `skip_serializing_if`, which reads the path in the string as
    /// it would read one in code.
    pub(crate) fn option_is_none(self) -> String {
        let (short, path) = PRELUDE[0];
        if self.short(0) { format!("{short}::is_none") } else { format!("::{path}::is_none") }
    }

    /// How the [`PRELUDE`] name `short` is written, as text: itself, or `::` and its path.
    pub(crate) fn text(self, short: &'static str) -> std::borrow::Cow<'static, str> {
        match PRELUDE.iter().position(|(name, _)| *name == short) {
            Some(index) if !self.short(index) => format!("::{}", PRELUDE[index].1).into(),
            _ => short.into(),
        }
    }

    /// Whether the name with this [`PRELUDE`] index may be written short.
    fn short(self, index: usize) -> bool {
        self.absolute & (1 << index) == 0
    }

    /// The name with this [`PRELUDE`] index: short where it may be, else its absolute path.
    fn name(self, index: usize) -> TokenStream {
        let (short, path) = PRELUDE[index];
        if self.short(index) {
            let short = Ident::new(short, Span::call_site());
            quote!(#short)
        } else {
            let segments = path.split("::").map(|segment| Ident::new(segment, Span::call_site()));
            quote!(#(::#segments)*)
        }
    }

    pub(crate) fn option(self) -> TokenStream {
        self.name(0)
    }

    pub(crate) fn some(self) -> TokenStream {
        self.name(1)
    }

    pub(crate) fn none(self) -> TokenStream {
        self.name(2)
    }

    pub(crate) fn result(self) -> TokenStream {
        self.name(3)
    }

    pub(crate) fn ok(self) -> TokenStream {
        self.name(4)
    }

    pub(crate) fn err(self) -> TokenStream {
        self.name(5)
    }

    pub(crate) fn string(self) -> TokenStream {
        self.name(6)
    }

    pub(crate) fn vec(self) -> TokenStream {
        self.name(7)
    }

    pub(crate) fn boxed(self) -> TokenStream {
        self.name(8)
    }

    pub(crate) fn from(self) -> TokenStream {
        self.name(9)
    }

    pub(crate) fn into(self) -> TokenStream {
        self.name(10)
    }

    pub(crate) fn into_iterator(self) -> TokenStream {
        self.name(11)
    }
}

/// The Rust type for a reference.
pub(crate) fn ty(api: &Api, ty: &TypeRef, from: From) -> TokenStream {
    let std = match from {
        From::Types(std) => std,
        From::Resources => Std::ABSOLUTE,
    };
    match ty {
        TypeRef::String => std.string(),
        TypeRef::Integer => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Json => quote!(::serde_json::Value),
        TypeRef::File => quote!(crate::runtime::File),
        TypeRef::Bytes => quote!(crate::runtime::Bytes),
        TypeRef::Named(id) => {
            let name = ident(&api.ty(*id).name);
            match from {
                From::Types(_) => quote!(#name),
                From::Resources => quote!(types::#name),
            }
        }
        TypeRef::Vec(inner) => {
            let (vec, inner) = (std.vec(), self::ty(api, inner, from));
            quote!(#vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let (string, inner) = (std.string(), self::ty(api, inner, from));
            quote!(::std::collections::BTreeMap<#string, #inner>)
        }
        TypeRef::Option(inner) => {
            let (option, inner) = (std.option(), self::ty(api, inner, from));
            quote!(#option<#inner>)
        }
        TypeRef::Box(inner) => {
            let (boxed, inner) = (std.boxed(), self::ty(api, inner, from));
            quote!(#boxed<#inner>)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_never_become_doctests() {
        let lines = doc_lines("Intro\n\n    indented code\n```\nlet x = 1;\n```\n```json\n{}\n```\n");
        assert_eq!(lines, [" Intro", "", " indented code", " ```text", " let x = 1;", " ```", " ```json", " {}", " ```"]);
    }

    #[test]
    fn list_items_keep_their_continuation_lines_indented() {
        let lines = doc_lines("Values:\n- `a` means one\nthing.\n10. ten\nmore\n\nAfter.");
        assert_eq!(lines, [" Values:", " - `a` means one", "   thing.", " 10. ten", "     more", "", " After."]);
    }

    #[test]
    fn bare_urls_become_links_and_others_stay() {
        let lines = doc_lines(
            "See https://example.com/docs. Or (https://example.com/a_(b)) and http://x.io/p?q=1,\n\
             - item: https://example.com/list\n\
             Kept: <https://a.io>, [text](https://b.io), `curl https://c.io` and\n\
             ```\nhttps://in.fence\n```",
        );
        assert_eq!(
            lines,
            [
                " See <https://example.com/docs>. Or (<https://example.com/a_(b)>) and <http://x.io/p?q=1>,",
                " - item: <https://example.com/list>",
                "   Kept: <https://a.io>, [text](https://b.io), `curl https://c.io` and",
                " ```text",
                " https://in.fence",
                " ```",
            ]
        );
    }

    #[test]
    fn blank_lines_are_collapsed_and_trimmed() {
        assert_eq!(doc_lines("\n\nA\n\n\n\nB\n\n"), [" A", "", " B"]);
    }

    #[test]
    fn doc_literals_read_back_as_the_line() {
        for line in [" plain", " say \"hi\"", " \"# and \"## inside", " back\\slash", "", " tab\there", " cr\r"] {
            let literal = doc_literal(line);
            let parsed: syn::LitStr = syn::parse2(quote!(#literal)).unwrap();
            assert_eq!(parsed.value(), line, "{literal}");
        }
        assert!(doc_literal(" plain").to_string().starts_with("r\""));
        assert!(doc_literal(" \"# x").to_string().starts_with("r##\""));
        assert!(doc_literal(" cr\r").to_string().starts_with('"'));
    }

    #[test]
    fn std_names_are_short_unless_taken() {
        assert_eq!(Std::SHORT.none().to_string(), "None");
        assert_eq!(Std::ABSOLUTE.none().to_string(), ":: std :: option :: Option :: None");
        assert_eq!(Std::ABSOLUTE.into_iterator().to_string(), ":: std :: iter :: IntoIterator");
        assert_eq!(Std::ABSOLUTE.option_is_none(), "::std::option::Option::is_none");
        let taken = Std { absolute: 1 << 3 };
        assert_eq!((taken.result().to_string(), taken.ok().to_string()), (":: std :: result :: Result".to_owned(), "Ok".to_owned()));
    }

    #[test]
    fn raw_identifiers() {
        assert_eq!(ident("r#type").to_string(), "r#type");
        assert_eq!(ident("name").to_string(), "name");
    }
}
