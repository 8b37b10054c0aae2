//! Keys as named actions: one table of defaults (product.md, "Keys"), partial overrides
//! from `keymap.toml` in the config directory. Screens ask [`Keymap::is`] whether a key is
//! an action; the command bar and the help are built from the same table, so what they
//! show is what works.
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Something the user can ask for with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Help for this screen.
    Help,
    /// Go to the home screen.
    Home,
    /// Go to the clients (RMs and managers).
    Clients,
    /// Go to visits and feedback.
    Visits,
    /// Go to user administration (admins).
    Admin,
    /// Go to the product catalogue.
    Products,
    /// Lock the screen now.
    Lock,
    /// Quit the application.
    Quit,
    /// Back, or cancel the open form or dialog.
    Back,
    /// Search the current list.
    Search,
    /// Create a new record.
    New,
    /// Edit the selected record.
    Edit,
    /// Open the selected record.
    Open,
    /// Submit a sign-in or confirmation form.
    Submit,
    /// Next form field.
    NextField,
    /// Previous form field.
    PrevField,
    /// Save the form.
    Save,
    /// Move the selection up.
    Up,
    /// Move the selection down.
    Down,
    /// One page up.
    PageUp,
    /// One page down.
    PageDown,
    /// To the first row.
    First,
    /// To the last row.
    Last,
    /// Set a new password for the selected user.
    ResetPassword,
    /// Clear the selected user's lockout.
    UnlockUser,
    /// Disable or re-enable the selected user.
    ToggleDisabled,
    /// Create a new branch.
    NewBranch,
    /// Show the masked personal data of the open client (audited).
    Reveal,
    /// Sort the list by the next column.
    Sort,
    /// Reverse the sort order.
    SortReverse,
    /// Choose the filters of the list.
    Filter,
    /// Save although possible duplicates were found.
    SaveAnyway,
    /// Import records from a file.
    Import,
    /// Export records to a file.
    Export,
    /// Record a visit to the open client.
    RecordVisit,
    /// File feedback (complaint, suggestion, praise) about the open client.
    FileFeedback,
    /// Record a manager's return call on the selected visit.
    ReturnCall,
    /// Switch to the screen's next tab.
    NextTab,
    /// The open client's holdings and suitable products.
    Holdings,
    /// Record a holding (of the open product for the selected client, or for the open client).
    AddHolding,
    /// Close the selected product or holding.
    CloseRecord,
    /// Go to the calendar.
    Calendar,
    /// Move the calendar's selection one day back.
    Left,
    /// Move the calendar's selection one day on.
    Right,
    /// Back to today in the calendar.
    Today,
    /// Mark the selected task done.
    Done,
    /// Switch between the month, week and day views.
    CycleView,
    /// Move focus between the calendar and its list of tasks.
    SwitchPane,
    /// Edit the month's plan note.
    PlanNote,
    /// Edit the week's goal note.
    WeekGoal,
    /// Show another user's calendar (managers: the branch's RMs, read-only).
    Owner,
    /// Hand the selected RM's clients, or the marked clients, over to other RMs.
    HandOver,
    /// Give the selected RM of the branch a task.
    GiveTask,
    /// Mark or unmark the selected row (for a hand-over).
    Mark,
    /// Mark every row shown.
    MarkAll,
    /// Ask a manager to approve something about the open client (or a take-over).
    Request,
    /// Close the open client (archived, with a reason).
    CloseClient,
    /// Answer yes in a dialog.
    Yes,
    /// Answer no in a dialog.
    No,
}

/// Default bindings, in the order help lists them.
const DEFAULTS: &[(Action, &[&str])] = &[
    (Action::Help, &["f1", "?"]),
    (Action::Home, &["f2"]),
    (Action::Clients, &["f3"]),
    (Action::Visits, &["f4"]),
    (Action::Admin, &["f8"]),
    (Action::Products, &["f5"]),
    (Action::Lock, &["ctrl-l"]),
    (Action::Quit, &["ctrl-q"]),
    (Action::Back, &["esc"]),
    (Action::Search, &["/"]),
    (Action::New, &["n"]),
    (Action::Edit, &["e"]),
    (Action::Open, &["enter"]),
    (Action::Submit, &["enter"]),
    (Action::NextField, &["tab"]),
    (Action::PrevField, &["shift-tab"]),
    (Action::Save, &["ctrl-s"]),
    (Action::Up, &["up", "k"]),
    (Action::Down, &["down", "j"]),
    (Action::PageUp, &["pageup"]),
    (Action::PageDown, &["pagedown"]),
    (Action::First, &["home", "g"]),
    (Action::Last, &["end", "G"]),
    (Action::ResetPassword, &["p"]),
    (Action::UnlockUser, &["u"]),
    (Action::ToggleDisabled, &["d"]),
    (Action::NewBranch, &["b"]),
    (Action::Reveal, &["r"]),
    (Action::Sort, &["s"]),
    (Action::SortReverse, &["S"]),
    (Action::Filter, &["f"]),
    (Action::SaveAnyway, &["ctrl-s"]),
    (Action::Import, &["i"]),
    (Action::Export, &["x"]),
    (Action::RecordVisit, &["v"]),
    (Action::FileFeedback, &["c"]),
    (Action::ReturnCall, &["c"]),
    (Action::NextTab, &["tab"]),
    (Action::Holdings, &["h"]),
    (Action::AddHolding, &["a"]),
    (Action::CloseRecord, &["c"]),
    (Action::Calendar, &["f6"]),
    (Action::Left, &["left"]),
    (Action::Right, &["right"]),
    (Action::Today, &["t"]),
    (Action::Done, &["d"]),
    (Action::CycleView, &["v"]),
    (Action::SwitchPane, &["tab"]),
    (Action::PlanNote, &["p"]),
    (Action::WeekGoal, &["w"]),
    (Action::Owner, &["o"]),
    (Action::HandOver, &["h"]),
    (Action::GiveTask, &["t"]),
    (Action::Mark, &["space"]),
    (Action::MarkAll, &["a"]),
    (Action::Request, &["R"]),
    (Action::CloseClient, &["X"]),
    (Action::Yes, &["y"]),
    (Action::No, &["n"]),
];

impl Action {
    /// Every action, in the order of the defaults table.
    pub fn all() -> impl Iterator<Item = Action> {
        DEFAULTS.iter().map(|(a, _)| *a)
    }

    /// The name used in `keymap.toml` (snake case).
    pub fn name(self) -> &'static str {
        match self {
            Action::Help => "help",
            Action::Home => "home",
            Action::Clients => "clients",
            Action::Visits => "visits",
            Action::Admin => "admin",
            Action::Products => "products",
            Action::Lock => "lock",
            Action::Quit => "quit",
            Action::Back => "back",
            Action::Search => "search",
            Action::New => "new",
            Action::Edit => "edit",
            Action::Open => "open",
            Action::Submit => "submit",
            Action::NextField => "next_field",
            Action::PrevField => "prev_field",
            Action::Save => "save",
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::First => "first",
            Action::Last => "last",
            Action::ResetPassword => "reset_password",
            Action::UnlockUser => "unlock_user",
            Action::ToggleDisabled => "toggle_disabled",
            Action::NewBranch => "new_branch",
            Action::Reveal => "reveal",
            Action::Sort => "sort",
            Action::SortReverse => "sort_reverse",
            Action::Filter => "filter",
            Action::SaveAnyway => "save_anyway",
            Action::Import => "import",
            Action::Export => "export",
            Action::RecordVisit => "record_visit",
            Action::FileFeedback => "file_feedback",
            Action::ReturnCall => "return_call",
            Action::NextTab => "next_tab",
            Action::Holdings => "holdings",
            Action::AddHolding => "add_holding",
            Action::CloseRecord => "close_record",
            Action::Calendar => "calendar",
            Action::Left => "left",
            Action::Right => "right",
            Action::Today => "today",
            Action::Done => "done",
            Action::CycleView => "cycle_view",
            Action::SwitchPane => "switch_pane",
            Action::PlanNote => "plan_note",
            Action::WeekGoal => "week_goal",
            Action::Owner => "owner",
            Action::HandOver => "hand_over",
            Action::GiveTask => "give_task",
            Action::Mark => "mark",
            Action::MarkAll => "mark_all",
            Action::Request => "request",
            Action::CloseClient => "close_client",
            Action::Yes => "yes",
            Action::No => "no",
        }
    }

    /// Catalogue key of the action's short label (command bar and help).
    pub fn label_key(self) -> String {
        format!("action.{}", self.name())
    }

    fn from_name(name: &str) -> Option<Action> {
        Action::all().find(|a| a.name() == name)
    }
}

/// One key with its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyBinding {
    code: KeyCode,
    mods: KeyModifiers,
}

impl KeyBinding {
    /// Parses `ctrl-s`, `f2`, `shift-tab`, `enter`, `/`, `n`, `G`…
    pub fn parse(text: &str) -> Option<KeyBinding> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let mut mods = KeyModifiers::NONE;
        let mut rest = text;
        // A lone "-" is a key, not a separator.
        while rest.len() > 1 {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower.strip_prefix("ctrl-") {
                mods |= KeyModifiers::CONTROL;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("alt-") {
                mods |= KeyModifiers::ALT;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("shift-") {
                mods |= KeyModifiers::SHIFT;
                rest = &rest[rest.len() - r.len()..];
            } else {
                break;
            }
        }
        let lower = rest.to_ascii_lowercase();
        let code = match lower.as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" => KeyCode::PageDown,
            "space" => KeyCode::Char(' '),
            f if f.len() >= 2
                && f.starts_with('f')
                && f[1..].chars().all(|c| c.is_ascii_digit()) =>
            {
                KeyCode::F(f[1..].parse().ok().filter(|n| (1..=24).contains(n))?)
            }
            _ => {
                let mut chars = rest.chars();
                let c = chars.next()?;
                if chars.next().is_some() {
                    return None;
                }
                // Ctrl combinations arrive lower case; a plain letter keeps its case.
                let c = if mods.contains(KeyModifiers::CONTROL) {
                    c.to_ascii_lowercase()
                } else {
                    c
                };
                KeyCode::Char(c)
            }
        };
        Some(KeyBinding { code, mods })
    }

    /// Whether `key` is this binding. Shift is ignored on characters (terminals differ on
    /// whether `?` or `G` carry it) and on Shift-Tab.
    pub fn matches(&self, key: &KeyEvent) -> bool {
        let mut mods =
            key.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match key.code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        if matches!(code, KeyCode::Char(_) | KeyCode::BackTab) {
            mods.remove(KeyModifiers::SHIFT);
        }
        code == self.code && mods == self.mods
    }
}

impl fmt::Display for KeyBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) if self.mods.contains(KeyModifiers::CONTROL) => {
                write!(f, "{}", c.to_ascii_uppercase())
            }
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "F{n}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Insert => f.write_str("Ins"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// The live bindings: defaults with the user's overrides applied.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: HashMap<Action, Vec<KeyBinding>>,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings = DEFAULTS
            .iter()
            .map(|(a, keys)| {
                (
                    *a,
                    keys.iter().filter_map(|k| KeyBinding::parse(k)).collect(),
                )
            })
            .collect();
        Keymap { bindings }
    }
}

/// The shape of `keymap.toml`: `[keys]` with `action = "key"` or `action = ["k1", "k2"]`.
#[derive(Debug, serde::Deserialize)]
struct KeymapFile {
    #[serde(default)]
    keys: HashMap<String, OneOrMany>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl Keymap {
    /// Defaults, overridden by `keymap.toml` in `config_dir` when it exists. Problems in the
    /// file never stop the application: each is returned as a sentence to show and log,
    /// and the default stays for what could not be read.
    pub fn load(config_dir: &Path) -> (Keymap, Vec<String>) {
        let path = config_dir.join("keymap.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => Keymap::from_toml(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Keymap::default(), Vec::new()),
            Err(e) => (
                Keymap::default(),
                vec![format!(
                    "keymap.toml cannot be read ({e}); default keys are used"
                )],
            ),
        }
    }

    /// Defaults with the overrides in `text` (the contents of a `keymap.toml`).
    pub fn from_toml(text: &str) -> (Keymap, Vec<String>) {
        let mut map = Keymap::default();
        let mut problems = Vec::new();
        let file: KeymapFile = match toml::from_str(text) {
            Ok(f) => f,
            Err(e) => {
                let first = e.message().lines().next().unwrap_or("").to_string();
                problems.push(format!(
                    "keymap.toml is not valid TOML ({first}); default keys are used"
                ));
                return (map, problems);
            }
        };
        let mut names: Vec<_> = file.keys.into_iter().collect();
        names.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, keys) in names {
            let Some(action) = Action::from_name(&name) else {
                problems.push(format!("keymap.toml: unknown action '{name}' is ignored"));
                continue;
            };
            let texts = match keys {
                OneOrMany::One(k) => vec![k],
                OneOrMany::Many(ks) => ks,
            };
            let mut parsed = Vec::new();
            for t in &texts {
                match KeyBinding::parse(t) {
                    Some(b) => parsed.push(b),
                    None => problems.push(format!(
                        "keymap.toml: '{t}' for {name} is not a key; it is ignored"
                    )),
                }
            }
            if !parsed.is_empty() {
                map.bindings.insert(action, parsed);
            }
        }
        (map, problems)
    }

    /// Whether `key` is bound to `action`.
    pub fn is(&self, key: &KeyEvent, action: Action) -> bool {
        self.bindings
            .get(&action)
            .is_some_and(|keys| keys.iter().any(|b| b.matches(key)))
    }

    /// The keys of `action` as shown to the user, e.g. `F1/?`.
    pub fn describe(&self, action: Action) -> String {
        self.bindings
            .get(&action)
            .map(|keys| {
                keys.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_default()
    }

    /// The first key of `action` as shown to the user.
    pub fn primary(&self, action: Action) -> String {
        self.bindings
            .get(&action)
            .and_then(|keys| keys.first())
            .map(ToString::to_string)
            .unwrap_or_default()
    }
}

/// Whether `key` is text typed into a field rather than a command: a character with no
/// modifier but Shift.
pub fn is_text(key: &KeyEvent) -> bool {
    matches!(key.code, KeyCode::Char(_))
        && !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn parses_and_shows_bindings() {
        for text in [
            "ctrl-s",
            "f2",
            "shift-tab",
            "enter",
            "/",
            "n",
            "G",
            "pageup",
            "?",
        ] {
            assert!(KeyBinding::parse(text).is_some(), "{text}");
        }
        assert_eq!(
            KeyBinding::parse("ctrl-s")
                .map(|b| b.to_string())
                .as_deref(),
            Some("Ctrl-S")
        );
        assert_eq!(
            KeyBinding::parse("shift-tab")
                .map(|b| b.to_string())
                .as_deref(),
            Some("Shift-Tab")
        );
        assert!(KeyBinding::parse("ctrl-").is_none());
        assert!(KeyBinding::parse("f99").is_none());
        assert!(KeyBinding::parse("hello").is_none());
    }

    #[test]
    fn defaults_match_product_keys() {
        let k = Keymap::default();
        assert!(k.is(&key(KeyCode::F(1), KeyModifiers::NONE), Action::Help));
        assert!(k.is(&key(KeyCode::Char('?'), KeyModifiers::SHIFT), Action::Help));
        assert!(k.is(
            &key(KeyCode::Char('q'), KeyModifiers::CONTROL),
            Action::Quit
        ));
        assert!(k.is(
            &key(
                KeyCode::Char('Q'),
                KeyModifiers::CONTROL | KeyModifiers::SHIFT
            ),
            Action::Quit
        ));
        assert!(!k.is(&key(KeyCode::Char('q'), KeyModifiers::NONE), Action::Quit));
        assert!(k.is(
            &key(KeyCode::BackTab, KeyModifiers::SHIFT),
            Action::PrevField
        ));
        assert!(k.is(&key(KeyCode::Char('G'), KeyModifiers::SHIFT), Action::Last));
        assert!(!k.is(&key(KeyCode::Char('g'), KeyModifiers::NONE), Action::Last));
        assert_eq!(k.describe(Action::Help), "F1/?");
    }

    #[test]
    fn client_screen_keys() {
        let k = Keymap::default();
        assert!(k.is(&key(KeyCode::F(3), KeyModifiers::NONE), Action::Clients));
        assert!(k.is(&key(KeyCode::Char('r'), KeyModifiers::NONE), Action::Reveal));
        assert!(k.is(&key(KeyCode::Char('f'), KeyModifiers::NONE), Action::Filter));
        let s = key(KeyCode::Char('s'), KeyModifiers::NONE);
        let shift_s = key(KeyCode::Char('S'), KeyModifiers::SHIFT);
        assert!(k.is(&s, Action::Sort) && !k.is(&s, Action::SortReverse));
        assert!(k.is(&shift_s, Action::SortReverse) && !k.is(&shift_s, Action::Sort));
        let ctrl_s = key(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert!(k.is(&ctrl_s, Action::SaveAnyway) && !k.is(&ctrl_s, Action::Sort));
    }

    #[test]
    fn product_keys() {
        let k = Keymap::default();
        assert!(k.is(&key(KeyCode::F(5), KeyModifiers::NONE), Action::Products));
        assert!(k.is(
            &key(KeyCode::Char('h'), KeyModifiers::NONE),
            Action::Holdings
        ));
        assert!(k.is(
            &key(KeyCode::Char('a'), KeyModifiers::NONE),
            Action::AddHolding
        ));
        assert!(k.is(
            &key(KeyCode::Char('c'), KeyModifiers::NONE),
            Action::CloseRecord
        ));
    }

    #[test]
    fn overrides_are_partial_and_problems_reported() {
        let (k, problems) = Keymap::from_toml(
            "[keys]\nquit = \"ctrl-x\"\nlock = [\"f12\", \"ctrl-l\"]\nnonsense = \"a\"\nsave = \"ctrl-\"\n",
        );
        assert!(k.is(
            &key(KeyCode::Char('x'), KeyModifiers::CONTROL),
            Action::Quit
        ));
        assert!(!k.is(
            &key(KeyCode::Char('q'), KeyModifiers::CONTROL),
            Action::Quit
        ));
        assert!(k.is(&key(KeyCode::F(12), KeyModifiers::NONE), Action::Lock));
        // untouched and unparsable entries keep their defaults
        assert!(k.is(
            &key(KeyCode::Char('s'), KeyModifiers::CONTROL),
            Action::Save
        ));
        assert!(k.is(&key(KeyCode::F(1), KeyModifiers::NONE), Action::Help));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("nonsense") || problems[1].contains("nonsense"));
        let (_, bad) = Keymap::from_toml("[keys\n");
        assert_eq!(bad.len(), 1);
        assert!(bad[0].contains("not valid TOML"));
    }

    #[test]
    fn the_shipped_example_keymap_is_clean() {
        let (_, problems) = Keymap::from_toml(include_str!("../../assets/keymap.toml"));
        assert!(problems.is_empty(), "{problems:?}");
    }
}
