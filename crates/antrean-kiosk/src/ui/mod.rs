//! The bevy side: a `Screen` state with one plugin per screen (bevy_new_2d style), shared
//! resources, and the glue that turns taps, network events and printer results into screen
//! changes. Screens draw view models from [`crate::model`]; no queue logic lives here.

mod fullscreen;
mod glue;
pub mod screens;
mod wake;
mod widgets;

use std::sync::Mutex;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use antrean_protocol::{CatalogDto, PublishedIkmDto, ServiceStatus, TicketView};
use bevy::prelude::*;
use bevy::text::Font;

use crate::model::catalog_view::Offer;
use crate::model::sizing::{ScreenGeometry, Typography};
use crate::model::{IssuedTicket, Language, Rejection, Strings};
use crate::net::{NetCommand, NetEvent, NetHandle};
use crate::print::{PrintHandle, PrintJob, PrintResult};

pub use glue::TapAction;
pub use screens::QrBelowCue;
pub use wake::WakeSchedule;
pub use widgets::{DigitalTicketQr, ScrollArea};

/// Every screen of the kiosk.
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Screen {
    /// Attract screen: site, clock, numbers being served, "Sentuh layar untuk mulai".
    #[default]
    Idle,
    /// Bahasa Indonesia / English.
    Language,
    /// Agency tiles.
    Agency,
    /// Service tiles of the chosen agency.
    Service,
    /// The six Standar Pelayanan components and the maklumat.
    Detail,
    /// Priority question.
    Priority,
    /// Waiting for the coordinator's committed answer.
    Issuing,
    /// The number, people ahead, counters, QR, printing progress.
    Result,
    /// Closed, break, holiday, quota reached.
    Unavailable,
    /// The coordinator is unreachable: no numbers.
    Offline,
    /// The ticket could not be printed: number and QR on screen.
    PrinterProblem,
    /// "Sudah booking?": the booking code typed on a keypad (or scanned).
    BookingCode,
}

impl Screen {
    /// Every screen, for screenshot tests.
    pub const ALL: [Screen; 12] = [
        Screen::Idle,
        Screen::Language,
        Screen::Agency,
        Screen::Service,
        Screen::Detail,
        Screen::Priority,
        Screen::Issuing,
        Screen::Result,
        Screen::Unavailable,
        Screen::Offline,
        Screen::PrinterProblem,
        Screen::BookingCode,
    ];
}

/// Settings from the kiosk file that the screens need.
#[derive(Resource, Debug, Clone)]
pub struct KioskSettings {
    /// Device name, used in request ids.
    pub name: String,
    /// Panel geometry.
    pub screen: ScreenGeometry,
    /// Back to Idle after this long without a touch.
    pub idle_timeout: Duration,
    /// The result screen stays this long.
    pub result_timeout: Duration,
    /// Language a visitor starts in.
    pub default_language: Language,
    /// What this kiosk offers.
    pub offer: Offer,
    /// QR base URL.
    pub public_base_url: String,
}

/// How far printing of the current ticket got.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PrintState {
    /// Nothing to print yet.
    #[default]
    Idle,
    /// Sent to the printer thread.
    Printing,
    /// On paper.
    Printed,
    /// This kiosk has no printer: the QR on screen is the ticket.
    DigitalOnly,
    /// Not printed; the printer crate's health code says why.
    Failed {
        /// e.g. "paper_end".
        health_code: String,
    },
}

/// One visitor's pass through the screens. Reset on the attract screen.
#[derive(Resource, Debug, Clone)]
pub struct Session {
    /// Chosen language.
    pub language: Language,
    /// "Perbesar teks".
    pub large_text: bool,
    /// Chosen agency.
    pub agency: Option<String>,
    /// Chosen service.
    pub service: Option<String>,
    /// Ticket request in flight.
    pub request_id: Option<String>,
    /// The committed ticket.
    pub ticket: Option<IssuedTicket>,
    /// Why no ticket was given.
    pub rejection: Option<Rejection>,
    /// Printing progress.
    pub print: PrintState,
    /// Last touch (idle timeout).
    pub last_touch: Instant,
    /// When the current screen was entered (result timeout).
    pub entered_at: Instant,
    /// Tap → committed ticket, for the benchmark log.
    pub last_issue_latency: Option<Duration>,
    /// The booking code typed so far (code characters only, at most 12).
    pub booking_code: String,
    /// The request in flight is a booking check-in with this code.
    pub check_in: Option<String>,
    /// The priority question is asked for the typed booking code (not for a service).
    pub check_in_priority: bool,
}

impl Session {
    fn new(language: Language) -> Session {
        Session {
            language,
            large_text: false,
            agency: None,
            service: None,
            request_id: None,
            ticket: None,
            rejection: None,
            print: PrintState::Idle,
            last_touch: Instant::now(),
            entered_at: Instant::now(),
            last_issue_latency: None,
            booking_code: String::new(),
            check_in: None,
            check_in_priority: false,
        }
    }
}

/// What the coordinator told us.
#[derive(Resource, Debug, Default)]
pub struct SiteData {
    /// Catalog from the last `welcome`.
    pub catalog: Option<CatalogDto>,
    /// Connected now.
    pub online: bool,
    /// Waiting per service.
    pub queue: Vec<ServiceStatus>,
    /// Latest calls, newest first.
    pub recent_calls: Vec<TicketView>,
    /// The quarter's published satisfaction index, once there are ratings.
    pub ikm: Option<PublishedIkmDto>,
}

/// Screen strings of the session's language.
#[derive(Resource, Debug, Clone)]
pub struct Texts(pub Strings);

/// Sizes for the panel and the "Perbesar teks" choice.
#[derive(Resource, Debug, Clone, Copy)]
pub struct Sizes(pub Typography);

/// The shipped fonts (DejaVu Sans: the default bevy font lacks '—', '–' and '…').
#[derive(Resource, Debug, Clone, Default)]
pub struct UiFonts {
    /// Regular.
    pub regular: Handle<Font>,
    /// Bold.
    pub bold: Handle<Font>,
}

/// The network thread's channels.
#[derive(Resource)]
pub struct NetLink {
    commands: tokio::sync::mpsc::Sender<NetCommand>,
    events: Mutex<Receiver<NetEvent>>,
}

impl NetLink {
    /// Wraps the handle from [`crate::net::spawn`].
    pub fn new(handle: NetHandle) -> NetLink {
        NetLink {
            commands: handle.commands,
            events: Mutex::new(handle.events),
        }
    }

    /// Sends a command; false when the queue is full or the thread is gone.
    pub fn send(&self, command: NetCommand) -> bool {
        self.commands.try_send(command).is_ok()
    }

    fn drain(&self) -> Vec<NetEvent> {
        let events = self.events.lock().expect("net receiver lock");
        events.try_iter().collect()
    }
}

/// The printer thread's channels.
#[derive(Resource)]
pub struct PrintLink {
    handle: Mutex<PrintHandle>,
}

impl PrintLink {
    /// Wraps the handle from [`crate::print::spawn`].
    pub fn new(handle: PrintHandle) -> PrintLink {
        PrintLink {
            handle: Mutex::new(handle),
        }
    }

    fn submit(&self, job: PrintJob) -> Result<(), PrintJob> {
        self.handle.lock().expect("print lock").submit(job)
    }

    fn drain(&self) -> Vec<PrintResult> {
        self.handle
            .lock()
            .expect("print lock")
            .results
            .try_iter()
            .collect()
    }
}

/// Everything the kiosk needs, minus the window and renderer (the binary and the tests add
/// those differently) and minus the links (inserted by the caller).
pub struct KioskPlugin {
    /// Settings.
    pub settings: KioskSettings,
}

impl Plugin for KioskPlugin {
    fn build(&self, app: &mut App) {
        let settings = self.settings.clone();
        let strings = Strings::for_language(settings.default_language);
        let sizes = Typography::for_screen(&settings.screen, false);
        app.insert_resource(ClearColor(widgets::color(
            crate::model::contrast::palette::BACKGROUND,
        )))
        .insert_resource(Session::new(settings.default_language))
        .insert_resource(Texts(strings))
        .insert_resource(Sizes(sizes))
        .insert_resource(settings)
        .init_resource::<SiteData>()
        .init_state::<Screen>();
        // Before the first state transition draws a screen.
        let fonts = load_fonts(app.world_mut().get_resource_mut::<Assets<Font>>());
        app.insert_resource(fonts);
        fullscreen::plugin(app);
        glue::plugin(app);
        wake::plugin(app);
        screens::plugin(app);
    }
}

/// A lost GPU device (driver reset, suspend, a hung GPU) or another render error recreates
/// the renderer instead of quitting (bevy's default): a kiosk runs unattended all day, and a
/// quit kiosk is a black panel until someone restarts it.
pub fn recover_from_render_errors() -> bevy::render::error_handler::RenderErrorHandler {
    use bevy::render::error_handler::{RenderErrorHandler, RenderErrorPolicy};
    use bevy::render::settings::RenderCreation;
    RenderErrorHandler(|error, _main_world, _render_world| {
        tracing::error!(
            "render error {:?}: {}; recreating the renderer",
            error.ty,
            error.description
        );
        RenderErrorPolicy::Recover(RenderCreation::Automatic(Box::default()))
    })
}

const REGULAR_TTF: &[u8] = include_bytes!("../../../../kiosk-assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../../../kiosk-assets/fonts/DejaVuSans-Bold.ttf");

/// Fonts are embedded: a kiosk must not lose its text because an asset folder moved.
/// Without a font store (a logic-only app) the handles stay default.
fn load_fonts(fonts: Option<Mut<Assets<Font>>>) -> UiFonts {
    let Some(mut fonts) = fonts else {
        return UiFonts::default();
    };
    let regular = fonts.add(Font::from_bytes(REGULAR_TTF.to_vec()));
    let bold = fonts.add(Font::from_bytes(BOLD_TTF.to_vec()));
    UiFonts { regular, bold }
}
