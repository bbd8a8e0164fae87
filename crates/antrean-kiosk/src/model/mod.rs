//! View models: everything the screens show, computed from the catalog, the queue data and
//! the configuration. Pure — no bevy, no sockets, no clock — so it is unit-tested without a GPU
//! and the bevy screens stay thin: they draw these view models and hold no queue logic.

pub mod booking_code;
pub mod catalog_view;
pub mod contrast;
pub mod detail_view;
pub mod ikm_view;
pub mod qr;
pub mod sizing;
pub mod strings;
pub mod ticket_view;
pub mod unavailable;

pub use catalog_view::{AgencyTile, ServiceTile, agency_tiles, service_tiles};
pub use detail_view::{ServiceDetail, service_detail};
pub use ikm_view::ikm_line;
pub use strings::{Language, Strings};
pub use ticket_view::{IssuedTicket, ResultView, result_view, ticket_print};
pub use unavailable::{
    NO_PRINTER, PaperOutcome, Rejection, UnavailableView, paper_outcome, printer_alert_detail,
    printer_problem_reason, unavailable_view,
};
