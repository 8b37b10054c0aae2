//! Backup and restore: the database's automatic backups (newest first, with what their
//! manifests say) and the last failure of one; `n` takes a backup on its own thread and
//! connection with its progress on screen; `r` restores one: the file's header is checked
//! at the file field, a question says what will happen, and the restore runs on its own
//! thread with its progress (every check of the file, its copy, the replacement), each
//! refusal in its own sentence. Every popup is on the tool's popup stack.
use std::path::{Path, PathBuf};

use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row};
use ratatui::Frame;

use super::job::JobPopup;
use super::ToolForm;
use crate::store::backup::{self, Manifest};
use crate::store::restore::{self, RestoreError};
use crate::store::{parse_ts, Zone};
use crate::tui::i18n::I18n;
use crate::tui::keymap::Action;
use crate::tui::popup::{Question, Stack, Step};
use crate::tui::screens::{store_error_text, Ctx, Screen, View};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::list_table::{Cursor, ListTable};
use crate::tui::widgets::popup_form::PopupForm;

/// What the backup section's popups report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    /// Take a backup to this file.
    Backup(PathBuf),
    /// The restore form's file passed the header checks: ask before restoring it with
    /// this password.
    Ask(PathBuf, String),
    /// Yes to restoring this file, signed in to it with this password.
    Restore(PathBuf, String),
    /// A backup or restore ended (the list and the database may have changed).
    Ended,
}

/// The backup section's state.
#[derive(Debug, Default)]
pub struct BackupView {
    db: PathBuf,
    backups: Vec<(PathBuf, Option<Manifest>)>,
    failure: Option<(String, String)>,
    cursor: Cursor,
    popups: Stack<Done>,
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
        self.popups.push(ToolForm::new(p, |form, _| {
            Step::Done(Done::Backup(PathBuf::from(form.form.trimmed("file"))))
        }));
    }

    /// Opens the restore form with `file` (tests start here). Saving it checks the
    /// file's header (a refusal at the file field) and asks the question.
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
        self.popups.push(ToolForm::new(p, |form, ctx| {
            let file = PathBuf::from(form.form.trimmed("file"));
            match restore::preflight(&file) {
                Ok(()) => {
                    let password = form.value("password").to_string();
                    Step::Done(Done::Ask(file, password))
                }
                Err(e) => {
                    form.form.set_error("file", restore_text(&e, ctx.i18n));
                    Step::Open
                }
            }
        }));
    }

    /// The question before a restore: what the file's manifest says, what will happen.
    fn ask_restore(&mut self, file: PathBuf, password: String, ctx: &Ctx<'_>) {
        let i = ctx.i18n;
        let about = backup::read_manifest(&file)
            .map(|m| manifest_line(&m, i, ctx.store.zone()))
            .unwrap_or_else(|| i.t("backup.no_manifest").to_string());
        let text = i.f(
            "restore.confirm",
            &[("file", &file.display().to_string()), ("about", &about)],
        );
        let title = i.t("restore.title").to_string();
        self.popups
            .push(Question::new(title, text, Done::Restore(file, password)));
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

    /// Acts on what a popup reported.
    fn on_done(&mut self, done: Done, ctx: &mut Ctx<'_>) {
        match done {
            Done::Backup(file) => {
                if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
                    let _ = std::fs::create_dir_all(dir);
                }
                let job = JobPopup::backup(ctx.store.reopener(), ctx.actor.clone(), file);
                self.popups.push(job);
            }
            Done::Ask(file, password) => self.ask_restore(file, password, ctx),
            Done::Restore(file, password) => match ctx.store.release_for_restore(ctx.actor) {
                Ok(restoring) => self
                    .popups
                    .push(JobPopup::restore(restoring, file, password)),
                Err(e) => ctx.error(restore_text(&e, ctx.i18n)),
            },
            Done::Ended => self.reload(ctx),
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
        match self.popups.on_key(key, ctx) {
            Some(Step::Done(done)) | Some(Step::Report(done)) => {
                self.on_done(done, ctx);
                return true;
            }
            Some(step) => return step.used(),
            None => {}
        }
        let k = ctx.keys;
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

    fn on_paste(&mut self, text: &str) {
        self.popups.paste(text);
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

        self.popups.draw(f, area, v);
    }

    fn commands(&self) -> Vec<Action> {
        self.popups.commands().unwrap_or_else(|| {
            vec![
                Action::NextTab,
                Action::New,
                Action::Restore,
                Action::Up,
                Action::Down,
            ]
        })
    }

    fn busy(&self) -> bool {
        self.popups.busy()
    }

    fn tick(&mut self, ctx: &mut Ctx<'_>) {
        for step in self.popups.tick(ctx) {
            if let Step::Report(done) | Step::Done(done) = step {
                self.on_done(done, ctx);
            }
        }
    }

    fn has_unsaved(&self) -> bool {
        self.popups.is_dirty()
    }

    fn modal(&self) -> bool {
        !self.popups.is_empty()
    }
}
