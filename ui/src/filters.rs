//! The filters shared by the list and the map. They live in the URL
//! (`?kind=room&q=망원&near=37.55,126.91&r=500&price=free`), so both views always show the
//! same set, "back" restores it, and a link can be shared.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;
use sharehub_core::ipc::{
    IpcError, NearQuery, PriceChoice, ResourceList, ResourceNear, ResourcePageArgs,
    ResourcePageGet, ResourceQuery,
};
use sharehub_core::text::Language;
use sharehub_core::{GeoPoint, ResourceKind, ResourceSummary};

use crate::ipc::call;

/// Most rows a "near" search lists (nearest first).
pub const NEAR_LIMIT: u32 = 200;

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

/// "Available now / at a chosen time", by each resource's schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OpenFilter {
    #[default]
    Any,
    Now,
    /// A wall-clock time in Seoul (UTC+9 all year: Korea has no daylight saving).
    At(chrono::NaiveDateTime),
}

/// The app's display zone is Asia/Seoul, a fixed UTC+9.
const SEOUL_OFFSET_SECONDS: i64 = 9 * 3600;

impl OpenFilter {
    fn instant(self) -> Option<chrono::DateTime<chrono::Utc>> {
        match self {
            OpenFilter::Any => None,
            OpenFilter::Now => chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64),
            OpenFilter::At(local) => {
                Some(local.and_utc() - chrono::Duration::seconds(SEOUL_OFFSET_SECONDS))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filters {
    pub kind: Option<ResourceKind>,
    pub text: String,
    /// A gu (5 digits) or dong (7 digits) code.
    pub area: Option<String>,
    pub near: Option<GeoPoint>,
    /// What the person called the place they search near (a dong, a station).
    pub near_label: Option<String>,
    pub radius_m: u32,
    pub price: PriceFilter,
    pub open: OpenFilter,
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
            area: params.get("area").filter(|a| {
                !a.is_empty() && a.len() <= 10 && a.bytes().all(|b| b.is_ascii_digit())
            }),
            near: params.get("near").and_then(|p| parse_point(&p)),
            near_label: params.get("at").filter(|a| !a.trim().is_empty()),
            radius_m,
            open: match params.get("open").as_deref() {
                Some("now") => OpenFilter::Now,
                Some(at) => chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M")
                    .map(OpenFilter::At)
                    .unwrap_or_default(),
                None => OpenFilter::Any,
            },
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
        if let Some(area) = &self.area {
            params.push(format!("area={area}"));
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
        match self.open {
            OpenFilter::Any => {}
            OpenFilter::Now => params.push("open=now".into()),
            OpenFilter::At(at) => params.push(format!("open={}", at.format("%Y-%m-%dT%H:%M"))),
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

    /// The query of the list and the map (everything but "near").
    pub fn list_query(&self) -> ResourceQuery {
        ResourceQuery {
            kind: self.kind,
            text: Some(self.text.clone()).filter(|t| !t.trim().is_empty()),
            area: self.area.clone(),
            open_at: self.open.instant(),
            price: match self.price {
                PriceFilter::Any => PriceChoice::Any,
                PriceFilter::Free => PriceChoice::Free,
                PriceFilter::Paid => PriceChoice::Paid,
            },
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

/// Loads the rows for `filters`: the one function both views use, so they always agree.
/// "Near" searches run on the device's spatial index (`resource_near`), nearest first.
pub async fn load_rows(filters: Filters) -> Result<Vec<ResultRow>, IpcError> {
    let rows: Vec<ResultRow> = match filters.near {
        Some(center) => {
            let list = filters.list_query();
            let query = NearQuery {
                center,
                radius_m: f64::from(filters.radius_m),
                limit: NEAR_LIMIT,
                kind: list.kind,
                free_only: list.price == PriceChoice::Free,
                area: list.area,
                text: list.text,
                open_at: list.open_at,
            };
            call::<ResourceNear>(&query)
                .await?
                .into_iter()
                .map(|n| ResultRow {
                    resource: n.summary,
                    distance_m: Some(n.distance_m),
                })
                .collect()
        }
        None => call::<ResourceList>(&filters.list_query())
            .await?
            .into_iter()
            .map(|resource| ResultRow {
                resource,
                distance_m: None,
            })
            .collect(),
    };
    Ok(rows.into_iter().filter(|row| filters.keeps(row)).collect())
}

/// The list's rows for `filters` a page at a time: the first `limit` by name in `language`
/// and how many match in all. The same filters as [`load_rows`] (near searches, which are
/// few rows nearest first, go through it), so the list and the map agree.
pub async fn load_list_page(
    filters: Filters,
    language: Language,
    limit: u32,
) -> Result<(Vec<ResultRow>, usize), IpcError> {
    if filters.near.is_some() {
        let rows = load_rows(filters).await?;
        let total = rows.len();
        return Ok((rows, total));
    }
    let args = ResourcePageArgs {
        query: filters.list_query(),
        language,
        limit,
    };
    let page = call::<ResourcePageGet>(&args).await?;
    let rows = page
        .rows
        .into_iter()
        .map(|resource| ResultRow {
            resource,
            distance_m: None,
        })
        .collect();
    Ok((rows, usize::try_from(page.total).unwrap_or(usize::MAX)))
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
