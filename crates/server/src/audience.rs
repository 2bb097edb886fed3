//! Who may receive a record through sync: its **audience**, stored with every change in the
//! change log, and the pure decision of what one person's pull gets for one change.
//!
//! Every record kind says, when it is written, who may receive it ([`Audience`]). The change
//! log also keeps who the record *reached* before (the union of its earlier audiences and
//! owners), so someone who may have a copy and has left the audience gets a
//! "no longer visible" tombstone, while someone who was never in it gets nothing at all —
//! not even the id or the time of a change they never saw.

use std::collections::{BTreeSet, HashSet};

use serde::{Deserialize, Serialize};
use sharehub_core::wire::{AccountId, TombstoneReason};
use uuid::Uuid;

use crate::rules::Actor;

/// Who may receive a record: the owner always, plus the union of these groups. Every kind
/// of record builds its audience from them: public; the owner alone (empty); the owner and
/// named people (a booking: the booker and the resource's owner; an invite-only event: its
/// invitees); an organisation's members; staff (coordinators and admins: a resource shown
/// only to confirmed bookers, home-share records). Stored as JSON in the change log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub public: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub staff: bool,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub accounts: BTreeSet<AccountId>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub organisations: BTreeSet<Uuid>,
}

impl Audience {
    /// Every signed-in person.
    pub fn public() -> Audience {
        Audience {
            public: true,
            ..Audience::default()
        }
    }

    /// The owner alone.
    pub fn owner_only() -> Audience {
        Audience::default()
    }

    /// The owner, coordinators and admins.
    pub fn staff() -> Audience {
        Audience {
            staff: true,
            ..Audience::default()
        }
    }

    /// The owner and these people.
    pub fn people(accounts: impl IntoIterator<Item = AccountId>) -> Audience {
        Audience {
            accounts: accounts.into_iter().collect(),
            ..Audience::default()
        }
    }

    /// The owner and the members of an organisation.
    pub fn organisation(id: Uuid) -> Audience {
        Audience {
            organisations: [id].into(),
            ..Audience::default()
        }
    }

    /// This audience and that one.
    pub fn and(mut self, other: Audience) -> Audience {
        self.public |= other.public;
        self.staff |= other.staff;
        self.accounts.extend(other.accounts);
        self.organisations.extend(other.organisations);
        self
    }

    /// True when `viewer` may receive a record with this audience owned by `owner`.
    pub fn includes(&self, viewer: &Viewer, owner: AccountId) -> bool {
        viewer.actor.id == owner
            || self.public
            || (self.staff && viewer.is_staff())
            || self.accounts.contains(&viewer.actor.id)
            || self
                .organisations
                .iter()
                .any(|org| viewer.organisations.contains(org))
    }

    /// What a record reached after a change: what it reached before, its audience then and
    /// its owner then (who stays in reach when the record changes hands).
    pub fn reached_after(
        reached_before: Audience,
        audience_before: Audience,
        owner_before: AccountId,
    ) -> Audience {
        reached_before
            .and(audience_before)
            .and(Audience::people([owner_before]))
    }
}

/// The person pulling, with what decides audiences: their role and organisations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub actor: Actor,
    pub organisations: HashSet<Uuid>,
}

impl Viewer {
    pub fn new(actor: Actor, organisations: impl IntoIterator<Item = Uuid>) -> Viewer {
        Viewer {
            actor,
            organisations: organisations.into_iter().collect(),
        }
    }

    fn is_staff(&self) -> bool {
        self.actor.role.manages_all_resources()
    }
}

/// What the change log knows of one record's newest change, for deciding delivery.
#[derive(Debug, Clone, Copy)]
pub struct Addressed<'a> {
    pub owner: AccountId,
    pub audience: &'a Audience,
    /// Who the record reached before this change (the union of its earlier audiences).
    pub reached: &'a Audience,
    /// False for a tombstone (the record was deleted or retired).
    pub live: bool,
}

/// What one person's pull carries for one change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Record,
    Tombstone(TombstoneReason),
    Nothing,
}

/// The one rule of delivery. `from_start`: the pull starts at cursor 0, so the device has
/// nothing to delete and gets no tombstones. A tombstone goes only to those the record may
/// have reached; everyone else learns nothing of it.
pub fn delivery(viewer: &Viewer, change: Addressed<'_>, from_start: bool) -> Delivery {
    let in_audience = change.audience.includes(viewer, change.owner);
    if change.live && in_audience {
        return Delivery::Record;
    }
    if from_start || !(in_audience || change.reached.includes(viewer, change.owner)) {
        return Delivery::Nothing;
    }
    Delivery::Tombstone(if change.live {
        TombstoneReason::NoLongerVisible
    } else {
        TombstoneReason::Deleted
    })
}

#[cfg(test)]
mod tests {
    use sharehub_core::wire::Role;

    use super::*;

    fn account(n: u128) -> AccountId {
        AccountId(Uuid::from_u128(n))
    }

    fn viewer(n: u128, role: Role, orgs: &[u128]) -> Viewer {
        Viewer::new(
            Actor {
                id: account(n),
                role,
            },
            orgs.iter().map(|o| Uuid::from_u128(*o)),
        )
    }

    fn reach(audiences: &[Audience], owner: AccountId) -> Audience {
        audiences
            .iter()
            .fold(Audience::default(), |reached, audience| {
                Audience::reached_after(reached, audience.clone(), owner)
            })
    }

    /// (case, viewer, audience, earlier audiences, live, from start, expected)
    type Case<'a> = (
        &'a str,
        &'a Viewer,
        Audience,
        Vec<Audience>,
        bool,
        bool,
        Delivery,
    );

    #[test]
    fn delivery_table() {
        use Delivery::*;
        use TombstoneReason::*;
        let owner = account(1);
        let booker = account(2);
        let org = Uuid::from_u128(500);
        let people = Audience::people([booker]);
        let org_audience = Audience::organisation(org);
        let owner_v = viewer(1, Role::Resident, &[]);
        let booker_v = viewer(2, Role::Resident, &[]);
        let stranger = viewer(3, Role::Resident, &[]);
        let member = viewer(4, Role::Resident, &[500]);
        let coordinator = viewer(5, Role::Coordinator, &[]);
        let cases: Vec<Case> = vec![
            (
                "public to stranger",
                &stranger,
                Audience::public(),
                vec![],
                true,
                false,
                Record,
            ),
            (
                "owner-only to owner",
                &owner_v,
                Audience::owner_only(),
                vec![],
                true,
                false,
                Record,
            ),
            (
                "owner-only to coordinator",
                &coordinator,
                Audience::owner_only(),
                vec![],
                true,
                false,
                Nothing,
            ),
            (
                "owner-only to stranger",
                &stranger,
                Audience::owner_only(),
                vec![],
                true,
                false,
                Nothing,
            ),
            (
                "people to booker",
                &booker_v,
                people.clone(),
                vec![],
                true,
                false,
                Record,
            ),
            (
                "people to stranger",
                &stranger,
                people.clone(),
                vec![],
                true,
                false,
                Nothing,
            ),
            (
                "organisation to member",
                &member,
                org_audience.clone(),
                vec![],
                true,
                false,
                Record,
            ),
            (
                "organisation to stranger",
                &stranger,
                org_audience.clone(),
                vec![],
                true,
                false,
                Nothing,
            ),
            (
                "staff to coordinator",
                &coordinator,
                Audience::staff(),
                vec![],
                true,
                false,
                Record,
            ),
            (
                "staff to stranger",
                &stranger,
                Audience::staff(),
                vec![],
                true,
                false,
                Nothing,
            ),
            (
                "booker left the people",
                &booker_v,
                Audience::owner_only(),
                vec![people.clone()],
                true,
                false,
                Tombstone(NoLongerVisible),
            ),
            (
                "stranger never in the people",
                &stranger,
                Audience::owner_only(),
                vec![people.clone()],
                true,
                false,
                Nothing,
            ),
            (
                "member left the organisation's audience",
                &member,
                Audience::owner_only(),
                vec![org_audience.clone()],
                true,
                false,
                Tombstone(NoLongerVisible),
            ),
            (
                "public became staff-only",
                &stranger,
                Audience::staff(),
                vec![Audience::public()],
                true,
                false,
                Tombstone(NoLongerVisible),
            ),
            (
                "public became staff-only, from start",
                &stranger,
                Audience::staff(),
                vec![Audience::public()],
                true,
                true,
                Nothing,
            ),
            (
                "deleted public record",
                &stranger,
                Audience::public(),
                vec![],
                false,
                false,
                Tombstone(Deleted),
            ),
            (
                "deleted staff-only record to stranger",
                &stranger,
                Audience::staff(),
                vec![],
                false,
                false,
                Nothing,
            ),
            (
                "deleted staff-only record to coordinator",
                &coordinator,
                Audience::staff(),
                vec![],
                false,
                false,
                Tombstone(Deleted),
            ),
            (
                "deleted booking to the former booker",
                &booker_v,
                Audience::owner_only(),
                vec![people.clone()],
                false,
                false,
                Tombstone(Deleted),
            ),
            (
                "deleted, from start",
                &owner_v,
                Audience::owner_only(),
                vec![],
                false,
                true,
                Nothing,
            ),
        ];
        for (case, viewer, audience, earlier, live, from_start, expected) in cases {
            let reached = reach(&earlier, owner);
            let got = delivery(
                viewer,
                Addressed {
                    owner,
                    audience: &audience,
                    reached: &reached,
                    live,
                },
                from_start,
            );
            assert_eq!(got, expected, "{case}");
        }
    }

    #[test]
    fn reach_and_audience_round_trip_as_json() {
        let owner = account(1);
        let audience = Audience::people([account(2), account(3)]).and(Audience::staff());
        let json = serde_json::to_string(&audience).unwrap();
        assert_eq!(serde_json::from_str::<Audience>(&json).unwrap(), audience);
        assert_eq!(
            serde_json::to_string(&Audience::public()).unwrap(),
            r#"{"public":true}"#
        );
        let reached = reach(&[Audience::public(), audience], owner);
        assert!(reached.public && reached.staff && reached.accounts.contains(&owner));
        assert_eq!(
            serde_json::to_string(&Audience::owner_only()).unwrap(),
            "{}"
        );
    }
}
