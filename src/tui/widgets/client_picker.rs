//! The client picker: wherever a form names a client, typing opens this popup, which
//! searches as the user types (the same search as the client list's `/`) and lists the
//! matches with client no., name, tier and owner. ↑/↓ move, Enter takes the selected
//! client, Esc goes back to the form. Nothing is taken unless the user chose it, so a
//! name that matches several clients (王伟 and 王伟洋) is never silently taken.
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row};
use ratatui::Frame;

use super::field::{cols, Field};
use super::list_table::{Cursor, ListTable};
use super::{centered, fit, popup};
use crate::store::clients::ClientSummary;
use crate::tui::keymap::Action;
use crate::tui::screens::{store_error_text, Ctx, View};

/// Most matches listed.
pub const PICKER_LIMIT: usize = 50;

/// What a key did to the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickStep {
    /// Still open.
    Open,
    /// Closed without a choice.
    Cancelled,
    /// The user chose this client.
    Chosen(ClientSummary),
    /// Not a key of the picker.
    Ignored,
}

/// The picker's state.
#[derive(Debug, Clone)]
pub struct ClientPicker {
    input: Field,
    /// The matches of what is typed, by name.
    pub matches: Vec<ClientSummary>,
    cursor: Cursor,
    message: Option<String>,
}

impl ClientPicker {
    /// A picker that has already searched for `typed` (the text that opened it).
    pub fn open(typed: &str, ctx: &mut Ctx<'_>) -> ClientPicker {
        let mut p = ClientPicker {
            input: Field::text("query", ctx.i18n.t("picker.search"), typed),
            matches: Vec::new(),
            cursor: Cursor::default(),
            message: None,
        };
        p.search(ctx);
        p
    }

    /// What is typed.
    pub fn query(&self) -> &str {
        self.input.value()
    }

    fn search(&mut self, ctx: &mut Ctx<'_>) {
        self.message = None;
        match ctx
            .store
            .search_clients(ctx.actor, self.input.value(), PICKER_LIMIT)
        {
            Ok(found) => self.matches = found,
            Err(e) => {
                self.matches.clear();
                self.message = Some(store_error_text(&e, ctx.i18n));
            }
        }
        self.cursor.selected = 0;
        self.cursor.offset.set(0);
    }

    /// Handles a key: text and deletions search again, ↑/↓ move, Enter chooses, Esc
    /// closes.
    pub fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> PickStep {
        let k = ctx.keys;
        let len = self.matches.len();
        if k.is(key, Action::Back) {
            return PickStep::Cancelled;
        }
        if k.is(key, Action::Open) {
            return match self.matches.get(self.cursor.selected) {
                Some(c) => PickStep::Chosen(c.clone()),
                None => PickStep::Open,
            };
        }
        // Arrows move; letters such as j/k are text here.
        match key.code {
            KeyCode::Up => self.cursor.step(-1, len),
            KeyCode::Down => self.cursor.step(1, len),
            KeyCode::PageUp => self.cursor.page_by(-1, len),
            KeyCode::PageDown => self.cursor.page_by(1, len),
            _ => {
                let before = self.input.value().to_string();
                if !self.input.on_key(key) {
                    return PickStep::Ignored;
                }
                if self.input.value() != before {
                    self.search(ctx);
                }
            }
        }
        PickStep::Open
    }

    /// Pasted text is typed into the search.
    pub fn paste(&mut self, text: &str, ctx: &mut Ctx<'_>) {
        self.input.paste(text);
        self.search(ctx);
    }

    /// The picker's keys.
    pub fn commands(&self) -> Vec<Action> {
        vec![Action::Open, Action::Up, Action::Down, Action::Back]
    }

    /// Draws the picker over `area`.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let rect = centered(area, area.width.min(76), area.height.min(16));
        let inner = popup(f, rect, i.t("picker.title"), v.theme);
        let [query_area, hint_area, list_area] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(3),
        ])
        .areas(inner);
        let label = format!("{} ", self.input.label);
        let w = cols(&label).min(query_area.width);
        f.render_widget(
            Paragraph::new(Span::styled(label, v.theme.header)),
            query_area,
        );
        let value_area = Rect::new(query_area.x + w, query_area.y, query_area.width - w, 1);
        self.input.draw_value(f, value_area, true, v.theme);
        let hint = match &self.message {
            Some(m) => Span::styled(m.as_str(), v.theme.error),
            None if self.input.value().trim().is_empty() => {
                Span::styled(i.t("picker.hint"), v.theme.dim)
            }
            None => Span::styled(
                i.f(
                    "picker.count",
                    &[
                        ("n", &self.matches.len().to_string()),
                        ("max", &PICKER_LIMIT.to_string()),
                    ],
                ),
                v.theme.dim,
            ),
        };
        f.render_widget(Paragraph::new(hint), hint_area);
        let name_width =
            usize::from(list_area.width.saturating_sub(2 + 2 + 11 + 8 + 12 + 4)).max(6);
        let rows = self
            .matches
            .iter()
            .map(|c| {
                Row::new(vec![
                    Line::from(c.client_no.clone()),
                    Line::from(fit(&c.name, name_width)),
                    Line::from(i.t(c.tier.label_key()).to_string()),
                    Line::from(fit(&c.owner, 12)),
                ])
            })
            .collect();
        ListTable {
            title: i.t("picker.matches").to_string(),
            header: vec![
                i.t("col.client_no").to_string(),
                i.t("col.client_name").to_string(),
                i.t("col.tier").to_string(),
                i.t("col.owner").to_string(),
            ],
            widths: vec![
                Constraint::Length(11),
                Constraint::Min(6),
                Constraint::Length(8),
                Constraint::Length(12),
            ],
            rows,
            empty: if self.input.value().trim().is_empty() {
                ""
            } else {
                i.t("picker.none")
            },
        }
        .draw(f, list_area, &self.cursor, v);
    }
}
