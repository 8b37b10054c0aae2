//! Backup and restore: the database's automatic backups (newest first, with what their
//! manifests say) and the last failure of one; `n` takes a backup on its own thread and
//! connection with its progress on screen; `r` restores one, after checking it (each
//! refusal at the file field) and a question that says what will happen.
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, TryRecvError};

use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph, Row, Wrap};
use ratatui::Frame;

use super::{form_key, FormKey};
use crate::store::backup::{self, Manifest, Phase};
use crate::store::restore::{self, RestoreError};
use crate::store::{parse_ts, Actor, Reopen, Zone};
use crate::tui::i18n::I18n;
use crate::tui::keymap::Action;
use crate::tui::screens::{store_error_text, Ctx, Screen, View};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::list_table::{Cursor, ListTable};
use crate::tui::widgets::popup_form::PopupForm;
use crate::tui::widgets::{centered, confirm, popup};

enum Event {
    Phase(Phase),
    Finished(Result<Manifest, String>),
}

/// A backup running on its own thread and connection.
pub struct BackupJob {
    rx: Receiver<Event>,
    /// The file being written.
    pub file: PathBuf,
    /// Where it stands.
    pub phase: Phase,
    /// The outcome, once there is one.
    pub outcome: Option<Result<Manifest, String>>,
}

impl std::fmt::Debug for BackupJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackupJob")
            .field("file", &self.file)
            .field("phase", &self.phase)
            .finish()
    }
}

impl BackupJob {
    /// Starts a backup of the database `db` reopens (on the screen's clock) to `file`.
    pub fn start(db: Reopen, actor: Actor, file: PathBuf) -> BackupJob {
        let (tx, rx) = channel();
        let dest = file.clone();
        std::thread::spawn(move || {
            let outcome = (|| -> Result<Manifest, String> {
                let mut store = db.open().map_err(|e| e.to_string())?;
                let progress = tx.clone();
                store
                    .backup_to(&actor, &dest, &mut |p| {
                        let _ = progress.send(Event::Phase(p));
                    })
                    .map_err(|e| e.to_string())
            })();
            let _ = tx.send(Event::Finished(outcome));
        });
        BackupJob {
            rx,
            file,
            phase: Phase::Copy { done: 0, total: 0 },
            outcome: None,
        }
    }

    /// Takes in what the thread sent; `true` once finished.
    pub fn poll(&mut self) -> bool {
        loop {
            match self.rx.try_recv() {
                Ok(Event::Phase(p)) => self.phase = p,
                Ok(Event::Finished(o)) => self.outcome = Some(o),
                Err(TryRecvError::Empty) => return self.outcome.is_some(),
                Err(TryRecvError::Disconnected) => {
                    if self.outcome.is_none() {
                        self.outcome = Some(Err("the backup stopped".into()));
                    }
                    return true;
                }
            }
        }
    }
}

/// What is open over the list.
#[derive(Debug)]
enum Overlay {
    BackupForm(Box<PopupForm>),
    Running(Box<BackupJob>),
    RestoreForm(Box<PopupForm>),
    /// Restore this file with this password? (and what its manifest says)
    RestoreConfirm(PathBuf, String, String),
}

/// The backup section's state.
#[derive(Debug, Default)]
pub struct BackupView {
    db: PathBuf,
    backups: Vec<(PathBuf, Option<Manifest>)>,
    failure: Option<(String, String)>,
    cursor: Cursor,
    overlay: Option<Overlay>,
}

/// A refusal of a restore as a sentence in the user's language.
pub fn restore_text(e: &RestoreError, i: &I18n) -> String {
    let file = |p: &Path| p.display().to_string();
    match e {
        RestoreError::Missing(p) => i.f("restore.missing", &[("file", &file(p))]),
        RestoreError::NotADatabase(p) => i.f("restore.not_db", &[("file", &file(p))]),
        RestoreError::NotRmdesk(p) => i.f("restore.other", &[("file", &file(p))]),
        RestoreError::TooNew { path, found, .. } => i.f(
            "restore.too_new",
            &[("file", &file(path)), ("v", &found.to_string())],
        ),
        RestoreError::Damaged { path, .. } => i.f("restore.damaged", &[("file", &file(path))]),
        RestoreError::ForeignKeys { path, .. } => i.f("restore.fk", &[("file", &file(path))]),
        RestoreError::Chain { path, .. } => i.f("restore.chain", &[("file", &file(path))]),
        RestoreError::Manifest { path, .. } => i.f("restore.manifest", &[("file", &file(path))]),
        RestoreError::InUse(_) => i.t("restore.in_use").to_string(),
        RestoreError::SignIn { .. } => i.t("restore.sign_in").to_string(),
        RestoreError::Store(e) => store_error_text(e, i),
        other => {
            tracing::error!("restore failed: {other}");
            i.t("restore.failed").to_string()
        }
    }
}

/// One line about a manifest: when, by whom, schema, clients, audit head.
fn manifest_line(m: &Manifest, i: &I18n, zone: Zone) -> String {
    let at = parse_ts(&m.created_at)
        .map(|t| zone.local(t).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| m.created_at.clone());
    i.f(
        "backup.manifest",
        &[
            ("at", &at),
            ("user", &m.user),
            ("v", &m.schema_version.to_string()),
            (
                "clients",
                &m.rows.get("clients").copied().unwrap_or(0).to_string(),
            ),
            ("n", &m.audit_head.entries.to_string()),
        ],
    )
}

impl BackupView {
    /// Opens the backup form with `file` (tests start here).
    pub fn open_backup_form(&mut self, i: &I18n, file: &str) {
        let mut p = PopupForm::new(
            i.t("backup.new").to_string(),
            vec![Field::text("file", i.t("backup.f.file"), file)],
        );
        p.note = Some(i.t("backup.note").to_string());
        p.hide_behind = false;
        self.overlay = Some(Overlay::BackupForm(Box::new(p)));
    }

    /// Opens the restore form with `file` (tests start here).
    pub fn open_restore_form(&mut self, i: &I18n, file: &str) {
        let mut p = PopupForm::new(
            i.t("restore.title").to_string(),
            vec![
                Field::text("file", i.t("backup.f.file"), file),
                Field::secret("password", i.t("restore.f.password")),
            ],
        );
        p.note = Some(i.t("restore.note").to_string());
        p.hide_behind = false;
        self.overlay = Some(Overlay::RestoreForm(Box::new(p)));
    }

    fn default_file(&self, ctx: &Ctx<'_>) -> String {
        let zone = ctx.store.zone();
        let stamp = zone.local(ctx.store.now()).format("%Y%m%d-%H%M");
        let stem = self
            .db
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "rmdesk".into());
        backup::backups_dir(&self.db)
            .join(format!("{stem}-manual-{stamp}.db"))
            .display()
            .to_string()
    }

    fn on_form(
        &mut self,
        step: FormKey,
        mut form: Box<PopupForm>,
        restore: bool,
        ctx: &mut Ctx<'_>,
    ) -> bool {
        let keep = |form| {
            if restore {
                Overlay::RestoreForm(form)
            } else {
                Overlay::BackupForm(form)
            }
        };
        match step {
            FormKey::Open => {
                self.overlay = Some(keep(form));
                true
            }
            FormKey::Ignored => {
                self.overlay = Some(keep(form));
                false
            }
            FormKey::Cancelled => true,
            FormKey::Submit => {
                let file = PathBuf::from(form.form.trimmed("file"));
                if restore {
                    match restore::examine(&file) {
                        Ok(_) => {
                            let about = backup::read_manifest(&file)
                                .map(|m| manifest_line(&m, ctx.i18n, ctx.store.zone()))
                                .unwrap_or_else(|| ctx.i18n.t("backup.no_manifest").to_string());
                            let password = form.value("password").to_string();
                            self.overlay = Some(Overlay::RestoreConfirm(file, password, about));
                        }
                        Err(e) => {
                            form.form.set_error("file", restore_text(&e, ctx.i18n));
                            self.overlay = Some(keep(form));
                        }
                    }
                } else {
                    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
                        let _ = std::fs::create_dir_all(dir);
                    }
                    let job = BackupJob::start(ctx.store.reopener(), ctx.actor.clone(), file);
                    self.overlay = Some(Overlay::Running(Box::new(job)));
                }
                true
            }
        }
    }
}

impl Screen for BackupView {
    fn title_key(&self) -> &'static str {
        "admin.section.backup"
    }

    fn reload(&mut self, ctx: &mut Ctx<'_>) {
        self.db = ctx.store.path().to_path_buf();
        let mut all = backup::auto_backups(&self.db);
        if let Ok(entries) = std::fs::read_dir(backup::backups_dir(&self.db)) {
            for e in entries.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "db") && !all.contains(&p) {
                    all.push(p);
                }
            }
        }
        all.sort();
        all.reverse();
        self.backups = all
            .into_iter()
            .map(|p| {
                let m = backup::read_manifest(&p);
                (p, m)
            })
            .collect();
        self.cursor.clamp(self.backups.len());
        self.failure = ctx.store.last_auto_backup_failure().ok().flatten();
    }

    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        let k = ctx.keys;
        match self.overlay.take() {
            Some(Overlay::BackupForm(mut form)) => {
                let step = form_key(&mut form, key, ctx.keys);
                self.on_form(step, form, false, ctx)
            }
            Some(Overlay::RestoreForm(mut form)) => {
                let step = form_key(&mut form, key, ctx.keys);
                self.on_form(step, form, true, ctx)
            }
            Some(Overlay::Running(job)) => {
                // Keys wait while the backup runs; Esc closes the result.
                if job.outcome.is_some() && (k.is(key, Action::Back) || k.is(key, Action::Open)) {
                    self.reload(ctx);
                } else {
                    self.overlay = Some(Overlay::Running(job));
                }
                true
            }
            Some(Overlay::RestoreConfirm(file, password, about)) => {
                if k.is(key, Action::Yes) {
                    match ctx.store.restore_here(ctx.actor, &file, &password) {
                        Ok(done) => {
                            // Beside the database: its name says enough.
                            let kept = done
                                .kept
                                .and_then(|p| {
                                    p.file_name().map(|n| n.to_string_lossy().into_owned())
                                })
                                .unwrap_or_default();
                            ctx.info(
                                ctx.i18n.f(
                                    "restore.done",
                                    &[
                                        (
                                            "file",
                                            &file
                                                .file_name()
                                                .map(|n| n.to_string_lossy().into_owned())
                                                .unwrap_or_default(),
                                        ),
                                        ("kept", &kept),
                                    ],
                                ),
                            );
                        }
                        Err(e) => ctx.error(restore_text(&e, ctx.i18n)),
                    }
                    self.reload(ctx);
                } else if !(k.is(key, Action::No) || k.is(key, Action::Back)) {
                    self.overlay = Some(Overlay::RestoreConfirm(file, password, about));
                    return false;
                }
                true
            }
            None => {
                let len = self.backups.len();
                if k.is(key, Action::Down) {
                    self.cursor.step(1, len);
                } else if k.is(key, Action::Up) {
                    self.cursor.step(-1, len);
                } else if k.is(key, Action::New) {
                    let file = self.default_file(ctx);
                    self.open_backup_form(ctx.i18n, &file);
                } else if k.is(key, Action::Restore) {
                    let file = self
                        .backups
                        .get(self.cursor.selected)
                        .map(|(p, _)| p.display().to_string())
                        .unwrap_or_default();
                    self.open_restore_form(ctx.i18n, &file);
                } else {
                    return false;
                }
                true
            }
        }
    }

    fn on_paste(&mut self, text: &str) {
        match &mut self.overlay {
            Some(Overlay::BackupForm(f)) | Some(Overlay::RestoreForm(f)) => f.paste(text),
            _ => {}
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let [top, list_area] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(3)]).areas(area);
        let mut lines = vec![Line::from(Span::styled(
            i.f("backup.database", &[("db", &self.db.display().to_string())]),
            v.theme.dim,
        ))];
        lines.push(match &self.failure {
            Some((at, reason)) => Line::from(Span::styled(
                i.f(
                    "admin.backup.auto_failed",
                    &[("at", at), ("reason", reason)],
                ),
                v.theme.error,
            )),
            None => Line::from(Span::styled(i.t("backup.auto_note"), v.theme.dim)),
        });
        f.render_widget(Paragraph::new(lines), top);
        let rows: Vec<Row> = self
            .backups
            .iter()
            .map(|(p, m)| {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let about = m
                    .as_ref()
                    .map(|m| manifest_line(m, i, v.zone))
                    .unwrap_or_else(|| i.t("backup.no_manifest").to_string());
                Row::new(vec![Line::from(name), Line::from(about)])
            })
            .collect();
        ListTable {
            title: i.f("backup.title", &[("n", &self.backups.len().to_string())]),
            header: vec![i.t("backup.c.file").into(), i.t("backup.c.manifest").into()],
            widths: vec![Constraint::Length(30), Constraint::Min(20)],
            rows,
            empty: i.t("backup.empty"),
        }
        .draw(f, list_area, &self.cursor, v);

        match &self.overlay {
            Some(Overlay::BackupForm(p)) | Some(Overlay::RestoreForm(p)) => p.draw(f, area, v),
            Some(Overlay::Running(job)) => draw_job(f, area, job, v),
            Some(Overlay::RestoreConfirm(file, _, about)) => confirm(
                f,
                area,
                i.t("restore.title"),
                &i.f(
                    "restore.confirm",
                    &[("file", &file.display().to_string()), ("about", about)],
                ),
                v.keys,
                i,
                v.theme,
            ),
            None => {}
        }
    }

    fn commands(&self) -> Vec<Action> {
        match &self.overlay {
            Some(Overlay::BackupForm(p)) | Some(Overlay::RestoreForm(p)) => p.commands(),
            Some(Overlay::Running(_)) => vec![Action::Back],
            Some(Overlay::RestoreConfirm(..)) => vec![Action::Yes, Action::No],
            None => vec![
                Action::NextTab,
                Action::New,
                Action::Restore,
                Action::Up,
                Action::Down,
            ],
        }
    }

    fn busy(&self) -> bool {
        matches!(&self.overlay, Some(Overlay::Running(j)) if j.outcome.is_none())
    }

    fn tick(&mut self, _ctx: &mut Ctx<'_>) {
        if let Some(Overlay::Running(job)) = &mut self.overlay {
            job.poll();
        }
    }

    fn has_unsaved(&self) -> bool {
        false
    }

    fn modal(&self) -> bool {
        self.overlay.is_some()
    }
}

/// The running backup's progress, or its outcome.
fn draw_job(f: &mut Frame, area: Rect, job: &BackupJob, v: &View<'_>) {
    let i = v.i18n;
    let rect = centered(area, area.width.min(70), 8);
    let inner = popup(f, rect, i.t("backup.new"), v.theme);
    let [l1, l2, l3] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(Rect::new(
        inner.x + 1,
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    ));
    let file = job.file.display().to_string();
    let (text, ratio) = match (&job.outcome, job.phase) {
        (Some(Ok(m)), _) => (
            i.f(
                "backup.done",
                &[
                    ("file", &file),
                    ("mb", &format!("{:.1}", m.bytes as f64 / 1e6)),
                    ("n", &m.audit_head.entries.to_string()),
                ],
            ),
            1.0,
        ),
        (Some(Err(e)), _) => (i.f("backup.failed", &[("reason", e)]), 0.0),
        (None, Phase::Copy { done, total }) => (
            i.f("backup.copying", &[("file", &file)]),
            if total == 0 {
                0.0
            } else {
                done as f64 / total as f64
            },
        ),
        (None, Phase::Check) => (i.t("backup.checking").to_string(), 1.0),
        (None, Phase::Finish) => (i.t("backup.finishing").to_string(), 1.0),
    };
    let style = if matches!(job.outcome, Some(Err(_))) {
        v.theme.error
    } else {
        v.theme.base
    };
    f.render_widget(
        Paragraph::new(Span::styled(text, style)).wrap(Wrap { trim: true }),
        l1,
    );
    f.render_widget(
        Gauge::default()
            .gauge_style(v.theme.selected)
            .ratio(ratio.clamp(0.0, 1.0)),
        l2,
    );
    if job.outcome.is_some() {
        f.render_widget(
            Paragraph::new(Span::styled(
                format!("{} {}", v.keys.primary(Action::Back), i.t("action.back")),
                v.theme.dim,
            )),
            l3,
        );
    }
}
