//! Every action in one table: its name in `keymap.toml`, its default keys (product.md,
//! "Keys") and, in the order help lists them, nothing else. The enum, the names and the
//! defaults are written once, in [`actions!`] below.

/// Defines [`Action`] and the table of names and default keys from one list.
macro_rules! actions {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal [$($key:literal),*]; )*) => {
        /// Something the user can ask for with a key.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $( $(#[$doc])* $variant, )*
        }

        /// Every action with its name and default keys, in the order help lists them.
        pub(super) const ACTIONS: &[(Action, &str, &[&str])] = &[
            $( (Action::$variant, $name, &[$($key),*]), )*
        ];
    };
}

actions! {
    /// Help for this screen.
    Help = "help" ["f1", "?"];
    /// Go to the home screen.
    Home = "home" ["f2"];
    /// Go to the clients (RMs and managers).
    Clients = "clients" ["f3"];
    /// Go to visits and feedback.
    Visits = "visits" ["f4"];
    /// Go to user administration (admins).
    Admin = "admin" ["f8"];
    /// Go to the product catalogue.
    Products = "products" ["f5"];
    /// Lock the screen now.
    Lock = "lock" ["ctrl-l"];
    /// Quit the application.
    Quit = "quit" ["ctrl-q"];
    /// Back, or cancel the open form or dialog.
    Back = "back" ["esc"];
    /// Search the current list.
    Search = "search" ["/"];
    /// Create a new record.
    New = "new" ["n"];
    /// Edit the selected record.
    Edit = "edit" ["e"];
    /// Open the selected record.
    Open = "open" ["enter"];
    /// Submit a sign-in or confirmation form.
    Submit = "submit" ["enter"];
    /// Next field of a record form (a new line in a multi-line field).
    EnterNext = "enter_next" ["enter"];
    /// Next form field.
    NextField = "next_field" ["tab"];
    /// Previous form field.
    PrevField = "prev_field" ["shift-tab"];
    /// Save the form.
    Save = "save" ["ctrl-s"];
    /// Move the selection up.
    Up = "up" ["up", "k"];
    /// Move the selection down.
    Down = "down" ["down", "j"];
    /// One page up.
    PageUp = "page_up" ["pageup"];
    /// One page down.
    PageDown = "page_down" ["pagedown"];
    /// To the first row.
    First = "first" ["home", "g"];
    /// To the last row.
    Last = "last" ["end", "G"];
    /// Set a new password for the selected user.
    ResetPassword = "reset_password" ["p"];
    /// Clear the selected user's lockout.
    UnlockUser = "unlock_user" ["u"];
    /// Disable or re-enable the selected user.
    ToggleDisabled = "toggle_disabled" ["d"];
    /// Create a new branch.
    NewBranch = "new_branch" ["b"];
    /// Show the masked personal data of the open client (audited).
    Reveal = "reveal" ["r"];
    /// Sort the list by the next column.
    Sort = "sort" ["s"];
    /// Reverse the sort order.
    SortReverse = "sort_reverse" ["S"];
    /// Choose the filters of the list.
    Filter = "filter" ["f"];
    /// Save although possible duplicates were found.
    SaveAnyway = "save_anyway" ["ctrl-s"];
    /// Import records from a file.
    Import = "import" ["i"];
    /// Export records to a file.
    Export = "export" ["x"];
    /// Record a visit to the open client.
    RecordVisit = "record_visit" ["v"];
    /// File feedback (complaint, suggestion, praise) about the open client.
    FileFeedback = "file_feedback" ["c"];
    /// Record a manager's return call on the selected visit.
    ReturnCall = "return_call" ["c"];
    /// Switch to the screen's next tab.
    NextTab = "next_tab" ["tab"];
    /// The open client's holdings and suitable products.
    Holdings = "holdings" ["h"];
    /// Record a holding (of the open product for the selected client, or for the open client).
    AddHolding = "add_holding" ["a"];
    /// Close the selected product or holding.
    CloseRecord = "close_record" ["c"];
    /// Go to the calendar.
    Calendar = "calendar" ["f6"];
    /// Go to the reports.
    Reports = "reports" ["f7"];
    /// Go to the manager's Team screen: the team, approvals and the hand-over ledger.
    Team = "team" ["f9"];
    /// Go to the campaigns: design, launch and follow marketing campaigns.
    Campaigns = "campaigns" ["f10"];
    /// Launch the selected draft campaign (its targets are frozen).
    Launch = "launch" ["l"];
    /// Record the outcome of the selected campaign target.
    RecordOutcome = "record_outcome" ["o"];
    /// Move the calendar's selection one day back.
    Left = "left" ["left"];
    /// Move the calendar's selection one day on.
    Right = "right" ["right"];
    /// Back to today in the calendar.
    Today = "today" ["t"];
    /// Mark the selected task done.
    Done = "done" ["d"];
    /// Switch between the month, week and day views.
    CycleView = "cycle_view" ["v"];
    /// Move focus between the calendar and its list of tasks.
    SwitchPane = "switch_pane" ["tab"];
    /// Edit the month's plan note.
    PlanNote = "plan_note" ["p"];
    /// Edit the week's goal note.
    WeekGoal = "week_goal" ["w"];
    /// Show another user's calendar (managers: the branch's RMs, read-only).
    Owner = "owner" ["o"];
    /// Restore the database from a backup (administration).
    Restore = "restore" ["r"];
    /// Hand the selected RM's clients, or the marked clients, over to other RMs.
    HandOver = "hand_over" ["h"];
    /// Give the selected RM of the branch a task.
    GiveTask = "give_task" ["t"];
    /// Mark or unmark the selected row (for a hand-over).
    Mark = "mark" ["space"];
    /// Mark every client of the list.
    MarkAll = "mark_all" ["a"];
    /// Ask a manager to approve something about the open client (or a take-over).
    Request = "request" ["R"];
    /// Close the open client (archived, with a reason).
    CloseClient = "close_client" ["X"];
    /// Make a task due today for the client's RM from the selected care line.
    CareTask = "care_task" ["t"];
    /// Record the greeting of the selected care line as a contact (a message).
    Greet = "greet" ["m"];
    /// Answer yes in a dialog.
    Yes = "yes" ["y"];
    /// Answer no in a dialog.
    No = "no" ["n"];
}

impl Action {
    /// Every action, in the order of the table.
    pub fn all() -> impl Iterator<Item = Action> {
        ACTIONS.iter().map(|(a, _, _)| *a)
    }

    /// The name used in `keymap.toml` (snake case).
    pub fn name(self) -> &'static str {
        ACTIONS
            .iter()
            .find(|(a, _, _)| *a == self)
            .map_or("", |(_, n, _)| n)
    }

    /// Catalogue key of the action's short label (command bar and help).
    pub fn label_key(self) -> String {
        format!("action.{}", self.name())
    }

    /// The action named `name` in `keymap.toml`.
    pub fn from_name(name: &str) -> Option<Action> {
        ACTIONS
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(a, _, _)| *a)
    }

    /// The keys bound to the action by default.
    pub fn defaults(self) -> &'static [&'static str] {
        ACTIONS
            .iter()
            .find(|(a, _, _)| *a == self)
            .map_or(&[], |(_, _, k)| k)
    }
}
