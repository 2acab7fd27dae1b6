//! STIX 2.1 and 2.0 bundles, read one object at a time.
//!
//! [`read_bundle`] splits the bundle into its objects' texts ([`split_bundle`]), then reads
//! each object from its text and hands it to a callback; the input bytes are borrowed, never
//! copied into a JSON tree. Each object comes out as a typed [`StixObject`] (indicator,
//! marking definition, identity; every other SDO, SCO or SRO as its raw JSON text) or as a
//! [`Rejected`] naming its index, line, id and reason. A refused object never stops the
//! others, even one that is not valid JSON in itself; only a file whose own structure is not
//! JSON, or that is not a bundle, is an error for the whole file, and then no object is
//! handed out. The caller (the intake use case) decides what to store.
//!
//! Patterns are read by [`pattern`]; marking definitions and references by [`markings`].

pub mod markings;
pub mod pattern;
pub mod report_form;
mod split;
pub mod write;

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use serde_json::value::RawValue;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use markings::{MarkingMeaning, MarkingTable, ResolvedMarking, interpret_marking};
pub use pattern::{PatternError, PatternOutcome, parse_pattern};

/// The STIX version an object was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpecVersion {
    /// STIX 2.0 (`spec_version` on the bundle).
    V2_0,
    /// STIX 2.1 (`spec_version` on each object).
    V2_1,
}

impl SpecVersion {
    fn parse(s: &str) -> Result<SpecVersion, String> {
        match s {
            "2.0" => Ok(SpecVersion::V2_0),
            "2.1" => Ok(SpecVersion::V2_1),
            other => Err(format!(
                "spec_version '{other}' is not one we read (2.0 or 2.1)"
            )),
        }
    }

    /// `2.0` or `2.1`.
    pub fn as_str(self) -> &'static str {
        match self {
            SpecVersion::V2_0 => "2.0",
            SpecVersion::V2_1 => "2.1",
        }
    }
}

/// A STIX indicator. Its texts are `Cow`s: the elements of its lists (marking references,
/// types, labels) borrow from the bundle where the JSON has no escapes in them. (Single
/// optional texts are still copied: serde borrows a `Cow` field only when its type is exactly
/// `Cow`, not `Option<Cow>`; reading them through `Text` would borrow them too.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StixIndicator<'a> {
    /// `indicator--<uuid>`.
    pub id: Cow<'a, str>,
    /// The version it was written in.
    pub spec_version: SpecVersion,
    /// When it was first created.
    pub created: Option<OffsetDateTime>,
    /// This version's time (an object is identified by id *and* modified).
    pub modified: Option<OffsetDateTime>,
    /// Name.
    pub name: Option<Cow<'a, str>>,
    /// Description.
    pub description: Option<Cow<'a, str>>,
    /// The pattern as written.
    pub pattern: Cow<'a, str>,
    /// `stix` unless the feed says otherwise (`snort`, `yara`, `sigma`).
    pub pattern_type: Cow<'a, str>,
    /// What the pattern became.
    pub outcome: PatternOutcome,
    /// From when it is valid (`created` when the feed left it out).
    pub valid_from: Option<OffsetDateTime>,
    /// Until when, if given.
    pub valid_until: Option<OffsetDateTime>,
    /// STIX 2.1 `indicator_types` (`malicious-activity`, `anomalous-activity`).
    pub indicator_types: Vec<Cow<'a, str>>,
    /// `labels` (in STIX 2.0 the indicator types; in 2.1 free tags).
    pub labels: Vec<Cow<'a, str>>,
    /// Object-level marking references.
    pub object_marking_refs: Vec<Cow<'a, str>>,
    /// Marking references of granular markings (counted for the whole object).
    pub granular_marking_refs: Vec<Cow<'a, str>>,
    /// The identity that created it.
    pub created_by_ref: Option<Cow<'a, str>>,
    /// Confidence 0-100, if given.
    pub confidence: Option<u8>,
    /// True when the producer withdrew it.
    pub revoked: bool,
}

impl StixIndicator<'_> {
    /// Every marking reference, object-level then granular.
    pub fn marking_refs(&self) -> impl Iterator<Item = &str> + Clone {
        self.object_marking_refs
            .iter()
            .chain(&self.granular_marking_refs)
            .map(|r| &**r)
    }
}

/// A STIX marking definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StixMarkingDefinition {
    /// `marking-definition--<uuid>`.
    pub id: String,
    /// Its name, if given (`TLP:GREEN`).
    pub name: Option<String>,
    /// When it was created.
    pub created: Option<OffsetDateTime>,
    /// What it means.
    pub meaning: MarkingMeaning,
}

/// A STIX identity (the producer of information: CISA, an ISAC, a vendor).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StixIdentity {
    /// `identity--<uuid>`.
    pub id: String,
    /// The version it was written in.
    pub spec_version: SpecVersion,
    /// Its name.
    pub name: Option<String>,
    /// `organization`, `individual`, `group`, `system`, `class`.
    pub identity_class: Option<String>,
    /// Sectors (`government`).
    pub sectors: Vec<String>,
    /// This version's time.
    pub modified: Option<OffsetDateTime>,
}

/// Any other object (report, note, sighting, relationship, SCOs, custom objects), kept whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherObject<'a> {
    /// Its id.
    pub id: String,
    /// Its type (`report`, `relationship`, `x-acme-thing`).
    pub object_type: String,
    /// The version it was written in.
    pub spec_version: SpecVersion,
    /// This version's time, if it has one (SCOs do not).
    pub modified: Option<OffsetDateTime>,
    /// Its marking references.
    pub object_marking_refs: Vec<String>,
    /// The object as it was in the file (JSON text).
    pub raw: &'a str,
}

/// One object of a bundle, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StixObject<'a> {
    /// An indicator.
    Indicator(Box<StixIndicator<'a>>),
    /// A marking definition.
    MarkingDefinition(StixMarkingDefinition),
    /// An identity.
    Identity(StixIdentity),
    /// Anything else, kept as JSON text.
    Other(OtherObject<'a>),
}

/// An object that was refused, and why. The others are read all the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Its position in `objects`, from 0.
    pub index: usize,
    /// The line of the file where it starts, from 1.
    pub line: usize,
    /// Its id, if it had a readable one.
    pub id: Option<String>,
    /// What is wrong, naming the field.
    pub reason: String,
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "object {} (line {}, id {}): {}",
            self.index,
            self.line,
            self.id.as_deref().unwrap_or("unknown"),
            self.reason
        )
    }
}

/// What a whole bundle was, once read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BundleSummary {
    /// The bundle's id.
    pub id: Option<String>,
    /// The bundle's `spec_version` (STIX 2.0 bundles have one; 2.1 bundles do not).
    pub spec_version: Option<SpecVersion>,
    /// Objects read, refused ones included.
    pub objects: usize,
    /// Objects refused.
    pub rejected: usize,
}

/// A file that cannot be read as a bundle at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct BundleError {
    /// Line, from 1 (0 when not known).
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// The largest bundle accepted (a bundle of one million indicators is about 500 MB).
pub const MAX_BUNDLE_BYTES: usize = 2 << 30;

/// Reads a bundle, calling `on_object` with each object (or its refusal) in file order.
pub fn read_bundle<'a, F>(input: &'a [u8], mut on_object: F) -> Result<BundleSummary, BundleError>
where
    F: FnMut(Result<StixObject<'a>, Rejected>),
{
    read_bundle_raw(input, |_, o| on_object(o))
}

/// As [`read_bundle`], also passing each object's JSON text as it stands in the file (to keep
/// received objects as they were sent).
pub fn read_bundle_raw<'a, F>(
    input: &'a [u8],
    mut on_object: F,
) -> Result<BundleSummary, BundleError>
where
    F: FnMut(&'a str, Result<StixObject<'a>, Rejected>),
{
    let split = split_bundle(input)?;
    let mut summary = BundleSummary {
        id: split.id,
        spec_version: split.spec_version,
        ..BundleSummary::default()
    };
    let mut lines = Lines::new(input);
    for (index, raw) in split.objects.into_iter().enumerate() {
        summary.objects += 1;
        let result = read_bundle_object(raw, index, summary.spec_version, &mut lines);
        if result.is_err() {
            summary.rejected += 1;
        }
        on_object(raw, result);
    }
    Ok(summary)
}

/// A bundle split into its objects' JSON texts, none of them read yet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BundleObjects<'a> {
    /// The bundle's id.
    pub id: Option<String>,
    /// The bundle's `spec_version` (STIX 2.0), wherever it stands in the file.
    pub spec_version: Option<SpecVersion>,
    /// Each object's text, in file order.
    pub objects: Vec<&'a str>,
}

/// Splits a bundle into its objects' texts without reading them, so that they can be read on
/// several threads with [`read_bundle_object`]. Checks the file's own structure (JSON, a
/// bundle, a known `spec_version`); an object that is wrong in itself, even as JSON, is found
/// when it is read. A plainly written bundle is split by a fast pass over its brackets and
/// quotes (module `split`); anything else by serde_json, which names the line and column of
/// what it cannot read.
pub fn split_bundle(input: &[u8]) -> Result<BundleObjects<'_>, BundleError> {
    if input.len() > MAX_BUNDLE_BYTES {
        return Err(BundleError {
            line: 0,
            column: 0,
            message: format!("the file is larger than {MAX_BUNDLE_BYTES} bytes"),
        });
    }
    if let Some(found) = split::scan(input) {
        bundle_type(found.object_type.as_deref())?;
        return Ok(found.bundle);
    }
    // Not plainly written, or not JSON: serde_json reads what it can and says where not.
    walk(input)
}

/// Checks the bundle's own `type`.
fn bundle_type(object_type: Option<&str>) -> Result<(), BundleError> {
    match object_type {
        Some("bundle") => Ok(()),
        Some(other) => Err(BundleError {
            line: 1,
            column: 1,
            message: format!("the file is a STIX '{other}', not a bundle"),
        }),
        None => Err(BundleError {
            line: 1,
            column: 1,
            message: "the file has no \"type\": \"bundle\"; it is not a STIX bundle".to_string(),
        }),
    }
}

/// Reads one object of a bundle from its text (`objects[index]`); a refusal names its line,
/// counted by `lines`, which must be over the whole file the text is part of.
pub fn read_bundle_object<'a>(
    raw: &'a str,
    index: usize,
    bundle_version: Option<SpecVersion>,
    lines: &mut Lines<'_>,
) -> Result<StixObject<'a>, Rejected> {
    read_object(raw, bundle_version).map_err(|(id, reason)| Rejected {
        index,
        line: lines.line_of(raw),
        id,
        reason,
    })
}

/// Finds the line of the file on which an object's text starts. Objects are mostly asked for
/// in file order, so counting continues from the last answer and the total work stays linear.
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    input: &'a [u8],
    /// The last byte offset whose line is known, and that line.
    at: (usize, usize),
}

impl<'a> Lines<'a> {
    /// Counts lines of `input`, from 1.
    pub fn new(input: &'a [u8]) -> Lines<'a> {
        Lines { input, at: (0, 1) }
    }

    /// The line (from 1) on which `raw`, a slice of the input, starts.
    pub fn line_of(&mut self, raw: &str) -> usize {
        let offset = (raw.as_ptr() as usize)
            .saturating_sub(self.input.as_ptr() as usize)
            .min(self.input.len());
        let (from, line) = if offset < self.at.0 { (0, 1) } else { self.at };
        let more = self.input[from..offset]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.at = (offset, line + more);
        line + more
    }
}

/// Splits the bundle with serde_json, which checks the whole file is JSON.
fn walk(input: &[u8]) -> Result<BundleObjects<'_>, BundleError> {
    let mut de = serde_json::Deserializer::from_slice(input);
    let mut found = BundleObjects::default();
    let json_err = |e: serde_json::Error| BundleError {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    };
    let object_type = (&mut de)
        .deserialize_map(BundleVisitor { found: &mut found })
        .map_err(json_err)?;
    de.end().map_err(json_err)?;
    bundle_type(object_type.as_deref())?;
    Ok(found)
}

struct BundleVisitor<'s, 'a> {
    found: &'s mut BundleObjects<'a>,
}

impl<'de> Visitor<'de> for BundleVisitor<'_, 'de> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a STIX bundle (a JSON object with \"type\": \"bundle\")")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object_type = None;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "type" => object_type = Some(map.next_value::<String>()?),
                "id" => self.found.id = Some(map.next_value::<String>()?),
                "spec_version" => {
                    let v = map.next_value::<String>()?;
                    self.found.spec_version =
                        Some(SpecVersion::parse(&v).map_err(serde::de::Error::custom)?);
                }
                "objects" => map.next_value_seed(ObjectsSeed {
                    objects: &mut self.found.objects,
                })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(object_type)
    }
}

struct ObjectsSeed<'s, 'a> {
    objects: &'s mut Vec<&'a str>,
}

impl<'de> DeserializeSeed<'de> for ObjectsSeed<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ObjectsSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("\"objects\" as a list of STIX objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            self.objects.push(raw.get());
        }
        Ok(())
    }
}

/// The fields we read of any object; the rest is ignored (and kept in the raw text).
#[derive(Deserialize)]
struct Fields<'a> {
    #[serde(rename = "type", borrow)]
    object_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    spec_version: Option<Cow<'a, str>>,
    #[serde(borrow)]
    created: Option<Cow<'a, str>>,
    #[serde(borrow)]
    modified: Option<Cow<'a, str>>,
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    description: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pattern: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pattern_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    valid_from: Option<Cow<'a, str>>,
    #[serde(borrow)]
    valid_until: Option<Cow<'a, str>>,
    #[serde(borrow = "'a", default, deserialize_with = "texts")]
    indicator_types: Vec<Cow<'a, str>>,
    #[serde(borrow = "'a", default, deserialize_with = "texts")]
    labels: Vec<Cow<'a, str>>,
    #[serde(borrow = "'a", default, deserialize_with = "texts")]
    object_marking_refs: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    granular_markings: Vec<GranularMarking<'a>>,
    #[serde(borrow)]
    created_by_ref: Option<Cow<'a, str>>,
    confidence: Option<i64>,
    revoked: Option<bool>,
    definition_type: Option<String>,
    definition: Option<Value>,
    extensions: Option<Value>,
    identity_class: Option<String>,
    #[serde(default)]
    sectors: Vec<String>,
}

#[derive(Deserialize)]
struct GranularMarking<'a> {
    #[serde(borrow)]
    marking_ref: Option<Cow<'a, str>>,
}

/// One string of a list, borrowed from the input where it has no escapes.
#[derive(Deserialize)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

/// A list of strings, each borrowed where it can be (serde borrows a `Cow` only as a field of
/// its own, not as an element of a `Vec`).
fn texts<'de: 'a, 'a, D: Deserializer<'de>>(d: D) -> Result<Vec<Cow<'a, str>>, D::Error> {
    struct Texts;
    impl<'de> Visitor<'de> for Texts {
        type Value = Vec<Cow<'de, str>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of strings")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
            while let Some(Text(t)) = seq.next_element()? {
                out.push(t);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Texts)
}

/// Just the id, to name an object whose other fields could not be read.
#[derive(Deserialize)]
struct IdOnly<'a> {
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
}

fn timestamp(field: &str, v: Option<&str>) -> Result<Option<OffsetDateTime>, String> {
    match v {
        None => Ok(None),
        Some(s) => OffsetDateTime::parse(s, &Rfc3339)
            .map(|t| Some(t.to_offset(time::UtcOffset::UTC)))
            .map_err(|_| {
                format!("field {field}: '{s}' is not an RFC 3339 timestamp (2024-05-01T12:00:00Z)")
            }),
    }
}

/// True for `<type>--<uuid>`.
fn valid_id(id: &str, object_type: &str) -> bool {
    let Some(rest) = id
        .strip_prefix(object_type)
        .and_then(|r| r.strip_prefix("--"))
    else {
        return false;
    };
    let b = rest.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

type ObjectError = (Option<String>, String);

fn read_object(
    raw: &str,
    bundle_version: Option<SpecVersion>,
) -> Result<StixObject<'_>, ObjectError> {
    let f: Fields<'_> = match serde_json::from_str(raw) {
        Ok(f) => f,
        Err(e) => {
            let id = serde_json::from_str::<IdOnly<'_>>(raw)
                .ok()
                .and_then(|i| i.id.map(Cow::into_owned));
            let what = if raw.trim_start().starts_with('{') {
                // serde's message names the field and expected type; its line and column are
                // within the object, so they are dropped in favour of the object's own line.
                let m = e.to_string();
                let m = match m.rfind(" at line ") {
                    Some(i) => m[..i].to_string(),
                    None => m,
                };
                if e.is_syntax() || e.is_eof() {
                    format!("not valid JSON: {m}")
                } else {
                    m
                }
            } else {
                "not a JSON object".to_string()
            };
            return Err((id, what));
        }
    };
    // The id as read, copied again only into a refusal.
    let read_id = f.id.clone();
    let err = |reason: String| (read_id.as_deref().map(str::to_string), reason);
    let Some(object_type) = f.object_type.as_deref() else {
        return Err(err("field type: missing".to_string()));
    };
    let Some(id_str) = f.id.as_deref() else {
        return Err(err("field id: missing".to_string()));
    };
    if !valid_id(id_str, object_type) {
        return Err(err(format!(
            "field id: '{id_str}' is not '{object_type}--' followed by a UUID"
        )));
    }
    let spec_version = match f.spec_version.as_deref() {
        Some(v) => SpecVersion::parse(v).map_err(|m| err(format!("field spec_version: {m}")))?,
        None => bundle_version.unwrap_or(SpecVersion::V2_0),
    };
    let created = timestamp("created", f.created.as_deref()).map_err(err)?;
    let modified = timestamp("modified", f.modified.as_deref()).map_err(err)?;
    if let (Some(c), Some(m)) = (created, modified)
        && m < c
    {
        return Err(err("field modified: earlier than created".to_string()));
    }
    match object_type {
        "indicator" => {
            let Some(pattern) = f.pattern else {
                return Err(err("field pattern: missing".to_string()));
            };
            let valid_from = timestamp("valid_from", f.valid_from.as_deref())
                .map_err(err)?
                .or(created);
            if valid_from.is_none() {
                return Err(err("field valid_from: missing".to_string()));
            }
            let valid_until = timestamp("valid_until", f.valid_until.as_deref()).map_err(err)?;
            let pattern_type = f.pattern_type.unwrap_or(Cow::Borrowed("stix"));
            let outcome = if pattern_type.eq_ignore_ascii_case("stix") {
                parse_pattern(&pattern).map_err(|e| err(format!("field pattern: {e}")))?
            } else {
                PatternOutcome::PatternOnly {
                    reason: format!("pattern_type '{pattern_type}' is not a STIX pattern"),
                }
            };
            let confidence = match f.confidence {
                None => None,
                Some(c @ 0..=100) => u8::try_from(c).ok(),
                Some(c) => {
                    return Err(err(format!("field confidence: {c} is not 0 to 100")));
                }
            };
            Ok(StixObject::Indicator(Box::new(StixIndicator {
                id: read_id.clone().unwrap_or_default(),
                spec_version,
                created,
                modified,
                name: f.name,
                description: f.description,
                pattern,
                pattern_type,
                outcome,
                valid_from,
                valid_until,
                indicator_types: f.indicator_types,
                labels: f.labels,
                object_marking_refs: f.object_marking_refs,
                granular_marking_refs: f
                    .granular_markings
                    .into_iter()
                    .filter_map(|g| g.marking_ref)
                    .collect(),
                created_by_ref: f.created_by_ref,
                confidence,
                revoked: f.revoked.unwrap_or(false),
            })))
        }
        "marking-definition" => {
            let definition = f.definition.unwrap_or(Value::Null);
            let extensions = f.extensions.unwrap_or(Value::Null);
            let meaning = interpret_marking(
                id_str,
                f.name.as_deref(),
                f.definition_type.as_deref(),
                &definition,
                &extensions,
            );
            Ok(StixObject::MarkingDefinition(StixMarkingDefinition {
                id: id_str.to_string(),
                name: f.name.map(Cow::into_owned),
                created,
                meaning,
            }))
        }
        "identity" => Ok(StixObject::Identity(StixIdentity {
            id: id_str.to_string(),
            spec_version,
            name: f.name.map(Cow::into_owned),
            identity_class: f.identity_class,
            sectors: f.sectors,
            modified,
        })),
        other => Ok(StixObject::Other(OtherObject {
            id: id_str.to_string(),
            object_type: other.to_string(),
            spec_version,
            modified,
            object_marking_refs: f
                .object_marking_refs
                .into_iter()
                .map(Cow::into_owned)
                .collect(),
            raw,
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(
        s: &str,
    ) -> (
        Vec<Result<StixObject<'_>, Rejected>>,
        Result<BundleSummary, BundleError>,
    ) {
        let mut v = Vec::new();
        let r = read_bundle(s.as_bytes(), |o| v.push(o));
        (v, r)
    }

    #[test]
    fn objects_come_out_in_order_and_refusals_do_not_stop_the_rest() {
        let s = r#"{"objects": [
            {"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
             "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z",
             "pattern": "[ipv4-addr:value = '198.51.100.7']", "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z"},
            {"type": "indicator", "spec_version": "2.1", "id": "indicator--0e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
             "created": "yesterday", "pattern": "[ipv4-addr:value = '198.51.100.8']"},
            42,
            {"type": "report", "spec_version": "2.1", "id": "report--1e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "name": "r"}
        ], "type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d"}"#;
        let (objs, summary) = read(s);
        let summary = summary.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(summary.objects, 4);
        assert_eq!(summary.rejected, 2);
        assert!(matches!(objs[0], Ok(StixObject::Indicator(_))));
        let r = objs[1].clone().unwrap_err();
        assert_eq!(
            r.id.as_deref(),
            Some("indicator--0e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")
        );
        assert!(r.reason.contains("created"), "{r}");
        assert_eq!(r.line, 5);
        assert_eq!(objs[2].clone().unwrap_err().reason, "not a JSON object");
        match &objs[3] {
            Ok(StixObject::Other(o)) => assert!(o.raw.contains("\"name\": \"r\"")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn split_objects_read_alike_in_any_order() {
        let s = r#"{"type": "bundle", "objects": [
            {"type": "indicator", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
             "created": "2024-01-01T00:00:00Z", "pattern": "[ipv4-addr:value = '198.51.100.7']"},
            {"type": "indicator", "id": "indicator--0e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
             "created": "yesterday", "pattern": "[ipv4-addr:value = '198.51.100.8']"},
            42
        ], "spec_version": "2.0", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d"}"#;
        let (whole, summary) = read(s);
        let summary = summary.unwrap_or_else(|e| panic!("{e}"));
        let split = split_bundle(s.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(split.objects.len(), 3);
        assert_eq!(split.id, summary.id);
        // The bundle's version stands after its objects, and still applies to them.
        assert_eq!(split.spec_version, Some(SpecVersion::V2_0));
        // Read last to first, each refusal still names its own line.
        let mut lines = Lines::new(s.as_bytes());
        let mut backwards: Vec<_> = split
            .objects
            .iter()
            .enumerate()
            .rev()
            .map(|(n, raw)| read_bundle_object(raw, n, split.spec_version, &mut lines))
            .collect();
        backwards.reverse();
        assert_eq!(backwards[1].clone().unwrap_err().line, 4);
        assert_eq!(backwards[2].clone().unwrap_err().line, 6);
        assert_eq!(backwards[1], whole[1]);
        assert_eq!(backwards[2], whole[2]);
        match &backwards[0] {
            Ok(StixObject::Indicator(i)) => assert_eq!(i.spec_version, SpecVersion::V2_0),
            other => panic!("{other:?}"),
        }
        assert!(split_bundle(br#"{"type": "indicator", "objects": []}"#).is_err());
        assert!(split_bundle(br#"{"type": "bundle", "objects": [1,"#).is_err());
    }

    #[test]
    fn an_object_that_is_not_valid_json_is_refused_alone() {
        let s = r#"{"type": "bundle", "objects": [
            {"type": "indicator", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "revoked": tru},
            {"type": "report", "spec_version": "2.1", "id": "report--1e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "name": "r"}
        ]}"#;
        let (objs, summary) = read(s);
        let summary = summary.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((summary.objects, summary.rejected), (2, 1));
        let r = objs[0].clone().unwrap_err();
        assert!(r.reason.starts_with("not valid JSON: "), "{r}");
        assert_eq!(r.line, 2);
        assert!(matches!(objs[1], Ok(StixObject::Other(_))));
        // A string left open throws the file's own structure out: an error for the whole file,
        // with its line.
        let broken = r#"{"type": "bundle", "objects": [
            {"type": "indicator", "id": "indicator--8e2e2d2b},
            {"type": "report"}
        ]}"#;
        let e = read(broken).1.unwrap_err();
        assert!(e.line >= 2, "{e}");
    }

    #[test]
    fn a_file_that_is_not_a_bundle_is_an_error() {
        assert!(read("[1,2]").1.is_err());
        assert!(
            read(r#"{"type": "indicator"}"#)
                .1
                .unwrap_err()
                .message
                .contains("not a bundle")
        );
        assert!(
            read(r#"{"type": "bundle", "objects": [{"a": 1}"#)
                .1
                .is_err()
        );
        assert!(
            read(r#"{"type": "bundle", "spec_version": "3.0"}"#)
                .1
                .is_err()
        );
        assert!(read(r#"{"type": "bundle"} trailing"#).1.is_err());
    }

    #[test]
    fn ids_must_match_the_type() {
        assert!(valid_id(
            "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "indicator"
        ));
        assert!(!valid_id(
            "report--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "indicator"
        ));
        assert!(!valid_id("indicator--8e2e2d2b", "indicator"));
    }
}
