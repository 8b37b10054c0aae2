//! rmdesk's entry point: parses the command line (`cli`), then starts the screens (`tui`)
//! when there is no subcommand, else runs the command. The two faces share the store and
//! never import each other; only this file knows both.
use rmdesk::{cli, logging, tui};

fn main() {
    std::process::exit(run());
}

/// The process exit code: 0 ok, 1 a failure (one line on standard error), 2 bad usage.
fn run() -> i32 {
    let parsed = match cli::parse() {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    logging::init();
    let result = if parsed.command.is_none() {
        cli::screen_start(&parsed).and_then(|start| {
            tui::run(tui::Options {
                db_path: start.db_path,
                lang: start.lang,
                config_dir: start.config_dir,
                theme: start.theme,
                recovery: start.recovery,
            })
        })
    } else {
        cli::run(parsed)
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            let line = one_line(&e);
            tracing::error!("{line}");
            eprintln!("rmdesk: {line}");
            1
        }
    }
}

/// The error and its causes on one line, each cause once: an error whose message already
/// tells its cause (`… cannot be read: permission denied`) does not repeat it.
fn one_line(e: &anyhow::Error) -> String {
    let mut line = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !line.contains(&cause) {
            line.push_str(": ");
            line.push_str(&cause);
        }
    }
    line
}
