//! Decoding helpers that the generated `types` module calls from its hand-written `Deserialize` impls.
//!
//! A union reads its JSON once into a [`serde_json::Value`], looks at the value's kind and tag, and then decodes the chosen variant
//! from that value with [`decode_variant`]; when several variants answer to one tag, [`decode_best`] keeps the one that fits best.
//! An internally tagged union whose variants all carry their tag reads itself as raw JSON text instead, finds the tag in one pass
//! and decodes only the variant it names ([`decode_tagged`]), so no `Value` is built; the generator uses it only where the union
//! is read straight from JSON, since serde's buffering for `#[serde(flatten)]` cannot hand over raw text.
//! A struct whose fixed-value properties would otherwise land in its typed catch-all map decodes that map with [`decode_map_without`].
//!
//! These used to be printed into every generated `types.rs`; here they are written and tested once.
//! A generated crate keeps its `runtime` module private and does not re-export them, and a spec (or the enabled features) may need
//! none of them, so each allows `dead_code`: unused, they must not break a build that denies warnings.

use std::collections::BTreeMap;

use std::fmt;

use serde::de::{DeserializeOwned, DeserializeSeed, Error, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

/// Writes a union variant with its tag: the variant's own type does not have the tag property
/// (the spec lists it only in a base schema's `required`), so without this the server could not
/// tell which variant it got. A property of that name the value already writes wins.
#[allow(dead_code, reason = "unused when no union has a variant that leaves its tag out")]
pub fn serialize_tagged<T, S>(value: &T, tag: &str, tag_value: &str, serializer: S) -> Result<S::Ok, S::Error>
where
    T: Serialize + ?Sized,
    S: serde::Serializer,
{
    let mut json = serde_json::to_value(value).map_err(serde::ser::Error::custom)?;
    if let Value::Object(map) = &mut json {
        map.entry(tag.to_owned()).or_insert_with(|| Value::String(tag_value.to_owned()));
    }
    json.serialize(serializer)
}

/// Decodes one union variant from JSON that has already been read, turning the error into the caller's error type.
#[allow(dead_code, reason = "unused when the enabled features include no union")]
pub fn decode_variant<T, E>(value: &Value) -> Result<T, E>
where
    T: DeserializeOwned,
    E: Error,
{
    T::deserialize(value).map_err(E::custom)
}

/// Decodes an internally tagged union from its JSON text: the text is kept as it is, one pass over its top-level keys finds the
/// string under `tag`, and `pick` decodes the variant that tag names from the text (`None` for a tag no variant has, which
/// fails with `no_match`, as does an object without the tag). Nothing is built but the variant itself.
///
/// # Errors
///
/// The deserializer's error when the input is not JSON text it can hand over (serde's buffered content, under
/// `#[serde(flatten)]`, cannot), `no_match`, or the chosen variant's own error.
#[allow(dead_code, reason = "unused when the enabled features include no union decoded by its tag alone")]
pub fn decode_tagged<'de, D, T>(
    deserializer: D,
    tag: &str,
    no_match: &str,
    pick: impl FnOnce(&str, &str) -> Option<Result<T, serde_json::Error>>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let raw = <Box<RawValue>>::deserialize(deserializer)?;
    let text = raw.get();
    let found = FindTag(tag).deserialize(&mut serde_json::Deserializer::from_str(text)).map_err(|error| D::Error::custom(bare(&error)))?;
    match found.as_deref().and_then(|found| pick(found, text)) {
        Some(decoded) => decoded.map_err(|error| D::Error::custom(bare(&error))),
        None => Err(D::Error::custom(no_match)),
    }
}

/// The message of an error raised while reading a union's own text, without the position serde_json adds: that position is
/// within the union's text, not the document, and the document's deserializer adds its own.
fn bare(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&position).map(str::to_owned).unwrap_or(text)
}

/// The string value of one top-level key of an object, skipping every other value unread; `None` when the key is missing or
/// does not hold a string. Of repeated keys the last counts, as it does in a `serde_json::Value`.
struct FindTag<'f>(&'f str);

impl<'de> DeserializeSeed<'de> for FindTag<'_> {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FindTag<'_> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(is_tag) = map.next_key_seed(IsKey(self.0))? {
            if is_tag {
                found = map.next_value::<Value>()?.as_str().map(str::to_owned);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// Whether a key is the one wanted, compared without copying it.
struct IsKey<'f>(&'f str);

impl<'de> DeserializeSeed<'de> for IsKey<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for IsKey<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}

/// Of the attempts to decode `value` as each candidate variant, keeps the result that encodes back closest to it: the first that
/// changes nothing, else the one that changes the fewest properties, and on a tie the earlier one.
///
/// Decoding alone cannot tell such variants apart, since it ignores properties a variant does not know and those it fixes to one
/// value; writing the result back shows what a variant would lose. When no attempt succeeds, the first error is returned.
#[allow(dead_code, reason = "unused when the enabled features include no shared tag")]
pub fn decode_best<T, E>(value: &Value, attempts: impl IntoIterator<Item = Result<T, E>>) -> Result<T, E>
where
    T: Serialize,
    E: Error,
{
    let mut best: Option<(usize, T)> = None;
    let mut first_error: Option<E> = None;
    for attempt in attempts {
        match attempt {
            Ok(decoded) => {
                let again = serde_json::to_value(&decoded).unwrap_or(Value::Null);
                let changes = changed_properties(value, &again);
                if changes == 0 {
                    return Ok(decoded);
                }
                if best.as_ref().is_none_or(|(fewest, _)| changes < *fewest) {
                    best = Some((changes, decoded));
                }
            }
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    match (best, first_error) {
        (Some((_, decoded)), _) => Ok(decoded),
        (None, Some(error)) => Err(error),
        (None, None) => Err(E::custom("no candidate variant")),
    }
}

/// How many properties of `before`, at any depth, are missing from or different in `after`. A property that was `null` and is
/// now absent has not changed, since optional fields write nothing for `None`; arrays of different lengths count as one change.
#[allow(dead_code, reason = "unused when the enabled features include no shared tag")]
fn changed_properties(before: &Value, after: &Value) -> usize {
    match (before, after) {
        (Value::Object(old), Value::Object(new)) => old
            .iter()
            .map(|(key, value)| match new.get(key) {
                Some(other) => changed_properties(value, other),
                None => usize::from(!value.is_null()),
            })
            .sum(),
        (Value::Array(old), Value::Array(new)) if old.len() == new.len() => {
            old.iter().zip(new).map(|(a, b)| changed_properties(a, b)).sum()
        }
        (old, new) => usize::from(old != new),
    }
}

/// Decodes a catch-all map, leaving out the keys in `skip`: the properties that hold fixed values, which are not fields and would
/// otherwise reach the map and fail to decode as its value type. A generated struct calls it from its `deserialize_with` function.
///
/// # Errors
///
/// The deserializer's error when the input is not a map, or when a value that is kept does not decode as `T`.
#[allow(dead_code, reason = "unused when the enabled features need no such map")]
pub fn decode_map_without<'de, D, T>(deserializer: D, skip: &[&str]) -> Result<BTreeMap<String, T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let raw = BTreeMap::<String, Value>::deserialize(deserializer)?;
    raw.into_iter()
        .filter(|(key, _)| !skip.contains(&key.as_str()))
        .map(|(key, value)| T::deserialize(value).map(|decoded| (key, decoded)).map_err(D::Error::custom))
        .collect()
}
