//! Campaigns (F10): the form's live count as filters change, launching after the
//! question, and a campaign's results with its bar chart, in English and Chinese.
mod common;

use common::marketing::{campaign, world};
use common::*;
use crossterm::event::KeyCode;
use rmdesk::domain::campaign::{Outcome, SegmentInput};
use rmdesk::domain::product::HoldingInput;
use rmdesk::store::holdings::NewHolding;
use rmdesk::tui::i18n::Lang;

#[test]
fn the_form_counts_the_segment_as_filters_change_and_launch_freezes_it() {
    for (lang, l) in [(Lang::En, "en"), (Lang::ZhCn, "zh")] {
        let w = world();
        let mut app = app(w.store, lang);
        sign_in(&mut app, "mgr1");
        app.on_key(key(KeyCode::F(10)));
        app.on_key(key(KeyCode::Char('n')));
        type_text(&mut app, "Year-end wealth");
        // To the product (name, goal, starts, ends, product): WM3.
        for _ in 0..4 {
            app.on_key(key(KeyCode::Tab));
        }
        app.on_key(key(KeyCode::Right));
        // The count runs off the key handler; the note says so until it comes.
        let s = render(&app, 100, 30);
        assert!(
            s.contains("Counting the segment…") || s.contains("正在统计客群…"),
            "{s}"
        );
        settle(&mut app);
        let s = render(&app, 100, 30);
        assert!(
            s.contains("7: 2") || s.contains("7 人"),
            "seven match, two without consent: {s}"
        );
        // Owner rm3: three match, all consent, one unsuitable (no assessment).
        for _ in 0..10 {
            app.on_key(key(KeyCode::Tab));
        }
        app.on_key(key(KeyCode::Right));
        app.on_key(key(KeyCode::Right));
        settle(&mut app);
        insta::assert_snapshot!(format!("campaign_form_count_{l}"), render(&app, 100, 30));
        app.on_key(ctrl('s'));
        app.on_key(key(KeyCode::Char('l')));
        // The question counts the segment again off the key handler first.
        let s = render(&app, 100, 30);
        assert!(
            s.contains("Counting the segment…") || s.contains("正在统计客群…"),
            "{s}"
        );
        settle(&mut app);
        insta::assert_snapshot!(
            format!("campaign_launch_question_{l}"),
            render(&app, 100, 30)
        );
        app.on_key(key(KeyCode::Char('y')));
        // The launch runs in the background; the screen says so until it ends.
        assert!(app.busy(), "the launch is a background job");
        insta::assert_snapshot!(format!("campaign_launching_{l}"), render(&app, 100, 30));
        settle(&mut app);
        let s = render(&app, 100, 30);
        assert!(
            s.contains("Campaign launched: 2 targets.") || s.contains("营销活动已发起：2 个目标。"),
            "{s}"
        );
        assert!(
            s.contains("  2  ") || s.contains(" 2\n") || s.contains("2 "),
            "{s}"
        );
        app.on_key(key(KeyCode::Enter));
        let s = render(&app, 100, 30);
        assert!(
            s.contains("Client F") && s.contains("Client H") && !s.contains("Client G"),
            "{s}"
        );
    }
}

#[test]
fn a_campaigns_results_show_reach_and_sales_per_rm_with_a_chart() {
    for (lang, l) in [(Lang::En, "en"), (Lang::ZhCn, "zh")] {
        let mut w = world();
        let id = w
            .store
            .save_campaign(&w.mgr, None, &campaign("WM3", SegmentInput::default()))
            .expect("save");
        w.store.launch_campaign(&w.mgr, id).expect("launch");
        let products = w
            .store
            .products(&w.rm1, &Default::default())
            .expect("products");
        let wm3 = products.iter().find(|p| p.code == "WM3").expect("WM3").id;
        let (a, f) = (w.clients[0].0, w.clients[5].0);
        let new = |amount: &str| NewHolding {
            product_id: wm3,
            input: HoldingInput {
                amount: amount.into(),
                ..HoldingInput::default()
            },
            override_reason: String::new(),
        };
        let h = w
            .store
            .add_holding(&w.rm1, a, &new("120000"))
            .expect("holding");
        w.store
            .record_outcome(&w.rm1, id, a, Outcome::Sold, Some(h))
            .expect("sold");
        w.store
            .record_outcome(&w.rm3, id, f, Outcome::Interested, None)
            .expect("interested");
        let mut app = app(w.store, lang);
        sign_in(&mut app, "mgr1");
        app.on_key(key(KeyCode::F(10)));
        insta::assert_snapshot!(format!("campaign_list_{l}"), render(&app, 100, 30));
        app.on_key(key(KeyCode::Enter));
        insta::assert_snapshot!(format!("campaign_results_{l}"), render(&app, 100, 30));
    }
}

#[test]
fn an_rm_records_sold_with_the_holding_and_sees_only_their_targets() {
    let mut w = world();
    let id = w
        .store
        .save_campaign(&w.mgr, None, &campaign("WM3", SegmentInput::default()))
        .expect("save");
    w.store.launch_campaign(&w.mgr, id).expect("launch");
    let products = w
        .store
        .products(&w.rm1, &Default::default())
        .expect("products");
    let wm3 = products.iter().find(|p| p.code == "WM3").expect("WM3").id;
    let a = w.clients[0].0;
    let h = NewHolding {
        product_id: wm3,
        input: HoldingInput {
            amount: "50000".into(),
            ..HoldingInput::default()
        },
        override_reason: String::new(),
    };
    w.store.add_holding(&w.rm1, a, &h).expect("holding");
    let mut app = app(w.store, Lang::En);
    sign_in(&mut app, "rm1");
    app.on_key(key(KeyCode::F(10)));
    app.on_key(key(KeyCode::Enter));
    let s = render(&app, 100, 30);
    assert!(s.contains("Client A") && !s.contains("Client F"), "{s}");
    app.on_key(key(KeyCode::Char('o')));
    // Outcome: contacted → interested → declined → sold.
    for _ in 0..3 {
        app.on_key(key(KeyCode::Right));
    }
    app.on_key(ctrl('s'));
    let s = render(&app, 100, 30);
    assert!(s.contains("Sold needs"), "a holding is required: {s}");
    // The refusal put the focus on the holding: choose the one recorded.
    app.on_key(key(KeyCode::Right));
    app.on_key(ctrl('s'));
    let s = render(&app, 100, 30);
    assert!(
        s.contains("Outcome recorded") && s.contains("¥50,000.00"),
        "{s}"
    );
}

#[test]
fn the_360_view_suggests_the_campaigns_product_with_its_reason() {
    for (lang, l) in [(Lang::En, "en"), (Lang::ZhCn, "zh")] {
        let mut w = world();
        let id = w
            .store
            .save_campaign(&w.mgr, None, &campaign("WM3", SegmentInput::default()))
            .expect("save");
        w.store.launch_campaign(&w.mgr, id).expect("launch");
        let mut app = app(w.store, lang);
        sign_in(&mut app, "rm1");
        app.on_key(key(KeyCode::F(3)));
        app.on_key(key(KeyCode::Enter));
        let s = render(&app, 100, 30);
        assert!(s.contains("Client A"), "{s}");
        insta::assert_snapshot!(format!("client_360_suggestions_{l}"), s);
    }
}
