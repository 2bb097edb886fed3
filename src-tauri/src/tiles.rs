//! Map tiles through the shell. The webview may load no image from the network (the content
//! security policy admits only the app itself and this scheme): it asks
//! `sharehub-tile://localhost/{z}/{x}/{y}.png`, and the shell fetches that tile from the one
//! tile server configured at start (`SHAREHUB_TILE_URL`, OpenStreetMap by default) and
//! keeps it in the device's tile cache (`sharehub_local::store::tile_cache`, 100 MB, least
//! recently used first). When the server cannot be reached the kept tile is served, marked
//! `X-ShareHub-Tile: kept`, and the map says it shows kept streets.
//!
//! A request names only a tile's z/x/y: nothing in it can point the shell at another
//! origin, and anything else is refused.

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use sharehub_core::ipc::TileSource;
use sharehub_local::store::tile_cache::{KeptTile, TileCache, TileKey, DEFAULT_MAX_BYTES};
use tauri::http::{header, Response, StatusCode};

/// The URI scheme the webview loads tiles from.
pub const SCHEME: &str = "sharehub-tile";

/// The response header that says where a tile came from: `live` or `kept`.
pub const SOURCE_HEADER: &str = "X-ShareHub-Tile";

/// After the tile server failed to answer, kept tiles are served without asking it again
/// for this long (a map view asks for a dozen tiles at once).
const UNREACHABLE_PAUSE: Duration = Duration::from_secs(5);

/// Deepest zoom the proxy serves.
const MAX_ZOOM: u8 = 22;

/// A tile server's URL template with `{z}`, `{x}`, `{y}` in its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TileTemplate(String);

impl TileTemplate {
    /// Accepts `http(s)://host[:port]/…{z}…{x}…{y}…` with no placeholder in the origin.
    pub fn parse(text: &str) -> Result<TileTemplate, String> {
        let text = text.trim();
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .ok_or_else(|| format!("{text:?} is not an http(s) URL"))?;
        let (origin, _) = rest
            .split_once('/')
            .ok_or_else(|| format!("{text:?} has no path"))?;
        if origin.is_empty() || origin.contains(['{', '}', '@']) {
            return Err(format!("{text:?} must name one fixed host"));
        }
        for part in ["{z}", "{x}", "{y}"] {
            if !text.contains(part) {
                return Err(format!("{text:?} lacks {part}"));
            }
        }
        Ok(TileTemplate(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn url(&self, key: TileKey) -> String {
        self.0
            .replace("{z}", &key.z.to_string())
            .replace("{x}", &key.x.to_string())
            .replace("{y}", &key.y.to_string())
    }
}

/// The tile server and attribution chosen at start: `SHAREHUB_TILE_URL` (and
/// `SHAREHUB_TILE_ATTRIBUTION`), else OpenStreetMap.
fn configured() -> TileSource {
    let mut source = TileSource::default();
    if let Some(url) = std::env::var("SHAREHUB_TILE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
    {
        source.url_template = url;
        source.attribution = std::env::var("SHAREHUB_TILE_ATTRIBUTION").unwrap_or_default();
    }
    source
}

/// What the webview uses: this scheme's URL template and the server's attribution.
pub fn tile_source() -> TileSource {
    let base = if cfg!(any(windows, target_os = "android")) {
        format!("http://{SCHEME}.localhost")
    } else {
        format!("{SCHEME}://localhost")
    };
    TileSource {
        url_template: format!("{base}/{{z}}/{{x}}/{{y}}.png"),
        attribution: configured().attribution,
    }
}

/// A tile's place from the path `/{z}/{x}/{y}.png`, inside the pyramid; anything else is
/// `None`.
pub fn parse_tile_path(path: &str) -> Option<TileKey> {
    let rest = path.strip_prefix('/')?.strip_suffix(".png")?;
    let mut parts = rest.split('/');
    let number = |part: Option<&str>| -> Option<u32> {
        let part = part?;
        if part.is_empty() || part.len() > 7 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let z = u8::try_from(number(parts.next())?).ok()?;
    let x = number(parts.next())?;
    let y = number(parts.next())?;
    if parts.next().is_some() || z > MAX_ZOOM {
        return None;
    }
    let side = 1u64 << z;
    (u64::from(x) < side && u64::from(y) < side).then_some(TileKey { z, x, y })
}

/// Fetches tiles from the configured server and keeps them.
pub struct TileProxy {
    template: Result<TileTemplate, String>,
    client: reqwest::Client,
    cache: OnceLock<Arc<Mutex<TileCache>>>,
    unreachable_until: Mutex<Option<Instant>>,
}

impl TileProxy {
    /// The proxy for the tile server configured at start. A template it cannot use is
    /// reported once and every tile is refused (the map then says it is offline).
    pub fn from_env() -> TileProxy {
        let template = TileTemplate::parse(&configured().url_template);
        if let Err(problem) = &template {
            eprintln!("Share Hub: map tiles are off: SHAREHUB_TILE_URL {problem}");
        }
        let client = reqwest::Client::builder()
            .user_agent(concat!("ShareHub/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        TileProxy {
            template,
            client,
            cache: OnceLock::new(),
            unreachable_until: Mutex::new(None),
        }
    }

    /// Keeps tiles in `data_dir/tiles.db` from now on (without it tiles are only fetched).
    pub fn open_cache(&self, data_dir: &Path) {
        match TileCache::open(&data_dir.join("tiles.db"), DEFAULT_MAX_BYTES) {
            Ok(cache) => {
                let _ = self.cache.set(Arc::new(Mutex::new(cache)));
            }
            Err(error) => eprintln!("Share Hub: map tiles will not be kept: {error}"),
        }
    }

    /// The answer to a request for `path`.
    pub async fn answer(&self, path: &str) -> Response<Vec<u8>> {
        let Some(key) = parse_tile_path(path) else {
            return plain(StatusCode::BAD_REQUEST, "not a tile: /{z}/{x}/{y}.png");
        };
        let template = match &self.template {
            Ok(template) => template.clone(),
            Err(problem) => return plain(StatusCode::SERVICE_UNAVAILABLE, problem),
        };
        if !self.recently_unreachable() {
            match self.fetch(&template, key).await {
                Ok(tile) => {
                    self.keep(template.as_str(), key, tile.clone()).await;
                    return image(tile, "live");
                }
                Err(problem) => {
                    *self.lock_unreachable() = Some(Instant::now() + UNREACHABLE_PAUSE);
                    eprintln!("Share Hub: tile {path}: {problem}");
                }
            }
        }
        match self.kept(template.as_str(), key).await {
            Some(tile) => image(tile, "kept"),
            None => plain(StatusCode::BAD_GATEWAY, "the tile server cannot be reached"),
        }
    }

    fn lock_unreachable(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        self.unreachable_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn recently_unreachable(&self) -> bool {
        self.lock_unreachable()
            .is_some_and(|until| Instant::now() < until)
    }

    async fn fetch(&self, template: &TileTemplate, key: TileKey) -> Result<KeptTile, String> {
        let response = self
            .client
            .get(template.url(key))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("the tile server answered {status}"));
        }
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("image/png")
            .to_owned();
        if !content_type.starts_with("image/") {
            return Err(format!("the tile server sent {content_type}, not an image"));
        }
        let bytes = response.bytes().await.map_err(|e| e.to_string())?.to_vec();
        Ok(KeptTile {
            content_type,
            bytes,
        })
    }

    async fn keep(&self, source: &str, key: TileKey, tile: KeptTile) {
        let Some(cache) = self.cache.get().cloned() else {
            return;
        };
        let source = source.to_owned();
        let kept = tauri::async_runtime::spawn_blocking(move || {
            let mut cache = cache.lock().map_err(|_| "tile cache lock".to_owned())?;
            cache.put(&source, key, &tile).map_err(|e| e.to_string())
        })
        .await;
        if let Ok(Err(problem)) | Err(problem) = kept.map_err(|e| e.to_string()) {
            eprintln!("Share Hub: a tile could not be kept: {problem}");
        }
    }

    async fn kept(&self, source: &str, key: TileKey) -> Option<KeptTile> {
        let cache = self.cache.get().cloned()?;
        let source = source.to_owned();
        tauri::async_runtime::spawn_blocking(move || {
            let mut cache = cache.lock().ok()?;
            cache.get(&source, key).ok().flatten()
        })
        .await
        .ok()
        .flatten()
    }
}

fn with_cors(status: StatusCode) -> tauri::http::response::Builder {
    Response::builder()
        .status(status)
        .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .header(header::ACCESS_CONTROL_EXPOSE_HEADERS, SOURCE_HEADER)
        .header(header::CACHE_CONTROL, "no-store")
}

fn image(tile: KeptTile, source: &'static str) -> Response<Vec<u8>> {
    with_cors(StatusCode::OK)
        .header(header::CONTENT_TYPE, tile.content_type)
        .header(SOURCE_HEADER, source)
        .body(tile.bytes)
        .unwrap_or_else(|_| Response::new(Vec::new()))
}

fn plain(status: StatusCode, text: &str) -> Response<Vec<u8>> {
    with_cors(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(text.as_bytes().to_vec())
        .unwrap_or_else(|_| Response::new(Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tiles_inside_the_pyramid_are_asked_for() {
        assert_eq!(
            parse_tile_path("/15/27948/12696.png"),
            Some(TileKey {
                z: 15,
                x: 27948,
                y: 12696
            })
        );
        assert_eq!(
            parse_tile_path("/0/0/0.png"),
            Some(TileKey { z: 0, x: 0, y: 0 })
        );
        for bad in [
            "/1/2/0.png",
            "/23/0/0.png",
            "/15/1/2",
            "/15/1/2/3.png",
            "/15/-1/2.png",
            "//1/2.png",
            "/http:%2F%2Fevil.example/1/2.png",
            "/15/1/2.png?url=http://evil.example",
            "/../1/2.png",
            "/15/+1/2.png",
        ] {
            assert_eq!(parse_tile_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_template_names_one_fixed_origin_and_every_coordinate() {
        let t = TileTemplate::parse("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png").unwrap();
        assert_eq!(
            t.url(TileKey { z: 3, x: 4, y: 5 }),
            "http://127.0.0.1:8080/tiles/3/4/5.png"
        );
        for bad in [
            "ftp://tiles.example/{z}/{x}/{y}.png",
            "https://{s}.tile.example/{z}/{x}/{y}.png",
            "https://tiles.example/{z}/{x}.png",
            "https://user@tiles.example/{z}/{x}/{y}.png",
            "https://tiles.example",
        ] {
            assert!(TileTemplate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_webview_is_given_this_scheme_not_the_tile_server() {
        let source = tile_source();
        assert!(source.url_template.contains(SCHEME), "{source:?}");
        assert!(source.url_template.ends_with("/{z}/{x}/{y}.png"));
    }
}
