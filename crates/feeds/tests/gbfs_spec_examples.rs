//! The GBFS specification's own examples (2.3, 3.0, 3.1-RC2), with concrete values.
//!
//! Copies of the needed files live in `tests/fixtures/spec/` (Apache-2.0, see the README
//! there), so these checks always run. When the project's shared fixture folder is
//! present (`$SHAREHUB_SHARED_DIR/fixtures/gbfs`, default `../shared` beside the
//! repository), the same checks run on it too, plus every station_information example.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sharehub_feeds::gbfs::{
    merge_station_files, parse_gbfs_discovery, parse_station_information, parse_station_status,
};
use sharehub_feeds::{FeedError, FeedSource, SkipReason};

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn instant(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .with_timezone(&Utc)
}

fn in_repo_copies(version: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/spec")
        .join(version)
}

fn shared_examples_root() -> PathBuf {
    let shared = std::env::var_os("SHAREHUB_SHARED_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        PathBuf::from,
    );
    shared.join("fixtures/gbfs")
}

/// Checks concrete values of the examples; `folder` maps a version (`2.3`, `3.0`,
/// `3.1_RC2`) to the folder holding its files.
fn check_spec_examples(folder: impl Fn(&str) -> PathBuf) {
    // 2.3: string name, POSIX timestamps, per-language discovery.
    let v2 = folder("2.3");
    let information =
        parse_station_information(&read(&v2.join("station_information-2.json"))).unwrap();
    assert!(information.report.is_clean(), "{:?}", information.report);
    assert_eq!(information.header.version.as_deref(), Some("2.3"));
    assert_eq!(
        information.header.last_updated,
        Some(instant("2021-12-30T17:59:23Z"))
    );
    assert_eq!(information.header.ttl_seconds, Some(0));
    let belmont = &information.stations[0];
    assert_eq!(belmont.station_id, "station12");
    assert_eq!(belmont.name, "SE Belmont & SE 10 th");
    assert_eq!(
        (belmont.position.lat, belmont.position.lon),
        (45.516445, -122.655775)
    );
    assert_eq!(belmont.capacity, Some(16));

    let status = parse_station_status(&read(&v2.join("station_status.json"))).unwrap();
    assert!(status.report.is_clean(), "{:?}", status.report);
    let first = &status.stations[0];
    assert_eq!(first.station_id, "station1");
    assert_eq!(first.bikes_available, Some(1));
    assert_eq!(first.docks_available, Some(3));
    assert_eq!(first.is_renting, Some(true));
    assert_eq!(first.last_reported, Some(instant("2021-01-05T17:02:05Z")));
    assert_eq!(status.stations[1].bikes_available, Some(6));

    // The examples' two files describe different stations: the merge says so.
    let merged = merge_station_files(&information, &status);
    assert_eq!(merged.stations.len(), 1);
    assert_eq!(merged.stations[0].bikes_available, None);
    assert_eq!(merged.report.stations_without_status, 1);
    let orphans: Vec<_> = merged
        .report
        .skipped
        .iter()
        .filter(|skipped| skipped.reason == SkipReason::StatusWithoutInformation)
        .filter_map(|skipped| skipped.station_id.as_deref())
        .collect();
    assert_eq!(orphans, ["station1", "station2"]);

    let discovery = parse_gbfs_discovery(&read(&v2.join("gbfs.json"))).unwrap();
    let languages: Vec<_> = discovery
        .languages
        .iter()
        .map(|language| language.language.as_deref())
        .collect();
    assert_eq!(languages, [Some("en"), Some("fr")]);
    assert_eq!(
        discovery.station_information_url().unwrap(),
        "https://www.example.com/gbfs/1/en/station_information"
    );
    assert!(matches!(
        discovery.station_status_url(),
        Err(FeedError::FeedNotListed { .. })
    ));

    // 3.0: localized names, RFC 3339 timestamps, num_vehicles_available, one feed list.
    let v3 = folder("3.0");
    let information =
        parse_station_information(&read(&v3.join("station_information-2.json"))).unwrap();
    assert!(information.report.is_clean(), "{:?}", information.report);
    let belmont = &information.stations[0];
    assert_eq!(belmont.name, "SE Belmont & SE 10th");
    assert_eq!(belmont.names[0].language.as_deref(), Some("en"));
    assert_eq!(belmont.capacity, Some(16));
    assert_eq!(
        information.header.last_updated,
        Some(instant("2023-07-17T11:34:13Z"))
    );
    let status = parse_station_status(&read(&v3.join("station_status.json"))).unwrap();
    assert!(status.report.is_clean(), "{:?}", status.report);
    assert_eq!(status.stations[0].bikes_available, Some(1));
    assert_eq!(status.stations[1].bikes_available, Some(6));
    assert_eq!(status.stations[1].docks_available, Some(8));
    assert_eq!(
        status.stations[0].last_reported,
        Some(instant("2023-07-17T11:34:13Z"))
    );
    let discovery = parse_gbfs_discovery(&read(&v3.join("gbfs.json"))).unwrap();
    assert_eq!(discovery.languages.len(), 1);
    assert_eq!(
        discovery.station_information_url().unwrap(),
        "https://www.example.com/gbfs/1/station_information"
    );

    // 3.1-RC2: the release-candidate version string and a station without capacity.
    let v31 = folder("3.1_RC2");
    let information =
        parse_station_information(&read(&v31.join("station_information-1.json"))).unwrap();
    assert!(information.report.is_clean(), "{:?}", information.report);
    assert_eq!(information.header.version.as_deref(), Some("3.1-RC"));
    assert_eq!(information.header.ttl_seconds, Some(300));
    let garage = &information.stations[0];
    assert_eq!(garage.station_id, "pga");
    assert_eq!(garage.name, "Parking garage A");
    assert_eq!(
        (garage.position.lat, garage.position.lon),
        (12.345678, 45.678901)
    );
    assert_eq!(garage.capacity, None);
    let status = parse_station_status(&read(&v31.join("station_status.json"))).unwrap();
    assert_eq!(
        merge_station_files(&information, &status).source,
        FeedSource::Gbfs {
            version: Some("3.1-RC".into())
        }
    );
    let discovery = parse_gbfs_discovery(&read(&v31.join("gbfs.json"))).unwrap();
    assert_eq!(discovery.header.ttl_seconds, Some(300));
}

#[test]
fn spec_examples_copied_into_the_repository() {
    check_spec_examples(in_repo_copies);
}

#[test]
fn spec_examples_in_the_shared_folder_when_present() {
    let root = shared_examples_root();
    if !root.join("README.md").exists() {
        // Without the shared folder, the same checks still run on the in-repo copies.
        eprintln!(
            "{} not present: checking the in-repo copies",
            root.display()
        );
        check_spec_examples(in_repo_copies);
        return;
    }
    check_spec_examples(|version| root.join(format!("spec-examples-{version}")));

    // The copies are the shared files, unchanged.
    for (version, file) in [
        ("2.3", "station_information-2.json"),
        ("2.3", "station_status.json"),
        ("3.0", "station_status.json"),
        ("3.1_RC2", "station_information-1.json"),
    ] {
        assert_eq!(
            read(&root.join(format!("spec-examples-{version}")).join(file)),
            read(&in_repo_copies(version).join(file)),
            "{version}/{file}"
        );
    }

    // Every station_information example of every version reads cleanly.
    let mut checked = 0;
    for version in ["2.3", "3.0", "3.1_RC2"] {
        let folder = root.join(format!("spec-examples-{version}"));
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !name.starts_with("station_information") {
                continue;
            }
            let file = parse_station_information(&read(&path)).unwrap();
            assert!(
                file.report.is_clean(),
                "{}: {:?}",
                path.display(),
                file.report
            );
            assert_eq!(file.stations.len(), 1, "{}", path.display());
            checked += 1;
        }
    }
    assert_eq!(checked, 8);

    let coppertail = parse_station_information(&read(
        &root.join("spec-examples-3.0/station_information-3.json"),
    ))
    .unwrap();
    assert_eq!(coppertail.header.ttl_seconds, Some(60));
    assert_eq!(coppertail.stations[0].station_id, "425");
    assert_eq!(coppertail.stations[0].name, "Coppertail");
    assert_eq!(coppertail.stations[0].position.lon, -82.430436);
}
