//! Log readers: each turns one line into a [`Record`].

pub mod csv;
pub mod eve;
pub mod zeek;

use std::sync::Arc;

use crate::record::Record;
pub use csv::{CsvColumns, CsvMapping};
pub use zeek::ZeekHeader;

/// The kind of log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogFormat {
    /// Suricata EVE JSON.
    Eve,
    /// Zeek, TSV with its header or JSON lines.
    Zeek,
    /// CSV with a column mapping (empty: recognise the header's names).
    Csv(CsvMapping),
}

impl LogFormat {
    /// `eve`, `zeek` or `csv`.
    pub fn name(&self) -> &'static str {
        match self {
            LogFormat::Eve => "eve",
            LogFormat::Zeek => "zeek",
            LogFormat::Csv(_) => "csv",
        }
    }
}

/// What a reader knows at a point of a file (headers read so far), handed with each chunk to
/// the thread that reads it.
#[derive(Debug, Clone)]
pub enum FileState {
    /// EVE needs nothing.
    Eve,
    /// The Zeek header in effect.
    Zeek(ZeekHeader),
    /// CSV columns, once known; `header_pending` while the first line is still to come.
    Csv {
        /// The mapping asked for.
        mapping: CsvMapping,
        /// The columns, after the header (or at once, by number).
        columns: Option<Arc<CsvColumns>>,
    },
}

impl FileState {
    /// The state at the start of a file.
    pub fn start(format: &LogFormat) -> FileState {
        match format {
            LogFormat::Eve => FileState::Eve,
            LogFormat::Zeek => FileState::Zeek(ZeekHeader::default()),
            LogFormat::Csv(m) => FileState::Csv {
                columns: (!m.needs_header()).then(|| Arc::new(CsvColumns::by_number(m))),
                mapping: m.clone(),
            },
        }
    }

    /// Makes the state ready for a chunk: the CSV header, read from the file's first line.
    pub(crate) fn prepare(&mut self, piece: &crate::engine::PieceRef<'_>) -> Result<(), String> {
        if let FileState::Csv { mapping, columns } = self
            && columns.is_none()
        {
            let chunk = match piece {
                crate::engine::PieceRef::Lines(b) => b,
                crate::engine::PieceRef::LongLine => {
                    return Err(format!(
                        "longer than {} MiB; a CSV header is one line of column names",
                        crate::engine::MAX_LINE >> 20
                    ));
                }
            };
            *columns = Some(Arc::new(CsvColumns::from_header(
                mapping,
                first_line(chunk),
            )?));
        }
        Ok(())
    }

    /// Carries the state over a chunk once it is handed on: Zeek `#` lines change the header
    /// for the chunks after. A bad `#` line is reported by the chunk's reader, with its line.
    pub fn advance(&mut self, chunk: &[u8]) {
        if let FileState::Zeek(h) = self {
            if chunk.first() == Some(&b'#') {
                let _ = h.apply(first_line(chunk));
            }
            for at in memchr::memmem::find_iter(chunk, b"\n#") {
                let _ = h.apply(first_line(&chunk[at + 1..]));
            }
        }
    }
}

fn first_line(b: &[u8]) -> &[u8] {
    let line = memchr::memchr(b'\n', b).map_or(b, |i| &b[..i]);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Reads the lines of one chunk: the state as it stood at the chunk's start, updated as `#`
/// lines go by.
#[derive(Debug)]
pub enum LineReader<'s> {
    /// EVE.
    Eve,
    /// Zeek, with its own copy of the header.
    Zeek(ZeekHeader),
    /// CSV; `skip_header` for the first chunk of a file with a header line.
    Csv {
        /// The columns.
        columns: &'s CsvColumns,
        /// The first line is the header.
        skip_header: bool,
    },
}

impl<'s> LineReader<'s> {
    /// A reader for a chunk that starts with `state`; `first` when it is the file's first.
    pub fn new(state: &'s FileState, first: bool) -> Result<LineReader<'s>, String> {
        Ok(match state {
            FileState::Eve => LineReader::Eve,
            FileState::Zeek(h) => LineReader::Zeek(h.clone()),
            FileState::Csv { mapping, columns } => LineReader::Csv {
                columns: columns
                    .as_deref()
                    .ok_or("the CSV header has not been read")?,
                skip_header: first && mapping.needs_header(),
            },
        })
    }

    /// Reads line `n` of the chunk (from 1): `Ok(true)` when it is a record.
    #[inline]
    pub fn read<'a>(&mut self, n: u64, line: &'a [u8], rec: &mut Record<'a>) -> Result<bool, String>
    where
        's: 'a,
    {
        match self {
            LineReader::Eve => eve::read(line, rec).map(|()| true),
            LineReader::Zeek(h) => h.read(line, rec),
            LineReader::Csv {
                columns,
                skip_header,
            } => {
                if n == 1 && *skip_header {
                    return Ok(false);
                }
                let columns: &'a CsvColumns = columns;
                columns.read(line, rec).map(|()| true)
            }
        }
    }
}
