//! Passwords for the command line: from `RMDESK_PASSWORD` for the acting user, else one
//! line at a time from standard input; at a terminal, a prompt that does not echo.
use std::io::{BufRead, IsTerminal, Write};

use anyhow::{bail, Context};
use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::terminal;

/// Reads passwords one after another from the same standard input.
pub struct Secrets {
    lines: Box<dyn Iterator<Item = std::io::Result<String>>>,
    interactive: bool,
}

impl Secrets {
    /// A reader over this process's standard input.
    pub fn stdin() -> Secrets {
        let interactive = std::io::stdin().is_terminal();
        Secrets {
            lines: Box::new(std::io::stdin().lock().lines()),
            interactive,
        }
    }

    /// The next password: asked with `prompt` at a terminal, else the next input line.
    pub fn next(&mut self, prompt: &str) -> anyhow::Result<String> {
        if self.interactive {
            return prompt_hidden(prompt);
        }
        match self.lines.next() {
            Some(line) => {
                let line = line.context("standard input cannot be read")?;
                Ok(line.trim_end_matches(['\r', '\n']).to_string())
            }
            None => bail!("{prompt}: expected a password on standard input, found none"),
        }
    }

    /// The acting user's password: `RMDESK_PASSWORD` when set, else [`Secrets::next`].
    pub fn acting(&mut self, username: &str) -> anyhow::Result<String> {
        match std::env::var("RMDESK_PASSWORD") {
            Ok(p) if !p.is_empty() => Ok(p),
            _ => self.next(&format!("password of {username}")),
        }
    }
}

fn prompt_hidden(prompt: &str) -> anyhow::Result<String> {
    eprint!("{prompt}: ");
    let _ = std::io::stderr().flush();
    terminal::enable_raw_mode().context("the terminal cannot be set up for a password")?;
    let result = read_hidden();
    let _ = terminal::disable_raw_mode();
    eprintln!();
    result
}

fn read_hidden() -> anyhow::Result<String> {
    let mut text = String::new();
    loop {
        if let Event::Key(key) = event::read()? {
            if key.kind == KeyEventKind::Release {
                continue;
            }
            match key.code {
                KeyCode::Enter => return Ok(text),
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    bail!("cancelled")
                }
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char(c) => text.push(c),
                _ => {}
            }
        }
    }
}
