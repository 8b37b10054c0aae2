//! Opening the screen's popups (detail, forms, filters) and passing keys to the one on
//! top.

use crossterm::event::KeyEvent;

use super::feedback_forms::RecordForm;
use super::filters::{FeedbackFilterForm, VisitFilterForm};
use super::form::{VisitForm, VisitSaved};
use super::popups::{DetailPopup, Done};
use super::{now_text, Tab, Visits};
use crate::tui::popup::{Mapped, Step};
use crate::tui::screens::{store_error_text, Ctx};
use crate::tui::widgets::list_table::Cursor;

impl Visits {
    pub(super) fn open_detail(&mut self, ctx: &mut Ctx<'_>) {
        let (me, manager) = (self.me, self.manager);
        let today = self.today.unwrap_or_default();
        let opened = match self.tab {
            Tab::Visits => self.selected_visit().map(|r| {
                ctx.store.visit(ctx.actor, r.id).map(|d| {
                    let mine = d.rm_id == me;
                    DetailPopup::visit(d, mine, manager)
                })
            }),
            Tab::Feedback => self.selected_feedback().map(|f| {
                ctx.store
                    .feedback_item(ctx.actor, f.id)
                    .map(|d| DetailPopup::feedback(d, today))
            }),
        };
        match opened {
            Some(Ok(o)) => self.popups.push(o),
            Some(Err(e)) => ctx.error(store_error_text(&e, ctx.i18n)),
            None => {}
        }
    }

    pub(super) fn open_edit(&mut self, ctx: &mut Ctx<'_>) {
        match self.tab {
            Tab::Visits => {
                let Some(r) = self.selected_visit() else {
                    return;
                };
                let client = format!("{} {}", r.client_no, r.client_name);
                if r.rm != ctx.actor.username {
                    ctx.error(ctx.i18n.t("err.visit.not_yours").to_string());
                    return;
                }
                match ctx.store.visit_for_edit(ctx.actor, r.id) {
                    Ok(input) => {
                        let form = VisitForm::edit(ctx.i18n, r.id, &client, &input);
                        self.popups.push(Mapped::new(form, Done::Visit));
                    }
                    Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
                }
            }
            Tab::Feedback => {
                let Some(id) = self.selected_feedback().map(|f| f.id) else {
                    return;
                };
                let loaded = ctx.store.feedback_item(ctx.actor, id).and_then(|item| {
                    ctx.store
                        .feedback_handlers(ctx.actor)
                        .map(|h| RecordForm::handle(ctx.i18n, &item, &h))
                });
                match loaded {
                    Ok(form) => self.push_record(form, "status.feedback_saved"),
                    Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
                }
            }
        }
    }

    pub(super) fn push_record(&mut self, form: RecordForm, done: &'static str) {
        self.popups
            .push(Mapped::new(form, move |_| Done::Record(done)));
    }

    pub(super) fn open_new(&mut self, ctx: &mut Ctx<'_>) {
        match self.tab {
            Tab::Visits => {
                let now = now_text(ctx, "%Y-%m-%d %H:%M");
                let form = VisitForm::any_client(ctx.i18n, ctx.actor.role, &now);
                self.popups.push(Mapped::new(form, Done::Visit));
            }
            Tab::Feedback => {
                let form = RecordForm::file(ctx.i18n, None, &now_text(ctx, "%Y-%m-%d"));
                self.push_record(form, "status.feedback_filed");
            }
        }
    }

    pub(super) fn open_return_call(&mut self, ctx: &mut Ctx<'_>) {
        if !self.manager || self.tab != Tab::Visits {
            return;
        }
        if let Some(r) = self.selected_visit() {
            let client = format!("{} {}", r.client_no, r.client_name);
            let form = RecordForm::return_call(ctx.i18n, r.id, &client);
            self.push_record(form, "status.return_recorded");
        }
    }

    pub(super) fn open_filter(&mut self, ctx: &mut Ctx<'_>) {
        match self.tab {
            Tab::Visits => {
                let rms = if self.manager {
                    ctx.store.feedback_handlers(ctx.actor).unwrap_or_default()
                } else {
                    Vec::new()
                };
                let form = VisitFilterForm::new(ctx.i18n, &self.vfilter, &self.vlabels, &rms);
                self.popups.push(form);
            }
            Tab::Feedback => {
                self.popups
                    .push(FeedbackFilterForm::new(ctx.i18n, &self.ffilter));
            }
        }
    }

    /// Keys of the open popup; `None` when nothing is open.
    pub(super) fn on_popup_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Option<bool> {
        let step = self.popups.on_key(key, ctx)?;
        let used = step.used();
        let closed = step.closes();
        if let Step::Done(done) = step {
            match done {
                Done::Visit(VisitSaved::New(rec, _)) => {
                    let key = if rec.task_id.is_some() {
                        "status.visit_saved_task"
                    } else {
                        "status.visit_saved"
                    };
                    ctx.info(ctx.i18n.t(key).to_string());
                }
                Done::Visit(VisitSaved::Edited(_)) => {
                    ctx.info(ctx.i18n.t("status.visit_edited").to_string());
                }
                Done::Record(key) => ctx.info(ctx.i18n.t(key).to_string()),
                Done::VisitFilter(filter, labels) => {
                    self.vfilter = filter;
                    self.vlabels = labels;
                    self.vcur = Cursor::default();
                }
                Done::FeedbackFilter(filter) => {
                    self.ffilter = filter;
                    self.fcur = Cursor::default();
                }
                Done::Edit => {
                    self.open_edit(ctx);
                    return Some(true);
                }
                Done::ReturnCall => {
                    self.open_return_call(ctx);
                    return Some(true);
                }
            }
        }
        if closed {
            self.load(ctx);
        }
        Some(used)
    }
}
