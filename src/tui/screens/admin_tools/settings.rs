//! Settings: every setting with its meaning, value, unit, bounds and default; Enter
//! edits one in a popup, and a value out of bounds is refused at the field with the
//! bounds in the message. Each change is audited by the store with before and after.
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::Row;
use ratatui::Frame;

use super::ToolForm;
use crate::store::settings::Spec;
use crate::store::StoreError;
use crate::tui::i18n::I18n;
use crate::tui::keymap::Action;
use crate::tui::popup::{Stack, Step};
use crate::tui::screens::{store_error_text, Ctx, Screen, View};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::list_table::{Cursor, ListTable};
use crate::tui::widgets::popup_form::PopupForm;

/// The settings list's state.
#[derive(Debug, Default)]
pub struct SettingsView {
    rows: Vec<(&'static Spec, i64)>,
    cursor: Cursor,
    /// The edit popup; a save reports `()`.
    popups: Stack<()>,
}

/// A setting's unit in the user's language.
fn unit(i: &I18n, spec: &Spec) -> String {
    i.t(&format!("unit.{}", spec.unit)).to_string()
}

/// "from MIN to MAX UNIT".
fn bounds(i: &I18n, spec: &Spec) -> String {
    i.f(
        "settings.bounds",
        &[
            ("min", &spec.min.to_string()),
            ("max", &spec.max.to_string()),
            ("unit", &unit(i, spec)),
        ],
    )
}

impl SettingsView {
    fn selected(&self) -> Option<(&'static Spec, i64)> {
        self.rows.get(self.cursor.selected).copied()
    }

    /// Opens the edit popup of the selected setting (tests type into it).
    pub fn edit_selected(&mut self, i: &I18n) {
        if let Some((spec, value)) = self.selected() {
            let mut p = PopupForm::new(
                i.t(&format!("setting.{}", spec.key)).to_string(),
                vec![Field::text(
                    "value",
                    i.t("settings.value"),
                    &value.to_string(),
                )],
            );
            p.note = Some(format!(
                "{} · {}",
                bounds(i, spec),
                i.f("settings.default", &[("d", &spec.default.to_string())])
            ));
            p.hide_behind = false;
            self.popups.push(ToolForm::new(p, move |form, ctx| {
                Self::save(spec, form, ctx)
            }));
        }
    }

    fn save(spec: &'static Spec, form: &mut PopupForm, ctx: &mut Ctx<'_>) -> Step<()> {
        let i = ctx.i18n;
        let Ok(value) = form.form.trimmed("value").parse::<i64>() else {
            form.form.set_error("value", i.t("settings.whole_number"));
            return Step::Open;
        };
        match ctx.store.set_setting(ctx.actor, spec.key, value) {
            Ok(()) => {
                ctx.info(i.f(
                    "settings.saved",
                    &[("key", spec.key), ("value", &value.to_string())],
                ));
                Step::Done(())
            }
            Err(StoreError::Invalid {
                key: "err.setting.bounds",
                ..
            }) => {
                let text = i.f(
                    "err.setting.bounds",
                    &[
                        ("min", &spec.min.to_string()),
                        ("max", &spec.max.to_string()),
                        ("unit", &unit(i, spec)),
                    ],
                );
                form.form.set_error("value", text);
                Step::Open
            }
            Err(e) => {
                form.refused(&e, ctx);
                Step::Open
            }
        }
    }
}

impl Screen for SettingsView {
    fn title_key(&self) -> &'static str {
        "admin.section.settings"
    }

    fn reload(&mut self, ctx: &mut Ctx<'_>) {
        match ctx.store.all_settings() {
            Ok(rows) => self.rows = rows,
            Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
        }
        self.cursor.clamp(self.rows.len());
    }

    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        match self.popups.on_key(key, ctx) {
            Some(Step::Done(())) => {
                self.reload(ctx);
                return true;
            }
            Some(step) => return step.used(),
            None => {}
        }
        let k = ctx.keys;
        let len = self.rows.len();
        if k.is(key, Action::Down) {
            self.cursor.step(1, len);
        } else if k.is(key, Action::Up) {
            self.cursor.step(-1, len);
        } else if k.is(key, Action::First) {
            self.cursor.selected = 0;
        } else if k.is(key, Action::Last) {
            self.cursor.step(isize::MAX, len);
        } else if k.is(key, Action::Edit) || k.is(key, Action::Open) {
            self.edit_selected(ctx.i18n);
        } else {
            return false;
        }
        true
    }

    fn on_paste(&mut self, text: &str) {
        self.popups.paste(text);
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let rows: Vec<Row> = self
            .rows
            .iter()
            .map(|(spec, value)| {
                Row::new(vec![
                    Line::from(i.t(&format!("setting.{}", spec.key)).to_string()),
                    Line::from(format!("{value} {}", unit(i, spec))),
                    Line::from(format!("{}–{}", spec.min, spec.max)),
                    Line::from(spec.default.to_string()),
                ])
            })
            .collect();
        ListTable {
            title: i.t("settings.title").to_string(),
            header: vec![
                i.t("settings.c.meaning").into(),
                i.t("settings.c.value").into(),
                i.t("settings.c.bounds").into(),
                i.t("settings.c.default").into(),
            ],
            widths: vec![
                Constraint::Min(24),
                Constraint::Length(16),
                Constraint::Length(16),
                Constraint::Length(11),
            ],
            rows,
            empty: "",
        }
        .draw(f, area, &self.cursor, v);
        self.popups.draw(f, area, v);
    }

    fn commands(&self) -> Vec<Action> {
        self.popups
            .commands()
            .unwrap_or_else(|| vec![Action::NextTab, Action::Edit, Action::Up, Action::Down])
    }

    fn has_unsaved(&self) -> bool {
        self.popups.is_dirty()
    }

    fn modal(&self) -> bool {
        !self.popups.is_empty()
    }
}
