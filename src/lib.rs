//! rmdesk: a terminal workbench for bank relationship managers.
//!
//! Layers: `domain` (plain types and rules, no I/O) ← `store` (SQLite repository, access
//! scoping, audit log, auth) ← `tui` and `cli` (screens and commands; no SQL).
pub mod cli;
pub mod domain;
pub mod store;
pub mod tui;
