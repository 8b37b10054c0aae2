//! Rules for text people type: normalised to Unicode NFC, and free of the characters
//! that make text look other than it is.
//!
//! - **Direction controls** (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069) reorder
//!   what is shown: `客户\u{202E}gpj.exe` prints as `客户exe.jpg`.
//! - **Invisible characters** (zero-width space, joiners, word joiner, BOM, soft hyphen,
//!   Hangul fillers, …) make two names that look the same differ, or a name of nothing.
//!
//! Names and codes refuse both ([`check_name`]); free text (addresses, notes, summaries)
//! drops them ([`clean_free_text`]). A name must have at least one visible character.
use unicode_normalization::UnicodeNormalization;

/// Whether `c` changes the direction text is shown in.
pub fn is_direction_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Whether `c` is shown as nothing (format characters and fillers).
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206A}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// Whether `c` is either of the above.
pub fn is_deceptive(c: char) -> bool {
    is_direction_control(c) || is_invisible(c)
}

/// Why a name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// A direction control or an invisible character.
    #[error("contains an invisible or text-direction character")]
    Deceptive,
    /// Nothing visible (only spaces, or nothing at all).
    #[error("has no visible character")]
    NothingVisible,
}

impl NameError {
    /// Catalogue key of the message.
    pub fn key(self) -> &'static str {
        match self {
            NameError::Deceptive => "err.text.deceptive",
            NameError::NothingVisible => "err.text.invisible",
        }
    }
}

/// `s` in Unicode NFC.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// A name or code: NFC, with no direction control or invisible character and at least one
/// visible one. Returned trimmed, inner runs of white space kept as typed.
pub fn check_name(s: &str) -> Result<String, NameError> {
    let t = nfc(s.trim());
    if t.chars().any(is_deceptive) {
        return Err(NameError::Deceptive);
    }
    if !t.chars().any(|c| !c.is_whitespace() && !c.is_control()) {
        return Err(NameError::NothingVisible);
    }
    Ok(t)
}

/// Free text: NFC, with direction controls and invisible characters removed.
pub fn clean_free_text(s: &str) -> String {
    nfc(s).chars().filter(|&c| !is_deceptive(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_refuse_what_hides_or_reorders() {
        assert_eq!(check_name("\u{200B}"), Err(NameError::Deceptive));
        assert_eq!(check_name("客户\u{202E}gpj.exe"), Err(NameError::Deceptive));
        assert_eq!(check_name("a\u{2066}b"), Err(NameError::Deceptive));
        assert_eq!(check_name("\u{3000} "), Err(NameError::NothingVisible));
        assert_eq!(check_name(" 王 小明 "), Ok("王 小明".to_string()));
        // NFC: e + combining acute is é.
        assert_eq!(check_name("Ame\u{301}lie"), Ok("Am\u{e9}lie".to_string()));
    }

    #[test]
    fn free_text_drops_them() {
        assert_eq!(
            clean_free_text("北京\u{202E}市\u{200B}东城区"),
            "北京市东城区"
        );
        assert_eq!(clean_free_text("line\nnext"), "line\nnext");
        assert_eq!(clean_free_text("Cafe\u{301}"), "Caf\u{e9}");
    }
}
