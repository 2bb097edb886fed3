//! Bindings to `ui/map-glue.js`, our thin layer over Leaflet + Leaflet.markercluster
//! (bundled from npm). Rust decides what to show; the glue draws it.

use serde::Serialize;
use wasm_bindgen::prelude::*;

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
        on_tiles: &Closure<dyn Fn(bool)>,
    ) -> Result<MapHandle, JsValue>;

    #[wasm_bindgen(method, js_name = setBoundaries)]
    pub fn set_boundaries(this: &MapHandle, geojson: &str);

    #[wasm_bindgen(method, js_name = setMarkers)]
    fn glue_set_markers(this: &MapHandle, items: JsValue);

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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateOptions<'a> {
    lat: f64,
    lon: f64,
    zoom: u8,
    tile_url: &'a str,
    attribution: &'a str,
}

/// The callbacks live as long as the map; dropping `MapView` destroys the map first.
pub struct MapView {
    pub handle: MapHandle,
    _on_open: Closure<dyn Fn(String)>,
    _on_pick: Closure<dyn Fn(f64, f64)>,
    _on_tiles: Closure<dyn Fn(bool)>,
}

/// Seoul City Hall, and a zoom that shows the whole city.
pub const SEOUL: (f64, f64, u8) = (37.5565, 126.9780, 11);

impl MapView {
    pub fn new(
        element: &web_sys::HtmlElement,
        tile_url: &str,
        attribution: &str,
        on_open: impl Fn(String) + 'static,
        on_pick: impl Fn(f64, f64) + 'static,
        on_tiles: impl Fn(bool) + 'static,
    ) -> Result<MapView, String> {
        let options = CreateOptions {
            lat: SEOUL.0,
            lon: SEOUL.1,
            zoom: SEOUL.2,
            tile_url,
            attribution,
        };
        let options = serde_wasm_bindgen::to_value(&options).map_err(|e| e.to_string())?;
        let on_open = Closure::<dyn Fn(String)>::new(on_open);
        let on_pick = Closure::<dyn Fn(f64, f64)>::new(on_pick);
        let on_tiles = Closure::<dyn Fn(bool)>::new(on_tiles);
        let handle = glue_create(element, options, &on_open, &on_pick, &on_tiles).map_err(|e| {
            e.as_string()
                .or_else(|| js_sys::JSON::stringify(&e).ok().map(String::from))
                .unwrap_or_else(|| "the map could not start".into())
        })?;
        Ok(MapView {
            handle,
            _on_open: on_open,
            _on_pick: on_pick,
            _on_tiles: on_tiles,
        })
    }

    pub fn set_markers(&self, items: &[MarkerItem]) {
        let serializer = serde_wasm_bindgen::Serializer::json_compatible();
        if let Ok(value) = items.serialize(&serializer) {
            self.handle.glue_set_markers(value);
        }
    }
}

impl Drop for MapView {
    fn drop(&mut self) {
        self.handle.destroy();
    }
}
