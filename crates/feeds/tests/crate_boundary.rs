//! This crate parses; it never fetches, stores or serves. The server owns I/O.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

#[test]
fn no_io_dependencies() {
    let manifest =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
    let dependency_names: Vec<&str> = manifest
        .lines()
        .filter_map(|line| line.split(['=', '.', ' ']).next())
        .collect();
    for forbidden in ["tokio", "reqwest", "axum", "rusqlite", "hyper", "ureq"] {
        assert!(
            !dependency_names.contains(&forbidden),
            "sharehub-feeds must stay free of I/O: `{forbidden}` is a dependency"
        );
    }
}
