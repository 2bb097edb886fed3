//! "Near me" (`Store::near`) and the area filter, on real SQLite files: the demo data for
//! the known places, random cities compared with a brute-force scan of every row, and the
//! R*Tree kept in step with the resource table by every kind of write.

#![allow(clippy::unwrap_used)] // test set-up helpers

use geo::{Destination, Distance, Haversine, Point};
use proptest::prelude::*;
use sharehub_core::demo::DemoFile;
use sharehub_core::geo_point::boxes_around;
use sharehub_core::ipc::{NearQuery, NearbyResource, ResourceQuery};
use sharehub_core::{GeoPoint, Pricing, Resource, ResourceId, ResourceKind, ResourceSummary};
use sharehub_local::{Error, Store};

const DEMO: &str = include_str!("../../../assets/demo/seoul.json");

/// Exit 1 of 망원역 (Mangwon Station), Mapo-gu.
const MANGWON_STATION: GeoPoint = GeoPoint {
    lat: 37.5558,
    lon: 126.9105,
};

fn demo() -> DemoFile {
    DemoFile::parse(DEMO).unwrap()
}

fn seeded() -> (tempfile::TempDir, Store, DemoFile) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("device.db")).unwrap();
    let demo = demo();
    store.seed_if_empty(&demo).unwrap();
    (dir, store, demo)
}

fn distance(a: GeoPoint, b: GeoPoint) -> f64 {
    Haversine.distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat))
}

fn assert_sorted_within(found: &[NearbyResource], query: &NearQuery) {
    assert!(found.len() <= query.limit as usize);
    for pair in found.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            (a.distance_m, a.summary.id) < (b.distance_m, b.summary.id),
            "not sorted: {} m {} then {} m {}",
            a.distance_m,
            a.summary.id,
            b.distance_m,
            b.summary.id
        );
    }
    for r in found {
        assert!(r.distance_m <= query.radius_m, "{} m", r.distance_m);
        assert_eq!(r.distance_m, distance(query.center, r.summary.location));
    }
}

#[test]
fn near_mangwon_station_are_its_bike_stations_market_and_kitchen() {
    let (_dir, store, _demo) = seeded();
    let query = NearQuery::new(MANGWON_STATION, 500.0);
    let found = store.near(&query).unwrap();
    assert_sorted_within(&found, &query);
    assert!(found.len() >= 5, "{} resources", found.len());
    let names: Vec<&str> = found.iter().map(|r| r.summary.name.ko.as_str()).collect();
    for expected in [
        "102. 망원역 1번출구 앞",
        "103. 망원역 2번출구 앞",
        "104. 망원시장 입구",
    ] {
        assert!(names.contains(&expected), "{expected} not in {names:?}");
    }
    assert!(
        names.iter().any(|n| n.contains("공유부엌")),
        "no shared kitchen in {names:?}"
    );
    // The nearest is one of the station's own bike stations, a few dozen metres away.
    assert!(found[0].distance_m < 200.0, "{} m", found[0].distance_m);
}

#[test]
fn limit_kind_free_text_and_area_filters_narrow_the_answer() {
    let (_dir, store, _demo) = seeded();
    let wide = NearQuery {
        limit: 200,
        ..NearQuery::new(MANGWON_STATION, 5000.0)
    };
    let all = store.near(&wide).unwrap();
    assert_sorted_within(&all, &wide);
    assert!(all.len() > 20, "{}", all.len());

    let three = store
        .near(&NearQuery {
            limit: 3,
            ..wide.clone()
        })
        .unwrap();
    assert_eq!(three, all[..3].to_vec());

    let bikes = store
        .near(&NearQuery {
            kind: Some(ResourceKind::BikeStation),
            ..wide.clone()
        })
        .unwrap();
    let expected: Vec<_> = all
        .iter()
        .filter(|r| r.summary.kind == ResourceKind::BikeStation)
        .cloned()
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(bikes, expected);

    let free = store
        .near(&NearQuery {
            free_only: true,
            ..wide.clone()
        })
        .unwrap();
    let expected: Vec<_> = all
        .iter()
        .filter(|r| r.summary.pricing.is_free())
        .cloned()
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(free, expected);

    let mangwon = store
        .near(&NearQuery {
            text: Some(" MANGWON ".into()),
            ..wide.clone()
        })
        .unwrap();
    let listed = store
        .list_resources(&ResourceQuery {
            text: Some("망원".into()),
            ..ResourceQuery::default()
        })
        .unwrap();
    let mut near_ids: Vec<_> = mangwon.iter().map(|r| r.summary.id).collect();
    let mut listed_ids: Vec<_> = listed.iter().map(|r| r.id).collect();
    near_ids.sort();
    listed_ids.sort();
    assert_eq!(
        near_ids, listed_ids,
        "all Mangwon resources are within 5 km"
    );

    let dong = sharehub_areas::locate(MANGWON_STATION)
        .unwrap()
        .dong
        .unwrap();
    let in_dong = store
        .near(&NearQuery {
            area: Some(dong.code.clone()),
            ..wide.clone()
        })
        .unwrap();
    let expected: Vec<_> = all
        .iter()
        .filter(|r| r.summary.neighborhood == dong.name)
        .cloned()
        .collect();
    assert!(expected.len() >= 3, "{}", expected.len());
    assert_eq!(in_dong, expected);
    let in_gu = store
        .near(&NearQuery {
            area: Some(dong.code[..5].to_owned()),
            ..wide
        })
        .unwrap();
    assert!(in_gu.len() > in_dong.len());
    assert!(in_gu.iter().all(|r| r.summary.district.ko == "마포구"));
}

#[test]
fn invalid_queries_are_refused_with_the_field_that_is_wrong() {
    let (_dir, store, _demo) = seeded();
    let ok = NearQuery::new(MANGWON_STATION, 500.0);
    let cases = [
        (NearQuery::new(MANGWON_STATION, 199.0), "radius_m"),
        (NearQuery::new(MANGWON_STATION, 5000.5), "radius_m"),
        (NearQuery::new(MANGWON_STATION, f64::NAN), "radius_m"),
        (
            NearQuery {
                limit: 0,
                ..ok.clone()
            },
            "limit",
        ),
        (
            NearQuery {
                area: Some("마포구".into()),
                ..ok.clone()
            },
            "area",
        ),
        (
            NearQuery::new(
                GeoPoint {
                    lat: 37.5,
                    lon: 181.0,
                },
                500.0,
            ),
            "center",
        ),
    ];
    for (query, field) in cases {
        match store.near(&query) {
            Err(Error::Invalid { field: f, problem }) => {
                assert_eq!(f, field, "{problem}");
                assert!(!problem.is_empty());
            }
            other => panic!("{query:?}: {other:?}"),
        }
    }
    let err = store
        .list_resources(&ResourceQuery {
            area: Some("11140a".into()),
            ..ResourceQuery::default()
        })
        .unwrap_err();
    assert!(
        matches!(err, Error::Invalid { ref field, .. } if field == "area"),
        "{err}"
    );
}

#[test]
fn outside_seoul_there_are_no_area_codes_and_near_still_works() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("device.db")).unwrap();
    let template = demo().resources[0].clone();
    // Busan, then both sides of the antimeridian and next to the North Pole.
    let places = [
        (35.1796, 129.0756),
        (0.0, 179.9995),
        (0.0, -179.9995),
        (89.9999, 12.0),
    ];
    let resources: Vec<Resource> = places
        .iter()
        .enumerate()
        .map(|(i, &(lat, lon))| resource(&template, i, GeoPoint { lat, lon }))
        .collect();
    store.upsert_resources(&resources).unwrap();
    assert!(store.areas_with_resources().unwrap().is_empty());

    let busan = store
        .near(&NearQuery::new(resources[0].location, 200.0))
        .unwrap();
    assert_eq!(busan.len(), 1);
    assert_eq!(busan[0].distance_m, 0.0);

    let across = store
        .near(&NearQuery::new(
            GeoPoint {
                lat: 0.0,
                lon: 180.0,
            },
            500.0,
        ))
        .unwrap();
    let ids: Vec<_> = across.iter().map(|r| r.summary.id).collect();
    assert_eq!(ids.len(), 2, "{across:?}");
    assert!(ids.contains(&resources[1].id) && ids.contains(&resources[2].id));

    let pole = store
        .near(&NearQuery::new(
            GeoPoint {
                lat: 90.0,
                lon: -170.0,
            },
            5000.0,
        ))
        .unwrap();
    assert_eq!(pole.len(), 1);
    assert_eq!(pole[0].summary.id, resources[3].id);
}

#[test]
fn areas_with_resources_counts_each_gu_and_dong_once() {
    let (_dir, store, demo) = seeded();
    let areas = store.areas_with_resources().unwrap();
    let mapo = areas.iter().find(|a| a.code == "11140").unwrap();
    assert_eq!(mapo.name.ko, "마포구");
    assert_eq!(mapo.name.en, "Mapo-gu");
    let in_mapo = demo
        .resources
        .iter()
        .filter(|r| r.district.ko == "마포구")
        .count();
    assert_eq!(mapo.count, in_mapo as u64);
    // Sorted by code, each gu right before its dong.
    assert!(areas.windows(2).all(|w| w[0].code < w[1].code));
    for (i, area) in areas.iter().enumerate() {
        if area.code.len() == 7 {
            let gu = areas[..i].iter().rev().find(|a| a.code.len() == 5).unwrap();
            assert_eq!(gu.code, area.code[..5]);
        }
    }
}

// --- random cities, compared with a brute-force scan ------------------------------------

fn id(i: usize) -> ResourceId {
    format!("0190a6c8-0000-7000-8000-{i:012x}").parse().unwrap()
}

fn resource(template: &Resource, i: usize, location: GeoPoint) -> Resource {
    let mut r = template.clone();
    r.id = id(i);
    r.location = location;
    r
}

/// A resource somewhere in and around Seoul (some points fall outside it), with a kind,
/// a price and a name word drawn at random.
fn random_resource(template: &Resource, i: usize, at: GeoPoint, spec: ResourceSpec) -> Resource {
    let (_, _, kind, free, alpha) = spec;
    let mut r = resource(template, i, at);
    r.kind = ResourceKind::ALL[kind % ResourceKind::ALL.len()];
    r.pricing = if free {
        Pricing::Free
    } else {
        Pricing::PerUse { amount_krw: 500 }
    };
    let word = if alpha { "Alpha" } else { "Beta" };
    r.name.en = format!("{word} {i}");
    r.name.ko = format!("{word} {i}");
    r
}

fn brute_force(store: &Store, query: &NearQuery) -> Vec<NearbyResource> {
    let all: Vec<ResourceSummary> = store.list_resources(&ResourceQuery::default()).unwrap();
    let area_of = |s: &ResourceSummary| {
        sharehub_areas::locate(s.location).map(|m| (m.gu.code, m.dong.map(|d| d.code)))
    };
    let mut found: Vec<NearbyResource> = all
        .into_iter()
        .filter(|s| query.kind.is_none_or(|k| s.kind == k))
        .filter(|s| !query.free_only || s.pricing.is_free())
        .filter(|s| {
            query
                .text
                .as_deref()
                .is_none_or(|t| s.name.en.to_lowercase().contains(&t.trim().to_lowercase()))
        })
        .filter(|s| {
            query.area.as_deref().is_none_or(|code| match area_of(s) {
                Some((gu, dong)) => gu == code || dong.as_deref() == Some(code),
                None => false,
            })
        })
        .map(|s| NearbyResource {
            distance_m: distance(query.center, s.location),
            summary: s,
        })
        .filter(|r| r.distance_m <= query.radius_m)
        .collect();
    found.sort_by(|a, b| {
        a.distance_m
            .total_cmp(&b.distance_m)
            .then(a.summary.id.cmp(&b.summary.id))
    });
    found.truncate(query.limit as usize);
    found
}

/// Where a random city lies: all over Seoul (sparse), or packed into a few square
/// kilometres around Mangwon (dense: the search stops early and widens little).
#[derive(Debug, Clone, Copy)]
struct Region {
    lat: (f64, f64),
    lon: (f64, f64),
}

const SEOUL_WIDE: Region = Region {
    lat: (37.45, 37.68),
    lon: (126.80, 127.15),
};
const AROUND_MANGWON: Region = Region {
    lat: (37.545, 37.565),
    lon: (126.895, 126.925),
};

/// The point at fractions `(x, y)` of the region's width and height.
fn point_in(region: Region, (x, y): (f64, f64)) -> GeoPoint {
    GeoPoint {
        lat: region.lat.0 + y * (region.lat.1 - region.lat.0),
        lon: region.lon.0 + x * (region.lon.1 - region.lon.0),
    }
}

/// Resources at random places (as fractions of the region); every fifth shares the place
/// of the one before it, so that equal distances (broken by id) happen.
/// Per resource: x and y fractions, kind index, free, "Alpha" (else "Beta") in the name.
type ResourceSpec = (f64, f64, usize, bool, bool);

fn city_spec() -> impl Strategy<Value = (Region, Vec<ResourceSpec>)> {
    let spec = prop::collection::vec(
        (
            0.0..1.0f64,
            0.0..1.0f64,
            0..9usize,
            any::<bool>(),
            any::<bool>(),
        ),
        1..250,
    )
    .prop_map(|mut spec| {
        for i in (5..spec.len()).step_by(5) {
            (spec[i].0, spec[i].1) = (spec[i - 1].0, spec[i - 1].1);
        }
        spec
    });
    (prop_oneof![Just(SEOUL_WIDE), Just(AROUND_MANGWON)], spec)
}

/// A query whose centre is given as fractions of the region (placed by the test).
fn query_spec() -> impl Strategy<Value = ((f64, f64), NearQuery)> {
    (
        (0.0..1.0f64, 0.0..1.0f64),
        200.0..=5000.0f64,
        1..60u32,
        prop::option::of(0..9usize),
        any::<bool>(),
        prop::option::of(prop_oneof![Just("alpha"), Just("BETA 1")]),
        prop::option::of(prop_oneof![
            Just("11140"),
            Just("11230"),
            Just("1114069"),
            Just("1123075")
        ]),
    )
        .prop_map(|(at, radius_m, limit, kind, free_only, text, area)| {
            let query = NearQuery {
                limit,
                kind: kind.map(|k| ResourceKind::ALL[k]),
                free_only,
                area: area.map(str::to_owned),
                text: text.map(str::to_owned),
                ..NearQuery::new(GeoPoint { lat: 0.0, lon: 0.0 }, radius_m)
            };
            (at, query)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Every answer is within the radius and sorted, and it is exactly what a scan of every
    /// row finds: nothing within the radius is missed, whatever the filters.
    #[test]
    fn near_equals_a_brute_force_scan(
        (region, city) in city_spec(),
        queries in prop::collection::vec(query_spec(), 1..6),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("city.db")).unwrap();
        let template = demo().resources[0].clone();
        let resources: Vec<Resource> = city
            .iter()
            .enumerate()
            .map(|(i, &spec)| {
                random_resource(&template, i, point_in(region, (spec.0, spec.1)), spec)
            })
            .collect();
        store.upsert_resources(&resources).unwrap();
        for (at, query) in queries {
            let query = NearQuery { center: point_in(region, at), ..query };
            let found = store.near(&query).unwrap();
            assert_sorted_within(&found, &query);
            prop_assert_eq!(found, brute_force(&store, &query));
        }
        // Near the points themselves, so that small radii find something too.
        for r in resources.iter().step_by(25) {
            let query = NearQuery { limit: 10, ..NearQuery::new(r.location, 200.0) };
            let found = store.near(&query).unwrap();
            prop_assert!(found.iter().any(|f| f.summary.id == r.id && f.distance_m == 0.0));
            prop_assert_eq!(found, brute_force(&store, &query));
        }
    }

    /// Every point within the radius (by `geo`'s haversine) lies in one of the boxes, all
    /// over the globe, poles and antimeridian included.
    #[test]
    fn every_point_within_the_radius_is_in_a_box(
        lat in -90.0..=90.0f64,
        lon in -180.0..=180.0f64,
        radius in 0.0..=20_000.0f64,
        bearing in 0.0..360.0f64,
        fraction in 0.0..=1.0f64,
    ) {
        let center = Point::new(lon, lat);
        let mut to = Haversine.destination(center, bearing, radius * fraction);
        if to.x() > 180.0 {
            to.set_x(to.x() - 360.0);
        } else if to.x() < -180.0 {
            to.set_x(to.x() + 360.0);
        }
        let to_point = GeoPoint { lat: to.y(), lon: to.x() };
        prop_assume!(Haversine.distance(center, to) <= radius);
        let boxes = boxes_around(GeoPoint { lat, lon }, radius);
        prop_assert!(
            boxes.iter().any(|b| b.contains(to_point)),
            "{:?} not in {:?}", to_point, boxes
        );
    }

    /// Inserts, replacements, moves and deletes, by the store or by plain SQL, keep exactly
    /// one R*Tree box per resource, around its point.
    #[test]
    fn the_rtree_follows_every_write(steps in prop::collection::vec((0..4u8, 0..20usize, 37.45..37.68f64, 126.80..127.15f64), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("rtree.db")).unwrap();
        let template = demo().resources[0].clone();
        for (op, i, lat, lon) in steps {
            let r = resource(&template, i, GeoPoint { lat, lon });
            match op {
                0 => store.upsert_resources(&[r]).unwrap(),
                1 => {
                    store.connection().execute("DELETE FROM resource WHERE id = ?1", [r.id.to_string()]).unwrap();
                }
                2 => {
                    store.connection().execute(
                        "UPDATE resource SET lat = ?2, lon = ?3 WHERE id = ?1",
                        rusqlite::params![r.id.to_string(), lat, lon],
                    ).unwrap();
                }
                _ => {
                    store.connection().execute(
                        "INSERT INTO resource (id, kind, name_ko, name_en, description_ko,
                             description_en, lat, lon, address_ko, address_en, district_ko,
                             district_en, neighborhood_ko, neighborhood_en, owner_name_ko,
                             owner_name_en, pricing, visibility)
                         SELECT ?1, kind, name_ko, name_en, description_ko, description_en, ?2, ?3,
                             address_ko, address_en, district_ko, district_en, neighborhood_ko,
                             neighborhood_en, owner_name_ko, owner_name_en, pricing, visibility
                         FROM resource LIMIT 1
                         ON CONFLICT (id) DO UPDATE SET lat = excluded.lat, lon = excluded.lon",
                        rusqlite::params![r.id.to_string(), lat, lon],
                    ).unwrap();
                }
            }
            let conn = store.connection();
            let resources: i64 = conn.query_row("SELECT count(*) FROM resource", [], |row| row.get(0)).unwrap();
            let boxes: i64 = conn.query_row("SELECT count(*) FROM resource_rtree", [], |row| row.get(0)).unwrap();
            let around: i64 = conn.query_row(
                "SELECT count(*) FROM resource AS r JOIN resource_rtree AS t ON t.id = r.rowid
                 WHERE t.min_lat <= r.lat AND r.lat <= t.max_lat
                   AND t.min_lon <= r.lon AND r.lon <= t.max_lon
                   AND t.max_lat - t.min_lat < 1e-4 AND t.max_lon - t.min_lon < 1e-4",
                [], |row| row.get(0)).unwrap();
            prop_assert_eq!((boxes, around), (resources, resources));
        }
    }
}
