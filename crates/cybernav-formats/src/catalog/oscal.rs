//! OSCAL catalog JSON (NIST OSCAL 1.x catalog model) → [`Catalog`].
//!
//! The OSCAL tree can be deeper than our two levels; it is flattened so that every *leaf*
//! control (one with no controls inside) becomes an item of its nearest parent:
//!
//! - CIS layout: top-level `controls` (a CIS Control) holding `controls` (its safeguards):
//!   the outer control is our group, the inner ones its items.
//! - Grouped layout: `groups` holding leaf `controls`: the OSCAL group is our group.
//! - CSF 2.0 layout: `groups` (functions) holding `controls` (categories) holding `controls`
//!   (subcategories): each category is our group; the function an item sits under is its
//!   security function unless the item says otherwise. Nested `groups` are walked the same way.
//!
//! Properties read from an item's `props` (names compared without case, `_` same as `-`):
//! `implementation-group`/`implementation-groups`/`ig` (repeated or a list; the lowest counts),
//! `asset-type`, `security-function`/`function`. Catalog metadata props: `catalog-id`,
//! `publisher`, `licence`/`license`.

use std::collections::BTreeMap;

use cybernav_core::catalog::{Catalog, Group, Item};
use serde_json::{Map, Value};

use super::ids::{
    asset_type, catalog_item_id, implementation_group, is_blank, security_function_named, slug,
};
use super::{FileProblem, check_problems, json_lines};

/// The licence a CIS catalog is held under when its file does not say.
pub(crate) const CIS_LICENCE: &str = "CIS Controls: CC BY-NC-ND 4.0 with CIS terms; the state's licensed copy, imported at run time and never redistributed";

struct Reader {
    problems: Vec<FileProblem>,
    groups: Vec<Group>,
    /// Where each of our groups and items came from, by `group X` / `item X`.
    places: BTreeMap<String, Vec<String>>,
    saw_cis_ids: bool,
}

pub(crate) fn read(text: &str) -> Result<Catalog, Vec<FileProblem>> {
    let root: Value = serde_json::from_str(text).map_err(|e| {
        vec![FileProblem::on_line(
            e.line().max(1),
            format!("column {}", e.column()),
            format!("not valid JSON: {e}"),
        )]
    })?;
    let Some(cat) = root.get("catalog").and_then(Value::as_object) else {
        return Err(vec![FileProblem::at(
            "catalog",
            "the file has no top-level \"catalog\" object: it is not an OSCAL catalog (an OSCAL profile or mapping will not do)",
        )]);
    };
    let mut r = Reader {
        problems: Vec::new(),
        groups: Vec::new(),
        places: BTreeMap::new(),
        saw_cis_ids: false,
    };

    let meta = match cat.get("metadata").and_then(Value::as_object) {
        Some(m) => Some(m),
        None => {
            r.problems
                .push(FileProblem::at("catalog.metadata", "metadata is missing"));
            None
        }
    };
    let empty = Map::new();
    let meta = meta.unwrap_or(&empty);
    let title = r.string(meta, "title", "catalog.metadata.title", true);
    let version = r.string(meta, "version", "catalog.metadata.version", true);
    let meta_props = props_of(meta);

    if let Some(groups) = r.array(cat, "groups", "catalog.groups") {
        for (gi, g) in groups.iter().enumerate() {
            r.oscal_group(g, &format!("catalog.groups[{gi}]"), None);
        }
    }
    if let Some(controls) = r.array(cat, "controls", "catalog.controls") {
        for (ci, c) in controls.iter().enumerate() {
            let path = format!("catalog.controls[{ci}]");
            let Some(obj) = r.object(c, &path) else {
                continue;
            };
            if has_children(obj) {
                r.parent_control(obj, &path, None);
            } else {
                r.problems.push(FileProblem::at(
                    path,
                    "a control outside any group or parent control: put it in a group",
                ));
            }
        }
    }
    if r.groups.is_empty() && r.problems.is_empty() {
        r.problems.push(FileProblem::at(
            "catalog",
            "the catalog holds no controls (neither groups nor controls)",
        ));
    }

    let title = title.unwrap_or_default();
    let lower_title = title.to_ascii_lowercase();
    let prop = |name: &str| meta_props.get(name).cloned();
    let is_cis = r.saw_cis_ids || (lower_title.contains("cis") && lower_title.contains("controls"));
    let id = prop("catalog-id").unwrap_or_else(|| {
        if is_cis {
            "cis-controls".into()
        } else if lower_title.contains("cybersecurity framework") {
            "nist-csf".into()
        } else if lower_title.contains("performance goals") {
            "cisa-cpg".into()
        } else {
            slug(&title)
        }
    });
    let publisher = prop("publisher")
        .or_else(|| first_party(meta))
        .unwrap_or_else(|| {
            if is_cis {
                "Center for Internet Security".into()
            } else {
                "Not stated in the file".into()
            }
        });
    let licence = prop("licence")
        .or_else(|| prop("license"))
        .unwrap_or_else(|| {
            if is_cis {
                CIS_LICENCE.into()
            } else {
                "Not stated in the file".into()
            }
        });
    let catalog = Catalog {
        id,
        version: version.unwrap_or_default(),
        title,
        publisher,
        licence,
        groups: r.groups,
    };
    let places = r.places;
    let mut problems = r.problems;
    if problems.is_empty() {
        problems.extend(check_problems(&catalog, |at| {
            places.get(at).map(|p| (None, p.join(" and ")))
        }));
    }
    if problems.is_empty() {
        return Ok(catalog);
    }
    let lines = json_lines::lines_by_path(text);
    for p in &mut problems {
        if p.line.is_some() {
            continue;
        }
        // `item 3.1 (catalog.controls[2].controls[0] and catalog.controls[2].controls[1])`
        // names the line of the last place's id; a plain path names its own line.
        p.line = match (p.at.rfind(" ("), p.at.rfind(')')) {
            (Some(open), Some(close)) if open + 2 <= close => {
                let place = p.at[open + 2..close].rsplit(" and ").next().unwrap_or("");
                json_lines::line_of(&lines, &format!("{place}.id"))
            }
            _ => json_lines::line_of(&lines, &p.at),
        };
    }
    Err(problems)
}

/// Props of an object as a map from normalised name to value (the first of each name).
fn props_of(obj: &Map<String, Value>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(props) = obj.get("props").and_then(Value::as_array) {
        for p in props {
            if let (Some(name), Some(value)) = (
                p.get("name").and_then(Value::as_str),
                p.get("value").and_then(Value::as_str),
            ) {
                out.entry(norm_name(name))
                    .or_insert_with(|| value.to_string());
            }
        }
    }
    out
}

fn norm_name(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace('_', "-")
}

fn first_party(meta: &Map<String, Value>) -> Option<String> {
    meta.get("parties")?
        .as_array()?
        .iter()
        .find_map(|p| p.get("name").and_then(Value::as_str))
        .map(str::to_string)
}

fn has_children(obj: &Map<String, Value>) -> bool {
    obj.get("controls")
        .and_then(Value::as_array)
        .is_some_and(|c| !c.is_empty())
}

/// The function an OSCAL group names by its id, title or `security-function` prop.
fn function_of(obj: &Map<String, Value>) -> Option<&'static str> {
    let props = props_of(obj);
    props
        .get("security-function")
        .and_then(|v| security_function_named(v))
        .or_else(|| {
            obj.get("id")
                .and_then(Value::as_str)
                .and_then(security_function_named)
        })
        .or_else(|| {
            obj.get("title")
                .and_then(Value::as_str)
                .and_then(security_function_named)
        })
}

impl Reader {
    fn object<'a>(&mut self, v: &'a Value, path: &str) -> Option<&'a Map<String, Value>> {
        let o = v.as_object();
        if o.is_none() {
            self.problems
                .push(FileProblem::at(path, "must be a JSON object"));
        }
        o
    }

    fn array<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Option<&'a Vec<Value>> {
        match obj.get(key) {
            None => None,
            Some(Value::Array(a)) => Some(a),
            Some(_) => {
                self.problems
                    .push(FileProblem::at(path, "must be a JSON array"));
                None
            }
        }
    }

    fn string(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        path: &str,
        required: bool,
    ) -> Option<String> {
        match obj.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(Value::String(_)) | None if required => {
                self.problems
                    .push(FileProblem::at(path, "is missing or empty"));
                None
            }
            Some(Value::String(_)) | None => None,
            Some(_) => {
                self.problems
                    .push(FileProblem::at(path, "must be a string"));
                None
            }
        }
    }

    /// An OSCAL group: its leaf controls become one of our groups; controls with controls
    /// inside become groups of their own; nested groups are walked.
    fn oscal_group(&mut self, g: &Value, path: &str, function: Option<&'static str>) {
        let Some(obj) = self.object(g, path) else {
            return;
        };
        let function = function_of(obj).or(function);
        let mut leaves = Vec::new();
        if let Some(controls) = self.array(obj, "controls", &format!("{path}.controls")) {
            for (ci, c) in controls.iter().enumerate() {
                let cpath = format!("{path}.controls[{ci}]");
                let Some(cobj) = self.object(c, &cpath) else {
                    continue;
                };
                if has_children(cobj) {
                    self.parent_control(cobj, &cpath, function);
                } else {
                    leaves.push((cobj, cpath));
                }
            }
        }
        if !leaves.is_empty() {
            let id = self.id(obj, path);
            let title = self.string(obj, "title", &format!("{path}.title"), true);
            let items = leaves
                .into_iter()
                .filter_map(|(c, p)| self.item(c, &p, function))
                .collect();
            self.push_group(id, title, items, path);
        }
        if let Some(groups) = self.array(obj, "groups", &format!("{path}.groups")) {
            for (i, inner) in groups.iter().enumerate() {
                self.oscal_group(inner, &format!("{path}.groups[{i}]"), function);
            }
        }
    }

    /// A control holding controls: our group; every control below it is an item.
    fn parent_control(
        &mut self,
        obj: &Map<String, Value>,
        path: &str,
        function: Option<&'static str>,
    ) {
        let id = self.id(obj, path);
        let title = self.string(obj, "title", &format!("{path}.title"), true);
        let mut items = Vec::new();
        self.descendants(obj, path, function, &mut items);
        self.push_group(id, title, items, path);
    }

    fn descendants(
        &mut self,
        obj: &Map<String, Value>,
        path: &str,
        function: Option<&'static str>,
        items: &mut Vec<Item>,
    ) {
        if let Some(controls) = self.array(obj, "controls", &format!("{path}.controls")) {
            for (ci, c) in controls.iter().enumerate() {
                let cpath = format!("{path}.controls[{ci}]");
                let Some(cobj) = self.object(c, &cpath) else {
                    continue;
                };
                if let Some(item) = self.item(cobj, &cpath, function) {
                    items.push(item);
                }
                self.descendants(cobj, &cpath, function, items);
            }
        }
    }

    fn push_group(
        &mut self,
        id: Option<String>,
        title: Option<String>,
        items: Vec<Item>,
        path: &str,
    ) {
        let id = id.unwrap_or_default();
        self.places
            .entry(format!("group {id}"))
            .or_default()
            .push(path.to_string());
        self.groups.push(Group {
            id,
            title: title.unwrap_or_default(),
            items,
        });
    }

    fn id(&mut self, obj: &Map<String, Value>, path: &str) -> Option<String> {
        let raw = self.string(obj, "id", &format!("{path}.id"), true)?;
        let id = catalog_item_id(&raw);
        if id != raw && id.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            self.saw_cis_ids = true;
        }
        Some(id)
    }

    fn item(
        &mut self,
        obj: &Map<String, Value>,
        path: &str,
        function: Option<&'static str>,
    ) -> Option<Item> {
        let id = self.id(obj, path);
        let title = self.string(obj, "title", &format!("{path}.title"), true);
        let mut ig: Option<u8> = None;
        let mut asset = None;
        let mut own_function = None;
        if let Some(props) = self.array(obj, "props", &format!("{path}.props")) {
            for (pi, p) in props.iter().enumerate() {
                let ppath = format!("{path}.props[{pi}]");
                let Some(pobj) = self.object(p, &ppath) else {
                    continue;
                };
                let name = self.string(pobj, "name", &format!("{ppath}.name"), true);
                let value = self.string(pobj, "value", &format!("{ppath}.value"), true);
                let (Some(name), Some(value)) = (name, value) else {
                    continue;
                };
                match norm_name(&name).as_str() {
                    "implementation-group" | "implementation-groups" | "ig" => {
                        if is_blank(&value) {
                            continue;
                        }
                        match implementation_group(&value) {
                            Ok(n) => ig = Some(ig.map_or(n, |old: u8| old.min(n))),
                            Err(why) => self
                                .problems
                                .push(FileProblem::at(format!("{ppath}.value"), why)),
                        }
                    }
                    "asset-type" => asset = asset_type(&value),
                    "security-function" | "function" => {
                        if is_blank(&value) {
                            continue;
                        }
                        match security_function_named(&value) {
                            Some(f) => own_function = Some(f),
                            None => self.problems.push(FileProblem::at(
                                format!("{ppath}.value"),
                                format!(
                                    "security function '{value}' is not one of Govern, Identify, Protect, Detect, Respond, Recover"
                                ),
                            )),
                        }
                    }
                    _ => {}
                }
            }
        }
        let description = statement(obj);
        let id = id?;
        self.places
            .entry(format!("item {id}"))
            .or_default()
            .push(path.to_string());
        Some(Item {
            id,
            title: title.unwrap_or_default(),
            description,
            implementation_group: ig,
            asset_type: asset,
            security_function: own_function.or(function).map(str::to_string),
        })
    }
}

/// The prose of the control's `statement` part and the parts inside it, one per paragraph.
fn statement(obj: &Map<String, Value>) -> String {
    fn prose(part: &Value, out: &mut Vec<String>) {
        if let Some(p) = part.get("prose").and_then(Value::as_str) {
            let p = p.trim();
            if !p.is_empty() {
                out.push(p.to_string());
            }
        }
        if let Some(parts) = part.get("parts").and_then(Value::as_array) {
            for inner in parts {
                prose(inner, out);
            }
        }
    }
    let mut out = Vec::new();
    if let Some(parts) = obj.get("parts").and_then(Value::as_array) {
        for part in parts {
            if part.get("name").and_then(Value::as_str) == Some("statement") {
                prose(part, &mut out);
            }
        }
    }
    out.join("\n\n")
}
