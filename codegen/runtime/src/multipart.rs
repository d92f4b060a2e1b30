//! `multipart/form-data` request bodies: the [`File`]s to upload and the [`Multipart`] form that carries them.
//!
//! A form is kept as plain parts rather than as a `reqwest` form, because a `reqwest` form is consumed when it is sent and a retry has to send it again.
//! File contents are [`Bytes`], so rebuilding the form for every attempt copies no data.

use std::fmt;
use std::fmt::Display;
use std::path::Path;

use bytes::Bytes;
use reqwest::Body;
use serde::de::{self, Deserialize, Deserializer};
use serde::ser::{self, Serialize, Serializer};
use tokio::io::{AsyncRead, AsyncReadExt};

use super::error::Error;

/// Why serde refuses a [`File`]: a file has no JSON form, so it only travels as a part of a multipart body.
const NOT_SERIALISABLE: &str = "a file can only be sent in a multipart form";

/// A file to upload as one part of a multipart form.
///
/// The contents are held in memory, so that a retried request can send them again; cloning is cheap because the bytes are shared.
#[derive(Clone, PartialEq, Eq)]
pub struct File {
    bytes: Bytes,
    file_name: String,
    content_type: Option<String>,
}

impl File {
    /// A file with the given contents, sent under `file_name`.
    ///
    /// The file name matters to the API: several endpoints tell the format from its extension.
    pub fn from_bytes(bytes: impl Into<Bytes>, file_name: impl Into<String>) -> Self {
        File { bytes: bytes.into(), file_name: file_name.into(), content_type: None }
    }

    /// Reads the file at `path` whole and names it after the last component of the path.
    ///
    /// Fails with [`Error::Io`] when the file cannot be read.
    pub async fn from_path(path: impl AsRef<Path>) -> Result<File, Error> {
        let path = path.as_ref();
        let bytes = tokio::fs::read(path).await.map_err(|source| Error::Io { name: path.display().to_string(), source })?;
        let file_name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(File::from_bytes(bytes, file_name))
    }

    /// Reads `reader` to its end and sends what it read under `file_name`.
    ///
    /// The whole input is read now, rather than streamed while sending, because a retry must be able to send it again.
    /// Fails with [`Error::Io`] when reading fails.
    pub async fn from_reader(mut reader: impl AsyncRead + Unpin, file_name: impl Into<String>) -> Result<File, Error> {
        let file_name = file_name.into();
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).await.map_err(|source| Error::Io { name: file_name.clone(), source })?;
        Ok(File::from_bytes(bytes, file_name))
    }

    /// Sends the file with this `Content-Type` instead of the one guessed from its extension.
    #[must_use]
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The contents.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The file name sent with the contents.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The `Content-Type` the part is sent with: the one set with [`File::with_content_type`], else one guessed from the extension of a common file type, else none.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref().or_else(|| guess_content_type(&self.file_name))
    }

    /// The part `reqwest` sends for this file.
    fn to_part(&self) -> Result<reqwest::multipart::Part, Error> {
        let part = reqwest::multipart::Part::stream_with_length(Body::from(self.bytes.clone()), self.bytes.len() as u64)
            .file_name(self.file_name.clone());
        match self.content_type() {
            Some(content_type) => part.mime_str(content_type).map_err(|_| Error::InvalidArgument {
                name: "body",
                reason: format!(
                    "`{}` is not a valid content type for the file `{}`",
                    content_type.escape_debug(),
                    self.file_name.escape_debug()
                ),
            }),
            None => Ok(part),
        }
    }
}

// The bytes are left out: they can be large and are rarely readable.
impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("file_name", &self.file_name)
            .field("len", &self.bytes.len())
            .field("content_type", &self.content_type())
            .finish()
    }
}

// Generated request types that hold a file still derive serde for their other uses, so `File` implements both traits, and refuses at run time.
impl Serialize for File {
    fn serialize<S: Serializer>(&self, _serializer: S) -> Result<S::Ok, S::Error> {
        Err(ser::Error::custom(NOT_SERIALISABLE))
    }
}

impl<'de> Deserialize<'de> for File {
    fn deserialize<D: Deserializer<'de>>(_deserializer: D) -> Result<Self, D::Error> {
        Err(de::Error::custom(NOT_SERIALISABLE))
    }
}

/// The content type of a common file type, by extension; the API accepts a part without one, so an unknown extension gets none rather than a guess.
fn guess_content_type(file_name: &str) -> Option<&'static str> {
    let (_, extension) = file_name.rsplit_once('.')?;
    let content_type = match extension.to_ascii_lowercase().as_str() {
        "json" => "application/json",
        "jsonl" => "application/jsonl",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "md" => "text/markdown",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "mp3" | "mpga" | "mpeg" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "mp4" => "video/mp4",
        "wav" => "audio/wav",
        "webm" => "audio/webm",
        "ogg" => "audio/ogg",
        "flac" => "audio/flac",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "zip" => "application/zip",
        _ => return None,
    };
    Some(content_type)
}

/// A `multipart/form-data` body under construction: named text and file parts, in the order they were added.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Multipart {
    parts: Vec<(String, PartValue)>,
}

/// What one part of a form holds.
#[derive(Clone, PartialEq, Eq)]
enum PartValue {
    Text(String),
    File(File),
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Multipart::default()
    }

    /// Appends a text part; numbers and booleans are sent as their `Display` text.
    pub fn text(&mut self, name: &str, value: impl Display) {
        self.parts.push((name.to_owned(), PartValue::Text(value.to_string())));
    }

    /// Appends a file part.
    pub fn file(&mut self, name: &str, file: &File) {
        self.parts.push((name.to_owned(), PartValue::File(file.clone())));
    }

    /// Appends a text part that holds `value` encoded as JSON, for objects and arrays that a form has no other way to carry.
    ///
    /// Fails with [`Error::InvalidArgument`] named `body` when `value` cannot be represented as JSON.
    pub fn json<V: serde::Serialize + ?Sized>(&mut self, name: &str, value: &V) -> Result<(), Error> {
        let text = serde_json::to_string(value).map_err(|error| Error::InvalidArgument { name: "body", reason: error.to_string() })?;
        self.parts.push((name.to_owned(), PartValue::Text(text)));
        Ok(())
    }

    /// Replaces every part called `name` with one text part, where the first of them was, or appends it when there was none.
    pub fn set_text(&mut self, name: &str, value: impl Display) {
        // The new value goes into the first matching part; once it is taken, later matches are dropped.
        let mut value = Some(PartValue::Text(value.to_string()));
        self.parts.retain_mut(|(part, existing)| {
            if part != name {
                return true;
            }
            match value.take() {
                Some(new) => {
                    *existing = new;
                    true
                }
                None => false,
            }
        });
        if let Some(value) = value {
            self.parts.push((name.to_owned(), value));
        }
    }

    /// The names of the parts, in order; a name appears once for every part that has it.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().map(|(name, _)| name.as_str())
    }

    /// The value of the first text part called `name`.
    pub fn get_text(&self, name: &str) -> Option<&str> {
        self.parts.iter().find_map(|(part, value)| match value {
            PartValue::Text(text) if part == name => Some(text.as_str()),
            _ => None,
        })
    }

    /// The file of the first file part called `name`.
    pub fn get_file(&self, name: &str) -> Option<&File> {
        self.parts.iter().find_map(|(part, value)| match value {
            PartValue::File(file) if part == name => Some(file),
            _ => None,
        })
    }

    /// How many parts the form has.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// Whether the form has no parts.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// A fresh `reqwest` form with these parts, built anew for every attempt because sending one consumes it.
    pub(super) fn to_form(&self) -> Result<reqwest::multipart::Form, Error> {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in &self.parts {
            let part = match value {
                PartValue::Text(text) => reqwest::multipart::Part::text(text.clone()),
                PartValue::File(file) => file.to_part()?,
            };
            form = form.part(name.clone(), part);
        }
        Ok(form)
    }
}

// Text parts are shown in full, file parts by name and size, so that a logged request stays readable.
impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (name, value) in &self.parts {
            match value {
                PartValue::Text(text) => list.entry(&(name, text)),
                PartValue::File(file) => list.entry(&(name, file)),
            };
        }
        list.finish()
    }
}

/// A request body that can write itself into a multipart form.
///
/// Generated request types for `multipart/form-data` operations implement this; for ad-hoc requests, a [`Multipart`] works too.
pub trait ToMultipart {
    /// Appends this value's parts to `form`.
    ///
    /// Fails when a part cannot be encoded, such as a field that [`Multipart::json`] cannot represent.
    fn to_multipart(&self, form: &mut Multipart) -> Result<(), Error>;
}

impl ToMultipart for Multipart {
    fn to_multipart(&self, form: &mut Multipart) -> Result<(), Error> {
        form.parts.extend_from_slice(&self.parts);
        Ok(())
    }
}
