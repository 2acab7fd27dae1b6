//! Reading what a TAXII 2.1 server answers to a client: an envelope of objects (one page of a
//! collection) and the list of collections of an API root.
//!
//! An envelope's objects are handed on as a STIX bundle (`{"type":"bundle","objects":[…]}`)
//! built from their JSON text as received, so a page goes through the same reader, markings
//! and refusals as an uploaded bundle, and nothing is re-serialised.

use serde::Deserialize;

/// The TAXII 2.1 media type, in `Accept` and `Content-Type` both ways.
pub const TAXII_MEDIA_TYPE: &str = "application/taxii+json;version=2.1";
use serde_json::value::RawValue;

/// One page of a collection's objects.
#[derive(Debug)]
pub struct Envelope {
    /// The server has more objects after this page.
    pub more: bool,
    /// The server's token for the next page, when it pages that way.
    pub next: Option<String>,
    /// How many objects the page holds.
    pub objects: usize,
    /// The page's objects as a STIX 2.1 bundle (JSON).
    pub bundle: Vec<u8>,
}

/// An answer that is not what the TAXII 2.1 specification says a server sends.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct EnvelopeError {
    /// Line, from 1 (0 when not known).
    pub line: usize,
    /// Column, from 1 (0 when not known).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl EnvelopeError {
    fn json(e: &serde_json::Error, what: &str) -> EnvelopeError {
        EnvelopeError {
            line: e.line(),
            column: e.column(),
            message: format!("not a TAXII 2.1 {what}: {e}"),
        }
    }
}

#[derive(Deserialize)]
struct RawEnvelope<'a> {
    #[serde(default)]
    more: Option<bool>,
    #[serde(default)]
    next: Option<String>,
    #[serde(default, borrow)]
    objects: Option<Vec<&'a RawValue>>,
}

/// Reads an envelope (`GET …/collections/{id}/objects/`). A missing `objects` is an empty
/// page, as the specification allows.
pub fn read_envelope(body: &[u8]) -> Result<Envelope, EnvelopeError> {
    let raw: RawEnvelope<'_> =
        serde_json::from_slice(body).map_err(|e| EnvelopeError::json(&e, "envelope"))?;
    let objects = raw.objects.unwrap_or_default();
    let mut bundle = Vec::with_capacity(body.len() + 64);
    bundle.extend_from_slice(br#"{"type":"bundle","objects":["#);
    for (i, o) in objects.iter().enumerate() {
        if i > 0 {
            bundle.push(b',');
        }
        bundle.extend_from_slice(o.get().as_bytes());
    }
    bundle.extend_from_slice(b"]}");
    Ok(Envelope {
        more: raw.more.unwrap_or(false),
        next: raw.next.filter(|n| !n.is_empty()),
        objects: objects.len(),
        bundle,
    })
}

/// A collection an API root offers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct Collection {
    /// Its id (used in URLs).
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its description.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether the caller may read it.
    pub can_read: bool,
    /// Whether the caller may write to it.
    pub can_write: bool,
}

#[derive(Deserialize)]
struct Collections {
    #[serde(default)]
    collections: Vec<Collection>,
}

/// Reads the list of collections (`GET {api-root}/collections/`).
pub fn read_collections(body: &[u8]) -> Result<Vec<Collection>, EnvelopeError> {
    let c: Collections =
        serde_json::from_slice(body).map_err(|e| EnvelopeError::json(&e, "collections list"))?;
    Ok(c.collections)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_becomes_a_bundle_of_the_objects_as_sent() {
        let body = br#"{"more": true, "next": "abc",
            "objects": [{"type":"indicator","id":"indicator--1", "x":  [1, 2]}, {"type":"identity"}]}"#;
        let e = read_envelope(body).unwrap();
        assert!(e.more);
        assert_eq!(e.next.as_deref(), Some("abc"));
        assert_eq!(e.objects, 2);
        assert_eq!(
            std::str::from_utf8(&e.bundle).unwrap(),
            r#"{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1", "x":  [1, 2]},{"type":"identity"}]}"#
        );
        let mut seen = 0;
        crate::stix::read_bundle(&e.bundle, |_| seen += 1).unwrap();
        assert_eq!(seen, 2);
    }

    #[test]
    fn an_empty_envelope_is_an_empty_last_page() {
        let e = read_envelope(b"{}").unwrap();
        assert!(!e.more);
        assert_eq!(e.next, None);
        assert_eq!(e.objects, 0);
        crate::stix::read_bundle(&e.bundle, |_| {}).unwrap();
    }

    #[test]
    fn an_answer_that_is_not_an_envelope_names_where() {
        let err = read_envelope(b"{\n \"objects\": 7}").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("not a TAXII 2.1 envelope"), "{err}");
        assert!(read_envelope(b"<html>").is_err());
    }

    #[test]
    fn collections_are_listed() {
        let c = read_collections(
            br#"{"collections":[{"id":"91a7b528-80eb-42ed-a74d-c6fbd5a26116","title":"High Value Indicators","can_read":true,"can_write":false,"media_types":["application/stix+json;version=2.1"]}]}"#,
        )
        .unwrap();
        assert_eq!(c.len(), 1);
        assert!(c[0].can_read && !c[0].can_write);
        assert_eq!(read_collections(b"{}").unwrap(), vec![]);
    }
}
