//! Fetching a feed over HTTP and parsing it into one snapshot. Every failure is a sentence
//! naming the document (URL, with Seoul's API key replaced by `{API_KEY}`) and the reason.

use sharehub_feeds::gbfs::{parse_gbfs_discovery, parse_gbfs_stations};
use sharehub_feeds::seoul_bike_list::{
    bike_list_url, next_bike_list_range, parse_bike_list_response, redacted_bike_list_url,
    snapshot_from_bike_list_pages, BikeListResponse, PagingDecision, RowRange,
};
use sharehub_feeds::FeedSnapshot;

use super::StationFeed;

/// Fetches and parses every document of one refresh.
pub(super) async fn snapshot(
    http: &reqwest::Client,
    feed: &StationFeed,
    max_body_bytes: usize,
) -> Result<FeedSnapshot, String> {
    let get = |url: String, shown: String| get(http, url, shown, max_body_bytes);
    match feed {
        StationFeed::GbfsDiscovery { url } => {
            let body = get(url.clone(), url.clone()).await?;
            let discovery = parse_gbfs_discovery(&body).map_err(|e| format!("{url}: {e}"))?;
            let resolve = |found: Result<&str, sharehub_feeds::FeedError>| {
                let found = found.map_err(|e| format!("{url}: {e}"))?;
                reqwest::Url::parse(url)
                    .and_then(|base| base.join(found))
                    .map(String::from)
                    .map_err(|e| format!("{url} lists an unusable URL {found:?}: {e}"))
            };
            let information = resolve(discovery.station_information_url())?;
            let status = resolve(discovery.station_status_url())?;
            gbfs_stations(get, information, status).await
        }
        StationFeed::GbfsStations {
            station_information_url,
            station_status_url,
        } => {
            gbfs_stations(
                get,
                station_information_url.clone(),
                station_status_url.clone(),
            )
            .await
        }
        StationFeed::SeoulBikeList { base_url, api_key } => {
            let mut range = RowRange::first_page();
            let mut pages = Vec::new();
            loop {
                let shown = redacted_bike_list_url(base_url, range);
                let body = get(bike_list_url(base_url, api_key, range), shown.clone()).await?;
                let response =
                    parse_bike_list_response(&body).map_err(|e| format!("{shown}: {e}"))?;
                let decision = next_bike_list_range(range, response.outcome());
                if let BikeListResponse::Page(page) = response {
                    pages.push(page);
                }
                match decision {
                    PagingDecision::Fetch(next) => range = next,
                    PagingDecision::Stop(_) => break,
                }
            }
            Ok(snapshot_from_bike_list_pages(pages))
        }
    }
}

async fn gbfs_stations<F, Fut>(
    get: F,
    information: String,
    status: String,
) -> Result<FeedSnapshot, String>
where
    F: Fn(String, String) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<u8>, String>>,
{
    let (information_body, status_body) = tokio::join!(
        get(information.clone(), information.clone()),
        get(status.clone(), status.clone())
    );
    let (information_body, status_body) = (information_body?, status_body?);
    parse_gbfs_stations(&information_body, &status_body)
        .map_err(|e| format!("{information} + {status}: {e}"))
}

/// GETs `url` (named `shown` in errors); only a 2xx answer with a body under the limit is
/// returned.
async fn get(
    http: &reqwest::Client,
    url: String,
    shown: String,
    max_body_bytes: usize,
) -> Result<Vec<u8>, String> {
    let describe = |e: reqwest::Error| {
        let what = if e.is_timeout() {
            "timed out"
        } else if e.is_connect() {
            "cannot connect"
        } else if e.is_body() || e.is_decode() {
            "the body could not be read"
        } else {
            "request failed"
        };
        // Without the URL: Seoul's has the API key in it.
        let e = e.without_url();
        let mut reason = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            reason.push_str(": ");
            reason.push_str(&cause.to_string());
            source = cause.source();
        }
        format!("GET {shown}: {what} ({reason})")
    };
    let mut response = http.get(&url).send().await.map_err(describe)?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("GET {shown}: HTTP {status}"));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(describe)? {
        if body.len() + chunk.len() > max_body_bytes {
            return Err(format!(
                "GET {shown}: the body is larger than the limit of {max_body_bytes} bytes"
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
