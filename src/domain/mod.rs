//! Plain types and rules of the product. Nothing here does I/O or knows about SQLite,
//! terminals or files; `store`, `tui` and `cli` build on it.
pub mod campaign;
pub mod care;
pub mod client;
pub mod contact;
pub mod csv_import;
pub mod csv_text;
pub mod desk;
pub mod ics;
pub mod ids;
pub mod money;
pub mod password;
pub mod product;
pub mod search_terms;
pub mod task;
pub mod text;
pub mod user;
pub mod visit;
