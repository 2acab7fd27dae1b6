//! Reading a large input file by mapping it into memory instead of copying it.
//!
//! `cybernav import stix` reads bundles of hundreds of megabytes. Copying one into a buffer
//! made the kernel zero a fresh page for every 4 KiB and then copy the file into it: 0.3 s
//! for a 495 MB bundle, against 0.03 s to map the file's cached pages (docs/PERFORMANCE.md).

#![expect(
    unsafe_code,
    reason = "mapping a file is unsafe in Rust's terms; confined to this module"
)]

use std::fs::File;
use std::path::Path;

use anyhow::{Context, Result};

/// The whole of the file at `path`: mapped when it is a regular file that is not empty, read
/// otherwise (a pipe, a special file).
pub(crate) enum Input {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl AsRef<[u8]> for Input {
    fn as_ref(&self) -> &[u8] {
        match self {
            Input::Mapped(m) => m,
            Input::Read(v) => v,
        }
    }
}

impl Input {
    /// Opens `path`. Its pages are loaded now (`MAP_POPULATE`), so a file that cannot be read
    /// fails here rather than part-way through an import.
    pub(crate) fn open(path: &Path) -> Result<Input> {
        let file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        let meta = file
            .metadata()
            .with_context(|| format!("cannot read {}", path.display()))?;
        if !meta.is_file() || meta.len() == 0 {
            return std::fs::read(path)
                .map(Input::Read)
                .with_context(|| format!("cannot read {}", path.display()));
        }
        // SAFETY: the mapping is read-only and private. What Rust cannot rule out is another
        // program changing or shortening the file while it is mapped: the bytes read could
        // change under the import, or a read past a new end would stop the process (SIGBUS).
        // Either way the import's transaction is never committed, so nothing half-written is
        // stored; the command's help asks not to change a file while it is imported.
        let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) }
            .with_context(|| format!("cannot read {}", path.display()))?;
        Ok(Input::Mapped(map))
    }

    /// Its length in bytes.
    pub(crate) fn len(&self) -> usize {
        self.as_ref().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_mapped_whole_and_an_empty_or_missing_one_is_handled() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("bundle.json");
        let text = "{\"type\": \"bundle\", \"objects\": []}\n".repeat(1000);
        std::fs::write(&path, &text).expect("written");
        let input = Input::open(&path).expect("opens");
        assert!(matches!(input, Input::Mapped(_)));
        assert_eq!(input.as_ref(), text.as_bytes());
        assert_eq!(input.len(), text.len());

        // An empty file cannot be mapped; it is read (and then refused as not a bundle).
        let empty = dir.path().join("empty.json");
        std::fs::write(&empty, "").expect("written");
        let input = Input::open(&empty).expect("opens");
        assert!(matches!(input, Input::Read(ref v) if v.is_empty()));

        let missing = dir.path().join("missing.json");
        let e = Input::open(&missing)
            .err()
            .expect("a missing file is an error");
        assert!(format!("{e:#}").contains("missing.json"), "{e:#}");
    }
}
