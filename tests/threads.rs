//! The documented in-process concurrency: `SharedMem` is `Send + Sync`; any number of threads
//! may read and use the atomic `count` accessors through `&SharedMem` at once.

use std::sync::Arc;

use gofuzz_shm::SharedMem;

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn shared_mem_is_send_and_sync() {
    assert_send_sync::<SharedMem>();
}

#[test]
fn concurrent_count_adds_are_exact_while_readers_read() {
    const THREADS: i64 = 4;
    const ADDS: i64 = 50_000;
    let dir = tempfile::tempdir().unwrap();
    let mut region = SharedMem::create_in(dir.path(), 64).unwrap();
    region.set_value(b"stable value").unwrap();
    region.set_count(0);
    let region = Arc::new(region);

    let adders: Vec<_> = (0..THREADS)
        .map(|_| {
            let region = Arc::clone(&region);
            std::thread::spawn(move || {
                for _ in 0..ADDS {
                    region.count_add(1);
                }
            })
        })
        .collect();
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let region = Arc::clone(&region);
            std::thread::spawn(move || {
                let mut last = 0;
                for _ in 0..10_000 {
                    assert_eq!(region.value_copy().unwrap(), b"stable value");
                    let count = region.count();
                    assert!(count >= last, "count went backwards: {count} < {last}");
                    last = count;
                }
            })
        })
        .collect();
    for t in adders.into_iter().chain(readers) {
        t.join().unwrap();
    }
    assert_eq!(region.count(), THREADS * ADDS);
    let region = Arc::try_unwrap(region).unwrap();
    region.close().unwrap();
}

#[test]
fn a_region_moves_to_another_thread_and_closes_there() {
    let dir = tempfile::tempdir().unwrap();
    let mut region = SharedMem::create_in(dir.path(), 8).unwrap();
    region.set_value(b"moved").unwrap();
    let path = region.path().unwrap().to_path_buf();
    std::thread::spawn(move || {
        assert_eq!(region.value_copy().unwrap(), b"moved");
        region.close().unwrap();
    })
    .join()
    .unwrap();
    assert!(!path.exists());
}
