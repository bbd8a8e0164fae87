//! Taps, network events, printer results and timeouts → session changes and screen changes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use bevy::picking::events::{Click, Drag, Pointer, Press};
use bevy::prelude::*;

use super::{
    KioskSettings, NetLink, PrintLink, PrintState, Screen, Session, SiteData, Sizes, Texts,
};
use crate::model::booking_code::CODE_LEN;
use crate::model::sizing::Typography;
use crate::model::{IssuedTicket, Language, PaperOutcome, Strings, ticket_print};
use crate::net::{NetCommand, NetEvent};
use crate::print::PrintJob;

/// What a tappable node does. Every button carries one; one observer handles them all, so
/// tests can tap any button by finding its action.
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub enum TapAction {
    /// Leave the attract screen.
    Start,
    /// Pick a language.
    ChooseLanguage(Language),
    /// "Perbesar teks" on/off.
    ToggleLargeText,
    /// One screen back.
    Back,
    /// Back to the attract screen.
    Home,
    /// Pick an agency.
    ChooseAgency(String),
    /// Pick a service.
    ChooseService(String),
    /// "Ambil Nomor Antrean".
    TakeNumber,
    /// Answer the priority question (`None` = regular queue).
    ChoosePriority(Option<String>),
    /// "Sudah booking?" on the attract screen.
    Booking,
    /// A key of the booking code keypad.
    CodeKey(char),
    /// Delete the last character of the code.
    CodeDelete,
    /// Check in with the typed code.
    CheckIn,
}

/// A press that turned into a drag (scrolling) must not also tap the tile under the finger.
#[derive(Resource, Default)]
struct DragGuard {
    dragged: bool,
}

/// Finger travel that makes a press a drag, logical pixels.
const DRAG_THRESHOLD_PX: f32 = 24.0;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<DragGuard>()
        .add_observer(on_press)
        .add_observer(on_drag)
        .add_observer(on_tap)
        .init_resource::<ScanBuffer>()
        .add_systems(
            Update,
            (scan_codes, poll_network, poll_printer, timeouts).chain(),
        )
        .add_systems(OnEnter(Screen::Idle), reset_session)
        .add_systems(OnEnter(Screen::Issuing), send_issue_request);
    for screen in Screen::ALL {
        app.add_systems(OnEnter(screen), mark_entered);
    }
}

fn on_press(
    _press: On<Pointer<Press>>,
    mut guard: ResMut<DragGuard>,
    mut session: ResMut<Session>,
) {
    guard.dragged = false;
    session.last_touch = Instant::now();
}

fn on_drag(drag: On<Pointer<Drag>>, mut guard: ResMut<DragGuard>) {
    if drag.distance.length() > DRAG_THRESHOLD_PX {
        guard.dragged = true;
    }
}

fn on_tap(
    mut click: On<Pointer<Click>>,
    actions: Query<&TapAction>,
    guard: Res<DragGuard>,
    mut tap: TapContext,
) {
    let Ok(action) = actions.get(click.entity) else {
        return;
    };
    click.propagate(false);
    if guard.dragged {
        return;
    }
    tap.apply(action.clone());
}

/// Everything a tap may change.
#[derive(bevy::ecs::system::SystemParam)]
pub struct TapContext<'w> {
    session: ResMut<'w, Session>,
    texts: ResMut<'w, Texts>,
    sizes: ResMut<'w, Sizes>,
    settings: Res<'w, KioskSettings>,
    site: Res<'w, SiteData>,
    screen: Res<'w, State<Screen>>,
    next: ResMut<'w, NextState<Screen>>,
}

impl TapContext<'_> {
    /// Applies `action` (also used by tests that drive the flow without a pointer).
    pub fn apply(&mut self, action: TapAction) {
        self.session.last_touch = Instant::now();
        let current = *self.screen.get();
        let next = match action {
            TapAction::Start => Some(if self.site.online {
                Screen::Language
            } else {
                Screen::Offline
            }),
            TapAction::ChooseLanguage(language) => {
                self.session.language = language;
                self.texts.0 = Strings::for_language(language);
                Some(Screen::Agency)
            }
            TapAction::ToggleLargeText => {
                self.session.large_text = !self.session.large_text;
                self.sizes.0 =
                    Typography::for_screen(&self.settings.screen, self.session.large_text);
                Some(current) // re-enter: rebuild the screen at the new size
            }
            TapAction::Back => Some(match current {
                Screen::Agency => Screen::Language,
                Screen::Service => Screen::Agency,
                Screen::Detail => Screen::Service,
                Screen::Priority if self.session.check_in_priority => Screen::BookingCode,
                Screen::Priority => Screen::Detail,
                _ => Screen::Idle,
            }),
            TapAction::Home => Some(Screen::Idle),
            TapAction::ChooseAgency(code) => {
                self.session.agency = Some(code);
                Some(Screen::Service)
            }
            TapAction::ChooseService(code) => {
                self.session.service = Some(code);
                Some(Screen::Detail)
            }
            TapAction::TakeNumber => {
                let accepts_priority = self
                    .site
                    .catalog
                    .as_ref()
                    .and_then(|c| {
                        c.services
                            .iter()
                            .find(|s| Some(&s.code) == self.session.service.as_ref())
                    })
                    .is_some_and(|s| !s.priority_classes.is_empty());
                if accepts_priority {
                    Some(Screen::Priority)
                } else {
                    self.session.request_id = Some(new_request_id(&self.settings.name, None));
                    Some(Screen::Issuing)
                }
            }
            TapAction::ChoosePriority(priority) if self.session.check_in_priority => {
                let code = self.session.booking_code.clone();
                start_check_in(&mut self.session, &self.settings.name, code, priority);
                Some(Screen::Issuing)
            }
            TapAction::ChoosePriority(priority) => {
                self.session.request_id = Some(new_request_id(&self.settings.name, priority));
                Some(Screen::Issuing)
            }
            TapAction::Booking => Some(if self.site.online {
                Screen::BookingCode
            } else {
                Screen::Offline
            }),
            TapAction::CodeKey(c) => {
                if self.session.booking_code.len() < CODE_LEN {
                    self.session.booking_code.push(c);
                }
                Some(current) // redraw the code
            }
            TapAction::CodeDelete => {
                self.session.booking_code.pop();
                Some(current)
            }
            TapAction::CheckIn => (self.session.booking_code.len() == CODE_LEN).then(|| {
                // A booked visitor keeps the right to priority service (UU 25/2009 Pasal
                // 29): asked like a walk-in is, before the check-in is sent.
                let site_has_priority = self
                    .site
                    .catalog
                    .as_ref()
                    .is_some_and(|c| !c.priority_classes.is_empty());
                if site_has_priority {
                    self.session.check_in_priority = true;
                    Screen::Priority
                } else {
                    let code = self.session.booking_code.clone();
                    start_check_in(&mut self.session, &self.settings.name, code, None);
                    Screen::Issuing
                }
            }),
        };
        if let Some(screen) = next {
            self.next.set(screen);
        }
    }
}

/// Makes the session a check-in with `code` (the next screen is Issuing).
fn start_check_in(session: &mut Session, kiosk: &str, code: String, priority: Option<String>) {
    session.request_id = Some(new_request_id(kiosk, priority));
    session.check_in = Some(code);
    session.ticket = None;
    session.rejection = None;
}

/// Keys typed by a USB barcode/QR scanner, which acts as a keyboard: the code's
/// characters, then Enter. Read on every screen; a line that is a booking code checks in.
#[derive(Resource, Default)]
struct ScanBuffer {
    line: String,
    last_key: Option<Instant>,
}

/// A scanner types a whole code within milliseconds; a pause this long starts a new line
/// (stray keys from a keyboard left on the kiosk do not join a later scan).
const SCAN_KEY_GAP: std::time::Duration = std::time::Duration::from_secs(1);
/// Longest line kept: a QR of a URL or a long text is not a code and is dropped.
const SCAN_LINE_MAX: usize = 64;

fn scan_codes(
    mut keys: MessageReader<bevy::input::keyboard::KeyboardInput>,
    mut buffer: ResMut<ScanBuffer>,
    mut session: ResMut<Session>,
    settings: Res<KioskSettings>,
    site: Res<SiteData>,
    screen: Res<State<Screen>>,
    mut next: ResMut<NextState<Screen>>,
) {
    use bevy::input::keyboard::Key;
    for key in keys.read() {
        if !key.state.is_pressed() {
            continue;
        }
        let now = Instant::now();
        if buffer
            .last_key
            .is_some_and(|last| now.duration_since(last) > SCAN_KEY_GAP)
        {
            buffer.line.clear();
        }
        buffer.last_key = Some(now);
        match &key.logical_key {
            Key::Enter => {
                let line = std::mem::take(&mut buffer.line);
                let Some(code) = crate::model::booking_code::read_scan(&line) else {
                    continue;
                };
                // A visitor mid-way through another ticket keeps it; any other screen
                // takes the scan.
                if matches!(screen.get(), Screen::Issuing) {
                    continue;
                }
                session.last_touch = now;
                if !site.online {
                    next.set(Screen::Offline);
                    continue;
                }
                session.booking_code = code.clone();
                // A scan checks in at once from any screen (no question: the scanner is
                // the quick way); the keypad's check-in asks for priority.
                start_check_in(&mut session, &settings.name, code, None);
                next.set(Screen::Issuing);
            }
            Key::Character(text) => {
                if buffer.line.len() + text.len() <= SCAN_LINE_MAX {
                    buffer.line.push_str(text);
                } else {
                    buffer.line.clear();
                }
            }
            _ => {}
        }
    }
}

/// Request ids carry the priority choice after a '|' until the request is sent (keeps the
/// session flat); the id itself is unique per kiosk, clock and counter.
fn new_request_id(kiosk: &str, priority: Option<String>) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let id: String = format!("{kiosk}-{ms:x}-{n}").chars().take(48).collect();
    match priority {
        Some(class) => format!("{id}|{class}"),
        None => id,
    }
}

fn send_issue_request(
    mut session: ResMut<Session>,
    net: Option<Res<NetLink>>,
    mut next: ResMut<NextState<Screen>>,
) {
    let untag = |tagged: String| match tagged.split_once('|') {
        Some((id, class)) => (id.to_owned(), Some(class.to_owned())),
        None => (tagged, None),
    };
    if let (Some(tagged), Some(code)) = (session.request_id.clone(), session.check_in.clone()) {
        let (request_id, priority) = untag(tagged);
        session.request_id = Some(request_id.clone());
        let sent = net.is_some_and(|net| {
            net.send(NetCommand::CheckIn {
                request_id,
                code,
                priority,
            })
        });
        if !sent {
            next.set(Screen::Offline);
        }
        return;
    }
    let (Some(tagged), Some(service)) = (session.request_id.clone(), session.service.clone())
    else {
        next.set(Screen::Idle);
        return;
    };
    let (request_id, priority) = untag(tagged);
    session.request_id = Some(request_id.clone());
    let sent = net.is_some_and(|net| {
        net.send(NetCommand::IssueTicket {
            request_id,
            service,
            priority,
        })
    });
    if !sent {
        next.set(Screen::Offline);
    }
}

fn reset_session(
    mut session: ResMut<Session>,
    mut texts: ResMut<Texts>,
    mut sizes: ResMut<Sizes>,
    settings: Res<KioskSettings>,
) {
    let fresh = super::Session::new(settings.default_language);
    if session.language != fresh.language {
        texts.0 = Strings::for_language(fresh.language);
    }
    if session.large_text {
        sizes.0 = Typography::for_screen(&settings.screen, false);
    }
    let latency = session.last_issue_latency;
    *session = fresh;
    session.last_issue_latency = latency;
}

fn mark_entered(mut session: ResMut<Session>) {
    session.entered_at = Instant::now();
}

fn poll_network(
    net: Option<Res<NetLink>>,
    print: Option<Res<PrintLink>>,
    mut site: ResMut<SiteData>,
    mut session: ResMut<Session>,
    texts: Res<Texts>,
    settings: Res<KioskSettings>,
    (screen, mut next): (Res<State<Screen>>, ResMut<NextState<Screen>>),
) {
    let Some(net) = net else { return };
    let current = *screen.get();
    for event in net.drain() {
        match event {
            NetEvent::Connected { catalog } => {
                tracing::info!("connected to the coordinator");
                site.catalog = Some(*catalog);
                site.online = true;
                // Back online: leave the offline screen, and redraw the attract screen
                // without its offline notice.
                if matches!(current, Screen::Offline | Screen::Idle) {
                    next.set(Screen::Idle);
                }
            }
            NetEvent::Disconnected { reason } => {
                tracing::warn!("offline: {reason}");
                site.online = false;
                // A visitor mid-way cannot get a number now; say so instead of letting them
                // read a standard and fail at the end. A shown ticket stays on screen.
                if matches!(
                    current,
                    Screen::Idle
                        | Screen::Language
                        | Screen::Agency
                        | Screen::Service
                        | Screen::Detail
                        | Screen::Priority
                        | Screen::BookingCode
                ) {
                    next.set(Screen::Offline);
                }
            }
            NetEvent::Queue {
                services,
                recent_calls,
                ikm,
            } => {
                site.queue = services;
                site.recent_calls = recent_calls;
                site.ikm = ikm;
                // Refresh "Sedang dilayani" — unless this frame already moves on (a scan or
                // a tap read just before): a refresh must never swallow a visitor's action.
                if current == Screen::Idle && matches!(*next, NextState::Unchanged) {
                    next.set(Screen::Idle);
                }
            }
            NetEvent::TicketIssued {
                request_id,
                ticket,
                latency,
            } => {
                if session.request_id.as_deref() != Some(request_id.as_str()) {
                    tracing::warn!(
                        "late answer for {request_id} (ticket {}) ignored",
                        ticket.number
                    );
                    continue;
                }
                tracing::info!("ticket {} committed in {:?}", ticket.number, latency);
                session.last_issue_latency = Some(latency);
                let mut ticket = ticket;
                ticket.checked_in = session.check_in.is_some();
                let paper = site.catalog.as_ref().and_then(|catalog| {
                    ticket_print(&ticket, catalog, &texts.0, &settings.public_base_url)
                });
                session.print = start_printing(print.as_deref(), &ticket, paper);
                session.ticket = Some(ticket);
                next.set(match session.print {
                    PrintState::Failed { .. } => Screen::PrinterProblem,
                    _ => Screen::Result,
                });
            }
            NetEvent::TicketRejected {
                request_id,
                rejection,
            } => {
                if session.request_id.as_deref() == Some(request_id.as_str()) {
                    session.rejection = Some(rejection);
                    next.set(Screen::Unavailable);
                }
            }
            NetEvent::TicketFailed { request_id, reason } => {
                if session.request_id.as_deref() == Some(request_id.as_str()) {
                    tracing::warn!("no ticket for {request_id}: {reason}");
                    next.set(Screen::Offline);
                }
            }
        }
    }
}

/// Hands a committed ticket to the printer thread; the print state to show.
fn start_printing(
    print: Option<&PrintLink>,
    ticket: &IssuedTicket,
    paper: Option<antrean_printer::TicketPrint>,
) -> PrintState {
    let job = PrintJob {
        ticket_number: ticket.number.clone(),
        ticket: paper.map(Box::new),
    };
    match print.map(|p| p.submit(job)) {
        Some(Ok(())) => PrintState::Printing,
        None => PrintState::DigitalOnly,
        // The printer thread is stuck on earlier tickets.
        Some(Err(_)) => PrintState::Failed {
            health_code: "error_queue_full".into(),
        },
    }
}

fn poll_printer(
    print: Option<Res<PrintLink>>,
    net: Option<Res<NetLink>>,
    mut session: ResMut<Session>,
    screen: Res<State<Screen>>,
    mut next: ResMut<NextState<Screen>>,
) {
    let Some(print) = print else { return };
    for result in print.drain() {
        let current_ticket = session
            .ticket
            .as_ref()
            .is_some_and(|t| result.ticket_number.as_ref() == Some(&t.number));
        let outcome = crate::model::paper_outcome(result.printed, &result.health_code);
        // Report the printer's state after every print and every change the idle check
        // finds, "ready" included, so an alert on the officers' screens clears itself. A
        // kiosk without a printer has nothing to say.
        if let (Some(net), false) = (&net, outcome == PaperOutcome::DigitalOnly) {
            net.send(NetCommand::ReportPrinter {
                health: result.health,
                detail: crate::model::printer_alert_detail(&result.health_code).map(str::to_owned),
            });
        }
        if !current_ticket {
            continue;
        }
        if outcome != PaperOutcome::Problem {
            session.print = if outcome == PaperOutcome::Printed {
                PrintState::Printed
            } else {
                PrintState::DigitalOnly
            };
            if *screen.get() == Screen::Result {
                next.set(Screen::Result); // redraw the progress line
            }
        } else {
            tracing::warn!(
                "ticket {} not printed: {}",
                result.ticket_number.as_deref().unwrap_or_default(),
                result.health_code
            );
            session.print = PrintState::Failed {
                health_code: result.health_code,
            };
            next.set(Screen::PrinterProblem);
        }
    }
}

fn timeouts(
    session: Res<Session>,
    settings: Res<KioskSettings>,
    screen: Res<State<Screen>>,
    mut next: ResMut<NextState<Screen>>,
) {
    if screen_deadline(*screen.get(), &session, &settings).is_some_and(|at| at <= Instant::now()) {
        next.set(Screen::Idle);
    }
}

/// When `screen` goes back to the attract screen on its own (`None`: it waits for the
/// network, or is the attract screen).
pub(super) fn screen_deadline(
    screen: Screen,
    session: &Session,
    settings: &KioskSettings,
) -> Option<Instant> {
    match screen {
        Screen::Idle | Screen::Offline | Screen::Issuing => None,
        // The answer stays up for the whole timeout after it appeared and after the last touch.
        Screen::Result | Screen::PrinterProblem | Screen::Unavailable => {
            Some(session.entered_at.max(session.last_touch) + settings.result_timeout)
        }
        _ => Some(session.last_touch + settings.idle_timeout),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalog_view::Offer;
    use crate::model::sizing::ScreenGeometry;
    use crate::net::NetHandle;
    use crate::ui::{KioskSettings, NetLink, Session, SiteData, Texts};
    use bevy::input::ButtonState;
    use bevy::input::keyboard::{Key, KeyCode, KeyboardInput, NativeKeyCode};
    use bevy::state::app::StatesPlugin;

    /// A scanner's code and a queue update arriving in the same frame on the attract
    /// screen: the check-in goes ahead (the refresh used to overwrite it, and the scan
    /// was lost whenever the hall was busy).
    #[test]
    fn a_scan_survives_a_queue_update_in_the_same_frame() {
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, StatesPlugin));
        app.init_state::<Screen>();
        app.add_message::<KeyboardInput>();
        let (commands, _sent) = tokio::sync::mpsc::channel(4);
        let (events_in, events) = std::sync::mpsc::sync_channel(4);
        app.insert_resource(NetLink::new(NetHandle { commands, events }));
        app.insert_resource(SiteData {
            online: true,
            ..default()
        });
        app.insert_resource(Session::new(Language::Indonesian));
        app.insert_resource(Texts(Strings::for_language(Language::Indonesian)));
        app.insert_resource(KioskSettings {
            name: "kiosk-uji".into(),
            screen: ScreenGeometry {
                width_px: 1080,
                height_px: 1920,
                diagonal_in: 32.0,
            },
            idle_timeout: std::time::Duration::from_secs(600),
            result_timeout: std::time::Duration::from_secs(600),
            default_language: Language::Indonesian,
            offer: Offer::default(),
            public_base_url: "http://127.0.0.1:8600".into(),
        });
        app.init_resource::<ScanBuffer>();
        app.add_systems(Update, (scan_codes, poll_network).chain());
        app.update();
        assert_eq!(*app.world().resource::<State<Screen>>().get(), Screen::Idle);

        events_in
            .send(NetEvent::Queue {
                services: Vec::new(),
                recent_calls: Vec::new(),
                ikm: None,
            })
            .unwrap();
        let keys = "K7QM2XD49RTA"
            .chars()
            .map(|c| Key::Character(c.to_string().into()))
            .chain([Key::Enter]);
        for key in keys {
            app.world_mut().write_message(KeyboardInput {
                key_code: KeyCode::Unidentified(NativeKeyCode::Unidentified),
                logical_key: key,
                state: ButtonState::Pressed,
                text: None,
                repeat: false,
                window: Entity::PLACEHOLDER,
            });
        }
        app.update();
        app.update();
        assert_eq!(
            *app.world().resource::<State<Screen>>().get(),
            Screen::Issuing
        );
        let session = app.world().resource::<Session>();
        assert_eq!(session.check_in.as_deref(), Some("K7QM2XD49RTA"));
    }
}
