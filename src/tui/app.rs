//! The application state machine: which gate or screen is showing, who is signed in,
//! and the path of every key. A key goes to the open overlay (help, quit question), then
//! the lock screen when locked, then the screen (whose popup and focused field see it
//! first), and only when nobody used it to the global keys. The app draws on any
//! ratatui backend, so tests drive it with `TestBackend` exactly as a terminal would.
use std::time::{Duration, Instant};

use crossterm::event::{KeyEvent, KeyEventKind};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::i18n::I18n;
use super::keymap::{Action, Keymap};
use super::screens::admin::Admin;
use super::screens::calendar::Calendar;
use super::screens::clients::Clients;
use super::screens::gate::{Gate, GateEvent, GateKind};
use super::screens::home::{role_key, Home};
use super::screens::products::Products;
use super::screens::visits::Visits;
use super::screens::{store_error_text, Ctx, Screen, ScreenId, Status, Target, View};
use super::theme::Theme;
use super::widgets::{command_bar, confirm, help};
use crate::store::{Actor, Role, Store};

/// Smallest area the application draws into; below it a short notice is shown.
const MIN_WIDTH: u16 = 20;
const MIN_HEIGHT: u16 = 6;

/// A signed-in user's screens.
struct Session {
    actor: Actor,
    current: ScreenId,
    home: Home,
    clients: Clients,
    visits: Visits,
    products: Products,
    calendar: Calendar,
    admin: Admin,
    /// The lock screen, while locked. The screens behind it keep their state.
    lock: Option<Gate>,
}

impl Session {
    fn screen(&self) -> &dyn Screen {
        match self.current {
            ScreenId::Home => &self.home,
            ScreenId::Clients => &self.clients,
            ScreenId::Visits => &self.visits,
            ScreenId::Products => &self.products,
            ScreenId::Calendar => &self.calendar,
            ScreenId::Admin => &self.admin,
        }
    }

    fn screen_mut(&mut self) -> &mut dyn Screen {
        match self.current {
            ScreenId::Home => &mut self.home,
            ScreenId::Clients => &mut self.clients,
            ScreenId::Visits => &mut self.visits,
            ScreenId::Products => &mut self.products,
            ScreenId::Calendar => &mut self.calendar,
            ScreenId::Admin => &mut self.admin,
        }
    }
}

enum Phase {
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
    quit_asked: bool,
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
            quit_asked: false,
            quit: false,
            status: None,
            idle_after: Duration::from_secs(u64::try_from(minutes).unwrap_or(15) * 60),
            last_activity: Instant::now(),
        })
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
        match &self.phase {
            Phase::Main(s) => Some(s.clients.rows_in_memory()),
            _ => None,
        }
    }

    /// Whether the current screen has unsaved changes (a form with something typed).
    pub fn has_unsaved(&self) -> bool {
        match &self.phase {
            Phase::Main(s) => s.screen().has_unsaved(),
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
            Phase::Main(s) => s.clients.busy(),
            _ => false,
        }
    }

    /// Takes in background progress (every pass of the event loop). The clients screen
    /// keeps its job while other screens show, so it is asked whatever is current.
    pub fn tick(&mut self) {
        let Phase::Main(session) = &mut self.phase else {
            return;
        };
        if !session.clients.busy() {
            return;
        }
        let mut ctx = Ctx {
            store: &mut self.store,
            actor: &session.actor,
            keys: &self.keys,
            i18n: &self.i18n,
            status: None,
            goto: None,
        };
        session.clients.tick(&mut ctx);
        if ctx.status.is_some() {
            self.status = ctx.status;
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
        self.quit_asked = false;
        self.status = None;
    }

    /// Pasted text goes to the focused field.
    pub fn on_paste(&mut self, text: &str) {
        self.last_activity = Instant::now();
        match &mut self.phase {
            Phase::Gate(g) | Phase::ChangePassword(g, _) => g.form.paste(text),
            Phase::Main(s) => match &mut s.lock {
                Some(g) => g.form.paste(text),
                None => s.screen_mut().on_paste(text),
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
        if self.quit_asked {
            if self.keys.is(&key, Action::Yes) {
                self.do_quit();
            } else if self.keys.is(&key, Action::No) || self.keys.is(&key, Action::Back) {
                self.quit_asked = false;
            }
            return;
        }
        match &mut self.phase {
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
                    // Locked: only the password, nothing else, until it is right.
                    if gate.on_key(&key, &self.keys) == GateEvent::Submit
                        && gate.submit_unlock(&mut self.store, &session.actor, &self.i18n)
                    {
                        session.lock = None;
                    }
                    return;
                }
                let mut ctx = Ctx {
                    store: &mut self.store,
                    actor: &session.actor,
                    keys: &self.keys,
                    i18n: &self.i18n,
                    status: None,
                    goto: None,
                };
                let used = match session.current {
                    ScreenId::Home => session.home.on_key(&key, &mut ctx),
                    ScreenId::Clients => session.clients.on_key(&key, &mut ctx),
                    ScreenId::Visits => session.visits.on_key(&key, &mut ctx),
                    ScreenId::Products => session.products.on_key(&key, &mut ctx),
                    ScreenId::Calendar => session.calendar.on_key(&key, &mut ctx),
                    ScreenId::Admin => session.admin.on_key(&key, &mut ctx),
                };
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
        let session = Session {
            actor,
            current: ScreenId::Home,
            home: Home::default(),
            clients: Clients::default(),
            visits: Visits::default(),
            products: Products::default(),
            calendar: Calendar::default(),
            admin: Admin::default(),
            lock: None,
        };
        self.phase = Phase::Main(Box::new(session));
        self.go(ScreenId::Home);
    }

    fn go(&mut self, to: ScreenId) {
        let Phase::Main(session) = &mut self.phase else {
            return;
        };
        // Administrators see no client data; everyone else has no administration.
        let allowed = match to {
            ScreenId::Home => true,
            ScreenId::Clients | ScreenId::Visits | ScreenId::Calendar => {
                session.actor.role != Role::Admin
            }
            // Everyone reads the catalogue; administrators maintain it.
            ScreenId::Products => true,
            ScreenId::Admin => session.actor.role == Role::Admin,
        };
        if !allowed {
            self.status = Some(Status {
                error: true,
                text: self.i18n.t("err.forbidden").into(),
            });
            return;
        }
        session.current = to;
        let mut ctx = Ctx {
            store: &mut self.store,
            actor: &session.actor,
            keys: &self.keys,
            i18n: &self.i18n,
            status: None,
            goto: None,
        };
        match to {
            ScreenId::Home => session.home.reload(&mut ctx),
            ScreenId::Clients => session.clients.reload(&mut ctx),
            ScreenId::Visits => session.visits.reload(&mut ctx),
            ScreenId::Products => session.products.reload(&mut ctx),
            ScreenId::Calendar => session.calendar.reload(&mut ctx),
            ScreenId::Admin => session.admin.reload(&mut ctx),
        }
        if ctx.status.is_some() {
            self.status = ctx.status;
        }
    }

    /// Shows what `target` is about: a client's 360 view (also for a holding), a task on
    /// its day in the calendar, a complaint on the feedback tab of F4.
    fn open(&mut self, target: Target) {
        let screen = match target {
            Target::Task { .. } => ScreenId::Calendar,
            Target::Feedback { .. } => ScreenId::Visits,
            Target::Client(_) | Target::Holding { .. } => ScreenId::Clients,
        };
        self.go(screen);
        let Phase::Main(session) = &mut self.phase else {
            return;
        };
        if session.current != screen {
            return; // refused (the status line says why)
        }
        let mut ctx = Ctx {
            store: &mut self.store,
            actor: &session.actor,
            keys: &self.keys,
            i18n: &self.i18n,
            status: None,
            goto: None,
        };
        match target {
            Target::Task { id, date } => session.calendar.show_task(id, date, &mut ctx),
            Target::Feedback { id, .. } => session.visits.show_feedback(id, &mut ctx),
            Target::Client(client_id) | Target::Holding { client_id, .. } => {
                session.clients.show_client(client_id, &mut ctx)
            }
        }
        if ctx.status.is_some() {
            self.status = ctx.status;
        }
    }

    fn global_key(&mut self, key: &KeyEvent) {
        let k = &self.keys;
        if k.is(key, Action::Quit) {
            let unsaved = match &self.phase {
                Phase::Main(s) => s.screen().has_unsaved(),
                _ => false,
            };
            if unsaved {
                self.quit_asked = true;
            } else {
                self.do_quit();
            }
        } else if k.is(key, Action::Help) {
            self.help = Some(0);
        } else if let Phase::Main(session) = &self.phase {
            let current = session.current;
            if k.is(key, Action::Lock) {
                self.lock(false);
            } else if k.is(key, Action::Home) {
                self.go(ScreenId::Home);
            } else if k.is(key, Action::Clients) {
                self.go(ScreenId::Clients);
            } else if k.is(key, Action::Visits) {
                self.go(ScreenId::Visits);
            } else if k.is(key, Action::Products) {
                self.go(ScreenId::Products);
            } else if k.is(key, Action::Calendar) {
                self.go(ScreenId::Calendar);
            } else if k.is(key, Action::Admin) {
                self.go(ScreenId::Admin);
            } else if k.is(key, Action::Back) && current != ScreenId::Home {
                self.go(ScreenId::Home);
            }
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

    /// The global actions that work now, after the screen's own.
    fn globals(&self) -> Vec<Action> {
        match &self.phase {
            Phase::Main(s) if s.lock.is_none() => {
                let mut a = vec![Action::Help, Action::Home];
                if s.actor.role != Role::Admin {
                    a.extend([Action::Clients, Action::Visits]);
                }
                a.push(Action::Products);
                if s.actor.role == Role::Admin {
                    a.push(Action::Admin);
                } else {
                    a.push(Action::Calendar);
                }
                if s.current != ScreenId::Home {
                    a.push(Action::Back);
                }
                a.extend([Action::Lock, Action::Quit]);
                a
            }
            Phase::Main(_) => Vec::new(),
            _ => vec![Action::Help, Action::Quit],
        }
    }

    /// Everything that works now: the overlay's, else the screen's and the globals.
    pub fn commands(&self) -> Vec<Action> {
        if self.help.is_some() {
            return vec![Action::Back, Action::Up, Action::Down];
        }
        if self.quit_asked {
            return vec![Action::Yes, Action::No];
        }
        let mut own = match &self.phase {
            Phase::Gate(g) | Phase::ChangePassword(g, _) => g.commands(),
            Phase::Main(s) => match &s.lock {
                Some(g) => g.commands(),
                None => s.screen().commands(),
            },
        };
        for a in self.globals() {
            if !own.contains(&a) {
                own.push(a);
            }
        }
        own
    }

    /// The command bar's share of [`App::commands`]: help first, so the way to every key
    /// always shows, and the obvious movement keys left to the help.
    fn bar_actions(&self) -> Vec<Action> {
        let movement = [
            Action::Left,
            Action::Right,
            Action::Up,
            Action::Down,
            Action::PageUp,
            Action::PageDown,
            Action::First,
            Action::Last,
            Action::PrevField,
        ];
        let all = self.commands();
        let mut bar: Vec<Action> = all.iter().copied().filter(|a| *a == Action::Help).collect();
        bar.extend(
            all.into_iter()
                .filter(|a| *a != Action::Help && !movement.contains(a)),
        );
        bar
    }

    /// Draws the whole screen from state.
    pub fn draw(&self, f: &mut Frame) {
        let area = f.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            f.render_widget(Paragraph::new(self.i18n.t("app.too_small")), area);
            return;
        }
        let v = View {
            i18n: &self.i18n,
            theme: &self.theme,
            keys: &self.keys,
            zone: self.store.zone(),
        };
        let [top, body, status, bar] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        self.draw_top(f, top);
        match &self.phase {
            Phase::Gate(g) | Phase::ChangePassword(g, _) => g.draw(f, body, &v),
            Phase::Main(s) => match &s.lock {
                // The lock screen shows nothing of what is behind it.
                Some(g) => g.draw(f, body, &v),
                None => s.screen().draw(f, body, &v),
            },
        }
        if let Some(st) = &self.status {
            let style = if st.error {
                self.theme.error
            } else {
                self.theme.ok
            };
            f.render_widget(
                Paragraph::new(Span::styled(st.text.as_str(), style)),
                status,
            );
        }
        command_bar(
            f,
            bar,
            &self.bar_actions(),
            &self.keys,
            &self.i18n,
            &self.theme,
        );
        if let Some(scroll) = self.help {
            let mut all = match &self.phase {
                Phase::Gate(g) | Phase::ChangePassword(g, _) => g.commands(),
                Phase::Main(s) => s.screen().commands(),
            };
            for a in self.globals() {
                if !all.contains(&a) {
                    all.push(a);
                }
            }
            help(f, body, &all, scroll, &self.keys, &self.i18n, &self.theme);
        }
        if self.quit_asked {
            let i = &self.i18n;
            confirm(
                f,
                body,
                i.t("confirm.title"),
                i.t("confirm.quit"),
                &self.keys,
                i,
                &self.theme,
            );
        }
    }

    fn draw_top(&self, f: &mut Frame, area: Rect) {
        let title = match &self.phase {
            Phase::Main(s) if s.lock.is_none() => {
                format!(" rmdesk · {}", self.i18n.t(s.screen().title_key()))
            }
            _ => " rmdesk".to_string(),
        };
        let right = match &self.phase {
            Phase::Main(s) if s.lock.is_none() => {
                format!(
                    "{} ({}) ",
                    s.actor.display_name,
                    self.i18n.t(role_key(s.actor.role))
                )
            }
            _ => String::new(),
        };
        let width = usize::from(area.width);
        let used = unicode_width::UnicodeWidthStr::width(title.as_str())
            + unicode_width::UnicodeWidthStr::width(right.as_str());
        let pad = " ".repeat(width.saturating_sub(used));
        let line = Line::from(vec![Span::raw(title), Span::raw(pad), Span::raw(right)]);
        f.render_widget(Paragraph::new(line).style(self.theme.bar), area);
    }

    /// A sentence for a store error (for start-up failures shown on the status line).
    pub fn error_text(&self, e: &crate::store::StoreError) -> String {
        store_error_text(e, &self.i18n)
    }
}
