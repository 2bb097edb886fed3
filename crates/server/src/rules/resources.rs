//! The rules for resources: `resource.create`, `resource.update`, `resource.retire`.

use sharehub_core::resource::FieldProblem;
use sharehub_core::wire::{
    AccountId, ResourceCreateArgs, ResourceRetireArgs, ResourceUpdateArgs, Role,
};
use sharehub_core::{Resource, ResourceKind};

use super::{text_problems, Actor, Refusal, RefusalKind};

/// A resource as stored: the record, its owner, its version (`seq` of its last change) and
/// whether it was retired.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResource {
    pub resource: Resource,
    pub owner_id: AccountId,
    pub version: u64,
    pub retired: bool,
}

/// What to do with a resource write.
#[derive(Debug, Clone, PartialEq)]
pub enum ResourceDecision {
    /// Store this record (insert or replace), owned by `owner_id`.
    Put {
        resource: Resource,
        owner_id: AccountId,
    },
    /// Mark the record retired.
    Retire,
    Refuse(Refusal),
    /// Someone changed the record after `base_version`: offer the current one.
    Bump {
        current: StoredResource,
    },
}

/// Only coordinators and admins run city infrastructure such as bike stations.
fn may_create_kind(role: Role, kind: ResourceKind) -> bool {
    kind != ResourceKind::BikeStation || role.manages_all_resources()
}

fn may_change(actor: Actor, current: &StoredResource) -> bool {
    current.owner_id == actor.id || actor.role.manages_all_resources()
}

fn all_problems(resource: &Resource) -> Vec<FieldProblem> {
    let mut problems = resource.problems();
    problems.extend(text_problems(resource));
    problems
}

fn invalid(problems: Vec<FieldProblem>) -> ResourceDecision {
    ResourceDecision::Refuse(Refusal {
        kind: RefusalKind::Invalid,
        reason: format!(
            "the resource is invalid: {}",
            problems
                .iter()
                .map(FieldProblem::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ),
        problems,
        code: None,
    })
}

/// `resource.create`: share something new, owned by the one who shares it.
pub fn decide_create(
    actor: Actor,
    args: ResourceCreateArgs,
    current: Option<&StoredResource>,
) -> ResourceDecision {
    let resource = args.resource;
    let problems = all_problems(&resource);
    if !problems.is_empty() {
        return invalid(problems);
    }
    if !may_create_kind(actor.role, resource.kind) {
        return ResourceDecision::Refuse(Refusal::new(
            RefusalKind::Forbidden,
            "only coordinators and admins may add bike stations",
        ));
    }
    if current.is_some() {
        return ResourceDecision::Refuse(Refusal::new(
            RefusalKind::Conflict,
            format!(
                "a resource with id {} already exists; make a new id (UUIDv7) for a new resource",
                resource.id
            ),
        ));
    }
    ResourceDecision::Put {
        resource,
        owner_id: actor.id,
    }
}

/// `resource.update`: the owner, a coordinator or an admin edits a live resource.
pub fn decide_update(
    actor: Actor,
    args: ResourceUpdateArgs,
    current: Option<&StoredResource>,
) -> ResourceDecision {
    let ResourceUpdateArgs {
        resource,
        base_version,
    } = args;
    let Some(current) = current else {
        return ResourceDecision::Refuse(Refusal::new(
            RefusalKind::NotFound,
            format!("there is no resource with id {}", resource.id),
        ));
    };
    if !may_change(actor, current) {
        return ResourceDecision::Refuse(Refusal::new(
            RefusalKind::Forbidden,
            "only the resource's owner or a coordinator may change it",
        ));
    }
    if current.retired {
        return ResourceDecision::Refuse(Refusal::new(
            RefusalKind::Gone,
            "the resource was retired and can no longer be changed",
        ));
    }
    let problems = all_problems(&resource);
    if !problems.is_empty() {
        return invalid(problems);
    }
    if !may_create_kind(actor.role, resource.kind) && current.resource.kind != resource.kind {
        return ResourceDecision::Refuse(Refusal::new(
            RefusalKind::Forbidden,
            "only coordinators and admins may turn a resource into a bike station",
        ));
    }
    if base_version.is_some_and(|base| base < current.version) {
        return ResourceDecision::Bump {
            current: current.clone(),
        };
    }
    ResourceDecision::Put {
        resource,
        owner_id: current.owner_id,
    }
}

/// `resource.retire`: the owner, a coordinator or an admin stops sharing a resource.
pub fn decide_retire(
    actor: Actor,
    args: ResourceRetireArgs,
    current: Option<&StoredResource>,
) -> ResourceDecision {
    let ResourceRetireArgs { id, base_version } = args;
    let Some(current) = current else {
        return ResourceDecision::Refuse(Refusal::new(
            RefusalKind::NotFound,
            format!("there is no resource with id {id}"),
        ));
    };
    if !may_change(actor, current) {
        return ResourceDecision::Refuse(Refusal::new(
            RefusalKind::Forbidden,
            "only the resource's owner or a coordinator may retire it",
        ));
    }
    if current.retired {
        return ResourceDecision::Refuse(Refusal::new(
            RefusalKind::Gone,
            "the resource was already retired",
        ));
    }
    if base_version.is_some_and(|base| base < current.version) {
        return ResourceDecision::Bump {
            current: current.clone(),
        };
    }
    ResourceDecision::Retire
}

#[cfg(test)]
mod tests {
    use sharehub_core::resource::Visibility;
    use sharehub_core::{GeoPoint, LocalizedText, Pricing};
    use uuid::Uuid;

    use super::*;
    use sharehub_core::ResourceId;

    /// The three mutations, for one table.
    enum ResourceCommand {
        Create(Resource),
        Update {
            resource: Resource,
            base_version: Option<u64>,
        },
        Retire {
            id: ResourceId,
            base_version: Option<u64>,
        },
    }

    fn decide(
        actor: Actor,
        command: ResourceCommand,
        current: Option<&StoredResource>,
    ) -> ResourceDecision {
        match command {
            ResourceCommand::Create(resource) => {
                decide_create(actor, ResourceCreateArgs { resource }, current)
            }
            ResourceCommand::Update {
                resource,
                base_version,
            } => decide_update(
                actor,
                ResourceUpdateArgs {
                    resource,
                    base_version,
                },
                current,
            ),
            ResourceCommand::Retire { id, base_version } => {
                decide_retire(actor, ResourceRetireArgs { id, base_version }, current)
            }
        }
    }

    fn resource(kind: ResourceKind) -> Resource {
        let text = LocalizedText::new("망원", "Mangwon");
        Resource {
            id: ResourceId(Uuid::from_u128(1)),
            kind,
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

    fn actor(n: u128, role: Role) -> Actor {
        Actor {
            id: AccountId(Uuid::from_u128(n)),
            role,
        }
    }

    fn stored(owner: u128, version: u64, retired: bool) -> StoredResource {
        StoredResource {
            resource: resource(ResourceKind::Tool),
            owner_id: AccountId(Uuid::from_u128(owner)),
            version,
            retired,
        }
    }

    fn refusal_kind(decision: ResourceDecision) -> Option<RefusalKind> {
        match decision {
            ResourceDecision::Refuse(refusal) => Some(refusal.kind),
            _ => None,
        }
    }

    /// Name, actor, command, current record, expected refusal.
    type Case = (
        &'static str,
        Actor,
        ResourceCommand,
        Option<StoredResource>,
        Option<RefusalKind>,
    );

    #[test]
    fn decisions_table() {
        use RefusalKind::*;
        let resident = actor(10, Role::Resident);
        let coordinator = actor(11, Role::Coordinator);
        let update = |base| ResourceCommand::Update {
            resource: resource(ResourceKind::Tool),
            base_version: base,
        };
        let retire = |base| ResourceCommand::Retire {
            id: ResourceId(Uuid::from_u128(1)),
            base_version: base,
        };
        let cases: Vec<Case> = vec![
            (
                "create new",
                resident,
                ResourceCommand::Create(resource(ResourceKind::Tool)),
                None,
                None,
            ),
            (
                "create bike station as resident",
                resident,
                ResourceCommand::Create(resource(ResourceKind::BikeStation)),
                None,
                Some(Forbidden),
            ),
            (
                "create bike station as coordinator",
                coordinator,
                ResourceCommand::Create(resource(ResourceKind::BikeStation)),
                None,
                None,
            ),
            (
                "create existing id",
                resident,
                ResourceCommand::Create(resource(ResourceKind::Tool)),
                Some(stored(10, 1, false)),
                Some(Conflict),
            ),
            (
                "update missing",
                resident,
                update(None),
                None,
                Some(NotFound),
            ),
            (
                "update other's",
                resident,
                update(None),
                Some(stored(99, 1, false)),
                Some(Forbidden),
            ),
            (
                "coordinator updates other's",
                coordinator,
                update(None),
                Some(stored(99, 1, false)),
                None,
            ),
            (
                "update retired",
                resident,
                update(None),
                Some(stored(10, 1, true)),
                Some(Gone),
            ),
            (
                "retire own",
                resident,
                retire(Some(3)),
                Some(stored(10, 3, false)),
                None,
            ),
            (
                "retire other's",
                resident,
                retire(None),
                Some(stored(99, 3, false)),
                Some(Forbidden),
            ),
            (
                "retire twice",
                resident,
                retire(None),
                Some(stored(10, 3, true)),
                Some(Gone),
            ),
        ];
        for (name, actor, command, current, expected) in cases {
            let decision = decide(actor, command, current.as_ref());
            assert!(!matches!(decision, ResourceDecision::Bump { .. }), "{name}");
            assert_eq!(refusal_kind(decision), expected, "{name}");
        }
    }

    #[test]
    fn markup_and_control_characters_are_refused() {
        let mut r = resource(ResourceKind::Tool);
        r.name.en = "<script>alert(1)</script>".into();
        r.description.ko = "줄\u{0}바꿈".into();
        r.address.en = "1 < 2, plain text".into();
        let fields: Vec<_> = text_problems(&r).into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["name.en", "description.ko"]);
    }

    #[test]
    fn stale_base_version_is_bumped_and_owner_is_kept() {
        let resident = actor(10, Role::Resident);
        let current = stored(10, 5, false);
        let stale = ResourceCommand::Update {
            resource: resource(ResourceKind::Tool),
            base_version: Some(4),
        };
        assert!(matches!(
            decide(resident, stale, Some(&current)),
            ResourceDecision::Bump { .. }
        ));
        let coordinator = actor(11, Role::Coordinator);
        let fresh = ResourceCommand::Update {
            resource: resource(ResourceKind::Tool),
            base_version: Some(5),
        };
        match decide(coordinator, fresh, Some(&current)) {
            ResourceDecision::Put { owner_id, .. } => assert_eq!(owner_id, current.owner_id),
            other => panic!("{other:?}"),
        }
        let mut bad = resource(ResourceKind::Tool);
        bad.location.lat = 100.0;
        let decision = decide(resident, ResourceCommand::Create(bad), None);
        match decision {
            ResourceDecision::Refuse(refusal) => assert_eq!(refusal.problems[0].field, "location"),
            other => panic!("{other:?}"),
        }
    }
}
