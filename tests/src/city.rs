//! A generated city for map tests and benchmarks: `n` resources spread over Seoul, written
//! straight into an app's data folder through the store's bulk insert
//! (`Store::upsert_resources`) before the app starts, so 100,000 take seconds, not a sync.

use std::path::Path;

use anyhow::Result;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sharehub_core::resource::Visibility;
use sharehub_core::{GeoPoint, LocalizedText, Pricing, Resource, ResourceId, ResourceKind};

/// The kinds a generated city holds, in turn.
pub const KINDS: [ResourceKind; 5] = [
    ResourceKind::Tool,
    ResourceKind::Room,
    ResourceKind::ParkingSpace,
    ResourceKind::Workspace,
    ResourceKind::Meal,
];

/// `n` resources at random points over Seoul (the same ones for the same `seed`), kinds
/// in turn, every other one free.
pub fn resources(n: usize, seed: u64) -> Vec<Resource> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|i| {
            let text =
                |ko: &str, en: &str| LocalizedText::new(format!("{ko} {i}"), format!("{en} {i}"));
            Resource {
                id: ResourceId::new_v7(),
                kind: KINDS[i % KINDS.len()],
                name: text("도시 물건", "City item"),
                description: text("벤치마크용 공유 자원", "A shared resource for benchmarks"),
                location: GeoPoint {
                    lat: rng.random_range(37.46..37.68),
                    lon: rng.random_range(126.82..127.16),
                },
                address: text("서울 어딘가", "Somewhere in Seoul"),
                district: LocalizedText::new("서울", "Seoul"),
                neighborhood: LocalizedText::new("동네", "Neighborhood"),
                owner_name: text("이웃", "Neighbor"),
                pricing: if i % 2 == 0 {
                    Pricing::Free
                } else {
                    Pricing::PerUse { amount_krw: 1000 }
                },
                capacity: Some(1),
                schedule: None,
                visibility: Visibility::Public,
            }
        })
        .collect()
}

/// Writes `resources` into the app's device database in `data_dir` (the file the app
/// opens: `SHAREHUB_DATA_DIR/sharehub.db`), 10,000 per transaction.
pub fn seed_data_dir(data_dir: &Path, resources: &[Resource]) -> Result<()> {
    std::fs::create_dir_all(data_dir)?;
    let mut store = sharehub_local::Store::open(&data_dir.join("sharehub.db"))?;
    for chunk in resources.chunks(10_000) {
        store.upsert_resources(chunk)?;
    }
    Ok(())
}

/// Markers plus the resources inside clusters on the map page, read in one step.
pub const ON_MAP_JS: &str = "let n = document.querySelectorAll('[data-test=map-marker]').length;
     for (const c of document.querySelectorAll('[data-test=map-cluster]')) n += Number(c.dataset.count);
     return n;";
