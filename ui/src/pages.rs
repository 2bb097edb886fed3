//! One module per page.

mod account;
mod bookings;
mod resource_detail;
mod resource_list;
mod resource_map;

pub use account::AccountPage;
pub use bookings::BookingsPage;
pub use resource_detail::ResourceDetailPage;
pub use resource_list::ResourceListPage;
pub use resource_map::ResourceMapPage;
