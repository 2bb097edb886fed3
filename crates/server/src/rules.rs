//! The authoritative rules for resource writes, as pure functions: given who acts, what they
//! ask for and the record as it is now, decide what happens. Both storage backends run
//! [`decide`] inside their write transaction, so the rules exist once.

use sharehub_core::resource::FieldProblem;
use sharehub_core::wire::{AccountId, Role};
use sharehub_core::{Resource, ResourceId, ResourceKind};

/// Who is acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub id: AccountId,
    pub role: Role,
}

/// A resource as stored: the record, its owner, its version (`seq` of its last change) and
/// whether it was retired.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResource {
    pub resource: Resource,
    pub owner_id: AccountId,
    pub version: u64,
    pub retired: bool,
}

/// A write someone asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum ResourceCommand {
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

impl ResourceCommand {
    pub fn target(&self) -> ResourceId {
        match self {
            ResourceCommand::Create(resource) | ResourceCommand::Update { resource, .. } => {
                resource.id
            }
            ResourceCommand::Retire { id, .. } => *id,
        }
    }
}

/// Why a write was refused; `kind` picks the HTTP status on the REST routes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub kind: RefusalKind,
    pub reason: String,
    pub problems: Vec<FieldProblem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    Invalid,
    NotFound,
    Forbidden,
    Gone,
    Conflict,
}

impl Refusal {
    fn new(kind: RefusalKind, reason: impl Into<String>) -> Refusal {
        Refusal {
            kind,
            reason: reason.into(),
            problems: Vec::new(),
        }
    }
}

/// What to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
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

/// Problems beyond [`Resource::problems`] that the server adds where text enters the system:
/// texts are plain text, never markup or control characters (apps render them as text, but
/// feeds, e-mails and exports may not).
pub fn text_problems(resource: &Resource) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    let fields = [
        ("name", &resource.name),
        ("description", &resource.description),
        ("address", &resource.address),
        ("district", &resource.district),
        ("neighborhood", &resource.neighborhood),
        ("owner_name", &resource.owner_name),
    ];
    for (field, text) in fields {
        for (lang, value) in [("ko", &text.ko), ("en", &text.en)] {
            if let Some(problem) = plain_text_problem(value) {
                problems.push(FieldProblem::new(format!("{field}.{lang}"), problem));
            }
        }
    }
    problems
}

fn plain_text_problem(text: &str) -> Option<&'static str> {
    let looks_like_tag = text.as_bytes().windows(2).any(|pair| {
        pair[0] == b'<' && (pair[1].is_ascii_alphabetic() || matches!(pair[1], b'/' | b'!' | b'?'))
    });
    if looks_like_tag {
        return Some("must be plain text: HTML tags such as <script> or <b> are not allowed");
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Some("must not contain control characters (only line breaks and tabs)");
    }
    None
}

fn all_problems(resource: &Resource) -> Vec<FieldProblem> {
    let mut problems = resource.problems();
    problems.extend(text_problems(resource));
    problems
}

pub fn decide(
    actor: Actor,
    command: ResourceCommand,
    current: Option<&StoredResource>,
) -> Decision {
    let invalid = |problems: Vec<FieldProblem>| {
        Decision::Refuse(Refusal {
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
        })
    };
    match command {
        ResourceCommand::Create(resource) => {
            let problems = all_problems(&resource);
            if !problems.is_empty() {
                return invalid(problems);
            }
            if !may_create_kind(actor.role, resource.kind) {
                return Decision::Refuse(Refusal::new(
                    RefusalKind::Forbidden,
                    "only coordinators and admins may add bike stations",
                ));
            }
            if current.is_some() {
                return Decision::Refuse(Refusal::new(
                    RefusalKind::Conflict,
                    format!(
                        "a resource with id {} already exists; make a new id (UUIDv7) for a new resource",
                        resource.id
                    ),
                ));
            }
            Decision::Put {
                resource,
                owner_id: actor.id,
            }
        }
        ResourceCommand::Update {
            resource,
            base_version,
        } => {
            let Some(current) = current else {
                return Decision::Refuse(Refusal::new(
                    RefusalKind::NotFound,
                    format!("there is no resource with id {}", resource.id),
                ));
            };
            if !may_change(actor, current) {
                return Decision::Refuse(Refusal::new(
                    RefusalKind::Forbidden,
                    "only the resource's owner or a coordinator may change it",
                ));
            }
            if current.retired {
                return Decision::Refuse(Refusal::new(
                    RefusalKind::Gone,
                    "the resource was retired and can no longer be changed",
                ));
            }
            let problems = all_problems(&resource);
            if !problems.is_empty() {
                return invalid(problems);
            }
            if !may_create_kind(actor.role, resource.kind) && current.resource.kind != resource.kind
            {
                return Decision::Refuse(Refusal::new(
                    RefusalKind::Forbidden,
                    "only coordinators and admins may turn a resource into a bike station",
                ));
            }
            if base_version.is_some_and(|base| base < current.version) {
                return Decision::Bump {
                    current: current.clone(),
                };
            }
            Decision::Put {
                resource,
                owner_id: current.owner_id,
            }
        }
        ResourceCommand::Retire { id, base_version } => {
            let Some(current) = current else {
                return Decision::Refuse(Refusal::new(
                    RefusalKind::NotFound,
                    format!("there is no resource with id {id}"),
                ));
            };
            if !may_change(actor, current) {
                return Decision::Refuse(Refusal::new(
                    RefusalKind::Forbidden,
                    "only the resource's owner or a coordinator may retire it",
                ));
            }
            if current.retired {
                return Decision::Refuse(Refusal::new(
                    RefusalKind::Gone,
                    "the resource was already retired",
                ));
            }
            if base_version.is_some_and(|base| base < current.version) {
                return Decision::Bump {
                    current: current.clone(),
                };
            }
            Decision::Retire
        }
    }
}

#[cfg(test)]
mod tests {
    use sharehub_core::resource::Visibility;
    use sharehub_core::{GeoPoint, LocalizedText, Pricing};
    use uuid::Uuid;

    use super::*;

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

    fn refusal_kind(decision: Decision) -> Option<RefusalKind> {
        match decision {
            Decision::Refuse(refusal) => Some(refusal.kind),
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
            assert!(!matches!(decision, Decision::Bump { .. }), "{name}");
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
            Decision::Bump { .. }
        ));
        let coordinator = actor(11, Role::Coordinator);
        let fresh = ResourceCommand::Update {
            resource: resource(ResourceKind::Tool),
            base_version: Some(5),
        };
        match decide(coordinator, fresh, Some(&current)) {
            Decision::Put { owner_id, .. } => assert_eq!(owner_id, current.owner_id),
            other => panic!("{other:?}"),
        }
        let mut bad = resource(ResourceKind::Tool);
        bad.location.lat = 100.0;
        let decision = decide(resident, ResourceCommand::Create(bad), None);
        match decision {
            Decision::Refuse(refusal) => assert_eq!(refusal.problems[0].field, "location"),
            other => panic!("{other:?}"),
        }
    }
}
