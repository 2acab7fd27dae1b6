//! MISP feeds: a folder (or URL) with `manifest.json`, keyed by event UUID, and one
//! `<uuid>.json` per event.
//!
//! The manifest says which events exist and when each last changed (so intake fetches only
//! changed ones); an event file holds the event's attributes, loose or grouped in objects.
//! Attributes of the types that are indicators (`ip-dst`, `domain`, `url`, `md5`,
//! `filename|sha256`, `ip-dst|port`, …) become [`Indicator`]s; other types (`text`, `link`,
//! `yara`, `vulnerability`, …) are counted as skipped, not refused. An attribute of an
//! indicator type whose value is wrong is refused with the event's and the attribute's UUID;
//! the rest of the event is read all the same.
//!
//! Markings: `tlp:*` tags (TLP 1.0 and 2.0 names) and the caveat tags `fouo`, `cui`,
//! `caveat:fouo`, `caveat:cui`. An attribute carries the most restrictive of its own tags and
//! its event's.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use cybernav_core::sharing::{Caveat, Caveats, Indicator, IndicatorKind, Tlp};
use serde::Deserialize;
use serde_json::value::RawValue;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

/// The most events a manifest may list, and attributes an event may hold.
pub const MAX_ITEMS: usize = 2_000_000;

/// A file that cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MispError(pub String);

/// A MISP tag, as the name says it.
#[derive(Debug, Clone, Deserialize)]
struct RawTag {
    name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Flex<'a> {
    Bool(bool),
    Int(i64),
    #[serde(borrow)]
    Str(Cow<'a, str>),
}

impl Flex<'_> {
    fn as_i64(&self) -> Option<i64> {
        match self {
            Flex::Int(i) => Some(*i),
            Flex::Str(s) => s.trim().parse().ok(),
            Flex::Bool(b) => Some(i64::from(*b)),
        }
    }

    fn as_bool(&self) -> Option<bool> {
        match self {
            Flex::Bool(b) => Some(*b),
            Flex::Int(i) => Some(*i != 0),
            Flex::Str(s) => match s.trim() {
                "1" | "true" | "True" => Some(true),
                "0" | "false" | "False" | "" => Some(false),
                _ => None,
            },
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
struct RawOrg {
    name: Option<String>,
}

/// The markings of a set of MISP tags.
fn markings_of(tags: &[String]) -> (Option<Tlp>, Caveats) {
    let mut tlp: Option<Tlp> = None;
    let mut caveats = Caveats::new();
    for t in tags {
        let lower = t.trim().to_ascii_lowercase();
        if let Some(level) = lower.strip_prefix("tlp:") {
            if let Ok(l) = Tlp::parse(level) {
                tlp = Some(tlp.map_or(l, |o| o.max(l)));
            }
        } else {
            let name = lower.strip_prefix("caveat:").unwrap_or(&lower);
            if name == "fouo" {
                caveats.insert(Caveat::Fouo);
            } else if name == "cui" {
                caveats.insert(Caveat::Cui);
            }
        }
    }
    (tlp, caveats)
}

fn tag_names(tags: Vec<RawTag>) -> Vec<String> {
    tags.into_iter().filter_map(|t| t.name).collect()
}

fn epoch(v: Option<&Flex<'_>>) -> Result<Option<OffsetDateTime>, String> {
    match v {
        None => Ok(None),
        Some(f) => {
            let secs = f
                .as_i64()
                .ok_or_else(|| "timestamp: not seconds since 1970".to_string())?;
            OffsetDateTime::from_unix_timestamp(secs)
                .map(Some)
                .map_err(|_| format!("timestamp: {secs} is out of range"))
        }
    }
}

fn day(s: Option<&str>) -> Result<Option<Date>, String> {
    match s {
        None => Ok(None),
        Some(s) => Date::parse(
            s.trim(),
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map(Some)
        .map_err(|_| format!("date: '{s}' is not YYYY-MM-DD")),
    }
}

fn small(v: Option<&Flex<'_>>, field: &str, max: i64) -> Result<Option<u8>, String> {
    match v.map(|f| f.as_i64()) {
        None => Ok(None),
        Some(Some(n)) if (0..=max).contains(&n) => Ok(u8::try_from(n).ok()),
        Some(_) => Err(format!("{field}: not a number from 0 to {max}")),
    }
}

/// One event as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestEntry {
    /// The event's UUID (its file is `<uuid>.json`).
    pub uuid: String,
    /// Its title.
    pub info: String,
    /// Its date.
    pub date: Option<Date>,
    /// 1 high, 2 medium, 3 low, 4 undefined.
    pub threat_level: Option<u8>,
    /// 0 initial, 1 ongoing, 2 complete.
    pub analysis: Option<u8>,
    /// When it last changed.
    pub timestamp: Option<OffsetDateTime>,
    /// The creating organisation's name.
    pub org: Option<String>,
    /// Its tags.
    pub tags: Vec<String>,
    /// Its TLP level from `tlp:` tags.
    pub tlp: Option<Tlp>,
    /// Its caveats from tags.
    pub caveats: Caveats,
}

/// A manifest entry that was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestRejected {
    /// The key it was listed under.
    pub uuid: String,
    /// What is wrong.
    pub reason: String,
}

/// What a manifest held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// The events, ordered by UUID.
    pub events: Vec<ManifestEntry>,
    /// Entries refused.
    pub rejected: Vec<ManifestRejected>,
}

#[derive(Deserialize)]
struct RawManifestEntry<'a> {
    info: Option<String>,
    #[serde(borrow)]
    date: Option<Cow<'a, str>>,
    #[serde(borrow)]
    threat_level_id: Option<Flex<'a>>,
    #[serde(borrow)]
    analysis: Option<Flex<'a>>,
    #[serde(borrow)]
    timestamp: Option<Flex<'a>>,
    #[serde(rename = "Orgc")]
    orgc: Option<RawOrg>,
    #[serde(rename = "Tag", default)]
    tags: Vec<RawTag>,
}

fn valid_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Reads `manifest.json`.
pub fn read_manifest(bytes: &[u8]) -> Result<Manifest, MispError> {
    let entries: BTreeMap<String, &RawValue> =
        serde_json::from_slice(bytes).map_err(|e| MispError(format!("manifest.json: {e}")))?;
    if entries.len() > MAX_ITEMS {
        return Err(MispError(format!(
            "manifest.json: more than {MAX_ITEMS} events"
        )));
    }
    let mut out = Manifest::default();
    for (uuid, v) in entries {
        let reject = |reason: String| ManifestRejected {
            uuid: uuid.clone(),
            reason,
        };
        if !valid_uuid(&uuid) {
            out.rejected
                .push(reject("the key is not an event UUID".to_string()));
            continue;
        }
        let e: RawManifestEntry<'_> = match serde_json::from_str(v.get()) {
            Ok(e) => e,
            Err(err) => {
                out.rejected.push(reject(strip_position(&err)));
                continue;
            }
        };
        let parsed = (|| -> Result<ManifestEntry, String> {
            let tags = tag_names(e.tags);
            let (tlp, caveats) = markings_of(&tags);
            Ok(ManifestEntry {
                uuid: uuid.to_ascii_lowercase(),
                info: e.info.unwrap_or_default(),
                date: day(e.date.as_deref())?,
                threat_level: small(e.threat_level_id.as_ref(), "threat_level_id", 4)?,
                analysis: small(e.analysis.as_ref(), "analysis", 2)?,
                timestamp: epoch(e.timestamp.as_ref())?,
                org: e.orgc.and_then(|o| o.name),
                tags,
                tlp,
                caveats,
            })
        })();
        match parsed {
            Ok(m) => out.events.push(m),
            Err(reason) => out.rejected.push(reject(reason)),
        }
    }
    Ok(out)
}

fn strip_position(e: &serde_json::Error) -> String {
    let m = e.to_string();
    match m.rfind(" at line ") {
        Some(i) => m[..i].to_string(),
        None => m,
    }
}

/// One indicator from an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MispIndicator {
    /// The attribute's UUID.
    pub attribute_uuid: String,
    /// The object it belongs to, if any.
    pub object_uuid: Option<String>,
    /// The object's name (`file`, `domain-ip`), if any.
    pub object_name: Option<String>,
    /// The MISP type (`ip-dst|port`).
    pub misp_type: String,
    /// The MISP category (`Network activity`).
    pub category: Option<String>,
    /// The indicator.
    pub indicator: Indicator,
    /// The other half of a composite value (the file name of `filename|sha256`, the port of
    /// `ip-dst|port`).
    pub context: Option<String>,
    /// MISP's "to IDS" flag: meant for detection.
    pub to_ids: bool,
    /// The comment.
    pub comment: Option<String>,
    /// When the attribute last changed.
    pub timestamp: Option<OffsetDateTime>,
    /// The attribute's own tags.
    pub tags: Vec<String>,
    /// Its TLP level: the most restrictive of its tags and its event's.
    pub tlp: Option<Tlp>,
    /// Its caveats and its event's.
    pub caveats: Caveats,
}

/// An attribute that was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MispRejected {
    /// The event.
    pub event_uuid: String,
    /// The attribute, if its UUID could be read.
    pub attribute_uuid: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for MispRejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "event {}, attribute {}: {}",
            self.event_uuid,
            self.attribute_uuid.as_deref().unwrap_or("unknown"),
            self.reason
        )
    }
}

/// One event file, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MispEvent {
    /// Its UUID.
    pub uuid: String,
    /// Its title.
    pub info: String,
    /// Its date.
    pub date: Option<Date>,
    /// 1 high, 2 medium, 3 low, 4 undefined.
    pub threat_level: Option<u8>,
    /// 0 initial, 1 ongoing, 2 complete.
    pub analysis: Option<u8>,
    /// When it last changed.
    pub timestamp: Option<OffsetDateTime>,
    /// The creating organisation's name.
    pub org: Option<String>,
    /// The event's tags.
    pub tags: Vec<String>,
    /// The event's TLP level.
    pub tlp: Option<Tlp>,
    /// The event's caveats.
    pub caveats: Caveats,
    /// Its indicators.
    pub indicators: Vec<MispIndicator>,
    /// Attributes refused.
    pub rejected: Vec<MispRejected>,
    /// Attributes of types that are not indicators, counted by type.
    pub skipped: BTreeMap<String, usize>,
}

#[derive(Deserialize)]
struct RawEventFile<'a> {
    #[serde(rename = "Event", borrow)]
    event: RawEvent<'a>,
}

#[derive(Deserialize)]
struct RawEvent<'a> {
    uuid: Option<String>,
    info: Option<String>,
    #[serde(borrow)]
    date: Option<Cow<'a, str>>,
    #[serde(borrow)]
    threat_level_id: Option<Flex<'a>>,
    #[serde(borrow)]
    analysis: Option<Flex<'a>>,
    #[serde(borrow)]
    timestamp: Option<Flex<'a>>,
    #[serde(rename = "Orgc")]
    orgc: Option<RawOrg>,
    #[serde(rename = "Tag", default)]
    tags: Vec<RawTag>,
    #[serde(rename = "Attribute", default, borrow)]
    attributes: Vec<&'a RawValue>,
    #[serde(rename = "Object", default, borrow)]
    objects: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawObject<'a> {
    uuid: Option<String>,
    name: Option<String>,
    #[serde(rename = "Attribute", default, borrow)]
    attributes: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawAttribute<'a> {
    uuid: Option<String>,
    #[serde(rename = "type")]
    attr_type: Option<String>,
    category: Option<String>,
    value: Option<String>,
    #[serde(borrow)]
    to_ids: Option<Flex<'a>>,
    comment: Option<String>,
    #[serde(borrow)]
    timestamp: Option<Flex<'a>>,
    #[serde(borrow)]
    deleted: Option<Flex<'a>>,
    #[serde(rename = "Tag", default)]
    tags: Vec<RawTag>,
}

#[derive(Deserialize)]
struct UuidOnly {
    uuid: Option<String>,
}

fn ip(value: &str) -> Result<Indicator, String> {
    let kind = if value.contains(':') {
        IndicatorKind::Ipv6
    } else {
        IndicatorKind::Ipv4
    };
    Indicator::parse(kind, value).map_err(|e| e.to_string())
}

fn one(kind: IndicatorKind, value: &str) -> Result<Indicator, String> {
    Indicator::parse(kind, value).map_err(|e| e.to_string())
}

/// Indicators of one attribute, each with the other half of a composite value.
pub type Mapped = Vec<(Indicator, Option<String>)>;

/// The indicators of one attribute; `None` when the type is not one that makes indicators.
pub fn map_attribute(misp_type: &str, value: &str) -> Option<Result<Mapped, String>> {
    let t = misp_type.trim().to_ascii_lowercase();
    let split = |v: &str| -> Result<(String, String), String> {
        v.split_once('|')
            .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
            .ok_or_else(|| format!("a '{t}' value is two parts joined by '|'"))
    };
    let hash_kind = |h: &str| match h {
        "md5" => Some(IndicatorKind::Md5),
        "sha1" => Some(IndicatorKind::Sha1),
        "sha256" => Some(IndicatorKind::Sha256),
        "sha512" => Some(IndicatorKind::Sha512),
        _ => None,
    };
    let r: Result<Mapped, String> = match t.as_str() {
        "ip-src" | "ip-dst" => ip(value).map(|i| vec![(i, None)]),
        "domain" | "hostname" => one(IndicatorKind::Domain, value).map(|i| vec![(i, None)]),
        "url" | "uri" => one(IndicatorKind::Url, value).map(|i| vec![(i, None)]),
        "vulnerability" => one(IndicatorKind::Cve, value).map(|i| vec![(i, None)]),
        "email" | "email-src" | "email-dst" | "email-reply-to" | "whois-registrant-email" => {
            one(IndicatorKind::Email, value).map(|i| vec![(i, None)])
        }
        "md5" | "sha1" | "sha256" | "sha512" => one(hash_kind(&t)?, value).map(|i| vec![(i, None)]),
        "ip-src|port" | "ip-dst|port" => split(value).and_then(|(a, p)| {
            // An IPv6 address holds colons, so the port is after the last '|' only.
            Ok(vec![(ip(&a)?, Some(p))])
        }),
        "hostname|port" => {
            split(value).and_then(|(h, p)| Ok(vec![(one(IndicatorKind::Domain, &h)?, Some(p))]))
        }
        "domain|ip" => split(value).and_then(|(d, a)| {
            Ok(vec![
                (one(IndicatorKind::Domain, &d)?, Some(a.clone())),
                (ip(&a)?, Some(d)),
            ])
        }),
        _ => match t.strip_prefix("filename|") {
            Some(h) => {
                let kind = hash_kind(h)?;
                split(value).and_then(|(name, hash)| Ok(vec![(one(kind, &hash)?, Some(name))]))
            }
            None => return None,
        },
    };
    Some(r)
}

/// Reads one event file (`{"Event": {...}}`).
pub fn read_event(bytes: &[u8]) -> Result<MispEvent, MispError> {
    let file: RawEventFile<'_> =
        serde_json::from_slice(bytes).map_err(|e| MispError(format!("event file: {e}")))?;
    let e = file.event;
    let uuid = e
        .uuid
        .filter(|u| valid_uuid(u))
        .ok_or_else(|| MispError("event file: Event.uuid is missing or not a UUID".to_string()))?
        .to_ascii_lowercase();
    let bad = |m: String| MispError(format!("event {uuid}: {m}"));
    let tags = tag_names(e.tags);
    let (tlp, caveats) = markings_of(&tags);
    let mut event = MispEvent {
        info: e.info.unwrap_or_default(),
        date: day(e.date.as_deref()).map_err(bad)?,
        threat_level: small(e.threat_level_id.as_ref(), "threat_level_id", 4).map_err(bad)?,
        analysis: small(e.analysis.as_ref(), "analysis", 2).map_err(bad)?,
        timestamp: epoch(e.timestamp.as_ref()).map_err(bad)?,
        org: e.orgc.and_then(|o| o.name),
        tags,
        tlp,
        caveats,
        indicators: Vec::new(),
        rejected: Vec::new(),
        skipped: BTreeMap::new(),
        uuid,
    };
    let total = e.attributes.len() + e.objects.len();
    if total > MAX_ITEMS {
        return Err(MispError(format!(
            "event {}: more than {MAX_ITEMS} attributes and objects",
            event.uuid
        )));
    }
    for raw in e.attributes {
        read_attribute(&mut event, raw, None, None);
    }
    for raw in e.objects {
        match serde_json::from_str::<RawObject<'_>>(raw.get()) {
            Ok(o) => {
                for a in o.attributes {
                    read_attribute(&mut event, a, o.uuid.as_deref(), o.name.as_deref());
                }
            }
            Err(err) => {
                let id = serde_json::from_str::<UuidOnly>(raw.get())
                    .ok()
                    .and_then(|u| u.uuid);
                event.rejected.push(MispRejected {
                    event_uuid: event.uuid.clone(),
                    attribute_uuid: id,
                    reason: format!("object: {}", strip_position(&err)),
                });
            }
        }
    }
    Ok(event)
}

fn read_attribute(
    event: &mut MispEvent,
    raw: &RawValue,
    object_uuid: Option<&str>,
    object_name: Option<&str>,
) {
    let reject = |event: &mut MispEvent, id: Option<String>, reason: String| {
        event.rejected.push(MispRejected {
            event_uuid: event.uuid.clone(),
            attribute_uuid: id,
            reason,
        });
    };
    let a: RawAttribute<'_> = match serde_json::from_str(raw.get()) {
        Ok(a) => a,
        Err(err) => {
            let id = serde_json::from_str::<UuidOnly>(raw.get())
                .ok()
                .and_then(|u| u.uuid);
            reject(event, id, strip_position(&err));
            return;
        }
    };
    if a.deleted.as_ref().and_then(Flex::as_bool) == Some(true) {
        return;
    }
    let Some(uuid) = a.uuid.filter(|u| valid_uuid(u)) else {
        reject(event, None, "uuid: missing or not a UUID".to_string());
        return;
    };
    let id = Some(uuid.clone());
    let Some(attr_type) = a.attr_type else {
        reject(event, id, "type: missing".to_string());
        return;
    };
    let Some(value) = a.value else {
        reject(event, id, "value: missing".to_string());
        return;
    };
    let mapped = match map_attribute(&attr_type, &value) {
        None => {
            *event.skipped.entry(attr_type).or_insert(0) += 1;
            return;
        }
        Some(Err(reason)) => {
            reject(event, id, format!("value ({attr_type}): {reason}"));
            return;
        }
        Some(Ok(m)) => m,
    };
    let timestamp = match epoch(a.timestamp.as_ref()) {
        Ok(t) => t,
        Err(reason) => {
            reject(event, id, reason);
            return;
        }
    };
    let tags = tag_names(a.tags);
    let (own_tlp, own_caveats) = markings_of(&tags);
    let tlp = match (event.tlp, own_tlp) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    };
    let mut caveats = event.caveats.clone();
    caveats.extend(own_caveats);
    let to_ids = a.to_ids.as_ref().and_then(Flex::as_bool).unwrap_or(false);
    for (indicator, context) in mapped {
        event.indicators.push(MispIndicator {
            attribute_uuid: uuid.to_ascii_lowercase(),
            object_uuid: object_uuid.map(str::to_string),
            object_name: object_name.map(str::to_string),
            misp_type: attr_type.clone(),
            category: a.category.clone(),
            indicator,
            context,
            to_ids,
            comment: a.comment.clone().filter(|c| !c.is_empty()),
            timestamp,
            tags: tags.clone(),
            tlp,
            caveats: caveats.clone(),
        });
    }
}

/// The RFC 3339 text of an event's timestamp, for logs and reports.
pub fn format_timestamp(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = r#"{"Event": {
        "uuid": "5e6f7a8b-1c2d-4e3f-9a0b-1c2d3e4f5a6b", "info": "Phishing against county clerks",
        "date": "2026-02-10", "threat_level_id": "2", "analysis": "1", "timestamp": "1770700000",
        "Orgc": {"name": "Example ISAC"}, "Tag": [{"name": "tlp:amber"}, {"name": "fouo"}],
        "Attribute": [
            {"uuid": "11111111-1111-4111-8111-111111111111", "type": "ip-dst|port", "category": "Network activity",
             "value": "2001:db8::7|443", "to_ids": true, "timestamp": "1770700000", "comment": ""},
            {"uuid": "22222222-2222-4222-8222-222222222222", "type": "domain", "value": "vote-info..example", "to_ids": true},
            {"uuid": "33333333-3333-4333-8333-333333333333", "type": "text", "value": "free words"},
            {"uuid": "44444444-4444-4444-8444-444444444444", "type": "url", "value": "https://x.example/", "timestamp": "soon"},
            {"type": "md5", "value": "d41d8cd98f00b204e9800998ecf8427e"},
            {"uuid": "55555555-5555-4555-8555-555555555555", "type": "domain|ip", "value": "c2.example|198.51.100.9",
             "Tag": [{"name": "tlp:red"}]}
        ],
        "Object": [{"uuid": "66666666-6666-4666-8666-666666666666", "name": "file", "Attribute": [
            {"uuid": "77777777-7777-4777-8777-777777777777", "type": "filename|sha256",
             "value": "ballot.exe|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "to_ids": "1"}
        ]}]
    }}"#;

    #[test]
    fn an_event_becomes_indicators_refusals_and_skips() {
        let e = read_event(EVENT.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e.threat_level, Some(2));
        assert_eq!(e.tlp, Some(Tlp::Amber));
        assert!(e.caveats.contains(&Caveat::Fouo));
        let got: Vec<String> = e
            .indicators
            .iter()
            .map(|i| i.indicator.to_string())
            .collect();
        assert_eq!(
            got,
            [
                "ipv6:2001:db8::7",
                "domain:c2.example",
                "ipv4:198.51.100.9",
                &format!("sha256:{}", "a".repeat(64))
            ]
        );
        assert_eq!(e.indicators[0].context.as_deref(), Some("443"));
        assert_eq!(e.indicators[1].tlp, Some(Tlp::Red));
        assert_eq!(e.indicators[3].context.as_deref(), Some("ballot.exe"));
        assert_eq!(e.indicators[3].object_name.as_deref(), Some("file"));
        assert!(e.indicators[3].to_ids);
        assert_eq!(e.skipped.get("text"), Some(&1));
        let rej: Vec<(Option<&str>, &str)> = e
            .rejected
            .iter()
            .map(|r| (r.attribute_uuid.as_deref(), r.reason.as_str()))
            .collect();
        assert_eq!(rej.len(), 3, "{rej:?}");
        assert_eq!(rej[0].0, Some("22222222-2222-4222-8222-222222222222"));
        assert!(rej[0].1.contains("vote-info..example"));
        assert!(rej[1].1.contains("timestamp"));
        assert_eq!(rej[2].0, None);
    }

    #[test]
    fn manifest_entries_are_read_or_refused_one_by_one() {
        let m = read_manifest(
            br#"{
            "5e6f7a8b-1c2d-4e3f-9a0b-1c2d3e4f5a6b": {"info": "a", "date": "2026-02-10", "threat_level_id": 1,
                "analysis": 2, "timestamp": "1770700000", "Tag": [{"name": "tlp:clear"}]},
            "not-a-uuid": {"info": "b"},
            "6e6f7a8b-1c2d-4e3f-9a0b-1c2d3e4f5a6b": {"info": "c", "date": "10/02/2026"}
        }"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.events.len(), 1);
        assert_eq!(m.events[0].tlp, Some(Tlp::Clear));
        assert_eq!(m.rejected.len(), 2);
        assert!(read_manifest(b"[]").is_err());
        assert!(read_event(b"{\"Event\": {}}").is_err());
    }
}
