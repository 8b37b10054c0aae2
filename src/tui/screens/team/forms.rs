//! The Team screen's popups: deciding a request, giving an RM a task, the ledger of a
//! hand-over and its CSV export; and the RM's request form (from the 360 view or home).
//! Each is a [`Popup`] on its screen's stack; the form popups are [`PopupForm`]s made
//! popups by `form_popup!`, their client fields opening the client picker.
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::Row;
use ratatui::Frame;

use crate::domain::client::Tier;
use crate::domain::desk::RequestKind;
use crate::domain::money::format_money;
use crate::domain::task::TaskInput;
use crate::store::approvals::{Ask, Request};
use crate::store::handover::{Handover, LedgerLine};
use crate::tui::keymap::Action;
use crate::tui::popup::{Popup, Step};
use crate::tui::screens::{store_error_text, Ctx, View};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::list_table::{Cursor, ListTable};
use crate::tui::widgets::popup_form::{form_popup, PopupForm};
use crate::tui::widgets::{centered, fit, popup};

/// What every desk popup reports when it closes having changed something (a decision,
/// a task given, a hand-over, a request filed): the screen reloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Changed;

/// A one-line summary of what a request asks.
pub fn asked(r: &Request, v: &crate::tui::i18n::I18n) -> String {
    match (r.kind, r.tier, &r.product) {
        (RequestKind::Tier, Some(t), _) => format!(
            "{} → {}",
            v.t(r.client_tier.label_key()),
            v.t(t.label_key())
        ),
        (RequestKind::Suitability, _, Some((code, _))) => code.clone(),
        (RequestKind::TakeOver, _, _) => format!("{} → {}", r.owner, r.requester),
        _ => String::new(),
    }
}

/// Approve or reject a request, with a note.
#[derive(Debug)]
pub struct DecideForm {
    id: i64,
    popup: PopupForm,
}

impl DecideForm {
    /// The form for request `r`.
    pub fn new(ctx: &Ctx<'_>, r: &Request) -> DecideForm {
        let i = ctx.i18n;
        let mut popup = PopupForm::new(
            i.f(
                "approvals.decide_title",
                &[("id", &r.id.to_string()), ("kind", i.t(r.kind.label_key()))],
            ),
            vec![
                Field::choice(
                    "decision",
                    i.t("approvals.decision"),
                    vec![
                        ("approve".into(), i.t("approvals.approve").into()),
                        ("reject".into(), i.t("approvals.reject").into()),
                    ],
                    "approve",
                ),
                Field::text("note", i.t("approvals.note"), ""),
            ],
        );
        popup.note = Some(format!(
            "{} {} · {} · {} — {}: {}",
            r.client_no,
            r.client_name,
            format_money(r.client_aum, "CNY"),
            asked(r, i),
            r.requester,
            r.reason
        ));
        DecideForm { id: r.id, popup }
    }

    /// Ctrl-S: decides.
    fn submit(&mut self, ctx: &mut Ctx<'_>) -> Step<Changed> {
        let approve = self.popup.value("decision") == "approve";
        match ctx
            .store
            .decide_request(ctx.actor, self.id, approve, self.popup.value("note"))
        {
            Ok(()) => {
                let k = if approve {
                    "status.request_approved"
                } else {
                    "status.request_rejected"
                };
                ctx.info(ctx.i18n.f(k, &[("id", &self.id.to_string())]));
                Step::Done(Changed)
            }
            Err(e) => {
                self.popup.refused(&e, ctx);
                Step::Open
            }
        }
    }
}

/// A task for an RM of the branch.
#[derive(Debug)]
pub struct GiveTaskForm {
    rm: String,
    popup: PopupForm,
}

impl GiveTaskForm {
    /// The form giving `rm` (username, display name) a task due `today` by default.
    pub fn new(ctx: &Ctx<'_>, rm: (&str, &str), today: &str) -> GiveTaskForm {
        let i = ctx.i18n;
        let priorities = ["normal", "high", "low"]
            .iter()
            .map(|p| {
                (
                    p.to_string(),
                    i.t(&format!("task.priority.{p}")).to_string(),
                )
            })
            .collect();
        let mut popup = PopupForm::new(
            i.f("team.give_title", &[("rm", rm.1)]),
            vec![
                Field::text("title", i.t("task.field.title"), ""),
                Field::text("due_date", i.t("task.field.due_date"), today),
                Field::choice("priority", i.t("task.field.priority"), priorities, "normal"),
                Field::text("client_no", i.t("task.field.client_no"), ""),
                Field::multi("notes", i.t("task.field.notes"), ""),
            ],
        );
        // The manager's search: any client of the branch; the store takes only the RM's.
        popup.pick_client_in("client_no", false);
        GiveTaskForm {
            rm: rm.0.to_string(),
            popup,
        }
    }

    /// Ctrl-S: gives the task.
    fn submit(&mut self, ctx: &mut Ctx<'_>) -> Step<Changed> {
        let input = TaskInput {
            title: self.popup.value("title").into(),
            due_date: self.popup.value("due_date").into(),
            priority: self.popup.value("priority").into(),
            client_no: self.popup.value("client_no").into(),
            notes: self.popup.value("notes").into(),
            ..TaskInput::default()
        };
        match ctx.store.give_task(ctx.actor, &self.rm, &input) {
            Ok(_) => {
                ctx.info(ctx.i18n.f("status.task_given", &[("rm", &self.rm)]));
                Step::Done(Changed)
            }
            Err(e) => {
                self.popup.refused(&e, ctx);
                Step::Open
            }
        }
    }
}

/// The lines of one hand-over, with `x` to export them.
#[derive(Debug)]
pub struct LedgerView {
    /// The hand-over.
    pub head: Handover,
    lines: Vec<LedgerLine>,
    cursor: Cursor,
    export: Option<PopupForm>,
}

impl LedgerView {
    /// The ledger of hand-over `id`.
    pub fn open(ctx: &mut Ctx<'_>, id: i64) -> Option<LedgerView> {
        match ctx.store.handover_ledger(ctx.actor, id) {
            Ok((head, lines)) => Some(LedgerView {
                head,
                lines,
                cursor: Cursor::default(),
                export: None,
            }),
            Err(e) => {
                ctx.error(store_error_text(&e, ctx.i18n));
                None
            }
        }
    }

    /// The export form's Ctrl-S: writes the ledger's CSV file.
    fn export(&mut self, ctx: &mut Ctx<'_>) -> Step<Changed> {
        let Some(form) = &mut self.export else {
            return Step::Open;
        };
        let path = std::path::PathBuf::from(form.value("file").trim());
        match ctx.store.export_ledger_csv(ctx.actor, self.head.id, &path) {
            Ok(n) => {
                ctx.info(ctx.i18n.f(
                    "status.ledger_written",
                    &[("n", &n.to_string()), ("file", &path.display().to_string())],
                ));
                self.export = None;
            }
            Err(e) => form.refused(&e, ctx),
        }
        Step::Open
    }
}

impl Popup<Changed> for LedgerView {
    /// ↑/↓ move, `x` opens the export form (its own keys while open), Esc closes.
    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<Changed> {
        if let Some(form) = &mut self.export {
            return match form.on_key_in(key, ctx) {
                Step::Closed => {
                    self.export = None;
                    Step::Open
                }
                step => step.or_submit(|| self.export(ctx)),
            };
        }
        let len = self.lines.len();
        match ctx.keys.action_in(key, &self.commands()) {
            Some(Action::Back) => return Step::Closed,
            Some(Action::Down) => self.cursor.step(1, len),
            Some(Action::Up) => self.cursor.step(-1, len),
            Some(Action::PageDown) => self.cursor.page_by(1, len),
            Some(Action::PageUp) => self.cursor.page_by(-1, len),
            Some(Action::Export) => {
                let name = format!("handover-{}.csv", self.head.id);
                self.export = Some(PopupForm::new(
                    ctx.i18n.t("team.export_title").to_string(),
                    vec![Field::text("file", ctx.i18n.t("team.export_file"), &name)],
                ));
            }
            _ => return Step::Ignored,
        }
        Step::Open
    }

    fn commands(&self) -> Vec<Action> {
        match &self.export {
            Some(f) => f.commands(),
            None => vec![
                Action::Export,
                Action::Up,
                Action::Down,
                Action::PageUp,
                Action::PageDown,
                Action::Back,
            ],
        }
    }

    fn paste(&mut self, text: &str) {
        if let Some(f) = &mut self.export {
            f.paste(text);
        }
    }

    fn is_dirty(&self) -> bool {
        self.export.as_ref().is_some_and(PopupForm::is_dirty)
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let h = &self.head;
        let rect = centered(area, area.width, area.height);
        let title = i.f(
            "team.ledger_title",
            &[
                ("id", &h.id.to_string()),
                ("date", &h.date.map(|d| d.to_string()).unwrap_or_default()),
                ("from", &h.from),
                ("reason", i.t(h.reason.label_key())),
            ],
        );
        let inner = popup(f, rect, &title, v.theme);
        let name_w = usize::from(
            inner
                .width
                .saturating_sub(2 + 11 + 8 + 16 + 5 + 5 + 5 + 10 + 8),
        )
        .max(6);
        let rows = self
            .lines
            .iter()
            .map(|l| {
                Row::new(vec![
                    Line::from(l.client_no.clone()),
                    Line::from(fit(&l.name, name_w)),
                    Line::from(i.t(l.tier.label_key()).to_string()),
                    Line::from(format_money(l.aum, "CNY"))
                        .alignment(ratatui::layout::Alignment::Right),
                    Line::from(l.open_tasks.to_string()),
                    Line::from(l.pending_complaints.to_string()),
                    Line::from(l.maturities_30d.to_string()),
                    Line::from(fit(&l.to, 10)),
                ])
            })
            .collect();
        ListTable {
            title: i.f(
                "team.ledger_lines",
                &[
                    ("n", &h.clients.to_string()),
                    ("aum", &format_money(h.aum, "CNY")),
                    ("by", &h.by),
                ],
            ),
            header: vec![
                i.t("col.client_no").into(),
                i.t("col.client_name").into(),
                i.t("col.tier").into(),
                i.t("col.aum").into(),
                i.t("team.col.tasks").into(),
                i.t("team.col.complaints").into(),
                i.t("team.col.maturities").into(),
                i.t("team.col.to").into(),
            ],
            widths: vec![
                Constraint::Length(11),
                Constraint::Min(6),
                Constraint::Length(8),
                Constraint::Length(16),
                Constraint::Length(5),
                Constraint::Length(5),
                Constraint::Length(5),
                Constraint::Length(10),
            ],
            rows,
            empty: "",
        }
        .draw(f, inner, &self.cursor, v);
        if let Some(form) = &self.export {
            form.draw(f, area, v);
        }
    }
}

/// An RM's request: a tier, a take-over or a product, with the reason.
#[derive(Debug)]
pub struct RequestForm {
    client_id: Option<i64>,
    popup: PopupForm,
}

impl RequestForm {
    /// The form for client `client` (id, number, name) the RM sees; `None`: a take-over
    /// of a client of another RM, named by number.
    pub fn new(ctx: &Ctx<'_>, client: Option<(i64, &str, &str)>) -> RequestForm {
        let i = ctx.i18n;
        let kinds: Vec<(String, String)> = match client {
            Some(_) => vec![RequestKind::Tier, RequestKind::Suitability],
            None => vec![RequestKind::TakeOver],
        }
        .into_iter()
        .map(|k| (k.code().to_string(), i.t(k.label_key()).to_string()))
        .collect();
        let tiers = Tier::ALL
            .iter()
            .map(|t| (t.code().to_string(), i.t(t.label_key()).to_string()))
            .collect();
        let mut fields = vec![Field::choice(
            "kind",
            i.t("request.field.kind"),
            kinds,
            "tier",
        )];
        match client {
            Some(_) => {
                fields.push(Field::choice(
                    "tier",
                    i.t("request.field.tier"),
                    tiers,
                    "core",
                ));
                fields.push(Field::text("product", i.t("request.field.product"), ""));
            }
            None => fields.push(Field::text("client", i.t("request.field.client_no"), "")),
        }
        fields.push(Field::text("reason", i.t("request.field.reason"), ""));
        let title = match client {
            Some((_, no, name)) => i.f(
                "request.title_client",
                &[("client", &format!("{no} {name}"))],
            ),
            None => i.t("request.title_take_over").to_string(),
        };
        let mut popup = PopupForm::new(title, fields);
        popup.note = Some(i.t("request.hint").to_string());
        RequestForm {
            client_id: client.map(|c| c.0),
            popup,
        }
    }

    /// Ctrl-S: files the request.
    fn submit(&mut self, ctx: &mut Ctx<'_>) -> Step<Changed> {
        let ask = match (self.client_id, self.popup.value("kind")) {
            (Some(client_id), "suitability") => {
                let code = self.popup.value("product").trim().to_uppercase();
                let found = ctx
                    .store
                    .products(ctx.actor, &Default::default())
                    .map(|ps| ps.into_iter().find(|p| p.code == code).map(|p| p.id));
                match found {
                    Ok(Some(product_id)) => Ask::Suitability {
                        client_id,
                        product_id,
                    },
                    Ok(None) => {
                        self.popup.refused(
                            &crate::store::StoreError::invalid(
                                "product",
                                "err.visit.product_unknown",
                                "",
                            ),
                            ctx,
                        );
                        return Step::Open;
                    }
                    Err(e) => {
                        self.popup.refused(&e, ctx);
                        return Step::Open;
                    }
                }
            }
            (Some(client_id), _) => Ask::Tier {
                client_id,
                tier: self.popup.value("tier").parse().unwrap_or(Tier::General),
            },
            (None, _) => Ask::TakeOver {
                client_no: self.popup.value("client").to_string(),
            },
        };
        match ctx
            .store
            .file_request(ctx.actor, &ask, self.popup.value("reason"))
        {
            Ok(id) => {
                ctx.info(
                    ctx.i18n
                        .f("status.request_filed", &[("id", &id.to_string())]),
                );
                Step::Done(Changed)
            }
            Err(crate::store::StoreError::NotFound) => {
                self.popup.refused(
                    &crate::store::StoreError::invalid("client", "err.client.no_match", ""),
                    ctx,
                );
                Step::Open
            }
            Err(e) => {
                self.popup.refused(&e, ctx);
                Step::Open
            }
        }
    }
}

form_popup!(DecideForm => Changed);
form_popup!(GiveTaskForm => Changed);
form_popup!(RequestForm => Changed);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::desk::{HandoverReason, RequestStatus};
    use crate::store::Role;
    use crate::tui::popup::testing::{assert_shows_what_it_takes, env, CHOICE_FIELD, TEXT_FIELD};

    fn request() -> Request {
        Request {
            id: 7,
            kind: RequestKind::Tier,
            status: RequestStatus::Pending,
            requester: "rm1".into(),
            requester_id: 2,
            client_id: 1,
            client_no: "C000000001".into(),
            client_name: "王伟".into(),
            client_tier: Tier::General,
            client_aum: rust_decimal::Decimal::ZERO,
            client_risk: None,
            owner: "rm1".into(),
            tier: Some(Tier::Core),
            product: None,
            reason: "moving assets in".into(),
            created_at: String::new(),
            decided_by: None,
            decided_at: None,
            note: None,
        }
    }

    #[test]
    fn the_decision_shows_what_it_takes() {
        let mut env = env(Role::Manager);
        // The first field is the decision choice.
        assert_shows_what_it_takes(&mut env, true, CHOICE_FIELD, &|c| {
            Box::new(DecideForm::new(c, &request())) as Box<dyn Popup<Changed>>
        });
    }

    #[test]
    fn the_team_task_shows_what_it_takes() {
        let mut env = env(Role::Manager);
        assert_shows_what_it_takes(&mut env, true, TEXT_FIELD, &|c| {
            let form = GiveTaskForm::new(c, ("rm1", "RM One"), "2026-11-23");
            Box::new(form) as Box<dyn Popup<Changed>>
        });
    }

    #[test]
    fn the_request_forms_show_what_they_take() {
        let mut env = env(Role::Rm);
        assert_shows_what_it_takes(&mut env, true, CHOICE_FIELD, &|c| {
            let form = RequestForm::new(c, Some((1, "C000000001", "王伟")));
            Box::new(form) as Box<dyn Popup<Changed>>
        });
        assert_shows_what_it_takes(&mut env, true, CHOICE_FIELD, &|c| {
            Box::new(RequestForm::new(c, None)) as Box<dyn Popup<Changed>>
        });
    }

    #[test]
    fn the_ledger_shows_what_it_takes() {
        let mut env = env(Role::Manager);
        assert_shows_what_it_takes(&mut env, false, &[], &|_| {
            Box::new(LedgerView {
                head: Handover {
                    id: 1,
                    at: String::new(),
                    date: None,
                    from: "rm1".into(),
                    to: vec!["rm3".into()],
                    reason: HandoverReason::Rotation,
                    reason_text: None,
                    by: "mgr1".into(),
                    clients: 0,
                    aum: rust_decimal::Decimal::ZERO,
                },
                lines: Vec::new(),
                cursor: Cursor::default(),
                export: None,
            }) as Box<dyn Popup<Changed>>
        });
    }
}
