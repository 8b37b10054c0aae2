//! The screens of the signed-in application in one table: which key opens each, who may
//! open it, and how it is built. `App` dispatches through this table (global keys, the
//! command bar's screen keys, the refusal on the status line), and a screen's data is
//! loaded by its own [`Screen::reload`]. Adding a screen is one entry here, a
//! [`ScreenId`] and its module under `screens/` (docs/ARCHITECTURE.md, "How to add a
//! screen").
use super::keymap::Action;
use super::screens::admin::Admin;
use super::screens::calendar::Calendar;
use super::screens::campaigns::Campaigns;
use super::screens::clients::Clients;
use super::screens::home::Home;
use super::screens::products::Products;
use super::screens::reports::Reports;
use super::screens::team::Team;
use super::screens::visits::Visits;
use super::screens::{Screen, ScreenId, Target};
use crate::store::Role;

/// One screen of the table.
pub struct Entry {
    /// Which screen.
    pub id: ScreenId,
    /// The action (function key) that opens it.
    pub key: Action,
    /// Catalogue key of its title.
    pub title: &'static str,
    /// The roles that may open it.
    pub roles: &'static [Role],
    /// Builds it (empty; [`Screen::reload`] loads it); `None`: not available yet.
    pub make: Option<fn() -> Box<dyn Screen>>,
}

const EVERYONE: &[Role] = &[Role::Rm, Role::Manager, Role::Admin];
/// Client data: relationship managers and managers (administrators see none).
const CLIENT_WORK: &[Role] = &[Role::Rm, Role::Manager];

fn boxed<S: Screen + Default + 'static>() -> Box<dyn Screen> {
    Box::new(S::default())
}

/// Every screen, in function-key order (the command bar lists them so).
pub const SCREENS: &[Entry] = &[
    Entry {
        id: ScreenId::Home,
        key: Action::Home,
        title: "screen.home",
        roles: EVERYONE,
        make: Some(boxed::<Home>),
    },
    Entry {
        id: ScreenId::Clients,
        key: Action::Clients,
        title: "screen.clients",
        roles: CLIENT_WORK,
        make: Some(boxed::<Clients>),
    },
    Entry {
        id: ScreenId::Visits,
        key: Action::Visits,
        title: "screen.visits",
        roles: CLIENT_WORK,
        make: Some(boxed::<Visits>),
    },
    Entry {
        // Everyone reads the catalogue; administrators maintain it.
        id: ScreenId::Products,
        key: Action::Products,
        title: "screen.products",
        roles: EVERYONE,
        make: Some(boxed::<Products>),
    },
    Entry {
        id: ScreenId::Calendar,
        key: Action::Calendar,
        title: "screen.calendar",
        roles: CLIENT_WORK,
        make: Some(boxed::<Calendar>),
    },
    Entry {
        id: ScreenId::Reports,
        key: Action::Reports,
        title: "screen.reports",
        roles: CLIENT_WORK,
        make: Some(boxed::<Reports>),
    },
    Entry {
        // The manager's desk: the team, approvals, the hand-over ledger.
        id: ScreenId::Team,
        key: Action::Team,
        title: "screen.team",
        roles: &[Role::Manager],
        make: Some(boxed::<Team>),
    },
    Entry {
        // Managers design and launch; RMs follow their targets and record outcomes.
        id: ScreenId::Campaigns,
        key: Action::Campaigns,
        title: "screen.campaigns",
        roles: CLIENT_WORK,
        make: Some(boxed::<Campaigns>),
    },
    Entry {
        id: ScreenId::Admin,
        key: Action::Admin,
        title: "screen.admin",
        roles: &[Role::Admin],
        make: Some(boxed::<Admin>),
    },
];

impl Entry {
    /// Whether `role` may open the screen and it exists.
    pub fn open_to(&self, role: Role) -> bool {
        self.make.is_some() && self.roles.contains(&role)
    }
}

/// The entry of `id`.
pub fn entry(id: ScreenId) -> Option<&'static Entry> {
    SCREENS.iter().find(|e| e.id == id)
}

/// The screen that shows `target`: the one place that knows it.
pub fn screen_for(target: Target) -> ScreenId {
    match target {
        Target::Task { .. } => ScreenId::Calendar,
        Target::Feedback { .. } | Target::Complaints | Target::VisitsToCheck => ScreenId::Visits,
        Target::Approvals | Target::Team => ScreenId::Team,
        Target::Churn => ScreenId::Reports,
        Target::Client(_) | Target::Holding { .. } => ScreenId::Clients,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_screen_has_its_own_key_and_title() {
        for (i, a) in SCREENS.iter().enumerate() {
            for b in &SCREENS[i + 1..] {
                assert_ne!(a.id, b.id);
                assert_ne!(a.key, b.key);
            }
            if let Some(make) = a.make {
                assert_eq!(make().title_key(), a.title, "{:?}", a.id);
            }
        }
    }

    #[test]
    fn administrators_see_no_client_screens() {
        let admin: Vec<_> = SCREENS
            .iter()
            .filter(|e| e.open_to(Role::Admin))
            .map(|e| e.id)
            .collect();
        assert_eq!(admin, [ScreenId::Home, ScreenId::Products, ScreenId::Admin]);
        assert!(entry(ScreenId::Reports).is_some_and(|e| e.open_to(Role::Rm)));
    }
}
