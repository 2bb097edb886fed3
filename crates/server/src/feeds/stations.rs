//! Turning a feed's stations into `bike_station` resources: stable ids, names in both
//! languages, gu and dong from the bundled boundaries, the operator's price.
//!
//! Choices (see README-server.md):
//! - id: the first 16 bytes of SHA-256(`sharehub:bike_station`, feed key, station id) as a
//!   UUID (version 8, "custom"): the same station always gets the same id;
//! - names: the Korean and English names the feed gives; a feed with one language (Seoul,
//!   GBFS 2.x) gives that name for both;
//! - district and neighborhood: `sharehub_areas::locate`; outside Seoul both are
//!   "서울특별시 밖" / "Outside Seoul";
//! - address: the feed's (for both languages), else the dong and gu;
//! - price: Seoul 따릉이 1,000 won per 60 minutes (the 1-hour pass); GBFS systems `free`
//!   (GBFS pricing plans are not read: the app shows the operator's own terms);
//! - capacity: the feed's dock count when it is above 0.

use sha2::{Digest, Sha256};
use sharehub_core::resource::{Visibility, MAX_NAME_CHARS, MAX_TEXT_CHARS};
use sharehub_core::{LocalizedText, Pricing, Resource, ResourceId, ResourceKind};
use sharehub_feeds::{FeedSnapshot, LocalizedName, StationSnapshot};

use super::ingest::{LiveCounts, StationRecord};
use super::StationFeed;
use crate::rules::text_problems;

/// Both names of places outside the bundled boundaries.
const OUTSIDE_SEOUL: (&str, &str) = ("서울특별시 밖", "Outside Seoul");

/// The resource id of a feed's station: the same for the same feed key and station id.
pub fn station_resource_id(feed_key: &str, station_id: &str) -> ResourceId {
    let digest = Sha256::new()
        .chain_update(b"sharehub:bike_station\n")
        .chain_update(feed_key.as_bytes())
        .chain_update(b"\n")
        .chain_update(station_id.as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    ResourceId(uuid::Builder::from_custom_bytes(bytes).into_uuid())
}

/// The stations of a snapshot as records to store, and why the others were left out.
#[derive(Debug, Default)]
pub(super) struct Converted {
    pub records: Vec<StationRecord>,
    pub rejected: Vec<String>,
}

pub(super) fn records(feed: &StationFeed, snapshot: &FeedSnapshot) -> Converted {
    let key = feed.key();
    let mut converted = Converted::default();
    for station in &snapshot.stations {
        let resource = station_resource(feed, &key, station);
        let mut problems = resource.problems();
        problems.extend(text_problems(&resource));
        if problems.is_empty() {
            converted.records.push(StationRecord {
                resource,
                station_id: station.station_id.clone(),
                live: LiveCounts {
                    bikes_available: station.bikes_available,
                    docks_available: station.docks_available,
                    is_renting: station.is_renting,
                    is_returning: station.is_returning,
                    last_reported: station.last_reported,
                },
            });
        } else {
            let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
            converted.rejected.push(format!(
                "station {}: {}",
                station.station_id,
                problems.join("; ")
            ));
        }
    }
    converted
}

/// The name in a language (a tag matches its primary language: `ko-KR` is Korean).
fn name_in<'a>(names: &'a [LocalizedName], language: &str) -> Option<&'a str> {
    names
        .iter()
        .find(|name| {
            name.language.as_deref().is_some_and(|tag| {
                tag.split(['-', '_'])
                    .next()
                    .is_some_and(|primary| primary.eq_ignore_ascii_case(language))
            })
        })
        .map(|name| name.text.as_str())
}

fn truncated(text: &str, max: usize) -> String {
    text.trim().chars().take(max).collect()
}

struct Operator {
    description: LocalizedText,
    owner_name: LocalizedText,
    pricing: Pricing,
}

fn operator(feed: &StationFeed) -> Operator {
    match feed {
        StationFeed::SeoulBikeList { .. } => Operator {
            description: LocalizedText::new(
                "서울시 공공자전거 따릉이 대여소. 1시간 이용권 1,000원. 실시간 대여 가능 대수는 서울 열린데이터광장 제공.",
                "Seoul public bike (Ttareungyi) station. 1-hour pass 1,000 won. Live bike counts from Seoul Open Data.",
            ),
            owner_name: LocalizedText::new("서울특별시 따릉이", "Seoul Ttareungyi"),
            pricing: Pricing::PerPeriod {
                amount_krw: 1000,
                period_minutes: 60,
            },
        },
        StationFeed::GbfsDiscovery { .. } | StationFeed::GbfsStations { .. } => Operator {
            description: LocalizedText::new(
                "공공자전거 대여소. 요금과 이용 방법은 운영사 안내를 따릅니다. 실시간 정보는 GBFS 제공.",
                "Public bike station. Prices and terms are the operator's. Live data from GBFS.",
            ),
            owner_name: LocalizedText::new("공공자전거", "Public bike share"),
            pricing: Pricing::Free,
        },
    }
}

fn station_resource(feed: &StationFeed, key: &str, station: &StationSnapshot) -> Resource {
    let ko = name_in(&station.names, "ko");
    let en = name_in(&station.names, "en");
    let name = LocalizedText::new(
        truncated(ko.or(en).unwrap_or(&station.name), MAX_NAME_CHARS),
        truncated(en.or(ko).unwrap_or(&station.name), MAX_NAME_CHARS),
    );
    let (district, neighborhood) = match sharehub_areas::locate(station.position) {
        Some(found) => {
            let neighborhood = found.dong.map_or_else(|| found.gu.name.clone(), |d| d.name);
            (found.gu.name, neighborhood)
        }
        None => {
            let outside = LocalizedText::new(OUTSIDE_SEOUL.0, OUTSIDE_SEOUL.1);
            (outside.clone(), outside)
        }
    };
    let address = match station.address.as_deref().map(str::trim) {
        Some(address) if !address.is_empty() => {
            let address = truncated(address, MAX_TEXT_CHARS);
            LocalizedText::new(address.clone(), address)
        }
        _ if district.ko == OUTSIDE_SEOUL.0 => district.clone(),
        _ => LocalizedText::new(
            format!("{} {}", district.ko, neighborhood.ko),
            format!("{}, {}", neighborhood.en, district.en),
        ),
    };
    let operator = operator(feed);
    Resource {
        id: station_resource_id(key, &station.station_id),
        kind: ResourceKind::BikeStation,
        name,
        description: operator.description,
        location: station.position,
        address,
        district,
        neighborhood,
        owner_name: operator.owner_name,
        pricing: operator.pricing,
        capacity: station.capacity.filter(|&docks| docks > 0),
        schedule: None,
        visibility: Visibility::Public,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_per_feed_and_station() {
        let a = station_resource_id("seoul:bikeList", "ST-4");
        assert_eq!(a, station_resource_id("seoul:bikeList", "ST-4"));
        assert_ne!(a, station_resource_id("seoul:bikeList", "ST-5"));
        assert_ne!(a, station_resource_id("gbfs:https://x/gbfs.json", "ST-4"));
        assert_eq!(a.0.get_version_num(), 8);
        // Fixed forever: changing it would duplicate every station on every device.
        assert_eq!(a.to_string(), "26b2e199-e6e1-8e5f-9ede-88aac3068151");
    }

    #[test]
    fn stations_outside_seoul_say_so_and_one_name_serves_both_languages() {
        let station = StationSnapshot {
            station_id: "B-1".into(),
            name: "Haeundae".into(),
            names: vec![LocalizedName {
                text: "Haeundae".into(),
                language: None,
            }],
            position: sharehub_core::GeoPoint {
                lat: 35.1587,
                lon: 129.1604,
            },
            address: None,
            capacity: Some(0),
            bikes_available: None,
            docks_available: None,
            is_installed: None,
            is_renting: None,
            is_returning: None,
            last_reported: None,
            occupancy_percent: None,
        };
        let feed = StationFeed::GbfsStations {
            station_information_url: "http://127.0.0.1/i.json".into(),
            station_status_url: "http://127.0.0.1/s.json".into(),
        };
        let resource = station_resource(&feed, &feed.key(), &station);
        assert_eq!(resource.name, LocalizedText::new("Haeundae", "Haeundae"));
        let outside = LocalizedText::new("서울특별시 밖", "Outside Seoul");
        assert_eq!(resource.district, outside);
        assert_eq!(resource.neighborhood, outside);
        assert_eq!(resource.address, outside);
        assert_eq!(resource.capacity, None);
        assert_eq!(resource.pricing, Pricing::Free);
        assert!(resource.problems().is_empty());
    }

    #[test]
    fn one_language_names_both_and_tags_match_their_primary_language() {
        let names = [
            LocalizedName {
                text: "Mangwon".into(),
                language: Some("en".into()),
            },
            LocalizedName {
                text: "망원".into(),
                language: Some("ko-KR".into()),
            },
        ];
        assert_eq!(name_in(&names, "ko"), Some("망원"));
        assert_eq!(name_in(&names, "en"), Some("Mangwon"));
        assert_eq!(name_in(&names[..1], "ko"), None);
    }
}
