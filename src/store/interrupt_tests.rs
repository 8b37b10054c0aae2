//! An [`Interrupter`](super::Interrupter) stops the query running on its store's
//! connection from another thread, and the error says so.
use super::Store;

#[test]
fn an_interrupted_query_fails_as_interrupted() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&dir.path().join("t.db")).expect("open");
    let stop = store.interrupter();
    let run = std::thread::spawn(move || {
        // Counts for ever unless interrupted.
        store
            .conn()
            .query_row(
                "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map_err(super::StoreError::from)
    });
    while !run.is_finished() {
        std::thread::sleep(std::time::Duration::from_millis(20));
        stop.interrupt();
    }
    let err = run.join().expect("thread").expect_err("interrupted");
    assert!(err.is_interrupted(), "{err:?}");
    assert!(!super::StoreError::NotFound.is_interrupted());
}
