//! A resource's place on a small map (its own page), with the tiles' state in its corner.

use leptos::html::Div;
use leptos::prelude::*;
use sharehub_core::i18n::Msg;
use sharehub_core::resource::Visibility;
use sharehub_core::Resource;

use crate::app::{use_lang, use_settings};
use crate::map::{MapView, MarkerItem, TileOptions, TileState};

/// How far from the shown point a spot revealed only after booking may be, in metres (the
/// listing blurs it to about 1 km).
const APPROXIMATE_M: f64 = 1000.0;

#[component]
pub fn SpotMap(resource: Resource) -> impl IntoView {
    let lang = use_lang();
    let settings = use_settings();
    let tiles = RwSignal::new(None::<TileState>);
    let container = NodeRef::<Div>::new();
    let map_view = StoredValue::new_local(None::<MapView>);
    let summary = resource.summary();
    let approximate_m = match resource.visibility {
        Visibility::ConfirmedBookers => APPROXIMATE_M,
        _ => 0.0,
    };
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
        let item = MarkerItem::of(lang.get_untracked(), &Default::default(), &summary);
        let created = MapView::spot(
            &element,
            TileOptions {
                tile_url: &source.url_template,
                attribution: &source.attribution,
            },
            &item,
            approximate_m,
            move |state| tiles.set(Some(state)),
        );
        if let Ok(view) = created {
            map_view.set_value(Some(view));
        }
    });
    on_cleanup(move || map_view.set_value(None));
    let label = move || {
        let l = lang.get();
        format!("{}: {}", Msg::WhereItIs.text(l), resource.address.get(l))
    };
    view! {
        <section class="spot" aria-label=label>
            <h2>{move || lang.t(Msg::WhereItIs)}</h2>
            <div class="map-frame">
                <div class="spot-map" class:map-offline=move || tiles.get() == Some(TileState::Offline)
                     node_ref=container data-test="spot-map"></div>
                <Show when=move || tiles.get() == Some(TileState::Kept)>
                    <p class="map-corner" role="status" data-test="map-kept-tiles">{move || lang.t(Msg::MapKeptTiles)}</p>
                </Show>
            </div>
        </section>
    }
}
