use sharehub_core::ipc::{IpcError, NearQuery, NearbyResource, ResourceGetArgs, ResourceQuery};
use sharehub_core::{Resource, ResourceSummary};
use tauri::State;

use crate::AppState;

#[tauri::command]
pub async fn resource_list(
    state: State<'_, AppState>,
    args: ResourceQuery,
) -> Result<Vec<ResourceSummary>, IpcError> {
    args.check()?;
    state
        .with_store(move |store| store.list_resources(&args))
        .await
}

#[tauri::command]
pub async fn resource_page(
    state: State<'_, AppState>,
    args: sharehub_core::ipc::ResourcePageArgs,
) -> Result<sharehub_core::ipc::ResourcePage, IpcError> {
    args.check()?;
    state
        .with_store(move |store| store.list_resources_page(&args.query, args.language, args.limit))
        .await
}

#[tauri::command]
pub async fn resource_get(
    state: State<'_, AppState>,
    args: ResourceGetArgs,
) -> Result<Resource, IpcError> {
    state
        .with_store(move |store| store.get_resource(args.id))
        .await
}

#[tauri::command]
pub async fn resource_near(
    state: State<'_, AppState>,
    args: NearQuery,
) -> Result<Vec<NearbyResource>, IpcError> {
    args.check()?;
    state.with_store(move |store| store.near(&args)).await
}

/// Shares something new: the person gives kind, name, description and neighborhood; the
/// place is a point inside that 행정동, the rest are plain defaults (free, public). The name
/// and description are kept as typed in both languages (people write in one).
#[tauri::command]
pub async fn resource_create(
    state: State<'_, AppState>,
    sync: State<'_, crate::sync::SyncSlot>,
    args: sharehub_core::ipc::ResourceCreateArgs,
) -> Result<sharehub_core::ResourceId, IpcError> {
    use sharehub_core::i18n::Msg;
    use sharehub_core::ipc::PlaceRef;
    use sharehub_core::{LocalizedText, Pricing, ResourceId};

    args.check()?;
    let hub = sync.hub()?;
    let text = args.neighborhood.trim().to_owned();
    let places = state
        .with_store(move |store| sharehub_local::places::search(store, &text))
        .await?;
    let not_found = || IpcError::Invalid {
        field: "neighborhood".into(),
        problem: "no neighborhood (행정동) of Seoul has that name".into(),
    };
    let place = places
        .into_iter()
        .find(|p| matches!(&p.place, PlaceRef::Area { code } if code.len() == 7))
        .ok_or_else(not_found)?;
    let area = sharehub_areas::locate(place.location).ok_or_else(not_found)?;
    let dong = area
        .dong
        .map(|d| d.name)
        .unwrap_or_else(|| place.name.clone());
    let neighbor = LocalizedText::new(
        Msg::NeighborOwner.text(sharehub_core::text::Language::Ko),
        Msg::NeighborOwner.text(sharehub_core::text::Language::En),
    );
    let resource = Resource {
        id: ResourceId::new_v7(),
        kind: args.kind,
        name: LocalizedText::typed(&args.name),
        description: LocalizedText::typed(&args.description),
        location: place.location,
        address: LocalizedText::new(
            format!("{} {}", area.gu.name.ko, dong.ko),
            format!("{}, {}", dong.en, area.gu.name.en),
        ),
        district: area.gu.name,
        neighborhood: dong,
        owner_name: neighbor,
        pricing: Pricing::Free,
        capacity: Some(1),
        schedule: None,
        visibility: sharehub_core::resource::Visibility::Public,
    };
    hub.create(resource).await
}
