//! A device migration that has shipped is never edited, renamed or removed: a device that
//! ran it would never run the new text. Each released file is listed here with its SHA-256
//! (`sha256sum FILE`); whoever releases a new migration adds its line. Files numbered after
//! the last listed one (not yet released) may come and change freely.
// Test helpers unwrap like tests do (clippy.toml allows it only inside test functions).
#![allow(clippy::unwrap_used)]

use std::path::Path;

use sha2::{Digest, Sha256};

/// (file under `src/store/migrations/`, SHA-256).
const RELEASED: &[(&str, &str)] = &[
    (
        "0001_resources.sql",
        "353e174093dc0abaac3d87a3c3400e64dcab755458db52e5daa630ba6e85f66c",
    ),
    (
        "0002_settings_and_search.sql",
        "42ab872dee389ea3b86f27d7003213ec805dd519cf134c438b58428125a4e671",
    ),
    (
        "0003_areas_and_near.sql",
        "d747632c8ff185ec5c7e93fcf85b5b4b1b7b6f3750a68942254fef20ee4268ad",
    ),
    (
        "0004_sync.sql",
        "d49ded449aea97e7b69e2f9688e80b6412046ee0f7ef37bd420b36be32a76397",
    ),
    (
        "0005_station_status.sql",
        "4709004623b4bd79d0a69a29393595123d650da6653b67cd792a01678cb4a307",
    ),
    (
        "0006_boxes_after_pull.sql",
        "306af99c8b7f0732a914e17d3aefc777dead7921bf9d48e07f44c975ab2a080e",
    ),
    (
        "0007_sync_many_kinds.sql",
        "79c19aacb46ba18ab403823340dcdd48227271934e077a49498f2115d6a732ed",
    ),
    (
        "0008_bookings.sql",
        "b9704fcd891e85642151754f9610fffd3066093eb060961063952167660ba306",
    ),
];

#[test]
fn released_device_migrations_are_never_edited() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/migrations");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".sql"))
        .collect();
    files.sort();
    for (n, name) in files.iter().enumerate() {
        assert!(
            name.starts_with(&format!("{:04}_", n + 1)),
            "migrations must be numbered in a row from 0001; found {name} at place {}",
            n + 1
        );
    }
    for (n, (name, sha256)) in RELEASED.iter().enumerate() {
        let path = dir.join(name);
        let text = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("the released migration {} is gone: {e}", path.display()));
        let digest: String = Sha256::digest(&text)
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        assert_eq!(
            &digest, sha256,
            "the released migration {name} was edited: add a new migration instead"
        );
        assert_eq!(files.get(n), Some(&name.to_string()));
    }
}
