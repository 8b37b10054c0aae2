//! The reports' popups: the file an export writes (a default name, refusals shown at the
//! field), and a from–to period of local dates, both included.
use std::path::Path;

use chrono::NaiveDate;

use crate::domain::client::parse_date;
use crate::store::reports::Period;
use crate::store::reports_table::{churn_table, Table};
use crate::tui::i18n::I18n;
use crate::tui::popup::Step;
use crate::tui::screens::{store_error_text, Ctx};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::popup_form::{form_popup, PopupForm};

/// What a reports popup reports to the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    /// The period typed.
    Period(Period),
    /// The file was written (the screen keeps the status line).
    Exported,
}

/// A popup over the report (which stays in view around it), 72 columns at most; Enter
/// applies, Esc closes.
fn reports_popup(title: String, fields: Vec<Field>, note: String) -> PopupForm {
    let mut popup = PopupForm::new(title, fields);
    popup.max_width = 72;
    popup.hide_behind = false;
    popup.note = Some(note);
    popup.filter = true;
    popup
}

/// What an export writes: the table on screen, or (churn) the whole list in scope, of
/// which the screen holds the pages seen so far.
#[derive(Debug, Clone)]
pub enum Export {
    /// This table.
    Table(Table),
    /// Every churn warning of the scope (one RM's with `Some`).
    Churn(Option<String>),
}

/// The export popup: the CSV file to write.
#[derive(Debug, Clone)]
pub struct ExportForm {
    what: Export,
    /// The popup with the file name.
    pub popup: PopupForm,
}

impl ExportForm {
    /// The popup, suggesting `file`.
    pub fn new(i: &I18n, what: Export, file: &str) -> ExportForm {
        ExportForm {
            what,
            popup: reports_popup(
                i.t("report.export.title").to_string(),
                vec![Field::text("file", i.t("report.export.file"), file)],
                i.t("report.export.hint").to_string(),
            ),
        }
    }

    /// Enter writes the file (0600, through a `.partial` renamed when complete); a
    /// refusal stays at the field with the name as typed.
    fn submit(&mut self, ctx: &mut Ctx<'_>) -> Step<Done> {
        let form = &mut self.popup.form;
        let file = form.trimmed("file");
        if file.is_empty() {
            form.set_error("file", ctx.i18n.t("err.required"));
            return Step::Open;
        }
        let path = Path::new(&file);
        let table = match &self.what {
            Export::Table(t) => Ok(t.clone()),
            Export::Churn(rm) => ctx
                .store
                .churn_report(ctx.actor, rm.as_deref())
                .map(|rows| churn_table(&rows)),
        };
        match table.and_then(|t| t.write_csv(path).map(|()| t.rows.len())) {
            Ok(n) => {
                let full = std::path::absolute(path)
                    .unwrap_or_else(|_| path.to_path_buf())
                    .display()
                    .to_string();
                ctx.info(
                    ctx.i18n
                        .f("report.exported", &[("n", &n.to_string()), ("file", &full)]),
                );
                Step::Done(Done::Exported)
            }
            Err(e) => {
                form.set_error("file", store_error_text(&e, ctx.i18n));
                Step::Open
            }
        }
    }
}

/// The period popup: from and to, local dates, both included.
#[derive(Debug, Clone)]
pub struct PeriodForm {
    /// The popup with the two dates.
    pub popup: PopupForm,
}

/// The longest period the popup takes: ten years of days.
pub const MAX_DAYS: i64 = 3660;

impl PeriodForm {
    /// The popup, holding `current`.
    pub fn new(i: &I18n, current: Period) -> PeriodForm {
        PeriodForm {
            popup: reports_popup(
                i.t("report.period.title").to_string(),
                vec![
                    Field::text("from", i.t("report.period.from"), &current.from.to_string()),
                    Field::text("to", i.t("report.period.to"), &current.to.to_string()),
                ],
                i.t("report.period.hint").to_string(),
            ),
        }
    }

    /// Enter: the period, or the popup stays open with the reason at its field (not a
    /// date, the end before the start, longer than [`MAX_DAYS`]).
    fn submit(&mut self, ctx: &mut Ctx<'_>) -> Step<Done> {
        let i = ctx.i18n;
        let form = &mut self.popup.form;
        form.clear_errors();
        let mut date = |id: &str| -> Option<NaiveDate> {
            let typed = form.trimmed(id);
            if typed.is_empty() {
                form.set_error(id, i.t("err.required"));
                return None;
            }
            let d = parse_date(&typed);
            if d.is_none() {
                form.set_error(id, i.t("err.date"));
            }
            d
        };
        let (from, to) = (date("from"), date("to"));
        let (Some(from), Some(to)) = (from, to) else {
            return Step::Open;
        };
        if to < from {
            form.set_error("to", i.t("err.report.period"));
            return Step::Open;
        }
        if (to - from).num_days() >= MAX_DAYS {
            form.set_error("to", i.t("err.report.too_long"));
            return Step::Open;
        }
        Step::Done(Done::Period(Period { from, to }))
    }
}

form_popup!(ExportForm => Done);
form_popup!(PeriodForm => Done);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Role;
    use crate::tui::popup::testing::{assert_shows_what_it_takes, env, TEXT_FIELD};
    use crate::tui::popup::Popup;

    fn november() -> Period {
        Period {
            from: "2026-11-01".parse().expect("date"),
            to: "2026-11-30".parse().expect("date"),
        }
    }

    #[test]
    fn the_export_popup_shows_what_it_takes() {
        let mut env = env(Role::Rm);
        // No file name: Enter is refused at the field, so nothing is written.
        assert_shows_what_it_takes(&mut env, true, TEXT_FIELD, &|c| {
            Box::new(ExportForm::new(c.i18n, Export::Table(Table::default()), ""))
                as Box<dyn Popup<Done>>
        });
    }

    #[test]
    fn the_period_popup_shows_what_it_takes() {
        let mut env = env(Role::Rm);
        assert_shows_what_it_takes(&mut env, true, TEXT_FIELD, &|c| {
            Box::new(PeriodForm::new(c.i18n, november())) as Box<dyn Popup<Done>>
        });
    }
}
