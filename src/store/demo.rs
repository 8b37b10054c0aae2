//! The demo database of `rmdesk demo` and `rmdesk --demo`: a branch and the demo users
//! of product.md, all with the password [`DEMO_PASSWORD`].
use super::users::NewUser;
use super::{audit, Result, Role, Store};

/// The password of every demo user.
pub const DEMO_PASSWORD: &str = "demo-password";

/// The demo users: (username, display name, role).
pub const DEMO_USERS: &[(&str, &str, Role)] = &[
    ("admin", "系统管理员 Admin", Role::Admin),
    ("manager", "王经理 Wang (manager)", Role::Manager),
    ("rm1", "李娜 Li Na", Role::Rm),
    ("rm2", "张伟 Zhang Wei", Role::Rm),
    ("rm3", "Chen Jie", Role::Rm),
];

/// Code of the demo branch.
pub const DEMO_BRANCH: &str = "0101";

impl Store {
    /// Seeds an empty database with the demo branch and users. Refused when the database
    /// already has users (a demo is never written over real data).
    pub fn seed_demo(&mut self) -> Result<()> {
        if self.has_users()? {
            return Err(super::StoreError::Conflict(
                "this database already has users; the demo is only seeded into a new one".into(),
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
        Ok(())
    }
}
