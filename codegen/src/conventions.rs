//! What the generator assumes that an OpenAPI document does not say: OpenAI's conventions,
//! gathered in one place so that they can become per-spec settings. Every spec gets these
//! today. The runtime has the other half (the `OPENAI_*` variables and the retry hints
//! `x-should-retry` and `insufficient_quota`), as constants at the top of
//! `runtime/src/client.rs` and `runtime/src/retry.rs`; the documentation the emitters write
//! about them quotes [`ENV_PREFIX`].

/// Cursor pagination: a GET that takes a cursor query parameter and answers
/// `{items: [{id, ..}], has_more}`; the next page starts after the last item's ID.
#[derive(Debug, Clone, Copy)]
pub struct CursorPagination {
    /// The query parameter that takes the cursor.
    pub cursor_param: &'static str,
    /// The response property that holds the page's items.
    pub items: &'static str,
    /// The response property that says whether more pages follow.
    pub has_more: &'static str,
    /// The item property whose value is the next cursor.
    pub id: &'static str,
}

/// OpenAI's list operations: `?after=ID`, `{data, has_more}`, items with an `id`.
pub const PAGINATION: CursorPagination = CursorPagination { cursor_param: "after", items: "data", has_more: "has_more", id: "id" };

/// The prefix of the environment variables the client reads (`OPENAI_API_KEY`, ...).
pub const ENV_PREFIX: &str = "OPENAI";

/// The extension that carries example requests and responses (`x-oaiMeta.examples`).
pub const EXAMPLES_EXTENSION: &str = "x-oaiMeta";
