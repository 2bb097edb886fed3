//! Live public-bike counts for the map popups and the detail page, refreshed every minute
//! while a page that shows them is open.

use std::collections::HashMap;

use leptos::prelude::*;
use sharehub_core::i18n::{as_of, live_bikes};
use sharehub_core::ipc::{NoArgs, StationStatusGet};
use sharehub_core::text::Language;
use sharehub_core::wire::StationLiveStatus;
use sharehub_core::ResourceId;

use crate::ipc::call;

/// How often the counts are refreshed while shown.
const REFRESH_MS: u32 = 60_000;

/// The counts by station, loaded now and every minute until the calling page goes away.
pub fn use_live_bikes() -> RwSignal<HashMap<ResourceId, StationLiveStatus>> {
    let live = RwSignal::new(HashMap::new());
    let load = move || {
        leptos::task::spawn_local(async move {
            // A failed refresh still answers with the stored counts; an error of the call
            // itself leaves the last ones on screen.
            if let Ok(answer) = call::<StationStatusGet>(&NoArgs {}).await {
                let next: HashMap<_, _> = answer.stations.into_iter().map(|s| (s.id, s)).collect();
                // Unchanged counts re-render nothing (the map would rebuild every marker).
                live.maybe_update(|known| {
                    let changed = *known != next;
                    if changed {
                        *known = next;
                    }
                    changed
                });
            }
        });
    };
    load();
    if let Ok(handle) =
        set_interval_with_handle(load, std::time::Duration::from_millis(REFRESH_MS.into()))
    {
        on_cleanup(move || handle.clear());
    }
    live
}

/// `자전거 5대 · 빈 거치대 10곳 (3분 전 기준)`.
pub fn describe(language: Language, status: &StationLiveStatus) -> String {
    let reported = status.feed_last_updated.unwrap_or(status.fetched_at);
    let now_ms = js_sys::Date::now() as i64;
    let minutes = (now_ms - reported.timestamp_millis()) / 60_000;
    format!(
        "{} ({})",
        live_bikes(language, status.bikes_available, status.docks_available),
        as_of(language, minutes)
    )
}
