//! End to end on a real renderer: the real coordinator (in-process, 127.0.0.1:0, the sample
//! MPP catalog), a printer emulator on TCP, and the kiosk app rendering headlessly (Mesa
//! lavapipe; no window) into 1080×1920 and 1920×1080 images. The test taps through the flow
//! with synthetic pointer input at the buttons' positions — the same picking path a finger
//! takes — saves a screenshot of every screen to `$CARGO_TARGET_DIR/kiosk-screenshots/` and
//! checks each one is drawn (not blank, text in the header and the body).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use antrean_kiosk::model::Language;
use antrean_kiosk::model::catalog_view::Offer;
use antrean_kiosk::model::sizing::ScreenGeometry;
use antrean_kiosk::ui::{
    DigitalTicketQr, KioskPlugin, KioskSettings, NetLink, PrintLink, PrintState, QrBelowCue,
    Screen, ScrollArea, Session, SiteData, TapAction,
};
use antrean_kiosk::{net, print};
use antrean_printer::emulator::{EmulatedStatus, PrinterEmulator};
use antrean_printer::{PortTarget, Profile};
use bevy::asset::RenderAssetUsages;
use bevy::camera::RenderTarget;
use bevy::picking::pointer::{Location, PointerAction, PointerButton, PointerId, PointerInput};
use bevy::prelude::*;
use bevy::render::RenderPlugin;
use bevy::render::error_handler::RenderErrorHandler;
use bevy::render::render_resource::{
    Extent3d, PollType, TextureDimension, TextureFormat, TextureUsages,
};
use bevy::render::renderer::RenderDevice;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};
use bevy::ui::UiGlobalTransform;
use bevy::window::ExitCondition;
use bevy::winit::WinitPlugin;

mod common;

/// Render errors the kiosk's handler saw (one process, tests run one after the other).
static RENDER_ERRORS: AtomicUsize = AtomicUsize::new(0);

/// Upper bound for anything the test waits for (lavapipe is slow; the coordinator is not).
const WAIT_LIMIT: Duration = Duration::from_secs(60);

struct Coordinator {
    running: Option<antrean_coordinator::Running>,
    addr: SocketAddr,
    data: PathBuf,
    token: String,
}

fn catalog() -> antrean_core::catalog::Catalog {
    let mut catalog = antrean_catalog::always_open(antrean_catalog::sample());
    // A quota of one makes "quota reached" reachable on demand.
    for service in &mut catalog.services {
        if service.code.as_str() == "skck" {
            service.daily_quota = Some(1);
        }
    }
    catalog
}

async fn start_coordinator(data: &Path, listen: SocketAddr) -> antrean_coordinator::Running {
    common::start_coordinator(data, listen, catalog()).await
}

/// Questionnaires on paper, imported by a manager: the quarter then has a published IKM for
/// the attract screen. Eight respondents answer 3 ("Sesuai") and two 4 ("Sangat sesuai") to
/// all nine questions: every unsur averages 3,2, so IKM = 3,2 × 25 = 80,00, mutu B.
async fn import_questionnaires(addr: SocketAddr) {
    use antrean_core::time::{TimeZone, Timestamp};
    use antrean_protocol::{Auth, ImportedResponseDto, ProfileDto, Request};
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64;
    let today = TimeZone::Wib.local(Timestamp(now_ms)).date.to_string();
    let mut manager = antrean_client::Client::connect_with(
        &format!("ws://{addr}/ws"),
        Auth::Manager {
            username: "admin".into(),
            password: common::ADMIN_PASSWORD.into(),
        },
        false,
    )
    .await
    .expect("manager login");
    let respondent = |answer: u8| ImportedResponseDto {
        answers: [Some(answer); 9],
        profile: ProfileDto::default(),
        suggestion: None,
    };
    let mut respondents = vec![respondent(3); 8];
    respondents.extend([respondent(4), respondent(4)]);
    manager
        .request(Request::ImportSkm {
            service: Some("ktp-el-baru".into()),
            day: today,
            label: "kuesioner-kertas.csv".into(),
            respondents,
        })
        .await
        .expect("import questionnaires");
    manager.close().await;
}

impl Coordinator {
    fn start(runtime: &tokio::runtime::Runtime, data: &Path) -> Coordinator {
        let running = runtime.block_on(start_coordinator(
            data,
            "127.0.0.1:0".parse().expect("addr"),
        ));
        let auth = running.auth.clone();
        let token = runtime
            .block_on(auth.enroll_device(antrean_protocol::DeviceKind::Kiosk, "kiosk-test", None))
            .expect("enroll kiosk");
        runtime.block_on(import_questionnaires(running.addr));
        Coordinator {
            addr: running.addr,
            running: Some(running),
            data: data.to_owned(),
            token,
        }
    }

    fn stop(&mut self, runtime: &tokio::runtime::Runtime) {
        if let Some(running) = self.running.take() {
            running.stop();
            runtime
                .block_on(running.wait())
                .expect("coordinator stops cleanly");
        }
    }

    fn restart(&mut self, runtime: &tokio::runtime::Runtime) {
        self.running = Some(runtime.block_on(start_coordinator(&self.data, self.addr)));
    }
}

struct Kiosk {
    app: App,
    target: Handle<Image>,
    camera: Entity,
    name: &'static str,
    size_px: UVec2,
    shots: Vec<PathBuf>,
}

fn screenshot_dir() -> PathBuf {
    // Respect CARGO_TARGET_DIR: the test binary lives in <target>/debug/deps/.
    let exe = std::env::current_exe().expect("test exe path");
    let target = exe.ancestors().nth(3).expect("target dir").to_owned();
    target.join("kiosk-screenshots")
}

impl Kiosk {
    fn new(
        name: &'static str,
        screen: ScreenGeometry,
        coordinator_url: &str,
        token: &str,
        printer_addr: Option<SocketAddr>,
    ) -> Kiosk {
        let mut app = App::new();
        app.add_plugins(
            DefaultPlugins
                .set(WindowPlugin {
                    primary_window: None,
                    exit_condition: ExitCondition::DontExit,
                    ..default()
                })
                .set(RenderPlugin {
                    synchronous_pipeline_compilation: true,
                    ..default()
                })
                .disable::<WinitPlugin>()
                .disable::<bevy::log::LogPlugin>(),
        );
        app.add_plugins(KioskPlugin {
            settings: KioskSettings {
                name: "kiosk-test".into(),
                screen,
                idle_timeout: Duration::from_secs(600),
                result_timeout: Duration::from_secs(600),
                default_language: Language::Indonesian,
                offer: Offer::default(),
                public_base_url: "http://127.0.0.1:8600".into(),
            },
        });
        // The binary's policy for render errors (a lost GPU recreates the renderer), counted.
        app.insert_resource(RenderErrorHandler(|error, main_world, render_world| {
            RENDER_ERRORS.fetch_add(1, Ordering::SeqCst);
            (antrean_kiosk::ui::recover_from_render_errors().0)(error, main_world, render_world)
        }));
        let waker: net::Waker = Arc::new(|| {});
        let net = net::spawn(coordinator_url.to_owned(), token.to_owned(), waker.clone());
        let profile = Profile::load(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../firmware-config/printers/generic-80mm.toml"),
        )
        .map_err(|e| e.to_string());
        // `None`: a kiosk configured without a printer, set up as the binary does.
        let setup = printer_addr.map(|address| print::PrinterSetup {
            target: PortTarget::Tcp {
                address: address.to_string(),
            },
            profile,
        });
        let printer = print::spawn(setup, waker);
        app.insert_resource(NetLink::new(net))
            .insert_resource(PrintLink::new(printer));

        let size = Extent3d {
            width: screen.width_px,
            height: screen.height_px,
            depth_or_array_layers: 1,
        };
        let mut image = Image::new_fill(
            size,
            TextureDimension::D2,
            &[0, 0, 0, 255],
            TextureFormat::Rgba8UnormSrgb,
            RenderAssetUsages::default(),
        );
        image.texture_descriptor.usage = TextureUsages::TEXTURE_BINDING
            | TextureUsages::COPY_SRC
            | TextureUsages::COPY_DST
            | TextureUsages::RENDER_ATTACHMENT;
        let target = app.world_mut().resource_mut::<Assets<Image>>().add(image);
        let camera = app
            .world_mut()
            .spawn((
                Camera2d,
                RenderTarget::Image(target.clone().into()),
                IsDefaultUiCamera,
            ))
            .id();
        app.finish();
        app.cleanup();
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        Kiosk {
            app,
            target,
            camera,
            name,
            size_px: UVec2::new(screen.width_px, screen.height_px),
            shots: Vec::new(),
        }
    }

    fn update(&mut self) {
        self.app.update();
        let device = self.app.world().resource::<RenderDevice>();
        let _ = device.wgpu_device().poll(PollType::Wait {
            submission_index: None,
            timeout: None,
        });
    }

    fn screen(&self) -> Screen {
        *self.app.world().resource::<State<Screen>>().get()
    }

    fn wait_until(&mut self, what: &str, mut done: impl FnMut(&mut Kiosk) -> bool) {
        let deadline = Instant::now() + WAIT_LIMIT;
        while !done(self) {
            assert!(
                Instant::now() < deadline,
                "{}: timed out waiting for {what} (screen {:?})",
                self.name,
                self.screen()
            );
            self.update();
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn wait_for_screen(&mut self, screen: Screen) {
        self.wait_until(&format!("{screen:?}"), |k| k.screen() == screen);
        // Two more frames: layout and text settle after the screen's tree is spawned.
        self.update();
        self.update();
    }

    /// From the attract screen to a service's Standar Pelayanan, as a visitor taps.
    fn open_service(&mut self, language: Language, agency: &str, service: &str) {
        self.tap(TapAction::Start);
        self.wait_for_screen(Screen::Language);
        self.tap(TapAction::ChooseLanguage(language));
        self.wait_for_screen(Screen::Agency);
        self.tap(TapAction::ChooseAgency(agency.into()));
        self.wait_for_screen(Screen::Service);
        self.tap(TapAction::ChooseService(service.into()));
        self.wait_for_screen(Screen::Detail);
    }

    /// On the standard: take a number without a priority class (the screen after it is
    /// the caller's to check).
    fn take_regular_number(&mut self) {
        self.tap(TapAction::TakeNumber);
        self.wait_for_screen(Screen::Priority);
        self.tap(TapAction::ChoosePriority(None));
    }

    /// Taps the button carrying `action`: move, press and release at its centre.
    fn tap(&mut self, action: TapAction) {
        self.update();
        let world = self.app.world_mut();
        let mut query = world.query::<(&TapAction, &ComputedNode, &UiGlobalTransform)>();
        let position = query
            .iter(world)
            .find(|(a, _, _)| **a == action)
            .map(|(_, node, transform)| {
                assert!(
                    node.size.x > 0.0 && node.size.y > 0.0,
                    "{action:?} has no size"
                );
                transform.translation
            })
            .unwrap_or_else(|| {
                panic!("{}: no button {action:?} on {:?}", self.name, self.screen())
            });
        // A finger cannot reach a button laid out beyond the edge of the screen.
        assert!(
            position.cmpge(Vec2::ZERO).all() && position.cmplt(self.size_px.as_vec2()).all(),
            "{}: {action:?} is off screen at {position} on {:?}",
            self.name,
            self.screen()
        );
        let location = self.location(position);
        let actions = [
            PointerAction::Move { delta: Vec2::ZERO },
            PointerAction::Press(PointerButton::Primary),
            PointerAction::Release(PointerButton::Primary),
        ];
        for action in actions {
            self.app.world_mut().write_message(PointerInput::new(
                PointerId::Mouse,
                location.clone(),
                action,
            ));
            self.update();
        }
    }

    /// Where a finger is on the render target.
    fn location(&self, position: Vec2) -> Location {
        let target = self
            .app
            .world()
            .get::<RenderTarget>(self.camera)
            .expect("camera target")
            .normalize(None)
            .expect("image target");
        Location { target, position }
    }

    /// A finger pressed at `from`, moved by `by` in steps (as a touchscreen reports it), and
    /// lifted.
    fn drag(&mut self, from: Vec2, by: Vec2) {
        const STEPS: u16 = 8;
        let pointer = |kiosk: &mut Kiosk, at: Vec2, action: PointerAction| {
            let location = kiosk.location(at);
            kiosk.app.world_mut().write_message(PointerInput::new(
                PointerId::Mouse,
                location,
                action,
            ));
            kiosk.update();
        };
        pointer(self, from, PointerAction::Move { delta: Vec2::ZERO });
        pointer(self, from, PointerAction::Press(PointerButton::Primary));
        for step in 1..=STEPS {
            let at = from + by * f32::from(step) / f32::from(STEPS);
            pointer(
                self,
                at,
                PointerAction::Move {
                    delta: by / f32::from(STEPS),
                },
            );
        }
        pointer(
            self,
            from + by,
            PointerAction::Release(PointerButton::Primary),
        );
    }

    /// The scrollable body: (centre, scroll offset, how far it can scroll), logical px.
    fn scroll_area(&mut self) -> (Vec2, f32, f32) {
        let world = self.app.world_mut();
        let mut query = world.query_filtered::<(&ComputedNode, &UiGlobalTransform, &ScrollPosition), With<ScrollArea>>();
        let found = query.iter(world).next().map(|(node, transform, position)| {
            let overflow_px =
                (node.content_size.y - node.size.y).max(0.0) * node.inverse_scale_factor;
            (transform.translation, position.0.y, overflow_px)
        });
        found.unwrap_or_else(|| panic!("{}: no scroll area on {:?}", self.name, self.screen()))
    }

    /// Saves the current frame and checks it is drawn.
    fn capture(&mut self, label: &str) {
        let path = screenshot_dir().join(format!("{}-{label}.png", self.name));
        let _ = std::fs::remove_file(&path);
        self.app
            .world_mut()
            .spawn(Screenshot::image(self.target.clone()))
            .observe(save_to_disk(path.clone()));
        self.wait_until(&format!("screenshot {label}"), |_| {
            path.exists() && std::fs::metadata(&path).is_ok_and(|m| m.len() > 0)
        });
        // The file may still be being written; wait for a decodable PNG.
        let deadline = Instant::now() + WAIT_LIMIT;
        let image = loop {
            if let Ok(image) = image::open(&path) {
                break image.to_rgba8();
            }
            assert!(
                Instant::now() < deadline,
                "unreadable screenshot {}",
                path.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        assert_eq!(
            (image.width(), image.height()),
            (self.size_px.x, self.size_px.y),
            "{label}"
        );
        if self.screen() == Screen::Idle {
            check_attract_drawn(&image, label);
        } else {
            check_drawn(&image, label);
        }
        self.shots.push(path);
    }
}

fn luminance(p: &image::Rgba<u8>) -> u32 {
    (u32::from(p.0[0]) * 2126 + u32::from(p.0[1]) * 7152 + u32::from(p.0[2]) * 722) / 10_000
}

/// The attract screen has no header band: the whole screen is the dark site colour with
/// light text. Not blank, and text drawn in each third (site name; clock and "now serving"
/// card; "Sentuh layar untuk mulai").
fn check_attract_drawn(image: &image::RgbaImage, label: &str) {
    let (w, h) = (image.width(), image.height());
    let mut dark = 0u32;
    let mut light_per_third = [0u32; 3];
    for y in (0..h).step_by(2) {
        for x in (0..w).step_by(2) {
            match luminance(image.get_pixel(x, y)) {
                0..=110 => dark += 1,
                200.. => light_per_third[(y * 3 / h) as usize] += 1,
                _ => {}
            }
        }
    }
    let sampled = (w / 2) * (h / 2);
    assert!(
        dark * 100 / sampled >= 50,
        "{label}: the dark attract background is missing: {dark}/{sampled}"
    );
    for (third, light) in light_per_third.iter().enumerate() {
        assert!(
            light * 1000 * 3 / sampled >= 5,
            "{label}: no light text in third {third}: {light}/{}",
            sampled / 3
        );
    }
}

/// Not blank, and text drawn: the header band (top 6 %) has both dark band pixels and light
/// text pixels; the body has dark text pixels on the light background.
fn check_drawn(image: &image::RgbaImage, label: &str) {
    let (w, h) = (image.width(), image.height());
    let mut header_dark = 0u32;
    let mut header_light = 0u32;
    let mut body_dark = 0u32;
    let mut body_light = 0u32;
    for y in (0..h).step_by(2) {
        for x in (0..w).step_by(2) {
            let l = luminance(image.get_pixel(x, y));
            let in_header = y < h * 6 / 100;
            match (in_header, l) {
                (true, 0..=110) => header_dark += 1,
                (true, 200..) => header_light += 1,
                (false, 0..=90) => body_dark += 1,
                (false, 200..) => body_light += 1,
                _ => {}
            }
        }
    }
    let sampled = (w / 2) * (h / 2);
    assert!(
        header_dark > 0 && header_light > 0,
        "{label}: header not drawn (dark {header_dark}, light {header_light})"
    );
    assert!(
        header_light * 1000 / (header_dark + header_light) >= 5,
        "{label}: no text in the header"
    );
    assert!(
        body_dark * 1000 / sampled >= 5,
        "{label}: almost no dark (text) pixels in the body: {body_dark}/{sampled}"
    );
    assert!(
        body_light * 1000 / sampled >= 50,
        "{label}: almost no light pixels in the body: {body_light}/{sampled}"
    );
}

fn session(kiosk: &Kiosk) -> Session {
    kiosk.app.world().resource::<Session>().clone()
}

fn run_flow(name: &'static str, screen: ScreenGeometry, runtime: &tokio::runtime::Runtime) {
    let data = tempfile::tempdir().expect("tempdir");
    let mut coordinator = Coordinator::start(runtime, data.path());
    let emulator = PrinterEmulator::listen_tcp(EmulatedStatus::Ready).expect("printer emulator");
    let url = format!("ws://{}/ws", coordinator.addr);
    let mut kiosk = Kiosk::new(
        name,
        screen,
        &url,
        &coordinator.token,
        Some(emulator.tcp_address().expect("tcp emulator")),
    );

    // Idle, once the catalog arrived.
    kiosk.wait_until("catalog", |k| k.app.world().resource::<SiteData>().online);
    kiosk.wait_for_screen(Screen::Idle);
    let ikm = kiosk.app.world().resource::<SiteData>().ikm.clone();
    let ikm = ikm.expect("the published IKM reached the kiosk");
    assert_eq!(
        (ikm.ikm_text.as_str(), ikm.mutu.as_str(), ikm.respondents),
        ("80,00", "B", 10)
    );
    kiosk.capture("01-idle");

    kiosk.tap(TapAction::Start);
    kiosk.wait_for_screen(Screen::Language);
    kiosk.capture("02-language");

    kiosk.tap(TapAction::ChooseLanguage(Language::Indonesian));
    kiosk.wait_for_screen(Screen::Agency);
    kiosk.capture("03-agency");

    kiosk.tap(TapAction::ChooseAgency("dukcapil".into()));
    kiosk.wait_for_screen(Screen::Service);
    kiosk.capture("04-service");

    kiosk.tap(TapAction::ChooseService("ktp-el-baru".into()));
    kiosk.wait_for_screen(Screen::Detail);
    kiosk.capture("05-detail");

    // Drag-to-scroll: the standard is longer than the screen; a finger dragging up over the
    // requirements scrolls them (and lifting it does not tap what is underneath).
    let (centre, before_px, overflow_px) = kiosk.scroll_area();
    assert_eq!(before_px, 0.0);
    assert!(
        overflow_px > 100.0,
        "{name}: the KTP-el standard should not fit on one screen (overflow {overflow_px} px)"
    );
    kiosk.drag(centre, Vec2::new(0.0, -400.0));
    kiosk.update();
    let (_, scrolled_px, _) = kiosk.scroll_area();
    let expected_px = overflow_px.min(400.0);
    assert!(
        (scrolled_px - expected_px).abs() < 2.0,
        "{name}: dragged 400 px, scrolled {scrolled_px} px (expected {expected_px})"
    );
    assert_eq!(kiosk.screen(), Screen::Detail, "a drag is not a tap");
    kiosk.capture("05b-detail-scrolled");

    kiosk.tap(TapAction::TakeNumber);
    kiosk.wait_for_screen(Screen::Priority);
    kiosk.capture("06-priority");

    kiosk.tap(TapAction::ChoosePriority(Some("lansia".into())));
    kiosk.wait_for_screen(Screen::Result);
    let ticket = session(&kiosk).ticket.expect("a committed ticket");
    assert_eq!(ticket.priority.as_deref(), Some("lansia"));
    assert!(ticket.number.starts_with('A'), "{}", ticket.number);
    kiosk.wait_until("printed", |k| session(k).print == PrintState::Printed);
    let number = ticket.number.clone();
    assert!(
        emulator.wait_for_printed(5_000, |bytes| String::from_utf8_lossy(bytes)
            .contains(&number)),
        "the emulator received ticket {number}"
    );
    kiosk.wait_for_screen(Screen::Result);
    kiosk.capture("07-result");

    // Larger text: the same screen, rebuilt bigger.
    kiosk.tap(TapAction::ToggleLargeText);
    kiosk.wait_until("large text", |k| session(k).large_text);
    kiosk.wait_for_screen(Screen::Result);
    kiosk.capture("08-result-large-text");

    // Paper out: the next ticket is committed, shown on screen with its QR, and reported.
    emulator.set_status(EmulatedStatus::PaperOut);
    kiosk.tap(TapAction::Home);
    kiosk.wait_for_screen(Screen::Idle);
    kiosk.open_service(Language::English, "dukcapil", "ktp-el-baru");
    kiosk.capture("09-detail-english");
    // English content, not only English labels: the standard as the catalog translates it,
    // every part in English (only the signed maklumat is marked as Indonesian).
    let sample = antrean_catalog::sample();
    let en = &sample.service("ktp-el-baru").expect("KTP-el").standard.en;
    let shown = screen_text(&mut kiosk);
    for line in en
        .requirements
        .iter()
        .chain(&en.procedure)
        .flatten()
        .chain(&en.product)
        .chain(&en.processing_time)
    {
        assert!(
            shown.contains(line.as_str()),
            "{name}: {line:?} not on the English standard"
        );
    }
    assert_eq!(
        shown.matches("(only in Indonesian)").count(),
        1,
        "{name}: only the maklumat is marked Indonesian"
    );
    kiosk.take_regular_number();
    kiosk.wait_for_screen(Screen::PrinterProblem);
    assert!(
        matches!(session(&kiosk).print, PrintState::Failed { ref health_code } if health_code == "paper_end")
    );
    kiosk.capture("10-printer-problem");
    emulator.set_status(EmulatedStatus::Ready);

    // Quota reached (the test catalog gives SKCK a quota of one).
    for attempt in 0..2 {
        kiosk.tap(TapAction::Home);
        kiosk.wait_for_screen(Screen::Idle);
        kiosk.open_service(Language::Indonesian, "polres", "skck");
        kiosk.take_regular_number();
        if attempt == 0 {
            kiosk.wait_for_screen(Screen::Result);
        } else {
            kiosk.wait_for_screen(Screen::Unavailable);
            assert_eq!(
                session(&kiosk).rejection.expect("rejection").code,
                "quota_reached"
            );
            kiosk.capture("11-unavailable-quota");
        }
    }

    // The coordinator goes away: offline screen, no numbers. It comes back: the kiosk
    // reconnects by itself and returns to the attract screen.
    kiosk.tap(TapAction::Home);
    kiosk.wait_for_screen(Screen::Idle);
    coordinator.stop(runtime);
    kiosk.wait_for_screen(Screen::Offline);
    kiosk.capture("12-offline");
    coordinator.restart(runtime);
    kiosk.wait_for_screen(Screen::Idle);
    assert!(kiosk.app.world().resource::<SiteData>().online);

    // The waiting screen is on screen only for the milliseconds of a commit: capture the
    // frame in which it is entered.
    kiosk.tap(TapAction::Start);
    kiosk.wait_for_screen(Screen::Language);
    kiosk.tap(TapAction::ChooseLanguage(Language::Indonesian));
    kiosk.wait_for_screen(Screen::Agency);
    kiosk.tap(TapAction::ChooseAgency("dukcapil".into()));
    kiosk.wait_for_screen(Screen::Service);
    kiosk.tap(TapAction::ChooseService("kk-baru".into()));
    kiosk.wait_for_screen(Screen::Detail);
    kiosk.tap(TapAction::TakeNumber);
    kiosk.wait_for_screen(Screen::Priority);
    {
        // Hold the answer back: pause the coordinator so the screen stays on "Issuing".
        coordinator.stop(runtime);
        kiosk.wait_until("offline noticed", |k| {
            !k.app.world().resource::<SiteData>().online
        });
        kiosk.app.world_mut().resource_mut::<Session>().request_id =
            Some("kiosk-test-issuing".into());
        kiosk
            .app
            .world_mut()
            .resource_mut::<NextState<Screen>>()
            .set(Screen::Issuing);
        // No update in between: the screenshot is of the very frame that enters the screen
        // (the offline answer can only change the screen in the frame after).
        kiosk.capture("13-issuing");
        let [offline, issuing] = [
            &kiosk.shots[kiosk.shots.len() - 2],
            kiosk.shots.last().unwrap(),
        ]
        .map(|path| image::open(path).expect("screenshot").to_rgba8());
        assert_ne!(
            offline, issuing,
            "{name}: 13-issuing shows the offline screen"
        );
        kiosk.wait_for_screen(Screen::Offline);
    }

    // The coordinator comes back: the kiosk leaves the offline screen by itself. The request
    // made while it was away is kept with its id for the next connection (net.rs), so the
    // visitor still at the offline screen may get that ticket now; dismissed with Home.
    coordinator.restart(runtime);
    kiosk.wait_until("back from the offline screen", |k| {
        matches!(
            k.screen(),
            Screen::Idle | Screen::Result | Screen::PrinterProblem
        )
    });
    if kiosk.screen() != Screen::Idle {
        assert_eq!(
            kiosk
                .app
                .world()
                .resource::<Session>()
                .request_id
                .as_deref(),
            Some("kiosk-test-issuing"),
            "{name}: the late ticket is the offline visitor's"
        );
        kiosk.tap(TapAction::Home);
    }
    kiosk.wait_for_screen(Screen::Idle);
    assert!(kiosk.app.world().resource::<SiteData>().online);

    // The GPU device is lost (a driver reset, a hung GPU): the kiosk recreates its renderer
    // and keeps drawing, without a restart.
    let errors_before = RENDER_ERRORS.load(Ordering::SeqCst);
    let lost = kiosk.app.world().resource::<RenderDevice>().clone();
    lost.wgpu_device().destroy();
    kiosk.wait_until("the render error handler", |_| {
        RENDER_ERRORS.load(Ordering::SeqCst) > errors_before
    });
    // A screen never drawn before the loss: the new renderer draws it.
    kiosk.tap(TapAction::Start);
    kiosk.wait_for_screen(Screen::Language);
    kiosk.capture("14-language-after-gpu-loss");

    assert_eq!(kiosk.shots.len(), 15);
    coordinator.stop(runtime);
}

#[test]
fn kiosk_flow_with_screenshots_in_both_orientations() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    run_flow(
        "portrait",
        ScreenGeometry {
            width_px: 1080,
            height_px: 1920,
            diagonal_in: 32.0,
        },
        &runtime,
    );
    run_flow(
        "landscape",
        ScreenGeometry {
            width_px: 1920,
            height_px: 1080,
            diagonal_in: 21.5,
        },
        &runtime,
    );
}

/// A kiosk without a printer (digital tickets only) gives the number and its QR on the
/// result screen, says it does not print, and neither shows the printer-problem screen nor
/// alerts the officers.
#[test]
fn a_kiosk_without_a_printer_gives_a_digital_ticket_and_raises_no_alert() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let data = tempfile::tempdir().expect("tempdir");
    let mut coordinator = Coordinator::start(&runtime, data.path());
    let url = format!("ws://{}/ws", coordinator.addr);
    let screen = ScreenGeometry {
        width_px: 1080,
        height_px: 1920,
        diagonal_in: 32.0,
    };
    // A manager listening from the start sees every printer alert as it comes.
    let mut manager = runtime.block_on(async {
        antrean_client::Client::connect(
            &url,
            antrean_protocol::Auth::Manager {
                username: "admin".into(),
                password: common::ADMIN_PASSWORD.into(),
            },
        )
        .await
        .expect("manager login")
    });
    let mut kiosk = Kiosk::new("no-printer", screen, &url, &coordinator.token, None);
    kiosk.wait_until("catalog", |k| k.app.world().resource::<SiteData>().online);
    kiosk.wait_for_screen(Screen::Idle);
    kiosk.open_service(Language::Indonesian, "polres", "skck");
    kiosk.take_regular_number();
    kiosk.wait_for_screen(Screen::Result);
    kiosk.wait_until("digital only", |k| {
        session(k).print == PrintState::DigitalOnly
    });
    for _ in 0..10 {
        kiosk.update();
    }
    assert_eq!(kiosk.screen(), Screen::Result, "no printer-problem screen");
    let number = session(&kiosk).ticket.expect("a ticket").number;
    assert_eq!(number, "N-001");
    kiosk.capture("result-digital-only");

    // The kiosk would have sent its report while handling the print result, before the
    // print state changed. A probe sent now down the same link is the positive signal: the
    // first alert the manager sees must be the probe, not a report about a missing printer.
    let sent = kiosk
        .app
        .world()
        .resource::<NetLink>()
        .send(net::NetCommand::ReportPrinter {
            health: antrean_protocol::PrinterHealth::Ready,
            detail: Some("probe".into()),
        });
    assert!(sent, "the kiosk's link took the probe");
    let first_alert =
        runtime.block_on(
            manager.wait_for(Duration::from_secs(20), |message| match message {
                antrean_protocol::ServerMessage::Alert { alert } => Some(alert.clone()),
                _ => None,
            }),
        );
    let first_alert = first_alert.expect("the probe reached the officers");
    assert_eq!(
        first_alert.detail.as_deref(),
        Some("probe"),
        "officers alerted: {first_alert:?}"
    );
    coordinator.stop(&runtime);
}

/// The sample catalog, always open, in the time zone whose local time now is at least half
/// an hour from midnight, so that a slot later today exists whenever the test runs (WIB
/// before 22.30, else WIT, two hours ahead).
fn booking_catalog() -> (antrean_core::catalog::Catalog, antrean_core::TimeZone) {
    use antrean_core::TimeZone;
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64;
    let wib = TimeZone::Wib.local(antrean_core::Timestamp(now_ms));
    let zone = if wib.time.minutes() < 22 * 60 + 30 {
        TimeZone::Wib
    } else {
        TimeZone::Wit
    };
    let mut catalog = antrean_catalog::always_open(antrean_catalog::sample());
    catalog.site.time_zone = zone;
    (catalog, zone)
}

/// Books paspor-baru today at the next full hour through the booking API (as the booking
/// page does); the booking code.
fn book_next_hour(addr: SocketAddr, zone: antrean_core::TimeZone, who: u32) -> String {
    use std::io::{Read, Write};
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64;
    let local = zone.local(antrean_core::Timestamp(now_ms));
    let slot = format!("{:02}:00", local.time.minutes() / 60 + 1);
    let body = serde_json::to_string(&antrean_protocol::BookRequestDto {
        service: "paspor-baru".into(),
        date: local.date.to_string(),
        slot,
        name: format!("Pemohon {who}"),
        phone: format!("0813000000{who:02}"),
        nik: Some(format!("32010112059{:05}", who)),
    })
    .expect("json");
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "POST /api/booking HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answer");
    let (head, json) = answer.split_once("\r\n\r\n").expect("http answer");
    assert!(head.starts_with("HTTP/1.1 201"), "{answer}");
    let booking: antrean_protocol::BookingDto = serde_json::from_str(json).expect("booking");
    booking.code
}

impl Kiosk {
    /// Keys as a USB scanner types them: each character, then Enter.
    fn scan(&mut self, line: &str) {
        use bevy::input::ButtonState;
        use bevy::input::keyboard::{Key, KeyCode, KeyboardInput};
        let mut keys: Vec<Key> = line
            .chars()
            .map(|c| Key::Character(c.to_string().into()))
            .collect();
        keys.push(Key::Enter);
        for key in keys {
            for state in [ButtonState::Pressed, ButtonState::Released] {
                let text = match (&key, state) {
                    (Key::Character(c), ButtonState::Pressed) => Some(c.clone()),
                    _ => None,
                };
                self.app.world_mut().write_message(KeyboardInput {
                    key_code: KeyCode::Unidentified(
                        bevy::input::keyboard::NativeKeyCode::Unidentified,
                    ),
                    logical_key: key.clone(),
                    state,
                    text,
                    repeat: false,
                    window: Entity::PLACEHOLDER,
                });
            }
        }
        self.update();
    }
}

#[test]
fn booked_visitors_check_in_by_typing_and_by_scanning() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let data = tempfile::tempdir().expect("tempdir");
    let (catalog, zone) = booking_catalog();
    let running = runtime.block_on(common::start_coordinator(
        data.path(),
        "127.0.0.1:0".parse().expect("addr"),
        catalog,
    ));
    let token = runtime
        .block_on(running.auth.enroll_device(
            antrean_protocol::DeviceKind::Kiosk,
            "kiosk-booking",
            None,
        ))
        .expect("enroll kiosk");
    let typed_code = book_next_hour(running.addr, zone, 1);
    let scanned_code = book_next_hour(running.addr, zone, 2);
    let url = format!("ws://{}/ws", running.addr);
    let screen = ScreenGeometry {
        width_px: 1080,
        height_px: 1920,
        diagonal_in: 32.0,
    };
    let mut kiosk = Kiosk::new("booking", screen, &url, &token, None);
    kiosk.wait_until("catalog", |k| k.app.world().resource::<SiteData>().online);
    kiosk.wait_for_screen(Screen::Idle);

    // Typed on the keypad, one key at a time, after a wrong key deleted.
    kiosk.tap(TapAction::Booking);
    kiosk.wait_for_screen(Screen::BookingCode);
    kiosk.capture("01-booking-code-empty");
    kiosk.tap(TapAction::CodeKey('Z'));
    kiosk.wait_for_screen(Screen::BookingCode);
    kiosk.tap(TapAction::CodeDelete);
    kiosk.wait_for_screen(Screen::BookingCode);
    for key in typed_code.chars().filter(|c| *c != '-') {
        kiosk.tap(TapAction::CodeKey(key));
        kiosk.wait_for_screen(Screen::BookingCode);
    }
    assert_eq!(session(&kiosk).booking_code, typed_code.replace('-', ""));
    kiosk.capture("02-booking-code-typed");
    // The priority question, as for a walk-in (back keeps the typed code).
    kiosk.tap(TapAction::CheckIn);
    kiosk.wait_for_screen(Screen::Priority);
    kiosk.tap(TapAction::Back);
    kiosk.wait_for_screen(Screen::BookingCode);
    assert_eq!(session(&kiosk).booking_code, typed_code.replace('-', ""));
    kiosk.tap(TapAction::CheckIn);
    kiosk.wait_for_screen(Screen::Priority);
    kiosk.capture("02b-booking-priority");
    kiosk.tap(TapAction::ChoosePriority(Some("lansia".into())));
    kiosk.wait_for_screen(Screen::Result);
    let ticket = session(&kiosk).ticket.expect("a checked-in ticket");
    assert_eq!(ticket.number, "J-001");
    assert_eq!(ticket.priority.as_deref(), Some("lansia"), "{ticket:?}");
    assert!(ticket.booked_slot_at_ms.is_some(), "{ticket:?}");
    let strings = antrean_kiosk::model::Strings::for_language(Language::Indonesian);
    let catalog_dto = kiosk
        .app
        .world()
        .resource::<SiteData>()
        .catalog
        .clone()
        .expect("catalog");
    let view = antrean_kiosk::model::result_view(&ticket, &catalog_dto, &strings, "http://x/");
    assert!(
        view.booking_lines[0].starts_with("Booking pukul "),
        "{:?}",
        view.booking_lines
    );
    kiosk.capture("03-booked-result");

    // Scanned on the result screen of the previous visitor: a scanner types the code and
    // Enter; the kiosk checks in from whatever screen it is on.
    kiosk.scan(&scanned_code.to_lowercase());
    kiosk.wait_until("the scanned ticket", |k| {
        session(k)
            .ticket
            .as_ref()
            .is_some_and(|t| t.number == "J-002")
    });
    kiosk.wait_for_screen(Screen::Result);
    assert!(
        session(&kiosk)
            .ticket
            .expect("ticket")
            .booked_slot_at_ms
            .is_some()
    );

    // The same code again (someone scans a used code): refused, in words.
    kiosk.tap(TapAction::Home);
    kiosk.wait_for_screen(Screen::Idle);
    kiosk.scan(&scanned_code);
    kiosk.wait_for_screen(Screen::Unavailable);
    let rejection = session(&kiosk).rejection.expect("a refusal");
    assert_eq!(rejection.code, "booking_not_active");
    assert!(
        rejection.message.contains("sudah digunakan"),
        "{}",
        rejection.message
    );
    kiosk.capture("04-used-code");
    // Stray keys that are not a code change nothing.
    kiosk.tap(TapAction::Home);
    kiosk.wait_for_screen(Screen::Idle);
    kiosk.scan("hello");
    for _ in 0..5 {
        kiosk.update();
    }
    assert_eq!(kiosk.screen(), Screen::Idle);
    running.stop();
    runtime.block_on(running.wait()).expect("coordinator stops");
}

/// The top and bottom edges (render-target px) of every node carrying `T`.
fn edges_of<T: Component>(kiosk: &mut Kiosk) -> Vec<(f32, f32)> {
    kiosk.update();
    let world = kiosk.app.world_mut();
    let mut query = world.query_filtered::<(&ComputedNode, &UiGlobalTransform), With<T>>();
    query
        .iter(world)
        .map(|(node, transform)| {
            let half = node.size.y / 2.0;
            (
                transform.translation.y - half,
                transform.translation.y + half,
            )
        })
        .collect()
}

/// The top edges of the buttons whose action `pick` selects.
fn button_tops(kiosk: &mut Kiosk, pick: impl Fn(&TapAction) -> bool) -> Vec<f32> {
    kiosk.update();
    let world = kiosk.app.world_mut();
    let mut query = world.query::<(&TapAction, &ComputedNode, &UiGlobalTransform)>();
    query
        .iter(world)
        .filter(|(a, _, _)| pick(a))
        .map(|(_, node, transform)| transform.translation.y - node.size.y / 2.0)
        .collect()
}

/// All text drawn inside the button carrying `action`.
fn button_text(kiosk: &mut Kiosk, action: &TapAction) -> String {
    kiosk.update();
    let world = kiosk.app.world_mut();
    let mut texts = world.query::<(Entity, &Text)>();
    let found: Vec<(Entity, String)> = texts.iter(world).map(|(e, t)| (e, t.0.clone())).collect();
    let mut out = String::new();
    for (entity, text) in found {
        let mut at = entity;
        loop {
            if world.get::<TapAction>(at) == Some(action) {
                out.push_str(&text);
                out.push('\n');
                break;
            }
            match world.get::<ChildOf>(at) {
                Some(parent) => at = parent.parent(),
                None => break,
            }
        }
    }
    out
}

/// All text on the current screen.
fn screen_text(kiosk: &mut Kiosk) -> String {
    kiosk.update();
    let world = kiosk.app.world_mut();
    let mut texts = world.query::<&Text>();
    texts
        .iter(world)
        .map(|t| t.0.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Issue 16, on a rendered portrait kiosk: the choices sit in the lower two thirds (within
/// reach from a wheelchair), each service tile says what it costs, every deep screen leads
/// back home ("Beranda"), the offline screen too and the attract screen says the kiosk is
/// offline, and with large text the result screen points to the QR below the fold, which a
/// swipe brings into view.
#[test]
fn portrait_choices_sit_low_tiles_show_fees_home_is_one_tap_and_large_text_points_to_the_qr() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let data = tempfile::tempdir().expect("tempdir");
    let mut coordinator = Coordinator::start(&runtime, data.path());
    let url = format!("ws://{}/ws", coordinator.addr);
    let screen = ScreenGeometry {
        width_px: 1080,
        height_px: 1920,
        diagonal_in: 32.0,
    };
    let mut kiosk = Kiosk::new("reach", screen, &url, &coordinator.token, None);
    kiosk.wait_until("catalog", |k| k.app.world().resource::<SiteData>().online);
    kiosk.wait_for_screen(Screen::Idle);
    let third = screen.height_px as f32 / 3.0;

    kiosk.tap(TapAction::Start);
    kiosk.wait_for_screen(Screen::Language);
    let tops = button_tops(&mut kiosk, |a| matches!(a, TapAction::ChooseLanguage(_)));
    assert_eq!(tops.len(), 2);
    assert!(
        tops.iter().all(|&t| t >= third),
        "language choices at {tops:?}"
    );
    kiosk.capture("01-language-low");

    kiosk.tap(TapAction::ChooseLanguage(Language::Indonesian));
    kiosk.wait_for_screen(Screen::Agency);
    kiosk.tap(TapAction::ChooseAgency("polres".into()));
    kiosk.wait_for_screen(Screen::Service);
    let tops = button_tops(&mut kiosk, |a| matches!(a, TapAction::ChooseService(_)));
    assert!(!tops.is_empty());
    assert!(
        tops.iter().all(|&t| t >= third),
        "service tiles at {tops:?}"
    );
    // The fee on the tile, in PUEBI money, before the visitor opens the standard.
    let tile = button_text(&mut kiosk, &TapAction::ChooseService("skck".into()));
    assert!(tile.contains("Rp30.000"), "{tile}");
    kiosk.capture("02-service-fees");
    // Every deep screen has "Beranda".
    assert_eq!(button_tops(&mut kiosk, |a| *a == TapAction::Home).len(), 1);
    kiosk.tap(TapAction::ChooseService("skck".into()));
    kiosk.wait_for_screen(Screen::Detail);
    assert_eq!(button_tops(&mut kiosk, |a| *a == TapAction::Home).len(), 1);
    kiosk.tap(TapAction::TakeNumber);
    kiosk.wait_for_screen(Screen::Priority);
    let tops = button_tops(&mut kiosk, |a| matches!(a, TapAction::ChoosePriority(_)));
    assert!(
        tops.iter().all(|&t| t >= third),
        "priority choices at {tops:?}"
    );
    kiosk.capture("03-priority-low");
    kiosk.tap(TapAction::Home);
    kiosk.wait_for_screen(Screen::Idle);

    // Large text, then a number: the result screen says the QR is further down; it is
    // below the screen's edge until a swipe brings it up.
    kiosk.open_service(Language::Indonesian, "dukcapil", "ktp-el-baru");
    kiosk.tap(TapAction::ToggleLargeText);
    kiosk.wait_until("large text", |k| session(k).large_text);
    kiosk.wait_for_screen(Screen::Detail);
    kiosk.take_regular_number();
    kiosk.wait_for_screen(Screen::Result);
    let height = screen.height_px as f32;
    let cue = edges_of::<QrBelowCue>(&mut kiosk);
    assert_eq!(cue.len(), 1, "the QR hint is shown");
    assert!(cue[0].1 <= height, "the hint is on screen: {cue:?}");
    assert!(screen_text(&mut kiosk).contains("Kode QR tiket digital ada di bawah"));
    let qr = edges_of::<DigitalTicketQr>(&mut kiosk);
    assert_eq!(qr.len(), 1);
    let (_, _, overflow_px) = kiosk.scroll_area();
    assert!(
        overflow_px > 0.0,
        "large text overflows the portrait screen"
    );
    kiosk.capture("04-result-large-text");
    // Swipes of 400 px (a finger stays on the glass) until the end.
    for _ in 0..10 {
        let (centre, scrolled_px, overflow_px) = kiosk.scroll_area();
        if overflow_px - scrolled_px < 2.0 {
            break;
        }
        kiosk.drag(centre, Vec2::new(0.0, -400.0));
        kiosk.update();
    }
    let (_, scrolled_px, overflow_px) = kiosk.scroll_area();
    assert!(
        scrolled_px >= overflow_px - 2.0,
        "scrolled to the end: {scrolled_px} of {overflow_px}"
    );
    let footer_top = button_tops(&mut kiosk, |a| *a == TapAction::Home)[0];
    let qr = edges_of::<DigitalTicketQr>(&mut kiosk);
    assert!(
        qr[0].0 >= 0.0 && qr[0].1 <= footer_top,
        "after the swipe the QR is in view above the footer: {qr:?}, footer at {footer_top}"
    );
    kiosk.capture("05-result-large-text-scrolled");
    kiosk.tap(TapAction::ToggleLargeText);
    kiosk.wait_until("normal text", |k| !session(k).large_text);

    // Offline: the offline screen leads home, and the attract screen says so.
    kiosk.tap(TapAction::Home);
    kiosk.wait_for_screen(Screen::Idle);
    coordinator.stop(&runtime);
    kiosk.wait_for_screen(Screen::Offline);
    kiosk.tap(TapAction::Home);
    kiosk.wait_for_screen(Screen::Idle);
    assert!(screen_text(&mut kiosk).contains("Kios sedang tidak terhubung"));
    kiosk.capture("06-idle-offline");
    coordinator.restart(&runtime);
    kiosk.wait_until("back online", |k| {
        k.app.world().resource::<SiteData>().online
    });
    kiosk.wait_for_screen(Screen::Idle);
    kiosk.wait_until("the offline notice gone", |k| {
        !screen_text(k).contains("Kios sedang tidak terhubung")
    });
    coordinator.stop(&runtime);
}
