//! The app frame: language, header, routes, and the error box every page uses.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;
use sharehub_core::i18n::{self, error_message, Msg};
use sharehub_core::ipc::{
    IpcError, NoArgs, ReservationList, Settings, SettingsGet, SettingsSetLanguage,
    SettingsSetLanguageArgs,
};
use sharehub_core::text::Language;

use crate::ipc::call;
use crate::pages::{
    AccountPage, BookingsPage, ResourceDetailPage, ResourceListPage, ResourceMapPage,
};
use crate::sync_status::{provide_sync_status, FirstSyncNotice, SyncBadge};

/// The language the UI speaks, shared by every component through context.
#[derive(Clone, Copy)]
pub struct Lang(RwSignal<Language>);

impl Lang {
    pub fn get(self) -> Language {
        self.0.get()
    }

    pub fn get_untracked(self) -> Language {
        self.0.get_untracked()
    }

    /// A plain message in the current language (reactive when called inside a closure).
    pub fn t(self, msg: Msg) -> &'static str {
        msg.text(self.0.get())
    }
}

pub fn use_lang() -> Lang {
    expect_context::<Lang>()
}

/// The settings loaded at start (map tiles, …); `None` until loaded or when loading failed.
pub fn use_settings() -> RwSignal<Option<Settings>> {
    expect_context::<RwSignal<Option<Settings>>>()
}

/// The list's address with its filters, so "back" from a detail page restores them.
#[derive(Clone, Copy)]
pub struct ListUrl(pub RwSignal<String>);

#[component]
pub fn App() -> impl IntoView {
    let language = RwSignal::new(Language::default());
    let lang = Lang(language);
    provide_context(lang);
    provide_context(ListUrl(RwSignal::new("/".to_owned())));
    let settings = RwSignal::new(None::<Settings>);
    provide_context(settings);
    let sync = provide_sync_status();
    // Pages remount when the device gains or loses its data (the first sync, signing in or
    // out). Later syncs do not disturb the page in use (a map view, half-typed words): a page
    // that wants to follow them reads `data_version` from `sync_status::use_sync()`.
    let data_version = Memo::new(move |_| {
        sync.with(|s| {
            (
                s.account.as_ref().map(|a| a.login.clone()),
                s.local_resources > 0,
            )
        })
    });
    // Pages render once the saved language is known, so nothing flickers between languages.
    let ready = RwSignal::new(false);
    let startup_error = RwSignal::new(None::<IpcError>);
    leptos::task::spawn_local(async move {
        match call::<SettingsGet>(&NoArgs {}).await {
            Ok(loaded) => {
                language.set(loaded.language);
                settings.set(Some(loaded));
            }
            Err(error) => startup_error.set(Some(error)),
        }
        ready.set(true);
    });
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", language.get().tag());
        }
        document().set_title(Msg::AppName.text(language.get()));
    });

    view! {
        <Router>
            <header class="top-bar">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"S"</span>
                    <span class="brand-name">{move || lang.t(Msg::AppName)}</span>
                </A>
                <span class="tagline">{move || lang.t(Msg::Tagline)}</span>
                <SyncBadge language />
                <BookingsLink />
                <A href="/account" attr:class="account-link" attr:data-test="account-link">{move || lang.t(Msg::Account)}</A>
                <LanguageSwitch />
            </header>
            <main>
                {move || startup_error.get().map(|error| view! { <ErrorBox error /> })}
                <FirstSyncNotice language />
                <Show when=move || ready.get()>
                    {move || {
                        data_version.track();
                        view! {
                            <Routes fallback=move || view! { <p class="status">{lang.t(Msg::PageNotFound)}</p> }>
                                <Route path=path!("/") view=ResourceListPage />
                                <Route path=path!("/map") view=ResourceMapPage />
                                <Route path=path!("/resources/:id") view=ResourceDetailPage />
                                <Route path=path!("/account") view=AccountPage />
                                <Route path=path!("/bookings") view=BookingsPage />
                            </Routes>
                        }
                    }}
                </Show>
            </main>
        </Router>
    }
}

/// "My bookings" in the header, with how many need choosing again.
#[component]
fn BookingsLink() -> impl IntoView {
    let lang = use_lang();
    let sync = crate::sync_status::use_sync();
    let marks =
        Memo::new(move |_| sync.with(|s| (s.data_version, s.needs_attention, s.account.is_some())));
    let count = LocalResource::new(move || {
        let (_, _, signed_in) = marks.get();
        async move {
            if !signed_in {
                return 0;
            }
            call::<ReservationList>(&NoArgs {})
                .await
                .map_or(0, |b| b.needs_attention.len())
        }
    });
    let count = move || count.get().unwrap_or(0);
    view! {
        <A href="/bookings" attr:class="account-link bookings-link" attr:data-test="bookings-link">
            {move || lang.t(Msg::MyBookings)}
            {move || (count() > 0).then(|| view! {
                <span class="count-badge" data-test="bookings-attention-count"
                    aria-label=move || i18n::needs_attention(lang.get(), count() as u64)>
                    {count().to_string()}
                </span>
            })}
        </A>
    }
}

#[component]
fn LanguageSwitch() -> impl IntoView {
    let lang = use_lang();
    let failure = RwSignal::new(None::<IpcError>);
    let switch = move |_| {
        let next = match lang.get() {
            Language::Ko => Language::En,
            Language::En => Language::Ko,
        };
        lang.0.set(next);
        leptos::task::spawn_local(async move {
            let saved =
                call::<SettingsSetLanguage>(&SettingsSetLanguageArgs { language: next }).await;
            failure.set(saved.err());
        });
    };
    view! {
        <button
            class="language-switch"
            data-test="language-switch"
            title=move || lang.t(Msg::SwitchLanguageHint)
            aria-label=move || lang.t(Msg::SwitchLanguageHint)
            on:click=switch
        >
            {move || lang.t(Msg::SwitchLanguage)}
        </button>
        {move || failure.get().map(|error| view! { <ErrorBox error /> })}
    }
}

/// A clear, translated message for an error, never a blank screen.
#[component]
pub fn ErrorBox(error: IpcError, #[prop(optional)] retry: Option<Callback<()>>) -> impl IntoView {
    let lang = use_lang();
    let message = {
        let error = error.clone();
        move || error_message(lang.get(), &error)
    };
    view! {
        <div class="error-box" role="alert" data-test="error">
            <strong>{move || lang.t(Msg::ErrorTitle)}</strong>
            <p>{message}</p>
            {retry.map(|retry| view! {
                <button class="secondary" on:click=move |_| retry.run(())>{move || lang.t(Msg::TryAgain)}</button>
            })}
        </div>
    }
}
