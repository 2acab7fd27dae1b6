//! Markings on shared information, and the one decision of who may see a marked item.
//!
//! A marking has two independent axes: the Traffic Light Protocol level ([`Tlp`], FIRST's
//! TLP 2.0, with TLP 1.0 labels read as their 2.0 equivalents) and handling caveats
//! ([`Caveat`]: For Official Use Only, CUI, others). FOUO is *not* a TLP level: an item may be
//! `TLP:GREEN` and FOUO at once, and a reader must pass both axes. [`may_see`] is the only
//! place that decides; the pages, the API, the daily digest and the TAXII server all call it,
//! so they cannot disagree. See `docs/SHARING.md`, "Markings and the access decision".

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use uuid::Uuid;

/// A Traffic Light Protocol level (TLP 2.0). The order is by restrictiveness:
/// `Clear < Green < Amber < AmberStrict < Red`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tlp {
    /// `TLP:CLEAR` (TLP 1.0 `WHITE`): anyone, public channels included.
    Clear,
    /// `TLP:GREEN`: the program's community, not public channels.
    Green,
    /// `TLP:AMBER`: the recipient's organisation and its clients.
    Amber,
    /// `TLP:AMBER+STRICT`: the recipient's organisation only.
    AmberStrict,
    /// `TLP:RED`: the named people only.
    Red,
}

/// The STIX 2.1 marking-definition ids of TLP 2.0, fixed by OASIS in
/// cti-stix-common-objects (extension `extension-definition--60a3c5c5-…`).
const TLP2_IDS: [(Tlp, &str); 5] = [
    (
        Tlp::Clear,
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    ),
    (
        Tlp::Green,
        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    ),
    (
        Tlp::Amber,
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    ),
    (
        Tlp::AmberStrict,
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    ),
    (
        Tlp::Red,
        "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    ),
];

/// The STIX 2.0/2.1 marking-definition ids of TLP 1.0, predefined by the STIX specification.
/// TLP 1.0 had no AMBER+STRICT; WHITE is read as CLEAR.
const TLP1_IDS: [(Tlp, &str); 4] = [
    (
        Tlp::Clear,
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
    ),
    (
        Tlp::Green,
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
    ),
    (
        Tlp::Amber,
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    ),
    (
        Tlp::Red,
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
    ),
];

/// The STIX extension-definition under which TLP 2.0 marking definitions carry `tlp_2_0`.
pub const TLP2_EXTENSION_ID: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

impl Tlp {
    /// Every level, least restrictive first.
    pub const ALL: [Tlp; 5] = [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ];

    /// The label as TLP 2.0 writes it, for subjects, headers and footers (`TLP:AMBER+STRICT`).
    pub fn label(self) -> &'static str {
        match self {
            Tlp::Clear => "TLP:CLEAR",
            Tlp::Green => "TLP:GREEN",
            Tlp::Amber => "TLP:AMBER",
            Tlp::AmberStrict => "TLP:AMBER+STRICT",
            Tlp::Red => "TLP:RED",
        }
    }

    /// The stable identifier stored in the database and used in the API (`amber_strict`).
    pub fn as_str(self) -> &'static str {
        match self {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber_strict",
            Tlp::Red => "red",
        }
    }

    /// Who may receive it, in a sentence a county clerk reads.
    pub fn audience(self) -> &'static str {
        match self {
            Tlp::Clear => "Anyone; may be made public.",
            Tlp::Green => "People in the Cyber Navigator Program community; not public channels.",
            Tlp::Amber => "The receiving organisation and, where the Board allows, its clients.",
            Tlp::AmberStrict => "The receiving organisation only.",
            Tlp::Red => "The people named on the item only.",
        }
    }

    /// Reads a TLP label: TLP 2.0 (`TLP:AMBER+STRICT`, `amber+strict`, `amber_strict`) or TLP 1.0
    /// (`TLP:WHITE` is read as `TLP:CLEAR`). Case and spaces around the colon do not matter;
    /// the `TLP:` prefix is optional.
    pub fn parse(s: &str) -> Result<Tlp, String> {
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        let rest = match lower.strip_prefix("tlp") {
            Some(r) => r.trim_start().strip_prefix(':').unwrap_or(r).trim(),
            None => lower.as_str(),
        };
        let squeezed: String = rest.chars().filter(|c| !c.is_whitespace()).collect();
        match squeezed.as_str() {
            "clear" | "white" => Ok(Tlp::Clear),
            "green" => Ok(Tlp::Green),
            "amber" => Ok(Tlp::Amber),
            "amber+strict" | "amber_strict" | "amberstrict" | "amber-strict" => {
                Ok(Tlp::AmberStrict)
            }
            "red" => Ok(Tlp::Red),
            _ => Err(format!(
                "'{t}' is not a TLP label; expected TLP:CLEAR, TLP:GREEN, TLP:AMBER, \
                 TLP:AMBER+STRICT or TLP:RED (TLP:WHITE is read as TLP:CLEAR)"
            )),
        }
    }

    /// The STIX 2.1 marking-definition id of this level under TLP 2.0.
    pub fn stix_id(self) -> &'static str {
        TLP2_IDS
            .iter()
            .find(|(t, _)| *t == self)
            .map(|(_, id)| *id)
            .unwrap_or(TLP2_IDS[0].1)
    }

    /// The STIX marking-definition id of this level under TLP 1.0, for STIX 2.0 consumers.
    /// `AmberStrict` did not exist in TLP 1.0: it is written as TLP 1.0 RED, the nearest level
    /// that does not widen the audience.
    pub fn stix_tlp1_id(self) -> &'static str {
        let level = if self == Tlp::AmberStrict {
            Tlp::Red
        } else {
            self
        };
        TLP1_IDS
            .iter()
            .find(|(t, _)| *t == level)
            .map(|(_, id)| *id)
            .unwrap_or(TLP1_IDS[0].1)
    }

    /// The level of a well-known TLP marking-definition id, 1.0 or 2.0; `None` for any other id.
    pub fn from_stix_id(id: &str) -> Option<Tlp> {
        TLP2_IDS
            .iter()
            .chain(TLP1_IDS.iter())
            .find(|(_, known)| *known == id)
            .map(|(t, _)| *t)
    }

    /// The most restrictive level of a set (for a digest's subject line); `Clear` when empty.
    pub fn highest(levels: impl IntoIterator<Item = Tlp>) -> Tlp {
        levels.into_iter().max().unwrap_or(Tlp::Clear)
    }
}

impl fmt::Display for Tlp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for Tlp {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Tlp::parse(s)
    }
}

impl Serialize for Tlp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Tlp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Tlp::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A handling caveat: a marking axis separate from TLP.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Caveat {
    /// For Official Use Only (CISA's AIS feed sends it as ACS 3.0 `formal_determination: FOUO`).
    Fouo,
    /// Controlled Unclassified Information, FOUO's successor.
    Cui,
    /// Any other caveat a source attached, upper-cased (`LES`, `PROPIN`). Kept so nothing a
    /// source said is lost, and treated as restrictively as FOUO.
    Other(String),
}

impl Caveat {
    /// The label shown beside the TLP label (`FOUO`, `CUI`, or the caveat as given).
    pub fn label(&self) -> &str {
        match self {
            Caveat::Fouo => "FOUO",
            Caveat::Cui => "CUI",
            Caveat::Other(s) => s,
        }
    }

    /// Reads a caveat. `FOUO`, `For Official Use Only`, `CUI`, `Controlled Unclassified
    /// Information` are recognised; anything else non-empty is kept as [`Caveat::Other`].
    pub fn parse(s: &str) -> Result<Caveat, String> {
        let t = s.trim();
        if t.is_empty() {
            return Err("a caveat is empty".to_string());
        }
        let norm: String = t
            .chars()
            .map(|c| if c == '_' || c == '-' { ' ' } else { c })
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_uppercase();
        Ok(match norm.as_str() {
            "FOUO" | "FOR OFFICIAL USE ONLY" | "U//FOUO" => Caveat::Fouo,
            "CUI" | "CONTROLLED UNCLASSIFIED INFORMATION" => Caveat::Cui,
            _ => Caveat::Other(norm),
        })
    }

    /// True when a reader needs a current need-to-know approval. Every caveat does: FOUO and
    /// CUI by the rule (213.30(a)(4)), and caveats we do not know because refusing is the safe
    /// reading of a handling instruction we cannot interpret.
    pub fn needs_need_to_know(&self) -> bool {
        true
    }
}

impl fmt::Display for Caveat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Serialize for Caveat {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

impl<'de> Deserialize<'de> for Caveat {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Caveat::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The caveats on an item, in a stable order.
pub type Caveats = BTreeSet<Caveat>;

/// Every marking of one shared item (or one paragraph of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marking {
    /// The TLP level.
    pub tlp: Tlp,
    /// Handling caveats (FOUO, CUI, …); empty for none.
    #[serde(default)]
    pub caveats: Caveats,
    /// For `TLP:RED`: the people (account ids) it is for. Ignored at other levels.
    #[serde(default)]
    pub named_recipients: BTreeSet<Uuid>,
}

impl Marking {
    /// A marking of one level with no caveats and nobody named.
    pub fn tlp(tlp: Tlp) -> Marking {
        Marking {
            tlp,
            caveats: Caveats::new(),
            named_recipients: BTreeSet::new(),
        }
    }

    /// Adds a caveat.
    pub fn with_caveat(mut self, caveat: Caveat) -> Marking {
        self.caveats.insert(caveat);
        self
    }

    /// True when any caveat asks for a need-to-know approval.
    pub fn needs_need_to_know(&self) -> bool {
        self.caveats.iter().any(Caveat::needs_need_to_know)
    }

    /// The label written in a subject line, header or footer: the TLP label, then the caveats
    /// (`TLP:AMBER FOUO`).
    pub fn label(&self) -> String {
        let mut s = self.tlp.label().to_string();
        for c in &self.caveats {
            s.push(' ');
            s.push_str(c.label());
        }
        s
    }

    /// The combined marking of several pieces shown together (a digest, a document): the most
    /// restrictive TLP level and every caveat. Named recipients are those named on *every*
    /// RED piece, since only they may see all of it.
    pub fn highest<'a>(markings: impl IntoIterator<Item = &'a Marking>) -> Marking {
        let mut out = Marking::tlp(Tlp::Clear);
        let mut named: Option<BTreeSet<Uuid>> = None;
        for m in markings {
            out.tlp = out.tlp.max(m.tlp);
            out.caveats.extend(m.caveats.iter().cloned());
            if m.tlp == Tlp::Red {
                named = Some(match named {
                    None => m.named_recipients.clone(),
                    Some(n) => n.intersection(&m.named_recipients).copied().collect(),
                });
            }
        }
        out.named_recipients = named.unwrap_or_default();
        out
    }

    /// The one order of markings from the least to the most restrictive, used wherever one
    /// of several markings of the same information is chosen (the TAXII server's indicators,
    /// the daily digest). No caveat comes before any caveat (a caveat needs a need-to-know
    /// approval whatever the level), then the lower TLP level, then fewer caveats; the
    /// tie-break between different markings that are otherwise equal is the caveats
    /// themselves, then at `TLP:RED` more people named before fewer, then the people. Two
    /// markings compare equal only when they are equal.
    pub fn cmp_restrictiveness(&self, other: &Marking) -> Ordering {
        let key = |m: &Marking| (!m.caveats.is_empty(), m.tlp, m.caveats.len());
        key(self)
            .cmp(&key(other))
            .then_with(|| self.caveats.cmp(&other.caveats))
            .then_with(|| {
                let named = |m: &Marking| {
                    if m.tlp == Tlp::Red {
                        m.named_recipients.len()
                    } else {
                        0
                    }
                };
                named(other).cmp(&named(self))
            })
            .then_with(|| self.named_recipients.cmp(&other.named_recipients))
    }

    /// The least restrictive of `markings` by [`Marking::cmp_restrictiveness`] (the first of
    /// equal ones); `None` when there are none.
    pub fn least_restrictive<'a>(
        markings: impl IntoIterator<Item = &'a Marking>,
    ) -> Option<&'a Marking> {
        markings.into_iter().reduce(|best, m| {
            if m.cmp_restrictiveness(best) == Ordering::Less {
                m
            } else {
                best
            }
        })
    }
}

impl Marking {
    /// Reads a label as [`Marking::label`] writes it: a TLP label, then caveats separated by
    /// spaces (`TLP:AMBER FOUO`, `TLP:GREEN CUI`). Named recipients are not part of a label and
    /// come back empty. The error says what was expected.
    pub fn parse_label(s: &str) -> Result<Marking, String> {
        let mut words = s.split_whitespace();
        let Some(first) = words.next() else {
            return Err("a marking is empty; expected a TLP label such as TLP:GREEN".to_string());
        };
        let mut marking = Marking::tlp(Tlp::parse(first)?);
        for w in words {
            marking.caveats.insert(Caveat::parse(w)?);
        }
        Ok(marking)
    }
}

/// Refuses TLP:RED as a source's default marking: RED names people one by one, and a source
/// sends to the whole desk, so whatever it sent unmarked would reach nobody. The message says
/// what to do instead.
pub fn check_source_default(tlp: Tlp) -> Result<(), String> {
    if tlp == Tlp::Red {
        Err("TLP:RED cannot be a source's marking: it is for people named one by one, and nobody would see what the source sends. Choose TLP:AMBER+STRICT (Board staff only), and share anything for named people as a TLP:RED intelligence note".into())
    } else {
        Ok(())
    }
}

impl FromStr for Marking {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Marking::parse_label(s)
    }
}

impl fmt::Display for Marking {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// What kind of organisation a person or an item belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// The State Board of Elections (its staff, the Program Manager, the navigators).
    Board,
    /// An election authority (county clerk, board of election commissioners).
    ElectionAuthority,
    /// A vetted partner organisation (fusion center, FBI, CISA, an ISAC).
    Partner,
}

/// An organisation, by id and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Organisation {
    /// The row id (the Board's own id, an election authority's id, a partner's id).
    pub id: Uuid,
    /// What it is.
    pub kind: OrgKind,
}

/// One need-to-know approval for FOUO information (213.30(a)(4)), as the Program Manager
/// recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedToKnowApproval {
    /// From when it holds.
    pub approved_at: OffsetDateTime,
    /// Until when (exclusive): approvals expire and are renewed each year.
    pub expires_at: OffsetDateTime,
    /// When it was withdrawn early, if it was.
    pub revoked_at: Option<OffsetDateTime>,
}

impl NeedToKnowApproval {
    /// True when it holds at `at`.
    pub fn holds_at(&self, at: OffsetDateTime) -> bool {
        self.approved_at <= at && at < self.expires_at && self.revoked_at.is_none_or(|r| at < r)
    }
}

/// The person a decision is about, with every fact the decision needs, as of one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reader {
    /// The person's account.
    pub person_id: Uuid,
    /// Their organisation; `None` for someone the program does not know (a public TAXII
    /// client, an address outside the roster).
    pub organisation: Option<Organisation>,
    /// True when they belong to the program's community (Board staff, people of participating
    /// election authorities, members of partners whose vetting is current).
    pub in_community: bool,
    /// Their need-to-know approvals, current or not.
    pub need_to_know: Vec<NeedToKnowApproval>,
    /// The instant of the decision (now for a page, the send time for the digest).
    pub as_of: OffsetDateTime,
}

impl Reader {
    /// True when an approval holds at [`Reader::as_of`].
    pub fn has_current_need_to_know(&self) -> bool {
        self.need_to_know.iter().any(|a| a.holds_at(self.as_of))
    }
}

/// The item a decision is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemAccess<'a> {
    /// Its markings.
    pub marking: &'a Marking,
    /// The organisation the item belongs to for TLP: the one that wrote it, or for received
    /// information the one that received it (normally the Board). `AMBER+STRICT` stays inside
    /// it; `AMBER` reaches it and its clients.
    pub organisation: Organisation,
}

/// The Board's settings the decision reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AccessSettings {
    /// True when election authorities count as the Board's clients, so `TLP:AMBER` items the
    /// Board holds reach them. FIRST leaves "clients" to the recipient to define.
    pub authorities_are_board_clients: bool,
}

/// Why a reader may not see an item. Worded for the "why can't I see this" message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DenyReason {
    /// `TLP:RED` and the reader is not one of the people named.
    NotNamedRecipient,
    /// `TLP:AMBER+STRICT` (or `TLP:AMBER` with no client relation) and the reader is outside
    /// the item's organisation.
    OutsideOrganisation,
    /// `TLP:AMBER`: the reader's organisation is neither the item's nor one of its clients.
    NotAClient,
    /// `TLP:GREEN`: the reader is not in the program's community.
    NotInCommunity,
    /// A caveat (FOUO, CUI) and the reader has never had a need-to-know approval.
    NoNeedToKnow,
    /// A caveat and the reader's need-to-know approvals have all expired or been withdrawn.
    NeedToKnowNotCurrent,
}

impl DenyReason {
    /// The sentence shown to the reader.
    pub fn message(self) -> &'static str {
        match self {
            DenyReason::NotNamedRecipient => {
                "This item is TLP:RED and you are not one of the people it names."
            }
            DenyReason::OutsideOrganisation => {
                "This item is TLP:AMBER+STRICT and stays inside the organisation that holds it."
            }
            DenyReason::NotAClient => {
                "This item is TLP:AMBER and your organisation is not one it may be shared with."
            }
            DenyReason::NotInCommunity => {
                "This item is TLP:GREEN and is shared only within the Cyber Navigator Program community."
            }
            DenyReason::NoNeedToKnow => {
                "This item is marked For Official Use Only (or CUI) and you have no need-to-know approval. Ask the Program Manager to apply."
            }
            DenyReason::NeedToKnowNotCurrent => {
                "This item is marked For Official Use Only (or CUI) and your need-to-know approval has expired. Ask the Program Manager to renew it."
            }
        }
    }
}

/// The answer of [`may_see`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The reader may see the item.
    Allowed,
    /// The reader may not; every axis that failed, TLP first.
    Denied(Vec<DenyReason>),
}

impl Decision {
    /// True for [`Decision::Allowed`].
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allowed)
    }

    /// The reasons for a refusal; empty when allowed.
    pub fn reasons(&self) -> &[DenyReason] {
        match self {
            Decision::Allowed => &[],
            Decision::Denied(r) => r,
        }
    }
}

/// The one access decision: may `reader` see `item`? Every axis must pass.
///
/// TLP: `RED` only to the named people; `AMBER+STRICT` only inside the item's organisation;
/// `AMBER` inside it and, when it is the Board and [`AccessSettings::authorities_are_board_clients`]
/// is on, to election authorities; `GREEN` to the program's community (and always inside the
/// item's organisation); `CLEAR` to anyone. Caveats: any caveat needs a need-to-know approval
/// that holds at [`Reader::as_of`]. No role overrides this, the Board administrator included.
pub fn may_see(reader: &Reader, item: &ItemAccess<'_>, settings: &AccessSettings) -> Decision {
    let mut reasons = Vec::new();
    let same_org = reader
        .organisation
        .is_some_and(|o| o.id == item.organisation.id);
    let client = item.organisation.kind == OrgKind::Board
        && settings.authorities_are_board_clients
        && reader
            .organisation
            .is_some_and(|o| o.kind == OrgKind::ElectionAuthority);
    match item.marking.tlp {
        Tlp::Red => {
            if !item.marking.named_recipients.contains(&reader.person_id) {
                reasons.push(DenyReason::NotNamedRecipient);
            }
        }
        Tlp::AmberStrict => {
            if !same_org {
                reasons.push(DenyReason::OutsideOrganisation);
            }
        }
        Tlp::Amber => {
            if !same_org && !client {
                reasons.push(DenyReason::NotAClient);
            }
        }
        Tlp::Green => {
            if !same_org && !reader.in_community {
                reasons.push(DenyReason::NotInCommunity);
            }
        }
        Tlp::Clear => {}
    }
    if item.marking.needs_need_to_know() && !reader.has_current_need_to_know() {
        reasons.push(if reader.need_to_know.is_empty() {
            DenyReason::NoNeedToKnow
        } else {
            DenyReason::NeedToKnowNotCurrent
        });
    }
    if reasons.is_empty() {
        Decision::Allowed
    } else {
        Decision::Denied(reasons)
    }
}

/// One paragraph of a document with its own marking (a tear-line document: FOUO paragraphs
/// for cleared readers, the rest for everyone the document reaches).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph<T> {
    /// The paragraph's marking.
    pub marking: Marking,
    /// Its content (text, HTML, a structured block).
    pub body: T,
}

/// A document made of separately marked paragraphs, held by one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkedDocument<T> {
    /// The organisation the document belongs to (see [`ItemAccess::organisation`]).
    pub organisation: Organisation,
    /// The paragraphs, in order.
    pub paragraphs: Vec<Paragraph<T>>,
}

/// What one reader gets of a [`MarkedDocument`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted<'a, T> {
    /// The paragraphs they may see, in order.
    pub visible: Vec<&'a Paragraph<T>>,
    /// How many were withheld (shown as "n paragraphs withheld" so the reader knows to ask).
    pub withheld: usize,
    /// The combined marking of what they see (for the header, footer and subject).
    pub marking: Marking,
}

impl<T> MarkedDocument<T> {
    /// The paragraphs `reader` may see, decided one by one with [`may_see`], and the count of
    /// the others.
    pub fn redact_for<'a>(&'a self, reader: &Reader, settings: &AccessSettings) -> Redacted<'a, T> {
        let mut visible = Vec::new();
        let mut withheld = 0;
        for p in &self.paragraphs {
            let item = ItemAccess {
                marking: &p.marking,
                organisation: self.organisation,
            };
            if may_see(reader, &item, settings).is_allowed() {
                visible.push(p);
            } else {
                withheld += 1;
            }
        }
        let marking = Marking::highest(visible.iter().map(|p| &p.marking));
        Redacted {
            visible,
            withheld,
            marking,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::Duration;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-03-01 12:00 UTC);

    #[test]
    fn markings_order_from_least_to_most_restrictive_with_one_tie_break() {
        let clear = Marking::tlp(Tlp::Clear);
        let amber = Marking::tlp(Tlp::Amber);
        let green_fouo = Marking::tlp(Tlp::Green).with_caveat(Caveat::Fouo);
        let green_cui = Marking::tlp(Tlp::Green).with_caveat(Caveat::Cui);
        let green_both = green_fouo.clone().with_caveat(Caveat::Cui);
        let mut red_two = Marking::tlp(Tlp::Red);
        red_two.named_recipients = [Uuid::from_u128(1), Uuid::from_u128(2)].into();
        let mut red_one = Marking::tlp(Tlp::Red);
        red_one.named_recipients = [Uuid::from_u128(2)].into();
        let ordered = [
            &clear,
            &amber,
            &red_two,
            &red_one,
            &green_fouo,
            &green_cui,
            &green_both,
        ];
        for (i, a) in ordered.iter().enumerate() {
            for (j, b) in ordered.iter().enumerate() {
                assert_eq!(a.cmp_restrictiveness(b), i.cmp(&j), "{a} vs {b}");
            }
        }
        // Whatever order they come in, the same one is chosen.
        let mut shuffled = ordered.to_vec();
        shuffled.reverse();
        assert_eq!(Marking::least_restrictive(shuffled), Some(&clear));
        assert_eq!(
            Marking::least_restrictive([&green_cui, &green_fouo]),
            Some(&green_fouo)
        );
        assert_eq!(Marking::least_restrictive(std::iter::empty()), None);
    }

    fn org(n: u128, kind: OrgKind) -> Organisation {
        Organisation {
            id: Uuid::from_u128(n),
            kind,
        }
    }

    fn reader(person: u128, organisation: Option<Organisation>) -> Reader {
        Reader {
            person_id: Uuid::from_u128(person),
            organisation,
            in_community: organisation.is_some(),
            need_to_know: vec![],
            as_of: NOW,
        }
    }

    #[test]
    fn labels_parse_in_both_versions() {
        assert_eq!(Tlp::parse("TLP:WHITE"), Ok(Tlp::Clear));
        assert_eq!(Tlp::parse("tlp: clear"), Ok(Tlp::Clear));
        assert_eq!(Tlp::parse("TLP:AMBER+STRICT"), Ok(Tlp::AmberStrict));
        assert_eq!(Tlp::parse("amber_strict"), Ok(Tlp::AmberStrict));
        assert_eq!(Tlp::parse(" Red "), Ok(Tlp::Red));
        assert!(Tlp::parse("TLP:PURPLE").unwrap_err().contains("TLP:PURPLE"));
        for t in Tlp::ALL {
            assert_eq!(Tlp::parse(t.label()), Ok(t));
            assert_eq!(Tlp::parse(t.as_str()), Ok(t));
            assert_eq!(Tlp::from_stix_id(t.stix_id()), Some(t));
        }
        assert_eq!(
            Tlp::from_stix_id("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"),
            Some(Tlp::Clear)
        );
        assert_eq!(
            Tlp::from_stix_id(Tlp::AmberStrict.stix_tlp1_id()),
            Some(Tlp::Red)
        );
        assert_eq!(Tlp::from_stix_id("marking-definition--0000"), None);
    }

    #[test]
    fn order_is_by_restrictiveness_and_highest_picks_the_top() {
        assert!(Tlp::Clear < Tlp::Green && Tlp::Amber < Tlp::AmberStrict);
        assert!(Tlp::AmberStrict < Tlp::Red);
        assert_eq!(
            Tlp::highest([Tlp::Green, Tlp::Amber, Tlp::Clear]),
            Tlp::Amber
        );
        assert_eq!(Tlp::highest([]), Tlp::Clear);
        let a = Marking::tlp(Tlp::Green).with_caveat(Caveat::Fouo);
        let b = Marking::tlp(Tlp::Amber);
        let h = Marking::highest([&a, &b]);
        assert_eq!(h.label(), "TLP:AMBER FOUO");
    }

    #[test]
    fn marking_labels_read_back() {
        let m = Marking::tlp(Tlp::AmberStrict)
            .with_caveat(Caveat::Fouo)
            .with_caveat(Caveat::Cui);
        assert_eq!(Marking::parse_label(&m.label()), Ok(m));
        assert_eq!("TLP:GREEN".parse::<Marking>(), Ok(Marking::tlp(Tlp::Green)));
        assert!(Marking::parse_label("  ").is_err());
        assert!(Marking::parse_label("FOUO").is_err());
    }

    #[test]
    fn a_source_may_not_default_to_red() {
        assert!(
            check_source_default(Tlp::Red)
                .unwrap_err()
                .contains("AMBER+STRICT")
        );
        assert!(check_source_default(Tlp::AmberStrict).is_ok());
    }

    #[test]
    fn caveats_parse() {
        assert_eq!(Caveat::parse("fouo"), Ok(Caveat::Fouo));
        assert_eq!(Caveat::parse("For Official Use Only"), Ok(Caveat::Fouo));
        assert_eq!(Caveat::parse("cui"), Ok(Caveat::Cui));
        assert_eq!(Caveat::parse(" les "), Ok(Caveat::Other("LES".to_string())));
        assert!(Caveat::parse("  ").is_err());
    }

    #[test]
    fn amber_reaches_authorities_only_when_the_board_says_so() {
        let board = org(1, OrgKind::Board);
        let county = org(2, OrgKind::ElectionAuthority);
        let m = Marking::tlp(Tlp::Amber);
        let item = ItemAccess {
            marking: &m,
            organisation: board,
        };
        let clerk = reader(10, Some(county));
        let off = AccessSettings::default();
        let on = AccessSettings {
            authorities_are_board_clients: true,
        };
        assert_eq!(
            may_see(&clerk, &item, &off),
            Decision::Denied(vec![DenyReason::NotAClient])
        );
        assert!(may_see(&clerk, &item, &on).is_allowed());
        let partner = reader(11, Some(org(3, OrgKind::Partner)));
        assert!(!may_see(&partner, &item, &on).is_allowed());
    }

    #[test]
    fn fouo_needs_a_current_approval_and_reports_both_axes() {
        let board = org(1, OrgKind::Board);
        let m = Marking::tlp(Tlp::AmberStrict).with_caveat(Caveat::Fouo);
        let item = ItemAccess {
            marking: &m,
            organisation: board,
        };
        let mut outsider = reader(10, Some(org(2, OrgKind::ElectionAuthority)));
        assert_eq!(
            may_see(&outsider, &item, &AccessSettings::default()),
            Decision::Denied(vec![
                DenyReason::OutsideOrganisation,
                DenyReason::NoNeedToKnow
            ])
        );
        outsider.organisation = Some(board);
        outsider.need_to_know.push(NeedToKnowApproval {
            approved_at: NOW - Duration::days(400),
            expires_at: NOW - Duration::days(35),
            revoked_at: None,
        });
        assert_eq!(
            may_see(&outsider, &item, &AccessSettings::default()),
            Decision::Denied(vec![DenyReason::NeedToKnowNotCurrent])
        );
        outsider.need_to_know.push(NeedToKnowApproval {
            approved_at: NOW - Duration::days(30),
            expires_at: NOW + Duration::days(335),
            revoked_at: Some(NOW + Duration::days(1)),
        });
        assert!(may_see(&outsider, &item, &AccessSettings::default()).is_allowed());
        outsider.as_of = NOW + Duration::days(2);
        assert!(!may_see(&outsider, &item, &AccessSettings::default()).is_allowed());
    }

    #[test]
    fn red_is_for_named_people_even_inside_the_board() {
        let board = org(1, OrgKind::Board);
        let mut m = Marking::tlp(Tlp::Red);
        m.named_recipients.insert(Uuid::from_u128(10));
        let item = ItemAccess {
            marking: &m,
            organisation: board,
        };
        assert!(may_see(&reader(10, None), &item, &AccessSettings::default()).is_allowed());
        assert_eq!(
            may_see(&reader(11, Some(board)), &item, &AccessSettings::default()).reasons(),
            &[DenyReason::NotNamedRecipient]
        );
    }

    #[test]
    fn tear_lines_show_what_the_reader_may_see_and_count_the_rest() {
        let board = org(1, OrgKind::Board);
        let doc = MarkedDocument {
            organisation: board,
            paragraphs: vec![
                Paragraph {
                    marking: Marking::tlp(Tlp::Green),
                    body: "summary",
                },
                Paragraph {
                    marking: Marking::tlp(Tlp::Green).with_caveat(Caveat::Fouo),
                    body: "fouo detail",
                },
                Paragraph {
                    marking: Marking::tlp(Tlp::Clear),
                    body: "public advice",
                },
            ],
        };
        let clerk = reader(10, Some(org(2, OrgKind::ElectionAuthority)));
        let r = doc.redact_for(&clerk, &AccessSettings::default());
        assert_eq!(
            r.visible.iter().map(|p| p.body).collect::<Vec<_>>(),
            vec!["summary", "public advice"]
        );
        assert_eq!(r.withheld, 1);
        assert_eq!(r.marking.label(), "TLP:GREEN");
    }

    // ---- the rules as a plain table, and a property test of `may_see` against it ----

    /// A fact about the reader relative to the item that a table row may require.
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Fact {
        Named,
        SameOrg,
        BoardClient,
        Community,
        Anyone,
    }

    /// Level → facts of which any one suffices. This is docs/SHARING.md's table.
    const TLP_TABLE: [(Tlp, &[Fact]); 5] = [
        (Tlp::Red, &[Fact::Named]),
        (Tlp::AmberStrict, &[Fact::SameOrg]),
        (Tlp::Amber, &[Fact::SameOrg, Fact::BoardClient]),
        (Tlp::Green, &[Fact::SameOrg, Fact::Community]),
        (Tlp::Clear, &[Fact::Anyone]),
    ];

    fn table_allows(r: &Reader, m: &Marking, item_org: Organisation, s: &AccessSettings) -> bool {
        let holds = |f: Fact| match f {
            Fact::Named => m.named_recipients.contains(&r.person_id),
            Fact::SameOrg => r.organisation.map(|o| o.id) == Some(item_org.id),
            Fact::BoardClient => {
                item_org.kind == OrgKind::Board
                    && s.authorities_are_board_clients
                    && r.organisation.map(|o| o.kind) == Some(OrgKind::ElectionAuthority)
            }
            Fact::Community => r.in_community,
            Fact::Anyone => true,
        };
        let tlp_ok = TLP_TABLE
            .iter()
            .find(|(t, _)| *t == m.tlp)
            .is_some_and(|(_, facts)| facts.iter().any(|f| holds(*f)));
        let ntk_ok = m.caveats.is_empty()
            || r.need_to_know.iter().any(|a| {
                a.approved_at <= r.as_of
                    && r.as_of < a.expires_at
                    && a.revoked_at.is_none_or(|x| r.as_of < x)
            });
        tlp_ok && ntk_ok
    }

    fn arb_kind() -> impl Strategy<Value = OrgKind> {
        prop_oneof![
            Just(OrgKind::Board),
            Just(OrgKind::ElectionAuthority),
            Just(OrgKind::Partner)
        ]
    }

    fn arb_org() -> impl Strategy<Value = Organisation> {
        (0u128..4, arb_kind()).prop_map(|(id, kind)| Organisation {
            id: Uuid::from_u128(id),
            kind,
        })
    }

    fn arb_approval() -> impl Strategy<Value = NeedToKnowApproval> {
        (-3i64..3, 0i64..4, proptest::option::of(-3i64..3)).prop_map(|(from, len, rev)| {
            NeedToKnowApproval {
                approved_at: NOW + Duration::days(from),
                expires_at: NOW + Duration::days(from + len),
                revoked_at: rev.map(|d| NOW + Duration::days(d)),
            }
        })
    }

    fn arb_marking() -> impl Strategy<Value = Marking> {
        (
            proptest::sample::select(Tlp::ALL.to_vec()),
            proptest::collection::btree_set(
                prop_oneof![
                    Just(Caveat::Fouo),
                    Just(Caveat::Cui),
                    Just(Caveat::Other("LES".to_string()))
                ],
                0..2,
            ),
            proptest::collection::btree_set((0u128..4).prop_map(Uuid::from_u128), 0..3),
        )
            .prop_map(|(tlp, caveats, named_recipients)| Marking {
                tlp,
                caveats,
                named_recipients,
            })
    }

    fn arb_reader() -> impl Strategy<Value = Reader> {
        (
            0u128..4,
            proptest::option::of(arb_org()),
            any::<bool>(),
            proptest::collection::vec(arb_approval(), 0..3),
        )
            .prop_map(|(p, organisation, in_community, need_to_know)| Reader {
                person_id: Uuid::from_u128(p),
                organisation,
                in_community,
                need_to_know,
                as_of: NOW,
            })
    }

    proptest! {
        #[test]
        fn may_see_agrees_with_the_table(
            r in arb_reader(),
            m in arb_marking(),
            item_org in arb_org(),
            clients in any::<bool>(),
        ) {
            let s = AccessSettings { authorities_are_board_clients: clients };
            let item = ItemAccess { marking: &m, organisation: item_org };
            let d = may_see(&r, &item, &s);
            prop_assert_eq!(d.is_allowed(), table_allows(&r, &m, item_org, &s));
            prop_assert_eq!(d.is_allowed(), d.reasons().is_empty());
        }

        #[test]
        fn redaction_keeps_exactly_the_allowed_paragraphs(
            r in arb_reader(),
            ms in proptest::collection::vec(arb_marking(), 0..6),
            item_org in arb_org(),
        ) {
            let s = AccessSettings::default();
            let doc = MarkedDocument {
                organisation: item_org,
                paragraphs: ms.into_iter().enumerate().map(|(i, marking)| Paragraph { marking, body: i }).collect(),
            };
            let red = doc.redact_for(&r, &s);
            prop_assert_eq!(red.visible.len() + red.withheld, doc.paragraphs.len());
            for p in &red.visible {
                prop_assert!(table_allows(&r, &p.marking, item_org, &s));
            }
        }
    }
}
