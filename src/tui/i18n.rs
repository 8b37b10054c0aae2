//! User-facing text from the catalogues in `assets/i18n/` (English and Simplified
//! Chinese). A key missing from a catalogue falls back to English, then to the key itself,
//! and is logged, so a gap shows up as a readable word rather than a blank.
use std::collections::HashMap;

const EN: &str = include_str!("../../assets/i18n/en.toml");
const ZH_CN: &str = include_str!("../../assets/i18n/zh-CN.toml");

/// A language of the screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Simplified Chinese.
    ZhCn,
}

impl Lang {
    /// `zh-CN` (any `zh…`) or English for anything else.
    pub fn from_code(code: &str) -> Lang {
        if code.to_ascii_lowercase().starts_with("zh") {
            Lang::ZhCn
        } else {
            Lang::En
        }
    }
}

/// The loaded catalogue of one language, with English behind it.
#[derive(Debug, Clone)]
pub struct I18n {
    lang: Lang,
    text: HashMap<String, String>,
    fallback: HashMap<String, String>,
}

fn parse(source: &str) -> HashMap<String, String> {
    // The catalogues ship inside the binary and a test parses both, so a failure here
    // means a broken build; an empty map still leaves the program usable (keys shown).
    match toml::from_str::<toml::Table>(source) {
        Ok(table) => flatten(&table, ""),
        Err(e) => {
            tracing::error!("message catalogue does not parse: {e}");
            HashMap::new()
        }
    }
}

fn flatten(table: &toml::Table, prefix: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            toml::Value::Table(t) => out.extend(flatten(t, &key)),
            _ => {}
        }
    }
    out
}

impl I18n {
    /// The catalogue of `lang`.
    pub fn new(lang: Lang) -> I18n {
        let fallback = parse(EN);
        let text = match lang {
            Lang::En => fallback.clone(),
            Lang::ZhCn => parse(ZH_CN),
        };
        I18n {
            lang,
            text,
            fallback,
        }
    }

    /// The language in use.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The text for `key`.
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        if let Some(s) = self.text.get(key).or_else(|| self.fallback.get(key)) {
            return s;
        }
        tracing::warn!(key, "message missing from the catalogue");
        key
    }

    /// The text for `key` with each `{name}` replaced by its value.
    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(key).to_string();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::Action;

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let en = parse(EN);
        let zh = parse(ZH_CN);
        assert!(en.len() > 50);
        let mut missing_zh: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        let mut missing_en: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        missing_zh.sort();
        missing_en.sort();
        assert!(missing_zh.is_empty(), "missing in zh-CN: {missing_zh:?}");
        assert!(missing_en.is_empty(), "missing in en: {missing_en:?}");
    }

    #[test]
    fn every_action_has_a_label() {
        let en = parse(EN);
        for a in Action::all() {
            assert!(en.contains_key(&a.label_key()), "no label for {}", a.name());
            assert!(
                en.contains_key(&format!("help.{}", a.name())),
                "no help for {}",
                a.name()
            );
        }
    }

    /// Every literal key the code asks for (`.t("…")`, `.f("…"`, `"err.…"`) exists.
    #[test]
    fn every_key_used_in_the_code_exists() {
        let en = parse(EN);
        let mut missing = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("src readable") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("source readable");
                for key in used_keys(&text) {
                    if !en.contains_key(&key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing from en.toml: {missing:#?}"
        );
    }

    fn used_keys(text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for marker in [".t(\"", ".f(\"", "\"err."] {
            let mut rest = text;
            while let Some(pos) = rest.find(marker) {
                let start = pos + marker.len();
                let tail = &rest[start..];
                let Some(end) = tail.find('"') else { break };
                let key = if marker == "\"err." {
                    format!("err.{}", &tail[..end])
                } else {
                    tail[..end].to_string()
                };
                let is_key = key.contains('.')
                    && !key.ends_with('.')
                    && key.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_'
                    });
                if is_key {
                    keys.push(key);
                }
                rest = &tail[end..];
            }
        }
        keys
    }

    #[test]
    fn formats_arguments_and_falls_back() {
        let i = I18n::new(Lang::ZhCn);
        assert_eq!(i.t("missing.Key"), "missing.Key");
        assert!(i
            .f("status.user_created", &[("name", "rm9")])
            .contains("rm9"));
    }
}
