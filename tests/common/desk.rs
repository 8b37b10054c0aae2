//! The manager's desk shared by the desk and home screen tests: branch 0101 with rm3
//! (赵三 Zhao) beside rm1, a tier request of rm1 pending, a task the manager gave rm1
//! overdue, and rm3's clients handed over to rm1.

use rmdesk::domain::client::Tier;
use rmdesk::domain::desk::HandoverReason;
use rmdesk::domain::task::TaskInput;
use rmdesk::store::approvals::Ask;
use rmdesk::store::handover::{HandoverSpec, Which};
use rmdesk::store::{Actor, FixedClock, Role, Store};
use rmdesk::tui::i18n::Lang;
use rmdesk::tui::App;

use super::{add_user, app, create_confirmed, noon, passport_input, seeded, sign_in};

/// The people of the desk: rm1, rm3 and mgr1, signed in.
pub struct Desk {
    pub store: Store,
    pub rm1: Actor,
    pub rm3: Actor,
    pub mgr1: Actor,
}

/// A [`seeded`] database with rm3 (赵三 Zhao) added to branch 0101.
pub fn desk(path: &std::path::Path) -> Desk {
    let (mut store, admin) = seeded(path);
    let b1 = store.branch_by_code("0101").expect("b").expect("0101").id;
    add_user(&mut store, &admin, "rm3", "赵三 Zhao", Role::Rm, Some(b1));
    let rm1 = store.login("rm1", super::PASSWORD).expect("rm1");
    let rm3 = store.login("rm3", super::PASSWORD).expect("rm3");
    let mgr1 = store.login("mgr1", super::PASSWORD).expect("mgr1");
    Desk {
        store,
        rm1,
        rm3,
        mgr1,
    }
}

impl Desk {
    /// Adds the client `name` (passport `n`, `status`) for `who`.
    pub fn client(&mut self, who: &Actor, name: &str, n: u32, status: &str) -> i64 {
        create_confirmed(&mut self.store, who, &passport_input(name, n, status))
    }

    /// rm1 asks for `client` to be core; mgr1 gives rm1 a task due 2026-11-20 (overdue).
    pub fn request_and_task(&mut self, client: i64) {
        self.store
            .file_request(
                &self.rm1,
                &Ask::Tier {
                    client_id: client,
                    tier: Tier::Core,
                },
                "Family office moving assets in",
            )
            .expect("request");
        self.store
            .give_task(
                &self.mgr1,
                "rm1",
                &TaskInput {
                    title: "Quarterly review".into(),
                    due_date: "2026-11-20".into(),
                    ..TaskInput::default()
                },
            )
            .expect("task");
    }

    /// mgr1 hands all of rm3's clients over to rm1 (maternity leave).
    pub fn hand_over_rm3(&mut self) {
        self.store
            .hand_over(
                &self.mgr1,
                &HandoverSpec {
                    from: "rm3".into(),
                    to: vec!["rm1".into()],
                    which: Which::All,
                    reason: HandoverReason::Leave,
                    reason_text: "maternity leave".into(),
                },
                &mut |_, _| {},
            )
            .expect("hand-over");
    }
}

/// The application on the database at `path` (clock fixed at [`noon`]), signed in as
/// `user`.
pub fn open(path: &std::path::Path, lang: Lang, user: &str) -> App {
    let mut store = Store::open(path).expect("open");
    store.set_clock(Box::new(FixedClock(noon())));
    let mut app = app(store, lang);
    sign_in(&mut app, user);
    app
}
