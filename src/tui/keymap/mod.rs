//! Keys as named actions: one table of defaults (product.md, "Keys"), partial overrides
//! from `keymap.toml` in the config directory. Screens ask [`Keymap::is`] whether a key is
//! an action; the command bar and the help are built from the same table, so what they
//! show is what works.
mod actions;
mod binding;

use std::collections::HashMap;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use actions::Action;
use actions::ACTIONS;
pub use binding::KeyBinding;

/// The live bindings: defaults with the user's overrides applied.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: HashMap<Action, Vec<KeyBinding>>,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings = ACTIONS
            .iter()
            .map(|(a, _, keys)| {
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

    /// The first of `actions` that `key` is bound to: a popup or screen acts on the
    /// actions it shows, so what the command bar says is what works.
    pub fn action_in(&self, key: &KeyEvent, actions: &[Action]) -> Option<Action> {
        actions.iter().copied().find(|a| self.is(key, *a))
    }

    /// Key events of every key bound to `action` (tests offer them to popups).
    pub fn events(&self, action: Action) -> Vec<KeyEvent> {
        self.bindings
            .get(&action)
            .map(|keys| keys.iter().map(KeyBinding::event).collect())
            .unwrap_or_default()
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

    /// The example file names exactly the actions the code has, each with its defaults.
    #[test]
    fn the_example_keymap_names_every_action() {
        let file: KeymapFile =
            toml::from_str(include_str!("../../../assets/keymap.toml")).expect("valid TOML");
        let mut in_file: Vec<&str> = file.keys.keys().map(String::as_str).collect();
        let mut in_code: Vec<&str> = Action::all().map(Action::name).collect();
        in_file.sort_unstable();
        in_code.sort_unstable();
        assert_eq!(in_file, in_code);
        for (name, keys) in &file.keys {
            let texts = match keys {
                OneOrMany::One(k) => vec![k.clone()],
                OneOrMany::Many(ks) => ks.clone(),
            };
            let action = Action::from_name(name).expect("named above");
            assert_eq!(texts, action.defaults(), "defaults of {name}");
        }
    }

    #[test]
    fn the_shipped_example_keymap_is_clean() {
        let (_, problems) = Keymap::from_toml(include_str!("../../../assets/keymap.toml"));
        assert!(problems.is_empty(), "{problems:?}");
    }
}
