//! Indicator files for a log scan: plain lists (one value a line, defanged or not, `#`
//! comments), CSV with a header, and STIX bundles, told apart by their content. What the scan
//! engine does with them is `cybernav-scan`'s.

use cybernav_core::sharing::Indicator;
use cybernav_formats::freetext::{ListRead, read_free_text, read_indicator_csv};
use cybernav_formats::stix::{PatternOutcome, StixObject, read_bundle};
use time::OffsetDateTime;

/// What an indicator file held.
#[derive(Debug, Default)]
pub struct IndicatorFile {
    /// The indicators, in file order.
    pub indicators: Vec<Indicator>,
    /// What was refused, each with where and why (`line 7: '1.2.3': …`).
    pub rejected: Vec<String>,
    /// STIX indicators left out: revoked, expired, or patterns that are not plain values.
    pub left_out: usize,
    /// The kind of file it was read as (`list`, `csv`, `stix`).
    pub read_as: &'static str,
}

/// Reads an indicator file. `name` is used in messages; CSV is told by a `.csv` name, STIX by
/// a JSON object whose `type` is `bundle`; anything else is a plain list. `now` decides which
/// STIX indicators have expired.
pub fn read_indicator_file(
    name: &str,
    bytes: &[u8],
    now: OffsetDateTime,
) -> Result<IndicatorFile, String> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&[][..], |i| &bytes[i..]);
    if start.starts_with(b"{") {
        return read_stix(name, bytes, now);
    }
    if name.to_ascii_lowercase().ends_with(".csv") {
        let read = read_indicator_csv(bytes).map_err(|e| format!("{name}: {e}"))?;
        return Ok(from_list(read, "csv"));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "{name}: not UTF-8 text (byte {}); save it as UTF-8",
            e.valid_up_to() + 1
        )
    })?;
    Ok(from_list(read_free_text(text), "list"))
}

fn from_list(read: ListRead, read_as: &'static str) -> IndicatorFile {
    IndicatorFile {
        indicators: read.entries.into_iter().map(|e| e.indicator).collect(),
        rejected: read.rejected.iter().map(ToString::to_string).collect(),
        left_out: 0,
        read_as,
    }
}

fn read_stix(name: &str, bytes: &[u8], now: OffsetDateTime) -> Result<IndicatorFile, String> {
    let mut out = IndicatorFile {
        read_as: "stix",
        ..IndicatorFile::default()
    };
    read_bundle(bytes, |o| match o {
        Ok(StixObject::Indicator(i)) => {
            let expired = i.valid_until.is_some_and(|u| u <= now);
            match i.outcome {
                PatternOutcome::Indicators(list) if !i.revoked && !expired => {
                    out.indicators.extend(list);
                }
                _ => out.left_out += 1,
            }
        }
        Ok(_) => {}
        Err(r) => out.rejected.push(r.to_string()),
    })
    .map_err(|e| format!("{name}: read as a STIX bundle (it starts with '{{'): {e}"))?;
    Ok(out)
}
