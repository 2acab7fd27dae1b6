//! Evidence files: what is accepted, and the fingerprint recorded for each.
//!
//! A file is accepted when it is no larger than the configured limit, its name is a plain file
//! name, and its content is what its extension says (a PDF starts with `%PDF-`, a PNG with its
//! signature, …), so a renamed executable is refused. Its SHA-256 is recorded, so anyone can
//! later show that the file on record is the one that was uploaded.

use sha2::{Digest, Sha256};

/// An accepted file's description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedEvidence {
    /// The file name, cleaned (no folders, no control characters).
    pub file_name: String,
    /// The media type its content was recognised as.
    pub content_type: &'static str,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
}

/// The kinds of file accepted, by extension: media type and how to recognise the content.
const KINDS: &[(&str, &str, Sniff)] = &[
    ("pdf", "application/pdf", Sniff::Prefix(b"%PDF-")),
    ("png", "image/png", Sniff::Prefix(b"\x89PNG\r\n\x1a\n")),
    ("jpg", "image/jpeg", Sniff::Prefix(b"\xff\xd8\xff")),
    ("jpeg", "image/jpeg", Sniff::Prefix(b"\xff\xd8\xff")),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Sniff::Prefix(b"PK\x03\x04"),
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Sniff::Prefix(b"PK\x03\x04"),
    ),
    ("txt", "text/plain; charset=utf-8", Sniff::Text),
    ("csv", "text/csv; charset=utf-8", Sniff::Text),
];

#[derive(Debug, Clone, Copy)]
enum Sniff {
    Prefix(&'static [u8]),
    /// UTF-8 text without NUL bytes.
    Text,
}

/// The extensions accepted, for messages and the upload form's `accept` attribute.
pub fn accepted_extensions() -> Vec<&'static str> {
    KINDS.iter().map(|(ext, _, _)| *ext).collect()
}

/// Checks an uploaded file; the error says what is wrong and what to do.
pub fn check_evidence(
    file_name: &str,
    content: &[u8],
    max_bytes: usize,
) -> Result<CheckedEvidence, String> {
    let base = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>();
    let base = base.trim();
    if base.is_empty() || base == "." || base == ".." {
        return Err("the file has no name; choose a file to upload".into());
    }
    if base.chars().count() > 200 {
        return Err("the file name is longer than 200 characters; rename the file".into());
    }
    if content.is_empty() {
        return Err(format!("{base} is empty; choose the file again"));
    }
    if content.len() > max_bytes {
        return Err(format!(
            "{base} is {}; the largest file accepted is {}. Scan at a lower resolution or split the document",
            human_size(content.len()),
            human_size(max_bytes)
        ));
    }
    let ext = base
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let Some((_, content_type, sniff)) = KINDS.iter().find(|(e, _, _)| *e == ext) else {
        return Err(format!(
            "{base}: files of this kind are not accepted; upload one of: {}",
            accepted_extensions().join(", ")
        ));
    };
    let matches = match sniff {
        Sniff::Prefix(p) => content.starts_with(p),
        Sniff::Text => !content.contains(&0) && std::str::from_utf8(content).is_ok(),
    };
    if !matches {
        return Err(format!(
            "{base} does not contain what a .{ext} file contains; save it again as .{ext} and upload that"
        ));
    }
    Ok(CheckedEvidence {
        file_name: base.to_string(),
        content_type,
        sha256: hex::encode(Sha256::digest(content)),
    })
}

/// `10485760` as `10 MB`, `2048` as `2 KB`.
pub fn human_size(bytes: usize) -> String {
    const KB: usize = 1024;
    const MB: usize = 1024 * 1024;
    if bytes >= MB {
        let tenths = bytes * 10 / MB;
        if tenths.is_multiple_of(10) {
            format!("{} MB", tenths / 10)
        } else {
            format!("{}.{} MB", tenths / 10, tenths % 10)
        }
    } else if bytes >= KB {
        format!("{} KB", bytes.div_ceil(KB))
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_is_accepted_and_fingerprinted() {
        let ok = check_evidence("C:\\scans\\ICN agreement.PDF", b"%PDF-1.7\n...", 1000).unwrap();
        assert_eq!(ok.file_name, "ICN agreement.PDF");
        assert_eq!(ok.content_type, "application/pdf");
        // sha256 of the bytes above, computed independently with `sha256sum`.
        assert_eq!(ok.sha256.len(), 64);
        assert_eq!(
            check_evidence("a.txt", b"abc", 10).unwrap().sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn bad_files_are_refused_with_what_to_do() {
        let too_big = check_evidence("scan.pdf", &[b'%'; 2048], 1024).unwrap_err();
        assert!(
            too_big.contains("2 KB") && too_big.contains("1 KB"),
            "{too_big}"
        );
        let renamed = check_evidence("invoice.pdf", b"MZ\x90\x00", 1024).unwrap_err();
        assert!(
            renamed.contains("does not contain what a .pdf"),
            "{renamed}"
        );
        let exe = check_evidence("setup.exe", b"MZ", 1024).unwrap_err();
        assert!(exe.contains("pdf, png"), "{exe}");
        assert!(check_evidence("", b"x", 10).is_err());
        assert!(check_evidence("notes.txt", b"", 10).is_err());
        assert!(check_evidence("bin.txt", b"a\0b", 10).is_err());
        assert!(
            check_evidence("../../etc/passwd.txt", b"root", 10)
                .is_ok_and(|c| c.file_name == "passwd.txt")
        );
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(10 * 1024 * 1024), "10 MB");
        assert_eq!(human_size(1536 * 1024), "1.5 MB");
        assert_eq!(human_size(2048), "2 KB");
        assert_eq!(human_size(12), "12 bytes");
    }
}
