//! Integration tests: a real server in this process on 127.0.0.1:0, one shared suite run
//! against both storage backends. The PostgreSQL half needs `SHAREHUB_TEST_DATABASE_URL`
//! (run under `scripts/with-postgres.sh`); without it those tests fail and say so.

// Test helpers unwrap like tests do (clippy.toml allows it only inside test functions).
#![allow(clippy::unwrap_used)]

mod feed_server;
mod support;

mod accounts;
mod audiences;
mod bad_input;
mod events;
mod operations;
mod reservations;
mod resources;
mod stations;
mod sync;
mod upgrade;

/// Instantiates each listed suite function once per backend.
macro_rules! backend_suite {
    ($($module:ident :: $test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let server = crate::support::TestServer::start(crate::support::Backend::Sqlite).await;
                    crate::$module::$test(&server).await;
                    server.stop().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let server = crate::support::TestServer::start(crate::support::Backend::Postgres).await;
                    crate::$module::$test(&server).await;
                    server.stop().await;
                }
            )*
        }
    };
}

backend_suite!(
    operations::health_and_readiness,
    accounts::register_login_list_and_revoke_sessions,
    accounts::registration_problems_name_the_field,
    accounts::wrong_passwords_are_rate_limited_per_account,
    accounts::sessions_expire,
    accounts::roles_are_changed_only_by_admins,
    accounts::another_user_can_neither_read_nor_change_my_account_or_sessions,
    resources::create_get_update_and_retire,
    resources::listing_filters_by_kind_bbox_and_text,
    resources::another_user_can_neither_change_nor_see_the_exact_spot_of_my_resource,
    resources::bike_stations_are_for_coordinators,
    resources::a_hidden_place_is_not_found_by_boxes_or_words,
    audiences::each_audience_reaches_only_its_people,
    audiences::a_device_on_the_first_contract_syncs_past_kinds_it_does_not_know,
    sync::changes_are_paged_in_seq_order,
    sync::tombstones_for_retired_and_no_longer_visible_records,
    sync::mutations_are_applied_rejected_or_bumped_one_by_one,
    sync::repeated_keys_return_the_first_answer_and_change_nothing,
    sync::another_user_cannot_read_my_receipts_or_my_hidden_records,
    sync::concurrent_writers_never_make_a_puller_skip_a_change,
    bad_input::malformed_bodies_are_refused_with_specific_problems,
    bad_input::bad_queries_and_ids_are_refused,
    bad_input::markup_and_sql_in_text_fields,
    operations::demo_seed_is_idempotent_and_demo_accounts_log_in,
    stations::gbfs_stations_become_resources_and_live_counts,
    stations::a_broken_feed_keeps_the_last_good_data,
    stations::seoul_bike_list_is_paged_priced_and_keeps_its_key_secret,
    stations::the_feed_task_stops_when_the_server_stops,
    stations::a_station_gone_from_the_feed_is_retired_and_may_come_back,
    stations::a_shrunken_or_empty_seoul_feed_retires_nothing,
    events::a_commit_by_another_user_reaches_an_open_stream,
    events::a_reconnecting_client_learns_at_once_what_it_missed,
    reservations::rules_are_the_owners_and_reach_everyone_as_a_calendar,
    reservations::a_taken_time_is_bumped_with_free_alternatives,
    reservations::requests_wait_for_the_owners_decision,
    reservations::moves_keep_the_old_time_when_refused_and_deadlines_hold,
    reservations::an_unchecked_booking_is_released_after_its_grace_period,
    reservations::a_booking_reaches_only_its_booker_and_the_owner,
    reservations::racing_clients_never_double_book,
    reservations::bookings_download_as_calendar_files_and_a_private_feed,
    reservations::the_exact_spot_reaches_only_people_with_a_confirmed_booking,
);
