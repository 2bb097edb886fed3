//! Bindings to `ui/map-glue.js`, our thin layer over Leaflet + Leaflet.markercluster
//! (bundled from npm). Rust decides what to show; the glue draws it.

use std::collections::HashMap;

use serde::Serialize;
use sharehub_core::i18n::{price, Msg};
use sharehub_core::ipc::MapBox;
use sharehub_core::text::Language;
use sharehub_core::wire::StationLiveStatus;
use sharehub_core::{ResourceId, ResourceSummary};
use wasm_bindgen::prelude::*;

use crate::format::kind_label;
use crate::live_bikes::describe;

#[wasm_bindgen]
extern "C" {
    /// A live map created by the glue.
    pub type MapHandle;

    #[wasm_bindgen(catch, js_namespace = ShareHubMap, js_name = create)]
    fn glue_create(
        element: &web_sys::HtmlElement,
        options: JsValue,
        on_open: &Closure<dyn Fn(String)>,
        on_pick: &Closure<dyn Fn(f64, f64)>,
        on_tiles: &Closure<dyn Fn(String)>,
        on_view: &ViewCallback,
    ) -> Result<MapHandle, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ShareHubMap, js_name = createSpot)]
    fn glue_create_spot(
        element: &web_sys::HtmlElement,
        options: JsValue,
        on_tiles: &Closure<dyn Fn(String)>,
    ) -> Result<MapHandle, JsValue>;

    #[wasm_bindgen(method, js_name = setBoundaries)]
    pub fn set_boundaries(this: &MapHandle, geojson: &str);

    #[wasm_bindgen(method, js_name = setMarkers)]
    fn glue_set_markers(this: &MapHandle, items: JsValue);

    #[wasm_bindgen(method, js_name = setClusters)]
    fn glue_set_clusters(this: &MapHandle, items: JsValue);

    #[wasm_bindgen(method)]
    fn drawn(this: &MapHandle);

    #[wasm_bindgen(method, js_name = reportView)]
    pub fn report_view(this: &MapHandle);

    #[wasm_bindgen(method, js_name = fitTo)]
    fn glue_fit_to(this: &MapHandle, south: f64, west: f64, north: f64, east: f64);

    #[wasm_bindgen(method, js_name = setSelection)]
    pub fn set_selection(this: &MapHandle, geojson: Option<String>);

    #[wasm_bindgen(method, js_name = setNear)]
    pub fn set_near(this: &MapHandle, lat: f64, lon: f64, radius_m: f64);

    #[wasm_bindgen(method)]
    pub fn destroy(this: &MapHandle);
}

/// What a marker and its popup show, already in the person's language.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkerItem {
    pub id: String,
    pub lat: f64,
    pub lon: f64,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub name: String,
    pub price: String,
    pub availability: Option<String>,
    pub open_label: &'static str,
}

impl MarkerItem {
    /// A resource's marker in `language`, with its live bike counts when known.
    pub fn of(
        language: Language,
        live: &HashMap<ResourceId, StationLiveStatus>,
        r: &ResourceSummary,
    ) -> MarkerItem {
        MarkerItem {
            id: r.id.to_string(),
            lat: r.location.lat,
            lon: r.location.lon,
            kind: r.kind.as_str(),
            kind_label: kind_label(language, r.kind),
            name: r.name.get(language).to_owned(),
            price: price(language, &r.pricing),
            availability: live.get(&r.id).map(|s| describe(language, s)),
            open_label: Msg::OpenDetails.text(language),
        }
    }
}

/// A cluster the store made: its place, count, the box a click zooms to, and its words.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterItem {
    pub lat: f64,
    pub lon: f64,
    pub count: u64,
    pub bounds: MapBox,
    pub label: String,
}

/// Where map tiles come from, from the shell's settings.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TileOptions<'a> {
    pub tile_url: &'a str,
    pub attribution: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateOptions<'a> {
    lat: f64,
    lon: f64,
    zoom: u8,
    #[serde(flatten)]
    tiles: TileOptions<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SpotOptions<'a> {
    lat: f64,
    lon: f64,
    zoom: u8,
    /// The radius of the approximate place, or 0 for an exact pin.
    approximate_m: f64,
    item: &'a MarkerItem,
    #[serde(flatten)]
    tiles: TileOptions<'a>,
}

/// What the tiles under the map are: the glue's `onTiles` words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileState {
    Live,
    /// Some tiles of the view are the ones kept on the device (the tile server is away).
    Kept,
    Offline,
}

impl TileState {
    fn parse(word: &str) -> TileState {
        match word {
            "live" => TileState::Live,
            "kept" => TileState::Kept,
            _ => TileState::Offline,
        }
    }
}

/// The map's view as the glue reports it after every pan and zoom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ViewBox {
    pub bounds: MapBox,
    pub zoom: u8,
}

/// The glue's report of a pan or zoom: south, west, north, east, zoom.
type ViewCallback = Closure<dyn Fn(f64, f64, f64, f64, f64)>;

/// The callbacks live as long as the map; dropping `MapView` destroys the map first.
pub struct MapView {
    pub handle: MapHandle,
    _on_open: Option<Closure<dyn Fn(String)>>,
    _on_pick: Option<Closure<dyn Fn(f64, f64)>>,
    _on_tiles: Closure<dyn Fn(String)>,
    _on_view: Option<ViewCallback>,
}

/// Seoul City Hall, and a zoom that shows the whole city.
pub const SEOUL: (f64, f64, u8) = (37.5565, 126.9780, 11);

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, String> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(|e| e.to_string())
}

fn start_error(e: JsValue) -> String {
    e.as_string()
        .or_else(|| js_sys::JSON::stringify(&e).ok().map(String::from))
        .unwrap_or_else(|| "the map could not start".into())
}

impl MapView {
    /// The map page's map, over Seoul.
    pub fn new(
        element: &web_sys::HtmlElement,
        tiles: TileOptions<'_>,
        on_open: impl Fn(String) + 'static,
        on_pick: impl Fn(f64, f64) + 'static,
        on_tiles: impl Fn(TileState) + 'static,
        on_view: impl Fn(ViewBox) + 'static,
    ) -> Result<MapView, String> {
        let options = to_js(&CreateOptions {
            lat: SEOUL.0,
            lon: SEOUL.1,
            zoom: SEOUL.2,
            tiles,
        })?;
        let on_open = Closure::<dyn Fn(String)>::new(on_open);
        let on_pick = Closure::<dyn Fn(f64, f64)>::new(on_pick);
        let on_tiles =
            Closure::<dyn Fn(String)>::new(move |w: String| on_tiles(TileState::parse(&w)));
        let on_view = ViewCallback::new(move |south, west, north, east, zoom: f64| {
            on_view(ViewBox {
                bounds: MapBox {
                    south,
                    west,
                    north,
                    east,
                },
                zoom: zoom.clamp(0.0, 22.0) as u8,
            })
        });
        let handle = glue_create(element, options, &on_open, &on_pick, &on_tiles, &on_view)
            .map_err(start_error)?;
        Ok(MapView {
            handle,
            _on_open: Some(on_open),
            _on_pick: Some(on_pick),
            _on_tiles: on_tiles,
            _on_view: Some(on_view),
        })
    }

    /// A small map of one resource's place: a pin, or a circle of `approximate_m` metres.
    pub fn spot(
        element: &web_sys::HtmlElement,
        tiles: TileOptions<'_>,
        item: &MarkerItem,
        approximate_m: f64,
        on_tiles: impl Fn(TileState) + 'static,
    ) -> Result<MapView, String> {
        let options = to_js(&SpotOptions {
            lat: item.lat,
            lon: item.lon,
            zoom: if approximate_m > 0.0 { 14 } else { 16 },
            approximate_m,
            item,
            tiles,
        })?;
        let on_tiles =
            Closure::<dyn Fn(String)>::new(move |w: String| on_tiles(TileState::parse(&w)));
        let handle = glue_create_spot(element, options, &on_tiles).map_err(start_error)?;
        Ok(MapView {
            handle,
            _on_open: None,
            _on_pick: None,
            _on_tiles: on_tiles,
            _on_view: None,
        })
    }

    /// Draws `markers` and `clusters` in place of what was drawn.
    pub fn draw(&self, markers: &[MarkerItem], clusters: &[ClusterItem]) {
        if let Ok(value) = to_js(&markers) {
            self.handle.glue_set_markers(value);
        }
        if let Ok(value) = to_js(&clusters) {
            self.handle.glue_set_clusters(value);
        }
        self.handle.drawn();
    }

    pub fn fit_to(&self, b: MapBox) {
        self.handle.glue_fit_to(b.south, b.west, b.north, b.east);
    }
}

impl Drop for MapView {
    fn drop(&mut self) {
        self.handle.destroy();
    }
}
