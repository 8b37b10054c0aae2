//! The reports as tables of text: one definition of each report's columns and cells,
//! shared by the command line (printed, or written as CSV) and the screen, so both show
//! the same numbers. Column codes are stable; screens translate them
//! (`report.col.<code>`). Amounts are CNY to the fen without separators, shares are
//! percents to one decimal, `-` when there is nothing to divide by.
use std::path::Path;

use rust_decimal::Decimal;

use super::reports::{cents, ChurnRow, Performance, PerformanceReport, ValueReport};
use super::{Result, StoreError};
use crate::domain::csv_import::csv_record;

/// A report as text: column codes and rows of cells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Column codes.
    pub columns: Vec<&'static str>,
    /// Rows, each with one cell per column.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Tab-separated lines, the header first (the command line's output).
    pub fn to_tsv(&self) -> String {
        let mut out = self.columns.join("\t");
        out.push('\n');
        for row in &self.rows {
            out.push_str(&row.join("\t"));
            out.push('\n');
        }
        out
    }

    /// The table as CSV (the same writer as every CSV export: a byte-order mark first,
    /// formula cells neutralised with a leading `'`, a plain number such as a negative change
    /// written as it is).
    pub fn to_csv(&self) -> String {
        let mut out = crate::domain::csv_text::BOM.to_string();
        out.push_str(&csv_record(self.columns.iter().copied()));
        for row in &self.rows {
            out.push_str(&csv_record(row.iter().map(String::as_str)));
        }
        out
    }

    /// Writes [`to_csv`](Self::to_csv) to `path`, readable by its owner only (`0600`),
    /// through `PATH.partial` flushed and renamed (`files::write_private_bytes`), so a
    /// failed write leaves no half file.
    pub fn write_csv(&self, path: &Path) -> Result<()> {
        super::files::write_private_bytes(path, self.to_csv().as_bytes())
            .map_err(|e| StoreError::write_failed(path, e))
    }
}

/// Fen as yuan with two decimals.
pub fn yuan(minor: i64) -> String {
    Decimal::new(minor, 2).to_string()
}

fn pct(p: Option<Decimal>) -> String {
    p.map_or_else(|| "-".to_string(), |d| format!("{d:.1}"))
}

/// Columns of the performance table.
pub const PERFORMANCE_COLUMNS: &[&str] = &[
    "rm",
    "visits",
    "clients_visited",
    "new_clients",
    "tasks_due",
    "tasks_on_time_pct",
    "complaints",
    "complaints_on_time_pct",
    "satisfaction_avg",
    "visits_checked_pct",
    "aum_start",
    "aum_end",
    "aum_change",
    "aum_general",
    "aum_key",
    "aum_core",
    "tier_up",
    "tier_down",
    "handed_in",
    "handed_out",
    "requests",
    "requests_approved_pct",
];

fn performance_row(p: &Performance, name: &str) -> Vec<String> {
    vec![
        name.to_string(),
        p.visits.to_string(),
        p.clients_visited.to_string(),
        p.new_clients.to_string(),
        p.tasks_due.to_string(),
        pct(p.tasks_on_time_pct()),
        p.complaints.to_string(),
        pct(p.complaints_on_time_pct()),
        p.satisfaction_avg()
            .map_or_else(|| "-".to_string(), |d| format!("{d:.2}")),
        pct(p.visits_checked_pct()),
        yuan(p.aum_start),
        yuan(p.aum_end_total()),
        yuan(p.aum_end_total() - p.aum_start),
        yuan(p.aum_end[0]),
        yuan(p.aum_end[1]),
        yuan(p.aum_end[2]),
        p.tier_up.to_string(),
        p.tier_down.to_string(),
        p.handed_in.to_string(),
        p.handed_out.to_string(),
        p.requests.to_string(),
        pct(p.requests_approved_pct()),
    ]
}

/// The performance report as a table: one row per RM, then the branch total
/// (`*branch*`) for a manager.
pub fn performance_table(r: &PerformanceReport) -> Table {
    let mut rows: Vec<Vec<String>> = r.rows.iter().map(|p| performance_row(p, &p.rm)).collect();
    if let Some(t) = &r.total {
        rows.push(performance_row(t, BRANCH_TOTAL));
    }
    Table {
        columns: PERFORMANCE_COLUMNS.to_vec(),
        rows,
    }
}

/// The name of the branch total's row.
pub const BRANCH_TOTAL: &str = "*branch*";

/// Columns of the value table.
pub const VALUE_COLUMNS: &[&str] = &[
    "rank",
    "client_no",
    "name",
    "rm",
    "tier",
    "aum",
    "contribution",
    "cumulative_pct",
];

/// The value report as a table, in rank order.
pub fn value_table(r: &ValueReport) -> Table {
    Table {
        columns: VALUE_COLUMNS.to_vec(),
        rows: r
            .rows
            .iter()
            .map(|v| {
                vec![
                    v.rank.to_string(),
                    v.client_no.clone(),
                    v.name.clone(),
                    v.rm.clone(),
                    v.tier.code().to_string(),
                    format!("{:.2}", cents(v.aum)),
                    format!("{:.2}", cents(v.contribution)),
                    format!("{:.1}", v.cumulative_pct),
                ]
            })
            .collect(),
    }
}

/// Columns of the churn table.
pub const CHURN_COLUMNS: &[&str] = &["client_no", "name", "rm", "tier", "aum", "reasons"];

/// The churn list as a table; reasons by their codes, `; ` between them.
pub fn churn_table(rows: &[ChurnRow]) -> Table {
    Table {
        columns: CHURN_COLUMNS.to_vec(),
        rows: rows
            .iter()
            .map(|c| {
                vec![
                    c.client_no.clone(),
                    c.name.clone(),
                    c.rm.clone(),
                    c.tier.code().to_string(),
                    format!("{:.2}", cents(c.aum)),
                    c.reasons
                        .iter()
                        .map(|r| r.code())
                        .collect::<Vec<_>>()
                        .join("; "),
                ]
            })
            .collect(),
    }
}
