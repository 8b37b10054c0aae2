//! A signed-in user's screens, built from the registry for the user's role. The current
//! screen is looked up by its id; no code here names a particular screen.
use crate::store::Actor;
use crate::tui::registry::SCREENS;
use crate::tui::screens::gate::Gate;
use crate::tui::screens::{Screen, ScreenId};

/// A signed-in user's screens.
pub(super) struct Session {
    pub actor: Actor,
    pub current: ScreenId,
    /// Every screen the user may open, built once at sign-in; each keeps its state while
    /// another shows.
    screens: Vec<(ScreenId, Box<dyn Screen>)>,
    /// The lock screen, while locked. The screens behind it keep their state.
    pub lock: Option<Gate>,
}

impl Session {
    /// The screens `actor` may open, from the registry, showing home.
    pub fn new(actor: Actor) -> Session {
        let screens = SCREENS
            .iter()
            .filter(|e| e.open_to(actor.role))
            .filter_map(|e| e.make.map(|make| (e.id, make())))
            .collect();
        Session {
            actor,
            current: ScreenId::Home,
            screens,
            lock: None,
        }
    }

    /// Screen `id`, if the user has it.
    pub fn get(&self, id: ScreenId) -> Option<&dyn Screen> {
        self.screens
            .iter()
            .find(|(s, _)| *s == id)
            .map(|(_, b)| b.as_ref())
    }

    /// Screen `id` for changes, if the user has it.
    pub fn get_mut(&mut self, id: ScreenId) -> Option<&mut (dyn Screen + 'static)> {
        self.screens
            .iter_mut()
            .find(|(s, _)| *s == id)
            .map(|(_, b)| b.as_mut())
    }

    /// Every screen the user has (background work is ticked in all of them).
    pub fn all_mut(&mut self) -> impl Iterator<Item = &mut Box<dyn Screen>> {
        self.screens.iter_mut().map(|(_, b)| b)
    }

    /// Whether any screen runs background work.
    pub fn busy(&self) -> bool {
        self.screens.iter().any(|(_, s)| s.busy())
    }

    /// The current screen.
    pub fn screen(&self) -> Option<&dyn Screen> {
        self.get(self.current)
    }

    /// The current screen for changes.
    pub fn screen_mut(&mut self) -> Option<&mut (dyn Screen + 'static)> {
        self.get_mut(self.current)
    }
}
