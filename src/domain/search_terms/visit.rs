//! What is indexed to find a visit by its words, and the query for what was typed.

use super::pinyin::is_han;
use super::QUERY_WORD_MAX;

/// Most words of a visit search that are used.
const VISIT_WORDS_MAX: usize = 8;

/// The runs of letters and digits of `text`, each cut where Chinese characters start or
/// stop: (the run lower-cased, whether it is Chinese).
fn segments(text: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut current: Option<(String, bool)> = None;
    for c in text.chars() {
        if !c.is_alphanumeric() {
            out.extend(current.take());
            continue;
        }
        let han = is_han(c);
        match &mut current {
            Some((run, h)) if *h == han => run.extend(c.to_lowercase()),
            _ => {
                out.extend(current.take());
                current = Some((c.to_lowercase().collect(), han));
            }
        }
    }
    out.extend(current);
    out
}

/// The overlapping pairs of characters of a Chinese run (a single character alone).
fn pairs(run: &str) -> Vec<String> {
    let chars: Vec<char> = run.chars().collect();
    if chars.len() < 2 {
        return vec![run.to_string()];
    }
    chars.windows(2).map(|w| w.iter().collect()).collect()
}

/// The text of a visit's row in the full-text index `visit_text`: every run of Chinese
/// characters as its overlapping pairs (理财产品 → `理财 财产 产品`), so that any 2 or more
/// characters typed are a phrase of pairs found anywhere in it; every other word whole,
/// lower-cased, found by its start.
pub fn visit_terms(parts: &[&str]) -> String {
    let mut out: Vec<String> = Vec::new();
    for part in parts {
        for (run, han) in segments(part) {
            if han {
                out.extend(pairs(&run));
            } else {
                out.push(run);
            }
        }
    }
    out.join(" ")
}

/// The `visit_text` `MATCH` expression for what the user typed, or `None` when nothing
/// searchable was typed: every word must be there; 2 or more Chinese characters as a
/// phrase of pairs (anywhere in a text), one Chinese character or another word by its
/// start. Only letters and digits reach the expression, quoted, so no text can break
/// the query syntax.
pub fn visit_query(typed: &str) -> Option<String> {
    let mut clauses: Vec<String> = Vec::new();
    for (run, han) in segments(typed) {
        let run: String = run.chars().take(QUERY_WORD_MAX).collect();
        let clause = if han && run.chars().count() >= 2 {
            format!("\"{}\"", pairs(&run).join(" "))
        } else {
            format!("\"{run}\"*")
        };
        if !clauses.contains(&clause) {
            clauses.push(clause);
        }
        if clauses.len() == VISIT_WORDS_MAX {
            break;
        }
    }
    (!clauses.is_empty()).then(|| clauses.join(" AND "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visit_words_are_pairs_of_chinese_characters_and_whole_other_words() {
        assert_eq!(
            visit_terms(&["理财产品 Maturity", "客户满意。OK", ""]),
            "理财 财产 产品 maturity 客户 户满 满意 ok"
        );
        assert_eq!(visit_terms(&["A股"]), "a 股");
        assert_eq!(visit_query("财产品"), Some("\"财产 产品\"".into()));
        assert_eq!(visit_query("理财"), Some("\"理财\"".into()));
        assert_eq!(visit_query("财"), Some("\"财\"*".into()));
        assert_eq!(
            visit_query("matur 满意"),
            Some("\"matur\"* AND \"满意\"".into())
        );
        for nothing in ["", "  ", "\"*()", "。，"] {
            assert_eq!(visit_query(nothing), None, "{nothing:?}");
        }
        assert_eq!(
            visit_query("a\" OR b"),
            Some("\"a\"* AND \"or\"* AND \"b\"*".into())
        );
    }
}
