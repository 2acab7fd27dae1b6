//! Property tests: no input makes the catalog and mapping readers panic; what they accept has
//! passed `Catalog::check`, and what they refuse says why. `scripts/fuzz-catalog` runs these
//! with many more cases; `crates/cybernav-formats/fuzz` holds the cargo-fuzz target.

#![allow(clippy::unwrap_used)]

use cybernav_formats::catalog::{read_catalog, read_mappings};
use proptest::prelude::*;
use serde_json::{Value, json};

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

/// Reads the bytes as a catalog and as a mapping file and checks the shape of the answer.
fn read_all(bytes: &[u8]) {
    match read_catalog("fuzz", bytes) {
        Ok(c) => assert_eq!(c.check(), Ok(())),
        Err(e) => {
            assert!(!e.problems.is_empty());
            assert!(e.problems.iter().all(|p| p.line != Some(0)));
        }
    }
    match read_mappings("fuzz", bytes) {
        Ok(_) => {}
        Err(e) => assert!(!e.problems.is_empty()),
    }
}

const SMALL_JSON: &str = r#"{"catalog": {"uuid": "00000000-0000-4000-8000-000000000000",
 "metadata": {"title": "Small", "version": "1", "props": [{"name": "catalog-id", "value": "small"}]},
 "groups": [{"id": "gv", "title": "Govern", "controls": [
   {"id": "gv.oc", "title": "Context", "controls": [
     {"id": "gv.oc-01", "title": "One", "props": [{"name": "implementation-group", "value": "2"},
       {"name": "asset-type", "value": "data"}], "parts": [{"name": "statement", "prose": "x"}]}]}]}],
 "controls": [{"id": "cisc-1", "title": "C", "controls": [{"id": "cisc-1.1", "title": "S"}]}]}}"#;

const SMALL_CSV: &str = "\u{feff}Control,Control Title,Safeguard,Title,IG1,IG2,IG3,Asset Type,Security Function\n1,One,1.1,A,x,x,x,Devices,Identify\n1,One,1.2,\"B, with comma\",,x,x,Data,Protect\n2,Two,2.1,C,,,x,,\n";

const SMALL_TOML: &str = "format = 2\nfrom_catalog = \"a\"\nfrom_version = \"1\"\nto_catalog = \"b\"\nto_version = \"2\"\n[[link]]\nfrom = \"1\"\nto = [\"x\", \"y\"]\nrelationship = \"related\"\n";

#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, u8),
    Replace(usize, u8),
    Delete(usize),
    Splice { from: usize, len: usize, to: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let byte = prop_oneof![
        prop::sample::select(b"{}[]\",:\\ \n\r0123-.xIGig\xef\xbb\xbf\xff\xc3".to_vec()),
        any::<u8>(),
    ];
    prop_oneof![
        (any::<usize>(), byte.clone()).prop_map(|(at, b)| Mutation::Insert(at, b)),
        (any::<usize>(), byte).prop_map(|(at, b)| Mutation::Replace(at, b)),
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), 1..40_usize, any::<usize>())
            .prop_map(|(from, len, to)| Mutation::Splice { from, len, to }),
    ]
}

fn mutate(mut bytes: Vec<u8>, edits: &[Mutation]) -> Vec<u8> {
    for m in edits {
        let n = bytes.len();
        match *m {
            Mutation::Insert(at, b) => bytes.insert(at % (n + 1), b),
            Mutation::Replace(at, b) if n > 0 => bytes[at % n] = b,
            Mutation::Delete(at) if n > 0 => {
                bytes.remove(at % n);
            }
            Mutation::Splice { from, len, to } if n > 0 => {
                let from = from % n;
                let piece = bytes[from..(from + len).min(n)].to_vec();
                let to = to % (n + 1);
                bytes.splice(to..to, piece);
            }
            _ => {}
        }
    }
    bytes
}

/// Any JSON value, a few levels deep, with the keys OSCAL catalogs use.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        prop::sample::select(vec![
            "", "1", "IG4", "ig1", "gv.oc-01", "cisc-1.1", "identify", "x y", "n/a"
        ])
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(4, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop::sample::select(vec![
                        "id", "title", "controls", "groups", "props", "name", "value", "parts",
                        "prose", "metadata", "version",
                    ]),
                    inner
                ),
                0..5
            )
            .prop_map(|kv| Value::Object(
                kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            )),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        read_all(&bytes);
    }

    #[test]
    fn edited_json_catalogs_never_panic(edits in prop::collection::vec(mutation(), 1..8)) {
        read_all(&mutate(SMALL_JSON.as_bytes().to_vec(), &edits));
    }

    #[test]
    fn edited_csv_catalogs_never_panic(edits in prop::collection::vec(mutation(), 1..8)) {
        read_all(&mutate(SMALL_CSV.as_bytes().to_vec(), &edits));
    }

    #[test]
    fn edited_mapping_files_never_panic(edits in prop::collection::vec(mutation(), 1..8)) {
        read_all(&mutate(SMALL_TOML.as_bytes().to_vec(), &edits));
    }

    #[test]
    fn any_json_in_any_place_never_panics(v in json_value(), slot in 0..6_usize) {
        let mut doc: Value = serde_json::from_str(SMALL_JSON).unwrap();
        match slot {
            0 => doc["catalog"] = v,
            1 => doc["catalog"]["groups"] = v,
            2 => doc["catalog"]["groups"][0]["controls"][0] = v,
            3 => doc["catalog"]["groups"][0]["controls"][0]["controls"][0]["props"] = v,
            4 => doc["catalog"]["controls"][0]["controls"] = v,
            _ => doc["catalog"]["metadata"] = v,
        }
        read_all(serde_json::to_string(&doc).unwrap().as_bytes());
    }
}

#[test]
fn the_small_inputs_are_accepted_so_mutations_start_from_good_files() {
    let c = read_catalog("small.json", SMALL_JSON.as_bytes()).unwrap();
    assert_eq!(c.len(), 2);
    let c = read_catalog("small-v1.csv", SMALL_CSV.as_bytes()).unwrap();
    assert_eq!(c.len(), 3);
    assert_eq!(
        read_mappings("m.toml", SMALL_TOML.as_bytes())
            .unwrap()
            .len(),
        2
    );
}
