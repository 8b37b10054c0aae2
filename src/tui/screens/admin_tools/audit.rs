//! The audit log viewer: the chain's status at the top, the entries newest first (pages
//! fetched by keyset as the selection nears the end of what is loaded), filters by user,
//! action, entity, client no. and dates (a user and a period is the per-user view for
//! the audit on leaving a post, 离岗审计), an entry's before and after, and export of
//! the filtered view to CSV. Personal data is masked by the store.
use std::path::PathBuf;

use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Wrap};
use ratatui::Frame;

use super::ToolForm;
use crate::store::anchor::ChainStatus;
use crate::store::audit::Record;
use crate::store::audit_view::AuditFilter;
use crate::store::{parse_ts, Zone};
use crate::tui::keymap::Action;
use crate::tui::popup::{Popup, Stack, Step};
use crate::tui::screens::{store_error_text, Ctx, Screen, View};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::list_table::{Cursor, ListTable};
use crate::tui::widgets::popup_form::PopupForm;
use crate::tui::widgets::{centered, popup, wrap};

/// Entries fetched per page.
const PAGE: usize = 100;

/// What the viewer's popups report: a filter to show (the export and the detail close
/// with nothing to report).
type Done = AuditFilter;

/// An entry's every field, before and after, scrolled with ↑/↓.
#[derive(Debug)]
struct DetailPopup {
    record: Record,
    scroll: u16,
}

impl Popup<Done> for DetailPopup {
    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<Done> {
        match ctx.keys.action_in(key, &self.commands()) {
            Some(Action::Back) => Step::Closed,
            Some(Action::Down) => {
                self.scroll = self.scroll.saturating_add(1);
                Step::Open
            }
            Some(Action::Up) => {
                self.scroll = self.scroll.saturating_sub(1);
                Step::Open
            }
            _ => Step::Ignored,
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        draw_detail(f, area, &self.record, self.scroll, v);
    }
    fn commands(&self) -> Vec<Action> {
        vec![Action::Back, Action::Up, Action::Down]
    }
}

/// The viewer's state.
#[derive(Debug, Default)]
pub struct AuditView {
    filter: AuditFilter,
    rows: Vec<Record>,
    cursor: Cursor,
    at_end: bool,
    chain: Option<ChainStatus>,
    popups: Stack<Done>,
}

/// An instant as the local date and time.
fn local(at: &str, zone: Zone) -> String {
    parse_ts(at)
        .map(|t| zone.local(t).format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| at.to_string())
}

impl AuditView {
    /// Shows the entries of `filter` (tests and the per-user view start here).
    pub fn set_filter(&mut self, filter: AuditFilter) {
        self.filter = filter;
    }

    fn load_more(&mut self, ctx: &mut Ctx<'_>) {
        if self.at_end {
            return;
        }
        let before = self.rows.last().map(|r| r.id);
        match ctx.store.audit_page(ctx.actor, &self.filter, before, PAGE) {
            Ok(page) => {
                self.at_end = page.len() < PAGE;
                self.rows.extend(page);
            }
            Err(e) => {
                self.at_end = true;
                ctx.error(store_error_text(&e, ctx.i18n));
            }
        }
    }

    fn filter_form(&self, ctx: &Ctx<'_>) -> ToolForm<Done> {
        let i = ctx.i18n;
        let zone = ctx.store.zone();
        let date = |t: Option<chrono::DateTime<chrono::Utc>>, back: i64| {
            t.map(|t| (zone.date(t) - chrono::Duration::days(back)).to_string())
                .unwrap_or_default()
        };
        let f = &self.filter;
        let mut p = PopupForm::new(
            i.t("audit.filter").to_string(),
            vec![
                Field::text(
                    "user",
                    i.t("audit.f.user"),
                    f.username.as_deref().unwrap_or(""),
                ),
                Field::text(
                    "action",
                    i.t("audit.f.action"),
                    f.action.as_deref().unwrap_or(""),
                ),
                Field::text(
                    "entity",
                    i.t("audit.f.entity"),
                    f.entity.as_deref().unwrap_or(""),
                ),
                Field::text(
                    "client_no",
                    i.t("audit.f.client_no"),
                    f.client_no.as_deref().unwrap_or(""),
                ),
                Field::text("from", i.t("audit.f.from"), &date(f.from, 0)),
                Field::text("to", i.t("audit.f.to"), &date(f.to, 1)),
            ],
        );
        p.note = Some(i.t("audit.filter_note").to_string());
        p.hide_behind = false;
        ToolForm::new(p, |form, ctx| match Self::apply_filter(form, ctx) {
            Some(f) => Step::Done(f),
            None => Step::Open,
        })
    }

    /// The export popup, proposing `file`: the filtered view to a CSV file (audited by
    /// the store).
    fn export_form(&self, ctx: &Ctx<'_>, file: &str) -> ToolForm<Done> {
        let i = ctx.i18n;
        let mut p = PopupForm::new(
            i.t("audit.export").to_string(),
            vec![Field::text("file", i.t("audit.f.file"), file)],
        );
        p.note = Some(i.t("audit.export_note").to_string());
        p.hide_behind = false;
        let filter = self.filter.clone();
        ToolForm::new(p, move |form, ctx| {
            let file = PathBuf::from(form.form.trimmed("file"));
            match ctx.store.export_audit_csv(ctx.actor, &filter, &file) {
                Ok(n) => {
                    let text = ctx.i18n.f(
                        "audit.exported",
                        &[("n", &n.to_string()), ("file", &file.display().to_string())],
                    );
                    ctx.info(text);
                    Step::Closed
                }
                Err(e) => {
                    form.refused(&e, ctx);
                    Step::Open
                }
            }
        })
    }

    /// Reads the filter popup; a date that is not a date is refused at its field.
    fn apply_filter(form: &mut PopupForm, ctx: &mut Ctx<'_>) -> Option<AuditFilter> {
        let zone = ctx.store.zone();
        let text = |id: &str| {
            let v = form.form.trimmed(id);
            (!v.is_empty()).then_some(v)
        };
        let mut dates = [None, None];
        for (n, id) in ["from", "to"].iter().enumerate() {
            if let Some(v) = text(id) {
                match NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
                    Ok(d) => dates[n] = Some(d),
                    Err(_) => {
                        form.form.set_error(id, ctx.i18n.t("audit.bad_date"));
                        return None;
                    }
                }
            }
        }
        Some(AuditFilter {
            username: text("user"),
            action: text("action"),
            entity: text("entity"),
            client_no: text("client_no"),
            from: dates[0].map(|d| zone.day_start(d)),
            to: dates[1].map(|d| zone.day_start(d + chrono::Duration::days(1))),
        })
    }

    fn on_list_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        let k = ctx.keys;
        let len = self.rows.len();
        if k.is(key, Action::Down) {
            self.cursor.step(1, len);
        } else if k.is(key, Action::Up) {
            self.cursor.step(-1, len);
        } else if k.is(key, Action::PageDown) {
            self.cursor.page_by(1, len);
        } else if k.is(key, Action::PageUp) {
            self.cursor.page_by(-1, len);
        } else if k.is(key, Action::First) {
            self.cursor.selected = 0;
        } else if k.is(key, Action::Last) {
            self.cursor.step(isize::MAX, len);
        } else if k.is(key, Action::Open) {
            if let Some(r) = self.rows.get(self.cursor.selected) {
                self.popups.push(DetailPopup {
                    record: r.clone(),
                    scroll: 0,
                });
            }
            return true;
        } else if k.is(key, Action::Filter) {
            self.popups.push(self.filter_form(ctx));
            return true;
        } else if k.is(key, Action::Export) {
            self.popups.push(self.export_form(ctx, "audit.csv"));
            return true;
        } else {
            return false;
        }
        // Near the end of what is loaded: the next page.
        if self.cursor.selected + 20 >= self.rows.len() {
            self.load_more(ctx);
        }
        true
    }
}

impl Screen for AuditView {
    fn title_key(&self) -> &'static str {
        "admin.section.audit"
    }

    fn reload(&mut self, ctx: &mut Ctx<'_>) {
        self.rows.clear();
        self.at_end = false;
        self.cursor.selected = 0;
        self.cursor.offset.set(0);
        self.chain = match ctx.store.chain_status() {
            Ok(c) => Some(c),
            Err(e) => {
                ctx.error(store_error_text(&e, ctx.i18n));
                None
            }
        };
        self.load_more(ctx);
    }

    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        match self.popups.on_key(key, ctx) {
            None => self.on_list_key(key, ctx),
            Some(Step::Done(filter)) => {
                self.filter = filter;
                self.reload(ctx);
                true
            }
            Some(step) => step.used(),
        }
    }

    fn on_paste(&mut self, text: &str) {
        self.popups.paste(text);
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let [status_area, list_area] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
        let status = match &self.chain {
            None => Span::styled(i.t("audit.chain_unknown"), v.theme.dim),
            Some(c) if c.triggers_intact && c.problems.is_empty() => Span::styled(
                i.f(
                    "audit.chain_ok",
                    &[
                        ("n", &c.head.count.to_string()),
                        ("id", &c.head.last_id.to_string()),
                        ("anchors", &c.anchors.to_string()),
                    ],
                ),
                v.theme.dim,
            ),
            Some(c) => {
                let mut text = i.f(
                    "audit.chain_bad",
                    &[(
                        "n",
                        &(c.problems.len() + usize::from(!c.triggers_intact)).to_string(),
                    )],
                );
                if let Some(first) = c.problems.first() {
                    text.push_str(": ");
                    text.push_str(first);
                }
                Span::styled(text, v.theme.error)
            }
        };
        f.render_widget(Paragraph::new(status), status_area);

        let rows: Vec<Row> = self
            .rows
            .iter()
            .map(|r| {
                let what = match &r.entity_id {
                    Some(id) => format!("{}:{id}", r.entity),
                    None => r.entity.clone(),
                };
                Row::new(vec![
                    Line::from(r.id.to_string()),
                    Line::from(local(&r.at, v.zone)),
                    Line::from(r.username.clone()),
                    Line::from(r.action.clone()),
                    Line::from(what),
                ])
            })
            .collect();
        let f_desc = self.filter.describe();
        let title = if self.filter.username.is_some() {
            i.f("audit.title_user", &[("filter", &f_desc)])
        } else if f_desc.is_empty() {
            i.t("audit.title").to_string()
        } else {
            i.f("audit.title_filtered", &[("filter", &f_desc)])
        };
        ListTable {
            title,
            header: vec![
                i.t("audit.c.id").into(),
                i.t("audit.c.at").into(),
                i.t("audit.c.user").into(),
                i.t("audit.c.action").into(),
                i.t("audit.c.entity").into(),
            ],
            widths: vec![
                Constraint::Length(8),
                Constraint::Length(19),
                Constraint::Length(12),
                Constraint::Length(18),
                Constraint::Min(10),
            ],
            rows,
            empty: i.t("audit.empty"),
        }
        .draw(f, list_area, &self.cursor, v);

        self.popups.draw(f, area, v);
    }

    fn commands(&self) -> Vec<Action> {
        self.popups.commands().unwrap_or_else(|| {
            vec![
                Action::NextTab,
                Action::Open,
                Action::Filter,
                Action::Export,
                Action::Up,
                Action::Down,
            ]
        })
    }

    fn has_unsaved(&self) -> bool {
        self.popups.is_dirty()
    }

    fn modal(&self) -> bool {
        !self.popups.is_empty()
    }
}

/// An entry's every field, before and after wrapped, in a popup.
fn draw_detail(f: &mut Frame, area: Rect, r: &Record, scroll: u16, v: &View<'_>) {
    let i = v.i18n;
    let rect = centered(
        area,
        area.width.min(76),
        area.height.saturating_sub(2).max(8),
    );
    let inner = popup(
        f,
        rect,
        &i.f("audit.detail", &[("id", &r.id.to_string())]),
        v.theme,
    );
    let width = usize::from(inner.width.saturating_sub(2)).max(10);
    let mut lines: Vec<Line> = Vec::new();
    let mut pair = |label: &str, value: String| {
        lines.push(Line::from(vec![
            Span::styled(format!("{label}: "), v.theme.dim),
            Span::raw(value),
        ]));
    };
    pair(i.t("audit.c.at"), local(&r.at, v.zone));
    pair(i.t("audit.c.user"), r.username.clone());
    pair(i.t("audit.c.action"), r.action.clone());
    pair(
        i.t("audit.c.entity"),
        match &r.entity_id {
            Some(id) => format!("{}:{id}", r.entity),
            None => r.entity.clone(),
        },
    );
    for (label, value) in [("audit.before", &r.before), ("audit.after", &r.after)] {
        lines.push(Line::from(Span::styled(
            i.t(label).to_string(),
            v.theme.header,
        )));
        match value {
            Some(text) => {
                for part in text.split(' ') {
                    for l in wrap(part, width) {
                        lines.push(Line::from(format!("  {l}")));
                    }
                }
            }
            None => lines.push(Line::from(Span::styled("  —", v.theme.dim))),
        }
    }
    lines.push(Line::from(vec![
        Span::styled(format!("{}: ", i.t("audit.hash")), v.theme.dim),
        Span::styled(
            r.hash.chars().take(16).collect::<String>() + "…",
            v.theme.dim,
        ),
    ]));
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        Rect::new(
            inner.x + 1,
            inner.y,
            inner.width.saturating_sub(2),
            inner.height,
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Role;
    use crate::tui::popup::testing::{assert_shows_what_it_takes, env, TEXT_FIELD};

    fn record() -> Record {
        Record {
            id: 7,
            at: "2026-11-23T04:00:00Z".into(),
            user_id: Some(1),
            username: "admin".into(),
            action: "client.update".into(),
            entity: "client".into(),
            entity_id: Some("3".into()),
            before: Some("mobile=138****5678".into()),
            after: Some("mobile=139****1234".into()),
            prev_hash: "0".repeat(64),
            hash: "1".repeat(64),
        }
    }

    #[test]
    fn an_entrys_detail_scrolls_and_closes_with_esc() {
        let mut env = env(Role::Admin);
        assert_shows_what_it_takes(&mut env, false, &[], &|_| {
            Box::new(DetailPopup {
                record: record(),
                scroll: 0,
            })
        });
        let mut p = DetailPopup {
            record: record(),
            scroll: 0,
        };
        let down = env.keys.events(Action::Down)[0];
        let esc = env.keys.events(Action::Back)[0];
        assert_eq!(p.on_key(&down, &mut env.ctx()), Step::Open);
        assert_eq!(p.scroll, 1);
        assert_eq!(p.on_key(&esc, &mut env.ctx()), Step::Closed);
    }

    #[test]
    fn the_filter_and_export_forms_show_what_they_take() {
        let mut env = env(Role::Admin);
        assert_shows_what_it_takes(&mut env, true, TEXT_FIELD, &|ctx| {
            Box::new(AuditView::default().filter_form(ctx))
        });
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("audit.csv").display().to_string();
        assert_shows_what_it_takes(&mut env, true, TEXT_FIELD, &|ctx| {
            Box::new(AuditView::default().export_form(ctx, &file))
        });
        assert!(dir.path().join("audit.csv").exists(), "Ctrl-S exported");
    }
}
