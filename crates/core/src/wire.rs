//! The HTTP wire contract of the Share Hub API (`/v1`): request and response bodies shared
//! by the server and the app's API client. Serde only; with the `openapi` feature every type
//! also describes itself for the server's OpenAPI document.
//!
//! Compatibility rules: fields are only ever added (as optional or defaulted), tagged enums
//! gain variants, and names never change meaning. Old clients ignore what they do not know.

pub mod accounts;
pub mod bookings;
pub mod events;
pub mod problem;
pub mod resources;
pub mod stations;
pub mod sync;

pub use accounts::{
    AccountId, AccountView, LoginRequest, RegisterRequest, Role, RoleChange, SessionId,
    SessionInfo, SessionList, SignedIn,
};
pub use bookings::{CalendarFeed, CalendarQuery};
pub use events::{SyncEvent, SyncEventsQuery, SYNC_EVENT_NAME};
pub use problem::Problem;
pub use resources::{BoundingBox, ResourceListPage, ResourceListQuery, ResourceView};
pub use stations::{StationLiveStatus, StationStatusList, StationStatusQuery};
pub use sync::{
    Alternative, BookingSetRulesArgs, Change, ChangesPage, ChangesQuery, EntityKind, Mutation,
    MutationBatch, MutationOutcome, MutationRequest, MutationResult, MutationResults,
    ReservationCancelArgs, ReservationCheckInArgs, ReservationDecideArgs, ReservationMoveArgs,
    ReservationRequestArgs, ResourceCreateArgs, ResourceRetireArgs, ResourceUpdateArgs,
    TombstoneReason,
};
