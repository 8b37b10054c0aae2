//! Visits and feedback in the store, on real temporary files: the visit and its follow-up
//! task land together or not at all, scoping, return calls, and the feedback life cycle.
#[path = "../common/mod.rs"]
mod common;
mod feedback;
mod list;
mod recording;

use chrono::NaiveDate;
use common::*;
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::visit::{FeedbackInput, FeedbackStatus, FeedbackUpdate, VisitInput};
use rmdesk::store::clients::SaveOutcome;
use rmdesk::store::feedback::FeedbackFilter;
use rmdesk::store::visits::VisitFilter;
use rmdesk::store::{Actor, Store, StoreError};

fn client(store: &mut Store, rm: &Actor) -> i64 {
    let input = ClientInput {
        kind: "individual".into(),
        name: "林黛玉".into(),
        id_type: "passport".into(),
        id_number: "E12345678".into(),
        ..ClientInput::default()
    };
    create_confirmed(store, rm, &input)
}

fn visit(next_on: &str) -> VisitInput {
    VisitInput {
        visited_at: "2026-11-22 10:00".into(),
        channel: "client_site".into(),
        purpose: "年度回顾".into(),
        summary: "客户关注稳健型理财。\nAsked about deposits.".into(),
        next_step: "送产品说明书".into(),
        next_step_on: next_on.into(),
        ..VisitInput::default()
    }
}

fn complaint(received: &str, text: &str) -> FeedbackInput {
    FeedbackInput {
        kind: "complaint".into(),
        received_on: received.into(),
        channel: "phone".into(),
        description: text.into(),
        severity: "normal".into(),
    }
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}
