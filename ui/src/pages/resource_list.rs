//! The list of shared resources for the current filters (see `filters.rs`).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use sharehub_core::i18n::{distance, price, result_count, show_more, Msg};

use crate::app::{use_lang, ErrorBox, ListUrl};
use crate::filter_bar::{FilterBar, View};
use crate::filters::{load_rows, use_filters, ResultRow};
use crate::format::{kind_badge_class, kind_label};

#[component]
pub fn ResourceListPage() -> impl IntoView {
    let lang = use_lang();
    let (filters, _) = use_filters();
    let location = use_location();
    let remember = expect_context::<ListUrl>().0;
    // Remember this page with its filters for "back" (only while this page is shown: on
    // the way out the location already names the next page).
    Effect::new(move |_| {
        if location.pathname.get() == "/" {
            remember.set(format!("/{}", filters.get().query_string()));
        }
    });
    let results = LocalResource::new(move || load_rows(filters.get()));

    view! {
        <section class="list-page">
            <div class="list-side">
                <h1>{move || lang.t(Msg::ListHeading)}</h1>
                <FilterBar view=View::List />
            </div>
            <div class="list-main">
            <Transition fallback=move || view! { <p class="status">{lang.t(Msg::Loading)}</p> }>
                {move || {
                    results.get().map(|answer| match answer {
                        Ok(rows) => view! { <ResourceRows rows sorted_by_distance=filters.get_untracked().near.is_some() /> }.into_any(),
                        Err(error) => {
                            let retry = Callback::new(move |()| results.refetch());
                            view! { <ErrorBox error retry /> }.into_any()
                        }
                    })
                }}
            </Transition>
            </div>
        </section>
    }
}

/// Rows rendered at first and added by each "show more": a city holds tens of thousands
/// of resources, and rendering them all at once would stall the webview.
const LIST_PAGE: usize = 500;

#[component]
fn ResourceRows(rows: Vec<ResultRow>, sorted_by_distance: bool) -> impl IntoView {
    let lang = use_lang();
    let count = rows.len();
    let shown = RwSignal::new(LIST_PAGE);
    let items = move || {
        let language = lang.get();
        let mut rows = rows.clone();
        if !sorted_by_distance {
            rows.sort_by(|a, b| {
                a.resource
                    .name
                    .get(language)
                    .cmp(b.resource.name.get(language))
            });
        }
        rows.into_iter()
            .take(shown.get())
            .map(|ResultRow { resource: item, distance_m }| {
                view! {
                    <li data-test="resource-row" data-id=item.id.to_string() data-kind=item.kind.as_str()
                        data-distance=distance_m.map(|d| format!("{d:.1}"))>
                        <A href=format!("/resources/{}", item.id)>
                            <span class=kind_badge_class(item.kind)>{kind_label(language, item.kind)}</span>
                            <span class="row-name" data-test="resource-name">{item.name.get(language).to_owned()}</span>
                            <span class="row-area">
                                {format!("{} · {}", item.neighborhood.get(language), item.district.get(language))}
                            </span>
                            {distance_m.map(|d| view! { <span class="row-distance" data-test="resource-distance">{distance(language, d)}</span> })}
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
        <ul class="resource-list" data-test="resource-list">{items}</ul>
        {move || (count > shown.get()).then(|| view! {
            <button class="show-more" data-test="show-more" on:click=move |_| shown.update(|n| *n += LIST_PAGE)>
                {move || show_more(lang.get(), count - shown.get())}
            </button>
        })}
    }
}
