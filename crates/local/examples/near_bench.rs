//! "Near me" at city scale: 1,000,000 resources spread over Seoul in a real SQLite file,
//! then the 20 nearest within 500 m of random points in Seoul.
//!
//!     cargo run --release -p sharehub-local --example near_bench [-- RESOURCES [QUERIES]]
//!
//! Prints the insert time (through `Store::upsert_resources`, which also looks up each
//! resource's gu and dong) and the p50/p99/max latency of `Store::near`.

use std::time::{Duration, Instant};

use sharehub_core::demo::DemoFile;
use sharehub_core::ipc::NearQuery;
use sharehub_core::{GeoPoint, Pricing, Resource, ResourceId, ResourceKind};
use sharehub_local::Store;

const DEMO: &str = include_str!("../../../assets/demo/seoul.json");
const BATCH: usize = 10_000;

/// SplitMix64: a small deterministic generator, so every run measures the same city.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A point inside Seoul (rejection sampling over its bounding box).
    fn point_in_seoul(&mut self) -> GeoPoint {
        loop {
            let p = GeoPoint {
                lat: 37.413 + self.unit() * (37.716 - 37.413),
                lon: 126.734 + self.unit() * (127.270 - 126.734),
            };
            if sharehub_areas::locate(p).is_some() {
                return p;
            }
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let total: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let queries: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(5_000);

    let dir = tempfile::tempdir()?;
    // NEAR_BENCH_DB=FILE keeps the database for a rerun (which then skips inserting).
    let path = std::env::var_os("NEAR_BENCH_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("bench.db"));
    let existing = path.exists();
    let mut store = Store::open(&path)?;
    let template = DemoFile::parse(DEMO)?
        .resources
        .into_iter()
        .next()
        .ok_or("the demo file is empty")?;
    let mut rng = Rng(20_251_126);

    let started = Instant::now();
    let mut in_store = Duration::ZERO;
    let mut batch: Vec<Resource> = Vec::with_capacity(BATCH);
    for i in 0..if existing { 0 } else { total } {
        let mut r = template.clone();
        r.id = format!("019ac000-0000-7000-8000-{i:012x}").parse::<ResourceId>()?;
        r.location = rng.point_in_seoul();
        r.kind = ResourceKind::ALL[(rng.next() % ResourceKind::ALL.len() as u64) as usize];
        r.pricing = if rng.next().is_multiple_of(4) {
            Pricing::Free
        } else {
            Pricing::PerUse { amount_krw: 1000 }
        };
        batch.push(r);
        if batch.len() == BATCH || i + 1 == total {
            let t = Instant::now();
            store.upsert_resources(&batch)?;
            in_store += t.elapsed();
            batch.clear();
        }
    }
    let insert = started.elapsed();
    let size = std::fs::metadata(&path)?.len() + wal_size(&path);
    if !existing {
        println!(
            "inserted {total} resources in {:.1} s, of which {:.1} s in Store::upsert_resources \
             ({:.1} µs per resource, gu/dong lookup and R*Tree included, batches of {BATCH}); \
             file {:.0} MiB",
            insert.as_secs_f64(),
            in_store.as_secs_f64(),
            in_store.as_secs_f64() * 1e6 / total as f64,
            size as f64 / (1024.0 * 1024.0)
        );
    }
    if let Some(pragmas) = std::env::var_os("NEAR_BENCH_PRAGMAS") {
        store
            .connection()
            .execute_batch(&pragmas.to_string_lossy())?;
    }
    let mut center_rng = Rng(7);
    let centers: Vec<GeoPoint> = (0..queries).map(|_| center_rng.point_in_seoul()).collect();
    for (label, kind) in [
        ("any kind", None),
        ("bike stations only", Some(ResourceKind::BikeStation)),
    ] {
        let query_at = |center| NearQuery {
            limit: 20,
            kind,
            ..NearQuery::new(center, 500.0)
        };
        // Warm the page cache and the statement cache.
        for &center in centers.iter().take(200) {
            store.near(&query_at(center))?;
        }
        // Three passes over the same centres. The machine may be shared: a query that the
        // scheduler interrupts is slow for reasons of its own, so besides every timing
        // (`all`), the best of the three passes per centre is reported too (`best of 3`).
        let mut all = Vec::with_capacity(3 * centers.len());
        let mut best = vec![Duration::MAX; centers.len()];
        let mut found = 0usize;
        for _ in 0..3 {
            for (i, &center) in centers.iter().enumerate() {
                let t = Instant::now();
                let answer = store.near(&query_at(center))?;
                let took = t.elapsed();
                all.push(took);
                best[i] = best[i].min(took);
                found += answer.len();
            }
        }
        for (which, mut times) in [("all", all), ("best of 3", best)] {
            times.sort();
            println!(
                "near, 20 nearest within 500 m, {label}, {which}: {} timings, p50 {:.0} µs, p99 {:.0} µs, max {:.0} µs",
                times.len(),
                percentile(&times, 0.50).as_secs_f64() * 1e6,
                percentile(&times, 0.99).as_secs_f64() * 1e6,
                times.last().copied().unwrap_or_default().as_secs_f64() * 1e6,
            );
        }
        println!(
            "  {:.1} results per query on average",
            found as f64 / (3 * centers.len()) as f64
        );
    }
    Ok(())
}

fn wal_size(db: &std::path::Path) -> u64 {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).map(|m| m.len()).unwrap_or(0)
}
