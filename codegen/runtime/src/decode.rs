//! Decoding helpers that the generated `types` module calls from its hand-written `Deserialize` impls.
//!
//! A union reads its JSON once into a [`serde_json::Value`], looks at the value's kind and tag, and then decodes the chosen variant
//! from that value with [`decode_variant`]; when several variants answer to one tag, [`decode_best`] keeps the one that fits best.
//! An internally tagged union whose variants all carry their tag implements [`Tagged`] instead and reads through [`read_tagged`]:
//! when the tag comes first, the variant it names reads the rest of the object straight from the input, so nothing is buffered.
//! A struct whose fixed-value properties would otherwise land in its typed catch-all map decodes that map with [`decode_map_without`].
//!
//! A union whose branches are all scalars (`"auto"` or a number, say) reads its value into a [`Scalar`] instead, which borrows
//! a string where the input allows and builds nothing for a number, and decodes the chosen branch from it with [`decode_scalar`].
//!
//! A struct reads its JSON object through [`Object`] and [`read_object`]: the generated part is only the match from field number to
//! slot, and the rest (finding which field a key names, refusing a repeated field, naming a missing one) is written here once.
//!
//! These used to be printed into every generated `types.rs`; here they are written and tested once.
//! A generated crate keeps its `runtime` module private and does not re-export them, and a spec (or the enabled features) may need
//! none of them, so each allows `dead_code`: unused, they must not break a build that denies warnings.

use std::borrow::Cow;
use std::collections::BTreeMap;

use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed, Error, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

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

/// An internally tagged union whose variants all carry their tag: the generated part says which property is the tag and
/// which variant each tag value names, and [`read_tagged`] does the reading.
#[allow(dead_code, reason = "unused when the enabled features include no union decoded by its tag alone")]
pub trait Tagged: Sized {
    /// The property whose string value names the variant.
    const TAG: &'static str;
    /// The message for an object without the tag, with a tag that is not a string, or with one no variant has.
    const NO_MATCH: &'static str;

    /// Decodes the variant that `tag` names from `deserializer`, which reads the whole object, tag included; `None` for a tag
    /// no variant has.
    fn variant<'de, D: Deserializer<'de>>(tag: &str, deserializer: D) -> Option<Result<Self, D::Error>>;
}

/// Reads a [`Tagged`] union. When the tag is the object's first property, as it is in what the API and this crate write, the
/// chosen variant reads the rest of the object straight from the input, with the tag handed to it first, so nothing is
/// buffered. When it comes later, the object is read once into a `serde_json::Value` and the variant decodes from that.
///
/// # Errors
///
/// [`Tagged::NO_MATCH`] for an object without a string tag, or with one no variant has; a duplicate-field error for an
/// object with the tag twice (as serde's derive for internally tagged enums gives); the variant's own error; or the
/// deserializer's, for input that is not an object.
#[allow(dead_code, reason = "unused when the enabled features include no union decoded by its tag alone")]
pub fn read_tagged<'de, D: Deserializer<'de>, T: Tagged>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(TaggedVisitor(PhantomData))
}

#[allow(dead_code, reason = "unused when the enabled features include no union decoded by its tag alone")]
struct TaggedVisitor<T>(PhantomData<T>);

impl<'de, T: Tagged> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let no_match = || A::Error::custom(T::NO_MATCH);
        match map.next_key_seed(TagKey(T::TAG))? {
            None => Err(no_match()),
            Some(None) => {
                let Scalar::Str(tag) = map.next_value()? else { return Err(no_match()) };
                let rest = AfterTag { tag: T::TAG, state: Replay::Key(tag.clone()), map };
                T::variant(&tag, rest).unwrap_or_else(|| Err(no_match()))
            }
            Some(Some(first)) => {
                // The tag comes later: read the object once, refusing a second tag as the direct route does.
                let mut object = serde_json::Map::new();
                object.insert(first, map.next_value()?);
                while let Some(key) = map.next_key_seed(TagKey(T::TAG))? {
                    let key = match key {
                        Some(key) => key,
                        None if object.contains_key(T::TAG) => return Err(A::Error::duplicate_field(T::TAG)),
                        None => T::TAG.to_owned(),
                    };
                    object.insert(key, map.next_value()?);
                }
                let Some(Value::String(tag)) = object.get(T::TAG) else { return Err(no_match()) };
                let tag = tag.clone();
                match T::variant(&tag, Value::Object(object)) {
                    Some(decoded) => decoded.map_err(A::Error::custom),
                    None => Err(no_match()),
                }
            }
        }
    }
}

/// A key, read as `None` when it is the tag (which then costs no copy) and as the key otherwise.
struct TagKey(&'static str);

impl<'de> DeserializeSeed<'de> for TagKey {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for TagKey {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok((key != self.0).then(|| key.to_owned()))
    }
}

/// Where [`AfterTag`] is: the tag's key and value still to hand over, its value only, or neither.
enum Replay<'de> {
    Key(Cow<'de, str>),
    Value(Cow<'de, str>),
    Done,
}

/// The rest of a tagged object, after its first property (the tag), read as the whole object: the tag first, then every
/// other property straight from the input. A variant's own reader takes it as any object; a second tag is an error.
struct AfterTag<'de, A> {
    tag: &'static str,
    state: Replay<'de>,
    map: A,
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for AfterTag<'de, A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_map(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit unit_struct
        newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for AfterTag<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        match std::mem::replace(&mut self.state, Replay::Done) {
            Replay::Key(value) => {
                self.state = Replay::Value(value);
                seed.deserialize(serde::de::value::BorrowedStrDeserializer::new(self.tag)).map(Some)
            }
            Replay::Value(_) => Err(A::Error::custom("a map value was not read before the next key")),
            Replay::Done => self.map.next_key_seed(NotTag { tag: self.tag, seed }),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match std::mem::replace(&mut self.state, Replay::Done) {
            Replay::Value(Cow::Borrowed(value)) => seed.deserialize(serde::de::value::BorrowedStrDeserializer::new(value)),
            Replay::Value(Cow::Owned(value)) => seed.deserialize(serde::de::value::StringDeserializer::new(value)),
            Replay::Key(_) => Err(A::Error::custom("a map value was read before its key")),
            Replay::Done => self.map.next_value_seed(seed),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        let pending = match self.state {
            Replay::Key(_) => 1,
            Replay::Value(_) | Replay::Done => 0,
        };
        self.map.size_hint().map(|n| n + pending)
    }
}

/// A key of the rest of a tagged object, handed to the variant's own key reader unless it is the tag again.
struct NotTag<K> {
    tag: &'static str,
    seed: K,
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for NotTag<K> {
    type Value = K::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<K::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

/// A duplicate-field error when `key` is the tag again.
fn refuse_tag<E: Error>(tag: &'static str, key: &str) -> Result<(), E> {
    if key == tag { Err(E::duplicate_field(tag)) } else { Ok(()) }
}

impl<'de, K: DeserializeSeed<'de>> Visitor<'de> for NotTag<K> {
    type Value = K::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E: Error>(self, key: &'de str) -> Result<K::Value, E> {
        refuse_tag(self.tag, key)?;
        self.seed.deserialize(serde::de::value::BorrowedStrDeserializer::new(key))
    }

    fn visit_str<E: Error>(self, key: &str) -> Result<K::Value, E> {
        refuse_tag(self.tag, key)?;
        self.seed.deserialize(serde::de::value::StrDeserializer::new(key))
    }

    fn visit_string<E: Error>(self, key: String) -> Result<K::Value, E> {
        refuse_tag(self.tag, &key)?;
        self.seed.deserialize(serde::de::value::StringDeserializer::new(key))
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

/// A struct read from a JSON object, field by field: what a generated struct implements instead of deriving `Deserialize`.
///
/// serde's derive writes, for every struct, a field enum with its own visitor, a sequence visitor and a map visitor, around 170
/// lines once expanded; across the 1,600 structs of a large spec that was most of the crate's compile time. A generated `read`
/// is one `match` from field number to slot, and what every struct shares is here, compiled once per deserializer.
/// It reads what the derive read from JSON, with the same messages; it does not read a struct from a JSON array, as the
/// derive's sequence visitor did.
#[allow(dead_code, reason = "unused when the enabled features include no struct")]
pub trait Object: Sized {
    /// The struct's name, for "expected struct ..." in messages.
    const NAME: &'static str;
    /// The wire names of the fields, in the order `read` numbers them.
    const FIELDS: &'static [&'static str];

    /// Reads the struct from the entries of one object.
    ///
    /// # Errors
    ///
    /// The map's error for a value that does not decode, a field given twice or a required field left out.
    fn read<'de, A: MapAccess<'de>>(object: ObjectAccess<'de, A>) -> Result<Self, A::Error>;
}

/// Decodes an [`Object`] from any deserializer that can hand over a map (the `Deserialize` impl of every generated struct).
///
/// # Errors
///
/// The deserializer's error when the input is not an object, or the one [`Object::read`] returns.
#[allow(dead_code, reason = "unused when the enabled features include no struct")]
pub fn read_object<'de, D: Deserializer<'de>, T: Object>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::FIELDS, ObjectVisitor(PhantomData))
}

#[allow(dead_code, reason = "unused when the enabled features include no struct")]
struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::read(ObjectAccess { map, fields: T::FIELDS, current: usize::MAX, marker: PhantomData })
    }
}

/// The entries of one object as a struct's `read` sees them: each key as the number of the field it names.
#[allow(dead_code, reason = "unused when the enabled features include no struct")]
pub struct ObjectAccess<'de, A> {
    map: A,
    fields: &'static [&'static str],
    /// The number of the field whose key was read last (`usize::MAX` before the first, and for a key no field has).
    current: usize,
    marker: PhantomData<&'de ()>,
}

#[allow(dead_code, reason = "a crate whose structs have no required field, say, leaves some of these unused")]
impl<'de, A: MapAccess<'de>> ObjectAccess<'de, A> {
    /// The number of the field the next key names (`usize::MAX` for a key no field has), or `None` after the last entry.
    ///
    /// # Errors
    ///
    /// The map's error when the next key cannot be read.
    pub fn next_field(&mut self) -> Result<Option<usize>, A::Error> {
        // Objects mostly list their fields in the spec's order, so the field after the last one is tried first.
        let seed = FieldSeed { fields: self.fields, hint: self.current.wrapping_add(1) };
        let found = self.map.next_key_seed(seed)?;
        self.current = found.unwrap_or(usize::MAX);
        Ok(found)
    }

    /// Decodes the value of the field just named into its slot.
    ///
    /// # Errors
    ///
    /// The map's error when the value does not decode, or "duplicate field" when the slot is already filled.
    pub fn value<T: Deserialize<'de>>(&mut self, slot: &mut Option<T>) -> Result<(), A::Error> {
        if slot.is_some() {
            return Err(A::Error::duplicate_field(self.fields.get(self.current).copied().unwrap_or("?")));
        }
        *slot = Some(self.map.next_value()?);
        Ok(())
    }

    /// Reads past the value of a key no field has.
    ///
    /// # Errors
    ///
    /// The map's error when the value is not well-formed.
    pub fn skip(&mut self) -> Result<(), A::Error> {
        self.map.next_value::<IgnoredAny>().map(|_| ())
    }

    /// A required field's value, or "missing field" when the object left it out.
    ///
    /// # Errors
    ///
    /// "missing field `name`" when `slot` is empty.
    pub fn required<T>(&self, slot: Option<T>, name: &'static str) -> Result<T, A::Error> {
        slot.ok_or_else(|| A::Error::missing_field(name))
    }

    /// An optional field's value: `None` both when it was left out and when it was `null`.
    pub fn optional<T>(&self, slot: Option<Option<T>>) -> Option<T> {
        slot.flatten()
    }
}

/// Reads one key as the number of the field it names, comparing it with `hint`'s name first.
#[allow(dead_code, reason = "unused when the enabled features include no struct")]
struct FieldSeed {
    fields: &'static [&'static str],
    hint: usize,
}

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: Error>(self, key: &str) -> Result<usize, E> {
        if self.fields.get(self.hint).is_some_and(|name| *name == key) {
            return Ok(self.hint);
        }
        Ok(self.fields.iter().position(|name| *name == key).unwrap_or(usize::MAX))
    }

    fn visit_bytes<E: Error>(self, key: &[u8]) -> Result<usize, E> {
        match std::str::from_utf8(key) {
            Ok(key) => self.visit_str(key),
            Err(_) => Ok(usize::MAX),
        }
    }
}

/// One JSON scalar, read by a union none of whose branches is an array or an object, in place of a `serde_json::Value`.
///
/// It offers what the generated `Deserialize` of such a union asks of a `Value` (comparing with a literal, the JSON kind), and
/// [`decode_scalar`] decodes a branch from it. An array or an object is read past and kept as [`Scalar::Other`], which no
/// branch accepts, so the union's own "no variant matches" error is what the caller sees, as with a `Value`.
#[derive(Debug, Clone, PartialEq)]
#[allow(dead_code, reason = "unused when the enabled features include no union of scalars or by tag")]
pub enum Scalar<'de> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number without a fraction or exponent, zero or above.
    U64(u64),
    /// A number without a fraction or exponent, below zero.
    I64(i64),
    /// Any other number.
    F64(f64),
    /// A string, borrowed from the input when it has no escapes and the input outlives the value.
    Str(Cow<'de, str>),
    /// An array or an object.
    Other,
}

#[allow(dead_code, reason = "unused when the enabled features include no union of scalars")]
impl Scalar<'_> {
    /// Whether it is a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Scalar::Str(_))
    }

    /// Whether it is a number.
    pub fn is_number(&self) -> bool {
        matches!(self, Scalar::U64(_) | Scalar::I64(_) | Scalar::F64(_))
    }

    /// Whether it is `true` or `false`.
    pub fn is_boolean(&self) -> bool {
        matches!(self, Scalar::Bool(_))
    }

    /// Whether it is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Scalar::Null)
    }
}

impl PartialEq<&str> for Scalar<'_> {
    fn eq(&self, other: &&str) -> bool {
        matches!(self, Scalar::Str(text) if text == other)
    }
}

impl PartialEq<bool> for Scalar<'_> {
    fn eq(&self, other: &bool) -> bool {
        matches!(self, Scalar::Bool(value) if value == other)
    }
}

/// Equal to an integer as a `serde_json::Value` is: a number written without a fraction that has that value.
impl PartialEq<i64> for Scalar<'_> {
    fn eq(&self, other: &i64) -> bool {
        match self {
            Scalar::U64(value) => i64::try_from(*value).is_ok_and(|value| value == *other),
            Scalar::I64(value) => value == other,
            _ => false,
        }
    }
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

#[allow(dead_code, reason = "unused when the enabled features include no union of scalars or by tag")]
struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: Error>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Null)
    }

    fn visit_none<E: Error>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Scalar<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_bool<E: Error>(self, value: bool) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Bool(value))
    }

    fn visit_u64<E: Error>(self, value: u64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::U64(value))
    }

    fn visit_i64<E: Error>(self, value: i64) -> Result<Scalar<'de>, E> {
        // serde_json hands over non-negative integers as u64; a buffer may not, so this keeps the two kinds apart the same way.
        Ok(u64::try_from(value).map_or(Scalar::I64(value), Scalar::U64))
    }

    fn visit_f64<E: Error>(self, value: f64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::F64(value))
    }

    fn visit_borrowed_str<E: Error>(self, value: &'de str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Borrowed(value)))
    }

    fn visit_str<E: Error>(self, value: &str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E: Error>(self, value: String) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Owned(value)))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }

    fn visit_u128<E: Error>(self, value: u128) -> Result<Scalar<'de>, E> {
        #[allow(clippy::cast_precision_loss, reason = "a `serde_json::Value` reads a number beyond u64 as the nearest f64 too")]
        Ok(u64::try_from(value).map_or(Scalar::F64(value as f64), Scalar::U64))
    }

    fn visit_i128<E: Error>(self, value: i128) -> Result<Scalar<'de>, E> {
        #[allow(clippy::cast_precision_loss, reason = "a `serde_json::Value` reads a number beyond i64 as the nearest f64 too")]
        Ok(i64::try_from(value).map_or(Scalar::F64(value as f64), |value| u64::try_from(value).map_or(Scalar::I64(value), Scalar::U64)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar<'de>, A::Error> {
        // With serde_json's `arbitrary_precision` feature on anywhere in the build (Cargo unifies features), a number that is
        // not a plain u64 or i64 arrives as a one-entry map under this key of serde_json's, its digits as a string; a
        // `serde_json::Value` reads it as a number, and so must this.
        const NUMBER: &str = "$serde_json::private::Number";
        let mut scalar = Scalar::Other;
        if let Some(key) = map.next_key::<String>()? {
            if key == NUMBER {
                let digits: String = map.next_value()?;
                scalar = number(&digits).unwrap_or(Scalar::Other);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(scalar)
    }
}

/// A JSON number's digits as the scalar serde_json would have handed over.
#[allow(dead_code, reason = "unused when the enabled features include no union of scalars")]
fn number(digits: &str) -> Option<Scalar<'static>> {
    if let Ok(value) = digits.parse::<u64>() {
        return Some(Scalar::U64(value));
    }
    if let Ok(value) = digits.parse::<i64>() {
        return Some(Scalar::I64(value));
    }
    digits.parse::<f64>().ok().map(Scalar::F64)
}

/// Decodes one union branch from a [`Scalar`] already read, with the caller's error type, as [`decode_variant`] does from a
/// `Value`; the messages are the same ("invalid type: floating point `1.5`, expected i64").
///
/// # Errors
///
/// The branch's own error when the scalar is not one of its values.
#[allow(dead_code, reason = "unused when the enabled features include no union of scalars")]
pub fn decode_scalar<'de, T: Deserialize<'de>, E: Error>(value: &Scalar<'de>) -> Result<T, E> {
    T::deserialize(ScalarDeserializer(value, PhantomData))
}

#[allow(dead_code, reason = "unused when the enabled features include no union of scalars")]
struct ScalarDeserializer<'a, 'de, E>(&'a Scalar<'de>, PhantomData<E>);

impl<'de, E: Error> Deserializer<'de> for ScalarDeserializer<'_, 'de, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.0 {
            Scalar::Null => visitor.visit_unit(),
            Scalar::Bool(value) => visitor.visit_bool(*value),
            Scalar::U64(value) => visitor.visit_u64(*value),
            Scalar::I64(value) => visitor.visit_i64(*value),
            Scalar::F64(value) => visitor.visit_f64(*value),
            Scalar::Str(Cow::Borrowed(value)) => visitor.visit_borrowed_str(value),
            Scalar::Str(Cow::Owned(value)) => visitor.visit_str(value),
            Scalar::Other => Err(E::invalid_type(serde::de::Unexpected::Other("an array or an object"), &visitor)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.0 {
            Scalar::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, E> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}
