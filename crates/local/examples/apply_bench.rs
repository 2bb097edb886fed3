//! `cargo run --release -p sharehub-local --example apply_bench -- [resources]`: applying a
//! first sync's pages (100,000 resources by default, pages of 5,000) into an empty device
//! database, without server or HTTP: the device's share of `sync_bench`.

use std::time::Instant;

use sharehub_core::resource::{Pricing, Visibility};
use sharehub_core::wire::{AccountId, Change, ChangesPage, ResourceView};
use sharehub_core::{GeoPoint, LocalizedText, Resource, ResourceId, ResourceKind};
use sharehub_local::SyncStore;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let count: u64 = std::env::args()
        .nth(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(100_000);
    let owner = AccountId(uuid::Uuid::from_u128(0x5eed));
    let mut state = 2026_u64;
    let mut random = move || {
        // SplitMix64: reproducible without a dependency.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let kinds = [
        ResourceKind::Tool,
        ResourceKind::Room,
        ResourceKind::ParkingSpace,
        ResourceKind::Workspace,
        ResourceKind::Meal,
    ];
    let changes: Vec<Change> = (1..=count)
        .map(|n| {
            let text =
                |ko: &str, en: &str| LocalizedText::new(format!("{ko} {n}"), format!("{en} {n}"));
            let resource = Resource {
                id: ResourceId::new_v7(),
                kind: kinds[(random() * kinds.len() as f64) as usize],
                name: text("공유 물건", "Shared thing"),
                description: text("설명", "Description"),
                location: GeoPoint {
                    lat: 37.45 + random() * 0.2,
                    lon: 126.85 + random() * 0.3,
                },
                address: text("서울 마포구 월드컵로", "World Cup-ro, Mapo-gu"),
                district: LocalizedText::new("마포구", "Mapo-gu"),
                neighborhood: LocalizedText::new("망원동", "Mangwon-dong"),
                owner_name: text("이웃", "Neighbor"),
                pricing: if random() < 0.5 {
                    Pricing::Free
                } else {
                    Pricing::PerUse {
                        amount_krw: (random() * 5000.0) as u32,
                    }
                },
                capacity: Some(1 + (random() * 19.0) as u32),
                schedule: None,
                visibility: Visibility::Public,
            };
            Change::Resource {
                seq: n,
                record: Box::new(ResourceView {
                    resource,
                    owner_id: owner,
                    version: n,
                    exact: true,
                }),
            }
        })
        .collect();
    let page_size = 5000;
    let pages: Vec<(u64, ChangesPage)> = changes
        .chunks(page_size)
        .enumerate()
        .map(|(i, chunk)| {
            let since = (i * page_size) as u64;
            let next_since = since + chunk.len() as u64;
            (
                since,
                ChangesPage {
                    changes: chunk.to_vec(),
                    next_since,
                    has_more: next_since < count,
                    latest_seq: Some(count),
                },
            )
        })
        .collect();

    let dir = tempfile::tempdir()?;
    let mut store = SyncStore::open(&dir.path().join("device.db"))?;
    store.set_account(owner)?;
    let started = Instant::now();
    let cpu_before = process_cpu_seconds();
    for (since, page) in &pages {
        let applied = store.apply_page(*since, page)?;
        assert!(applied.applied);
    }
    let elapsed = started.elapsed();
    let cpu = process_cpu_seconds() - cpu_before;
    assert_eq!(store.store().count_resources()?, count);
    println!(
        "applied {count} resources in {} pages: {:.3} s ({:.2} s of CPU; {:.1} µs per resource)",
        pages.len(),
        elapsed.as_secs_f64(),
        cpu,
        elapsed.as_secs_f64() * 1e6 / count as f64
    );
    Ok(())
}

/// CPU time (user + system) this process has used, from /proc (Linux): the figure that does
/// not depend on what else the machine is doing.
fn process_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}
