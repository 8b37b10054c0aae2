//! What is indexed to find a client as one types, and the query for what was typed.
//!
//! Two indexes answer a search. The FTS5 table `client_search` (tokenizer
//! `unicode61 remove_diacritics 2`, prefix indexes 1, 2 and 3) holds one row per client:
//! [`terms`] gives its text. Every full-text query term is a token-prefix search, so the
//! terms hold every token a client should be found by:
//!
//! - name parts, lower-cased. `unicode61` takes a run of Chinese characters as one
//!   token, so a Chinese name gives the whole name and the given name (after a 1- or
//!   2-character surname) as separate tokens, and their pinyin initials
//!   (张三丰 → `张三丰 三丰 zsf sf`); a longer run (a company name) gives every suffix, so
//!   any part of it is found.
//! - the last 4 characters of the ID number behind a marker (`0i7822`);
//! - the client number, lower-cased and behind another marker (`0nc000123`).
//!
//! Markers start with a digit: letters typed never match them, and digits typed are
//! only ever searched behind a marker.
//!
//! The mobile is not in that index: its digits ([`phone_digits`]) are the one column of
//! the FTS5 table `client_phone` (tokenizer `trigram`), and digits typed are searched as
//! a phrase of trigrams ([`phone_match`]), which finds them anywhere in the number.
//! Eleven long, nearly unique suffix tokens per client, each also written into three
//! prefix indexes, used to be most of the full-text index and of the cost of an import;
//! 9 trigrams out of 1,000 possible are a fraction of it to write, as quick to read.
//!
//! [`query`] splits what the user typed into the two: words that only the full-text
//! index answers, and words of digits, each answered by the mobile or by the full-text
//! index (client number, ID tail).

mod pinyin;
mod query;
mod terms;
mod visit;

pub use self::pinyin::{name_sort_key, pinyin_initials, pinyin_syllables};
pub use query::{query, DigitWord, Query, PHONE_FRAGMENT_MIN};
pub use terms::{add_number_terms, name_terms, phone_digits, phone_match, terms};
pub use visit::{visit_query, visit_terms};

/// Marker of the last 4 characters of the ID number.
const ID_TAIL: &str = "0i";
/// Marker of the client number.
const CLIENT_NO: &str = "0n";
/// Most characters of a query word that are used.
const QUERY_WORD_MAX: usize = 64;
