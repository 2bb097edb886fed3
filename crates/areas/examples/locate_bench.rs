//! Times `locate()` on 10,000 random points (a fixed seed, so runs are comparable).
//!
//!     CARGO_TARGET_DIR=/work/target-areas cargo run -p sharehub-areas --release --example locate_bench
//!
//! On the shared 2-core dev machine (release): parsing the bundled files 3.2 ms once;
//! locate() about 0.30 µs per call over Seoul's bounding box (47% of the points in Seoul),
//! 0.05 µs per call when most points are outside Seoul.

use std::hint::black_box;
use std::time::{Duration, Instant};

use sharehub_core::GeoPoint;

const POINTS: usize = 10_000;
const ROUNDS: usize = 20;

/// xorshift64*: a tiny deterministic generator, good enough to scatter points.
struct Xorshift(u64);

impl Xorshift {
    fn next_unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn points(seed: u64, lat: (f64, f64), lon: (f64, f64)) -> Vec<GeoPoint> {
    let mut rng = Xorshift(seed);
    (0..POINTS)
        .map(|_| GeoPoint {
            lat: lat.0 + rng.next_unit() * (lat.1 - lat.0),
            lon: lon.0 + rng.next_unit() * (lon.1 - lon.0),
        })
        .collect()
}

/// Per-call time: the median and the best of `ROUNDS` passes over the points.
fn time(points: &[GeoPoint]) -> (Duration, Duration, usize) {
    let mut per_call = Vec::with_capacity(ROUNDS);
    let mut found = 0;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        found = points
            .iter()
            .filter(|p| black_box(sharehub_areas::locate(black_box(**p))).is_some())
            .count();
        per_call.push(start.elapsed() / points.len() as u32);
    }
    per_call.sort();
    (per_call[ROUNDS / 2], per_call[0], found)
}

fn main() {
    let start = Instant::now();
    let atlas = sharehub_areas::atlas();
    println!(
        "parse bundled files (first use): {:.1?} ({atlas:?})",
        start.elapsed()
    );

    for (label, lat, lon) in [
        (
            "Seoul's bounding box (37.41–37.72 N, 126.76–127.19 E)",
            (37.41, 37.72),
            (126.76, 127.19),
        ),
        (
            "wider area (37.0–38.0 N, 126.5–127.5 E)",
            (37.0, 38.0),
            (126.5, 127.5),
        ),
    ] {
        let points = points(0x5eed_0001, lat, lon);
        let (median, best, found) = time(&points);
        println!(
            "{label}: {POINTS} points, {found} in Seoul; locate() median {median:.2?}/call, best {best:.2?}/call"
        );
    }
}
