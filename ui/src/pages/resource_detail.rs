//! One shared resource, with everything a person needs to decide to use it.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use sharehub_core::i18n::{capacity, day_name, price, Msg};
use sharehub_core::ipc::{IpcError, ResourceGet, ResourceGetArgs};
use sharehub_core::resource::{Visibility, WeeklySchedule};
use sharehub_core::text::Language;
use sharehub_core::{Resource, ResourceId};

use crate::app::{use_lang, ErrorBox, ListUrl};
use crate::booking::BookingPanel;
use crate::format::{kind_badge_class, kind_label};
use crate::ipc::call;
use crate::live_bikes::{describe, use_live_bikes};
use crate::spot_map::SpotMap;

#[component]
pub fn ResourceDetailPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let back_to = expect_context::<ListUrl>().0;
    let resource = LocalResource::new(move || {
        let raw = params.with(|p| p.get("id").unwrap_or_default());
        async move {
            let id: ResourceId = raw.parse().map_err(|_| IpcError::Invalid {
                field: "id".into(),
                problem: format!("{raw:?} is not a resource id"),
            })?;
            call::<ResourceGet>(&ResourceGetArgs { id }).await
        }
    });
    view! {
        <section class="detail-page">
            <A href=move || back_to.get() attr:class="back" attr:data-test="back">{move || lang.t(Msg::BackToList)}</A>
            <Transition fallback=move || view! { <p class="status">{lang.t(Msg::Loading)}</p> }>
                {move || {
                    resource.get().map(|answer| match answer {
                        Ok(resource) => view! { <ResourceDetail resource /> }.into_any(),
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                    })
                }}
            </Transition>
        </section>
    }
}

fn schedule_lines(language: Language, schedule: &WeeklySchedule) -> Vec<String> {
    schedule
        .slots
        .iter()
        .map(|slot| {
            let days: Vec<&str> = slot.days.iter().map(|d| day_name(language, *d)).collect();
            format!("{} {}–{}", days.join(", "), slot.opens, slot.closes)
        })
        .collect()
}

#[component]
fn ResourceDetail(resource: Resource) -> impl IntoView {
    let lang = use_lang();
    let live = use_live_bikes();
    // The small map stays put while the words follow the language and live counts.
    let spot = resource.clone();
    let resource_id = resource.id;
    let facts = move || {
        let l = lang.get();
        let r = &resource;
        let hours = match &r.schedule {
            None => vec![lang.t(Msg::AlwaysOpen).to_owned()],
            Some(schedule) => schedule_lines(l, schedule),
        };
        view! {
            <article class="resource-detail" data-test="resource-detail" data-id=r.id.to_string()>
                <span class=kind_badge_class(r.kind)>{kind_label(l, r.kind)}</span>
                <h1 data-test="detail-name">{r.name.get(l).to_owned()}</h1>
                <p class="lead" data-test="detail-description">{r.description.get(l).to_owned()}</p>
                <dl class="facts">
                    {live.with(|known| known.get(&r.id).map(|s| describe(l, s))).map(|text| view! {
                        <dt>{lang.t(Msg::RightNow)}</dt>
                        <dd data-test="detail-live">{text}</dd>
                    })}
                    <dt>{lang.t(Msg::Price)}</dt>
                    <dd data-test="detail-price">{price(l, &r.pricing)}</dd>
                    {r.capacity.map(|n| view! {
                        <dt>{lang.t(Msg::Capacity)}</dt>
                        <dd data-test="detail-capacity">{capacity(l, r.kind, n)}</dd>
                    })}
                    <dt>{lang.t(Msg::Hours)}</dt>
                    <dd data-test="detail-hours">{hours.into_iter().map(|h| view! { <span class="line">{h}</span> }).collect_view()}</dd>
                    <dt>{lang.t(Msg::Area)}</dt>
                    <dd data-test="detail-area">{format!("{} · {}", r.neighborhood.get(l), r.district.get(l))}</dd>
                    <dt>{lang.t(Msg::Address)}</dt>
                    <dd data-test="detail-address">
                        {r.address.get(l).to_owned()}
                        {(r.visibility == Visibility::ConfirmedBookers).then(|| view! {
                            <span class="note">{lang.t(Msg::ExactSpotAfterBooking)}</span>
                        })}
                    </dd>
                    <dt>{lang.t(Msg::OfferedBy)}</dt>
                    <dd data-test="detail-owner">{r.owner_name.get(l).to_owned()}</dd>
                </dl>
            </article>
        }
    };
    view! {
        {facts}
        <BookingPanel resource_id />
        <SpotMap resource=spot />
    }
}
