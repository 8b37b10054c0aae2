//! The demo database of `rmdesk demo` and `rmdesk --demo`: a branch, the demo users of
//! product.md (all with the password [`DEMO_PASSWORD`]), a product catalogue, and clients
//! with their holdings and activity.

mod activity;
mod calendar;
mod catalogue;
mod clients;

pub use activity::DemoEvent;
pub use calendar::DemoTask;

use super::users::NewUser;
use super::{audit, ts, Result, Role, Store, StoreError};

/// The password of every demo user.
pub const DEMO_PASSWORD: &str = "demo-password";

/// The demo users: (username, display name, role).
pub const DEMO_USERS: &[(&str, &str, Role)] = &[
    ("admin", "系统管理员 Admin", Role::Admin),
    ("manager", "王经理 Wang", Role::Manager),
    ("rm1", "李娜 Li Na", Role::Rm),
    ("rm2", "张伟 Zhang Wei", Role::Rm),
    ("rm3", "Chen Jie", Role::Rm),
];

/// Code of the demo branch.
pub const DEMO_BRANCH: &str = "0101";

/// Clients written per transaction when seeding.
const DEMO_BATCH: usize = 20_000;

impl Store {
    /// Seeds an empty database with the demo branch and users. Refused when the database
    /// already has users (a demo is never written over real data).
    pub fn seed_demo(&mut self) -> Result<()> {
        if self.has_users()? {
            return Err(StoreError::conflict(
                "err.conflict.demo_has_users",
                "this database already has users; the demo is only seeded into a new one",
            ));
        }
        let branch = self.create_branch_as(audit::SYSTEM, DEMO_BRANCH, "示范支行 Demo Branch")?;
        for (username, display, role) in DEMO_USERS {
            let u = NewUser {
                username: (*username).to_string(),
                display_name: (*display).to_string(),
                role: *role,
                branch_id: (*role != Role::Admin).then_some(branch),
                password: DEMO_PASSWORD.to_string(),
            };
            self.create_user_unchecked(&u)?;
        }
        self.write(|tx, now| {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ('demo.seeded', '1')",
                [],
            )?;
            catalogue::write(tx, &ts(now))
        })
    }

    /// Refuses, with `message` for the log, unless this database was made by
    /// [`Store::seed_demo`].
    fn require_demo(&self, message: &'static str) -> Result<()> {
        let demo: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM settings WHERE key = 'demo.seeded')",
            [],
            |r| r.get(0),
        )?;
        if demo {
            Ok(())
        } else {
            Err(StoreError::conflict("err.conflict.not_demo", message))
        }
    }
}
