//! Full screens behind one trait. A screen owns its popups and gives them keys first;
//! what it cannot use goes back to the application for the global keys. Screens load
//! their data on [`Screen::reload`] (navigation, after a change), never while drawing.
pub mod admin;
mod admin_forms;
pub mod admin_tools;
pub mod calendar;
pub mod campaigns;
pub mod clients;
pub mod codes;
pub mod gate;
pub mod home;
pub mod products;
pub mod recovery;
pub mod reports;
pub mod team;
pub mod visits;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use crate::domain::csv_import::CsvFileError;
use crate::store::clients_io::FileError;
use crate::store::{Actor, Store, StoreError};
use crate::tui::i18n::I18n;
use crate::tui::keymap::{Action, Keymap};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::Form;

/// Which screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenId {
    /// Home / today.
    Home,
    /// Clients: list, 360 view, forms.
    Clients,
    /// Visits and feedback.
    Visits,
    /// The product catalogue.
    Products,
    /// Calendar: month, week and day views of tasks, plan notes.
    Calendar,
    /// Reports: RM performance, client value, churn warnings.
    Reports,
    /// The manager's desk: team, approvals, hand-over ledger.
    Team,
    /// Marketing campaigns: design, launch, results.
    Campaigns,
    /// User administration.
    Admin,
}

/// Where a screen asks the application to go: the one place that knows which screen
/// shows what (the home list's Enter goes through it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A client's 360 view.
    Client(i64),
    /// A task, opened on its day in the calendar.
    Task {
        /// Task id.
        id: i64,
        /// The day to show.
        date: chrono::NaiveDate,
    },
    /// A complaint or other feedback of a client: its detail on the feedback tab of F4.
    Feedback {
        /// The client.
        client_id: i64,
        /// The feedback item.
        id: i64,
    },
    /// A holding of a client (the client's 360 view, which lists holdings).
    Holding {
        /// The client.
        client_id: i64,
        /// The holding.
        id: i64,
    },
    /// The list a kind of home opens: pending complaints on the feedback tab of F4.
    Complaints,
    /// The list a kind of home opens: the visits of the last 7 days not yet checked.
    VisitsToCheck,
    /// The list a kind of home opens: the Team screen's approvals.
    Approvals,
    /// The list a kind of home opens: the Team screen's RMs.
    Team,
    /// The list a kind of home opens: the churn warnings of F7.
    Churn,
}

/// What a screen may use while handling a key.
pub struct Ctx<'a> {
    /// The database, on behalf of `actor`.
    pub store: &'a mut Store,
    /// The signed-in user.
    pub actor: &'a Actor,
    /// Live key bindings.
    pub keys: &'a Keymap,
    /// Text catalogue.
    pub i18n: &'a I18n,
    /// A message for the status line, set by the screen.
    pub status: Option<Status>,
    /// Another screen to show, asked for by the screen.
    pub goto: Option<Target>,
}

impl Ctx<'_> {
    /// Shows `text` as information.
    pub fn info(&mut self, text: String) {
        self.status = Some(Status { error: false, text });
    }

    /// Shows `text` as an error.
    pub fn error(&mut self, text: String) {
        self.status = Some(Status { error: true, text });
    }
}

/// A line for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// Shown in the error style.
    pub error: bool,
    /// The message.
    pub text: String,
}

/// What drawing needs.
pub struct View<'a> {
    /// Text catalogue.
    pub i18n: &'a I18n,
    /// Styles.
    pub theme: &'a Theme,
    /// Live key bindings.
    pub keys: &'a Keymap,
    /// The time zone dates and times are shown in (the store's clock's).
    pub zone: crate::store::Zone,
}

/// A full screen of the signed-in application. Screens are listed, with their key and
/// who may open them, in `tui::registry`.
pub trait Screen: std::any::Any {
    /// Catalogue key of the screen's title.
    fn title_key(&self) -> &'static str;
    /// Loads what the screen shows. Errors are shown on the status line.
    fn reload(&mut self, ctx: &mut Ctx<'_>);
    /// Handles a key; `false` hands it back for the global keys.
    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool;
    /// Pasted text (into the focused field, if any).
    fn on_paste(&mut self, _text: &str) {}
    /// Draws the screen into `area` from its state.
    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>);
    /// The actions that work now (open popup first), for the command bar and help.
    fn commands(&self) -> Vec<Action>;
    /// Whether background work runs (the event loop then wakes to show its progress).
    fn busy(&self) -> bool {
        false
    }
    /// Takes in background progress; called on every pass of the event loop.
    fn tick(&mut self, _ctx: &mut Ctx<'_>) {}
    /// Whether an open form holds changes not yet saved.
    fn has_unsaved(&self) -> bool {
        false
    }
    /// Whether a popup is open: then only help, lock and quit work beside its keys.
    fn modal(&self) -> bool {
        false
    }
    /// Shows `target` (a record another screen pointed at), closing open popups.
    fn show(&mut self, _target: Target, _ctx: &mut Ctx<'_>) {}
    /// Catalogue key of what `action` does on this screen, when it differs from the
    /// general `help.<action>` (the calendar's export writes .ics, not client CSV).
    fn help_key(&self, _action: Action) -> Option<&'static str> {
        None
    }
}

/// Puts a refused save back on the form: a field error at its field, anything else as
/// a sentence on the status line. The form keeps every value.
pub fn show_store_error(form: &mut Form, err: &StoreError, i18n: &I18n) -> Option<String> {
    match err {
        StoreError::Invalid { field, key, .. } => {
            form.set_error(field, field_message(field, key, i18n));
            None
        }
        StoreError::Fields(errors) => {
            // Last to first, so that focus ends on the first field in error.
            for e in errors.iter().rev() {
                form.set_error(e.field, field_message(e.field, e.key, i18n));
            }
            None
        }
        StoreError::DuplicateId { client_no } => {
            form.set_error(
                "id_number",
                i18n.f("err.id.duplicate", &[("client_no", client_no)]),
            );
            None
        }
        other => Some(store_error_text(other, i18n)),
    }
}

/// The message under field `field` for refusal `key`; a value too long says the
/// field's limit.
fn field_message(field: &str, key: &str, i18n: &I18n) -> String {
    match field_limit(field).filter(|_| key == "err.too_long") {
        Some(max) => i18n.f("err.too_long_max", &[("n", &max.to_string())]),
        None => i18n.t(key).to_string(),
    }
}

/// The most characters field `field` of a record form takes (the domain's limits).
fn field_limit(field: &str) -> Option<usize> {
    use crate::domain::client as c;
    Some(match field {
        "client_no" => c::CLIENT_NO_MAX,
        // A client's and a product's name have the same limit.
        "name" => c::NAME_MAX.max(crate::domain::product::PRODUCT_NAME_MAX),
        "address" => c::ADDRESS_MAX,
        "occupation" | "source" | "contact_person" => c::SHORT_TEXT_MAX,
        "notes" | "description" => c::NOTES_MAX,
        "code" => crate::domain::product::CODE_MAX,
        "override_reason" => crate::store::holdings::OVERRIDE_REASON_MAX,
        _ => return None,
    })
}

/// The catalogue key of a file the system refused to read or write (takes `{path}`).
fn io_error_key(source: &std::io::Error, writing: bool) -> &'static str {
    match source.kind() {
        std::io::ErrorKind::NotFound => "err.io.not_found",
        std::io::ErrorKind::PermissionDenied => "err.io.denied",
        _ if writing => "err.io.write",
        _ => "err.io.read",
    }
}

/// Why a client file was refused as a whole, as a sentence in the user's language (the
/// command line keeps the English of [`FileError`]'s `Display`).
pub fn file_error_text(err: &FileError, i18n: &I18n) -> String {
    match err {
        FileError::Io { path, source } => i18n.f(io_error_key(source, false), &[("path", path)]),
        FileError::Format { source, .. } => csv_error_text(source, i18n),
    }
}

/// What is wrong with a file that is not the client format.
fn csv_error_text(err: &CsvFileError, i18n: &I18n) -> String {
    match err {
        CsvFileError::NotUtf8 { line } | CsvFileError::Syntax { line, .. } => {
            i18n.f(err.key(), &[("line", &line.to_string())])
        }
        CsvFileError::Empty => i18n.t(err.key()).to_string(),
        CsvFileError::Header {
            unknown,
            missing,
            repeated,
        } => {
            let problems: Vec<String> = [
                ("err.csv.header.unknown", unknown),
                ("err.csv.header.missing", missing),
                ("err.csv.header.repeated", repeated),
            ]
            .into_iter()
            .filter(|(_, names)| !names.is_empty())
            .map(|(key, names)| i18n.f(key, &[("names", &names.join(", "))]))
            .collect();
            let problems = problems.join(i18n.t("err.csv.header.sep"));
            i18n.f(err.key(), &[("problems", &problems)])
        }
    }
}

/// A store error as a sentence for the user; the detail goes to the log.
pub fn store_error_text(err: &StoreError, i18n: &I18n) -> String {
    match err {
        StoreError::NotFound => i18n.t("err.not_found").to_string(),
        StoreError::Forbidden => i18n.t("err.forbidden").to_string(),
        StoreError::InvalidCredentials => i18n.t("err.credentials").to_string(),
        StoreError::Invalid { key, .. } => i18n.t(key).to_string(),
        StoreError::Conflict { key, params, .. } => {
            let args: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            i18n.f(key, &args)
        }
        StoreError::Io {
            path,
            writing,
            source,
        } => {
            tracing::error!("file failure: {err}");
            i18n.f(
                io_error_key(source, *writing),
                &[("path", &path.display().to_string())],
            )
        }
        StoreError::Fields(errors) => errors
            .iter()
            .map(|e| i18n.t(e.key))
            .collect::<Vec<_>>()
            .join(" "),
        StoreError::DuplicateId { client_no } => {
            i18n.f("err.id.duplicate", &[("client_no", client_no)])
        }
        StoreError::Damaged => i18n.t("err.damaged").to_string(),
        StoreError::Sqlite(e) => {
            tracing::error!("store failure: {e}");
            i18n.t(crate::store::DbCause::of(e).key()).to_string()
        }
        StoreError::Hash(_) => {
            tracing::error!("store failure: {err}");
            i18n.t("err.database").to_string()
        }
        StoreError::Open(open) => {
            tracing::error!("key or database failure: {err}");
            match open {
                crate::store::OpenError::WrongKey(_) => i18n.t("err.db.wrong_key").to_string(),
                crate::store::OpenError::KeyFileMissing(_) => {
                    i18n.t("err.db.key_missing").to_string()
                }
                _ => i18n.t("err.db.keys").to_string(),
            }
        }
        StoreError::WrongRecoveryKey => i18n.t("err.recovery_key").to_string(),
    }
}

#[cfg(test)]
mod store_error_tests {
    use super::*;
    use crate::tui::i18n::Lang;

    #[test]
    fn conflicts_and_file_errors_are_told_in_the_users_language() {
        let conflict =
            StoreError::conflict("err.conflict.has_users", "this database already has users");
        let en = I18n::new(Lang::En);
        let zh = I18n::new(Lang::ZhCn);
        assert_eq!(
            store_error_text(&conflict, &en),
            "This database already has users."
        );
        assert_eq!(store_error_text(&conflict, &zh), "此数据库已有用户。");

        let path = std::path::Path::new("/nowhere/clients.csv");
        let missing =
            StoreError::write_failed(path, std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!(
            store_error_text(&missing, &zh),
            "/nowhere/clients.csv：文件夹或文件不存在。"
        );
        let denied = StoreError::write_failed(
            path,
            std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        );
        assert_eq!(
            store_error_text(&denied, &en),
            "/nowhere/clients.csv: permission denied; choose another place."
        );
        let other = StoreError::write_failed(path, std::io::Error::other("disk on fire"));
        let text = store_error_text(&other, &zh);
        assert!(text.contains("无法写入 /nowhere/clients.csv"), "{text}");
        assert!(
            !text.contains("disk on fire"),
            "the system's English stays in the log"
        );
        // The command line still gets the English sentence with the system's reason.
        assert!(other
            .to_string()
            .contains("cannot be written: disk on fire"));
    }
}

#[cfg(test)]
mod field_limit_tests {
    use super::*;
    use crate::tui::i18n::Lang;
    use crate::tui::widgets::field::Field;

    #[test]
    fn a_value_too_long_says_the_limit() {
        let i = I18n::new(Lang::En);
        let mut form = Form::new(vec![Field::text("address", "Address", "")]);
        let err = StoreError::invalid("address", "err.too_long", "too long");
        assert_eq!(show_store_error(&mut form, &err, &i), None);
        assert_eq!(
            form.fields[0].error.as_deref(),
            Some("Too long: 200 characters at most.")
        );
        let zh = I18n::new(Lang::ZhCn);
        assert_eq!(
            field_message("address", "err.too_long", &zh),
            "太长：最多 200 个字符。"
        );
    }
}
