//! Timing helpers shared by the benchmarks.
#![allow(dead_code)] // each benchmark uses its share

use std::time::{Duration, Instant};

/// Runs `f` once to warm up, then `n` times; the durations, sorted.
pub fn sample(n: usize, mut f: impl FnMut()) -> Vec<Duration> {
    f();
    let mut out: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    out.sort();
    out
}

/// The `p` quantile (0–1) of sorted durations.
pub fn quantile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Prints median, p90, p99 and max of sorted durations.
pub fn report(what: &str, sorted: &[Duration]) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{what}: median {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms (n={})",
        ms(quantile(sorted, 0.5)),
        ms(quantile(sorted, 0.9)),
        ms(quantile(sorted, 0.99)),
        ms(quantile(sorted, 1.0)),
        sorted.len()
    );
}

/// A raw SQLite connection to the database at `path`, keyed when it is encrypted (its
/// key unwrapped with the demo password of any of its users).
pub fn raw(path: &std::path::Path) -> rusqlite::Result<rusqlite::Connection> {
    use rmdesk::store::{cipher, keys};
    if cipher::is_encrypted(path) && cipher::recall(path).is_none() {
        if let Ok(Some(file)) = keys::KeyFile::load(&keys::key_path(path)) {
            for name in file.user_names() {
                if cipher::unlock(path, name, rmdesk::store::demo::DEMO_PASSWORD) {
                    break;
                }
            }
        }
    }
    cipher::connect(path)
}

/// The whole number in the environment variable `name`, or `default`.
pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The number in the environment variable `name`, or `default`.
pub fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Makes the demo database `db` with `clients` clients (seed 1) by running
/// `rmdesk demo`, data folder `data`, unless it exists; prints how long it took.
pub fn demo_db_at(db: &std::path::Path, data: &std::path::Path, clients: u64) {
    if db.exists() {
        return;
    }
    let t = Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rmdesk"))
        .args(["--db", db.to_str().expect("utf-8"), "demo"])
        .args(["--clients", &clients.to_string(), "--seed", "1"])
        .env("RMDESK_DATA_DIR", data)
        .output()
        .expect("rmdesk demo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!(
        "rmdesk demo --clients {clients}: {:.1} s",
        t.elapsed().as_secs_f64()
    );
}

/// `n` search texts of each kind taken from random clients (ids 1 to `max`, seed 42) of
/// the database on `conn`: name starts (3 letters of a Latin name, 1 or 2 characters of
/// a Chinese one), 4-digit fragments of the mobile, the ID number's last 4.
pub fn search_texts(conn: &rusqlite::Connection, max: i64, n: usize) -> [Vec<String>; 3] {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    let mut rng = StdRng::seed_from_u64(42);
    let (mut names, mut phones, mut tails) = (Vec::new(), Vec::new(), Vec::new());
    let mut stmt = conn
        .prepare("SELECT name, coalesce(mobile, ''), id_number FROM clients WHERE id = ?1")
        .expect("sql");
    while names.len() < n {
        let id = rng.gen_range(1..=max);
        let Ok((name, mobile, id_number)) = stmt.query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        }) else {
            continue;
        };
        let chars: Vec<char> = name.chars().collect();
        let take = if chars.iter().all(char::is_ascii) {
            3.min(chars.len())
        } else {
            rng.gen_range(1..=chars.len().min(2))
        };
        names.push(chars[..take].iter().collect::<String>());
        let digits: String = mobile.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 4 {
            let start = rng.gen_range(0..=digits.len() - 4);
            phones.push(digits[start..start + 4].to_string());
        }
        if id_number.len() >= 4 {
            tails.push(id_number[id_number.len() - 4..].to_string());
        }
    }
    [names, phones, tails]
}
