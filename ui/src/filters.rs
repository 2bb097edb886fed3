//! The filters shared by the list and the map. They live in the URL
//! (`?kind=room&q=망원&near=37.55,126.91&r=500&price=free`), so both views always show the
//! same set, "back" restores it, and a link can be shared.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;
use sharehub_core::ipc::{IpcError, ResourceList, ResourceQuery};
use sharehub_core::{GeoPoint, ResourceKind, ResourceSummary};

use crate::ipc::call;

/// The radii a person can choose, in metres.
pub const RADII_M: [u32; 6] = [200, 500, 1000, 2000, 3000, 5000];
pub const DEFAULT_RADIUS_M: u32 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PriceFilter {
    #[default]
    Any,
    Free,
    Paid,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filters {
    pub kind: Option<ResourceKind>,
    pub text: String,
    pub near: Option<GeoPoint>,
    /// What the person called the place they search near (a dong, a station).
    pub near_label: Option<String>,
    pub radius_m: u32,
    pub price: PriceFilter,
}

/// One row of results: a resource and, when searching near a point, how far away it is.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    pub resource: ResourceSummary,
    pub distance_m: Option<f64>,
}

fn parse_point(text: &str) -> Option<GeoPoint> {
    let (lat, lon) = text.split_once(',')?;
    GeoPoint::new(lat.trim().parse().ok()?, lon.trim().parse().ok()?).ok()
}

impl Filters {
    pub fn from_params(params: &ParamsMap) -> Filters {
        let radius_m = params
            .get("r")
            .and_then(|r| r.parse().ok())
            .filter(|r| RADII_M.contains(r))
            .unwrap_or(DEFAULT_RADIUS_M);
        Filters {
            kind: params.get("kind").and_then(|k| ResourceKind::parse(&k)),
            text: params.get("q").unwrap_or_default(),
            near: params.get("near").and_then(|p| parse_point(&p)),
            near_label: params.get("at").filter(|a| !a.trim().is_empty()),
            radius_m,
            price: match params.get("price").as_deref() {
                Some("free") => PriceFilter::Free,
                Some("paid") => PriceFilter::Paid,
                _ => PriceFilter::Any,
            },
        }
    }

    /// `""` or `"?kind=…&q=…"`.
    pub fn query_string(&self) -> String {
        let mut params = Vec::new();
        if let Some(kind) = self.kind {
            params.push(format!("kind={}", kind.as_str()));
        }
        if !self.text.is_empty() {
            params.push(format!(
                "q={}",
                String::from(js_sys::encode_uri_component(&self.text))
            ));
        }
        if let Some(near) = self.near {
            params.push(format!("near={:.6},{:.6}", near.lat, near.lon));
            params.push(format!("r={}", self.radius_m));
            if let Some(label) = &self.near_label {
                params.push(format!(
                    "at={}",
                    String::from(js_sys::encode_uri_component(label))
                ));
            }
        }
        match self.price {
            PriceFilter::Any => {}
            PriceFilter::Free => params.push("price=free".into()),
            PriceFilter::Paid => params.push("price=paid".into()),
        }
        if params.is_empty() {
            String::new()
        } else {
            format!("?{}", params.join("&"))
        }
    }

    fn keeps(&self, row: &ResultRow) -> bool {
        let price_ok = match self.price {
            PriceFilter::Any => true,
            PriceFilter::Free => row.resource.pricing.is_free(),
            PriceFilter::Paid => !row.resource.pricing.is_free(),
        };
        let distance_ok = match (self.near, row.distance_m) {
            (Some(_), Some(d)) => d <= f64::from(self.radius_m),
            (Some(_), None) => false,
            (None, _) => true,
        };
        price_ok && distance_ok
    }
}

/// Great-circle distance in metres (mean Earth radius), for the few rows on screen.
pub fn distance_m(a: GeoPoint, b: GeoPoint) -> f64 {
    const EARTH_RADIUS_M: f64 = 6_371_008.8;
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

/// Loads the rows for `filters`: the one function both views use, so they always agree.
pub async fn load_rows(filters: Filters) -> Result<Vec<ResultRow>, IpcError> {
    let query = ResourceQuery {
        kind: filters.kind,
        text: Some(filters.text.clone()).filter(|t| !t.trim().is_empty()),
        ..ResourceQuery::default()
    };
    let items = call::<ResourceList>(&query).await?;
    let mut rows: Vec<ResultRow> = items
        .into_iter()
        .map(|resource| {
            let distance_m = filters
                .near
                .map(|center| distance_m(center, resource.location));
            ResultRow {
                resource,
                distance_m,
            }
        })
        .filter(|row| filters.keeps(row))
        .collect();
    if filters.near.is_some() {
        rows.sort_by(|a, b| {
            a.distance_m
                .unwrap_or(f64::MAX)
                .total_cmp(&b.distance_m.unwrap_or(f64::MAX))
        });
    }
    Ok(rows)
}

/// The current filters, and a function that changes them (replacing the history entry so
/// "back" leaves the page rather than undoing each keystroke).
pub fn use_filters() -> (Memo<Filters>, Callback<Filters>) {
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(Filters::from_params));
    let location = use_location();
    let navigate = use_navigate();
    let set = Callback::new(move |next: Filters| {
        let path = location.pathname.get_untracked();
        navigate(
            &format!("{path}{}", next.query_string()),
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    });
    (filters, set)
}
