//! The application state machine: which gate or screen is showing, who is signed in,
//! and the path of every key. A key goes to the open overlay (help, quit question), then
//! the lock screen when locked, then the screen (whose popup and focused field see it
//! first), and only when nobody used it to the global keys. The app draws on any
//! ratatui backend, so tests drive it with `TestBackend` exactly as a terminal would.
mod draw;
mod session;

use std::time::{Duration, Instant};

use crossterm::event::{KeyEvent, KeyEventKind};

use super::i18n::I18n;
use super::keymap::{Action, Keymap};
use super::registry::{self, SCREENS};
use super::screens::clients::Clients;
use super::screens::gate::{Gate, GateEvent, GateKind};
use super::screens::home::role_key;
use super::screens::recovery::Recovery;
use super::screens::{store_error_text, Ctx, Screen, ScreenId, Status, Target};
use super::theme::Theme;
use crate::store::{Actor, Store};
use session::Session;

enum Phase {
    /// The recovery key of a database just created, then the gate that follows.
    Recovery(Box<Recovery>, Gate),
    /// First run, sign-in.
    Gate(Gate),
    /// Signed in but must choose a new password first.
    ChangePassword(Gate, Actor),
    /// Signed in.
    Main(Box<Session>),
}

/// The whole application.
pub struct App {
    store: Store,
    keys: Keymap,
    i18n: I18n,
    theme: Theme,
    phase: Phase,
    /// Help overlay open, scrolled to this line.
    help: Option<u16>,
    /// The quit question, open, with its catalogue key.
    quit_asked: Option<&'static str>,
    quit: bool,
    status: Option<Status>,
    idle_after: Duration,
    last_activity: Instant,
}

impl App {
    /// An application on `store`: the set-up form when the database has no users, else
    /// the sign-in form. A database that cannot say whether it has users is an error (shown
    /// before the terminal is taken), never taken for a first run.
    pub fn new(
        store: Store,
        keys: Keymap,
        i18n: I18n,
        theme: Theme,
    ) -> Result<App, crate::store::StoreError> {
        let first_run = !store.has_users()?;
        let phase = Phase::Gate(if first_run {
            Gate::setup(&i18n)
        } else {
            Gate::login(&i18n)
        });
        let minutes = store.setting_i64("idle_lock.minutes").unwrap_or(15).max(1);
        Ok(App {
            store,
            keys,
            i18n,
            theme,
            phase,
            help: None,
            quit_asked: None,
            quit: false,
            status: None,
            idle_after: Duration::from_secs(u64::try_from(minutes).unwrap_or(15) * 60),
            last_activity: Instant::now(),
        })
    }

    /// Shows the recovery key of a database just created, once, before the set-up or
    /// sign-in form: the user goes on only after typing its last group.
    pub fn show_recovery_key(&mut self, key: crate::store::keys::RecoveryKey) {
        let phase = std::mem::replace(&mut self.phase, Phase::Gate(Gate::login(&self.i18n)));
        self.phase = match phase {
            Phase::Gate(next) | Phase::Recovery(_, next) => {
                Phase::Recovery(Box::new(Recovery::new(key, &self.i18n)), next)
            }
            other => other,
        };
    }

    /// The recovery key while it waits for its confirmation, taken off the screen (for
    /// printing when the screens cannot start: the key is kept nowhere else).
    pub fn take_unconfirmed_recovery_key(&mut self) -> Option<crate::store::keys::RecoveryKey> {
        let phase = std::mem::replace(&mut self.phase, Phase::Gate(Gate::login(&self.i18n)));
        match phase {
            Phase::Recovery(r, next) => {
                self.phase = Phase::Gate(next);
                Some(r.into_key())
            }
            other => {
                self.phase = other;
                None
            }
        }
    }

    /// Whether the recovery key is showing (waiting for its confirmation).
    pub fn showing_recovery_key(&self) -> bool {
        matches!(self.phase, Phase::Recovery(..))
    }

    /// Shows `text` on the status line (start-up warnings such as a bad keymap file).
    pub fn notice(&mut self, text: String, error: bool) {
        self.status = Some(Status { error, text });
    }

    /// Whether the user has quit.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// The signed-in user, if any.
    pub fn actor(&self) -> Option<&Actor> {
        match &self.phase {
            Phase::Main(s) => Some(&s.actor),
            _ => None,
        }
    }

    /// Whether the screen is locked.
    pub fn is_locked(&self) -> bool {
        matches!(&self.phase, Phase::Main(s) if s.lock.is_some())
    }

    /// How many client rows the clients list holds in memory (tests check that the list
    /// keeps a window of pages, not every client).
    pub fn client_rows_in_memory(&self) -> Option<usize> {
        let Phase::Main(s) = &self.phase else {
            return None;
        };
        let screen: &dyn std::any::Any = s.get(ScreenId::Clients)?;
        screen
            .downcast_ref::<Clients>()
            .map(Clients::rows_in_memory)
    }

    /// Whether the current screen has unsaved changes (a form with something typed).
    pub fn has_unsaved(&self) -> bool {
        match &self.phase {
            Phase::Main(s) => s.screen().is_some_and(|x| x.has_unsaved()),
            _ => false,
        }
    }

    /// The store (tests look at what a flow wrote).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Whether a screen has background work to show (an import).
    pub fn busy(&self) -> bool {
        match &self.phase {
            Phase::Main(s) => s.busy(),
            _ => false,
        }
    }

    /// Takes in background progress (every pass of the event loop). A screen keeps its
    /// job while other screens show, so every screen with one is asked.
    pub fn tick(&mut self) {
        let Phase::Main(session) = &mut self.phase else {
            return;
        };
        if !session.busy() {
            return;
        }
        let actor = session.actor.clone();
        for screen in session.all_mut() {
            if !screen.busy() {
                continue;
            }
            let mut ctx = Ctx {
                store: &mut self.store,
                actor: &actor,
                keys: &self.keys,
                i18n: &self.i18n,
                status: None,
                goto: None,
            };
            screen.tick(&mut ctx);
            if ctx.status.is_some() {
                self.status = ctx.status;
            }
        }
    }

    /// When the screen locks if no key comes: only while signed in and unlocked.
    pub fn lock_deadline(&self) -> Option<Instant> {
        match &self.phase {
            Phase::Main(s) if s.lock.is_none() => Some(self.last_activity + self.idle_after),
            _ => None,
        }
    }

    /// Locks the screen when `now` is past the idle deadline.
    pub fn check_idle(&mut self, now: Instant) {
        if self.lock_deadline().is_some_and(|d| now >= d) {
            self.lock(true);
        }
    }

    fn lock(&mut self, idle: bool) {
        let Phase::Main(session) = &mut self.phase else {
            return;
        };
        if session.lock.is_some() {
            return;
        }
        if let Err(e) = self.store.record_screen_lock(&session.actor, idle) {
            tracing::error!("could not audit the screen lock: {e}");
        }
        session.lock = Some(Gate::unlock(&self.i18n, &session.actor));
        self.help = None;
        self.quit_asked = None;
        self.status = None;
    }

    /// Pasted text goes to the focused field.
    pub fn on_paste(&mut self, text: &str) {
        self.last_activity = Instant::now();
        match &mut self.phase {
            Phase::Recovery(r, _) => r.paste(text),
            Phase::Gate(g) | Phase::ChangePassword(g, _) => g.form.paste(text),
            Phase::Main(s) => match &mut s.lock {
                Some(g) => g.form.paste(text),
                None => {
                    if let Some(screen) = s.screen_mut() {
                        screen.on_paste(text);
                    }
                }
            },
        }
    }

    /// Handles one key press.
    pub fn on_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        self.last_activity = Instant::now();
        self.status = None;
        if let Some(scroll) = self.help {
            self.help = if self.keys.is(&key, Action::Down) {
                Some(scroll.saturating_add(1))
            } else if self.keys.is(&key, Action::Up) {
                Some(scroll.saturating_sub(1))
            } else if self.keys.is(&key, Action::Back) || self.keys.is(&key, Action::Help) {
                None
            } else {
                Some(scroll)
            };
            return;
        }
        if self.quit_asked.is_some() {
            if self.keys.is(&key, Action::Yes) {
                self.do_quit();
            } else if self.keys.is(&key, Action::No) || self.keys.is(&key, Action::Back) {
                self.quit_asked = None;
            }
            return;
        }
        match &mut self.phase {
            Phase::Recovery(recovery, next) => match recovery.on_key(&key, &self.keys) {
                GateEvent::Submit => {
                    if recovery.submit(&self.i18n) {
                        let next = std::mem::replace(next, Gate::login(&self.i18n));
                        self.phase = Phase::Gate(next);
                    }
                }
                GateEvent::None => {}
                GateEvent::Ignored => self.global_key(&key),
            },
            Phase::Gate(gate) => match gate.on_key(&key, &self.keys) {
                GateEvent::Submit => self.submit_gate(),
                GateEvent::None => {}
                GateEvent::Ignored => self.global_key(&key),
            },
            Phase::ChangePassword(gate, actor) => match gate.on_key(&key, &self.keys) {
                GateEvent::Submit => {
                    if gate.submit_change(&mut self.store, actor, &self.i18n) {
                        let actor = actor.clone();
                        self.enter(actor);
                        self.status = Some(Status {
                            error: false,
                            text: self.i18n.t("status.password_changed").into(),
                        });
                    }
                }
                GateEvent::None => {}
                GateEvent::Ignored => self.global_key(&key),
            },
            Phase::Main(session) => {
                if let Some(gate) = &mut session.lock {
                    // Locked: only the password, nothing else, until it is right — and
                    // once failed unlocks lock the account, quitting (asked first).
                    if gate.locked_out && self.keys.is(&key, Action::Quit) {
                        self.quit_asked = Some("confirm.quit_locked");
                        return;
                    }
                    if gate.on_key(&key, &self.keys) == GateEvent::Submit
                        && gate.submit_unlock(
                            &mut self.store,
                            &session.actor,
                            &self.i18n,
                            &self.keys.describe(Action::Quit),
                        )
                    {
                        session.lock = None;
                    }
                    return;
                }
                let actor = session.actor.clone();
                let mut ctx = Ctx {
                    store: &mut self.store,
                    actor: &actor,
                    keys: &self.keys,
                    i18n: &self.i18n,
                    status: None,
                    goto: None,
                };
                let used = session
                    .screen_mut()
                    .is_some_and(|screen| screen.on_key(&key, &mut ctx));
                let goto = ctx.goto;
                if ctx.status.is_some() {
                    self.status = ctx.status;
                }
                if let Some(target) = goto {
                    self.open(target);
                } else if !used {
                    self.global_key(&key);
                }
            }
        }
    }

    fn submit_gate(&mut self) {
        let Phase::Gate(gate) = &mut self.phase else {
            return;
        };
        let actor = match gate.kind {
            GateKind::Setup => gate.submit_setup(&mut self.store, &self.i18n),
            _ => gate.submit_login(&mut self.store, &self.i18n),
        };
        let Some(actor) = actor else { return };
        if actor.must_change_password {
            self.phase = Phase::ChangePassword(Gate::change_password(&self.i18n), actor);
        } else {
            self.enter(actor);
        }
    }

    /// Opens the signed-in application on the home screen.
    fn enter(&mut self, actor: Actor) {
        // An encrypted database is read only from the sign-in on: its idle lock is
        // known now.
        if let Ok(minutes) = self.store.setting_i64("idle_lock.minutes") {
            self.idle_after = Duration::from_secs(u64::try_from(minutes.max(1)).unwrap_or(15) * 60);
        }
        self.phase = Phase::Main(Box::new(Session::new(actor)));
        self.go(ScreenId::Home);
    }

    /// Shows screen `to` and reloads it, or says on the status line why it cannot.
    fn go(&mut self, to: ScreenId) {
        let Phase::Main(session) = &mut self.phase else {
            return;
        };
        let Some(entry) = registry::entry(to) else {
            return;
        };
        if !entry.open_to(session.actor.role) {
            let screen = self.i18n.t(entry.title);
            let text = if entry.roles.contains(&session.actor.role) {
                self.i18n.f("status.screen_not_yet", &[("screen", screen)])
            } else {
                let role = self.i18n.t(role_key(session.actor.role));
                self.i18n.f(
                    "status.screen_not_for_role",
                    &[("screen", screen), ("role", role)],
                )
            };
            self.status = Some(Status { error: true, text });
            return;
        }
        session.current = to;
        self.on_current_screen(|screen, ctx| screen.reload(ctx));
    }

    /// Runs `f` on the current screen with a context of the session; a status it sets
    /// goes to the status line.
    fn on_current_screen(&mut self, f: impl FnOnce(&mut dyn Screen, &mut Ctx<'_>)) {
        let Phase::Main(session) = &mut self.phase else {
            return;
        };
        let actor = session.actor.clone();
        let mut ctx = Ctx {
            store: &mut self.store,
            actor: &actor,
            keys: &self.keys,
            i18n: &self.i18n,
            status: None,
            goto: None,
        };
        if let Some(screen) = session.screen_mut() {
            f(screen, &mut ctx);
        }
        if ctx.status.is_some() {
            self.status = ctx.status;
        }
    }

    /// Shows what `target` is about on the screen the registry names for it.
    fn open(&mut self, target: Target) {
        let to = registry::screen_for(target);
        self.go(to);
        let Phase::Main(session) = &mut self.phase else {
            return;
        };
        if session.current != to {
            return; // refused (the status line says why)
        }
        self.on_current_screen(|screen, ctx| screen.show(target, ctx));
    }

    /// A key no screen used: one of [`App::globals`], which the command bar shows too.
    /// A screen key that is not among them says why on the status line.
    fn global_key(&mut self, key: &KeyEvent) {
        let Some(action) = self.keys.action_in(key, &self.globals()) else {
            self.refuse_screen_key(key);
            return;
        };
        match action {
            Action::Quit => {
                if self.showing_recovery_key() {
                    // The key is stored nowhere: quitting now loses it.
                    self.quit_asked = Some("confirm.quit_recovery");
                } else if self.has_unsaved() {
                    self.quit_asked = Some("confirm.quit");
                } else {
                    self.do_quit();
                }
            }
            Action::Help => self.help = Some(0),
            Action::Lock => self.lock(false),
            Action::Back => self.go(ScreenId::Home),
            other => {
                if let Some(e) = SCREENS.iter().find(|e| e.key == other) {
                    self.go(e.id);
                }
            }
        }
    }

    /// A screen's key that does not work now: under a popup, not for this role, or a
    /// screen still to come.
    fn refuse_screen_key(&mut self, key: &KeyEvent) {
        let Phase::Main(session) = &self.phase else {
            return;
        };
        let Some(entry) = SCREENS.iter().find(|e| self.keys.is(key, e.key)) else {
            return;
        };
        if session.screen().is_some_and(|s| s.modal()) {
            let text = self.i18n.f(
                "status.close_popup_first",
                &[("key", &self.keys.primary(Action::Back))],
            );
            self.status = Some(Status { error: true, text });
        } else {
            self.go(entry.id);
        }
    }

    fn do_quit(&mut self) {
        if let Phase::Main(session) = &self.phase {
            if let Err(e) = self.store.record_logout(&session.actor) {
                tracing::error!("could not audit the sign-out: {e}");
            }
        }
        self.quit = true;
    }

    /// The global actions that work now, after the screen's own: help, the screens the
    /// user may open and back to home — not while a popup is open — then lock and quit.
    fn globals(&self) -> Vec<Action> {
        match &self.phase {
            Phase::Main(s) if s.lock.is_none() => {
                let mut a = vec![Action::Help];
                if !s.screen().is_some_and(|x| x.modal()) {
                    a.extend(
                        SCREENS
                            .iter()
                            .filter(|e| e.open_to(s.actor.role))
                            .map(|e| e.key),
                    );
                    if s.current != ScreenId::Home {
                        a.push(Action::Back);
                    }
                }
                a.extend([Action::Lock, Action::Quit]);
                a
            }
            Phase::Main(s) if s.lock.as_ref().is_some_and(|g| g.locked_out) => {
                vec![Action::Quit]
            }
            Phase::Main(_) => Vec::new(),
            _ => vec![Action::Help, Action::Quit],
        }
    }

    /// A sentence for a store error (for start-up failures shown on the status line).
    pub fn error_text(&self, e: &crate::store::StoreError) -> String {
        store_error_text(e, &self.i18n)
    }
}
