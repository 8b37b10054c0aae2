//! rmdesk: a terminal workbench for bank relationship managers.
//!
//! Layers: `domain` (plain types and rules, no I/O) ← `store` (SQLite repository, access
//! scoping, audit log, auth) ← `tui` and `cli` (screens and commands; no SQL; never each
//! other). `main.rs` picks the face: the screens without a subcommand, else the command.
//! `app_paths` and `logging` are shared by both faces.
pub mod app_paths;
pub mod cli;
pub mod domain;
pub mod hq;
pub mod logging;
pub mod store;
pub mod tui;
