//! The kiosk file, `firmware-config/kiosk/*.toml`. Unknown fields are errors, and every error
//! names the file and the field, so a technician on site can fix it without reading code.

use std::path::{Path, PathBuf};

use antrean_printer::PortTarget;
use serde::Deserialize;

use crate::model::Language;
use crate::model::catalog_view::Offer;
use crate::model::sizing::ScreenGeometry;

/// A resolved, validated kiosk configuration.
#[derive(Debug, Clone)]
pub struct KioskConfig {
    /// Device name (for logs).
    pub name: String,
    /// Coordinator WebSocket URL.
    pub coordinator_url: String,
    /// Enrolled device token.
    pub token: String,
    /// Base of the digital-ticket URL in the QR (`{base}/t/{token}`).
    pub public_base_url: String,
    /// Panel geometry.
    pub screen: ScreenGeometry,
    /// Open a fullscreen window (production) or a normal one (bench, development).
    pub fullscreen: bool,
    /// Back to the attract screen after this long without a touch.
    pub idle_timeout_s: u32,
    /// The result screen returns to the attract screen after this long.
    pub result_timeout_s: u32,
    /// Language a visitor starts in.
    pub default_language: Language,
    /// What this kiosk offers.
    pub offer: Offer,
    /// The printer, if the kiosk has one.
    pub printer: Option<PrinterConfig>,
}

/// Where and how to print.
#[derive(Debug, Clone)]
pub struct PrinterConfig {
    /// Printer profile file (resolved against the kiosk file's folder).
    pub profile_path: PathBuf,
    /// Port.
    pub target: PortTarget,
}

/// A config that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// File.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// TOML syntax, a wrong type or an unknown field (the message names line and field).
    #[error("{path}: {message}")]
    Parse {
        /// File.
        path: String,
        /// toml's message.
        message: String,
    },
    /// A value out of range.
    #[error("{path}: field `{field}`: {reason}")]
    Invalid {
        /// File.
        path: String,
        /// Dotted field name.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    kiosk: RawKiosk,
    coordinator: RawCoordinator,
    screen: RawScreen,
    printer: Option<RawPrinter>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKiosk {
    name: String,
    #[serde(default = "default_language")]
    default_language: String,
    #[serde(default = "default_idle_timeout_s")]
    idle_timeout_s: u32,
    #[serde(default = "default_result_timeout_s")]
    result_timeout_s: u32,
    #[serde(default)]
    agencies: Vec<String>,
    #[serde(default)]
    services: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCoordinator {
    url: String,
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    public_base_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScreen {
    orientation: String,
    width_px: u32,
    height_px: u32,
    diagonal_in: f32,
    #[serde(default = "default_true")]
    fullscreen: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrinter {
    profile: PathBuf,
    interface: String,
    #[serde(default)]
    address: Option<String>,
    #[serde(default)]
    path: Option<PathBuf>,
    #[serde(default)]
    baud_bps: Option<u32>,
}

fn default_language() -> String {
    "id".into()
}
fn default_idle_timeout_s() -> u32 {
    90
}
fn default_result_timeout_s() -> u32 {
    45
}
fn default_true() -> bool {
    true
}

/// Environment variable that overrides (or supplies) the device token, so the secret need
/// not sit in a file that is copied between kiosks.
pub const TOKEN_ENV: &str = "ANTREAN_KIOSK_TOKEN";

impl KioskConfig {
    /// Reads and validates `path`; the token may come from [`TOKEN_ENV`] instead.
    pub fn load(path: &Path) -> Result<KioskConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let env_token = std::env::var(TOKEN_ENV).ok().filter(|t| !t.is_empty());
        KioskConfig::parse(&text, path, env_token)
    }

    /// Parses and validates `text`; relative paths resolve against `path`'s folder.
    pub fn parse(
        text: &str,
        path: &Path,
        env_token: Option<String>,
    ) -> Result<KioskConfig, ConfigError> {
        let file = path.display().to_string();
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: file.clone(),
            message: e.to_string(),
        })?;
        let invalid = |field: &'static str, reason: &str| ConfigError::Invalid {
            path: file.clone(),
            field,
            reason: reason.to_owned(),
        };
        if raw.kiosk.name.trim().is_empty() {
            return Err(invalid("kiosk.name", "must not be empty"));
        }
        let default_language = Language::parse(&raw.kiosk.default_language)
            .ok_or_else(|| invalid("kiosk.default_language", "must be \"id\" or \"en\""))?;
        // Long enough to read a standard without being hurried (no time-critical interaction),
        // short enough that the next visitor does not find someone else's choices.
        if !(30..=600).contains(&raw.kiosk.idle_timeout_s) {
            return Err(invalid(
                "kiosk.idle_timeout_s",
                "must be between 30 and 600 seconds",
            ));
        }
        if !(10..=300).contains(&raw.kiosk.result_timeout_s) {
            return Err(invalid(
                "kiosk.result_timeout_s",
                "must be between 10 and 300 seconds",
            ));
        }
        let url = raw.coordinator.url.trim().to_owned();
        let Some(host_and_path) = url
            .strip_prefix("ws://")
            .or_else(|| url.strip_prefix("wss://"))
        else {
            return Err(invalid(
                "coordinator.url",
                "must start with ws:// or wss://",
            ));
        };
        let token = env_token
            .or(raw.coordinator.token)
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| {
                invalid(
                    "coordinator.token",
                    &format!("missing (set it here or in {TOKEN_ENV})"),
                )
            })?;
        let public_base_url = match raw.coordinator.public_base_url {
            Some(base) if base.starts_with("http://") || base.starts_with("https://") => base,
            Some(_) => {
                return Err(invalid(
                    "coordinator.public_base_url",
                    "must start with http:// or https://",
                ));
            }
            None => {
                let host = host_and_path.split('/').next().unwrap_or_default();
                let scheme = if url.starts_with("wss://") {
                    "https"
                } else {
                    "http"
                };
                format!("{scheme}://{host}")
            }
        };
        let screen = &raw.screen;
        check_screen(screen, &invalid)?;
        let base_dir = path.parent().unwrap_or(Path::new("."));
        let printer = printer(raw.printer, base_dir, &invalid)?;
        Ok(KioskConfig {
            name: raw.kiosk.name,
            coordinator_url: url,
            token,
            public_base_url,
            screen: ScreenGeometry {
                width_px: screen.width_px,
                height_px: screen.height_px,
                diagonal_in: screen.diagonal_in,
            },
            fullscreen: screen.fullscreen,
            idle_timeout_s: raw.kiosk.idle_timeout_s,
            result_timeout_s: raw.kiosk.result_timeout_s,
            default_language,
            offer: Offer {
                agencies: raw.kiosk.agencies,
                services: raw.kiosk.services,
            },
            printer,
        })
    }
}

/// A check's refusal: the config field and why.
type Invalid<'a> = dyn Fn(&'static str, &str) -> ConfigError + 'a;

/// The screen's size, diagonal and orientation are plausible and agree.
fn check_screen(screen: &RawScreen, invalid: &Invalid<'_>) -> Result<(), ConfigError> {
    if !(480..=7680).contains(&screen.width_px) {
        return Err(invalid("screen.width_px", "must be between 480 and 7680"));
    }
    if !(480..=7680).contains(&screen.height_px) {
        return Err(invalid("screen.height_px", "must be between 480 and 7680"));
    }
    if !(7.0..=100.0).contains(&screen.diagonal_in) {
        return Err(invalid(
            "screen.diagonal_in",
            "must be between 7 and 100 inches",
        ));
    }
    let portrait = screen.height_px > screen.width_px;
    match (screen.orientation.as_str(), portrait) {
        ("portrait", true) | ("landscape", false) => {}
        ("portrait", false) => {
            return Err(invalid(
                "screen.orientation",
                "portrait needs height_px > width_px",
            ));
        }
        ("landscape", true) => {
            return Err(invalid(
                "screen.orientation",
                "landscape needs width_px ≥ height_px",
            ));
        }
        _ => {
            return Err(invalid(
                "screen.orientation",
                "must be \"portrait\" or \"landscape\"",
            ));
        }
    }
    Ok(())
}

/// The printer link, if the kiosk has a printer (`interface = "none"` or no section: it
/// gives digital tickets only).
fn printer(
    raw: Option<RawPrinter>,
    base_dir: &Path,
    invalid: &Invalid<'_>,
) -> Result<Option<PrinterConfig>, ConfigError> {
    Ok(match raw {
        None => None,
        Some(p) if p.interface == "none" => {
            let _ = p;
            None
        }
        Some(p) => {
            let target = match p.interface.as_str() {
                "tcp" => PortTarget::Tcp {
                    address: p
                        .address
                        .filter(|a| a.contains(':'))
                        .ok_or_else(|| invalid("printer.address", "tcp needs host:port"))?,
                },
                "serial" => PortTarget::Serial {
                    path: p
                        .path
                        .ok_or_else(|| invalid("printer.path", "serial needs a device path"))?,
                    baud_bps: p.baud_bps.unwrap_or(19_200),
                },
                "usb_lp" => PortTarget::UsbLp {
                    path: p
                        .path
                        .ok_or_else(|| invalid("printer.path", "usb_lp needs a device path"))?,
                },
                "file" => PortTarget::File {
                    path: p
                        .path
                        .ok_or_else(|| invalid("printer.path", "file needs a path"))?,
                },
                _ => {
                    return Err(invalid(
                        "printer.interface",
                        "must be tcp, serial, usb_lp, file or none",
                    ));
                }
            };
            Some(PrinterConfig {
                profile_path: base_dir.join(p.profile),
                target,
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[kiosk]
name = "kiosk-lobby"
agencies = ["dukcapil"]

[coordinator]
url = "ws://192.168.1.10:8600/ws"
token = "kiosk-lobby.secret"

[screen]
orientation = "portrait"
width_px = 1080
height_px = 1920
diagonal_in = 32

[printer]
profile = "../printers/generic-80mm.toml"
interface = "tcp"
address = "192.168.1.50:9100"
"#;

    fn parse(text: &str) -> Result<KioskConfig, ConfigError> {
        KioskConfig::parse(text, Path::new("/etc/antrean/kiosk/lobby.toml"), None)
    }

    #[test]
    fn a_good_file_resolves_defaults_and_paths() {
        let config = parse(GOOD).expect("valid");
        assert_eq!(config.public_base_url, "http://192.168.1.10:8600");
        assert_eq!(config.idle_timeout_s, 90);
        assert_eq!(config.default_language, Language::Indonesian);
        let printer = config.printer.expect("printer configured");
        assert_eq!(
            printer.profile_path,
            Path::new("/etc/antrean/kiosk/../printers/generic-80mm.toml")
        );
        assert_eq!(
            printer.target,
            PortTarget::Tcp {
                address: "192.168.1.50:9100".into()
            }
        );
    }

    fn error_of(text: &str) -> String {
        parse(text).expect_err("must be rejected").to_string()
    }

    #[test]
    fn bad_values_name_their_field() {
        let cases = [
            (
                GOOD.replace("orientation = \"portrait\"", "orientation = \"landscape\""),
                "screen.orientation",
            ),
            (
                GOOD.replace("width_px = 1080", "width_px = 100"),
                "screen.width_px",
            ),
            (GOOD.replace("ws://", "http://"), "coordinator.url"),
            (
                GOOD.replace("token = \"kiosk-lobby.secret\"", ""),
                "coordinator.token",
            ),
            (
                GOOD.replace("interface = \"tcp\"", "interface = \"bluetooth\""),
                "printer.interface",
            ),
            (
                GOOD.replace("address = \"192.168.1.50:9100\"", "address = \"printer\""),
                "printer.address",
            ),
            (
                GOOD.replace(
                    "name = \"kiosk-lobby\"",
                    "name = \"kiosk-lobby\"\nidle_timeout_s = 5",
                ),
                "kiosk.idle_timeout_s",
            ),
            (
                GOOD.replace(
                    "name = \"kiosk-lobby\"",
                    "name = \"kiosk-lobby\"\ndefault_language = \"jv\"",
                ),
                "kiosk.default_language",
            ),
        ];
        for (text, field) in cases {
            let message = error_of(&text);
            assert!(message.contains(field), "{field}: {message}");
            assert!(
                message.starts_with("/etc/antrean/kiosk/lobby.toml"),
                "{message}"
            );
        }
    }

    #[test]
    fn unknown_and_mistyped_fields_are_named() {
        let message =
            error_of(&GOOD.replace("diagonal_in = 32", "diagonal_in = 32\ndiagonal = 32"));
        assert!(message.contains("diagonal"), "{message}");
        let message = error_of(&GOOD.replace("width_px = 1080", "width_px = \"1080\""));
        assert!(message.contains("width_px"), "{message}");
    }

    #[test]
    fn env_token_wins_over_the_file() {
        let config =
            KioskConfig::parse(GOOD, Path::new("k.toml"), Some("from-env".into())).expect("valid");
        assert_eq!(config.token, "from-env");
    }

    #[test]
    fn shipped_examples_are_valid() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../firmware-config/kiosk");
        for name in ["lobby-portrait.toml", "lobby-landscape.toml"] {
            let path = dir.join(name);
            let text = std::fs::read_to_string(&path).expect("example exists");
            let config = KioskConfig::parse(&text, &path, Some("token".into())).expect(name);
            let printer = config.printer.expect("examples configure a printer");
            antrean_printer::Profile::load(&printer.profile_path).expect("profile path resolves");
        }
    }
}
