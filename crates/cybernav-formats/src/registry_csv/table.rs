//! Reading a CSV file into header-checked rows of trimmed, unguarded text, with line numbers.

use std::collections::VecDeque;
use std::io::{self, Read};

use super::MAX_ROWS;
use super::error::CsvError;
use crate::spreadsheet::unguard;

/// One data row: its line and its cells in the order of the expected columns.
pub(crate) struct RawRow {
    /// Physical line where the row starts (header = 1).
    pub line: u64,
    /// Trimmed, unguarded cells, one per expected column, in the expected order.
    pub cells: Vec<String>,
}

/// Wraps the reader and remembers where line breaks are, so that each record's physical line
/// can be computed. (The `csv` crate's own line count skips blank lines and miscounts CRLF.)
///
/// A line break is `\r\n`, a lone `\n` or a lone `\r`; it is recorded at the offset of its first
/// byte, with its length. Only breaks not yet counted are kept, so memory stays bounded by the
/// read-ahead.
struct LineCounter<R> {
    inner: R,
    offset: u64,
    prev_cr: bool,
    pending: VecDeque<(u64, u64)>,
    counted: u64,
    /// The offset just past the last break counted.
    counted_end: u64,
}

impl<R> LineCounter<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            offset: 0,
            prev_cr: false,
            pending: VecDeque::new(),
            counted: 0,
            counted_end: 0,
        }
    }

    /// How many line breaks start before byte `offset`. Offsets must not decrease between calls.
    fn breaks_before(&mut self, offset: u64) -> u64 {
        while let Some(&(b, len)) = self.pending.front() {
            if b >= offset {
                break;
            }
            self.pending.pop_front();
            self.counted += 1;
            self.counted_end = b + len;
        }
        self.counted
    }

    /// The physical line of a record the csv reader says starts at byte `start`: it reports
    /// the start before the blank lines it skips (and, after a `\r\n`, at its `\n`), so those
    /// are stepped over here.
    fn line_of_record_at(&mut self, start: u64) -> u64 {
        let mut line = 1 + self.breaks_before(start);
        let mut at = start.max(self.counted_end);
        while let Some(&(b, len)) = self.pending.front() {
            if b != at {
                break;
            }
            self.pending.pop_front();
            self.counted += 1;
            self.counted_end = b + len;
            line += 1;
            at += len;
        }
        line
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in buf.get(..n).unwrap_or_default() {
            if b == b'\r' || (b == b'\n' && !self.prev_cr) {
                self.pending.push_back((self.offset, 1));
            } else if b == b'\n'
                && let Some(last) = self.pending.back_mut()
                && last.0 + 1 == self.offset
            {
                last.1 = 2; // the \n of a \r\n
            }
            self.prev_cr = b == b'\r';
            self.offset += 1;
        }
        Ok(n)
    }
}

/// `1 field` / `6 fields`.
fn fields(n: usize) -> String {
    if n == 1 {
        "1 field".to_string()
    } else {
        format!("{n} fields")
    }
}

/// The message for bytes that are not UTF-8.
fn not_utf8(line: u64) -> String {
    format!("line {line} is not UTF-8 text; save the file as CSV UTF-8 from your spreadsheet")
}

/// Checks the header against `expected`; returns, for each expected column, its index in the file.
fn check_header(
    cells: &[&str],
    expected: &[&'static str],
    line: u64,
    errors: &mut Vec<CsvError>,
) -> Option<Vec<usize>> {
    let list = expected.join(",");
    let before = errors.len();
    let mut position_of: Vec<Option<usize>> = vec![None; expected.len()];
    for (i, raw) in cells.iter().enumerate() {
        let written = raw.trim_start_matches('\u{feff}').trim();
        let name = written.to_ascii_lowercase();
        match expected.iter().position(|e| *e == name) {
            Some(k) => match position_of.get(k).copied().flatten() {
                Some(first) => errors.push(CsvError::new(
                    line,
                    Some(written),
                    format!(
                        "column '{name}' appears more than once in the header (columns {} and {}); \
                         keep one",
                        first + 1,
                        i + 1
                    ),
                )),
                None => {
                    if let Some(slot) = position_of.get_mut(k) {
                        *slot = Some(i);
                    }
                }
            },
            None if name.is_empty() => errors.push(CsvError::new(
                line,
                None,
                format!(
                    "column {} of the header is blank; the header must be exactly: {list}",
                    i + 1
                ),
            )),
            None => errors.push(CsvError::new(
                line,
                Some(written),
                format!("unknown column '{written}'; the header must be exactly: {list}"),
            )),
        }
    }
    for (name, position) in expected.iter().zip(&position_of) {
        if position.is_none() {
            errors.push(CsvError::new(
                line,
                Some(name),
                format!("missing column '{name}'; the header must be exactly: {list}"),
            ));
        }
    }
    if errors.len() > before {
        return None;
    }
    position_of.into_iter().collect()
}

/// Reads the header and every data row, pushing each problem found onto `errors`.
///
/// Blank rows (every cell empty or whitespace) are skipped. A missing or bad header stops the
/// reading, as does passing [`MAX_ROWS`] data rows or an I/O error; other problems are
/// recorded and the row skipped, so that one pass finds every problem in the file.
pub(crate) fn read_table<R: Read>(
    reader: R,
    expected: &[&'static str],
    errors: &mut Vec<CsvError>,
) -> Vec<RawRow> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(LineCounter::new(reader));
    let mut record = csv::ByteRecord::new();
    let mut header: Option<Vec<usize>> = None;
    let mut rows = Vec::new();
    let mut data_rows = 0_usize;
    loop {
        let read = reader.read_byte_record(&mut record);
        let end = reader.position().byte();
        match read {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let ended_line = 1 + reader.get_mut().breaks_before(end.saturating_sub(1));
                errors.push(CsvError::new(
                    ended_line,
                    None,
                    format!("could not read the file: {e}"),
                ));
                return Vec::new();
            }
        }
        // The physical line the record starts on. Counting back from its end by the breaks
        // inside its fields would be wrong when an unclosed quote swallows the file's last
        // line break.
        let start = record.position().map_or(end, csv::Position::byte);
        let line = reader.get_mut().line_of_record_at(start);
        let decoded: Result<Vec<&str>, usize> = record
            .iter()
            .enumerate()
            .map(|(i, bytes)| std::str::from_utf8(bytes).map_err(|_| i))
            .collect();
        if decoded
            .as_ref()
            .is_ok_and(|cells| cells.iter().all(|c| c.trim().is_empty()))
        {
            continue;
        }
        let Some(positions) = &header else {
            match decoded {
                Ok(cells) => match check_header(&cells, expected, line, errors) {
                    Some(positions) => header = Some(positions),
                    None => return Vec::new(),
                },
                Err(_) => {
                    errors.push(CsvError::new(line, None, not_utf8(line)));
                    return Vec::new();
                }
            }
            continue;
        };
        data_rows += 1;
        if data_rows > MAX_ROWS {
            errors.push(CsvError::new(
                line,
                None,
                format!(
                    "the file has more than {MAX_ROWS} rows, the most one import accepts; \
                     split it into several files"
                ),
            ));
            return rows;
        }
        let cells = match decoded {
            Ok(cells) => cells,
            Err(i) => {
                let column = positions
                    .iter()
                    .position(|&p| p == i)
                    .and_then(|k| expected.get(k).copied());
                errors.push(CsvError::new(line, column, not_utf8(line)));
                continue;
            }
        };
        if cells.len() != expected.len() {
            errors.push(CsvError::new(
                line,
                None,
                format!(
                    "found {} but the header has {} ({}); check for missing or extra commas",
                    fields(cells.len()),
                    fields(expected.len()),
                    expected.join(",")
                ),
            ));
            continue;
        }
        let ordered = positions
            .iter()
            .map(|&p| unguard(cells.get(p).copied().unwrap_or_default().trim()).to_string())
            .collect();
        rows.push(RawRow {
            line,
            cells: ordered,
        });
    }
    if header.is_none() {
        errors.push(CsvError::new(
            1,
            None,
            format!(
                "the file is empty; the first line must be the header: {}",
                expected.join(",")
            ),
        ));
    }
    rows
}
