//! The filter bar above the list and the map: view tabs, search, kind, price, and "near".

use leptos::prelude::*;
use leptos_router::components::A;
use sharehub_core::i18n::{radius, Msg};
use sharehub_core::ipc::{
    AreaList, DevicePosition, NoArgs, Place, PlaceSearch, PlaceSearchArgs, PositionGet,
};
use sharehub_core::ResourceKind;

use crate::app::{use_lang, use_settings};
use crate::filters::{use_filters, Filters, OpenFilter, PriceFilter, RADII_M};
use crate::format::kind_label;
use crate::ipc::call;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    List,
    Map,
}

#[component]
pub fn FilterBar(view: View) -> impl IntoView {
    let lang = use_lang();
    let (filters, set_filters) = use_filters();
    let change = move |edit: &dyn Fn(&mut Filters)| {
        let mut next = filters.get_untracked();
        edit(&mut next);
        set_filters.run(next);
    };

    let tab = move |target: View, path: &'static str, msg: Msg| {
        let href = move || format!("{path}{}", filters.get().query_string());
        view! {
            <A href=href attr:class="tab" attr:data-test=format!("tab-{}", if target == View::List { "list" } else { "map" })
               attr:aria-current=move || if view == target { "page" } else { "false" }>
                {move || lang.t(msg)}
            </A>
        }
    };

    // The chips are made once; only their pressed state follows the filters, so keyboard
    // focus stays on the chip a person just pressed.
    let kind_chips = std::iter::once(None)
        .chain(ResourceKind::ALL.into_iter().map(Some))
        .map(|choice| {
            let label = move || match choice {
                None => lang.t(Msg::AllKinds),
                Some(k) => kind_label(lang.get(), k),
            };
            view! {
                <button class="chip" data-test="kind-chip"
                    data-kind=choice.map(ResourceKind::as_str).unwrap_or("all")
                    aria-pressed=move || if filters.get().kind == choice { "true" } else { "false" }
                    on:click=move |_| change(&|f| f.kind = choice)>
                    {label}
                </button>
            }
        })
        .collect_view();

    let price_chips = [
        (PriceFilter::Any, Msg::AnyPrice, "any"),
        (PriceFilter::Free, Msg::FreeOnly, "free"),
        (PriceFilter::Paid, Msg::PaidOnly, "paid"),
    ]
    .into_iter()
    .map(|(choice, msg, name)| {
        view! {
            <button class="chip small" data-test="price-chip" data-price=name
                aria-pressed=move || if filters.get().price == choice { "true" } else { "false" }
                on:click=move |_| change(&|f| f.price = choice)>
                {move || lang.t(msg)}
            </button>
        }
    })
    .collect_view();

    view! {
        <nav class="tabs" aria-label=move || lang.t(Msg::ListHeading)>
            {tab(View::List, "/", Msg::TabList)}
            {tab(View::Map, "/map", Msg::TabMap)}
        </nav>
        <div class="filters">
            <label class="search">
                <span>{move || lang.t(Msg::SearchLabel)}</span>
                <input type="search" data-test="search"
                    placeholder=move || lang.t(Msg::SearchPlaceholder)
                    prop:value=move || filters.get().text
                    on:input=move |ev| { let text = event_target_value(&ev); change(&|f| f.text = text.clone()) } />
            </label>
            <div class="chips" role="group" aria-label=move || lang.t(Msg::KindLabel)>{kind_chips}</div>
            <div class="chips" role="group" aria-label=move || lang.t(Msg::Price)>{price_chips}</div>
            <OpenPicker />
            <AreaPicker />
            <NearPicker />
        </div>
    }
}

/// "Open now" or "open at a chosen time", by each resource's schedule.
#[component]
fn OpenPicker() -> impl IntoView {
    let lang = use_lang();
    let (filters, set_filters) = use_filters();
    let set = move |open: OpenFilter| {
        let mut next = filters.get_untracked();
        next.open = open;
        set_filters.run(next);
    };
    let is_at = move || matches!(filters.get().open, OpenFilter::At(_));
    // A chosen time starts at the next full hour, Seoul time.
    let next_hour = move || {
        use chrono::Timelike;
        let now =
            chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default();
        let in_an_hour_seoul = now.naive_utc() + chrono::Duration::hours(10);
        in_an_hour_seoul
            .with_minute(0)
            .and_then(|t| t.with_second(0))
            .unwrap_or(in_an_hour_seoul)
    };
    let on_time = move |ev: leptos::ev::Event| {
        if let Ok(at) =
            chrono::NaiveDateTime::parse_from_str(&event_target_value(&ev), "%Y-%m-%dT%H:%M")
        {
            set(OpenFilter::At(at));
        }
    };
    view! {
        <div class="chips" role="group" aria-label=move || lang.t(Msg::Hours)>
            <button class="chip small" data-test="open-chip" data-open="any"
                aria-pressed=move || if filters.get().open == OpenFilter::Any { "true" } else { "false" }
                on:click=move |_| set(OpenFilter::Any)>{move || lang.t(Msg::AnyTime)}</button>
            <button class="chip small" data-test="open-chip" data-open="now"
                aria-pressed=move || if filters.get().open == OpenFilter::Now { "true" } else { "false" }
                on:click=move |_| set(OpenFilter::Now)>{move || lang.t(Msg::OpenNow)}</button>
            <button class="chip small" data-test="open-chip" data-open="at"
                aria-pressed=move || if is_at() { "true" } else { "false" }
                on:click=move |_| if !is_at() { set(OpenFilter::At(next_hour())) }>{move || lang.t(Msg::OpenAt)}</button>
        </div>
        <Show when=is_at>
            <label class="open-at">
                <span>{move || lang.t(Msg::OpenAtLabel)}</span>
                <input type="datetime-local" data-test="open-at" step="900"
                    prop:value=move || match filters.get().open {
                        OpenFilter::At(at) => at.format("%Y-%m-%dT%H:%M").to_string(),
                        _ => String::new(),
                    }
                    on:change=on_time />
            </label>
        </Show>
    }
}

/// The neighborhood filter: a gu or one of its dong, with how many resources each has.
#[component]
fn AreaPicker() -> impl IntoView {
    let lang = use_lang();
    let (filters, set_filters) = use_filters();
    let areas = LocalResource::new(|| call::<AreaList>(&NoArgs {}));
    let choose = move |ev: leptos::ev::Event| {
        let code = event_target_value(&ev);
        let mut next = filters.get_untracked();
        next.area = Some(code).filter(|c| !c.is_empty());
        set_filters.run(next);
    };
    view! {
        <label class="area-picker">
            <span>{move || lang.t(Msg::Area)}</span>
            <select data-test="area-select" on:change=choose>
                <option value="" selected=move || filters.get().area.is_none()>{move || lang.t(Msg::AllAreas)}</option>
                {move || {
                    let l = lang.get();
                    areas.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|a| {
                        let is_dong = a.code.len() > 5;
                        let label = format!("{}{} ({})", if is_dong { "\u{2003}" } else { "" }, a.name.get(l), a.count);
                        let code = a.code.clone();
                        let selected = move || filters.get().area.as_deref() == Some(code.as_str());
                        view! { <option value=a.code.clone() selected=selected>{label}</option> }
                    }).collect_view()
                }}
            </select>
        </label>
    }
}

/// "Near where?": type a neighborhood or station name (or tap the map), choose a radius.
#[component]
fn NearPicker() -> impl IntoView {
    let lang = use_lang();
    let (filters, set_filters) = use_filters();
    let typed = RwSignal::new(String::new());
    let suggestions = LocalResource::new(move || {
        let text = typed.get();
        async move {
            if text.trim().is_empty() {
                return Ok(Vec::new());
            }
            call::<PlaceSearch>(&PlaceSearchArgs { text }).await
        }
    });
    let choose = move |place: Place| {
        let mut next = filters.get_untracked();
        next.near = Some(place.location);
        next.near_label = Some(place.name.get(lang.get_untracked()).to_owned());
        typed.set(String::new());
        set_filters.run(next);
    };
    // "Near me": only where the device can tell its position (phones).
    let settings = use_settings();
    let can_locate = move || settings.with(|s| s.as_ref().is_some_and(|s| s.device_position));
    let locating = RwSignal::new(false);
    let position_problem = RwSignal::new(None::<Msg>);
    let near_me = move |_| {
        locating.set(true);
        position_problem.set(None);
        leptos::task::spawn_local(async move {
            let answer = call::<PositionGet>(&NoArgs {}).await;
            locating.set(false);
            match answer {
                Ok(DevicePosition::Found { location, .. }) => {
                    let mut next = filters.get_untracked();
                    next.near = Some(location);
                    next.near_label = Some(lang.t(Msg::MyPosition).to_owned());
                    set_filters.run(next);
                }
                Ok(DevicePosition::Denied) => position_problem.set(Some(Msg::PositionDenied)),
                Ok(DevicePosition::Unsupported) => {
                    position_problem.set(Some(Msg::PositionUnsupported))
                }
                Ok(DevicePosition::Failed { .. }) | Err(_) => {
                    position_problem.set(Some(Msg::PositionFailed))
                }
            }
        });
    };
    let clear = move |_| {
        let mut next = filters.get_untracked();
        next.near = None;
        next.near_label = None;
        set_filters.run(next);
    };
    let set_radius = move |ev: leptos::ev::Event| {
        if let Ok(r) = event_target_value(&ev).parse::<u32>() {
            let mut next = filters.get_untracked();
            next.radius_m = r;
            set_filters.run(next);
        }
    };

    view! {
        <div class="near">
            <label class="search">
                <span>{move || lang.t(Msg::NearLabel)}</span>
                <input type="search" data-test="near-input"
                    placeholder=move || lang.t(Msg::NearPlaceholder)
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev)) />
            </label>
            <span class="hint">{move || lang.t(Msg::NearHint)}</span>
            <Show when=can_locate>
                <button class="near-me" data-test="near-me" disabled=locating on:click=near_me>
                    {move || if locating.get() { lang.t(Msg::FindingPosition) } else { lang.t(Msg::MyPositionButton) }}
                </button>
            </Show>
            {move || position_problem.get().map(|msg| view! {
                <p class="form-error" role="alert" data-test="position-problem">{move || lang.t(msg)}</p>
            })}
            <Transition fallback=|| ()>
                {move || suggestions.get().map(|answer| match answer {
                    Ok(places) if places.is_empty() && !typed.get_untracked().trim().is_empty() => {
                        view! { <p class="status" data-test="no-place">{lang.t(Msg::NoPlaceFound)}</p> }.into_any()
                    }
                    Ok(places) => view! {
                        <ul class="suggestions" data-test="place-suggestions">
                            {places.into_iter().map(|place| {
                                let l = lang.get();
                                let label = format!("{} · {}", place.name.get(l), place.context.get(l));
                                let p = place.clone();
                                view! { <li><button class="suggestion" data-test="place-suggestion" on:click=move |_| choose(p.clone())>{label}</button></li> }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <crate::app::ErrorBox error /> }.into_any(),
                })}
            </Transition>
            <Show when=move || filters.get().near.is_some()>
                <div class="near-chosen" data-test="near-chosen">
                    <strong>{move || filters.get().near_label.unwrap_or_else(|| lang.t(Msg::ChosenPoint).to_owned())}</strong>
                    <label>
                        <span>{move || lang.t(Msg::RadiusLabel)}</span>
                        <select data-test="radius" on:change=set_radius prop:value=move || filters.get().radius_m.to_string()>
                            {RADII_M.into_iter().map(|r| view! { <option value=r.to_string()>{radius(r)}</option> }).collect_view()}
                        </select>
                    </label>
                    <button class="secondary" data-test="near-clear" on:click=clear>{move || lang.t(Msg::ClearNear)}</button>
                </div>
            </Show>
        </div>
    }
}
