//! The list of shared resources for the current filters (see `filters.rs`).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use sharehub_core::i18n::{distance, price, result_count, show_more, Msg};

use crate::app::{use_lang, ErrorBox, ListUrl};
use crate::filter_bar::{FilterBar, View};
use crate::filters::{load_list_page, use_filters, Filters, ResultRow};
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
    // How many rows to show, for the filters it was chosen with: new filters start again
    // at the first page.
    let shown = RwSignal::new((Filters::default(), LIST_PAGE));
    let limit = move || {
        let current = filters.get();
        shown.with(|(chosen, n)| if *chosen == current { *n } else { LIST_PAGE })
    };
    let results = LocalResource::new(move || load_list_page(filters.get(), lang.get(), limit()));
    let more = Callback::new(move |()| {
        let next = limit().saturating_add(LIST_PAGE);
        shown.set((filters.get_untracked(), next));
    });

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
                        Ok((rows, total)) => view! { <ResourceRows rows total more /> }.into_any(),
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

/// Rows asked for at first and added by each "show more": a city holds tens of thousands
/// of resources, and rendering them all at once would stall the webview.
const LIST_PAGE: u32 = 500;

/// Rows in the order given (by name in the person's language, or nearest first), `total`
/// matching in all, and a "show more" button while some are not shown.
#[component]
fn ResourceRows(rows: Vec<ResultRow>, total: usize, more: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let count = rows.len();
    let items = move || {
        let language = lang.get();
        rows.clone()
            .into_iter()
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
        <p class="count" data-test="result-count" aria-live="polite">{move || result_count(lang.get(), total)}</p>
        {(total == 0).then(|| view! { <p class="status" data-test="no-results">{move || lang.t(Msg::NoResults)}</p> })}
        <ul class="resource-list" data-test="resource-list">{items}</ul>
        {(total > count).then(|| view! {
            <button class="show-more" data-test="show-more" on:click=move |_| more.run(())>
                {move || show_more(lang.get(), total - count)}
            </button>
        })}
    }
}
