//! One module per page.

mod resource_detail;
mod resource_list;

pub use resource_detail::ResourceDetailPage;
pub use resource_list::ResourceListPage;
