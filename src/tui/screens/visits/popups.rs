//! What the visits screen's popups report, and the read-only detail popups of a visit
//! and of a feedback item (scrolled with ↑/↓; `e` edits, `c` records a return call).
use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::detail;
use super::form::VisitSaved;
use crate::store::feedback::{FeedbackFilter, FeedbackItem};
use crate::store::visits::{VisitDetail, VisitFilter};
use crate::tui::keymap::Action;
use crate::tui::popup::{Popup, Step};
use crate::tui::screens::{Ctx, View};

/// What a popup over the visit and feedback lists reports when it closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    /// The visit form saved.
    Visit(VisitSaved),
    /// A feedback, handling or return-call popup saved; the status line's key.
    Record(&'static str),
    /// Apply this visit filter (with the labels of its client and RM).
    VisitFilter(VisitFilter, Vec<String>),
    /// Apply this feedback filter.
    FeedbackFilter(FeedbackFilter),
    /// Edit the record the detail showed.
    Edit,
    /// Record a return call to the visit the detail showed.
    ReturnCall,
}

/// What a detail popup shows.
#[derive(Debug, Clone)]
pub enum Shown {
    /// A visit.
    Visit(Box<VisitDetail>),
    /// A feedback item.
    Feedback(Box<FeedbackItem>),
}

/// A read-only record in a popup.
#[derive(Debug, Clone)]
pub struct DetailPopup {
    shown: Shown,
    scroll: u16,
    today: NaiveDate,
    can_edit: bool,
    can_return: bool,
}

impl DetailPopup {
    /// A visit's detail; `mine`: the user recorded it (may edit); `manager`: may record
    /// a return call.
    pub fn visit(d: VisitDetail, mine: bool, manager: bool) -> DetailPopup {
        DetailPopup {
            shown: Shown::Visit(Box::new(d)),
            scroll: 0,
            today: NaiveDate::default(),
            can_edit: mine,
            can_return: manager,
        }
    }

    /// A feedback item's detail (deadlines counted from `today`).
    pub fn feedback(item: FeedbackItem, today: NaiveDate) -> DetailPopup {
        DetailPopup {
            shown: Shown::Feedback(Box::new(item)),
            scroll: 0,
            today,
            can_edit: true,
            can_return: false,
        }
    }
}

impl Popup<Done> for DetailPopup {
    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<Done> {
        match ctx.keys.action_in(key, &self.commands()) {
            Some(Action::Up) => self.scroll = self.scroll.saturating_sub(1),
            Some(Action::Down) => self.scroll = self.scroll.saturating_add(1),
            Some(Action::Back | Action::Submit) => return Step::Closed,
            Some(Action::Edit) => return Step::Done(Done::Edit),
            Some(Action::ReturnCall) => return Step::Done(Done::ReturnCall),
            _ => return Step::Ignored,
        }
        Step::Open
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let width = detail::text_width(area);
        let (title, lines) = match &self.shown {
            Shown::Visit(d) => (
                v.i18n.t("visits.detail.title"),
                detail::visit_lines(v.i18n, d, width, v.theme, v.zone),
            ),
            Shown::Feedback(item) => (
                v.i18n.t("feedback.detail.title"),
                detail::feedback_lines(v.i18n, item, self.today, width, v.theme, v.zone),
            ),
        };
        detail::draw_lines(f, area, title, lines, self.scroll, v);
    }

    fn commands(&self) -> Vec<Action> {
        let mut a = Vec::new();
        if self.can_return {
            a.push(Action::ReturnCall);
        }
        if self.can_edit {
            a.push(Action::Edit);
        }
        a.extend([Action::Back, Action::Submit, Action::Up, Action::Down]);
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::client::ClientInput;
    use crate::domain::visit::{FeedbackInput, VisitInput};
    use crate::store::clients::SaveOutcome;
    use crate::store::Role;
    use crate::tui::popup::testing::{assert_shows_what_it_takes, env};

    #[test]
    fn the_detail_popups_show_what_they_take() {
        let mut env = env(Role::Rm);
        let input = ClientInput {
            kind: "individual".into(),
            name: "林黛玉".into(),
            id_type: "passport".into(),
            id_number: "E12345678".into(),
            ..ClientInput::default()
        };
        let client = match env.store.create_client(&env.actor, &input, true) {
            Ok(SaveOutcome::Saved(id)) => id,
            other => panic!("{other:?}"),
        };
        let visit = VisitInput {
            visited_at: "2026-11-22 10:00".into(),
            channel: "client_site".into(),
            purpose: "review".into(),
            summary: "deposits".into(),
            ..VisitInput::default()
        };
        let rec = env
            .store
            .record_visit(&env.actor, client, &visit)
            .expect("visit");
        let d = env.store.visit(&env.actor, rec.visit_id).expect("read");
        for (mine, manager) in [(true, false), (false, true), (false, false)] {
            assert_shows_what_it_takes(&mut env, false, &[], &|_| {
                Box::new(DetailPopup::visit(d.clone(), mine, manager)) as Box<dyn Popup<Done>>
            });
        }
        let fb = FeedbackInput {
            kind: "complaint".into(),
            received_on: "2026-11-20".into(),
            channel: "phone".into(),
            description: "late".into(),
            severity: "normal".into(),
        };
        let id = env
            .store
            .file_feedback(&env.actor, client, &fb)
            .expect("feedback");
        let item = env.store.feedback_item(&env.actor, id).expect("read");
        let today = env.store.today();
        assert_shows_what_it_takes(&mut env, false, &[], &|_| {
            Box::new(DetailPopup::feedback(item.clone(), today)) as Box<dyn Popup<Done>>
        });
    }
}
