//! Plain types and rules of the product. Nothing here does I/O or knows about SQLite,
//! terminals or files; `store`, `tui` and `cli` build on it.
pub mod password;
pub mod user;
