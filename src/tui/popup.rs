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
pub struct Mapped<P, A, B> {
    inner: P,
    map: fn(A) -> B,
    _types: PhantomData<fn(A) -> B>,
}

impl<P, A, B> Mapped<P, A, B> {
    /// `inner`, its results changed by `map`.
    pub fn new(inner: P, map: fn(A) -> B) -> Self {
        Mapped {
            inner,
            map,
            _types: PhantomData,
        }
    }
}

impl<P: Popup<A>, A, B> Popup<B> for Mapped<P, A, B> {
    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<B> {
        self.inner.on_key(key, ctx).map(self.map)
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
        self.inner.tick(ctx).map(self.map)
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

/// Test support: the keys a popup shows and the keys it takes. Every key bound to an
/// action by default is offered to a fresh popup from `make`; it is taken when the popup
/// used it. Keys that are text are left out when `typing` (a focused field takes them as
/// text). Returns (keys of the shown actions, keys taken), both sorted, as shown to users.
#[cfg(test)]
pub fn shown_and_taken<T>(
    make: &dyn Fn() -> Box<dyn Popup<T>>,
    ctx: &mut Ctx<'_>,
    typing: bool,
) -> (Vec<String>, Vec<String>) {
    use super::keymap::{is_text, KeyBinding};
    let keep = |k: &KeyEvent| !(typing && is_text(k));
    let mut shown: Vec<String> = make()
        .commands()
        .into_iter()
        .flat_map(|a| ctx.keys.events(a))
        .filter(|k| keep(k))
        .map(|k| KeyBinding::of(&k).to_string())
        .collect();
    let mut all: Vec<KeyEvent> = Action::all().flat_map(|a| ctx.keys.events(a)).collect();
    all.retain(|k| keep(k));
    let mut taken: Vec<String> = all
        .iter()
        .filter(|k| make().on_key(k, ctx).used())
        .map(|k| KeyBinding::of(k).to_string())
        .collect();
    for v in [&mut shown, &mut taken] {
        v.sort();
        v.dedup();
    }
    (shown, taken)
}
