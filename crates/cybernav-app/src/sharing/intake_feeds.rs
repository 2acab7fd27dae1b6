//! MISP feeds and indicator lists, taken in the same way as STIX bundles
//! ([`super::intake`]): one transaction, provenance on every report, the same summary.
//!
//! * A MISP feed is a folder: `manifest.json` and one `<uuid>.json` per event. Each
//!   attribute that makes an indicator is one report, referenced by its attribute UUID, marked
//!   by its tags and its event's (`tlp:amber`, FOUO caveats) or the source's default. An event
//!   whose file is missing or unreadable is refused by its UUID; the others come in.
//! * A list (CSV with a value column, or free text one indicator a line, defanged or not) is
//!   one report per indicator referenced by the file name, marked with the source's default.

use std::sync::Arc;

use cybernav_core::authz::IntakeWriter;
use cybernav_core::sharing::Indicator;
use cybernav_core::sharing::marking::Marking;
use cybernav_formats::freetext::{ListRead, read_free_text, read_indicator_csv};
use cybernav_formats::misp::{MispError, MispIndicator, read_event, read_manifest};
use cybernav_store::Tx;
use cybernav_store::intake::Provenance;

use super::intake::{
    Batch, IntakeSummary, RejectedItem, SourceReport, SourceSpec, Written, finish_run,
    marking_json, sha256_hex, source_in, start_run, write_batch,
};
use crate::{App, AppError, AppResult, RequestMeta};

/// Attributes read before a batch is written.
const REPORTS_PER_BATCH: usize = 2_000;

/// How a list file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    /// CSV with a header naming a value column.
    Csv,
    /// One indicator a line, with optional comments.
    FreeText,
}

impl ListFormat {
    /// CSV for a `.csv` name, free text otherwise.
    pub fn from_name(name: &str) -> ListFormat {
        if name.to_ascii_lowercase().ends_with(".csv") {
            ListFormat::Csv
        } else {
            ListFormat::FreeText
        }
    }
}

/// The marking of one MISP attribute: its tags' (and its event's) TLP level or the source's,
/// their caveats and the source's.
fn misp_marking(i: &MispIndicator, default: &Marking) -> Marking {
    let mut m = Marking::tlp(i.tlp.unwrap_or(default.tlp));
    m.caveats = i.caveats.clone();
    m.caveats.extend(default.caveats.iter().cloned());
    m
}

impl App {
    /// Imports a MISP feed: `manifest` is `manifest.json`; `event_file(uuid)` returns the
    /// bytes of `<uuid>.json`, or why it cannot.
    pub async fn import_misp_feed(
        &self,
        cap: &IntakeWriter<'_>,
        source: &SourceSpec,
        feed_name: &str,
        manifest: &[u8],
        mut event_file: impl FnMut(&str) -> Result<Vec<u8>, String>,
        meta: &RequestMeta,
    ) -> AppResult<IntakeSummary> {
        let read = read_manifest(manifest).map_err(|MispError(e)| {
            AppError::invalid(
                "manifest",
                format!("{feed_name}/manifest.json: {e}; nothing was imported"),
            )
        })?;
        let mut tx = self.store.begin().await?;
        let src = source_in(&mut tx, source).await?;
        let run = start_run(
            &mut tx,
            cap.actor(),
            &src,
            feed_name,
            "misp",
            sha256_hex(manifest),
        )
        .await?;
        let from = Provenance {
            source_id: src.id,
            run_id: run.id,
            received_at: run.received_at,
            known_source: true,
        };
        let mut summary = IntakeSummary {
            run_id: run.id,
            ..IntakeSummary::default()
        };
        summary
            .rejected
            .extend(read.rejected.into_iter().map(|r| RejectedItem {
                id: r.uuid,
                reason: format!("manifest.json: {}", r.reason),
            }));
        let mut written = Written::default();
        let mut batch = Batch::default();
        for entry in &read.events {
            let event = match event_file(&entry.uuid)
                .and_then(|bytes| read_event(&bytes).map_err(|MispError(e)| e))
            {
                Ok(e) => e,
                Err(reason) => {
                    summary.rejected.push(RejectedItem {
                        id: entry.uuid.clone(),
                        reason: format!("{}.json: {reason}", entry.uuid),
                    });
                    continue;
                }
            };
            summary
                .rejected
                .extend(event.rejected.into_iter().map(|r| RejectedItem {
                    id: r.attribute_uuid.unwrap_or_else(|| r.event_uuid.clone()),
                    reason: format!("event {}: {}", r.event_uuid, r.reason),
                }));
            for i in &event.indicators {
                let marking: Arc<str> = marking_json(&misp_marking(i, &src.default_marking)).into();
                let original: Arc<str> = serde_json::to_string(&i.tags)
                    .unwrap_or_else(|_| "[]".to_string())
                    .into();
                batch.add(
                    &i.indicator,
                    SourceReport {
                        reference: &i.attribute_uuid,
                        marking,
                        original_markings: original,
                        valid_until: None,
                        confidence: None,
                        revoked: false,
                    },
                );
            }
            if batch.rows.len() >= REPORTS_PER_BATCH {
                write_batch(&mut tx, &batch, from, &mut written).await?;
                batch = Batch::default();
            }
        }
        write_batch(&mut tx, &batch, from, &mut written).await?;
        summary.imported = written.imported;
        summary.duplicates = written.indicators_seen - written.imported;
        finish_run(&mut tx, cap.actor(), meta, &src, run, &summary, feed_name).await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Imports a list of indicators (CSV or free text, defanged or not).
    pub async fn import_indicator_list(
        &self,
        cap: &IntakeWriter<'_>,
        source: &SourceSpec,
        file_name: &str,
        format: ListFormat,
        bytes: &[u8],
        meta: &RequestMeta,
    ) -> AppResult<IntakeSummary> {
        let read: ListRead = match format {
            ListFormat::Csv => read_indicator_csv(bytes).map_err(|e| {
                AppError::invalid("file", format!("{file_name}: {e}; nothing was imported"))
            })?,
            ListFormat::FreeText => {
                let text = std::str::from_utf8(bytes).map_err(|e| {
                    AppError::invalid(
                        "file",
                        format!(
                            "{file_name}: not UTF-8 text (byte {}); save it as UTF-8 and import it again",
                            e.valid_up_to()
                        ),
                    )
                })?;
                read_free_text(text)
            }
        };
        let entries: Vec<(Indicator, String)> = read
            .entries
            .into_iter()
            .map(|e| (e.indicator, file_name.to_string()))
            .collect();
        let rejected: Vec<RejectedItem> = read
            .rejected
            .iter()
            .map(|r| RejectedItem {
                id: format!("line {}", r.line),
                reason: format!("'{}': {}", r.value, r.reason),
            })
            .collect();
        let mut tx = self.store.begin().await?;
        let list = ListIn {
            source,
            file_name,
            format: "list",
            sha256: sha256_hex(bytes),
            entries: &entries,
            rejected,
        };
        let summary = list_in(&mut tx, cap, list, meta).await?;
        tx.commit().await?;
        Ok(summary)
    }
}

/// Indicators already read, with their reference in the source, for [`list_in`].
pub(crate) struct ListIn<'a> {
    pub source: &'a SourceSpec,
    pub file_name: &'a str,
    /// The run's format (`list`, `kev`).
    pub format: &'a str,
    pub sha256: String,
    /// Each indicator with its reference in the source (the file, a CVE id).
    pub entries: &'a [(Indicator, String)],
    /// What was refused while reading.
    pub rejected: Vec<RejectedItem>,
}

/// Records a list of indicators as one run of `source`, inside the caller's transaction:
/// every entry is reported under the source's default marking.
pub(crate) async fn list_in(
    tx: &mut Tx,
    cap: &IntakeWriter<'_>,
    list: ListIn<'_>,
    meta: &RequestMeta,
) -> AppResult<IntakeSummary> {
    let src = source_in(tx, list.source).await?;
    let run = start_run(
        tx,
        cap.actor(),
        &src,
        list.file_name,
        list.format,
        list.sha256,
    )
    .await?;
    let from = Provenance {
        source_id: src.id,
        run_id: run.id,
        received_at: run.received_at,
        known_source: true,
    };
    let marking: Arc<str> = marking_json(&src.default_marking).into();
    let original: Arc<str> = "[]".into();
    let mut summary = IntakeSummary {
        run_id: run.id,
        rejected: list.rejected,
        ..IntakeSummary::default()
    };
    let mut written = Written::default();
    for chunk in list.entries.chunks(REPORTS_PER_BATCH) {
        let mut batch = Batch::default();
        for (indicator, reference) in chunk {
            batch.add(
                indicator,
                SourceReport {
                    reference,
                    marking: marking.clone(),
                    original_markings: original.clone(),
                    valid_until: None,
                    confidence: None,
                    revoked: false,
                },
            );
        }
        write_batch(tx, &batch, from, &mut written).await?;
    }
    summary.imported = written.imported;
    summary.duplicates = written.indicators_seen - written.imported;
    finish_run(tx, cap.actor(), meta, &src, run, &summary, list.file_name).await?;
    Ok(summary)
}
