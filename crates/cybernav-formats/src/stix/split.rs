//! The fast first pass over a bundle: finds its objects' texts without reading them.
//!
//! A full JSON parse of a 500 MB bundle on one thread was the longest single step of an
//! import, and each object is parsed again, on several threads, when it is read. This pass
//! checks only the bundle's own structure (an object whose `objects` member is a list) and
//! finds where each element of the list starts and ends: inside strings it jumps from quote
//! to quote (`memchr`), outside them it counts brackets. What an element holds is checked
//! when the element is read, so an element that is not valid JSON is refused on its own.
//!
//! Anything unusual (escaped keys, `objects` twice, brackets nested past serde_json's limit,
//! text that is not UTF-8, a member of the bundle that is not JSON, anything after the
//! bundle) makes [`scan`] return `None`; the caller then walks the file with serde_json,
//! which reads what it can and names the line and column of what it cannot.

use serde::de::IgnoredAny;

use super::{BundleObjects, SpecVersion};

/// What the pass found: the bundle's `type`, to check, and the rest as [`BundleObjects`].
#[derive(Debug, Default)]
pub(super) struct Skeleton<'a> {
    pub object_type: Option<String>,
    pub bundle: BundleObjects<'a>,
}

/// Brackets nested deeper than this are left to serde_json (its own limit is 128).
const MAX_DEPTH: usize = 128;

/// Splits `input` if it is a plainly written bundle; `None` otherwise (see the module docs).
pub(super) fn scan(input: &[u8]) -> Option<Skeleton<'_>> {
    let text = std::str::from_utf8(input).ok()?;
    let b = text.as_bytes();
    let mut found = Skeleton::default();
    let mut objects_seen = false;
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        i += 1;
    } else {
        loop {
            if b.get(i) != Some(&b'"') {
                return None;
            }
            let end = string_end(b, i)?;
            let key = &text[i + 1..end - 1];
            if key.contains('\\') {
                return None;
            }
            i = skip_ws(b, end);
            if b.get(i) != Some(&b':') {
                return None;
            }
            i = skip_ws(b, i + 1);
            if key == "objects" {
                if objects_seen {
                    return None;
                }
                objects_seen = true;
                i = elements(text, i, &mut found.bundle.objects)?;
            } else {
                let end = value_end(b, i)?;
                let value = &text[i..end];
                match key {
                    "type" => found.object_type = Some(serde_json::from_str(value).ok()?),
                    "id" => found.bundle.id = Some(serde_json::from_str(value).ok()?),
                    "spec_version" => {
                        let v: String = serde_json::from_str(value).ok()?;
                        found.bundle.spec_version = Some(SpecVersion::parse(&v).ok()?);
                    }
                    _ => {
                        serde_json::from_str::<IgnoredAny>(value).ok()?;
                    }
                }
                i = end;
            }
            i = skip_ws(b, i);
            match b.get(i) {
                Some(b',') => i = skip_ws(b, i + 1),
                Some(b'}') => {
                    i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (skip_ws(b, i) == b.len()).then_some(found)
}

/// Reads the list starting at `i` (its `[`) into `out`; returns the position after its `]`.
fn elements<'a>(text: &'a str, mut i: usize, out: &mut Vec<&'a str>) -> Option<usize> {
    let b = text.as_bytes();
    if b.get(i) != Some(&b'[') {
        return None;
    }
    i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b']') {
        return Some(i + 1);
    }
    loop {
        let end = value_end(b, i)?;
        out.push(&text[i..end]);
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b']') => return Some(i + 1),
            _ => return None,
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = b.get(i) {
        i += 1;
    }
    i
}

/// The end (exclusive) of the JSON value starting at `i`. A number or literal ends at the
/// next delimiter; its spelling is checked when it is read.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => container_end(b, i),
        b',' | b']' | b'}' | b':' => None,
        _ => {
            let len = b[i..]
                .iter()
                .position(|c| matches!(c, b',' | b']' | b'}' | b' ' | b'\n' | b'\r' | b'\t'))
                .unwrap_or(b.len() - i);
            Some(i + len)
        }
    }
}

/// The end (exclusive) of the string whose opening quote is at `i`.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        let k = j + memchr::memchr2(b'"', b'\\', b.get(j..)?)?;
        if b[k] == b'\\' {
            // The escaped character, whatever it is, cannot end the string.
            j = k + 2;
        } else {
            return Some(k + 1);
        }
    }
}

/// The end (exclusive) of the object or list opening at `i`, its brackets matched.
fn container_end(b: &[u8], i: usize) -> Option<usize> {
    let mut closers = [0u8; MAX_DEPTH];
    let mut depth = 0;
    let mut j = i;
    loop {
        match *b.get(j)? {
            b'"' => {
                j = string_end(b, j)?;
                continue;
            }
            open @ (b'{' | b'[') => {
                if depth == MAX_DEPTH {
                    return None;
                }
                closers[depth] = if open == b'{' { b'}' } else { b']' };
                depth += 1;
            }
            close @ (b'}' | b']') => {
                depth -= 1;
                if closers[depth] != close {
                    return None;
                }
                if depth == 0 {
                    return Some(j + 1);
                }
            }
            _ => {}
        }
        j += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_are_found_whatever_their_strings_hold() {
        let s = r#" { "id": "bundle--1", "objects" : [ {"a": "}\"{]", "b": [1, {"c": "\\"}]} ,
            42, "x", [], {} ], "type": "bundle", "other": {"k": [true, null]} } "#;
        let found = scan(s.as_bytes()).expect("a plain bundle");
        assert_eq!(
            found.bundle.objects,
            vec![
                r#"{"a": "}\"{]", "b": [1, {"c": "\\"}]}"#,
                "42",
                r#""x""#,
                "[]",
                "{}"
            ]
        );
        assert_eq!(found.object_type.as_deref(), Some("bundle"));
        assert_eq!(found.bundle.id.as_deref(), Some("bundle--1"));
    }

    #[test]
    fn anything_unusual_is_left_to_the_full_parse() {
        for s in [
            "",
            "[]",
            r#"{"objects": [1, 2}"#,
            r#"{"objects": [{"a": "unterminated}]}"#,
            r#"{"objects": [{"a": [}]]}"#,
            r#"{"objects": [], "objects": []}"#,
            r#"{"obj\u0065cts": []}"#,
            r#"{"type": 7}"#,
            r#"{"spec_version": "3.0"}"#,
            r#"{"other": tru}"#,
            r#"{"objects": [,]}"#,
            r#"{"objects": [1,]}"#,
            r#"{"objects": []} trailing"#,
            r#"{"objects": []"#,
        ] {
            assert!(scan(s.as_bytes()).is_none(), "{s}");
        }
        assert!(scan(b"{\"objects\": [\"\xff\"]}").is_none());
        let deep = format!(r#"{{"objects": [{}{}]}}"#, "[".repeat(200), "]".repeat(200));
        assert!(scan(deep.as_bytes()).is_none());
    }
}

#[cfg(test)]
mod agreement {
    use proptest::prelude::*;
    use serde_json::{Value, json};

    /// Any JSON value, its strings full of what could fool a bracket counter.
    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            "[\\[\\]{}\",:\\\\ a-z\u{e9}\u{1F600}\n\t]{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 40, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map("[a-z\"{}\\[\\]]{0,5}", inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Any bytes at all: an answer, never a panic; and what it splits is text of the input.
        #[test]
        fn any_bytes_are_answered(
            bytes in prop::collection::vec(
                prop::sample::select(b"{}[]\"\\:, \nabx0\xc3\xa9".to_vec()), 0..64),
            prefix in any::<bool>(),
        ) {
            let mut input = if prefix { br#"{"objects": ["#.to_vec() } else { Vec::new() };
            input.extend(bytes);
            if let Some(found) = super::scan(&input) {
                prop_assert!(found.bundle.objects.iter().all(|o| !o.is_empty()));
            }
        }

        /// Wherever the fast pass splits a bundle, serde_json splits it the same way.
        #[test]
        fn the_fast_pass_splits_as_serde_json_does(
            objects in prop::collection::vec(value(), 0..6),
            extra in value(),
            pretty in any::<bool>(),
        ) {
            let bundle = json!({"type": "bundle", "id": "bundle--x", "extra": extra, "objects": objects});
            let text = if pretty {
                serde_json::to_string_pretty(&bundle)
            } else {
                serde_json::to_string(&bundle)
            }
            .expect("JSON");
            let fast = super::scan(text.as_bytes()).expect("a plainly written bundle");
            let slow = super::super::walk(text.as_bytes()).expect("serde_json reads it");
            prop_assert_eq!(&fast.bundle.objects, &slow.objects);
            prop_assert_eq!(fast.bundle.id, slow.id);
            for (raw, v) in fast.bundle.objects.iter().zip(&objects) {
                prop_assert_eq!(&serde_json::from_str::<Value>(raw).expect("JSON"), v);
            }
        }
    }
}
