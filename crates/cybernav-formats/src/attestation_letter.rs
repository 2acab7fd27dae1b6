//! The printable letter of a signed attestation: one US-Letter page with the Board's
//! letterhead, the date, the addressee, the statement, the requirements and facts verified,
//! the signer, and the fingerprints a reader needs to check the signed file.
//!
//! The PDF uses only the standard Helvetica fonts (no font files embedded) and an uncompressed
//! content stream, so it is small, has no dependency on the machine's fonts, and its text can
//! be searched. The letter is a rendering of the signed file: the file is what is verified.

use cybernav_core::attestation::SignedFile;
use cybernav_core::role::Role;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

const PAGE_W: f32 = 612.0;
const PAGE_H: f32 = 792.0;
const MARGIN: f32 = 64.0;
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");
const MONO: Name<'static> = Name(b"F3");

/// The letter of `file`, as PDF bytes.
pub fn letter(file: &SignedFile) -> Vec<u8> {
    let d = &file.document;
    let mut w = Writer::new();

    // Letterhead.
    let board = format!(
        "{} State Board of Elections",
        d.requirement_set.jurisdiction
    );
    w.line(BOLD, 17.0, &board);
    w.gap(2.0);
    w.line(REGULAR, 10.5, "Cyber Navigator Program");
    w.gap(6.0);
    w.rule(1.2);
    w.gap(16.0);

    w.line(REGULAR, 10.5, &long_date(&d.signed_at));
    w.gap(10.0);
    w.line(REGULAR, 10.5, "To:");
    w.line(BOLD, 10.5, &d.addressee);
    w.gap(10.0);
    w.paragraph(
        BOLD,
        11.0,
        &format!(
            "Written verification under 26 Ill. Adm. Code {}: {}",
            d.required_by, d.election_authority.name
        ),
    );
    w.gap(4.0);
    w.paragraph(
        REGULAR,
        10.0,
        &format!(
            "Grant cycle: {}.   Requirement set: {} version {}.",
            d.grant_cycle.name, d.requirement_set.id, d.requirement_set.version
        ),
    );
    w.gap(8.0);
    w.paragraph(REGULAR, 10.5, &d.statement);
    w.gap(10.0);

    // The requirements verified, with their facts.
    let cols = [MARGIN, MARGIN + 92.0, MARGIN + 262.0, MARGIN + 300.0];
    let right = PAGE_W - MARGIN;
    w.row_text(
        BOLD,
        9.5,
        &cols,
        &["Clause", "Requirement", "Status", "Recorded facts"],
    );
    w.gap(2.0);
    w.rule(0.6);
    w.gap(4.0);
    for r in &d.requirements {
        let facts: Vec<String> = r
            .facts
            .iter()
            .map(|f| {
                let value = if f.holds { "yes" } else { "no" };
                match &f.on {
                    Some(on) => format!("{}: {value}, {on}", f.fact),
                    None => format!("{}: {value}", f.fact),
                }
            })
            .collect();
        let cells = [
            wrap(&r.clause, 9.0, cols[1] - cols[0] - 6.0),
            wrap(&r.title, 9.0, cols[2] - cols[1] - 8.0),
            vec![r.status.clone()],
            facts
                .iter()
                .flat_map(|f| wrap(f, 9.0, right - cols[3]))
                .collect(),
        ];
        w.row_cells(REGULAR, 9.0, &cols, &cells);
        w.gap(3.0);
        w.rule(0.3);
        w.gap(4.0);
    }
    w.gap(14.0);

    // Signer.
    w.line(REGULAR, 10.5, "Signed electronically by");
    w.gap(2.0);
    w.line(BOLD, 11.0, &d.signer.name);
    let role = Role::parse(&d.signer.role)
        .map(|r| r.label().to_string())
        .unwrap_or_else(|_| d.signer.role.clone());
    w.line(REGULAR, 10.5, &format!("{role}, {}", d.signer.email));
    w.line(REGULAR, 10.5, &format!("on {} (UTC)", d.signed_at));
    w.gap(18.0);

    // What a reader needs to check the file.
    w.rule(0.6);
    w.gap(6.0);
    w.line(BOLD, 9.0, "How to check this verification");
    w.gap(2.0);
    w.paragraph(
        REGULAR,
        8.5,
        "This letter prints a signed file. The file, not this paper, is the record: download it from cybernav and verify it with the command below, giving the Board's published key to be sure who signed. Any change to the file makes the check fail.",
    );
    w.gap(3.0);
    for (label, value) in [
        (
            "Verify with",
            "cybernav attestation verify FILE --public-key KEY".to_string(),
        ),
        ("Attestation", d.id.to_string()),
        ("Facts digest", d.facts_digest.clone()),
        ("Signing key", file.key_fingerprint.clone()),
        ("Signature", file.signature_fingerprint()),
    ] {
        w.pair(label, &value);
    }

    w.finish(&format!(
        "Written verification, {}, {}",
        d.election_authority.name, d.grant_cycle.name
    ))
}

/// `2026-03-01T21:04:05Z` as `1 March 2026`.
fn long_date(rfc3339: &str) -> String {
    let months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let date = rfc3339.get(..10).unwrap_or(rfc3339);
    let mut parts = date.split('-');
    match (
        parts.next(),
        parts.next().and_then(|m| m.parse::<usize>().ok()),
        parts.next().and_then(|d| d.parse::<u32>().ok()),
    ) {
        (Some(y), Some(m), Some(d)) if (1..=12).contains(&m) => {
            format!("{d} {} {y}", months[m - 1])
        }
        _ => date.to_string(),
    }
}

/// Lays text out top to bottom on one page.
struct Writer {
    content: Content,
    y: f32,
}

impl Writer {
    fn new() -> Writer {
        Writer {
            content: Content::new(),
            y: PAGE_H - MARGIN,
        }
    }

    fn text_at(&mut self, font: Name<'_>, size: f32, x: f32, y: f32, text: &str) {
        let bytes = win_ansi(text);
        self.content
            .begin_text()
            .set_font(font, size)
            .next_line(x, y)
            .show(Str(&bytes))
            .end_text();
    }

    fn line(&mut self, font: Name<'_>, size: f32, text: &str) {
        self.y -= size * 1.2;
        self.text_at(font, size, MARGIN, self.y, text);
    }

    fn paragraph(&mut self, font: Name<'_>, size: f32, text: &str) {
        let width = if font == MONO {
            f32::MAX
        } else {
            PAGE_W - 2.0 * MARGIN
        };
        for l in wrap(text, size, width) {
            self.y -= size * 1.35;
            self.text_at(font, size, MARGIN, self.y, &l);
        }
    }

    fn pair(&mut self, label: &str, value: &str) {
        self.y -= 8.5 * 1.35;
        let y = self.y;
        self.text_at(BOLD, 8.5, MARGIN, y, label);
        self.text_at(MONO, 8.0, MARGIN + 80.0, y, value);
    }

    fn row_text(&mut self, font: Name<'_>, size: f32, cols: &[f32; 4], cells: &[&str; 4]) {
        self.y -= size * 1.3;
        let y = self.y;
        for (x, t) in cols.iter().zip(cells) {
            self.text_at(font, size, *x, y, t);
        }
    }

    fn row_cells(&mut self, font: Name<'_>, size: f32, cols: &[f32; 4], cells: &[Vec<String>; 4]) {
        let top = self.y;
        let mut lowest = top;
        for (x, lines) in cols.iter().zip(cells) {
            let mut y = top;
            for l in lines {
                y -= size * 1.3;
                self.text_at(font, size, *x, y, l);
            }
            lowest = lowest.min(y);
        }
        self.y = lowest;
    }

    fn rule(&mut self, width: f32) {
        self.content
            .set_line_width(width)
            .move_to(MARGIN, self.y)
            .line_to(PAGE_W - MARGIN, self.y)
            .stroke();
    }

    fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    fn finish(self, title: &str) -> Vec<u8> {
        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let page_id = Ref::new(3);
        let fonts = [Ref::new(4), Ref::new(5), Ref::new(6)];
        let content_id = Ref::new(7);
        let info = Ref::new(8);
        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree).kids([page_id]).count(1);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree);
        page.contents(content_id);
        {
            let mut res = page.resources();
            let mut f = res.fonts();
            f.pair(REGULAR, fonts[0]);
            f.pair(BOLD, fonts[1]);
            f.pair(MONO, fonts[2]);
        }
        page.finish();
        for (id, base) in
            fonts
                .iter()
                .zip([&b"Helvetica"[..], &b"Helvetica-Bold"[..], &b"Courier"[..]])
        {
            pdf.type1_font(*id)
                .base_font(Name(base))
                .encoding_predefined(Name(b"WinAnsiEncoding"));
        }
        pdf.document_info(info)
            .title(TextStr(title))
            .producer(TextStr("cybernav"));
        pdf.stream(content_id, &self.content.finish());
        pdf.finish()
    }
}

/// Text in the WinAnsi encoding the standard fonts use; characters it lacks become `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '\u{2013}' => 0x96,
            '\u{2014}' => 0x97,
            '\u{2018}' => 0x91,
            '\u{2019}' => 0x92,
            '\u{201c}' => 0x93,
            '\u{201d}' => 0x94,
            '\u{2022}' => 0x95,
            '\u{20ac}' => 0x80,
            _ => b'?',
        })
        .collect()
}

/// Helvetica's advance width of `c` in thousandths of the font size (Adobe's AFM metrics for
/// ASCII; an average for the rest).
fn helvetica_width(c: char) -> u16 {
    const ASCII: [u16; 95] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
        278, // ' '../
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0-9
        278, 278, 584, 584, 584, 556, 1015, // :..@
        667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722,
        667, 611, 722, 667, 944, 667, 667, 611, // A-Z
        278, 278, 278, 469, 556, 333, // [..`
        556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333,
        500, 278, 556, 500, 722, 500, 500, 500, // a-z
        334, 260, 334, 584, // {..~
    ];
    match c {
        ' '..='~' => ASCII[(c as usize) - 32],
        _ => 556,
    }
}

/// The width of `text` in Helvetica at `size` points (bold is a little wider: callers leave
/// room).
fn text_width(text: &str, size: f32) -> f32 {
    text.chars()
        .map(|c| f32::from(helvetica_width(c)))
        .sum::<f32>()
        * size
        / 1000.0
}

/// `text` broken into lines no wider than `width` points, at spaces (or inside a word longer
/// than a line).
fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if text_width(&candidate, size) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut rest = word.to_string();
        while text_width(&rest, size) > width && rest.chars().count() > 1 {
            let mut cut = String::new();
            for c in rest.chars() {
                if text_width(&format!("{cut}{c}"), size) > width && !cut.is_empty() {
                    break;
                }
                cut.push(c);
            }
            rest = rest[cut.len()..].to_string();
            lines.push(cut);
        }
        line = rest;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use cybernav_core::attestation::{
        Attestation, AttestationInput, AttestationKind, AttestedFact, AttestedRequirement, Named,
        PlatformKey, SetReference, SignerInfo,
    };
    use time::macros::datetime;
    use uuid::Uuid;

    use super::*;

    fn signed() -> SignedFile {
        let d = Attestation::new(
            Uuid::nil(),
            AttestationInput {
                kind: AttestationKind::NavigatorA3,
                election_authority: Named {
                    id: Uuid::nil(),
                    name: "Adams County Clerk".into(),
                },
                grant_cycle: Named {
                    id: Uuid::nil(),
                    name: "2027 HAVA Election Security".into(),
                },
                requirement_set: SetReference {
                    id: "il-part-213".into(),
                    version: "2019-05-21".into(),
                    jurisdiction: "Illinois".into(),
                },
                requirements: vec![AttestedRequirement {
                    id: "assessment_completed".into(),
                    clause: "213.50(a)(3), 213.50(b)(2)".into(),
                    title: "Risk assessment and CIS analysis completed".into(),
                    status: "met".into(),
                    facts: vec![
                        AttestedFact {
                            fact: "assessment.risk_assessment_done".into(),
                            holds: true,
                            on: Some("2026-02-03".into()),
                        },
                        AttestedFact {
                            fact: "assessment.cis_analysis_done".into(),
                            holds: true,
                            on: Some("2026-02-10".into()),
                        },
                    ],
                }],
                signer: SignerInfo {
                    user_id: Uuid::nil(),
                    name: "Nora Navigator".into(),
                    email: "nora@elections.il.example".into(),
                    role: "navigator".into(),
                },
                signed_at: datetime!(2026-03-01 15:04:05 UTC),
            },
        );
        PlatformKey::generate().sign(d).unwrap()
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn the_letter_is_a_one_page_pdf_with_the_text() {
        let file = signed();
        let pdf = letter(&file);
        assert!(pdf.starts_with(b"%PDF-"));
        let tail = String::from_utf8_lossy(&pdf[pdf.len() - 40..]).into_owned();
        assert!(tail.contains("%%EOF"), "{tail}");
        for needle in [
            &b"Adams County Clerk"[..],
            b"Illinois State Board of Elections",
            b"The Program Manager, Cyber Navigator Program",
            b"Nora Navigator",
            b"1 March 2026",
            b"cybernav attestation verify FILE",
            b"/Count 1",
            b"xref",
            b"trailer",
        ] {
            assert!(
                contains(&pdf, needle),
                "missing {}",
                String::from_utf8_lossy(needle)
            );
        }
        assert!(contains(&pdf, file.key_fingerprint.as_bytes()));
    }

    #[test]
    fn the_xref_table_points_at_the_objects() {
        let pdf = letter(&signed());
        let find = |needle: &[u8], from: usize| -> Option<usize> {
            pdf[from..]
                .windows(needle.len())
                .position(|w| w == needle)
                .map(|p| p + from)
        };
        let at = pdf.windows(9).rposition(|w| w == b"startxref").unwrap();
        let start: usize = std::str::from_utf8(&pdf[at + 9..])
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(pdf[start..].starts_with(b"xref"));
        let table = std::str::from_utf8(&pdf[start..find(b"trailer", start).unwrap()]).unwrap();
        let entries: Vec<&str> = table
            .lines()
            .skip(2)
            .filter(|l| l.trim_end().ends_with(" n"))
            .collect();
        assert_eq!(entries.len(), 8, "eight objects: {table}");
        for (i, e) in entries.iter().enumerate() {
            let off: usize = e[..10].parse().unwrap();
            assert!(
                pdf[off..].starts_with(format!("{} 0 obj", i + 1).as_bytes()),
                "object {} is not at {off}",
                i + 1
            );
        }
    }

    #[test]
    fn wrapping_keeps_lines_inside_the_width() {
        let lines = wrap(
            "I, Nora Navigator, Cyber Navigator, verify to the Program Manager that Adams County Clerk allowed",
            10.0,
            200.0,
        );
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| text_width(l, 10.0) <= 200.0));
        assert_eq!(lines.join(" ").split_whitespace().count(), 15);
        assert_eq!(long_date("2026-03-01T21:04:05Z"), "1 March 2026");
        assert_eq!(win_ansi("é—€☃"), vec![0xe9, 0x97, 0x80, b'?']);
    }
}
