//! The map: every resource of the filtered set as a marker (clustered when zoomed out),
//! the Seoul gu outlines (the background when tiles cannot load), and "near" by a tap.

use leptos::html::Div;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use sharehub_core::i18n::{price, result_count, Msg};
use sharehub_core::ipc::{AreaOutlineArgs, AreaOutlineGet, IpcError, MapBoundaries, NoArgs};

use crate::app::{use_lang, use_settings, ErrorBox, ListUrl};
use crate::filter_bar::{FilterBar, View};
use crate::filters::{load_rows, use_filters, ResultRow};
use crate::format::kind_label;
use crate::ipc::call;
use crate::live_bikes::{describe, use_live_bikes};
use crate::map::{MapView, MarkerItem};

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

    let rows = LocalResource::new(move || load_rows(filters.get()));
    let live = use_live_bikes();
    let offline = RwSignal::new(false);
    let problem = RwSignal::new(None::<IpcError>);
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
        let tiles = settings
            .get_untracked()
            .map(|s| s.map_tiles)
            .unwrap_or_default();
        let navigate = navigate.clone();
        let created = MapView::new(
            &element,
            &tiles.url_template,
            &tiles.attribution,
            move |id| navigate(&format!("/resources/{id}"), Default::default()),
            move |lat, lon| {
                let mut next = filters.get_untracked();
                next.near = sharehub_core::GeoPoint::new(lat, lon).ok();
                next.near_label = None;
                set_filters.run(next);
            },
            move |ok| offline.set(!ok),
        );
        match created {
            Ok(view) => {
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

    // Markers follow the filtered set and the language.
    Effect::new(move |_| {
        let language = lang.get();
        let Some(Ok(rows)) = rows.get() else { return };
        let live = live.get();
        let items: Vec<MarkerItem> = rows
            .iter()
            .map(|ResultRow { resource: r, .. }| MarkerItem {
                id: r.id.to_string(),
                lat: r.location.lat,
                lon: r.location.lon,
                kind: r.kind.as_str(),
                kind_label: kind_label(language, r.kind),
                name: r.name.get(language).to_owned(),
                price: price(language, &r.pricing),
                availability: live.get(&r.id).map(|s| describe(language, s)),
                open_label: Msg::OpenDetails.text(language),
            })
            .collect();
        map_view.with_value(|v| {
            if let Some(v) = v {
                v.set_markers(&items)
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

    let count = move || match rows.get() {
        Some(Ok(rows)) => result_count(lang.get(), rows.len()),
        _ => lang.t(Msg::Loading).to_owned(),
    };

    view! {
        <section class="map-page">
            <div class="map-side">
            <h1>{move || lang.t(Msg::ListHeading)}</h1>
            <FilterBar view=View::Map />
            <p class="count" data-test="result-count" aria-live="polite">{count}</p>
            {move || problem.get().map(|error| view! { <ErrorBox error /> })}
            {move || match rows.get() {
                Some(Err(error)) => {
                    let retry = Callback::new(move |()| rows.refetch());
                    Some(view! { <ErrorBox error retry /> })
                }
                _ => None,
            }}
            <Show when=move || offline.get()>
                <p class="offline-note" role="status" data-test="map-offline">{move || lang.t(Msg::MapOffline)}</p>
            </Show>
            </div>
            <div class="map" class:map-offline=move || offline.get() node_ref=container data-test="map"
                 role="region" aria-label=move || lang.t(Msg::MapLabel)></div>
        </section>
    }
}
