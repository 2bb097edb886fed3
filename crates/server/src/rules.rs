//! The authoritative rules, as pure functions: given who acts, what they ask for and the
//! record as it is now, decide what happens. Storage runs them inside its write transaction
//! (see [`crate::storage::mutations`]), so the rules exist once. One module per kind of
//! record, one `decide_*` function per mutation.

use sharehub_core::booking::BookingRefusal;
use sharehub_core::resource::FieldProblem;
use sharehub_core::wire::{AccountId, Role};
use sharehub_core::Resource;

pub mod reservations;
pub mod resources;

pub use reservations::{ReservationDecision, StoredReservation};
pub use resources::{ResourceDecision, StoredResource};

/// Who is acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub id: AccountId,
    pub role: Role,
}

/// Why a write was refused; `kind` picks the HTTP status on the REST routes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub kind: RefusalKind,
    pub reason: String,
    pub problems: Vec<FieldProblem>,
    /// For bookings: the rule that refused, as a code the device words in its language.
    pub code: Option<BookingRefusal>,
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
    pub(crate) fn new(kind: RefusalKind, reason: impl Into<String>) -> Refusal {
        Refusal {
            kind,
            reason: reason.into(),
            problems: Vec::new(),
            code: None,
        }
    }
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
