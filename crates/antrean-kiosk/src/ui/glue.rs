//! Taps, network events, printer results and timeouts → session changes and screen changes.
//!
//! **The frame that reads an event draws it.** The app renders only when woken (a touch,
//! news from the network or printer thread, or `wake.rs`'s schedule), and each wake runs one
//! update. So everything here that can change the screen runs in `PreUpdate`, before
//! bevy's `StateTransition`: the screen it chooses is entered, laid out and rendered in the
//! same update. (In `Update` the change waited for the *next* wake — a printed ticket stayed
//! "Mencetak tiket…" until the next touch.)

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bevy::picking::PickingSystems;
use bevy::picking::events::{Drag, Pointer, Press};
use bevy::picking::pointer::{PointerAction, PointerButton, PointerId, PointerInput};
use bevy::prelude::*;
use bevy::ui::UiGlobalTransform;

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

/// The button a finger went down on, until it lifts.
///
/// A tap is taken on release, by the kiosk itself rather than from bevy's `Click`: bevy
/// sends `Click` only to what the pointer hovered in the *previous* frame, so a touch (or a
/// pointer that jumps onto a button) pressed and lifted within one frame — a quick tap on a
/// kiosk that sleeps between frames — never clicked anything.
#[derive(Resource, Default)]
struct PressedTap(Option<PressedButton>);

struct PressedButton {
    pointer: PointerId,
    button: Entity,
    action: TapAction,
    camera: Entity,
    /// The finger moved far enough to scroll: lifting it is not a tap.
    dragged: bool,
}

/// Finger travel that makes a press a drag, logical pixels.
const DRAG_THRESHOLD_PX: f32 = 24.0;

/// An offline screen shown while the link is up (an answer that was no ticket, a full
/// command queue) goes back to the attract screen after this long: nothing else would take
/// it away.
pub const OFFLINE_WHILE_ONLINE: Duration = Duration::from_secs(5);

/// The waiting screen's last resort, should the network thread never answer (it answers
/// within `net::ISSUE_DEADLINE`): the offline screen.
pub const ISSUING_LIMIT: Duration = Duration::from_secs(30);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<PressedTap>()
        .add_observer(on_press)
        .add_observer(on_drag)
        .init_resource::<ScanBuffer>()
        .add_systems(
            PreUpdate,
            (
                taps_on_release,
                scan_codes,
                poll_network,
                poll_printer,
                timeouts,
            )
                .chain()
                .after(PickingSystems::Last),
        )
        .add_systems(OnEnter(Screen::Idle), reset_session)
        .add_systems(OnEnter(Screen::Issuing), send_issue_request);
    for screen in Screen::ALL {
        app.add_systems(OnEnter(screen), mark_entered);
    }
}

fn on_press(
    mut press: On<Pointer<Press>>,
    actions: Query<&TapAction>,
    mut pressed: ResMut<PressedTap>,
    mut session: ResMut<Session>,
) {
    // The press reaches the entity under the finger first, then bubbles to its parents.
    if press.entity == press.original_event_target() {
        session.last_touch = Instant::now();
        pressed.0 = None;
    }
    if press.button != PointerButton::Primary {
        return;
    }
    if let Ok(action) = actions.get(press.entity) {
        press.propagate(false);
        pressed.0 = Some(PressedButton {
            pointer: press.pointer_id,
            button: press.entity,
            action: action.clone(),
            camera: press.hit.camera,
            dragged: false,
        });
    }
}

fn on_drag(drag: On<Pointer<Drag>>, mut pressed: ResMut<PressedTap>) {
    if drag.distance.length() > DRAG_THRESHOLD_PX
        && let Some(press) = pressed.0.as_mut()
        && press.pointer == drag.pointer_id
    {
        press.dragged = true;
    }
}

/// A finger lifted over the button it went down on (not dragged away) taps it — also when
/// press and release came in the same frame, and when the screen was rebuilt under the
/// finger (a queue refresh on the attract screen) and the same button is there again.
fn taps_on_release(
    mut inputs: MessageReader<PointerInput>,
    mut pressed: ResMut<PressedTap>,
    buttons: Query<(Entity, &TapAction, &ComputedNode, &UiGlobalTransform)>,
    cameras: Query<&Camera>,
    mut tap: TapContext,
) {
    for input in inputs.read() {
        match input.action {
            PointerAction::Release(PointerButton::Primary) => {}
            PointerAction::Cancel => {
                pressed.0.take_if(|p| p.pointer == input.pointer_id);
                continue;
            }
            _ => continue,
        }
        let Some(press) = pressed.0.take_if(|p| p.pointer == input.pointer_id) else {
            continue;
        };
        if press.dragged {
            continue;
        }
        // Where the finger lifted, in the UI's (physical) pixels, as bevy's UI picking
        // measures it.
        let camera = cameras.get(press.camera).ok();
        let scale = camera
            .and_then(Camera::target_scaling_factor)
            .unwrap_or(1.0);
        let origin = camera
            .and_then(Camera::physical_viewport_rect)
            .map_or(Vec2::ZERO, |rect| rect.min.as_vec2());
        let at = input.location.position * scale - origin;
        let over = |(entity, action, node, transform): (
            Entity,
            &TapAction,
            &ComputedNode,
            &UiGlobalTransform,
        )| {
            let same = entity == press.button || *action == press.action;
            same && node.contains_point(*transform, at)
        };
        let lifted_over_it = match buttons.get(press.button) {
            Ok(button) => over(button),
            Err(_) => buttons.iter().any(over),
        };
        if lifted_over_it {
            tap.apply(press.action);
        }
    }
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
    net: Option<Res<NetLink>>,
) {
    // The visitor leaves without an answer (the offline screen's "Beranda"): the network
    // thread must not send the request again for a ticket nobody would take.
    if let (Some(tagged), None, None, Some(net)) = (
        &session.request_id,
        &session.ticket,
        &session.rejection,
        &net,
    ) {
        let request_id = tagged.split('|').next().unwrap_or_default().to_owned();
        net.send(NetCommand::Abandon { request_id });
    }
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

/// When a screen was entered, for its timeout. Re-entering the screen shown (to redraw it
/// with a new printing progress, larger text or fresh figures) keeps the time: the result
/// screen stays `result_timeout` from when the ticket appeared, not from its last redraw.
fn mark_entered(
    mut session: ResMut<Session>,
    screen: Res<State<Screen>>,
    mut shown: Local<Option<Screen>>,
) {
    let screen = *screen.get();
    if *shown != Some(screen) {
        session.entered_at = Instant::now();
        *shown = Some(screen);
    }
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
                // Back online: leave the offline screen (also one a tap chose this very
                // frame), and redraw the attract screen without its offline notice — but
                // never over a late ticket read just before (`TicketIssued` comes first).
                let target = match &*next {
                    NextState::Pending(screen) | NextState::PendingIfNeq(screen) => *screen,
                    NextState::Unchanged => current,
                };
                let unchanged = matches!(*next, NextState::Unchanged);
                if target == Screen::Offline || (target == Screen::Idle && unchanged) {
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
    site: Res<SiteData>,
    screen: Res<State<Screen>>,
    mut next: ResMut<NextState<Screen>>,
) {
    let current = *screen.get();
    // A tap or an answer read this frame decides.
    if !matches!(*next, NextState::Unchanged) {
        return;
    }
    if screen_deadline(current, &session, &settings, site.online)
        .is_some_and(|at| at <= Instant::now())
    {
        next.set(match current {
            // The ticket request got no answer at all (the network thread always answers
            // within its deadline; this is the last resort).
            Screen::Issuing => Screen::Offline,
            _ => Screen::Idle,
        });
    }
}

/// When `screen` leaves by itself (`None`: the attract screen, and the offline screen while
/// offline — it leaves when the connection is back). Every screen but those two has a
/// deadline, so no state outlives its reason; `wake.rs` wakes the app for it.
pub(super) fn screen_deadline(
    screen: Screen,
    session: &Session,
    settings: &KioskSettings,
    online: bool,
) -> Option<Instant> {
    match screen {
        Screen::Idle => None,
        Screen::Offline if online => Some(session.entered_at + OFFLINE_WHILE_ONLINE),
        Screen::Offline => None,
        Screen::Issuing => Some(session.entered_at + ISSUING_LIMIT),
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

    /// The glue as the kiosk runs it (without a renderer or picking backend): online, on
    /// the attract screen; the network's event sender and the command receiver.
    fn glue_app() -> (
        App,
        std::sync::mpsc::SyncSender<NetEvent>,
        tokio::sync::mpsc::Receiver<NetCommand>,
    ) {
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, StatesPlugin));
        app.init_state::<Screen>();
        app.add_message::<KeyboardInput>();
        app.add_message::<PointerInput>();
        let (commands, sent) = tokio::sync::mpsc::channel(8);
        let (events_in, events) = std::sync::mpsc::sync_channel(8);
        app.insert_resource(NetLink::new(NetHandle { commands, events }));
        app.insert_resource(SiteData {
            online: true,
            ..default()
        });
        let settings = KioskSettings {
            name: "kiosk-uji".into(),
            screen: ScreenGeometry {
                width_px: 1080,
                height_px: 1920,
                diagonal_in: 32.0,
            },
            idle_timeout: Duration::from_secs(600),
            result_timeout: Duration::from_secs(600),
            default_language: Language::Indonesian,
            offer: Offer::default(),
            public_base_url: "http://127.0.0.1:8600".into(),
        };
        app.insert_resource(Session::new(Language::Indonesian));
        app.insert_resource(Texts(Strings::for_language(Language::Indonesian)));
        app.insert_resource(crate::ui::Sizes(Typography::for_screen(
            &settings.screen,
            false,
        )));
        app.insert_resource(settings);
        plugin(&mut app);
        app.update();
        (app, events_in, sent)
    }

    fn screen(app: &App) -> Screen {
        *app.world().resource::<State<Screen>>().get()
    }

    fn go(app: &mut App, to: Screen) {
        app.world_mut().resource_mut::<NextState<Screen>>().set(to);
        app.update();
        assert_eq!(screen(app), to);
    }

    fn catalog() -> Box<antrean_protocol::CatalogDto> {
        Box::new(antrean_protocol::catalog_view(&antrean_catalog::sample()))
    }

    /// One wake runs one update: the screen the news asks for must be entered in that
    /// update, not left pending for a next wake that may be minutes away.
    #[test]
    fn the_update_that_reads_news_enters_the_screen_it_asks_for() {
        let (mut app, events, _commands) = glue_app();
        events
            .send(NetEvent::Disconnected {
                reason: "test".into(),
            })
            .unwrap();
        app.update();
        assert_eq!(screen(&app), Screen::Offline);
        events
            .send(NetEvent::Connected { catalog: catalog() })
            .unwrap();
        app.update();
        assert_eq!(screen(&app), Screen::Idle);
    }

    /// Redrawing the result screen (the printer's "printed") does not restart its timeout:
    /// it restarted it, and the screen stayed twice `result_timeout`.
    #[test]
    fn re_entering_the_shown_screen_keeps_its_timeout() {
        let (mut app, _events, _commands) = glue_app();
        go(&mut app, Screen::Result);
        let entered = app.world().resource::<Session>().entered_at;
        std::thread::sleep(Duration::from_millis(5));
        go(&mut app, Screen::Result);
        assert_eq!(app.world().resource::<Session>().entered_at, entered);
        go(&mut app, Screen::PrinterProblem);
        assert!(app.world().resource::<Session>().entered_at > entered);
    }

    /// Frozen, then thawed: the late ticket and `Connected` come in one batch; the visitor
    /// waiting at the offline screen gets the ticket, not the attract screen.
    #[test]
    fn back_online_leaves_the_offline_screen_but_never_covers_a_late_ticket() {
        let (mut app, events, _commands) = glue_app();
        app.world_mut().resource_mut::<SiteData>().catalog = Some(*catalog());
        go(&mut app, Screen::Offline);
        app.world_mut().resource_mut::<SiteData>().online = false;
        app.world_mut().resource_mut::<Session>().request_id = Some("r-late".into());
        let ticket = IssuedTicket {
            number: "A-001".into(),
            service: "ktp-el-baru".into(),
            priority: None,
            people_ahead: 0,
            counters: vec!["1".into()],
            public_token: None,
            issued_at_ms: 1_795_942_500_000,
            estimate_band_min: None,
            estimate_basis: None,
            after_closing: false,
            booked_slot_at_ms: None,
            checked_in: false,
        };
        events
            .send(NetEvent::TicketIssued {
                request_id: "r-late".into(),
                ticket,
                latency: Duration::from_secs(14),
            })
            .unwrap();
        events
            .send(NetEvent::Connected { catalog: catalog() })
            .unwrap();
        app.update();
        assert_eq!(screen(&app), Screen::Result);
        let session = app.world().resource::<Session>();
        assert_eq!(
            session.ticket.as_ref().map(|t| t.number.as_str()),
            Some("A-001")
        );
    }

    /// An offline screen with the link up (an answer that was not a ticket, a full command
    /// queue) leaves by itself; while offline it waits for the connection.
    #[test]
    fn an_offline_screen_with_the_link_up_leaves_by_itself() {
        let (mut app, _events, _commands) = glue_app();
        go(&mut app, Screen::Offline);
        app.world_mut().resource_mut::<SiteData>().online = false;
        app.world_mut().resource_mut::<Session>().entered_at =
            Instant::now() - OFFLINE_WHILE_ONLINE * 2;
        app.update();
        assert_eq!(screen(&app), Screen::Offline, "offline: waits");
        app.world_mut().resource_mut::<SiteData>().online = true;
        app.update();
        assert_eq!(screen(&app), Screen::Idle);
    }

    /// The visitor leaves the offline screen ("Beranda") without an answer: the network
    /// thread is told not to send the request again.
    #[test]
    fn leaving_without_an_answer_abandons_the_request() {
        let (mut app, _events, mut commands) = glue_app();
        go(&mut app, Screen::Offline);
        app.world_mut().resource_mut::<Session>().request_id = Some("kiosk-uji-1|lansia".into());
        go(&mut app, Screen::Idle);
        assert_eq!(
            commands.try_recv().ok(),
            Some(NetCommand::Abandon {
                request_id: "kiosk-uji-1".into()
            })
        );
        // A visit that ended with its ticket abandons nothing.
        go(&mut app, Screen::Language);
        go(&mut app, Screen::Idle);
        assert!(commands.try_recv().is_err());
    }
}
