//! The map: what the visible area needs of the filtered set (markers, or clusters the
//! device's store made when many are in view), the Seoul gu outlines (the background when
//! tiles cannot load), and "near" by a tap. The count is the filtered set's total, the
//! list's number.

use leptos::html::Div;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use sharehub_core::i18n::{cluster_label, in_view_count, result_count, Msg};
use sharehub_core::ipc::{
    AreaOutlineArgs, AreaOutlineGet, IpcError, MapBoundaries, MapCells, MapViewArgs, MapViewGet,
    NoArgs,
};

use crate::app::{use_lang, use_settings, ErrorBox, ListUrl};
use crate::filter_bar::{FilterBar, View};
use crate::filters::{load_rows, use_filters, Filters, ResultRow};
use crate::ipc::call;
use crate::live_bikes::use_live_bikes;
use crate::map::{ClusterItem, MapView, MarkerItem, TileOptions, TileState, ViewBox};
use crate::sync_status::use_sync;

/// What the map shows for the current filters and view.
#[derive(Debug, Clone, PartialEq)]
enum Shown {
    /// A "near" search: its few rows, nearest first (all of them are markers).
    Near(Vec<ResultRow>),
    /// The visible area of the filtered set, from the store.
    Area(MapCells),
}

impl Shown {
    fn total(&self) -> u64 {
        match self {
            Shown::Near(rows) => rows.len() as u64,
            Shown::Area(cells) => cells.total,
        }
    }

    fn in_view(&self) -> Option<u64> {
        match self {
            Shown::Near(_) => None,
            Shown::Area(cells) => Some(cells.in_view),
        }
    }
}

/// Asks for what `view` needs of `filters`: near rows, or the store's markers and clusters.
async fn load_shown(filters: Filters, view: ViewBox, extent: bool) -> Result<Shown, IpcError> {
    if filters.near.is_some() {
        return Ok(Shown::Near(load_rows(filters).await?));
    }
    let args = MapViewArgs {
        query: filters.list_query(),
        view: view.bounds,
        zoom: view.zoom,
        extent,
    };
    Ok(Shown::Area(call::<MapViewGet>(&args).await?))
}

#[component]
pub fn ResourceMapPage() -> impl IntoView {
    let lang = use_lang();
    let settings = use_settings();
    let (filters, set_filters) = use_filters();
    let location = use_location();
    let remember = expect_context::<ListUrl>().0;
    // Remember this page with its filters for "back" (only while this page is shown: on
    // the way out the location already names the next page).
    Effect::new(move |_| {
        if location.pathname.get() == "/map" {
            remember.set(format!("/map{}", filters.get().query_string()));
        }
    });

    let live = use_live_bikes();
    let sync = use_sync();
    let data_version = Memo::new(move |_| sync.with(|s| s.data_version));
    let tiles = RwSignal::new(None::<TileState>);
    let problem = RwSignal::new(None::<IpcError>);
    let view_box = RwSignal::new(None::<ViewBox>);
    let shown = RwSignal::new(None::<Result<Shown, IpcError>>);
    let container = NodeRef::<Div>::new();
    let map_view = StoredValue::new_local(None::<MapView>);
    let navigate = use_navigate();

    // Create the map once its element is in the page.
    Effect::new(move |_| {
        let Some(element) = container.get() else {
            return;
        };
        if map_view.with_value(Option::is_some) {
            return;
        }
        let source = settings
            .get_untracked()
            .map(|s| s.map_tiles)
            .unwrap_or_default();
        let navigate = navigate.clone();
        let created = MapView::new(
            &element,
            TileOptions {
                tile_url: &source.url_template,
                attribution: &source.attribution,
            },
            move |id| navigate(&format!("/resources/{id}"), Default::default()),
            move |lat, lon| {
                let mut next = filters.get_untracked();
                next.near = sharehub_core::GeoPoint::new(lat, lon).ok();
                next.near_label = None;
                set_filters.run(next);
            },
            move |state| tiles.set(Some(state)),
            move |view| view_box.set(Some(view)),
        );
        match created {
            Ok(view) => {
                view.handle.report_view();
                map_view.set_value(Some(view));
                leptos::task::spawn_local(async move {
                    match call::<MapBoundaries>(&NoArgs {}).await {
                        Ok(geojson) => map_view.with_value(|v| {
                            if let Some(v) = v {
                                v.handle.set_boundaries(&geojson)
                            }
                        }),
                        Err(error) => problem.set(Some(error)),
                    }
                });
            }
            Err(detail) => problem.set(Some(IpcError::Internal { detail })),
        }
    });
    on_cleanup(move || map_view.set_value(None));

    // Ask again whenever the filters, the view or the device's data change; only the answer
    // to the latest question is drawn. The first answer also fits the map to the whole
    // filtered set (unless an area or "near" already chose where to look).
    let asked = StoredValue::new(0u64);
    let fitted = StoredValue::new(false);
    Effect::new(move |_| {
        let f = filters.get();
        data_version.track();
        let Some(view) = view_box.get() else { return };
        let n = asked.get_value() + 1;
        asked.set_value(n);
        let fit = !fitted.get_value() && f.area.is_none() && f.near.is_none();
        fitted.set_value(true);
        leptos::task::spawn_local(async move {
            let answer = load_shown(f, view, fit).await;
            if asked.get_value() != n {
                return;
            }
            if let (true, Ok(Shown::Area(cells))) = (fit, &answer) {
                if let Some(extent) = cells.extent {
                    map_view.with_value(|v| {
                        if let Some(v) = v {
                            v.fit_to(extent)
                        }
                    });
                }
            }
            // The same answer (a "near" search while the map moves, a pan inside one street)
            // redraws nothing: markers a person is about to click stay where they are.
            let answer = Some(answer);
            shown.maybe_update(|shown| {
                let changed = *shown != answer;
                if changed {
                    *shown = answer;
                }
                changed
            });
        });
    });

    // Markers and clusters follow the answer, the language and the live counts.
    Effect::new(move |_| {
        let language = lang.get();
        let Some(Ok(answer)) = shown.get() else {
            return;
        };
        let (markers, clusters) = live.with(|live| match &answer {
            Shown::Near(rows) => (
                rows.iter()
                    .map(|row| MarkerItem::of(language, live, &row.resource))
                    .collect::<Vec<_>>(),
                Vec::new(),
            ),
            Shown::Area(cells) => (
                cells
                    .markers
                    .iter()
                    .map(|r| MarkerItem::of(language, live, r))
                    .collect(),
                cells
                    .clusters
                    .iter()
                    .map(|c| ClusterItem {
                        lat: c.lat,
                        lon: c.lon,
                        count: c.count,
                        bounds: c.bounds,
                        label: cluster_label(language, c.count),
                    })
                    .collect::<Vec<_>>(),
            ),
        });
        map_view.with_value(|v| {
            if let Some(v) = v {
                v.draw(&markers, &clusters)
            }
        });
    });

    // The "near" circle.
    Effect::new(move |_| {
        let f = filters.get();
        let _ = container.get();
        map_view.with_value(|v| {
            if let Some(v) = v {
                match f.near {
                    Some(p) => v.handle.set_near(p.lat, p.lon, f64::from(f.radius_m)),
                    None => v.handle.set_near(0.0, 0.0, 0.0),
                }
            }
        });
    });

    // The chosen neighborhood is outlined (asked again only when the area changes).
    let chosen_area = Memo::new(move |_| filters.with(|f| f.area.clone()));
    Effect::new(move |_| {
        let area = chosen_area.get();
        let _ = container.get();
        leptos::task::spawn_local(async move {
            let outline = match area {
                Some(code) => match call::<AreaOutlineGet>(&AreaOutlineArgs { code }).await {
                    Ok(outline) => Some(outline.geometry_geojson),
                    Err(error) => {
                        problem.set(Some(error));
                        None
                    }
                },
                None => None,
            };
            map_view.with_value(|v| {
                if let Some(v) = v {
                    v.handle.set_selection(outline)
                }
            });
        });
    });

    let count = move || match shown.get() {
        Some(Ok(answer)) => result_count(lang.get(), answer.total() as usize),
        _ => lang.t(Msg::Loading).to_owned(),
    };
    let total_attr = move || match shown.get() {
        Some(Ok(answer)) => Some(answer.total().to_string()),
        _ => None,
    };
    let in_view = move || match shown.get() {
        Some(Ok(answer)) => answer.in_view(),
        _ => None,
    };

    view! {
        <section class="map-page">
            <div class="map-side">
            <h1>{move || lang.t(Msg::ListHeading)}</h1>
            <FilterBar view=View::Map />
            <p class="count" data-test="result-count" data-total=total_attr aria-live="polite">{count}</p>
            {move || in_view().map(|n| view! {
                <p class="hint" data-test="map-in-view" data-count=n.to_string()>{move || in_view_count(lang.get(), n)}</p>
            })}
            {move || problem.get().map(|error| view! { <ErrorBox error /> })}
            {move || match shown.get() {
                Some(Err(error)) => {
                    let retry = Callback::new(move |()| view_box.update(|_| {}));
                    Some(view! { <ErrorBox error retry /> })
                }
                _ => None,
            }}
            <Show when=move || tiles.get() == Some(TileState::Offline)>
                <p class="offline-note" role="status" data-test="map-offline">{move || lang.t(Msg::MapOffline)}</p>
            </Show>
            </div>
            <div class="map-frame">
                <div class="map" class:map-offline=move || tiles.get() == Some(TileState::Offline) node_ref=container data-test="map"
                     role="region" aria-label=move || lang.t(Msg::MapLabel)></div>
                <Show when=move || tiles.get() == Some(TileState::Kept)>
                    <p class="map-corner" role="status" data-test="map-kept-tiles">{move || lang.t(Msg::MapKeptTiles)}</p>
                </Show>
            </div>
        </section>
    }
}
