//! The always-visible sync status (header) and the empty state of a new device that cannot
//! sync yet. The shell sends every new status as the Tauri event `sync-status`; the UI asks
//! once at start (`sync_status_get`) and then only listens.

use leptos::prelude::*;
use leptos_router::components::A;
use sharehub_core::i18n::{self, error_message, Msg};
use sharehub_core::ipc::{
    utc_from_unix_ms, Connection, IpcError, NoArgs, SyncStatus, SyncStatusGet, SYNC_STATUS_EVENT,
};
use sharehub_core::text::Language;
use wasm_bindgen::prelude::*;

use crate::ipc::call;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["window", "__TAURI__", "event"], js_name = listen)]
    async fn tauri_listen(event: &str, handler: &js_sys::Function) -> Result<JsValue, JsValue>;
}

/// The current sync status, shared through context.
#[derive(Clone, Copy)]
pub struct SyncState(pub RwSignal<SyncStatus>);

pub fn use_sync() -> RwSignal<SyncStatus> {
    expect_context::<SyncState>().0
}

/// Provides the status and keeps it current: listens first, then asks, so no change is
/// missed in between.
pub fn provide_sync_status() -> RwSignal<SyncStatus> {
    let status = RwSignal::new(SyncStatus::default());
    provide_context(SyncState(status));
    leptos::task::spawn_local(async move {
        let handler = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let payload = js_sys::Reflect::get(&event, &JsValue::from_str("payload"))
                .unwrap_or(JsValue::NULL);
            if let Ok(next) = serde_wasm_bindgen::from_value::<SyncStatus>(payload) {
                status.update(|s| s.accept(next));
            }
        });
        let listening = tauri_listen(SYNC_STATUS_EVENT, handler.as_ref().unchecked_ref()).await;
        // The listener lives as long as the app.
        handler.forget();
        if listening.is_err() {
            status.update(|s| {
                s.last_error = Some(IpcError::Internal {
                    detail: "cannot listen for sync status changes".into(),
                })
            });
        }
        if let Ok(now) = call::<SyncStatusGet>(&NoArgs {}).await {
            status.update(|s| s.accept(now));
        }
    });
    status
}

fn now_utc_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The compact status in the header: online/offline, waiting changes, last sync, progress.
/// Like [`FirstSyncNotice`], it is a part of the app frame, which gives it the language.
#[component]
pub fn SyncBadge(#[prop(into)] language: Signal<Language>) -> impl IntoView {
    let status = use_sync();
    // Now, refreshed every 15 s so "2 min ago" moves on.
    let (now, set_now) = signal(utc_from_unix_ms(now_utc_ms()));
    if let Ok(handle) = set_interval_with_handle(
        move || set_now.set(utc_from_unix_ms(now_utc_ms())),
        std::time::Duration::from_secs(15),
    ) {
        on_cleanup(move || handle.clear());
    }
    let has_server = move || status.with(|s| s.server.is_some());
    view! {
        <Show when=has_server>
            <div class="sync-status" data-test="sync-status" role="status" aria-live="polite">
                <span class="sync-connection"
                    data-test="sync-connection"
                    data-state=move || match status.with(|s| s.connection) {
                        Connection::Unknown => "unknown",
                        Connection::Online => "online",
                        Connection::Offline => "offline",
                    }>
                    {move || i18n::connection(language.get(), status.with(|s| s.connection))}
                </span>
                <span class="sync-pending" data-test="sync-pending"
                    data-count=move || status.with(|s| s.pending.to_string())
                    hidden=move || status.with(|s| s.pending == 0)>
                    {move || i18n::waiting(language.get(), status.with(|s| s.pending))}
                </span>
                {move || {
                    let n = status.with(|s| s.needs_attention);
                    (n > 0).then(|| view! {
                        <A href="/account" attr:class="sync-attention" attr:data-test="sync-attention">
                            {move || i18n::needs_attention(language.get(), n)}
                        </A>
                    })
                }}
                {move || status.with(|s| s.last_error.clone()).filter(|e| !matches!(e, IpcError::Offline)).map(|error| {
                    let detail = error_message(language.get(), &error);
                    view! {
                        <A href="/account" attr:class="sync-error" attr:data-test="sync-error" attr:title=detail>
                            {move || Msg::SyncProblem.text(language.get())}
                        </A>
                    }
                })}
                {move || status.with(|s| s.last_synced).map(|at| view! {
                    <span class="sync-last" data-test="sync-last">
                        {move || i18n::last_synced(language.get(), at, now.get())}
                    </span>
                })}
                {move || status.with(|s| s.progress).map(|p| view! {
                    <span class="sync-progress" data-test="sync-progress">
                        <progress max=p.total.map(|t| t.to_string()) value=p.total.map(|_| p.done.to_string())></progress>
                        <span>{move || i18n::progress(language.get(), p)}</span>
                    </span>
                })}
            </div>
        </Show>
    }
}

/// Shown above every page while a new device has no data and cannot get it yet.
#[component]
pub fn FirstSyncNotice(#[prop(into)] language: Signal<Language>) -> impl IntoView {
    let status = use_sync();
    move || {
        let s = status.get();
        s.needs_first_sync().then(|| {
            let offline = s.connection == Connection::Offline;
            let signed_out = s.account.is_none();
            view! {
                <section class="first-sync" data-test="first-sync-empty" role="alert">
                    <h2>{move || Msg::EmptyNoDataTitle.text(language.get())}</h2>
                    {offline.then(|| view! { <p data-test="first-sync-offline">{move || Msg::EmptyNoDataOffline.text(language.get())}</p> })}
                    {signed_out.then(|| view! {
                        <p>{move || Msg::EmptyNoDataSignIn.text(language.get())}</p>
                        <A href="/account" attr:class="button" attr:data-test="first-sync-sign-in">{move || Msg::GoToSignIn.text(language.get())}</A>
                    })}
                </section>
            }
        })
    }
}
