//! Intelligence products of the threat-sharing desk (Part 213.30(a)(4), (6), (7)): intelligence
//! notes, best-practice bulletins and urgent alerts, their workflow, their paragraph markings
//! (tear-lines) and how relevant each is to an authority's stated information needs.
//!
//! A product is written in Markdown. Paragraphs are separated by blank lines; a paragraph may
//! start with a portion mark such as `(TLP:AMBER FOUO)` or `(U//FOUO)`, which becomes that
//! paragraph's [`Marking`]; an unmarked paragraph takes the product's base marking. The base
//! marking also covers the title, summary and tags, so it is the least any reader who sees the
//! product at all must pass. Who sees which paragraph is decided by
//! [`MarkedDocument::redact_for`], i.e. by `may_see`, one paragraph at a time.
//!
//! Workflow: draft → review → approved → published; review → draft sends a product back with a
//! comment; a published product can be withdrawn or superseded by a newer one. Whoever approves
//! must not be the author (the two-person rule).

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::marking::{Caveat, MarkedDocument, Marking, Organisation, Paragraph, Tlp};

/// The longest title, in characters.
pub const TITLE_MAX: usize = 200;
/// The longest summary, in characters.
pub const SUMMARY_MAX: usize = 1_000;
/// The longest body, in characters.
pub const BODY_MAX: usize = 100_000;
/// The most tags on one product, and the most terms in one list of information needs.
pub const TAGS_MAX: usize = 30;
/// The longest tag or need term, in characters.
pub const TAG_MAX: usize = 80;

/// What kind of product it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An intelligence note: research, validated and analysed (213.30(a)(7)).
    Note,
    /// A best-practice bulletin (213.30(a)(6)).
    Bulletin,
    /// An urgent alert: e-mailed on publication to everyone who may see it.
    Alert,
}

impl Kind {
    /// Every kind, in the order forms list them.
    pub const ALL: [Kind; 3] = [Kind::Note, Kind::Bulletin, Kind::Alert];

    /// The stable identifier stored and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Note => "note",
            Kind::Bulletin => "bulletin",
            Kind::Alert => "alert",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Note => "Intelligence note",
            Kind::Bulletin => "Best-practice bulletin",
            Kind::Alert => "Urgent alert",
        }
    }

    /// Parses the identifier; the error lists the accepted ones.
    pub fn parse(s: &str) -> Result<Kind, String> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown product kind '{}'; expected one of: note, bulletin, alert",
                    s.trim()
                )
            })
    }
}

/// Where a product stands in its workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Being written; only drafts are edited.
    Draft,
    /// Submitted for review.
    Review,
    /// Approved by someone other than the author; not yet released.
    Approved,
    /// Released to everyone who may see it.
    Published,
    /// Taken back after publication.
    Withdrawn,
    /// Replaced by a newer product.
    Superseded,
}

impl State {
    /// Every state, in workflow order.
    pub const ALL: [State; 6] = [
        State::Draft,
        State::Review,
        State::Approved,
        State::Published,
        State::Withdrawn,
        State::Superseded,
    ];

    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Review => "review",
            State::Approved => "approved",
            State::Published => "published",
            State::Withdrawn => "withdrawn",
            State::Superseded => "superseded",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            State::Draft => "Draft",
            State::Review => "In review",
            State::Approved => "Approved, not yet published",
            State::Published => "Published",
            State::Withdrawn => "Withdrawn",
            State::Superseded => "Superseded",
        }
    }

    /// Parses the identifier; the error lists the accepted ones.
    pub fn parse(s: &str) -> Result<State, String> {
        State::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown product state '{}'; expected one of: {}",
                    s.trim(),
                    State::ALL.map(State::as_str).join(", ")
                )
            })
    }

    /// True once released: readers outside the desk see only these (withdrawn and superseded
    /// products stay readable with their state shown, so a reader can see what changed).
    pub fn is_released(self) -> bool {
        matches!(
            self,
            State::Published | State::Withdrawn | State::Superseded
        )
    }
}

/// A step in the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Draft → review.
    Submit,
    /// Review → draft, with a comment.
    SendBack,
    /// Review → approved, by someone other than the author.
    Approve,
    /// Approved → published.
    Publish,
    /// Published → withdrawn, with a comment.
    Withdraw,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 5] = [
        Action::Submit,
        Action::SendBack,
        Action::Approve,
        Action::Publish,
        Action::Withdraw,
    ];

    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::SendBack => "send_back",
            Action::Approve => "approve",
            Action::Publish => "publish",
            Action::Withdraw => "withdraw",
        }
    }

    /// What the button says.
    pub fn label(self) -> &'static str {
        match self {
            Action::Submit => "Submit for review",
            Action::SendBack => "Send back to the author",
            Action::Approve => "Approve",
            Action::Publish => "Publish",
            Action::Withdraw => "Withdraw",
        }
    }

    /// Parses the identifier; the error lists the accepted ones.
    pub fn parse(s: &str) -> Result<Action, String> {
        Action::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown action '{}'; expected one of: {}",
                    s.trim(),
                    Action::ALL.map(Action::as_str).join(", ")
                )
            })
    }

    /// The state this action starts from.
    pub fn from_state(self) -> State {
        match self {
            Action::Submit => State::Draft,
            Action::SendBack | Action::Approve => State::Review,
            Action::Publish => State::Approved,
            Action::Withdraw => State::Published,
        }
    }

    /// The state it leads to.
    pub fn to_state(self) -> State {
        match self {
            Action::Submit => State::Review,
            Action::SendBack => State::Draft,
            Action::Approve => State::Approved,
            Action::Publish => State::Published,
            Action::Withdraw => State::Withdrawn,
        }
    }

    /// True when the step needs a comment (saying what to change, or why it was withdrawn).
    pub fn needs_comment(self) -> bool {
        matches!(self, Action::SendBack | Action::Withdraw)
    }

    /// True for the steps only the Board and the Program Manager take.
    pub fn is_managerial(self) -> bool {
        !matches!(self, Action::Submit)
    }
}

/// Why a workflow step is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProductError {
    /// The step does not start from the product's state.
    #[error("a product that is {} cannot be {}; it must be {} first", .from.label().to_lowercase(), .action.past(), .needed.label().to_lowercase())]
    WrongState {
        /// The step.
        action: Action,
        /// Where the product is.
        from: State,
        /// Where it must be.
        needed: State,
    },
    /// The two-person rule.
    #[error("you wrote this product, so someone else must approve it (two-person rule)")]
    OwnProduct,
    /// The step needs a comment.
    #[error("is required: say {}", .0)]
    CommentRequired(&'static str),
}

impl Action {
    fn past(self) -> &'static str {
        match self {
            Action::Submit => "submitted for review",
            Action::SendBack => "sent back",
            Action::Approve => "approved",
            Action::Publish => "published",
            Action::Withdraw => "withdrawn",
        }
    }
}

/// Checks a workflow step: `actor` takes `action` on a product in `state` written by `author`,
/// with `comment`. Returns the new state.
pub fn transition(
    state: State,
    action: Action,
    actor: Uuid,
    author: Uuid,
    comment: Option<&str>,
) -> Result<State, ProductError> {
    if state != action.from_state() {
        return Err(ProductError::WrongState {
            action,
            from: state,
            needed: action.from_state(),
        });
    }
    if action == Action::Approve && actor == author {
        return Err(ProductError::OwnProduct);
    }
    if action.needs_comment() && comment.is_none_or(|c| c.trim().is_empty()) {
        return Err(ProductError::CommentRequired(match action {
            Action::SendBack => "what the author should change",
            _ => "why the product is withdrawn",
        }));
    }
    Ok(action.to_state())
}

/// The actions that may follow from `state` (for buttons), before permission checks.
pub fn next_actions(state: State) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| a.from_state() == state)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Portion marks and paragraphs

/// A problem with a product's body: which paragraph (1-based) and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("paragraph {paragraph}: {message}")]
pub struct BodyError {
    /// The paragraph, counting from 1.
    pub paragraph: usize,
    /// What is wrong.
    pub message: String,
}

/// What a portion mark says: a TLP level if it names one, and its caveats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortionMark {
    /// The level, when the mark names one (`(U//FOUO)` does not).
    pub tlp: Option<Tlp>,
    /// The caveats (`U` adds none).
    pub caveats: BTreeSet<Caveat>,
}

impl PortionMark {
    /// The paragraph's marking: the mark's level or else the base level, with the mark's
    /// caveats only (an explicit `(U)` or `(TLP:GREEN)` says the paragraph carries none). A
    /// paragraph that ends up TLP:RED is for the people the base names.
    pub fn marking(&self, base: &Marking) -> Marking {
        let tlp = self.tlp.unwrap_or(base.tlp);
        Marking {
            tlp,
            caveats: self.caveats.clone(),
            named_recipients: if tlp == Tlp::Red {
                base.named_recipients.clone()
            } else {
                BTreeSet::new()
            },
        }
    }
}

/// Caveats a portion mark may carry without a TLP label. Anything else in parentheses at the
/// start of a paragraph is ordinary text, unless it looks like a mark (starts with `TLP` or
/// contains `//`), in which case it must read as one.
const KNOWN_CAVEATS: [&str; 3] = ["FOUO", "CUI", "LES"];

/// Reads a portion mark at the start of `text`: `Ok(None)` when the paragraph has none,
/// `Ok(Some((mark, rest)))` when it has one, an error when something that looks like a mark
/// does not read as one (so a typo cannot silently leave a paragraph unmarked).
pub fn parse_portion_mark(text: &str) -> Result<Option<(PortionMark, &str)>, String> {
    let trimmed = text.trim_start();
    let Some(inner_start) = trimmed.strip_prefix('(') else {
        return Ok(None);
    };
    let Some(close) = inner_start.find(')') else {
        return Ok(None);
    };
    let inner = &inner_start[..close];
    let rest = inner_start[close + 1..].trim_start();
    let upper = inner.trim().to_ascii_uppercase();
    let looks_like_mark = upper.starts_with("TLP") || upper.contains("//");
    // `TLP: AMBER` may have a space after the colon: join it before splitting.
    let joined = upper.replace("TLP: ", "TLP:");
    let tokens: Vec<&str> = joined
        .split(|c: char| c.is_whitespace() || c == '/')
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.is_empty() {
        return Ok(None);
    }
    let mut mark = PortionMark {
        tlp: None,
        caveats: BTreeSet::new(),
    };
    for t in &tokens {
        if t.starts_with("TLP") {
            match Tlp::parse(t) {
                Ok(level) if mark.tlp.is_none() => mark.tlp = Some(level),
                Ok(_) => return Err(format!("the portion mark '({inner})' names two TLP levels")),
                Err(e) => return Err(format!("the portion mark '({inner})': {e}")),
            }
        } else if *t == "U" {
            // Unclassified: no caveat of its own.
        } else if KNOWN_CAVEATS.contains(t) {
            mark.caveats
                .insert(Caveat::parse(t).map_err(|e| format!("'({inner})': {e}"))?);
        } else if looks_like_mark {
            return Err(format!(
                "the portion mark '({inner})' is not understood: '{t}' is neither a TLP label (TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT) nor U, FOUO, CUI or LES"
            ));
        } else {
            return Ok(None);
        }
    }
    Ok(Some((mark, rest)))
}

/// Splits a Markdown body into paragraphs (separated by one or more blank lines), reads each
/// one's portion mark, and gives each its marking (the base for unmarked ones). Line endings
/// are normalised; blank paragraphs are dropped; a paragraph that is only a mark is an error.
pub fn parse_body(body: &str, base: &Marking) -> Result<Vec<Paragraph<String>>, BodyError> {
    let text = body.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut blocks = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                blocks.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line.trim_end());
        }
    }
    if !current.is_empty() {
        blocks.push(current.join("\n"));
    }
    for (i, block) in blocks.into_iter().enumerate() {
        let n = i + 1;
        let (marking, text) = match parse_portion_mark(&block) {
            Err(message) => {
                return Err(BodyError {
                    paragraph: n,
                    message,
                });
            }
            Ok(None) => (base.clone(), block.trim().to_string()),
            Ok(Some((mark, rest))) => (mark.marking(base), rest.trim().to_string()),
        };
        if marking.tlp == Tlp::Red && base.tlp != Tlp::Red {
            return Err(BodyError {
                paragraph: n,
                message: "TLP:RED is for named people only: mark the whole product TLP:RED and name them, or give this paragraph a lower mark".into(),
            });
        }
        if text.is_empty() {
            return Err(BodyError {
                paragraph: n,
                message: "has a portion mark and no text".into(),
            });
        }
        out.push(Paragraph {
            marking,
            body: text,
        });
    }
    Ok(out)
}

/// The portion mark to write before a paragraph's text when a body is shown for editing:
/// nothing when it has the base marking, otherwise `(TLP:… CAVEATS) `.
pub fn portion_prefix(marking: &Marking, base: &Marking) -> String {
    if marking == base {
        String::new()
    } else {
        format!("({}) ", marking.label())
    }
}

/// Writes paragraphs back into the authoring syntax (portion marks where the marking is not
/// the base), so a stored product can be edited as it was written.
pub fn write_body<'a>(
    paragraphs: impl IntoIterator<Item = &'a Paragraph<String>>,
    base: &Marking,
) -> String {
    paragraphs
        .into_iter()
        .map(|p| format!("{}{}", portion_prefix(&p.marking, base), p.body))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The product's marking: at least the base and every paragraph's.
pub fn product_marking<'a>(
    base: &'a Marking,
    paragraphs: impl IntoIterator<Item = &'a Paragraph<String>>,
) -> Marking {
    Marking::highest(std::iter::once(base).chain(paragraphs.into_iter().map(|p| &p.marking)))
}

/// The product as a tear-line document held by `holder`, for [`MarkedDocument::redact_for`].
pub fn document(
    holder: Organisation,
    paragraphs: Vec<Paragraph<String>>,
) -> MarkedDocument<String> {
    MarkedDocument {
        organisation: holder,
        paragraphs,
    }
}

/// The base marking a product may carry. Any level: a TLP:RED product goes only to the
/// people it names, and must name at least one.
pub fn check_base(base: &Marking) -> Result<(), String> {
    if base.tlp == Tlp::Red && base.named_recipients.is_empty() {
        Err(
            "TLP:RED is for named people only: name who may read it under \"Who may read it\""
                .into(),
        )
    } else {
        Ok(())
    }
}

/// The people a product's marking names, for storage: the base's named recipients when it
/// is TLP:RED, none otherwise.
pub fn recipients_of(base: &Marking) -> Vec<Uuid> {
    if base.tlp == Tlp::Red {
        base.named_recipients.iter().copied().collect()
    } else {
        Vec::new()
    }
}

/// A stored marking (a label) with the product's named people put back: every TLP:RED
/// marking of a product is for the same people.
pub fn with_recipients(mut marking: Marking, recipients: &BTreeSet<Uuid>) -> Marking {
    if marking.tlp == Tlp::Red {
        marking.named_recipients = recipients.clone();
    }
    marking
}

// ---------------------------------------------------------------------------------------------
// Tags and relevance

/// A tag or need term as compared: lower case, inner spaces collapsed.
pub fn normalise_term(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Reads a comma- or line-separated list of tags or terms: trimmed, blanks dropped,
/// duplicates (ignoring case) dropped, the first spelling kept. Too many, or one too long, is
/// an error.
pub fn parse_terms(raw: &str) -> Result<Vec<String>, String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for t in raw.split([',', '\n', ';']) {
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
        if t.is_empty() {
            continue;
        }
        if t.chars().count() > TAG_MAX {
            return Err(format!("'{t}' is longer than {TAG_MAX} characters"));
        }
        if t.chars().any(char::is_control) {
            return Err(format!("'{t}' contains control characters"));
        }
        if seen.insert(normalise_term(&t)) {
            out.push(t);
        }
    }
    if out.len() > TAGS_MAX {
        return Err(format!(
            "at most {TAGS_MAX} entries; there are {}",
            out.len()
        ));
    }
    Ok(out)
}

/// What an election authority says it needs to hear about (213.30(a)(6)): topics
/// ("ransomware", "phishing"), systems ("e-poll books", "voter registration") and vendors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InformationNeeds {
    /// Topics.
    pub topics: Vec<String>,
    /// Systems.
    pub systems: Vec<String>,
    /// Vendors.
    pub vendors: Vec<String>,
}

impl InformationNeeds {
    /// Every term, of all three lists.
    pub fn terms(&self) -> impl Iterator<Item = &String> {
        self.topics
            .iter()
            .chain(self.systems.iter())
            .chain(self.vendors.iter())
    }

    /// True when nothing is stated.
    pub fn is_empty(&self) -> bool {
        self.terms().next().is_none()
    }
}

/// True when the tag and the term are the same words, or one is a whole-word part of the
/// other ("ES&S" matches "ES&S ExpressPoll"; "poll" does not match "polling place").
fn terms_match(tag: &str, term: &str) -> bool {
    let (a, b) = (normalise_term(tag), normalise_term(term));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let contains_words = |long: &str, short: &str| {
        let lw: Vec<&str> = long.split(' ').collect();
        let sw: Vec<&str> = short.split(' ').collect();
        lw.windows(sw.len()).any(|w| w == sw.as_slice())
    };
    a == b || contains_words(&a, &b) || contains_words(&b, &a)
}

/// How relevant a product with `tags` is to `needs`: the tags that match a stated need (in the
/// product's order) and a score. A vendor or system match counts 2, a topic 1, so "about your
/// e-poll book vendor" comes before "about phishing in general". Zero when nothing matches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Relevance {
    /// The score; higher first.
    pub score: u32,
    /// The product's tags that matched.
    pub matched: Vec<String>,
}

/// Scores `tags` against `needs` (see [`Relevance`]).
pub fn relevance(tags: &[String], needs: &InformationNeeds) -> Relevance {
    let mut out = Relevance::default();
    for tag in tags {
        let specific = needs
            .systems
            .iter()
            .chain(needs.vendors.iter())
            .any(|t| terms_match(tag, t));
        let topic = needs.topics.iter().any(|t| terms_match(tag, t));
        if specific || topic {
            out.score += if specific { 2 } else { 1 };
            out.matched.push(tag.clone());
        }
    }
    out
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sharing::marking::{
        AccessSettings, ItemAccess, NeedToKnowApproval, OrgKind, Reader, may_see,
    };
    use proptest::prelude::*;
    use time::macros::datetime;
    use time::{Duration, OffsetDateTime};

    const NOW: OffsetDateTime = datetime!(2026-03-01 12:00 UTC);
    const BOARD: Organisation = Organisation {
        id: Uuid::nil(),
        kind: OrgKind::Board,
    };

    fn green() -> Marking {
        Marking::tlp(Tlp::Green)
    }

    #[test]
    fn the_workflow_goes_one_way_and_needs_two_people() {
        let (author, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let s = transition(State::Draft, Action::Submit, author, author, None).unwrap();
        assert_eq!(s, State::Review);
        assert_eq!(
            transition(s, Action::Approve, author, author, None),
            Err(ProductError::OwnProduct)
        );
        assert!(matches!(
            transition(s, Action::SendBack, other, author, Some("  ")),
            Err(ProductError::CommentRequired(_))
        ));
        assert_eq!(
            transition(
                s,
                Action::SendBack,
                other,
                author,
                Some("Cite the STIC note")
            ),
            Ok(State::Draft)
        );
        let s = transition(s, Action::Approve, other, author, None).unwrap();
        assert_eq!(s, State::Approved);
        let s = transition(s, Action::Publish, author, author, None).unwrap();
        assert_eq!(s, State::Published);
        let e = transition(s, Action::Submit, author, author, None).unwrap_err();
        assert!(e.to_string().contains("cannot be submitted"), "{e}");
        assert!(transition(s, Action::Withdraw, other, author, None).is_err());
        assert_eq!(
            transition(s, Action::Withdraw, other, author, Some("Wrong county")),
            Ok(State::Withdrawn)
        );
        assert_eq!(
            next_actions(State::Review),
            vec![Action::SendBack, Action::Approve]
        );
        assert!(next_actions(State::Superseded).is_empty());
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Ok(a));
        }
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Ok(s));
        }
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Ok(k));
        }
        assert!(
            Kind::parse("memo")
                .unwrap_err()
                .contains("note, bulletin, alert")
        );
    }

    #[test]
    fn portion_marks_read_in_both_styles() {
        let base = green();
        let (m, rest) = parse_portion_mark("(TLP:AMBER FOUO) The actor used")
            .unwrap()
            .unwrap();
        assert_eq!(m.marking(&base).label(), "TLP:AMBER FOUO");
        assert_eq!(rest, "The actor used");
        let (m, _) = parse_portion_mark("(U//FOUO) Names").unwrap().unwrap();
        assert_eq!(m.marking(&base).label(), "TLP:GREEN FOUO");
        let (m, _) = parse_portion_mark("(U) Public advice").unwrap().unwrap();
        assert_eq!(
            m.marking(&base.clone().with_caveat(Caveat::Fouo)).label(),
            "TLP:GREEN"
        );
        let (m, _) = parse_portion_mark("(tlp: clear) x").unwrap().unwrap();
        assert_eq!(m.tlp, Some(Tlp::Clear));
        assert_eq!(
            parse_portion_mark("(See the annex) for more").unwrap(),
            None
        );
        assert_eq!(parse_portion_mark("No mark").unwrap(), None);
        assert!(
            parse_portion_mark("(TLP:AMBR) x")
                .unwrap_err()
                .contains("TLP:AMBR")
        );
        assert!(
            parse_portion_mark("(U//SECRET) x")
                .unwrap_err()
                .contains("SECRET")
        );
        assert!(parse_portion_mark("(TLP:GREEN TLP:AMBER) x").is_err());
    }

    #[test]
    fn bodies_split_into_marked_paragraphs_and_write_back() {
        let base = green();
        let body = "Summary for everyone.\r\n\r\n(TLP:AMBER FOUO) The IP is 203.0.113.7.\nSecond line.\n\n\n(TLP:CLEAR) Patch now.";
        let ps = parse_body(body, &base).unwrap();
        assert_eq!(ps.len(), 3);
        assert_eq!(ps[0].marking, base);
        assert_eq!(ps[1].body, "The IP is 203.0.113.7.\nSecond line.");
        assert_eq!(ps[1].marking.label(), "TLP:AMBER FOUO");
        assert_eq!(product_marking(&base, &ps).label(), "TLP:AMBER FOUO");
        let again = parse_body(&write_body(&ps, &base), &base).unwrap();
        assert_eq!(again, ps);
        let e = parse_body("Fine.\n\n(TLP:RED) Names", &base).unwrap_err();
        assert_eq!(e.paragraph, 2);
        let mut red = Marking::tlp(Tlp::Red);
        red.named_recipients.insert(Uuid::from_u128(7));
        let ps = parse_body(
            "For the two.\n\n(U//FOUO) Names.\n\n(TLP:GREEN) Advice.",
            &red,
        )
        .unwrap();
        assert_eq!(ps[0].marking, red);
        assert_eq!(ps[1].marking.named_recipients, red.named_recipients);
        assert!(ps[2].marking.named_recipients.is_empty());
        assert!(check_base(&red).is_ok());
        let e = parse_body("(U//FOUO)", &base).unwrap_err();
        assert!(e.to_string().contains("paragraph 1"), "{e}");
        assert!(parse_body("  \n\n ", &base).unwrap().is_empty());
        assert!(check_base(&Marking::tlp(Tlp::Red)).is_err());
    }

    #[test]
    fn relevance_prefers_systems_and_vendors_over_topics() {
        let needs = InformationNeeds {
            topics: vec!["Ransomware".into(), "phishing".into()],
            systems: vec!["e-poll books".into()],
            vendors: vec!["ES&S".into()],
        };
        let tags = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let r = relevance(&tags(&["ES&S ExpressPoll", "phishing", "DNS"]), &needs);
        assert_eq!(r.score, 3);
        assert_eq!(r.matched, vec!["ES&S ExpressPoll", "phishing"]);
        assert_eq!(relevance(&tags(&["polling place"]), &needs).score, 0);
        assert_eq!(relevance(&tags(&["RANSOMWARE"]), &needs).score, 1);
        assert_eq!(
            relevance(&tags(&["x"]), &InformationNeeds::default()).score,
            0
        );
        assert_eq!(
            parse_terms("ransomware, Ransomware ,\n e-poll   books;;").unwrap(),
            vec!["ransomware", "e-poll books"]
        );
        assert!(
            parse_terms(&"x,".repeat(TAGS_MAX + 1)).is_ok(),
            "duplicates collapse"
        );
        let many: String = (0..=TAGS_MAX).map(|i| format!("t{i},")).collect();
        assert!(parse_terms(&many).is_err());
        assert!(parse_terms(&"a".repeat(TAG_MAX + 1)).is_err());
    }

    fn arb_marking() -> impl Strategy<Value = Marking> {
        (
            proptest::sample::select(vec![Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::AmberStrict]),
            proptest::collection::btree_set(
                prop_oneof![Just(Caveat::Fouo), Just(Caveat::Cui)],
                0..2,
            ),
        )
            .prop_map(|(tlp, caveats)| Marking {
                tlp,
                caveats,
                named_recipients: BTreeSet::new(),
            })
    }

    fn arb_reader() -> impl Strategy<Value = Reader> {
        (
            0u128..3,
            prop_oneof![
                Just(None),
                Just(Some(BOARD)),
                Just(Some(Organisation {
                    id: Uuid::from_u128(7),
                    kind: OrgKind::ElectionAuthority
                })),
                Just(Some(Organisation {
                    id: Uuid::from_u128(8),
                    kind: OrgKind::Partner
                })),
            ],
            any::<bool>(),
            proptest::option::of(-2i64..2),
        )
            .prop_map(|(p, organisation, in_community, ntk)| Reader {
                person_id: Uuid::from_u128(p),
                organisation,
                in_community,
                need_to_know: ntk
                    .map(|d| NeedToKnowApproval {
                        approved_at: NOW - Duration::days(10),
                        expires_at: NOW + Duration::days(d),
                        revoked_at: None,
                    })
                    .into_iter()
                    .collect(),
                as_of: NOW,
            })
    }

    /// A body written in the authoring syntax from a list of optional portion marks.
    fn arb_body() -> impl Strategy<Value = (Marking, Vec<Option<Marking>>)> {
        (
            arb_marking(),
            proptest::collection::vec(proptest::option::of(arb_marking()), 0..6),
        )
    }

    proptest! {
        #[test]
        fn a_reader_never_gets_a_paragraph_may_see_refuses(
            (base, marks) in arb_body(),
            r in arb_reader(),
            clients in any::<bool>(),
        ) {
            let body = marks
                .iter()
                .enumerate()
                .map(|(i, m)| match m {
                    Some(m) => format!("({}) Paragraph {i}.", m.label()),
                    None => format!("Paragraph {i}."),
                })
                .collect::<Vec<_>>()
                .join("\n\n");
            let paragraphs = parse_body(&body, &base).unwrap();
            prop_assert_eq!(paragraphs.len(), marks.len());
            for (p, m) in paragraphs.iter().zip(&marks) {
                let expected = m.as_ref().unwrap_or(&base);
                prop_assert_eq!(&p.marking, expected);
            }
            let overall = product_marking(&base, &paragraphs);
            let settings = AccessSettings { authorities_are_board_clients: clients };
            let doc = document(BOARD, paragraphs.clone());
            let red = doc.redact_for(&r, &settings);
            prop_assert_eq!(red.visible.len() + red.withheld, paragraphs.len());
            for p in &red.visible {
                let item = ItemAccess { marking: &p.marking, organisation: BOARD };
                prop_assert!(may_see(&r, &item, &settings).is_allowed());
                prop_assert!(p.marking.tlp <= overall.tlp);
                prop_assert!(p.marking.caveats.is_subset(&overall.caveats));
            }
            for p in &doc.paragraphs {
                let item = ItemAccess { marking: &p.marking, organisation: BOARD };
                if !may_see(&r, &item, &settings).is_allowed() {
                    prop_assert!(!red.visible.iter().any(|v| std::ptr::eq(*v, p)));
                }
            }
        }
    }
}
