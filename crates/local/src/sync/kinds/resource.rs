//! Resources as sync sees them: the `resource` table (what the app shows; `server_version`
//! and `owner_id` say which server version a row shows) and the mutations
//! `resource.create`, `resource.update` and `resource.retire`.

use rusqlite::{params, OptionalExtension};
use sharehub_core::ipc::{AttentionItem, ChangeAction};
use sharehub_core::resource::FieldProblem;
use sharehub_core::wire::{AccountId, Alternative, Change, EntityKind, Mutation};
use sharehub_core::{Resource, ResourceId};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::sync::entry::NeedsAttention;
use crate::sync::record::{from_value, not_of_kind, to_value, RecordRef, ServerCopy};
use crate::sync::record_kind::{Known, RecordKind};
use crate::sync::replica::{to_json, Tx};
use crate::Store;

/// The resource kind's module (see [`RecordKind`]).
pub(crate) struct Resources;

/// A resource mutation, borrowed.
enum Op<'a> {
    Create(&'a Resource),
    Update(&'a Resource),
    Retire(ResourceId),
}

fn op(mutation: &Mutation) -> Result<Op<'_>> {
    match mutation {
        Mutation::ResourceCreate(args) => Ok(Op::Create(&args.resource)),
        Mutation::ResourceUpdate(args) => Ok(Op::Update(&args.resource)),
        Mutation::ResourceRetire(args) => Ok(Op::Retire(args.id)),
        other => Err(not_of_kind(EntityKind::Resource, other)),
    }
}

/// The resource a create or update carries, to edit before it is sent again; retiring has
/// nothing to edit.
pub(crate) fn resource_mut(mutation: &mut Mutation) -> Result<&mut Resource> {
    match mutation {
        Mutation::ResourceCreate(args) => Ok(&mut args.resource),
        Mutation::ResourceUpdate(args) => Ok(&mut args.resource),
        Mutation::ResourceRetire(_) => Err(invalid(FieldProblem::new(
            "resource",
            "retiring has nothing to edit: retry or discard it",
        ))),
        other => Err(not_of_kind(EntityKind::Resource, other)),
    }
}

fn at(id: ResourceId) -> RecordRef {
    RecordRef {
        entity: EntityKind::Resource,
        id: id.0,
    }
}

fn invalid(problem: FieldProblem) -> Error {
    Error::Invalid {
        field: problem.field,
        problem: problem.problem,
    }
}

impl RecordKind for Resources {
    fn entity(&self) -> EntityKind {
        EntityKind::Resource
    }

    fn target(&self, mutation: &Mutation) -> Result<Uuid> {
        Ok(match op(mutation)? {
            Op::Create(resource) | Op::Update(resource) => resource.id.0,
            Op::Retire(id) => id.0,
        })
    }

    fn on_base(&self, mut mutation: Mutation, base: Option<u64>) -> Result<Mutation> {
        match &mut mutation {
            Mutation::ResourceUpdate(args) => args.base_version = base,
            Mutation::ResourceRetire(args) => args.base_version = base,
            // A create is made on nothing.
            Mutation::ResourceCreate(_) => {}
            other => return Err(not_of_kind(EntityKind::Resource, other)),
        }
        Ok(mutation)
    }

    fn check(&self, mutation: &Mutation, shown: bool) -> Result<()> {
        match op(mutation)? {
            Op::Create(resource) => {
                if let Some(problem) = resource.problems().into_iter().next() {
                    return Err(invalid(problem));
                }
                if shown {
                    return Err(invalid(FieldProblem::new(
                        "id",
                        format!(
                            "a resource with id {} already exists; make a new id",
                            resource.id
                        ),
                    )));
                }
            }
            Op::Update(resource) => {
                if let Some(problem) = resource.problems().into_iter().next() {
                    return Err(invalid(problem));
                }
                if !shown {
                    return Err(Error::ResourceNotFound(resource.id));
                }
            }
            Op::Retire(id) if !shown => return Err(Error::ResourceNotFound(id)),
            Op::Retire(_) => {}
        }
        Ok(())
    }

    fn applied(
        &self,
        mutation: &Mutation,
        version: u64,
        me: AccountId,
        _known: &Known,
    ) -> Result<ServerCopy> {
        Ok(match op(mutation)? {
            Op::Create(resource) => ServerCopy {
                version: Some(version),
                owner: Some(me),
                body: Some(to_value(resource)?),
            },
            // The owner stays whoever it was.
            Op::Update(resource) => ServerCopy {
                version: Some(version),
                owner: None,
                body: Some(to_value(resource)?),
            },
            Op::Retire(_) => ServerCopy::gone(Some(version)),
        })
    }

    fn current(
        &self,
        mutation: &Mutation,
        alternatives: &[Alternative],
    ) -> Result<Option<ServerCopy>> {
        let target = self.target(mutation)?;
        // The current record, when the server sent it in full and it is this record.
        alternatives
            .iter()
            .find_map(|alternative| match alternative {
                Alternative::CurrentResource { record }
                    if record.exact && record.resource.id.0 == target =>
                {
                    Some(record)
                }
                Alternative::CurrentResource { .. } | Alternative::Slot { .. } => None,
            })
            .map(|record| {
                Ok(ServerCopy {
                    version: Some(record.version),
                    owner: Some(record.owner_id),
                    body: Some(to_value(&record.resource)?),
                })
            })
            .transpose()
    }

    fn shown(&self, tx: &Tx<'_>, id: Uuid) -> Result<Option<ServerCopy>> {
        let row: Option<(Option<i64>, Option<String>)> = tx
            .prepare_cached("SELECT server_version, owner_id FROM resource WHERE id = ?1")?
            .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        row.map(|(version, owner)| {
            let owner = owner
                .map(|o| {
                    o.parse().map_err(|e: uuid::Error| Error::CorruptRow {
                        id: id.to_string(),
                        detail: e.to_string(),
                    })
                })
                .transpose()?;
            Ok(ServerCopy {
                version: version.map(|v| v as u64),
                owner,
                body: Some(to_value(&tx.store.get_resource(ResourceId(id))?)?),
            })
        })
        .transpose()
    }

    fn show_pending(
        &self,
        tx: &Tx<'_>,
        mutation: &Mutation,
        copy: Option<&ServerCopy>,
    ) -> Result<()> {
        match op(mutation)? {
            Op::Create(resource) => put_shown(tx, resource, None, Some(tx.account()?), false),
            Op::Update(resource) => {
                put_shown(tx, resource, None, copy.and_then(|c| c.owner), false)
            }
            Op::Retire(id) => delete_shown(tx, id),
        }
    }

    fn show_copy(&self, tx: &Tx<'_>, id: Uuid, copy: &ServerCopy) -> Result<()> {
        match &copy.body {
            Some(body) => {
                let resource: Resource = from_value(at(ResourceId(id)), body)?;
                put_shown(tx, &resource, copy.version, copy.owner, false)
            }
            None => delete_shown(tx, ResourceId(id)),
        }
    }

    fn apply(&self, tx: &Tx<'_>, change: &Change, copies_exist: bool) -> Result<()> {
        match change {
            Change::Resource { record, .. } => {
                let pending = copies_exist
                    && tx.learn_pulled(at(record.resource.id), record.version, || {
                        Ok(ServerCopy {
                            version: Some(record.version),
                            owner: Some(record.owner_id),
                            body: Some(to_value(&record.resource)?),
                        })
                    })?;
                if pending {
                    return Ok(());
                }
                put_shown(
                    tx,
                    &record.resource,
                    Some(record.version),
                    Some(record.owner_id),
                    true,
                )
            }
            Change::Tombstone { seq, id, .. } => {
                let id = ResourceId(*id);
                let pending = copies_exist
                    && tx.learn_pulled(at(id), *seq, || Ok(ServerCopy::gone(Some(*seq))))?;
                if pending {
                    return Ok(());
                }
                tx.prepare_cached(
                    "DELETE FROM resource WHERE id = ?1
                         AND (server_version IS NULL OR server_version <= ?2)",
                )?
                .execute(params![id.to_string(), *seq as i64])?;
                Ok(())
            }
            Change::Reservation { .. } | Change::BookingCalendar { .. } | Change::Unknown => Ok(()),
        }
    }

    fn drop_unsynced(&self, tx: &Tx<'_>) -> Result<()> {
        tx.execute(
            "DELETE FROM resource WHERE server_version IS NULL
                 AND id NOT IN (SELECT id FROM server_copy WHERE entity = 'resource')",
            [],
        )?;
        Ok(())
    }

    fn forget(&self, tx: &Tx<'_>) -> Result<()> {
        tx.execute(
            "DELETE FROM resource WHERE server_version IS NOT NULL
                 OR id IN (SELECT id FROM server_copy WHERE entity = 'resource')
                 OR id IN (SELECT record_id FROM outbox WHERE entity = 'resource')",
            [],
        )?;
        Ok(())
    }

    fn attention_item(&self, store: &Store, entry: &NeedsAttention) -> Result<AttentionItem> {
        let (action, resource, name, description) = match op(&entry.change)? {
            Op::Create(r) => (
                ChangeAction::Create,
                r.id,
                Some(r.name.clone()),
                Some(r.description.clone()),
            ),
            Op::Update(r) => (
                ChangeAction::Update,
                r.id,
                Some(r.name.clone()),
                Some(r.description.clone()),
            ),
            Op::Retire(id) => (
                ChangeAction::Retire,
                id,
                store.get_resource(id).ok().map(|r| r.name),
                None,
            ),
        };
        Ok(AttentionItem {
            entry: entry.entry.0,
            action,
            resource,
            name,
            description,
            reason: entry.reason.clone(),
            made_at: entry.made_at,
            booking: None,
        })
    }
}

/// Inserts or replaces a shown row. With `only_if_newer`, a row already showing a newer
/// server version is kept.
fn put_shown(
    tx: &Tx<'_>,
    r: &Resource,
    server_version: Option<u64>,
    owner: Option<AccountId>,
    only_if_newer: bool,
) -> Result<()> {
    let sql = if only_if_newer {
        PUT_SHOWN_IF_NEWER
    } else {
        PUT_SHOWN
    };
    let schedule = r.schedule.as_ref().map(to_json).transpose()?;
    let area = crate::store::areas::AreaCodes::of(r.location);
    tx.prepare_cached(sql)?.execute(params![
        r.id.to_string(),
        r.kind.as_str(),
        r.name.ko,
        r.name.en,
        r.description.ko,
        r.description.en,
        r.location.lat,
        r.location.lon,
        r.address.ko,
        r.address.en,
        r.district.ko,
        r.district.en,
        r.neighborhood.ko,
        r.neighborhood.en,
        r.owner_name.ko,
        r.owner_name.en,
        to_json(&r.pricing)?,
        r.capacity,
        schedule,
        to_json(&r.visibility)?,
        server_version.map(|v| v as i64),
        owner.map(|o| o.to_string()),
        area.gu,
        area.dong,
    ])?;
    Ok(())
}

fn delete_shown(tx: &Tx<'_>, id: ResourceId) -> Result<()> {
    tx.prepare_cached("DELETE FROM resource WHERE id = ?1")?
        .execute([id.to_string()])?;
    Ok(())
}

/// Upsert of a shown row, with an optional `WHERE` for the update.
macro_rules! put_shown_sql {
    ($condition:literal) => {
        concat!(
            "INSERT INTO resource (id, kind, name_ko, name_en, description_ko,
                description_en, lat, lon, address_ko, address_en, district_ko, district_en,
                neighborhood_ko, neighborhood_en, owner_name_ko, owner_name_en, pricing,
                capacity, schedule, visibility, server_version, owner_id, gu_code, dong_code)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19, ?20, ?21, ?22, ?23, ?24)
            ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name_ko = excluded.name_ko,
                name_en = excluded.name_en, description_ko = excluded.description_ko,
                description_en = excluded.description_en, lat = excluded.lat,
                lon = excluded.lon, address_ko = excluded.address_ko,
                address_en = excluded.address_en, district_ko = excluded.district_ko,
                district_en = excluded.district_en, neighborhood_ko = excluded.neighborhood_ko,
                neighborhood_en = excluded.neighborhood_en,
                owner_name_ko = excluded.owner_name_ko, owner_name_en = excluded.owner_name_en,
                pricing = excluded.pricing, capacity = excluded.capacity,
                schedule = excluded.schedule, visibility = excluded.visibility,
                server_version = excluded.server_version, owner_id = excluded.owner_id,
                gu_code = excluded.gu_code, dong_code = excluded.dong_code ",
            $condition
        )
    };
}

const PUT_SHOWN: &str = put_shown_sql!("");

/// A row already showing a newer server version is kept (versions only move forward).
const PUT_SHOWN_IF_NEWER: &str = put_shown_sql!(
    "WHERE resource.server_version IS NULL OR excluded.server_version >= resource.server_version"
);

#[cfg(test)]
mod tests {
    use sharehub_core::resource::Visibility;
    use sharehub_core::wire::{
        ResourceCreateArgs, ResourceRetireArgs, ResourceUpdateArgs, ResourceView,
    };
    use sharehub_core::{GeoPoint, LocalizedText, Pricing, ResourceKind};

    use super::*;

    const ME: AccountId = AccountId(Uuid::from_u128(7));
    const OTHER: AccountId = AccountId(Uuid::from_u128(8));

    fn resource(n: u128, name: &str) -> Resource {
        let text = LocalizedText::new(name, name);
        Resource {
            id: ResourceId(Uuid::from_u128(n)),
            kind: ResourceKind::Tool,
            name: text.clone(),
            description: text.clone(),
            location: GeoPoint {
                lat: 37.55,
                lon: 126.91,
            },
            address: text.clone(),
            district: text.clone(),
            neighborhood: text.clone(),
            owner_name: text,
            pricing: Pricing::Free,
            capacity: None,
            schedule: None,
            visibility: Visibility::Public,
        }
    }

    fn copy(version: u64, owner: Option<AccountId>, r: Option<Resource>) -> ServerCopy {
        ServerCopy {
            version: Some(version),
            owner,
            body: r.map(|r| serde_json::to_value(r).unwrap()),
        }
    }

    fn current(n: u128, version: u64, exact: bool) -> Alternative {
        Alternative::CurrentResource {
            record: ResourceView {
                resource: resource(n, "theirs"),
                owner_id: OTHER,
                version,
                exact,
            },
        }
    }

    #[test]
    fn what_the_server_holds_after_an_answer_table() {
        let create = Mutation::ResourceCreate(ResourceCreateArgs {
            resource: resource(1, "mine"),
        });
        let update = Mutation::ResourceUpdate(ResourceUpdateArgs {
            resource: resource(1, "mine"),
            base_version: Some(4),
        });
        let retire = Mutation::ResourceRetire(ResourceRetireArgs {
            id: ResourceId(Uuid::from_u128(1)),
            base_version: None,
        });
        let kind = Resources;
        #[rustfmt::skip]
        let applied = [
            ("create applied: I own it", &create, copy(5, Some(ME), Some(resource(1, "mine")))),
            ("update applied: owner unchanged", &update, copy(6, None, Some(resource(1, "mine")))),
            ("retire applied: gone", &retire, copy(7, None, None)),
        ];
        for (name, mutation, expected) in applied {
            let version = expected.version.unwrap();
            assert_eq!(
                kind.applied(mutation, version, ME, &Known::default())
                    .unwrap(),
                expected,
                "{name}"
            );
        }
        #[rustfmt::skip]
        let bumped = [
            ("bumped: the current record", vec![current(1, 9, true)],
             Some(copy(9, Some(OTHER), Some(resource(1, "theirs"))))),
            ("a blurred record is not a copy", vec![current(1, 9, false)], None),
            ("another record is not a copy", vec![current(2, 9, true)], None),
            ("no alternatives", vec![], None),
        ];
        for (name, alternatives, expected) in bumped {
            assert_eq!(
                kind.current(&update, &alternatives).unwrap(),
                expected,
                "{name}"
            );
        }
    }

    #[test]
    fn the_base_version_is_set_where_the_arguments_have_one() {
        let kind = Resources;
        let update = Mutation::ResourceUpdate(ResourceUpdateArgs {
            resource: resource(1, "mine"),
            base_version: None,
        });
        let sent = kind.on_base(update.clone(), Some(3)).unwrap();
        assert_eq!(sent.args_json()["base_version"], 3);
        assert_eq!(
            kind.on_base(sent, None).unwrap(),
            update,
            "stored without it"
        );
        let create = Mutation::ResourceCreate(ResourceCreateArgs {
            resource: resource(1, "mine"),
        });
        assert_eq!(kind.on_base(create.clone(), Some(3)).unwrap(), create);
        assert_eq!(
            kind.target(&create).unwrap(),
            Uuid::from_u128(1),
            "the record it changes"
        );
    }
}
