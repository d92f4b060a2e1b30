//! The decoding helpers of generated unions and catch-all maps: errors keep serde's message, the candidate whose round trip
//! changes nothing or least wins, ties go to the earlier candidate, and fixed-value keys stay out of a typed map.

use std::collections::BTreeMap;

use sdk_runtime::{Tagged, decode_best, decode_map_without, decode_variant, read_tagged};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Named {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Measured {
    name: String,
    size: i64,
}

/// Shapes that answer to one tag, as a generated union would hold them; `Copy` holds the same type as `Named`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
enum Either {
    Named(Named),
    Measured(Measured),
    Copy(Named),
}

fn named(value: &Value) -> Result<Either, serde_json::Error> {
    decode_variant(value).map(Either::Named)
}

fn measured(value: &Value) -> Result<Either, serde_json::Error> {
    decode_variant(value).map(Either::Measured)
}

fn copy(value: &Value) -> Result<Either, serde_json::Error> {
    decode_variant(value).map(Either::Copy)
}

#[test]
fn decode_variant_decodes_and_keeps_the_message() {
    let value = json!({"name": "a", "size": 3});
    assert_eq!(decode_variant::<Measured, serde_json::Error>(&value).unwrap(), Measured { name: "a".into(), size: 3 });

    let error = decode_variant::<Measured, serde_json::Error>(&json!({"name": "a"})).unwrap_err().to_string();
    assert!(error.contains("missing field `size`"), "{error}");
    let error = decode_variant::<i64, serde_json::Error>(&json!(1.5)).unwrap_err().to_string();
    assert!(error.contains("expected i64"), "{error}");
}

#[test]
fn decode_best_takes_the_first_candidate_that_round_trips_unchanged() {
    // Both decode; `Named` would drop `size`, `Measured` writes back exactly what came in.
    let value = json!({"name": "a", "size": 3});
    assert_eq!(decode_best(&value, [named(&value), measured(&value)]).unwrap(), Either::Measured(Measured { name: "a".into(), size: 3 }));

    // Both write back exactly what came in: the earlier wins.
    let value = json!({"name": "a", "note": "n"});
    assert!(matches!(decode_best(&value, [copy(&value), named(&value)]).unwrap(), Either::Copy(_)));
    assert!(matches!(decode_best(&value, [named(&value), copy(&value)]).unwrap(), Either::Named(_)));
}

#[test]
fn decode_best_prefers_fewer_changes_and_the_earlier_on_a_tie() {
    // `Named` loses `size` and `extra`, `Measured` loses `note` and `extra`: two changes each, and the earlier wins.
    let value = json!({"name": "a", "size": 3, "note": "n", "extra": true});
    assert!(matches!(decode_best(&value, [named(&value), measured(&value)]).unwrap(), Either::Named(_)));
    assert!(matches!(decode_best(&value, [measured(&value), named(&value)]).unwrap(), Either::Measured(_)));

    // `Named` loses `size` and `extra`, `Measured` only `extra`.
    let value = json!({"name": "a", "size": 3, "extra": {"deep": [1, 2]}});
    assert!(matches!(decode_best(&value, [named(&value), measured(&value)]).unwrap(), Either::Measured(_)));
}

#[test]
fn decode_best_counts_properties_at_any_depth() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Outer<I, L> {
        inner: I,
        list: Vec<L>,
    }
    #[derive(Debug, PartialEq, Serialize)]
    #[serde(untagged)]
    enum Shape {
        SizedInner(Outer<Measured, Named>),
        SizedList(Outer<Named, Measured>),
    }

    // The first loses two sizes inside the list, the second one size inside `inner`. Counting whole
    // top-level properties instead would make it a tie, which the first would win.
    let value = json!({"inner": {"name": "a", "size": 1}, "list": [{"name": "b", "size": 2}, {"name": "c", "size": 3}]});
    let attempts = [decode_variant::<_, serde_json::Error>(&value).map(Shape::SizedInner), decode_variant(&value).map(Shape::SizedList)];
    assert!(matches!(decode_best(&value, attempts).unwrap(), Shape::SizedList(_)));

    // Arrays of different lengths are one change, however many elements differ: the candidate with an empty list (one
    // change) beats the one that renames `inner` and loses its `size` (two), though it comes second.
    let short = Shape::SizedInner(Outer { inner: Measured { name: "a".into(), size: 1 }, list: vec![] });
    let renamed = Shape::SizedList(Outer {
        inner: Named { name: "z".into(), note: None },
        list: vec![Measured { name: "b".into(), size: 2 }, Measured { name: "c".into(), size: 3 }],
    });
    assert!(matches!(decode_best::<_, serde_json::Error>(&value, [Ok(renamed), Ok(short)]).unwrap(), Shape::SizedInner(_)));
}

#[test]
fn decode_best_does_not_count_a_null_left_out() {
    // The first changes `note` from null to a string (one change); the second leaves out `note`,
    // which optional fields do for `None`, and so changes nothing.
    let value = json!({"name": "a", "note": null});
    let attempts: [Result<Either, serde_json::Error>; 2] =
        [Ok(Either::Copy(Named { name: "a".into(), note: Some("n".into()) })), Ok(Either::Named(Named { name: "a".into(), note: None }))];
    assert!(matches!(decode_best(&value, attempts).unwrap(), Either::Named(_)));
}

#[test]
fn decode_best_returns_the_first_error_when_nothing_decodes() {
    let value = json!({"size": "big"});
    let error = decode_best(&value, [named(&value), measured(&value)]).unwrap_err().to_string();
    assert!(error.contains("missing field `name`"), "{error}");

    let error = decode_best::<Either, serde_json::Error>(&value, []).unwrap_err().to_string();
    assert_eq!(error, "no candidate variant");

    // A failed attempt does not hide a later success.
    let value = json!({"name": "a", "size": 3});
    assert!(matches!(decode_best(&value, [measured(&json!(1)), named(&value)]).unwrap(), Either::Named(_)));
}

#[derive(Debug, PartialEq, Deserialize)]
struct Labelled {
    #[serde(flatten, deserialize_with = "Labelled::labels")]
    labels: BTreeMap<String, i64>,
}

impl Labelled {
    fn labels<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<BTreeMap<String, i64>, D::Error> {
        decode_map_without(deserializer, &["object"])
    }
}

#[test]
fn decode_map_without_leaves_out_the_fixed_keys() {
    let decoded: Labelled = serde_json::from_value(json!({"object": "label.set", "a": 1, "b": 2})).unwrap();
    assert_eq!(decoded.labels, BTreeMap::from([("a".to_owned(), 1), ("b".to_owned(), 2)]));

    let decoded: BTreeMap<String, i64> = decode_map_without(json!({"object": "x", "kind": "y", "n": 5}), &["object", "kind"]).unwrap();
    assert_eq!(decoded, BTreeMap::from([("n".to_owned(), 5)]));
}

#[test]
fn decode_map_without_rejects_a_kept_value_of_the_wrong_type() {
    let error = serde_json::from_value::<Labelled>(json!({"object": "label.set", "a": "one"})).unwrap_err().to_string();
    assert!(error.contains("expected i64"), "{error}");

    let error = decode_map_without::<_, i64>(json!([1, 2]), &[]).unwrap_err().to_string();
    assert!(error.contains("expected a map"), "{error}");
}

/// A union decoded by its tag alone, as the generator writes one: `kind` picks the variant; any other tag is kept as JSON.
#[derive(Debug, Clone, PartialEq)]
enum ByKind {
    Named(Named),
    Measured(Measured),
    Unknown(Value),
}

impl Tagged for ByKind {
    const TAG: &'static str = "kind";
    const NO_MATCH: &'static str = "no variant matches (told apart by `kind`)";

    fn variant<'de, D: serde::Deserializer<'de>>(tag: &str, deserializer: D) -> Option<Result<Self, D::Error>> {
        Some(match tag {
            "named" => Named::deserialize(deserializer).map(ByKind::Named),
            "measured" => Measured::deserialize(deserializer).map(ByKind::Measured),
            "closed" => return None,
            _ => Value::deserialize(deserializer).map(ByKind::Unknown),
        })
    }
}

impl<'de> Deserialize<'de> for ByKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read_tagged(deserializer)
    }
}

#[test]
fn a_tagged_union_decodes_the_variant_its_tag_names_from_text_or_a_value() {
    // The tag first: the variant reads the rest of the object from the input, text, bytes or a reader, escaped or not.
    let measured = ByKind::Measured(Measured { name: "a".into(), size: 3 });
    let first = r#"{"kind": "measured", "name": "a", "size": 3}"#;
    assert_eq!(serde_json::from_str::<ByKind>(first).unwrap(), measured);
    assert_eq!(serde_json::from_slice::<ByKind>(first.as_bytes()).unwrap(), measured);
    assert_eq!(serde_json::from_reader::<_, ByKind>(first.as_bytes()).unwrap(), measured);
    let escaped = r#"{"k\u0069nd": "me\u0061sured", "n\u0061me": "a", "size": 3}"#;
    assert_eq!(serde_json::from_str::<ByKind>(escaped).unwrap(), measured);
    // The tag after other members, nested values (with a tag of their own) read whole, an escaped key that is still the tag.
    let text = r#"{"name": "a", "extra": {"kind": "named", "list": [1, {"x": "y"}]}, "size": 3, "k\u0069nd": "measured"}"#;
    assert_eq!(serde_json::from_str::<ByKind>(text).unwrap(), measured);
    // From a `Value` too, as an outer union hands its variants over.
    let value = json!({"kind": "named", "name": "b"});
    assert_eq!(serde_json::from_value::<ByKind>(value.clone()).unwrap(), ByKind::Named(Named { name: "b".into(), note: None }));
    assert_eq!(
        serde_json::from_str::<Vec<ByKind>>(&format!("[{value}, {first}]")).unwrap(),
        [ByKind::Named(Named { name: "b".into(), note: None }), measured.clone()]
    );
    // A tag no variant has is kept whole, the tag included, whether it comes first or not.
    for other in [json!({"kind": "new", "n": 1}), json!({"n": 1, "kind": "new"})] {
        assert_eq!(serde_json::from_str::<ByKind>(&other.to_string()).unwrap(), ByKind::Unknown(other));
    }
    // Through serde's buffering, as a flattened member.
    #[derive(Debug, PartialEq, Deserialize)]
    struct Wrapper {
        id: i64,
        #[serde(flatten)]
        by: ByKind,
    }
    let wrapped: Wrapper = serde_json::from_str(r#"{"id": 1, "kind": "measured", "name": "a", "size": 3}"#).unwrap();
    assert_eq!(wrapped, Wrapper { id: 1, by: measured });
}

#[test]
fn a_tagged_union_fails_with_its_message_or_the_variants_own_error() {
    for text in [r#"{"name": "a"}"#, r#"{"kind": 3, "name": "a"}"#, r#"{"kind": "closed"}"#] {
        let error = serde_json::from_str::<ByKind>(text).unwrap_err().to_string();
        assert!(error.starts_with("no variant matches (told apart by `kind`)"), "{text}: {error}");
    }
    let error = serde_json::from_str::<ByKind>("[1]").unwrap_err().to_string();
    assert!(error.contains("expected an object"), "{error}");
    // The variant's error, with the position in the document only, not a second one inside the union's own text.
    let error = serde_json::from_str::<Vec<ByKind>>(r#"[{"kind": "measured", "name": "a"}]"#).unwrap_err().to_string();
    assert!(error.starts_with("missing field `size` at line 1 column"), "{error}");
    assert_eq!(error.matches(" at line ").count(), 1, "{error}");
    // The tag twice is refused, as serde's derive refuses it, wherever the first one is.
    for text in [r#"{"kind": "named", "name": "c", "kind": "measured"}"#, r#"{"name": "c", "kind": "named", "kind": "measured"}"#] {
        let error = serde_json::from_str::<ByKind>(text).unwrap_err().to_string();
        assert!(error.starts_with("duplicate field `kind`"), "{text}: {error}");
    }
}
