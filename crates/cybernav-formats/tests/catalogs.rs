//! Catalog files: the synthetic CIS-shaped catalog reads the same from OSCAL JSON and CSAT
//! CSV, the shipped catalogs and mappings are whole, and bad files are refused with every
//! problem named by path or line.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use cybernav_core::catalog::{Catalog, Relationship};
use cybernav_formats::catalog::{
    CatalogFileError, read_catalog, read_mappings, shipped_catalogs, shipped_mappings,
};
use serde_json::Value;

const SYNTHETIC_JSON: &str = include_str!("fixtures/catalogs/synthetic-cis.json");
const SYNTHETIC_CSV: &[u8] = include_bytes!("fixtures/catalogs/synthetic-cis.csv");

fn problems(e: &CatalogFileError) -> Vec<String> {
    e.problems.iter().map(ToString::to_string).collect()
}

fn has(e: &CatalogFileError, needle: &str) -> bool {
    problems(e).iter().any(|p| p.contains(needle))
}

fn ig_counts(c: &Catalog) -> (usize, usize, usize) {
    let within = |n: u8| {
        c.items()
            .filter(|(_, i)| i.implementation_group.is_some_and(|g| g <= n))
            .count()
    };
    (within(1), within(2), within(3))
}

#[test]
fn the_synthetic_catalog_reads_the_same_from_oscal_json_and_csat_csv() {
    let from_json = read_catalog("synthetic-cis.json", SYNTHETIC_JSON.as_bytes()).unwrap();
    let from_csv = read_catalog("synthetic-cis.csv", SYNTHETIC_CSV).unwrap();
    assert_eq!(from_json, from_csv);
    assert!(
        SYNTHETIC_CSV.starts_with(b"\xef\xbb\xbf"),
        "the CSV fixture keeps its BOM"
    );

    let c = from_json;
    assert_eq!(c.id, "synthetic-cis");
    assert_eq!(c.version, "8.1");
    assert_eq!(c.groups.len(), 18);
    assert_eq!(c.len(), 153);
    assert_eq!(ig_counts(&c), (56, 130, 153));
    let (group, item) = c.item("4.7").unwrap();
    assert_eq!(group.id, "4");
    assert_eq!(group.title, "Synthetic control 4");
    assert_eq!(item.title, "Synthetic safeguard 4.7");
    assert!(item.description.contains("not CIS text"));
    let assets: BTreeSet<&str> = c
        .items()
        .filter_map(|(_, i)| i.asset_type.as_deref())
        .collect();
    assert_eq!(
        assets,
        BTreeSet::from([
            "Data",
            "Devices",
            "Documentation",
            "Network",
            "Software",
            "Users"
        ])
    );
    assert!(c.items().all(|(_, i)| i.security_function.is_some()));
}

#[test]
fn the_shipped_csf_has_6_functions_22_categories_and_106_subcategories() {
    let all = shipped_catalogs();
    let csf = all.iter().find(|c| c.id == "nist-csf").unwrap();
    assert_eq!(csf.version, "2.0");
    assert_eq!(csf.check(), Ok(()));
    assert_eq!(csf.groups.len(), 22);
    assert_eq!(csf.len(), 106);
    let mut per_function: BTreeMap<&str, usize> = BTreeMap::new();
    for (g, i) in csf.items() {
        let f = i.security_function.as_deref().unwrap();
        *per_function.entry(f).or_default() += 1;
        let prefix = &g.id[..2];
        assert!(
            i.id.starts_with(&format!("{}-", g.id)),
            "{} in {}",
            i.id,
            g.id
        );
        assert_eq!(
            cybernav_formats::catalog::security_function_named(prefix),
            Some(f)
        );
    }
    assert_eq!(
        per_function,
        BTreeMap::from([
            ("Detect", 11),
            ("Govern", 31),
            ("Identify", 21),
            ("Protect", 22),
            ("Recover", 8),
            ("Respond", 13)
        ])
    );
    assert!(csf.item("GV.OC-01").is_some());
    assert!(csf.item("RC.CO-04").is_some());
    assert!(!csf.has_implementation_groups());
    assert!(csf.licence.contains("Public domain"));
}

fn shipped(id: &str, version: &str) -> Catalog {
    shipped_catalogs()
        .into_iter()
        .find(|c| c.id == id && c.version == version)
        .unwrap_or_else(|| panic!("{id} {version} is not shipped"))
}

#[test]
fn cpg_1_0_1_still_ships_with_its_goals_by_function() {
    let all = shipped_catalogs();
    let ids: Vec<(&str, &str)> = all
        .iter()
        .map(|c| (c.id.as_str(), c.version.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            ("cisa-cpg", "1.0.1"),
            ("cisa-cpg", "2.0"),
            ("nist-csf", "2.0")
        ]
    );
    let cpg = shipped("cisa-cpg", "1.0.1");
    assert_eq!(cpg.check(), Ok(()));
    assert_eq!(cpg.groups.len(), 5);
    assert_eq!(cpg.len(), 38);
    let (g, i) = cpg.item("2.H").unwrap();
    assert_eq!(g.title, "Protect");
    assert_eq!(i.security_function.as_deref(), Some("Protect"));
    assert!(cpg.items().all(|(_, i)| i.security_function.is_some()));
}

#[test]
fn cpg_2_0_has_34_goals_in_six_groups_that_follow_the_csf_functions() {
    let cpg = shipped("cisa-cpg", "2.0");
    assert_eq!(cpg.check(), Ok(()));
    assert_eq!(cpg.title, "Cross-Sector Cybersecurity Performance Goals");
    assert!(cpg.licence.contains("Public domain"));
    assert!(!cpg.has_implementation_groups());
    assert_eq!(cpg.len(), 34);
    let groups: Vec<(&str, &str, usize)> = cpg
        .groups
        .iter()
        .map(|g| (g.id.as_str(), g.title.as_str(), g.items.len()))
        .collect();
    assert_eq!(
        groups,
        [
            ("1", "Govern", 5),
            ("2", "Identify", 5),
            ("3", "Protect", 19),
            ("4", "Detect", 2),
            ("5", "Respond", 2),
            ("6", "Recover", 1),
        ]
    );
    for (g, i) in cpg.items() {
        assert_eq!(
            i.security_function.as_deref(),
            Some(g.title.as_str()),
            "{}",
            i.id
        );
        assert!(i.id.starts_with(&format!("{}.", g.id)), "{}", i.id);
        let words = i.description.split_whitespace().count();
        assert!(
            (8..=40).contains(&words) && i.description.ends_with('.'),
            "{} needs a one-sentence outcome: {:?}",
            i.id,
            i.description
        );
    }
    assert_eq!(
        cpg.item("3.F").unwrap().1.title,
        "Implement Multifactor Authentication (MFA)"
    );
    assert_eq!(
        cpg.item("1.A").unwrap().1.title,
        "Establish Cybersecurity Responsibilities"
    );
    assert_eq!(
        cpg.item("6.A").unwrap().1.title,
        "Execute Incident Recovery Plan"
    );
}

#[test]
fn the_shipped_cpg_2_0_file_round_trips_through_the_reader_with_no_problem() {
    let text = cybernav_formats::catalog::CISA_CPG_2_0_JSON;
    let c = read_catalog("cisa-cpg-2.0.json", text.as_bytes()).unwrap();
    assert_eq!((c.id.as_str(), c.version.as_str()), ("cisa-cpg", "2.0"));
    // The OSCAL file writes every goal as `cpg-<group>.<letter>`, with a statement part.
    let v: Value = serde_json::from_str(text).unwrap();
    assert_eq!(v["catalog"]["groups"][2]["controls"][5]["id"], "cpg-3.f");
    assert_eq!(
        v["catalog"]["groups"][2]["controls"][5]["parts"][0]["name"],
        "statement"
    );
}

/// Every link's two ends exist in the shipped catalog versions they name.
#[test]
fn shipped_mappings_link_items_that_exist() {
    let all = shipped_catalogs();
    let mappings = shipped_mappings();
    let find = |catalog: &str, version: &str| {
        all.iter()
            .find(|c| c.id == catalog && c.version == version)
            .unwrap_or_else(|| panic!("no shipped catalog {catalog} {version}"))
    };
    for m in &mappings {
        for end in [&m.from, &m.to] {
            assert!(
                find(&end.catalog, &end.version).item(&end.item).is_some(),
                "{} {} has no item {}",
                end.catalog,
                end.version,
                end.item
            );
        }
    }
    let files: BTreeSet<(String, String, String, String)> = mappings
        .iter()
        .map(|m| {
            (
                m.from.catalog.clone(),
                m.from.version.clone(),
                m.to.catalog.clone(),
                m.to.version.clone(),
            )
        })
        .collect();
    assert_eq!(files.len(), 3, "{files:?}");
}

fn links(from: (&str, &str), to: (&str, &str)) -> Vec<cybernav_core::catalog::Mapping> {
    shipped_mappings()
        .into_iter()
        .filter(|m| {
            (m.from.catalog.as_str(), m.from.version.as_str()) == from
                && (m.to.catalog.as_str(), m.to.version.as_str()) == to
        })
        .collect()
}

#[test]
fn every_cpg_goal_of_both_versions_is_mapped_to_csf_as_related() {
    for version in ["1.0.1", "2.0"] {
        let cpg = shipped("cisa-cpg", version);
        let to_csf = links(("cisa-cpg", version), ("nist-csf", "2.0"));
        assert!(
            to_csf
                .iter()
                .all(|m| m.relationship == Relationship::Related)
        );
        let mapped: BTreeSet<&str> = to_csf.iter().map(|m| m.from.item.as_str()).collect();
        let all: BTreeSet<&str> = cpg.items().map(|(_, i)| i.id.as_str()).collect();
        assert_eq!(mapped, all, "every CPG {version} goal is mapped to CSF");
    }
    let header = cybernav_formats::catalog::CPG_2_0_TO_CSF_TOML;
    assert!(
        header.contains("NOT CISA's official"),
        "the 2.0 → CSF file says whose reading it is"
    );
}

#[test]
fn every_cpg_1_0_1_goal_has_a_2_0_successor_and_the_new_goals_have_no_predecessor() {
    let old = shipped("cisa-cpg", "1.0.1");
    let up = links(("cisa-cpg", "1.0.1"), ("cisa-cpg", "2.0"));
    let mapped: BTreeSet<&str> = up.iter().map(|m| m.from.item.as_str()).collect();
    let all: BTreeSet<&str> = old.items().map(|(_, i)| i.id.as_str()).collect();
    assert_eq!(mapped, all, "no 1.0.1 goal is silently dropped");

    let to = |from: &str| -> Vec<(String, Relationship)> {
        up.iter()
            .filter(|m| m.from.item == from)
            .map(|m| (m.to.item.clone(), m.relationship))
            .collect()
    };
    let one = |to: &str, r: Relationship| vec![(to.to_string(), r)];
    // Goals CISA dropped in 2.0 point, as `related`, at the goal that took in their outcome.
    assert_eq!(to("1.I"), one("1.D", Relationship::Related));
    assert_eq!(to("3.A"), one("4.B", Relationship::Related));
    assert_eq!(to("4.C"), one("2.D", Relationship::Related));
    // The same practice under a new id.
    assert_eq!(to("2.H"), one("3.F", Relationship::Equivalent));
    assert_eq!(to("1.A"), one("2.A", Relationship::Equivalent));
    assert_eq!(to("2.S"), one("1.C", Relationship::Equivalent));
    let dropped = ["1.I", "3.A", "4.C"];
    for m in &up {
        assert_eq!(
            m.relationship == Relationship::Related,
            dropped.contains(&m.from.item.as_str()),
            "only the dropped goals are merely related: {} → {}",
            m.from.item,
            m.to.item
        );
    }

    // The six goals new in 2.0 carry on no 1.0.1 practice: nothing maps to them but, for 4.B,
    // the outcome of the dropped 3.A.
    for new in ["1.B", "1.E", "3.H", "4.A", "4.B", "5.A"] {
        let before: Vec<&str> = up
            .iter()
            .filter(|m| m.to.item == new && m.relationship != Relationship::Related)
            .map(|m| m.from.item.as_str())
            .collect();
        assert!(
            before.is_empty(),
            "{new} has a 1.0.1 predecessor: {before:?}"
        );
    }
    let into_new: Vec<(&str, &str)> = up
        .iter()
        .filter(|m| ["1.B", "1.E", "3.H", "4.A", "4.B", "5.A"].contains(&m.to.item.as_str()))
        .map(|m| (m.from.item.as_str(), m.to.item.as_str()))
        .collect();
    assert_eq!(into_new, [("3.A", "4.B")]);
    // Every other 2.0 goal carries on at least one 1.0.1 goal.
    let new_ids = shipped("cisa-cpg", "2.0");
    let successors: BTreeSet<&str> = up.iter().map(|m| m.to.item.as_str()).collect();
    for (_, i) in new_ids.items() {
        if !["1.B", "1.E", "3.H", "4.A", "4.B", "5.A"].contains(&i.id.as_str()) {
            assert!(
                successors.contains(i.id.as_str()),
                "{} has no 1.0.1 goal",
                i.id
            );
        }
    }
}

#[test]
fn mapping_files_are_refused_with_the_line_of_each_problem() {
    let text = "format = 2\nfrom_catalog = \"a\"\nfrom_version = \"1\"\nto_catalog = \"b\"\nto_version = \"1\"\n\n[[link]]\nfrom = \"1\"\nto = \"x\"\nrelationship = \"same\"\n\n[[link]]\nfrom = \"2\"\nto = [\"y\", \"y\"]\n";
    let e = read_mappings("m.toml", text.as_bytes()).unwrap_err();
    assert!(
        has(&e, "line 10, link[0].relationship: 'same' is not one of"),
        "{e:?}"
    );
    assert!(has(&e, "2 → y is mapped twice"), "{e:?}");

    let ok = "format = 2\nfrom_catalog = \"a\"\nfrom_version = \"1\"\nto_catalog = \"b\"\nto_version = \"1\"\n[[link]]\nfrom = \"1\"\nto = \"x\"\nrelationship = \"subset_of\"\n";
    let m = read_mappings("m.toml", ok.as_bytes()).unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].relationship, Relationship::SubsetOf);

    let e = read_mappings(
        "m.toml",
        b"format = 2\nfrom_catalog = \"a\"\nfrom_version = \"1\"\n",
    )
    .unwrap_err();
    assert!(has(&e, "to_catalog"), "{e:?}");
    let e = read_mappings(
        "m.toml",
        b"format = 2\nfrom_catalog = \"a\"\nto_catalog = \"b\"\ncolour = 2\n",
    )
    .unwrap_err();
    assert_eq!(e.problems[0].line, Some(4), "{e:?}");
}

#[test]
fn a_mapping_names_the_catalog_versions_and_links_two_different_ones() {
    // Format 1 named no versions: refused, saying what to add.
    let e = read_mappings(
        "old.toml",
        b"format = 1\nfrom_catalog = \"a\"\nto_catalog = \"b\"\n",
    )
    .unwrap_err();
    assert!(
        has(&e, "line 1, format: format 1 named no catalog versions"),
        "{e:?}"
    );
    // A version left out is named, with the line to add it near.
    let e = read_mappings(
        "m.toml",
        b"format = 2\nfrom_catalog = \"a\"\nfrom_version = \"1\"\nto_catalog = \"b\"\n",
    )
    .unwrap_err();
    assert!(has(&e, "to_version: is missing"), "{e:?}");
    // One catalog version mapped to itself is refused, on the to_version line.
    let e = read_mappings(
        "m.toml",
        b"format = 2\nfrom_catalog = \"a\"\nfrom_version = \"1\"\nto_catalog = \"a\"\nto_version = \"1\"\n",
    )
    .unwrap_err();
    assert!(
        has(&e, "line 5, to_version: a 1 is mapped to itself"),
        "{e:?}"
    );
    // Two versions of one catalog: the versions travel with each end.
    let m = read_mappings(
        "m.toml",
        b"format = 2\nfrom_catalog = \"a\"\nfrom_version = \"1\"\nto_catalog = \"a\"\nto_version = \"2\"\n[[link]]\nfrom = \"1.A\"\nto = \"2.A\"\nrelationship = \"equivalent\"\n",
    )
    .unwrap();
    assert_eq!(
        (m[0].from.version.as_str(), m[0].to.version.as_str()),
        ("1", "2")
    );
    assert_eq!(m[0].relationship, Relationship::Equivalent);
}

fn synthetic_value() -> Value {
    serde_json::from_str(SYNTHETIC_JSON).unwrap()
}

fn read_value(v: &Value) -> Result<Catalog, CatalogFileError> {
    read_catalog(
        "edited.json",
        serde_json::to_string_pretty(v).unwrap().as_bytes(),
    )
}

#[test]
fn duplicate_ids_and_broken_structure_are_refused_with_every_problem_named() {
    let mut v = synthetic_value();
    let controls = v["catalog"]["controls"].as_array_mut().unwrap();
    // Safeguard 3.2 claims the id of 3.1; control 5 loses its title; a safeguard of control 6
    // says IG4; one of control 7 names a function CIS never used; control 8's safeguards list is
    // a string.
    controls[2]["controls"][1]["id"] = "cisc-3.1".into();
    controls[4]["title"] = "".into();
    controls[5]["controls"][0]["props"][3]["value"] = "IG4".into();
    controls[6]["controls"][0]["props"][2]["value"] = "protection".into();
    controls[7]["controls"][2] = "not a control".into();
    let text = serde_json::to_string_pretty(&v).unwrap();
    let e = read_catalog("edited.json", text.as_bytes()).unwrap_err();
    assert_eq!(e.file, "edited.json");
    // Each problem names the line its value is on in the file as given.
    let title_line = text
        .lines()
        .position(|l| l.contains("\"title\": \"\""))
        .unwrap()
        + 1;
    assert!(
        has(
            &e,
            &format!("line {title_line}, catalog.controls[4].title: is missing or empty")
        ),
        "{e:?}"
    );
    assert!(e.problems.iter().all(|p| p.line.is_some()), "{e:?}");
    assert!(
        has(&e, "catalog.controls[4].title: is missing or empty"),
        "{e:?}"
    );
    assert!(
        has(
            &e,
            "catalog.controls[5].controls[0].props[3].value: implementation group 'IG4' is not 1, 2 or 3"
        ),
        "{e:?}"
    );
    assert!(
        has(
            &e,
            "catalog.controls[6].controls[0].props[2].value: security function 'protection'"
        ),
        "{e:?}"
    );
    assert!(
        has(&e, "catalog.controls[7].controls[2]: must be a JSON object"),
        "{e:?}"
    );

    // Structure fixed, the duplicate is left: Catalog::check names it and where both are.
    let mut v = synthetic_value();
    v["catalog"]["controls"][2]["controls"][1]["id"] = "cisc-3.1".into();
    v["catalog"]["controls"][3]["id"] = "cisc-3".into();
    let text = serde_json::to_string_pretty(&v).unwrap();
    let e = read_catalog("edited.json", text.as_bytes()).unwrap_err();
    let second_line = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("\"id\": \"cisc-3.1\""))
        .nth(1)
        .unwrap()
        .0
        + 1;
    assert!(has(&e, &format!("line {second_line}, item 3.1 (")), "{e:?}");
    assert!(
        has(
            &e,
            "item 3.1 (catalog.controls[2].controls[0] and catalog.controls[2].controls[1]): the same item id appears twice"
        ),
        "{e:?}"
    );
    assert!(
        has(
            &e,
            "group 3 (catalog.controls[2] and catalog.controls[3]): the same group id appears twice"
        ),
        "{e:?}"
    );
}

#[test]
fn json_syntax_errors_name_the_line() {
    let text = "{\n  \"catalog\": {\n    \"uuid\": \"x\",\n    \"metadata\": {,\n  }\n}\n";
    let e = read_catalog("broken.json", text.as_bytes()).unwrap_err();
    assert_eq!(e.problems.len(), 1);
    assert_eq!(e.problems[0].line, Some(4));
    assert!(e.problems[0].message.starts_with("not valid JSON"));

    let e = read_catalog("list.json", b"[1, 2]").unwrap_err();
    assert!(has(&e, "not an OSCAL catalog"), "{e:?}");
    let e = read_catalog("profile.json", b"{\"profile\": {}}").unwrap_err();
    assert!(has(&e, "not an OSCAL catalog"), "{e:?}");
    let e = read_catalog("empty.json", b"  \n").unwrap_err();
    assert!(has(&e, "the file is empty"), "{e:?}");
    let e = read_catalog("latin1.csv", b"control,safeguard,title\n1,1.1,Caf\xe9\n").unwrap_err();
    assert_eq!(e.problems[0].line, Some(2));
}

#[test]
fn the_csf_layout_flattens_functions_into_security_functions() {
    let text = r#"{"catalog": {"uuid": "00000000-0000-4000-8000-000000000000",
      "metadata": {"title": "The NIST Cybersecurity Framework (CSF) 2.0", "version": "2.0",
                   "last-modified": "2024-02-26T00:00:00Z", "oscal-version": "1.1.2"},
      "groups": [{"id": "gv", "title": "GOVERN", "controls": [
        {"id": "gv.oc", "title": "Organizational Context", "controls": [
          {"id": "gv.oc-01", "title": "Mission"}, {"id": "gv.oc-02", "title": "Stakeholders"}]}]},
        {"id": "de", "title": "DETECT", "groups": [
          {"id": "de.cm", "title": "Continuous Monitoring", "controls": [
            {"id": "de.cm-01", "title": "Networks"}]}]}]}}"#;
    let c = read_catalog("csf.json", text.as_bytes()).unwrap();
    assert_eq!(c.id, "nist-csf");
    assert_eq!(c.groups.len(), 2);
    assert_eq!(c.groups[0].id, "GV.OC");
    assert_eq!(c.groups[1].id, "DE.CM");
    let (_, i) = c.item("GV.OC-02").unwrap();
    assert_eq!(i.security_function.as_deref(), Some("Govern"));
    let (_, i) = c.item("DE.CM-01").unwrap();
    assert_eq!(i.security_function.as_deref(), Some("Detect"));
    assert_eq!(c.publisher, "Not stated in the file");
}

#[test]
fn a_cis_file_without_our_metadata_props_is_named_cis_controls_under_the_cis_licence() {
    let mut v = synthetic_value();
    v["catalog"]["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("props");
    v["catalog"]["metadata"]["title"] = "Some controls".into();
    let c = read_value(&v).unwrap();
    assert_eq!(c.id, "cis-controls");
    assert_eq!(c.publisher, "Center for Internet Security");
    assert!(c.licence.contains("never redistributed"));
}

#[test]
fn csat_csv_accepts_a_single_implementation_group_column_and_names_bad_cells() {
    let csv = "Control, Safeguard ,Title,Implementation Group,Security Function,Asset Type\n\
               1,1.1,Synthetic safeguard 1.1,IG1,identify,devices\n\
               1,1.2,Synthetic safeguard 1.2,\"2,3\",Protect,N/A\n";
    let c = read_catalog("csat-export-v8.1.csv", csv.as_bytes()).unwrap();
    assert_eq!(c.id, "cis-controls");
    assert_eq!(c.version, "8.1");
    assert_eq!(c.groups[0].title, "CIS Control 1");
    let (_, i) = c.item("1.2").unwrap();
    assert_eq!(i.implementation_group, Some(2));
    assert_eq!(i.asset_type, None);
    assert_eq!(
        c.item("1.1").unwrap().1.asset_type.as_deref(),
        Some("Devices")
    );

    let bad = "control,safeguard,title,ig1,ig2,ig3,security_function\n\
               1,1.1,A,x,x,x,Identify\n\
               1,2.1,B,maybe,x,x,Identify\n\
               2,2.1,,,,x,Guard\n\
               2,2.2,D,,,x,Detect\n\
               2,2.2,E,,,x,Detect\n";
    let e = read_catalog("export-v8.csv", bad.as_bytes()).unwrap_err();
    assert!(
        has(
            &e,
            "line 3, column safeguard: safeguard '2.1' does not belong to control '1'"
        ),
        "{e:?}"
    );
    assert!(
        has(&e, "line 3, column ig1: 'maybe' is not a yes/no flag"),
        "{e:?}"
    );
    assert!(has(&e, "line 4, column title: is empty"), "{e:?}");
    assert!(
        has(
            &e,
            "line 4, column security_function: 'Guard' is not one of"
        ),
        "{e:?}"
    );

    let dup = "control,safeguard,title\n1,1.1,A\n1,1.1,B\n";
    let e = read_catalog("export-v8.csv", dup.as_bytes()).unwrap_err();
    assert!(
        has(
            &e,
            "line 3, item 1.1 (line 2 and 3): the same item id appears twice"
        ),
        "{e:?}"
    );

    let missing = "control,name of thing\n1,x\n";
    let e = read_catalog("export-v8.csv", missing.as_bytes()).unwrap_err();
    assert!(
        has(
            &e,
            "line 1, column safeguard: the header has no 'safeguard' column"
        ),
        "{e:?}"
    );
    assert!(has(&e, "column title"), "{e:?}");

    let no_version = "control,safeguard,title\n1,1.1,A\n";
    let e = read_catalog("export.csv", no_version.as_bytes()).unwrap_err();
    assert!(has(&e, "version is not known"), "{e:?}");
}
