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
