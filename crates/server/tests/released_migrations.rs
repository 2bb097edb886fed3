//! A migration that has shipped is never edited, renamed or removed: a database that ran
//! it would never run the new text. Each released file is listed here with its SHA-256
//! (`sha256sum FILE`); whoever releases a new migration adds its line. Files numbered after
//! the last listed one (not yet released) may come and change freely.
// Test helpers unwrap like tests do (clippy.toml allows it only inside test functions).
#![allow(clippy::unwrap_used)]

use std::path::Path;

use sha2::{Digest, Sha256};

/// (file under `src/storage/sqlite/`, SHA-256).
const RELEASED_SQLITE: &[(&str, &str)] = &[
    (
        "0001_initial.sql",
        "bdb1a223a648202143e0dcd8e60b5d66149bf6eec4c31e76fed7046ef43d3d5d",
    ),
    (
        "0002_station_status.sql",
        "9df6eb93204ac14f5e9f30351392a4f10cc3b40095d26f6ebaef22cddfa11cd6",
    ),
    (
        "0003_change_audience.sql",
        "d5f9fadc5d7648f3c59b0d2d291f50d05583f9bba6533bf7162f74c2862b1ad2",
    ),
    (
        "0004_resource_shown_place.sql",
        "b7b4805b7f8d2d11aca6d09b91b0a8faefa73ac4efdb3378ee26bca9da77b10c",
    ),
    (
        "0005_reservations.sql",
        "86cad880934ee3ecae3ef624e219e35e7b78aa4ea716f2d9514d7e5ec0d5abed",
    ),
];

/// (file under `src/storage/postgres/`, SHA-256).
const RELEASED_POSTGRES: &[(&str, &str)] = &[
    (
        "0001_initial.sql",
        "3934770fd8ff0dd7567d0a87605529556a449a4918ca93b93e96e1a085474d4a",
    ),
    (
        "0002_station_status.sql",
        "b50f498632a7920f7d6182d75e75adc6aad7903560dca6da184d759389a74021",
    ),
    (
        "0003_change_audience.sql",
        "ffec52c16cfdd05bdefdc066d103d37af7c635d3d62fec44f41f5006fc51311b",
    ),
    (
        "0004_resource_shown_place.sql",
        "194d3bdc49deb752e1164f91fe1ce361bb24c8c9ff882edb0959323650e5b8ff",
    ),
    (
        "0005_reservations.sql",
        "e1c912a130e849045f2b32036877530b00d5c45c06211737c09e871cdb4ec20f",
    ),
];

/// Fails if a released migration in `dir` changed or is gone, or if the numbered files are
/// not `0001_…`, `0002_…`, … in a row starting with the released ones.
fn check_released(dir: &str, released: &[(&str, &str)]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".sql"))
        .collect();
    files.sort();
    for (n, name) in files.iter().enumerate() {
        assert!(
            name.starts_with(&format!("{:04}_", n + 1)),
            "{}: migrations must be numbered in a row from 0001; found {name} at place {}",
            dir.display(),
            n + 1
        );
    }
    for (n, (name, sha256)) in released.iter().enumerate() {
        let path = dir.join(name);
        let text = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("the released migration {} is gone: {e}", path.display()));
        assert_eq!(
            &hex::encode(Sha256::digest(&text)),
            sha256,
            "the released migration {} was edited: add a new migration instead",
            path.display()
        );
        assert_eq!(files.get(n), Some(&name.to_string()), "{}", dir.display());
    }
}

#[test]
fn released_sqlite_migrations_are_never_edited() {
    check_released("src/storage/sqlite", RELEASED_SQLITE);
}

#[test]
fn released_postgres_migrations_are_never_edited() {
    check_released("src/storage/postgres", RELEASED_POSTGRES);
}
