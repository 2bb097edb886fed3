//! Parse + merge time of a generated 3,000-station GBFS feed (about Seoul's size).
//!
//! Run: `cargo run --release -p sharehub-feeds --example feeds_bench`
//! Prints per-refresh figures for GBFS 2.3 and 3.0: a full refresh (both files) and the
//! usual one (`station_information` cached, `station_status` parsed and merged).

use std::error::Error;
use std::hint::black_box;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sharehub_feeds::gbfs::{
    merge_station_files, parse_gbfs_stations, parse_station_information, parse_station_status,
};

const STATIONS: usize = 3_000;
const ROUNDS: usize = 200;

fn main() -> Result<(), Box<dyn Error>> {
    for version in ["2.3", "3.0"] {
        let (information, status) = generated_feed(version);
        let information = serde_json::to_vec(&information)?;
        let status = serde_json::to_vec(&status)?;

        let snapshot = parse_gbfs_stations(&information, &status)?;
        if snapshot.stations.len() != STATIONS || !snapshot.report.is_clean() {
            return Err(format!("generated {version} feed did not parse cleanly").into());
        }

        let full = measure(|| {
            black_box(parse_gbfs_stations(black_box(&information), black_box(&status)).ok());
        });
        let cached = parse_station_information(&information)?;
        let status_only = measure(|| {
            if let Ok(parsed) = parse_station_status(black_box(&status)) {
                black_box(merge_station_files(&cached, &parsed));
            }
        });
        println!(
            "GBFS {version}, {STATIONS} stations ({} KiB information + {} KiB status), {ROUNDS} rounds:",
            information.len() / 1024,
            status.len() / 1024
        );
        println!("  full refresh (parse both + merge): {full}");
        println!("  status refresh (parse status + merge with cached information): {status_only}");
    }
    Ok(())
}

struct Figures {
    median: Duration,
    mean: Duration,
    min: Duration,
    max: Duration,
}

impl std::fmt::Display for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |duration: Duration| duration.as_secs_f64() * 1000.0;
        write!(
            f,
            "median {:.2} ms, mean {:.2} ms, min {:.2} ms, max {:.2} ms",
            ms(self.median),
            ms(self.mean),
            ms(self.min),
            ms(self.max)
        )
    }
}

fn measure(mut refresh: impl FnMut()) -> Figures {
    for _ in 0..10 {
        refresh();
    }
    let mut times: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let started = Instant::now();
            refresh();
            started.elapsed()
        })
        .collect();
    times.sort();
    let total: Duration = times.iter().sum();
    Figures {
        median: times[ROUNDS / 2],
        mean: total / u32::try_from(ROUNDS).unwrap_or(u32::MAX),
        min: times[0],
        max: times[ROUNDS - 1],
    }
}

/// Stations spread over Seoul, names in Korean and English, deterministic values.
fn generated_feed(version: &str) -> (Value, Value) {
    let v3 = version.starts_with('3');
    let mut information = Vec::with_capacity(STATIONS);
    let mut status = Vec::with_capacity(STATIONS);
    for index in 0..STATIONS {
        let id = format!("ST-{}", index + 1);
        let number = index + 101;
        let step = index as f64;
        let lat = 37.45 + (step * 0.618_034).fract() * 0.25;
        let lon = 126.80 + (step * 0.414_214).fract() * 0.40;
        let capacity = 10 + index % 20;
        let bikes = (index * 7) % (capacity + 5);
        let name_ko = format!("{number}. 정류소 {number}번");
        let name_en = format!("{number}. Station {number}");
        let name = if v3 {
            json!([{"text": name_en, "language": "en"}, {"text": name_ko, "language": "ko"}])
        } else {
            json!(name_ko)
        };
        information.push(json!({
            "station_id": id,
            "name": name,
            "lat": lat,
            "lon": lon,
            "address": format!("서울특별시 마포구 월드컵로 {number}"),
            "capacity": capacity,
        }));
        let reported: Value = if v3 {
            json!(format!(
                "2026-11-26T11:{:02}:{:02}+09:00",
                index % 60,
                (index * 7) % 60
            ))
        } else {
            json!(1_795_658_400 + index)
        };
        let bikes_field = if v3 {
            "num_vehicles_available"
        } else {
            "num_bikes_available"
        };
        status.push(json!({
            "station_id": id,
            bikes_field: bikes,
            "num_docks_available": capacity.saturating_sub(bikes),
            "is_installed": true,
            "is_renting": index % 50 != 0,
            "is_returning": true,
            "last_reported": reported,
        }));
    }
    let last_updated = if v3 {
        json!("2026-11-26T11:00:00+09:00")
    } else {
        json!(1_795_658_400)
    };
    let file = |stations: Vec<Value>, ttl: u32| json!({"last_updated": last_updated, "ttl": ttl, "version": version, "data": {"stations": stations}});
    (file(information, 86_400), file(status, 60))
}
