//! Campaigns (F10): the list of campaigns (a manager's branch's; an RM's, those with
//! targets of theirs) and one campaign's results — reach and conversion per RM with a
//! bar chart, the amount sold — over its targets.
//!
//! A manager creates (`n`) and edits (`e`) drafts in the campaign form, whose note
//! counts the segment as the filters change; `l` launches a draft after a question that
//! says how many targets it freezes and how many it leaves out; `c` closes a running
//! campaign early. On a campaign (Enter), `o` records the selected target's outcome and
//! `x` writes the contact list (consenting targets; an RM's own) to the current folder.
mod count;
pub mod forms;
mod launching;

use std::path::PathBuf;

use crossterm::event::KeyEvent;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph, Row};
use ratatui::Frame;

use super::{store_error_text, Ctx, Screen, View};
use crate::domain::campaign::{percent, CampaignStatus, Outcome};
use crate::domain::money::format_money;
use crate::store::campaign_results::{Results, TargetLine};
use crate::store::campaigns::Campaign;
use crate::store::Role;
use crate::tui::keymap::Action;
use crate::tui::popup::{Question, Stack, Step};
use crate::tui::widgets::fit;
use crate::tui::widgets::list_table::{Cursor, ListTable};
use forms::{CampaignForm, Done, OutcomeForm};
use launching::{LaunchQuestion, Launching};

/// One campaign open: its results and targets.
#[derive(Debug)]
struct Detail {
    campaign: Campaign,
    results: Results,
    targets: Vec<TargetLine>,
    cursor: Cursor,
}

/// The campaign screen.
#[derive(Debug, Default)]
pub struct Campaigns {
    campaigns: Vec<Campaign>,
    cursor: Cursor,
    detail: Option<Detail>,
    popups: Stack<Done>,
    manager: bool,
}

impl Campaigns {
    fn selected(&self) -> Option<&Campaign> {
        self.campaigns.get(self.cursor.selected)
    }

    fn open(&mut self, id: i64, ctx: &mut Ctx<'_>) {
        let loaded = (|| -> crate::store::Result<Detail> {
            Ok(Detail {
                campaign: ctx.store.campaign(ctx.actor, id)?,
                results: ctx.store.campaign_results(ctx.actor, id)?,
                targets: ctx.store.campaign_targets(ctx.actor, id)?,
                cursor: Cursor::default(),
            })
        })();
        match loaded {
            Ok(mut d) => {
                if let Some(old) = &self.detail {
                    d.cursor.selected = old.cursor.selected.min(d.targets.len().saturating_sub(1));
                }
                self.detail = Some(d);
            }
            Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
        }
    }

    /// Acts on what a popup reported, after a key or a background tick.
    fn on_step(&mut self, step: Step<Done>, ctx: &mut Ctx<'_>) {
        let i = ctx.i18n;
        match step {
            Step::Done(Done::Saved(id)) => {
                self.reload(ctx);
                if let Some(n) = self.campaigns.iter().position(|c| c.id == id) {
                    self.cursor.selected = n;
                }
                ctx.info(i.t("campaign.saved").to_string());
            }
            Step::Done(Done::Launch(id, targets)) => self.launch(id, targets, ctx),
            Step::Done(Done::Launched(outcome)) => {
                match outcome {
                    Ok(targets) => {
                        ctx.info(i.f("campaign.launched", &[("targets", &targets.to_string())]))
                    }
                    Err(text) => ctx.error(text),
                }
                self.reload(ctx);
            }
            Step::Done(Done::Close(id)) => {
                match ctx.store.close_campaign(ctx.actor, id) {
                    Ok(()) => ctx.info(i.t("campaign.closed").to_string()),
                    Err(e) => ctx.error(store_error_text(&e, i)),
                }
                self.reload(ctx);
            }
            Step::Done(Done::Recorded) => {
                self.reload(ctx);
                ctx.info(i.t("campaign.recorded").to_string());
            }
            _ => {}
        }
    }

    /// Starts launching campaign `id` (about `targets` targets) in the background.
    fn launch(&mut self, id: i64, targets: u64, ctx: &mut Ctx<'_>) {
        let name = self
            .campaigns
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let job = Launching::start(ctx.store.reopener(), ctx.actor.clone(), id, name, targets);
        self.popups.push(job);
    }

    fn export(&self, id: i64, ctx: &mut Ctx<'_>) {
        let path = PathBuf::from(format!("campaign-{id}-contacts.csv"));
        match ctx.store.export_campaign_contacts(ctx.actor, id, &path) {
            Ok(n) => ctx.info(ctx.i18n.f(
                "campaign.exported",
                &[("n", &n.to_string()), ("file", &path.display().to_string())],
            )),
            Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
        }
    }

    fn on_list_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        let k = ctx.keys;
        let len = self.campaigns.len();
        let i = ctx.i18n;
        if k.is(key, Action::Down) {
            self.cursor.step(1, len);
        } else if k.is(key, Action::Up) {
            self.cursor.step(-1, len);
        } else if k.is(key, Action::Open) {
            if let Some(id) = self.selected().map(|c| c.id) {
                self.open(id, ctx);
            }
        } else if self.manager && k.is(key, Action::New) {
            self.popups.push(CampaignForm::new(ctx, None));
        } else if self.manager && k.is(key, Action::Edit) {
            match self.selected().cloned() {
                Some(c) if c.status == CampaignStatus::Draft => {
                    self.popups.push(CampaignForm::new(ctx, Some(&c)));
                }
                Some(_) => ctx.error(i.t("campaign.err.not_draft").to_string()),
                None => {}
            }
        } else if self.manager && k.is(key, Action::Launch) {
            match self.selected().cloned() {
                Some(c) if c.status == CampaignStatus::Draft => match c.segment.validate() {
                    Ok(segment) => self.popups.push(LaunchQuestion::start(
                        ctx.store.reopener(),
                        ctx.actor.clone(),
                        c,
                        segment,
                    )),
                    Err(_) => ctx.error(i.t("campaign.count_invalid").to_string()),
                },
                Some(_) => ctx.error(i.t("campaign.err.not_draft").to_string()),
                None => {}
            }
        } else if self.manager && k.is(key, Action::CloseRecord) {
            match self.selected() {
                Some(c) if c.status == CampaignStatus::Running => {
                    let text = i.f("campaign.close_question", &[("name", &c.name)]);
                    let q = Question::new(i.t("confirm.title").into(), text, Done::Close(c.id));
                    self.popups.push(q);
                }
                Some(_) => ctx.error(i.t("campaign.err.not_running").to_string()),
                None => {}
            }
        } else if k.is(key, Action::Export) {
            if let Some(id) = self.selected().map(|c| c.id) {
                self.export(id, ctx);
            }
        } else {
            return false;
        }
        true
    }

    fn on_detail_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        let k = ctx.keys;
        let Some(d) = &mut self.detail else {
            return false;
        };
        let len = d.targets.len();
        if k.is(key, Action::Back) {
            self.detail = None;
            self.reload(ctx);
        } else if k.is(key, Action::Down) {
            d.cursor.step(1, len);
        } else if k.is(key, Action::Up) {
            d.cursor.step(-1, len);
        } else if k.is(key, Action::PageDown) {
            d.cursor.page_by(1, len);
        } else if k.is(key, Action::PageUp) {
            d.cursor.page_by(-1, len);
        } else if k.is(key, Action::RecordOutcome) {
            if d.campaign.status != CampaignStatus::Running {
                ctx.error(ctx.i18n.t("campaign.err.not_running").to_string());
            } else if let Some(t) = d.targets.get(d.cursor.selected).cloned() {
                let id = d.campaign.id;
                self.popups.push(OutcomeForm::new(ctx, id, &t));
            }
        } else if k.is(key, Action::Export) {
            let id = d.campaign.id;
            self.export(id, ctx);
        } else {
            return false;
        }
        true
    }

    fn draw_list(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let name_w =
            usize::from(area.width.saturating_sub(2 + 2 + 5 + 10 + 23 + 12 + 8 + 6)).max(4);
        let rows = self
            .campaigns
            .iter()
            .map(|c| {
                let style = match c.status {
                    CampaignStatus::Running => v.theme.base,
                    _ => v.theme.dim,
                };
                Row::new(vec![
                    Line::from(c.id.to_string()),
                    Line::from(fit(&c.name, name_w)),
                    Line::from(fit(i.t(c.status.label_key()), 10)),
                    Line::from(format!("{} – {}", c.starts_on, c.ends_on)),
                    Line::from(fit(c.product.as_ref().map_or("—", |p| p.0.as_str()), 12)),
                    Line::from(c.targets.to_string()).alignment(Alignment::Right),
                ])
                .style(style)
            })
            .collect();
        ListTable {
            title: i.f(
                "campaign.list_title",
                &[("n", &self.campaigns.len().to_string())],
            ),
            header: vec![
                "#".into(),
                i.t("campaign.col.name").into(),
                i.t("campaign.col.status").into(),
                i.t("campaign.col.period").into(),
                i.t("campaign.col.product").into(),
                i.t("campaign.col.targets").into(),
            ],
            widths: vec![
                Constraint::Length(5),
                Constraint::Min(4),
                Constraint::Length(10),
                Constraint::Length(23),
                Constraint::Length(12),
                Constraint::Length(8),
            ],
            rows,
            empty: i.t("campaign.empty"),
        }
        .draw(f, area, &self.cursor, v);
    }

    fn draw_detail(&self, d: &Detail, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let c = &d.campaign;
        let r = &d.results;
        let chart_h = if area.height >= 24 { 8 } else { 0 };
        let table_h = u16::try_from(r.per_rm.len() + 4)
            .unwrap_or(u16::MAX)
            .min(area.height / 3);
        let [head, charts, table, targets] = Layout::vertical([
            Constraint::Length(4),
            Constraint::Length(chart_h),
            Constraint::Length(table_h),
            Constraint::Min(3),
        ])
        .areas(area);
        let product = c
            .product
            .as_ref()
            .map_or_else(|| "—".into(), |p| format!("{} {}", p.0, p.1));
        let lines = vec![
            Line::from(vec![
                Span::styled(fit(&c.name, 40), v.theme.title),
                Span::raw(format!(
                    "  {}  {} – {}  ",
                    i.t(c.status.label_key()),
                    c.starts_on,
                    c.ends_on
                )),
                Span::raw(fit(&product, 30)),
            ]),
            Line::from(i.f(
                "campaign.headline",
                &[
                    ("targets", &c.targets.to_string()),
                    ("no_consent", &c.left_no_consent.to_string()),
                    ("unsuitable", &c.left_unsuitable.to_string()),
                ],
            )),
            Line::from(i.f(
                "campaign.headline2",
                &[
                    (
                        "reach",
                        &percent(r.total.reached, r.total.targets).to_string(),
                    ),
                    (
                        "conversion",
                        &percent(r.total.sold, r.total.targets).to_string(),
                    ),
                    ("amount", &format_money(r.total.amount, "CNY")),
                ],
            )),
            Line::from(Span::styled(
                fit(
                    &format!(
                        "{} {}",
                        i.t("campaign.segment"),
                        match c.segment.to_text() {
                            t if t.is_empty() => i.t("campaign.segment_all").to_string(),
                            t => t.replace('\n', " · "),
                        }
                    ),
                    usize::from(area.width),
                ),
                v.theme.dim,
            )),
        ];
        f.render_widget(Paragraph::new(lines), head);
        if chart_h > 0 {
            self.draw_charts(r, f, charts, v);
        }
        let rows = r
            .per_rm
            .iter()
            .chain(std::iter::once(&r.total))
            .map(|l| {
                let who = if l.username.is_empty() {
                    i.t("campaign.total").to_string()
                } else {
                    format!("{} {}", l.username, l.name)
                };
                Row::new(vec![
                    Line::from(fit(&who, 20)),
                    Line::from(l.targets.to_string()).alignment(Alignment::Right),
                    Line::from(format!(
                        "{} ({}%)",
                        l.reached,
                        percent(l.reached, l.targets)
                    ))
                    .alignment(Alignment::Right),
                    Line::from(l.interested.to_string()).alignment(Alignment::Right),
                    Line::from(format!("{} ({}%)", l.sold, percent(l.sold, l.targets)))
                        .alignment(Alignment::Right),
                    Line::from(format_money(l.amount, "CNY")).alignment(Alignment::Right),
                ])
            })
            .collect();
        ListTable {
            title: i.t("campaign.results").to_string(),
            header: vec![
                i.t("campaign.col.rm").into(),
                i.t("campaign.col.targets").into(),
                i.t("campaign.col.reached").into(),
                i.t("campaign.col.interested").into(),
                i.t("campaign.col.sold").into(),
                i.t("campaign.col.amount").into(),
            ],
            widths: vec![
                Constraint::Min(12),
                Constraint::Length(8),
                Constraint::Length(11),
                Constraint::Length(10),
                Constraint::Length(11),
                Constraint::Length(18),
            ],
            rows,
            empty: i.t("campaign.no_targets"),
        }
        .draw(f, table, &Cursor::default(), v);
        let name_w = usize::from(area.width.saturating_sub(2 + 2 + 12 + 10 + 14 + 18)).max(4);
        let rows = d
            .targets
            .iter()
            .map(|t| {
                let style = if t.outcome == Outcome::Pending {
                    v.theme.base
                } else {
                    v.theme.dim
                };
                Row::new(vec![
                    Line::from(fit(&t.client_no, 12)),
                    Line::from(fit(&t.client_name, name_w)),
                    Line::from(fit(&t.rm, 10)),
                    Line::from(fit(i.t(t.outcome.label_key()), 14)),
                    Line::from(t.amount.map(|a| format_money(a, "CNY")).unwrap_or_default())
                        .alignment(Alignment::Right),
                ])
                .style(style)
            })
            .collect();
        ListTable {
            title: i.f(
                "campaign.targets_title",
                &[("n", &d.targets.len().to_string())],
            ),
            header: vec![
                i.t("col.client_no").into(),
                i.t("col.client_name").into(),
                i.t("campaign.col.rm").into(),
                i.t("campaign.col.outcome").into(),
                i.t("campaign.col.amount").into(),
            ],
            widths: vec![
                Constraint::Length(12),
                Constraint::Min(4),
                Constraint::Length(10),
                Constraint::Length(14),
                Constraint::Length(18),
            ],
            rows,
            empty: i.t("campaign.no_targets"),
        }
        .draw(f, targets, &d.cursor, v);
    }

    /// Two bar charts side by side: clients reached and sales, per RM.
    fn draw_charts(&self, r: &Results, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(area);
        let n = r.per_rm.len().max(1);
        for (a, key, value) in [
            (
                left,
                "campaign.chart.reached",
                (|l: &crate::store::campaign_results::RmResult| l.reached) as fn(&_) -> u64,
            ),
            (right, "campaign.chart.sold", |l| l.sold),
        ] {
            let w = u16::try_from(
                (usize::from(a.width.saturating_sub(2)) / n)
                    .saturating_sub(1)
                    .clamp(1, 10),
            )
            .unwrap_or(1);
            let bars: Vec<Bar> = r
                .per_rm
                .iter()
                .map(|l| {
                    Bar::default()
                        .value(value(l))
                        .label(Line::from(fit(&l.username, usize::from(w))))
                        .style(v.theme.ok)
                        .value_style(v.theme.selected)
                })
                .collect();
            let block = Block::default()
                .borders(Borders::ALL)
                .border_style(v.theme.border)
                .title(Span::styled(fit(i.t(key), 40), v.theme.title));
            f.render_widget(
                BarChart::default()
                    .block(block)
                    .bar_width(w)
                    .bar_gap(1)
                    .data(BarGroup::default().bars(&bars)),
                a,
            );
        }
    }
}

impl Screen for Campaigns {
    fn title_key(&self) -> &'static str {
        "screen.campaigns"
    }

    fn reload(&mut self, ctx: &mut Ctx<'_>) {
        self.manager = ctx.actor.role == Role::Manager;
        match ctx.store.campaigns(ctx.actor) {
            Ok(c) => self.campaigns = c,
            Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
        }
        self.cursor.clamp(self.campaigns.len());
        if let Some(id) = self.detail.as_ref().map(|d| d.campaign.id) {
            self.open(id, ctx);
        }
    }

    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        let Some(step) = self.popups.on_key(key, ctx) else {
            return if self.detail.is_some() {
                self.on_detail_key(key, ctx)
            } else {
                self.on_list_key(key, ctx)
            };
        };
        self.on_step(step, ctx);
        true
    }

    fn busy(&self) -> bool {
        self.popups.busy()
    }

    fn tick(&mut self, ctx: &mut Ctx<'_>) {
        for step in self.popups.tick(ctx) {
            self.on_step(step, ctx);
        }
    }

    fn on_paste(&mut self, text: &str) {
        self.popups.paste(text);
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        match &self.detail {
            Some(d) => self.draw_detail(d, f, area, v),
            None => self.draw_list(f, area, v),
        }
        self.popups.draw(f, area, v);
    }

    fn commands(&self) -> Vec<Action> {
        if let Some(c) = self.popups.commands() {
            return c;
        }
        if self.detail.is_some() {
            return vec![Action::RecordOutcome, Action::Export, Action::Back];
        }
        let mut keys = vec![Action::Open];
        if self.manager {
            keys.extend([
                Action::New,
                Action::Edit,
                Action::Launch,
                Action::CloseRecord,
            ]);
        }
        keys.push(Action::Export);
        keys
    }

    fn has_unsaved(&self) -> bool {
        self.popups.is_dirty()
    }

    fn modal(&self) -> bool {
        !self.popups.is_empty()
    }

    fn help_key(&self, action: Action) -> Option<&'static str> {
        match action {
            Action::Export => Some("campaign.help.export"),
            Action::CloseRecord => Some("campaign.help.close"),
            Action::Edit => Some("campaign.help.edit"),
            Action::New => Some("campaign.help.new"),
            _ => None,
        }
    }
}
