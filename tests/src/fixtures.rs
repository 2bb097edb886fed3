//! Test data: valid resources, seeds for randomized tests, accounts' sign-in requests and
//! small sync pages.

use rand::rngs::StdRng;
use rand::Rng;
use sharehub_core::resource::Visibility;
use sharehub_core::wire::{LoginRequest, SignedIn};
use sharehub_core::{GeoPoint, LocalizedText, Pricing, Resource, ResourceId, ResourceKind};
use sharehub_local::sync::SyncConfig;

/// The password of every account the harness registers.
pub const PASSWORD: &str = "correct horse battery";

/// A valid public resource with a fresh id in Mapo-gu, its texts numbered by `n`, its kind,
/// place, price and capacity drawn from `rng`.
pub fn resource(n: u64, rng: &mut StdRng) -> Resource {
    let kinds = [
        ResourceKind::Tool,
        ResourceKind::Room,
        ResourceKind::ParkingSpace,
        ResourceKind::Workspace,
        ResourceKind::Meal,
    ];
    let text = |ko: &str, en: &str| LocalizedText::new(format!("{ko} {n}"), format!("{en} {n}"));
    Resource {
        id: ResourceId::new_v7(),
        kind: kinds[rng.random_range(0..kinds.len())],
        name: text("공유 물건", "Shared thing"),
        description: text("설명", "Description"),
        location: GeoPoint {
            lat: 37.45 + rng.random_range(0.0..0.2),
            lon: 126.85 + rng.random_range(0.0..0.3),
        },
        address: text("서울 마포구 월드컵로", "World Cup-ro, Mapo-gu"),
        district: LocalizedText::new("마포구", "Mapo-gu"),
        neighborhood: LocalizedText::new("망원동", "Mangwon-dong"),
        owner_name: text("이웃", "Neighbor"),
        pricing: if rng.random_bool(0.5) {
            Pricing::Free
        } else {
            Pricing::PerUse {
                amount_krw: rng.random_range(0..5000),
            }
        },
        capacity: Some(rng.random_range(1..20)),
        schedule: None,
        visibility: Visibility::Public,
    }
}

/// The seed of a randomized test: `SHAREHUB_SEED` when set (to replay), else a new one.
pub fn seed() -> u64 {
    match std::env::var("SHAREHUB_SEED") {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("SHAREHUB_SEED must be a number, not {text:?}")),
        Err(_) => rand::rng().random(),
    }
}

/// Pages of 7 changes and batches of 5 mutations, so a few records already take many
/// round trips.
pub fn small_pages() -> SyncConfig {
    SyncConfig {
        page_size: 7,
        batch_size: 5,
        ..SyncConfig::default()
    }
}

/// How `account` signs in (every harness account has [`PASSWORD`]).
pub fn login(account: &SignedIn) -> LoginRequest {
    LoginRequest {
        login: account
            .account
            .email
            .clone()
            .or_else(|| account.account.phone.clone())
            .unwrap_or_default(),
        password: PASSWORD.into(),
    }
}
