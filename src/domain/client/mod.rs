//! Clients: the value types of a client record, and the validation of a record as typed
//! in a form or read from a CSV row (product.md, "Clients" and "Client CSV format").
mod check;
mod codes;
mod input;

pub use codes::*;
pub use input::*;
