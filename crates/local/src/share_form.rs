//! Sharing something new from the app's small form ([`ResourceCreateArgs`]: kind, name,
//! description and a neighborhood): the place is a point inside that 행정동, its address
//! and district come from the bundled boundaries, the rest are plain defaults (free,
//! public, "a neighbor" as the owner's name). The name and description are kept as typed,
//! in both languages (people write in one).

use sharehub_core::i18n::Msg;
use sharehub_core::ipc::{PlaceRef, ResourceCreateArgs};
use sharehub_core::resource::Visibility;
use sharehub_core::text::Language;
use sharehub_core::{LocalizedText, Pricing, Resource, ResourceId};

use crate::error::{Error, Result};
use crate::Store;

/// The resource the form describes, with id `id`. The form is checked first
/// ([`ResourceCreateArgs::check`]); a neighborhood that is not one of Seoul's 행정동 is an
/// [`Error::Invalid`] naming the field.
pub fn resource_from_form(
    store: &Store,
    form: &ResourceCreateArgs,
    id: ResourceId,
) -> Result<Resource> {
    form.check()?;
    let not_found = || Error::Invalid {
        field: "neighborhood".into(),
        problem: "no neighborhood (행정동) of Seoul has that name".into(),
    };
    let place = crate::places::search(store, &form.neighborhood)?
        .into_iter()
        .find(|p| matches!(&p.place, PlaceRef::Area { code } if code.len() == 7))
        .ok_or_else(not_found)?;
    let area = sharehub_areas::locate(place.location).ok_or_else(not_found)?;
    let dong = area.dong.map(|d| d.name).unwrap_or(place.name);
    Ok(Resource {
        id,
        kind: form.kind,
        name: LocalizedText::typed(&form.name),
        description: LocalizedText::typed(&form.description),
        location: place.location,
        address: LocalizedText::new(
            format!("{} {}", area.gu.name.ko, dong.ko),
            format!("{}, {}", dong.en, area.gu.name.en),
        ),
        district: area.gu.name,
        neighborhood: dong,
        owner_name: LocalizedText::new(
            Msg::NeighborOwner.text(Language::Ko),
            Msg::NeighborOwner.text(Language::En),
        ),
        pricing: Pricing::Free,
        capacity: Some(1),
        schedule: None,
        visibility: Visibility::Public,
    })
}

#[cfg(test)]
mod tests {
    use sharehub_core::ResourceKind;

    use super::*;

    fn form(neighborhood: &str) -> ResourceCreateArgs {
        ResourceCreateArgs {
            kind: ResourceKind::Tool,
            name: "  전동 드릴 ".into(),
            description: "주말에 빌려드려요".into(),
            neighborhood: neighborhood.into(),
        }
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("device.db")).unwrap();
        (dir, store)
    }

    #[test]
    fn a_form_becomes_a_resource_placed_in_its_neighborhood() {
        let (_dir, store) = store();
        let id = ResourceId::new_v7();
        let r = resource_from_form(&store, &form("망원1동"), id).unwrap();
        assert_eq!(r.id, id);
        assert_eq!(r.name, LocalizedText::new("전동 드릴", "전동 드릴"));
        assert_eq!(r.district.ko, "마포구");
        assert_eq!(r.neighborhood.ko, "망원1동");
        assert_eq!(r.address.ko, "마포구 망원1동");
        let located = sharehub_areas::locate(r.location).unwrap();
        assert_eq!(located.dong.map(|d| d.name.ko).as_deref(), Some("망원1동"));
        assert_eq!((&r.pricing, r.capacity), (&Pricing::Free, Some(1)));
        assert_eq!(r.visibility, Visibility::Public);
        assert_eq!(r.owner_name.en, "A neighbor");
        assert!(r.problems().is_empty(), "{:?}", r.problems());
    }

    #[test]
    fn an_unknown_neighborhood_or_a_bad_form_is_refused_by_field() {
        let (_dir, store) = store();
        let field_of = |form: &ResourceCreateArgs| match resource_from_form(
            &store,
            form,
            ResourceId::new_v7(),
        ) {
            Err(Error::Invalid { field, .. }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(field_of(&form("Atlantis")), "neighborhood");
        // A gu is not a neighborhood (행정동).
        assert_eq!(field_of(&form("마포구")), "neighborhood");
        assert_eq!(field_of(&form(" ")), "neighborhood");
        let mut blank = form("망원1동");
        blank.name = "  ".into();
        assert_eq!(field_of(&blank), "name");
        let mut station = form("망원1동");
        station.kind = ResourceKind::BikeStation;
        assert_eq!(field_of(&station), "kind");
    }
}
