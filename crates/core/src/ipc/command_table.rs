// Every IPC command, declared once: `name: ContractType(Args) -> Output`.
//
// `name` is the Tauri command (`<noun>_<verb>`): it becomes `ContractType::NAME` here, the
// shell's handler `commands::name` (registered by `src-tauri/src/lib.rs`), and the
// permission `allow-<name>` that `src-tauri/build.rs` generates and grants to the window.
// Adding a command is one line here plus its handler function in `src-tauri/src/commands/`.
//
// This file is plain tokens with no `use`: `src-tauri/build.rs` includes it too, so it
// must not depend on anything.

/// Calls `$then! { name: ContractType(Args) -> Output, … }` with every IPC command.
#[macro_export]
macro_rules! ipc_commands {
    ($then:ident) => {
        $then! {
            resource_list: ResourceList(ResourceQuery) -> Vec<ResourceSummary>,
            resource_page: ResourcePageGet(ResourcePageArgs) -> ResourcePage,
            resource_get: ResourceGet(ResourceGetArgs) -> Resource,
            resource_near: ResourceNear(NearQuery) -> Vec<NearbyResource>,
            map_view: MapViewGet(MapViewArgs) -> MapCells,
            resource_create: ResourceCreate(ResourceCreateArgs) -> ResourceId,
            settings_get: SettingsGet(NoArgs) -> Settings,
            settings_set_language: SettingsSetLanguage(SettingsSetLanguageArgs) -> Settings,
            place_search: PlaceSearch(PlaceSearchArgs) -> Vec<Place>,
            area_outline: AreaOutlineGet(AreaOutlineArgs) -> AreaOutline,
            area_list: AreaList(NoArgs) -> Vec<AreaResourceCount>,
            map_boundaries: MapBoundaries(NoArgs) -> String,
            station_status: StationStatusGet(NoArgs) -> LiveBikes,
            position_get: PositionGet(NoArgs) -> DevicePosition,
            account_sign_in: AccountSignIn(SignInArgs) -> SyncStatus,
            account_register: AccountRegister(RegisterArgs) -> SyncStatus,
            account_sign_out: AccountSignOut(NoArgs) -> SyncStatus,
            sync_status_get: SyncStatusGet(NoArgs) -> SyncStatus,
            sync_attention_list: SyncAttentionList(NoArgs) -> Vec<AttentionItem>,
            sync_attention_retry: SyncAttentionRetry(AttentionEntryArgs) -> SyncStatus,
            sync_attention_edit: SyncAttentionEdit(AttentionEditArgs) -> SyncStatus,
            sync_attention_discard: SyncAttentionDiscard(AttentionEntryArgs) -> SyncStatus,
            booking_availability: BookingAvailability(AvailabilityArgs) -> Availability,
            booking_rules_set: BookingRulesSet(BookingRulesSetArgs) -> SyncStatus,
            booking_requests: BookingRequests(NoArgs) -> Vec<BookingRow>,
            reservation_list: ReservationList(NoArgs) -> MyBookings,
            reservation_request: ReservationRequest(ReservationRequestArgs) -> ReservationRequested,
            reservation_cancel: ReservationCancel(ReservationIdArgs) -> BookingRow,
            reservation_move: ReservationMove(ReservationMoveArgs) -> BookingRow,
            reservation_check_in: ReservationCheckIn(ReservationIdArgs) -> BookingRow,
            reservation_decide: ReservationDecide(ReservationDecideArgs) -> BookingRow,
            reservation_take_alternative: ReservationTakeAlternative(TakeAlternativeArgs) -> ReservationRequested,
        }
    };
}
