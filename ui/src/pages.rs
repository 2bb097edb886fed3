//! One module per page.

mod resource_detail;
mod resource_list;
mod resource_map;

pub use resource_detail::ResourceDetailPage;
pub use resource_list::ResourceListPage;
pub use resource_map::ResourceMapPage;
