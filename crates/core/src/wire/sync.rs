//! Sync: pulling changes (`GET /v1/sync/changes`) and pushing mutations
//! (`POST /v1/sync/mutations`).
//!
//! A mutation travels as `{idempotency_key, name, args}`. The server parses `name` + `args`
//! into [`Mutation`] one mutation at a time, so a name it does not know (an app newer than
//! the server) is answered `rejected` for that mutation only, never a 400 for the batch.
//! New mutations (reservations, RSVPs, poll votes, home-share steps) are new variants.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use chrono::{DateTime, Utc};

use super::ResourceView;
use crate::booking::{BookingCalendar, BookingRefusal, BookingRules, Reservation, ReservationId};
use crate::resource::FieldProblem;
use crate::{Resource, ResourceId};

/// Most changes in one page.
pub const MAX_CHANGES_LIMIT: u32 = 5000;
/// Changes in a page when `limit` is not given.
pub const DEFAULT_CHANGES_LIMIT: u32 = 500;
/// Most mutations in one batch.
pub const MAX_BATCH_MUTATIONS: usize = 100;
/// Longest accepted idempotency key, in characters.
pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 100;

/// `GET /v1/sync/changes` query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ChangesQuery {
    /// The cursor from the previous page (`next_since`); 0 or absent for everything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        param(minimum = 0, maximum = 9007199254740991_i64)
    )]
    pub since: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 5000))]
    pub limit: Option<u32>,
    /// The kinds of record this device understands, comma-separated (`resource,reservation`).
    /// Absent: `resource` only, what devices from before this parameter understand. Names
    /// this server does not know are ignored, so a newer device can ask an older server.
    /// Changes of other kinds are skipped (the cursor still moves past them); a device that
    /// later learns a kind fetches its records with `since=0&kinds=<the new kind>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(max_length = 500, example = "resource"))]
    pub kinds: Option<String>,
}

impl ChangesQuery {
    /// The kinds asked for: `kinds` parsed (unknown names dropped), or `resource` alone
    /// when absent.
    pub fn kinds(&self) -> Vec<EntityKind> {
        match &self.kinds {
            None => vec![EntityKind::Resource],
            Some(list) => {
                let mut kinds: Vec<EntityKind> = list
                    .split(',')
                    .filter_map(|name| EntityKind::parse(name.trim()))
                    .collect();
                kinds.sort_by_key(|kind| kind.as_str());
                kinds.dedup();
                kinds
            }
        }
    }

    /// The `kinds` value naming exactly these kinds.
    pub fn kinds_param(kinds: &[EntityKind]) -> String {
        kinds
            .iter()
            .map(|kind| kind.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// What kind of record a change is about. A new kind of record is a new variant here, a
/// new [`Change`] variant carrying its record, and a table on each side; devices say which
/// kinds they understand ([`ChangesQuery::kinds`]), so older devices never see new kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Resource,
    /// A booking: its booker, the resource's owner and the booking organisation see it.
    Reservation,
    /// A bookable resource's public rules and busy spans (id: the resource's id).
    BookingCalendar,
}

impl EntityKind {
    /// Every kind this build knows.
    pub const ALL: [EntityKind; 3] = [
        EntityKind::Resource,
        EntityKind::Reservation,
        EntityKind::BookingCalendar,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Resource => "resource",
            EntityKind::Reservation => "reservation",
            EntityKind::BookingCalendar => "booking_calendar",
        }
    }

    pub fn parse(name: &str) -> Option<EntityKind> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// Why a record went away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TombstoneReason {
    /// Deleted or retired by its owner or a coordinator; for a public-bike station, also
    /// gone from its feed.
    Deleted,
    /// It still exists, but this person may no longer see it.
    NoLongerVisible,
}

/// One change, in `seq` order. The device upserts records and deletes tombstoned ids.
/// Each kind of record is its own variant (`type` names it); tombstones name their kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    Resource {
        seq: u64,
        record: Box<ResourceView>,
    },
    Reservation {
        seq: u64,
        record: Box<Reservation>,
    },
    BookingCalendar {
        seq: u64,
        record: Box<BookingCalendar>,
    },
    Tombstone {
        seq: u64,
        entity: EntityKind,
        id: Uuid,
        reason: TombstoneReason,
    },
    /// A change this build cannot read (a server newer than the app that ignored
    /// `kinds`): skipped and counted, never an error for the page. Servers never send it.
    #[serde(other)]
    Unknown,
}

impl Change {
    /// The change's `seq`; `None` for an [`Change::Unknown`] one (the page's `next_since`
    /// still moves past it).
    pub fn seq(&self) -> Option<u64> {
        match self {
            Change::Resource { seq, .. }
            | Change::Reservation { seq, .. }
            | Change::BookingCalendar { seq, .. }
            | Change::Tombstone { seq, .. } => Some(*seq),
            Change::Unknown => None,
        }
    }

    /// The kind of record the change is about.
    pub fn entity(&self) -> Option<EntityKind> {
        match self {
            Change::Resource { .. } => Some(EntityKind::Resource),
            Change::Reservation { .. } => Some(EntityKind::Reservation),
            Change::BookingCalendar { .. } => Some(EntityKind::BookingCalendar),
            Change::Tombstone { entity, .. } => Some(*entity),
            Change::Unknown => None,
        }
    }
}

/// One page of changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangesPage {
    pub changes: Vec<Change>,
    /// Store this with the applied page; send it as `since` next time.
    pub next_since: u64,
    /// True when more changes are waiting: ask again right away.
    pub has_more: bool,
    /// The newest `seq` on the server when this page was read. `latest_seq - next_since`
    /// bounds how many changes are left (it also counts ones you may not see), so a device
    /// can show "downloading n of about m". Absent from older servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_seq: Option<u64>,
}

/// `POST /v1/sync/mutations` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MutationBatch {
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub mutations: Vec<MutationRequest>,
}

/// One named mutation as sent. `args` is checked against `name` one mutation at a time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MutationRequest {
    /// Made once by the device per intended change (a UUID is fine); a repeated key gets
    /// the first answer again and changes nothing.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub idempotency_key: String,
    /// One of [`Mutation::NAMES`] (`resource.create`, `resource.update`, …).
    #[cfg_attr(feature = "openapi", schema(example = "resource.retire"))]
    pub name: String,
    /// The mutation's arguments; their shape depends on `name` (see `Mutation`).
    pub args: serde_json::Value,
}

/// Declares [`Mutation`] from one table of `Variant(Args) = "wire.name"`: the enum, its
/// serde names, [`Mutation::NAMES`], [`Mutation::name`] and [`Mutation::parse`] all come from
/// the same line, so a mutation's name is written once. (`tt`, not `literal`: a `literal`
/// fragment reaches derive macros wrapped, and utoipa would then miss the serde name.)
macro_rules! mutations {
    ($( $(#[$doc:meta])* $variant:ident($args:ty) = $name:tt, )+) => {
        /// Every mutation this server knows, with its arguments.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(tag = "name", content = "args")]
        pub enum Mutation {
            $( $(#[$doc])* #[serde(rename = $name)] $variant($args), )+
        }

        impl Mutation {
            /// The wire names of every mutation, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($name),+];

            /// This mutation's wire name.
            pub fn name(&self) -> &'static str {
                match self {
                    $( Mutation::$variant(_) => $name, )+
                }
            }

            /// Parses one mutation, or says in words why it cannot be.
            pub fn parse(name: &str, args: &serde_json::Value) -> Result<Mutation, String> {
                match name {
                    $( $name => <$args>::deserialize(args)
                        .map(Mutation::$variant)
                        .map_err(|e| format!("the args of {name} are invalid: {e}")), )+
                    _ => Err(format!(
                        "this server does not know the mutation {name:?}; it knows {}",
                        Self::NAMES.join(", ")
                    )),
                }
            }

            /// The mutation's arguments as JSON (what travels as `args`).
            pub fn args_json(&self) -> serde_json::Value {
                match self {
                    $( Mutation::$variant(args) => serde_json::to_value(args)
                        .unwrap_or(serde_json::Value::Null), )+
                }
            }
        }
    };
}

mutations! {
    /// Share something new; the signed-in person becomes its owner.
    ResourceCreate(ResourceCreateArgs) = "resource.create",
    /// Edit a resource (its owner, coordinators and admins).
    ResourceUpdate(ResourceUpdateArgs) = "resource.update",
    /// Stop sharing a resource.
    ResourceRetire(ResourceRetireArgs) = "resource.retire",
    /// The owner sets (or, with `rules: null`, removes) a resource's booking rules.
    BookingSetRules(BookingSetRulesArgs) = "booking.set_rules",
    /// Ask for a booking; the server confirms it, holds it pending the owner's approval,
    /// or bumps it with other times.
    ReservationRequest(ReservationRequestArgs) = "reservation.request",
    /// The booker (or the owner) cancels a booking that still holds its slot.
    ReservationCancel(ReservationCancelArgs) = "reservation.cancel",
    /// Change a booking's time in one step: refused, it keeps its old time.
    ReservationMove(ReservationMoveArgs) = "reservation.move",
    /// The booker says they are there.
    ReservationCheckIn(ReservationCheckInArgs) = "reservation.check_in",
    /// The resource's owner approves or declines a pending request.
    ReservationDecide(ReservationDecideArgs) = "reservation.decide",
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BookingSetRulesArgs {
    pub resource_id: ResourceId,
    /// `null`: the resource takes no more bookings (existing ones stay).
    pub rules: Option<BookingRules>,
}

fn one_unit() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReservationRequestArgs {
    /// Made on the device (UUIDv7), so the tentative booking keeps its id.
    pub id: ReservationId,
    pub resource_id: ResourceId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    #[serde(default = "one_unit")]
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 1, maximum = 1000))]
    pub units: u32,
    /// Book on behalf of this organisation (the person must be a member).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<uuid::Uuid>,
    /// A note to the owner.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub note: String,
    /// One booking of a recurring series (the device previews the series with
    /// `booking::preview` and sends one request per date it keeps; the id groups them, so a
    /// person can cancel one date, the rest, or a range).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_id: Option<uuid::Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReservationCancelArgs {
    pub id: ReservationId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReservationMoveArgs {
    pub id: ReservationId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReservationCheckInArgs {
    pub id: ReservationId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReservationDecideArgs {
    pub id: ReservationId,
    pub approve: bool,
    /// Said to the booker (required words are not: an empty reason is allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResourceCreateArgs {
    pub resource: Resource,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResourceUpdateArgs {
    pub resource: Resource,
    /// The `version` the edit was made on; when the server has a newer one the mutation is
    /// bumped with the current record as the alternative. Absent: last write wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_version: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResourceRetireArgs {
    pub id: ResourceId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_version: Option<u64>,
}

/// What the server did with one mutation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum MutationOutcome {
    /// Done; `version` is the `seq` of the change it made.
    Applied { version: u64 },
    /// Not done, and sending it again will not help. `reason` is for the person.
    Rejected {
        reason: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        problems: Vec<FieldProblem>,
        /// For bookings: which rule refused, for the device to word in the person's
        /// language (`reason` is the English words for logs and older apps).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<BookingRefusal>,
    },
    /// Not done because someone else got there first; pick one of `alternatives` (or
    /// re-apply the edit on the current record) and send a new mutation.
    Bumped {
        reason: String,
        alternatives: Vec<Alternative>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<BookingRefusal>,
    },
}

/// Something the person can choose instead of a bumped mutation.
// A few of these travel per bumped mutation, so the size of the record variant does not
// matter; boxing it would change the patterns every crate matches it with.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Alternative {
    /// The record as it is now on the server.
    CurrentResource { record: ResourceView },
    /// A free time for a bumped booking: the nearest free times of the same resource, or
    /// the same kind of resource nearby at the asked time. Book it with a new request.
    Slot {
        resource_id: ResourceId,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MutationResult {
    pub idempotency_key: String,
    pub outcome: MutationOutcome,
}

/// The answers, in the order of the batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MutationResults {
    pub results: Vec<MutationResult>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_names_and_bad_args_are_explained() {
        let err = Mutation::parse("poll.vote", &serde_json::json!({})).unwrap_err();
        assert!(
            err.contains("does not know the mutation \"poll.vote\""),
            "{err}"
        );
        let err = Mutation::parse("resource.retire", &serde_json::json!({"id": 5})).unwrap_err();
        assert!(
            err.starts_with("the args of resource.retire are invalid"),
            "{err}"
        );
        let id = "0190a6c8-0000-7000-8000-000000000001";
        let parsed = Mutation::parse("resource.retire", &serde_json::json!({ "id": id })).unwrap();
        assert_eq!(
            parsed,
            Mutation::ResourceRetire(ResourceRetireArgs {
                id: id.parse().unwrap(),
                base_version: None
            })
        );
    }

    #[test]
    fn names_come_from_the_enum_and_round_trip() {
        let id: ResourceId = "0190a6c8-0000-7000-8000-000000000001".parse().unwrap();
        let retire = Mutation::ResourceRetire(ResourceRetireArgs {
            id,
            base_version: Some(3),
        });
        assert_eq!(retire.name(), "resource.retire");
        assert!(Mutation::NAMES.contains(&retire.name()));
        let json = serde_json::to_value(&retire).unwrap();
        assert_eq!(json["name"], "resource.retire");
        assert_eq!(json["args"], retire.args_json());
        assert_eq!(
            Mutation::parse(retire.name(), &retire.args_json()).unwrap(),
            retire
        );
        let mut names = Mutation::NAMES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(
            names.len(),
            Mutation::NAMES.len(),
            "a name is declared twice"
        );
    }

    #[test]
    fn kinds_default_to_resource_and_ignore_unknown_names() {
        let query = |kinds: Option<&str>| ChangesQuery {
            kinds: kinds.map(str::to_owned),
            ..ChangesQuery::default()
        };
        assert_eq!(query(None).kinds(), vec![EntityKind::Resource]);
        assert_eq!(
            query(Some("resource, poll_vote,resource")).kinds(),
            vec![EntityKind::Resource]
        );
        assert_eq!(query(Some("poll_vote")).kinds(), Vec::<EntityKind>::new());
        assert_eq!(
            ChangesQuery::kinds_param(&EntityKind::ALL),
            "resource,reservation,booking_calendar"
        );
    }

    #[test]
    fn a_change_of_an_unknown_kind_is_skipped_not_an_error() {
        let page: ChangesPage = serde_json::from_value(serde_json::json!({
            "changes": [
                {"type": "poll_vote", "seq": 4, "record": {"choice": "yes"}},
                {"type": "tombstone", "seq": 5, "entity": "resource",
                 "id": "0190a6c8-0000-7000-8000-000000000001", "reason": "deleted"}
            ],
            "next_since": 5,
            "has_more": false
        }))
        .unwrap();
        assert_eq!(page.changes[0], Change::Unknown);
        assert_eq!(page.changes[0].seq(), None);
        assert_eq!(page.changes[1].seq(), Some(5));
        assert_eq!(page.changes[1].entity(), Some(EntityKind::Resource));
    }

    #[test]
    fn outcomes_are_tagged_by_status() {
        let json = serde_json::to_value(MutationOutcome::Applied { version: 7 }).unwrap();
        assert_eq!(json, serde_json::json!({"status": "applied", "version": 7}));
    }
}
