//! Spec names -> Rust identifiers: case conversion, keyword escaping, sanitising and clash rules.
//!
//! Every case conversion in the generator goes through this module so that one table of
//! keywords and one set of rules decide what a name becomes.

use std::collections::{BTreeMap, HashSet};

use heck::{ToPascalCase, ToShoutySnakeCase, ToSnakeCase};

/// Keywords of Rust 2024 that `r#` can escape (strict, reserved and edition keywords).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn", "else", "enum", "extern", "false",
    "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while",
    "yield",
];

/// Keywords that cannot be raw identifiers; these get a trailing underscore instead.
const UNRAWABLE: &[&str] = &["self", "Self", "super", "crate", "_"];

/// A snake_case identifier for a field, parameter or method, escaped if it is a keyword.
pub fn field(name: &str) -> String {
    let spelled = spell(name);
    escape(sanitize(&lower_words(&spelled, "_").unwrap_or_else(|| spelled.to_snake_case()), "value"))
}

/// A PascalCase identifier for a type or enum variant.
pub fn type_name(name: &str) -> String {
    escape(sanitize(&pascal(name), "Value"))
}

/// A SCREAMING_SNAKE_CASE identifier for an associated constant.
pub fn constant(name: &str) -> String {
    escape(sanitize(&spell(name).to_shouty_snake_case(), "VALUE"))
}

/// PascalCase as heck does it: `gpt-4o` becomes `Gpt4o`, `fine_tuning.job` becomes `FineTuningJob`.
/// Not yet an identifier: [`type_name`] also sanitises and escapes.
pub fn pascal(name: &str) -> String {
    let spelled = spell(name);
    lower_words(&spelled, "").unwrap_or_else(|| spelled.to_pascal_case())
}

/// What heck makes of a name in ASCII with no capital letter, where its words are just the runs between other
/// characters: joined by `_` (snake case), or each capitalised and joined by nothing (Pascal case). `None` for any
/// other name. Lowering converts some twenty thousand names, mostly such ones, and heck writes each character
/// through a formatter.
fn lower_words(name: &str, join: &str) -> Option<String> {
    if !name.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        return None;
    }
    let mut out = String::with_capacity(name.len());
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        if join.is_empty() {
            let (first, rest) = word.split_at(1);
            out.push_str(&first.to_ascii_uppercase());
            out.push_str(rest);
        } else {
            if !out.is_empty() {
                out.push_str(join);
            }
            out.push_str(word);
        }
    }
    Some(out)
}

/// Letters with diacritics and the plain letters that spell them in an identifier.
const LATIN: &[(char, &str)] = &[
    ('ä', "ae"),
    ('ö', "oe"),
    ('ü', "ue"),
    ('Ä', "Ae"),
    ('Ö', "Oe"),
    ('Ü', "Ue"),
    ('ß', "ss"),
    ('æ', "ae"),
    ('Æ', "Ae"),
    ('œ', "oe"),
    ('Œ', "Oe"),
    ('ø', "o"),
    ('Ø', "O"),
    ('å', "a"),
    ('Å', "A"),
    ('à', "a"),
    ('á', "a"),
    ('â', "a"),
    ('ã', "a"),
    ('À', "A"),
    ('Á', "A"),
    ('Â', "A"),
    ('Ã', "A"),
    ('ç', "c"),
    ('Ç', "C"),
    ('è', "e"),
    ('é', "e"),
    ('ê', "e"),
    ('ë', "e"),
    ('È', "E"),
    ('É', "E"),
    ('Ê', "E"),
    ('Ë', "E"),
    ('ì', "i"),
    ('í', "i"),
    ('î', "i"),
    ('ï', "i"),
    ('Ì', "I"),
    ('Í', "I"),
    ('Î', "I"),
    ('Ï', "I"),
    ('ñ', "n"),
    ('Ñ', "N"),
    ('ò', "o"),
    ('ó', "o"),
    ('ô', "o"),
    ('õ', "o"),
    ('Ò', "O"),
    ('Ó', "O"),
    ('Ô', "O"),
    ('Õ', "O"),
    ('ù', "u"),
    ('ú', "u"),
    ('û', "u"),
    ('Ù', "U"),
    ('Ú', "U"),
    ('Û', "U"),
    ('ý', "y"),
    ('ÿ', "y"),
    ('Ý', "Y"),
];

/// Spells out what case conversion would drop: a sign before a number (`+1` and `-1`, as
/// GitHub names its reactions, become `plus 1` and `minus 1`, not both `1`) and the diacritics
/// of Latin letters (`über` becomes `ueber`, not `_ber`).
fn spell(name: &str) -> std::borrow::Cow<'_, str> {
    let signed = |c: char| c == '+' || c == '-';
    let needs = !name.is_ascii() || (name.starts_with(signed) && name[1..].starts_with(|c: char| c.is_ascii_digit()));
    if !needs {
        return std::borrow::Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + 8);
    let mut chars = name.chars().peekable();
    if let Some(sign) = chars.next_if(|c| signed(*c)) {
        if chars.peek().is_some_and(char::is_ascii_digit) {
            out.push_str(if sign == '+' { "plus " } else { "minus " });
        } else {
            out.push(sign);
        }
    }
    for c in chars {
        match LATIN.iter().find(|(letter, _)| *letter == c) {
            Some((_, plain)) => out.push_str(plain),
            None => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The identifier without a leading `r#`, as serde derives the wire name from it.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// The identifier without its keyword escape, `r#` or a trailing `_`: what numbering builds on.
fn bare(ident: &str) -> &str {
    let unrawn = unraw(ident);
    if UNRAWABLE.iter().any(|k| unrawn.strip_suffix('_') == Some(*k)) { &unrawn[..unrawn.len() - 1] } else { unrawn }
}

/// Replaces characters that cannot appear in identifiers, and gives a leading digit a `_`
/// prefix the way prost does; an empty result becomes `fallback`.
fn sanitize(converted: &str, fallback: &str) -> String {
    let mut out: String = converted.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if out.chars().all(|c| c == '_') {
        out = fallback.to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

fn escape(ident: String) -> String {
    if UNRAWABLE.contains(&ident.as_str()) {
        format!("{ident}_")
    } else if RAW_KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

/// Gives every wanted name a unique identifier, independent of the order the wants come in.
///
/// Each want is `(wire, converted)`. When several wires convert to one identifier, the wire
/// that is already spelled exactly like the identifier keeps it; the rest, in sorted wire
/// order, get `2`, `3`, ... (after a `_` for snake_case identifiers) until unique. `taken`
/// holds identifiers that are not available at all.
pub fn assign_unique(wants: &[(String, String)], taken: &HashSet<String>, snake: bool) -> Vec<String> {
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, (_, converted)) in wants.iter().enumerate() {
        groups.entry(converted.as_str()).or_default().push(i);
    }
    let mut used: HashSet<String> = taken.clone();
    let mut out = vec![String::new(); wants.len()];
    // Pass 1: an uncontested name, or the exact spelling within a contest, keeps its name.
    let mut losers = Vec::new();
    for (converted, members) in &groups {
        let available = !used.contains(*converted);
        let mut sorted = members.clone();
        sorted.sort_by(|a, b| wants[*a].0.cmp(&wants[*b].0));
        let keeper = if !available {
            None
        } else if sorted.len() == 1 {
            Some(sorted[0])
        } else {
            sorted.iter().copied().find(|i| bare(&wants[*i].1) == wants[*i].0).or(Some(sorted[0]))
        };
        for i in sorted {
            if Some(i) == keeper {
                out[i] = (*converted).to_owned();
                used.insert((*converted).to_owned());
            } else {
                losers.push(i);
            }
        }
    }
    // Pass 2: the rest get numbered suffixes, in the order of their wire names.
    losers.sort_by(|a, b| (&wants[*a].1, &wants[*a].0).cmp(&(&wants[*b].1, &wants[*b].0)));
    for i in losers {
        let base = bare(&wants[i].1);
        let mut n = 2;
        loop {
            let candidate = if snake { format!("{base}_{n}") } else { format!("{base}{n}") };
            if !used.contains(&candidate) {
                used.insert(candidate.clone());
                out[i] = candidate;
                break;
            }
            n += 1;
        }
    }
    out
}

/// Splits a PascalCase name into words at upper-case letters.
pub(crate) fn words(name: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            out.push(&name[start..i]);
            start = i;
        }
    }
    out.push(&name[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut gives heck's answer for every name it takes: all strings of up to four characters from an alphabet
    /// of lower-case letters, digits and separators, and a few names of the kinds specs hold.
    #[test]
    fn lower_words_is_what_heck_makes() {
        let alphabet = ['a', 'b', 'z', '0', '9', '_', '-', '.', ' ', '/', '{', '$'];
        let mut names = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = names.iter().flat_map(|n| alphabet.iter().map(move |c| format!("{n}{c}"))).collect();
            names.extend(longer);
        }
        names.extend(
            ["fine_tuning.job", "gpt-4o-mini", "/v1/files/{file_id}", "x-stainless-lang", "4o", "a__b", "Job", "aB"].map(String::from),
        );
        let mut taken = 0;
        for name in &names {
            if let Some(pascal) = lower_words(name, "") {
                assert_eq!(pascal, name.to_pascal_case(), "{name:?}");
                assert_eq!(lower_words(name, "_").unwrap(), name.to_snake_case(), "{name:?}");
                taken += 1;
            }
        }
        assert!(lower_words("Job", "").is_none() && lower_words("aB", "_").is_none() && lower_words("é", "").is_none());
        assert!(taken > 20_000, "{taken}");
    }

    #[test]
    fn signs_and_diacritics_are_spelled_out() {
        assert_eq!((field("+1"), field("-1")), ("plus_1".to_owned(), "minus_1".to_owned()));
        assert_eq!((type_name("+1"), type_name("-1")), ("Plus1".to_owned(), "Minus1".to_owned()));
        assert_eq!(constant("-1"), "MINUS_1");
        assert_eq!((field("über"), type_name("Größe")), ("ueber".to_owned(), "Groesse".to_owned()));
        // A sign that is not before a number, and plain ASCII, are left to the usual rules.
        assert_eq!((field("-x"), field("a-1")), ("x".to_owned(), "a_1".to_owned()));
    }

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(field("type"), "r#type");
        assert_eq!(field("gen"), "r#gen");
        assert_eq!(field("async"), "r#async");
        assert_eq!(field("self"), "self_");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(field("crate"), "crate_");
        assert_eq!(field("super"), "super_");
        assert_eq!(unraw("r#type"), "type");
    }

    #[test]
    fn case_conversion() {
        assert_eq!(type_name("pet-list"), "PetList");
        assert_eq!(type_name("fine_tuning.job"), "FineTuningJob");
        assert_eq!(field("petId"), "pet_id");
        assert_eq!(field("petId"), field("pet_id"));
        assert_eq!(constant("gpt-4o-mini"), "GPT_4O_MINI");
        assert_eq!(constant("babbage-002"), "BABBAGE_002");
    }

    #[test]
    fn non_identifiers_are_sanitized() {
        assert_eq!(type_name("1024x1024"), "_1024x1024");
        assert_eq!(field("2fa"), "_2fa");
        assert_eq!(field("$$"), "value");
        assert_eq!(type_name(""), "Value");
        assert_eq!(field("a.b"), "a_b");
        assert_eq!(field("x-request-id"), "x_request_id");
        assert_eq!(constant("é"), "E");
        assert_eq!(constant("日本"), "VALUE");
    }

    #[test]
    fn clashes_are_resolved_by_rule_not_order() {
        let wants = |list: &[&str]| list.iter().map(|w| ((*w).to_owned(), field(w))).collect::<Vec<_>>();
        let taken = HashSet::new();
        let a = assign_unique(&wants(&["petId", "pet_id"]), &taken, true);
        let b = assign_unique(&wants(&["pet_id", "petId"]), &taken, true);
        assert_eq!(a, ["pet_id_2", "pet_id"]);
        assert_eq!(b, ["pet_id", "pet_id_2"]);
        let taken: HashSet<String> = ["params".to_owned()].into();
        assert_eq!(assign_unique(&wants(&["params"]), &taken, true), ["params_2"]);
        let types = [("Foo".to_owned(), "Foo".to_owned()), ("foo".to_owned(), "Foo".to_owned()), ("Foo2".to_owned(), "Foo2".to_owned())];
        assert_eq!(assign_unique(&types, &HashSet::new(), false), ["Foo", "Foo3", "Foo2"]);
        // Escaped keywords number from the bare word, and the exact spelling keeps the escape.
        assert_eq!(assign_unique(&wants(&["Self", "self"]), &HashSet::new(), true), ["self_2", "self_"]);
        let types = [("Self".to_owned(), type_name("Self")), ("self".to_owned(), type_name("self"))];
        assert_eq!(assign_unique(&types, &HashSet::new(), false), ["Self_", "Self2"]);
        assert_eq!(assign_unique(&wants(&["type", "Type"]), &HashSet::new(), true), ["r#type", "type_2"]);
    }
}
