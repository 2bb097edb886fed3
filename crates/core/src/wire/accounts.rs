//! Accounts, roles and sessions.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::resource::FieldProblem;

/// An account id (UUIDv7, made by the server at registration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct AccountId(pub Uuid);

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for AccountId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

/// A session id: names a session for listing and revoking; it is not the secret token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct SessionId(pub Uuid);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What an account may do. Registration always gives `resident`; an admin changes roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Shares and books things, joins meals and events.
    Resident,
    /// Also runs events and group meals.
    Organizer,
    /// City or neighborhood staff: manages any shared resource, including bike stations.
    Coordinator,
    /// Manages accounts and roles.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Resident,
        Role::Organizer,
        Role::Coordinator,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Resident => "resident",
            Role::Organizer => "organizer",
            Role::Coordinator => "coordinator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|role| role.as_str() == name)
    }

    /// Coordinators and admins manage every shared resource.
    pub fn manages_all_resources(self) -> bool {
        matches!(self, Role::Coordinator | Role::Admin)
    }
}

/// Shortest accepted password, in characters (OWASP ASVS minimum with a second factor absent).
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest accepted password, in characters.
pub const MAX_PASSWORD_CHARS: usize = 128;
/// Longest accepted e-mail address (RFC 5321 path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Longest accepted phone number as written (with spaces and hyphens).
pub const MAX_PHONE_CHARS: usize = 32;

/// `POST /v1/accounts`: register with an e-mail address or a phone number (exactly one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "jimin@example.kr",
            max_length = 254,
            pattern = r#"^\s*[^@\s<>",]+@[^@\s<>",.]+(\.[^@\s<>",.]+)+\s*$"#
        )
    )]
    pub email: Option<String>,
    /// Digits with an optional leading `+`; spaces and hyphens are ignored (`010-1234-5678`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "010-1234-5678",
            max_length = 32,
            pattern = r"^\s*\+?[0-9 -]{8,31}\s*$"
        )
    )]
    pub phone: Option<String>,
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 128))]
    pub password: String,
}

impl RegisterRequest {
    /// Every problem with the request, naming the field.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut problems = Vec::new();
        match (&self.email, &self.phone) {
            (None, None) => problems.push(FieldProblem::new(
                "email",
                "give an e-mail address or a phone number",
            )),
            (Some(_), Some(_)) => problems.push(FieldProblem::new(
                "phone",
                "give either an e-mail address or a phone number, not both",
            )),
            _ => {}
        }
        if let Some(email) = &self.email {
            if let Err(problem) = normalize_email(email) {
                problems.push(FieldProblem::new("email", problem));
            }
        }
        if let Some(phone) = &self.phone {
            if let Err(problem) = normalize_phone(phone) {
                problems.push(FieldProblem::new("phone", problem));
            }
        }
        let chars = self.password.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            problems.push(FieldProblem::new(
                "password",
                format!("must be at least {MIN_PASSWORD_CHARS} characters"),
            ));
        } else if chars > MAX_PASSWORD_CHARS {
            problems.push(FieldProblem::new(
                "password",
                format!("must be at most {MAX_PASSWORD_CHARS} characters"),
            ));
        }
        problems
    }
}

/// The canonical form of an e-mail address (trimmed, lower-cased), or what is wrong with it.
pub fn normalize_email(email: &str) -> Result<String, String> {
    if email.chars().count() > MAX_EMAIL_CHARS {
        return Err(format!("must be at most {MAX_EMAIL_CHARS} characters"));
    }
    let email = email.trim().to_lowercase();
    let Some((local, domain)) = email.split_once('@') else {
        return Err("must be an e-mail address like name@example.kr".into());
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..");
    let no_bad_chars = !email
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ','));
    if local.is_empty() || !domain_ok || domain.contains('@') || !no_bad_chars {
        return Err("must be an e-mail address like name@example.kr".into());
    }
    Ok(email)
}

/// The canonical form of a phone number (digits, optional leading `+`), or what is wrong.
pub fn normalize_phone(phone: &str) -> Result<String, String> {
    if phone.chars().count() > MAX_PHONE_CHARS {
        return Err(format!("must be at most {MAX_PHONE_CHARS} characters"));
    }
    let mut canonical = String::new();
    for (i, c) in phone.trim().chars().enumerate() {
        match c {
            '0'..='9' => canonical.push(c),
            '+' if i == 0 => canonical.push(c),
            ' ' | '-' => {}
            _ => {
                return Err(
                    "must be a phone number of digits, like 010-1234-5678 or +82 10 1234 5678"
                        .into(),
                )
            }
        }
    }
    let digits = canonical.trim_start_matches('+').len();
    if !(8..=15).contains(&digits) {
        return Err("must have 8 to 15 digits, like 010-1234-5678".into());
    }
    Ok(canonical)
}

/// `POST /v1/sessions`: log in with the e-mail address or phone number used to register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "resident@demo.sharehub.kr",
            min_length = 1,
            max_length = 254
        )
    )]
    pub login: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub password: String,
}

/// An account as its owner (or an admin) sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountView {
    pub id: AccountId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

/// One login session of the signed-in account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub id: SessionId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// True for the session the request was made with.
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionList {
    pub sessions: Vec<SessionInfo>,
}

/// The answer to registering or logging in. `token` goes in `Authorization: Bearer …`; the
/// server keeps only its hash, so it is shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedIn {
    pub token: String,
    pub session: SessionInfo,
    pub account: AccountView,
}

/// `PUT /v1/accounts/{id}/role` (admins only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    pub role: Role,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_names_each_bad_field() {
        let request = RegisterRequest {
            email: Some("not-an-address".into()),
            phone: None,
            password: "short".into(),
        };
        let fields: Vec<_> = request.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["email", "password"]);
        let both = RegisterRequest {
            email: Some("a@b.kr".into()),
            phone: Some("010-1234-5678".into()),
            password: "long enough password".into(),
        };
        assert_eq!(both.problems()[0].field, "phone");
    }

    #[test]
    fn logins_are_normalized() {
        assert_eq!(normalize_email(" Ji@Example.KR ").unwrap(), "ji@example.kr");
        assert!(normalize_email("a@b").is_err());
        assert!(normalize_email("<script>@x.kr").is_err());
        assert_eq!(normalize_phone("010-1234-5678").unwrap(), "01012345678");
        assert_eq!(
            normalize_phone("+82 10 1234 5678").unwrap(),
            "+821012345678"
        );
        assert!(normalize_phone("12").is_err());
        assert!(normalize_phone("010'; DROP").is_err());
    }
}
