//! The list of shared resources, filtered by kind and searched by name or place.
//! Filters live in the URL (`?kind=room&q=망원`), so going back from a detail page keeps them.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use sharehub_core::i18n::{price, result_count, Msg};
use sharehub_core::ipc::{ResourceList, ResourceQuery};
use sharehub_core::{ResourceKind, ResourceSummary};

use crate::app::{use_lang, ErrorBox, ListUrl};
use crate::format::{kind_badge_class, kind_label};
use crate::ipc::call;

fn list_url(kind: Option<ResourceKind>, text: &str) -> String {
    let mut params = Vec::new();
    if let Some(kind) = kind {
        params.push(format!("kind={}", kind.as_str()));
    }
    if !text.is_empty() {
        params.push(format!(
            "q={}",
            String::from(js_sys::encode_uri_component(text))
        ));
    }
    if params.is_empty() {
        "/".to_owned()
    } else {
        format!("/?{}", params.join("&"))
    }
}

#[component]
pub fn ResourceListPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let kind =
        Memo::new(move |_| query.with(|q| q.get("kind").and_then(|k| ResourceKind::parse(&k))));
    let text = Memo::new(move |_| query.with(|q| q.get("q").unwrap_or_default()));
    let list_url_memory = expect_context::<ListUrl>().0;
    Effect::new(move |_| list_url_memory.set(list_url(kind.get(), &text.get())));
    let navigate = use_navigate();
    let go = move |kind: Option<ResourceKind>, text: String| {
        navigate(
            &list_url(kind, &text),
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    };

    let results = LocalResource::new(move || {
        let args = ResourceQuery {
            kind: kind.get(),
            text: Some(text.get()).filter(|t| !t.trim().is_empty()),
        };
        async move { call::<ResourceList>(&args).await }
    });

    let go_search = go.clone();
    let on_search =
        move |ev: leptos::ev::Event| go_search(kind.get_untracked(), event_target_value(&ev));

    let chips = move || {
        let go = go.clone();
        let current = kind.get();
        std::iter::once(None)
            .chain(ResourceKind::ALL.into_iter().map(Some))
            .map(|choice| {
                let go = go.clone();
                let label = move || match choice {
                    None => lang.t(Msg::AllKinds),
                    Some(k) => kind_label(lang.get(), k),
                };
                view! {
                    <button
                        class="chip"
                        data-test="kind-chip"
                        data-kind=choice.map(ResourceKind::as_str).unwrap_or("all")
                        aria-pressed=if current == choice { "true" } else { "false" }
                        on:click=move |_| go(choice, text.get_untracked())
                    >
                        {label}
                    </button>
                }
            })
            .collect_view()
    };

    view! {
        <section class="list-page">
            <h1>{move || lang.t(Msg::ListHeading)}</h1>
            <div class="filters">
                <label class="search">
                    <span>{move || lang.t(Msg::SearchLabel)}</span>
                    <input
                        type="search"
                        data-test="search"
                        placeholder=move || lang.t(Msg::SearchPlaceholder)
                        prop:value=move || text.get()
                        on:input=on_search
                    />
                </label>
                <div class="chips" role="group" aria-label=move || lang.t(Msg::KindLabel)>
                    {chips}
                </div>
            </div>
            <Transition fallback=move || view! { <p class="status">{lang.t(Msg::Loading)}</p> }>
                {move || {
                    results.get().map(|answer| match answer {
                        Ok(items) => view! { <ResourceRows items /> }.into_any(),
                        Err(error) => {
                            let retry = Callback::new(move |()| results.refetch());
                            view! { <ErrorBox error retry /> }.into_any()
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn ResourceRows(items: Vec<ResourceSummary>) -> impl IntoView {
    let lang = use_lang();
    let count = items.len();
    let rows = move || {
        let language = lang.get();
        let mut items = items.clone();
        items.sort_by(|a, b| a.name.get(language).cmp(b.name.get(language)));
        items
            .into_iter()
            .map(|item| {
                view! {
                    <li data-test="resource-row" data-id=item.id.to_string() data-kind=item.kind.as_str()>
                        <A href=format!("/resources/{}", item.id)>
                            <span class=kind_badge_class(item.kind)>{kind_label(language, item.kind)}</span>
                            <span class="row-name" data-test="resource-name">{item.name.get(language).to_owned()}</span>
                            <span class="row-area">
                                {format!("{} · {}", item.neighborhood.get(language), item.district.get(language))}
                            </span>
                            <span class="row-price">{price(language, &item.pricing)}</span>
                        </A>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <p class="count" data-test="result-count" aria-live="polite">{move || result_count(lang.get(), count)}</p>
        {(count == 0).then(|| view! { <p class="status" data-test="no-results">{move || lang.t(Msg::NoResults)}</p> })}
        <ul class="resource-list" data-test="resource-list">{rows}</ul>
    }
}
