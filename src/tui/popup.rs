//! Popups on one stack. Every popup (a record form, a filter, a question, a detail) is a
//! [`Popup`]; a screen keeps its open popups in a [`Stack`] and offers every key to the
//! top one first. A key is answered with one [`Step`]: still open, not mine, closed, or
//! closed with a result for the screen. What the command bar and the help show while a
//! popup is open is the popup's [`Popup::commands`], and a popup acts on exactly those
//! actions (`Keymap::action_in`), so what is shown is what works.
use std::fmt;
use std::marker::PhantomData;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::keymap::Action;
use super::screens::{Ctx, View};
use super::widgets::confirm;

/// What a key (or a background tick) did to a popup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step<T> {
    /// Still open; the key was used.
    Open,
    /// Not a key of the popup: the screen and then the application may use it.
    Ignored,
    /// Closed with nothing to report.
    Closed,
    /// Closed; the screen acts on the result (reload, select, say what was saved).
    Done(T),
    /// A result for the screen while the popup stays open (an import's rows are in).
    Report(T),
}

impl<T> Step<T> {
    /// The same step with its result changed by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Step<U> {
        match self {
            Step::Open => Step::Open,
            Step::Ignored => Step::Ignored,
            Step::Closed => Step::Closed,
            Step::Done(t) => Step::Done(f(t)),
            Step::Report(t) => Step::Report(f(t)),
        }
    }

    /// Whether the key was used (everything but [`Step::Ignored`]).
    pub fn used(&self) -> bool {
        !matches!(self, Step::Ignored)
    }

    /// Whether the popup is gone after this step.
    pub fn closes(&self) -> bool {
        matches!(self, Step::Closed | Step::Done(_))
    }
}

/// A popup over a screen, reporting results of type `T` to it.
pub trait Popup<T> {
    /// Handles a key: only the actions of [`Popup::commands`] (and text into a field).
    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<T>;
    /// Draws the popup over `area` (the screen is drawn first).
    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>);
    /// The actions the popup takes now: the command bar and help show these.
    fn commands(&self) -> Vec<Action>;
    /// Pasted text (into the focused field, if any).
    fn paste(&mut self, _text: &str) {}
    /// Whether something typed would be lost by closing it.
    fn is_dirty(&self) -> bool {
        false
    }
    /// Whether background work runs (an import).
    fn busy(&self) -> bool {
        false
    }
    /// Takes in background progress.
    fn tick(&mut self, _ctx: &mut Ctx<'_>) -> Step<T> {
        Step::Open
    }
}

/// A screen's open popups; the last is on top and gets keys first.
pub struct Stack<T> {
    items: Vec<Box<dyn Popup<T>>>,
}

impl<T> Default for Stack<T> {
    fn default() -> Self {
        Stack { items: Vec::new() }
    }
}

impl<T> fmt::Debug for Stack<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Stack({} open)", self.items.len())
    }
}

impl<T> Stack<T> {
    /// Opens `popup` on top.
    pub fn push(&mut self, popup: impl Popup<T> + 'static) {
        self.items.push(Box::new(popup));
    }

    /// Opens an already boxed popup on top.
    pub fn push_boxed(&mut self, popup: Box<dyn Popup<T>>) {
        self.items.push(popup);
    }

    /// Whether no popup is open.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many popups are open.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Closes every popup.
    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// Offers `key` to the top popup, closing it when the step says so; `None` when no
    /// popup is open.
    pub fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Option<Step<T>> {
        let top = self.items.last_mut()?;
        let step = top.on_key(key, ctx);
        if step.closes() {
            self.items.pop();
        }
        Some(step)
    }

    /// Ticks every popup with background work; the steps they report, in order.
    pub fn tick(&mut self, ctx: &mut Ctx<'_>) -> Vec<Step<T>> {
        let mut steps = Vec::new();
        let mut i = 0;
        while i < self.items.len() {
            if self.items[i].busy() {
                let step = self.items[i].tick(ctx);
                if step.closes() {
                    self.items.remove(i);
                    steps.push(step);
                    continue;
                }
                steps.push(step);
            }
            i += 1;
        }
        steps
    }

    /// Draws every popup, the bottom one first.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        for p in &self.items {
            p.draw(f, area, v);
        }
    }

    /// The top popup's actions; `None` when no popup is open.
    pub fn commands(&self) -> Option<Vec<Action>> {
        self.items.last().map(|p| p.commands())
    }

    /// Pasted text goes to the top popup.
    pub fn paste(&mut self, text: &str) {
        if let Some(p) = self.items.last_mut() {
            p.paste(text);
        }
    }

    /// Whether any open popup holds something typed.
    pub fn is_dirty(&self) -> bool {
        self.items.iter().any(|p| p.is_dirty())
    }

    /// Whether any open popup runs background work.
    pub fn busy(&self) -> bool {
        self.items.iter().any(|p| p.busy())
    }
}

/// A popup whose results are changed into another type: a popup shared by two screens
/// (the visit form on the 360 view and on F4) reports into each screen's own results.
pub struct Mapped<P, A, F> {
    inner: P,
    map: F,
    _from: PhantomData<fn(A)>,
}

impl<P, A, F> Mapped<P, A, F> {
    /// `inner`, its results changed by `map`.
    pub fn new(inner: P, map: F) -> Self {
        Mapped {
            inner,
            map,
            _from: PhantomData,
        }
    }
}

impl<P: Popup<A>, A, B, F: Fn(A) -> B> Popup<B> for Mapped<P, A, F> {
    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<B> {
        self.inner.on_key(key, ctx).map(&self.map)
    }
    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        self.inner.draw(f, area, v);
    }
    fn commands(&self) -> Vec<Action> {
        self.inner.commands()
    }
    fn paste(&mut self, text: &str) {
        self.inner.paste(text);
    }
    fn is_dirty(&self) -> bool {
        self.inner.is_dirty()
    }
    fn busy(&self) -> bool {
        self.inner.busy()
    }
    fn tick(&mut self, ctx: &mut Ctx<'_>) -> Step<B> {
        self.inner.tick(ctx).map(&self.map)
    }
}

/// A yes/no question: yes closes with its result, no or Esc closes with nothing.
#[derive(Debug, Clone)]
pub struct Question<T> {
    /// The title in the border.
    pub title: String,
    /// The question.
    pub text: String,
    answer: T,
}

impl<T: Clone> Question<T> {
    /// Asks `text`; yes reports `answer`.
    pub fn new(title: String, text: String, answer: T) -> Question<T> {
        Question {
            title,
            text,
            answer,
        }
    }
}

impl<T: Clone> Popup<T> for Question<T> {
    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<T> {
        match ctx.keys.action_in(key, &self.commands()) {
            Some(Action::Yes) => Step::Done(self.answer.clone()),
            Some(_) => Step::Closed,
            None => Step::Ignored,
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        confirm(f, area, &self.title, &self.text, v.keys, v.i18n, v.theme);
    }
    fn commands(&self) -> Vec<Action> {
        vec![Action::Yes, Action::No, Action::Back]
    }
}

/// Test support: a real database, a user and a context to drive popups with, and the
/// check that a popup takes exactly the keys its command bar and help show.
#[cfg(test)]
pub mod testing {
    use crossterm::event::KeyEvent;

    use super::Popup;
    use crate::store::users::NewUser;
    use crate::store::{Actor, FixedClock, Role, Store};
    use crate::tui::i18n::{I18n, Lang};
    use crate::tui::keymap::{is_text, Action, KeyBinding, Keymap};
    use crate::tui::screens::Ctx;

    /// What a test needs to build popups and offer them keys.
    pub struct Env {
        _dir: tempfile::TempDir,
        /// The database.
        pub store: Store,
        /// A user of the role asked for.
        pub actor: Actor,
        /// Default keys.
        pub keys: Keymap,
        /// English.
        pub i18n: I18n,
    }

    /// A database on a fixed clock with an administrator and, for another role, a user of
    /// it in branch 0101, who is the actor.
    pub fn env(role: Role) -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(&dir.path().join("t.db")).expect("open");
        let noon = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 23, 4, 0, 0)
            .single()
            .expect("instant");
        store.set_clock(Box::new(FixedClock(noon)));
        let admin = store
            .create_first_admin("admin", "Ada Admin", "long-enough-pass")
            .expect("admin");
        let branch = store.create_branch(&admin, "0101", "East").expect("branch");
        let actor = if role == Role::Admin {
            admin
        } else {
            let u = NewUser {
                username: "user1".into(),
                display_name: "User One".into(),
                role,
                branch_id: Some(branch),
                password: "long-enough-pass".into(),
            };
            store.create_user(&admin, &u).expect("user");
            store.login("user1", "long-enough-pass").expect("login")
        };
        Env {
            _dir: dir,
            store,
            actor,
            keys: Keymap::default(),
            i18n: I18n::new(Lang::En),
        }
    }

    impl Env {
        /// A context for one key.
        pub fn ctx(&mut self) -> Ctx<'_> {
            Ctx {
                store: &mut self.store,
                actor: &self.actor,
                keys: &self.keys,
                i18n: &self.i18n,
                status: None,
                goto: None,
            }
        }
    }

    /// Editing keys a focused text field takes (they are not commands).
    pub const TEXT_FIELD: &[Action] = &[Action::Left, Action::Right, Action::First, Action::Last];
    /// … and a focused multi-line field also takes these.
    pub const MULTI_LINE: &[Action] = &[
        Action::Left,
        Action::Right,
        Action::First,
        Action::Last,
        Action::Up,
        Action::Down,
        Action::EnterNext,
    ];

    /// Asserts that the popup `make` builds takes exactly the keys its commands show:
    /// every key bound by default is offered to a fresh popup. When `typing`, keys that
    /// are text and the keys of `editing` are left out (the focused field takes them).
    pub fn assert_shows_what_it_takes<T>(
        env: &mut Env,
        typing: bool,
        editing: &[Action],
        make: &dyn Fn(&mut Ctx<'_>) -> Box<dyn Popup<T>>,
    ) {
        let skipped: Vec<KeyEvent> = editing.iter().flat_map(|a| env.keys.events(*a)).collect();
        let keep = |k: &KeyEvent| {
            let skip = (typing && is_text(k))
                || skipped
                    .iter()
                    .any(|s| KeyBinding::of(s) == KeyBinding::of(k));
            !skip
        };
        let name = |k: &KeyEvent| KeyBinding::of(k).to_string();
        let mut ctx = env.ctx();
        let shown_actions = make(&mut ctx).commands();
        let mut shown: Vec<String> = shown_actions
            .iter()
            .flat_map(|a| ctx.keys.events(*a))
            .filter(|k| keep(k))
            .map(|k| name(&k))
            .collect();
        let all: Vec<KeyEvent> = Action::all()
            .flat_map(|a| ctx.keys.events(a))
            .filter(|k| keep(k))
            .collect();
        let mut taken = Vec::new();
        for k in &all {
            let mut popup = make(&mut ctx);
            if popup.on_key(k, &mut ctx).used() {
                taken.push(name(k));
            }
        }
        for v in [&mut shown, &mut taken] {
            v.sort();
            v.dedup();
        }
        assert_eq!(shown, taken, "shown ({shown_actions:?}) vs taken");
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{assert_shows_what_it_takes, env};
    use super::*;
    use crate::store::Role;

    #[test]
    fn a_question_takes_yes_no_and_back() {
        let mut env = env(Role::Rm);
        assert_shows_what_it_takes(&mut env, false, &[], &|_| {
            Box::new(Question::new("t".into(), "q?".into(), 1))
        });
    }

    #[test]
    fn the_top_popup_gets_the_key_and_closes() {
        let mut env = env(Role::Rm);
        let mut ctx = env.ctx();
        let mut stack: Stack<i32> = Stack::default();
        stack.push(Question::new("a".into(), "a?".into(), 1));
        stack.push(Question::new("b".into(), "b?".into(), 2));
        let yes = ctx.keys.events(Action::Yes)[0];
        assert_eq!(stack.on_key(&yes, &mut ctx), Some(Step::Done(2)));
        assert_eq!(stack.len(), 1);
        let esc = ctx.keys.events(Action::Back)[0];
        assert_eq!(stack.on_key(&esc, &mut ctx), Some(Step::Closed));
        assert!(stack.is_empty());
        assert_eq!(stack.on_key(&yes, &mut ctx), None);
    }
}
