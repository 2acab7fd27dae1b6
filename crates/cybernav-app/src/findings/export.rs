//! The findings CSV export.

use cybernav_core::authz::FindingReader;
use cybernav_formats::spreadsheet::guard;
use cybernav_store::StoreError;
use time::Date;

use crate::{App, AppError, AppResult};

use super::*;

/// The columns of the findings CSV export.
pub const CSV_COLUMNS: [&str; 25] = [
    "id",
    "title",
    "severity",
    "status",
    "source",
    "owner",
    "host",
    "port",
    "protocol",
    "cve",
    "kev",
    "kev_due_date",
    "ransomware",
    "identified_on",
    "target_date",
    "due_date",
    "overdue",
    "latest_detection",
    "closed_on",
    "risk_approver",
    "risk_expires_on",
    "assessment_id",
    "catalog_item_id",
    "description",
    "recommendation",
];

impl App {
    /// The reader's authority's findings as CSV (filtered as the list is), one row per finding;
    /// cells a spreadsheet would run as a formula are prefixed with `'`.
    pub async fn findings_csv(
        &self,
        reader: &FindingReader<'_>,
        filter: &FindingFilter,
    ) -> AppResult<String> {
        let rows = self.findings(reader, filter).await?;
        let mut w = csv::Writer::from_writer(Vec::new());
        let csv_err = |e: csv::Error| AppError::Store(StoreError::Corrupt(format!("csv: {e}")));
        w.write_record(CSV_COLUMNS).map_err(csv_err)?;
        let d = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        let o = |s: &Option<String>| s.clone().unwrap_or_default();
        for v in &rows {
            let r = &v.row;
            let cells = [
                r.id.to_string(),
                r.title.clone(),
                r.severity.clone(),
                r.status.clone(),
                r.source.clone(),
                r.owner.clone(),
                o(&r.host),
                r.port.map(|p| p.to_string()).unwrap_or_default(),
                o(&r.protocol),
                o(&r.cve),
                if r.kev { "yes" } else { "no" }.into(),
                d(r.kev_due_date),
                if r.ransomware { "yes" } else { "no" }.into(),
                r.identified_on.to_string(),
                d(r.target_date),
                d(v.due_date),
                if v.overdue { "yes" } else { "no" }.into(),
                d(r.latest_detection),
                d(r.closed_on),
                o(&r.risk_approver),
                d(r.risk_expires_on),
                r.assessment_id.map(|a| a.to_string()).unwrap_or_default(),
                o(&r.catalog_item_id),
                r.description.clone(),
                o(&r.recommendation),
            ];
            w.write_record(cells.iter().map(|c| guard(c).into_owned()))
                .map_err(csv_err)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| AppError::Store(StoreError::Corrupt(format!("csv: {e}"))))?;
        String::from_utf8(bytes)
            .map_err(|e| AppError::Store(StoreError::Corrupt(format!("csv: {e}"))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_guarded() {
        assert_eq!(guard("=cmd"), "'=cmd");
        assert_eq!(guard("plain"), "plain");
    }
}
