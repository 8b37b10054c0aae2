//! The desk's lines on home. A manager: pending approvals (oldest first, with the
//! client's AUM), each RM's overdue tasks and complaints near their deadline (counts),
//! and the visits of the last 7 days still to be checked by a return call (回访), a
//! sample to work through. An RM: their requests and the outcomes, clients handed to
//! them ("new to you" until first contact) and the tasks a manager gave them. Enter on
//! a line goes to what it is about.
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::codes::{channel_key, code_text};
use super::{store_error_text, Ctx, Target, View};
use crate::domain::desk::RequestStatus;
use crate::domain::money::format_money;
use crate::store::Role;
use crate::tui::widgets::fit;

/// Where Enter on a desk line goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskGo {
    /// A record another screen shows.
    To(Target),
    /// The Team screen's approvals.
    Approvals,
    /// The Team screen's team tab.
    Team,
    /// The visits screen, where return calls are recorded.
    Visits,
}

/// One line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskLine {
    /// The text, in the user's language.
    pub text: String,
    /// Shown in the warning style.
    pub urgent: bool,
    /// Enter goes here.
    pub go: Option<DeskGo>,
}

/// Most lines of each kind.
const EACH: usize = 5;

/// Loads the actor's desk lines (none for administrators).
pub fn load(ctx: &mut Ctx<'_>) -> Vec<DeskLine> {
    let i = ctx.i18n;
    let zone = ctx.store.zone();
    let mut out = Vec::new();
    match ctx.actor.role {
        Role::Manager => match ctx.store.manager_desk(ctx.actor) {
            Ok(d) => {
                if !d.pending.is_empty() {
                    out.push(DeskLine {
                        text: i.f("desk.pending", &[("n", &d.pending.len().to_string())]),
                        urgent: true,
                        go: Some(DeskGo::Approvals),
                    });
                }
                for r in d.pending.iter().take(EACH) {
                    out.push(DeskLine {
                        text: format!(
                            "  #{} {} {} {} · {} · {}",
                            r.id,
                            i.t(r.kind.label_key()),
                            r.client_no,
                            fit(&r.client_name, 12),
                            format_money(r.client_aum, "CNY"),
                            r.requester
                        ),
                        urgent: false,
                        go: Some(DeskGo::Approvals),
                    });
                }
                for m in &d.team {
                    out.push(DeskLine {
                        text: i.f(
                            "desk.overdue",
                            &[
                                ("rm", &m.display_name),
                                ("tasks", &m.overdue_tasks.to_string()),
                                ("complaints", &m.complaints_near.to_string()),
                            ],
                        ),
                        urgent: m.complaints_near > 0,
                        go: Some(DeskGo::Team),
                    });
                }
                if !d.to_check.is_empty() {
                    out.push(DeskLine {
                        text: i.f("desk.to_check", &[("n", &d.to_check.len().to_string())]),
                        urgent: false,
                        go: Some(DeskGo::Visits),
                    });
                }
                for v in d.to_check.iter().take(EACH) {
                    let date = crate::store::parse_ts(&v.visited_at)
                        .map(|t| zone.date(t).to_string())
                        .unwrap_or_default();
                    out.push(DeskLine {
                        text: format!(
                            "  {}",
                            i.f(
                                "desk.visit",
                                &[
                                    ("date", &date),
                                    ("client", &fit(&v.client_name, 12)),
                                    ("rm", &v.rm),
                                    (
                                        "channel",
                                        &code_text(i, channel_key(&v.channel), &v.channel)
                                    ),
                                ],
                            )
                        ),
                        urgent: false,
                        go: Some(DeskGo::Visits),
                    });
                }
            }
            Err(e) => ctx.error(store_error_text(&e, i)),
        },
        Role::Rm => match ctx.store.rm_desk(ctx.actor) {
            Ok(d) => {
                for r in d.requests.iter().take(EACH) {
                    let mut text = i.f(
                        "desk.outcome",
                        &[
                            ("id", &r.id.to_string()),
                            ("kind", i.t(r.kind.label_key())),
                            (
                                "client",
                                &format!("{} {}", r.client_no, fit(&r.client_name, 12)),
                            ),
                            ("status", i.t(r.status.label_key())),
                        ],
                    );
                    if let Some(n) = &r.note {
                        text.push_str(&format!(" — {n}"));
                    }
                    // A take-over approved: the client is the RM's now; otherwise the
                    // line opens the client (when it is still theirs).
                    let go = (r.status != RequestStatus::Withdrawn)
                        .then_some(DeskGo::To(Target::Client(r.client_id)));
                    out.push(DeskLine {
                        text,
                        urgent: r.status == RequestStatus::Rejected,
                        go,
                    });
                }
                for n in d.new_to_you.iter().take(EACH) {
                    out.push(DeskLine {
                        text: i.f(
                            "handover.new_to_you",
                            &[
                                ("client", &format!("{} {}", n.client_no, fit(&n.name, 12))),
                                ("from", &n.from),
                                ("date", &n.on.map(|d| d.to_string()).unwrap_or_default()),
                            ],
                        ),
                        urgent: false,
                        go: Some(DeskGo::To(Target::Client(n.client_id))),
                    });
                }
                for g in d.given.iter().take(EACH) {
                    out.push(DeskLine {
                        text: i.f(
                            "desk.from_manager",
                            &[
                                ("from", &g.from),
                                ("title", &fit(&g.title, 30)),
                                ("date", &g.due_date.to_string()),
                            ],
                        ),
                        urgent: false,
                        go: Some(DeskGo::To(Target::Task {
                            id: g.id,
                            date: g.due_date,
                        })),
                    });
                }
            }
            Err(e) => ctx.error(store_error_text(&e, i)),
        },
        Role::Admin => {}
    }
    out
}

/// Draws `lines` in a bordered box titled `title`, the `selected` one highlighted.
pub fn draw(
    f: &mut Frame,
    area: Rect,
    lines: &[DeskLine],
    selected: Option<usize>,
    title: &str,
    v: &View<'_>,
) {
    let width = usize::from(area.width.saturating_sub(4));
    let text: Vec<Line> = lines
        .iter()
        .enumerate()
        .map(|(n, l)| {
            let style = if selected == Some(n) {
                v.theme.selected
            } else if l.urgent {
                v.theme.warning
            } else {
                v.theme.base
            };
            let mark = if selected == Some(n) { "▶ " } else { "  " };
            Line::from(Span::styled(
                format!("{mark}{}", fit(&l.text, width)),
                style,
            ))
        })
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(v.theme.border)
        .title(Span::styled(format!(" {title} "), v.theme.title));
    f.render_widget(Paragraph::new(text).block(block), area);
}
