//! The client 360 view: profile (personal data masked until the reveal key), tier and
//! AUM, suitability, holdings, visit timeline, feedback and open tasks, all loaded from
//! the store when the view opens, drawn from that state.
use std::str::FromStr;

use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;
use rust_decimal::Decimal;

use super::local_time;
use crate::domain::client::{
    risk_assessment_current, risk_assessment_expires, ClientKind, ClientStatus, Gender, IdType,
    RiskLevel,
};
use crate::domain::money::format_money;
use crate::domain::visit::complaint_needs_attention;
use crate::store::client360::{FeedbackLine, Holding, TaskLine, VisitLine};
use crate::store::clients::{Client, Revealed};
use crate::store::next_best::Suggestion;
use crate::store::StoreError;
use crate::tui::i18n::I18n;
use crate::tui::keymap::Action;
use crate::tui::screens::codes::{
    channel_key, code_text, feedback_kind_key, feedback_status_key, priority_key,
};
use crate::tui::screens::{store_error_text, Ctx, View};
use crate::tui::widgets::{fit, pad, wrap};

/// How many visits and feedback items the view shows.
const RECENT: usize = 20;
/// How many open tasks the view shows.
const TASKS: usize = 50;
/// Most lines a long profile value (notes, address) takes.
const NOTES_LINES: usize = 4;

/// The open client.
#[derive(Debug, Clone)]
pub struct Detail {
    client: Client,
    revealed: Option<Revealed>,
    holdings: Vec<Holding>,
    /// Sum of the open holdings per currency other than CNY (CNY is the client's AUM).
    other_totals: Vec<(String, Decimal)>,
    visits: Vec<VisitLine>,
    feedback: Vec<FeedbackLine>,
    tasks: Vec<TaskLine>,
    /// Next best products with their reasons.
    suggestions: Vec<Suggestion>,
    today: NaiveDate,
    scroll: u16,
    /// "Closed on D: reason" and "handed over from X on D", when they apply.
    closed: Option<crate::store::team::Closure>,
    handed: Option<(String, NaiveDate)>,
}

impl Detail {
    /// Loads client `id` and its sections, masked.
    pub fn load(ctx: &mut Ctx<'_>, id: i64) -> Result<Detail, StoreError> {
        let (s, a) = (&*ctx.store, ctx.actor);
        let client = s.client(a, id)?;
        let holdings = s.client_holdings(a, id)?;
        let mut other_totals: Vec<(String, Decimal)> = Vec::new();
        for h in holdings
            .iter()
            .filter(|h| !h.currency.eq_ignore_ascii_case("CNY"))
        {
            match other_totals.iter_mut().find(|(c, _)| *c == h.currency) {
                Some((_, sum)) => *sum += h.amount,
                None => other_totals.push((h.currency.clone(), h.amount)),
            }
        }
        Ok(Detail {
            client,
            revealed: None,
            holdings,
            other_totals,
            visits: s.client_visits(a, id, RECENT)?,
            feedback: s.client_feedback(a, id, RECENT)?,
            tasks: s.client_open_tasks(a, id, TASKS)?,
            suggestions: s.next_best_products(a, id)?,
            today: s.today(),
            scroll: 0,
            closed: s.client_closure(a, id)?,
            handed: s.handed_over_from(a, id)?,
        })
    }

    /// The client's id.
    pub fn id(&self) -> i64 {
        self.client.id
    }

    /// The client's number.
    pub fn client_no(&self) -> &str {
        &self.client.fields.client_no
    }

    /// The client's name.
    pub fn name(&self) -> &str {
        &self.client.fields.name
    }

    /// Whether the client is closed.
    pub fn is_closed(&self) -> bool {
        self.closed.is_some()
    }

    /// Whether the personal data is shown in full.
    pub fn is_revealed(&self) -> bool {
        self.revealed.is_some()
    }

    /// Masks the personal data again.
    pub fn hide(&mut self) {
        self.revealed = None;
    }

    /// Scrolls and reveals; `false` for keys the view does not use.
    pub fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        let k = ctx.keys;
        let max = self.content_len().saturating_sub(1);
        if k.is(key, Action::Reveal) {
            match ctx.store.reveal_client(ctx.actor, self.client.id) {
                Ok(r) => {
                    self.revealed = Some(r);
                    ctx.info(ctx.i18n.f(
                        "status.client_revealed",
                        &[("client_no", &self.client.fields.client_no)],
                    ));
                }
                Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
            }
        } else if k.is(key, Action::Down) {
            self.scroll = (self.scroll + 1).min(max);
        } else if k.is(key, Action::Up) {
            self.scroll = self.scroll.saturating_sub(1);
        } else if k.is(key, Action::PageDown) {
            self.scroll = (self.scroll + 10).min(max);
        } else if k.is(key, Action::PageUp) {
            self.scroll = self.scroll.saturating_sub(10);
        } else if k.is(key, Action::First) {
            self.scroll = 0;
        } else {
            return false;
        }
        true
    }

    /// The view's actions.
    pub fn commands(&self) -> Vec<Action> {
        let mut a = vec![
            Action::Edit,
            Action::RecordVisit,
            Action::FileFeedback,
            Action::Holdings,
            Action::Back,
        ];
        if !self.is_revealed() {
            a.insert(0, Action::Reveal);
        }
        a.extend([Action::Up, Action::Down]);
        a
    }

    /// Lines of the longer column (bounds the scroll).
    fn content_len(&self) -> u16 {
        let right = 12
            + usize::from(self.closed.is_some())
            + usize::from(self.handed.is_some())
            + self.holdings.len().max(1)
            + self.suggestions.len().max(1)
            + 2
            + self.other_totals.len()
            + self.visits.len().max(1)
            + self.feedback.len().max(1)
            + self.tasks.len().max(1);
        u16::try_from(right.max(17 + 2 * NOTES_LINES)).unwrap_or(u16::MAX)
    }

    /// The profile, `width` columns wide: labels in a column, long values wrapped under
    /// their value column (notes at most [`NOTES_LINES`] lines).
    fn profile(&self, i: &I18n, v: &View<'_>, width: u16) -> Vec<Line<'static>> {
        let f = &self.client.fields;
        let kind = ClientKind::from_str(&f.kind).ok();
        let corporate = kind == Some(ClientKind::Corporate);
        let (id_number, mobile, email) = match &self.revealed {
            Some(r) => (r.id_number.as_str(), r.mobile.as_str(), r.email.as_str()),
            None => (f.id_number.as_str(), f.mobile.as_str(), f.email.as_str()),
        };
        let label = |code: Option<&'static str>, raw: &str| -> String {
            code.map_or_else(|| raw.to_string(), |k| i.t(k).to_string())
        };
        let mut rows: Vec<(&str, String)> = vec![
            (i.t("client.field.client_no"), f.client_no.clone()),
            (i.t("client.field.name"), f.name.clone()),
        ];
        if corporate {
            rows.push((i.t("client.field.contact_person"), f.contact_person.clone()));
            let capital = Decimal::from_str(&f.registered_capital)
                .map(|d| format_money(d, "CNY"))
                .unwrap_or_else(|_| f.registered_capital.clone());
            rows.push((i.t("client.field.registered_capital"), capital));
        } else {
            let g = Gender::from_str(&f.gender).ok().map(Gender::label_key);
            rows.push((i.t("client.field.gender"), label(g, &f.gender)));
            rows.push((i.t("client.field.birth_date"), f.birth_date.clone()));
        }
        let t = IdType::from_str(&f.id_type).ok().map(IdType::label_key);
        rows.push((i.t("client.field.id_type"), label(t, &f.id_type)));
        rows.push((i.t("client.field.id_number"), id_number.to_string()));
        rows.push((i.t("client.field.mobile"), mobile.to_string()));
        rows.push((i.t("client.field.email"), email.to_string()));
        rows.push((i.t("client.field.address"), f.address.clone()));
        let occupation = if corporate {
            i.t("client.field.industry")
        } else {
            i.t("client.field.occupation")
        };
        rows.push((occupation, f.occupation.clone()));
        let risk = RiskLevel::from_str(&f.risk_level)
            .ok()
            .map(RiskLevel::label_key);
        let risk_text = match (risk, f.risk_assessed_on.as_str()) {
            (None, _) => String::new(),
            (Some(r), "") => i.t(r).to_string(),
            (Some(r), on) => format!("{} · {on}", i.t(r)),
        };
        rows.push((i.t("client.field.risk_level"), risk_text));
        let s = ClientStatus::from_str(&f.status)
            .ok()
            .map(ClientStatus::label_key);
        rows.push((i.t("client.field.status"), label(s, &f.status)));
        rows.push((
            i.t("client.field.owner"),
            format!("{} ({})", self.client.owner_name, f.owner),
        ));
        rows.push((i.t("client.field.source"), f.source.clone()));
        rows.push((i.t("client.field.notes"), f.notes.replace('\n', " ")));
        rows.push((
            i.t("client.field.created_at"),
            local_time(v.zone, &self.client.created_at, "%Y-%m-%d"),
        ));
        let w = rows
            .iter()
            .map(|(l, _)| unicode_width::UnicodeWidthStr::width(*l))
            .max()
            .unwrap_or(0)
            + 1;
        let value_w = usize::from(width).saturating_sub(w).max(4);
        let mut out = Vec::new();
        for (l, value) in rows {
            let value = if value.is_empty() {
                "—".into()
            } else {
                value
            };
            let mut parts = wrap(&value, value_w);
            if parts.len() > NOTES_LINES {
                parts.truncate(NOTES_LINES);
                if let Some(last) = parts.last_mut() {
                    *last = fit(&format!("{last}…"), value_w);
                }
            }
            for (n, part) in parts.into_iter().enumerate() {
                let label = if n == 0 { pad(l, w) } else { " ".repeat(w) };
                out.push(Line::from(vec![
                    Span::styled(label, v.theme.dim),
                    Span::raw(part),
                ]));
            }
        }
        out
    }

    fn sections(&self, i: &I18n, v: &View<'_>) -> Vec<Line<'static>> {
        let c = &self.client;
        let theme = v.theme;
        let head = |text: String| Line::from(Span::styled(text, theme.header));
        let dim = |text: &str| Line::from(Span::styled(text.to_string(), theme.dim));
        let mut out = Vec::new();
        if let Some(c) = &self.closed {
            out.push(Line::from(Span::styled(
                i.f(
                    "desk.closed_on",
                    &[("date", &c.on.to_string()), ("reason", &c.reason)],
                ),
                theme.warning,
            )));
        }
        if let Some((from, on)) = &self.handed {
            out.push(Line::from(Span::styled(
                i.f(
                    "handover.from_on",
                    &[("from", from), ("date", &on.to_string())],
                ),
                theme.warning,
            )));
        }
        let mut tier = format!(
            "{} {} · {} {}",
            i.t("client.field.tier"),
            i.t(c.tier.label_key()),
            i.t("client.field.aum"),
            format_money(c.aum, "CNY")
        );
        if let Some(reason) = &c.tier_override_reason {
            tier.push_str(&format!(" ({}: {reason})", i.t("c360.override")));
        }
        out.push(Line::from(Span::styled(tier, theme.title)));
        out.push(self.suitability(i, v));
        out.push(Line::from(""));

        out.push(head(
            i.f("c360.holdings", &[("n", &self.holdings.len().to_string())]),
        ));
        if self.holdings.is_empty() {
            out.push(dim(i.t("c360.holdings.none")));
        }
        for h in &self.holdings {
            let mut text = format!(
                "{} · {}",
                fit(&h.product_name, 16),
                format_money(h.amount, &h.currency)
            );
            if let Some(m) = &h.maturity_date {
                text.push_str(&format!(" · {} {m}", i.t("c360.matures")));
            }
            out.push(Line::from(text));
        }
        for (currency, sum) in &self.other_totals {
            out.push(dim(&format!(
                "{} {}",
                i.t("c360.total"),
                format_money(*sum, currency)
            )));
        }
        out.push(Line::from(""));
        out.extend(suggestion_lines(&self.suggestions, i, v));

        out.push(head(i.t("c360.visits").to_string()));
        if self.visits.is_empty() {
            out.push(dim(i.t("c360.visits.none")));
        }
        for visit in &self.visits {
            out.push(Line::from(format!(
                "{} {} · {} ({})",
                local_time(v.zone, &visit.visited_at, "%Y-%m-%d %H:%M"),
                code_text(i, channel_key(&visit.channel), &visit.channel),
                visit.purpose,
                visit.rm
            )));
        }
        out.push(Line::from(""));

        out.push(head(i.t("c360.feedback").to_string()));
        if self.feedback.is_empty() {
            out.push(dim(i.t("c360.feedback.none")));
        }
        for fb in &self.feedback {
            let overdue =
                fb.is_pending() && NaiveDate::from_str(&fb.deadline).is_ok_and(|d| d < self.today);
            let near = complaint_needs_attention(&fb.kind, &fb.status, &fb.deadline, self.today);
            let mut text = format!(
                "{} {} · {} · {}",
                fb.received_on,
                code_text(i, feedback_kind_key(&fb.kind), &fb.kind),
                code_text(i, feedback_status_key(&fb.status), &fb.status),
                fb.description.replace('\n', " ")
            );
            if overdue {
                text.push_str(&format!(" · ⚠ {} {}", i.t("c360.overdue"), fb.deadline));
            } else if near {
                text.push_str(&format!(" · ⚠ {} {}", i.t("c360.due"), fb.deadline));
            }
            let style = if overdue || near {
                theme.warning
            } else {
                Style::default()
            };
            out.push(Line::from(Span::styled(text, style)));
        }
        out.push(Line::from(""));

        out.push(head(i.t("c360.tasks").to_string()));
        if self.tasks.is_empty() {
            out.push(dim(i.t("c360.tasks.none")));
        }
        for t in &self.tasks {
            let late = NaiveDate::from_str(&t.due_date).is_ok_and(|d| d < self.today);
            let when = match &t.due_time {
                Some(time) => format!("{} {time}", t.due_date),
                None => t.due_date.clone(),
            };
            let mut text = format!(
                "{when} {} ({}, {})",
                t.title,
                code_text(i, priority_key(&t.priority), &t.priority),
                t.owner
            );
            if let Some(at) = &t.visit_at {
                let day = local_time(v.zone, at, "%Y-%m-%d");
                text.push_str(&format!(" · {}", i.f("c360.from_visit", &[("date", &day)])));
            }
            let style = if late {
                theme.warning
            } else {
                Style::default()
            };
            out.push(Line::from(Span::styled(text, style)));
        }
        out
    }

    fn suitability(&self, i: &I18n, v: &View<'_>) -> Line<'static> {
        let f = &self.client.fields;
        let level = RiskLevel::from_str(&f.risk_level).ok();
        let assessed = NaiveDate::from_str(&f.risk_assessed_on).ok();
        let (text, style) = match (level, assessed) {
            (Some(level), Some(on)) => {
                let until = risk_assessment_expires(on).to_string();
                if risk_assessment_current(on, self.today) {
                    let n = level.rank().to_string();
                    (
                        i.f(
                            "c360.suit.current",
                            &[("level", level.code()), ("until", &until), ("n", &n)],
                        ),
                        Style::default(),
                    )
                } else {
                    (
                        i.f(
                            "c360.suit.expired",
                            &[("level", level.code()), ("until", &until)],
                        ),
                        v.theme.warning,
                    )
                }
            }
            _ => (i.t("c360.suit.none").to_string(), v.theme.warning),
        };
        Line::from(vec![
            Span::styled(format!("{}: ", i.t("c360.suitability")), v.theme.dim),
            Span::styled(text, style),
        ])
    }

    /// Draws the view into `area`: profile on the left, the sections on the right (one
    /// column below each other when narrow).
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let c = &self.client.fields;
        let kind = ClientKind::from_str(&c.kind)
            .map(|k| i.t(k.label_key()).to_string())
            .unwrap_or_default();
        let title = format!(" {} · {} · {kind} ", c.client_no, c.name);
        let note = if self.is_revealed() {
            Span::styled(format!(" {} ", i.t("c360.revealed")), v.theme.warning)
        } else {
            Span::styled(
                format!(
                    " {} ",
                    i.f("c360.masked", &[("key", &v.keys.primary(Action::Reveal))])
                ),
                v.theme.dim,
            )
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(v.theme.border)
            .title(Span::styled(title, v.theme.title))
            .title_bottom(Line::from(note));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let sections = self.sections(i, v);
        if inner.width >= 72 {
            let [left, _, right] = Layout::horizontal([
                Constraint::Percentage(48),
                Constraint::Length(1),
                Constraint::Min(1),
            ])
            .areas(inner);
            let profile = self.profile(i, v, left.width);
            for (lines, at) in [(profile, left), (sections, right)] {
                f.render_widget(
                    Paragraph::new(lines)
                        .wrap(Wrap { trim: false })
                        .scroll((self.scroll, 0)),
                    at,
                );
            }
        } else {
            let mut lines = self.profile(i, v, inner.width);
            lines.push(Line::from(""));
            lines.extend(sections);
            f.render_widget(
                Paragraph::new(lines)
                    .wrap(Wrap { trim: false })
                    .scroll((self.scroll, 0)),
                inner,
            );
        }
    }
}

/// The next best products, each with its reason in words, and a blank line.
fn suggestion_lines(list: &[Suggestion], i: &I18n, v: &View<'_>) -> Vec<Line<'static>> {
    let mut out = vec![Line::from(Span::styled(
        i.f("nbp.title", &[("n", &list.len().to_string())]),
        v.theme.header,
    ))];
    if list.is_empty() {
        out.push(Line::from(Span::styled(
            i.t("nbp.none").to_string(),
            v.theme.dim,
        )));
    }
    for s in list {
        let reason = crate::tui::screens::products::nbp_reason(&s.reason, i);
        out.push(Line::from(vec![
            Span::styled(format!("{} ", s.product.code), v.theme.title),
            Span::raw(format!("{} — {reason}", fit(&s.product.name, 16))),
        ]));
    }
    out.push(Line::from(""));
    out
}
