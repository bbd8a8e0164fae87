//! Printer profiles: what one printer model (or class) needs from the encoder and the driver.
//!
//! Profiles are TOML files in `firmware-config/printers/` so a site can add a printer without a
//! rebuild. Unknown keys are rejected (a typo must not silently fall back to a default) and every
//! error names the offending field.

use std::path::Path;

use serde::Deserialize;
use thiserror::Error;

use crate::codepage::CodePage;

/// A validated printer profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Human name, shown in the CLI and health reports.
    pub name: String,
    /// Roll width: 58 or 80 mm.
    pub paper_width_mm: u16,
    /// Printable width of the head in dots (203 dpi heads: 384 on 58 mm, 576 or 512 on 80 mm).
    pub print_width_dots: u16,
    /// Characters per line in font A at normal size.
    pub columns: u16,
    /// Character table used to encode text.
    pub code_page: CodePage,
    /// `n` of `ESC t n` selecting `code_page` on this printer (vendor specific).
    pub code_page_select: u8,
    /// Cut at the end of the ticket.
    pub cut: CutKind,
    /// Lines fed before cutting so the last line clears the cutter (or tear bar).
    pub feed_lines_before_cut: u8,
    /// QR module size in dots (`GS ( k` function 167, 1..=16).
    pub qr_module_size_dots: u8,
    /// Largest character magnification for the ticket number (`GS !`, 1..=8).
    pub ticket_number_scale_max: u8,
    /// Whether the printer answers `DLE EOT`.
    pub status: StatusSupport,
    /// How the printer is usually attached.
    pub interface: InterfaceConfig,
    /// Number (1..=255) of a logo stored in the printer's NV memory, printed at the top.
    pub logo_nv_image: Option<u8>,
}

/// Cutter at the end of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CutKind {
    /// Full cut (`GS V 0`).
    Full,
    /// Partial cut leaving a hinge (`GS V 1`): the ticket does not fall on the floor.
    Partial,
    /// No cutter: feed only, the visitor tears the ticket off.
    None,
}

/// Real-time status support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusSupport {
    /// Answers `DLE EOT n` for n = 1..=4.
    DleEot,
    /// Write-only printer: status is never queried.
    None,
}

/// Interface kind and its settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InterfaceConfig {
    /// Kind of link.
    pub kind: InterfaceKind,
    /// Serial line speed; set exactly when `kind` is serial.
    pub baud_bps: Option<u32>,
    /// TCP port for network printers (raw printing, default 9100).
    pub tcp_port: u16,
}

/// How the printer is attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InterfaceKind {
    /// RS-232 or USB-serial adapter (`/dev/ttyUSB0`, `/dev/ttyS0`).
    Serial,
    /// Raw TCP (JetDirect-style), port 9100.
    Tcp,
    /// USB printer class device file (`/dev/usb/lp0`).
    Usb,
    /// Write the bytes to a file (spooling, debugging).
    File,
    /// Write the bytes to standard output (piping into another tool).
    Stdout,
}

/// Raw TCP printing port used by nearly every network receipt printer.
pub const TCP_PORT_DEFAULT: u16 = 9100;

/// Serial speeds thermal printers offer; anything else is a typo.
const BAUD_BPS_ALLOWED: [u32; 7] = [2400, 4800, 9600, 19200, 38400, 57600, 115200];

/// A profile that cannot be used.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// The file could not be read.
    #[error("cannot read printer profile {path}: {source}")]
    Read {
        /// Path as given.
        path: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// A field is missing, unknown, mistyped or out of range.
    #[error("printer profile {origin}: field `{field}`: {message}")]
    Field {
        /// File path, or the file name of a built-in profile.
        origin: String,
        /// Dotted field name, e.g. `interface.baud_bps`.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The TOML itself is malformed (no field to blame).
    #[error("printer profile {origin}: {message}")]
    Syntax {
        /// File path, or the file name of a built-in profile.
        origin: String,
        /// Parser message with line and column.
        message: String,
    },
}

impl Profile {
    /// Loads and validates a profile file.
    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Profile::from_toml_str(&text, &path.display().to_string())
    }

    /// Parses and validates profile TOML; `origin` names the source in errors.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Profile, ProfileError> {
        let file: ProfileFile =
            toml::from_str(text).map_err(|err| toml_error(text, origin, &err))?;
        file.validate(origin)
    }

    /// The shipped generic 58 mm profile (`firmware-config/printers/generic-58mm.toml`).
    pub fn generic_58mm() -> Profile {
        Profile::from_toml_str(GENERIC_58MM_TOML, "generic-58mm.toml")
            .expect("shipped profile is valid (tested)")
    }

    /// The shipped generic 80 mm profile (`firmware-config/printers/generic-80mm.toml`).
    pub fn generic_80mm() -> Profile {
        Profile::from_toml_str(GENERIC_80MM_TOML, "generic-80mm.toml")
            .expect("shipped profile is valid (tested)")
    }
}

/// Shipped profiles, embedded so previews and tests work without the repository checkout.
pub const GENERIC_58MM_TOML: &str =
    include_str!("../../../firmware-config/printers/generic-58mm.toml");
/// See [`GENERIC_58MM_TOML`].
pub const GENERIC_80MM_TOML: &str =
    include_str!("../../../firmware-config/printers/generic-80mm.toml");

/// The on-disk shape; `validate` turns it into a [`Profile`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    name: String,
    paper_width_mm: u16,
    print_width_dots: Option<u16>,
    columns: u16,
    code_page: CodePage,
    code_page_select: u8,
    cut: CutKind,
    #[serde(default = "default_feed_lines")]
    feed_lines_before_cut: u8,
    qr_module_size_dots: u8,
    #[serde(default = "default_number_scale")]
    ticket_number_scale_max: u8,
    status: StatusSupport,
    interface: InterfaceFile,
    logo_nv_image: Option<u8>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InterfaceFile {
    kind: InterfaceKind,
    baud_bps: Option<u32>,
    tcp_port: Option<u16>,
}

fn default_feed_lines() -> u8 {
    4
}

fn default_number_scale() -> u8 {
    4
}

impl ProfileFile {
    fn validate(self, origin: &str) -> Result<Profile, ProfileError> {
        let field_error = |field: &str, message: String| ProfileError::Field {
            origin: origin.to_string(),
            field: field.to_string(),
            message,
        };
        if self.name.trim().is_empty() {
            return Err(field_error("name", "must not be empty".into()));
        }
        let default_dots = match self.paper_width_mm {
            58 => 384,
            80 => 576,
            other => {
                return Err(field_error(
                    "paper_width_mm",
                    format!("{other} is not a supported roll width (58 or 80)"),
                ));
            }
        };
        let print_width_dots = self.print_width_dots.unwrap_or(default_dots);
        if !(256..=default_dots).contains(&print_width_dots) {
            return Err(field_error(
                "print_width_dots",
                format!("{print_width_dots} must be 256..={default_dots} for this paper width"),
            ));
        }
        // Font A is 12 dots wide with spacing on common heads (10..13 in 42-column modes), so
        // more columns than width/9 cannot be printed in font A.
        let columns_max = print_width_dots / 9;
        if !(16..=columns_max).contains(&self.columns) {
            return Err(field_error(
                "columns",
                format!(
                    "{} must be 16..={columns_max} for {print_width_dots} dots",
                    self.columns
                ),
            ));
        }
        if !(1..=16).contains(&self.qr_module_size_dots) {
            return Err(field_error(
                "qr_module_size_dots",
                format!(
                    "{} must be 1..=16 (GS ( k function 167)",
                    self.qr_module_size_dots
                ),
            ));
        }
        if !(1..=8).contains(&self.ticket_number_scale_max) {
            return Err(field_error(
                "ticket_number_scale_max",
                format!(
                    "{} must be 1..=8 (GS ! magnification)",
                    self.ticket_number_scale_max
                ),
            ));
        }
        if self.feed_lines_before_cut > 10 {
            return Err(field_error(
                "feed_lines_before_cut",
                format!("{} must be 0..=10", self.feed_lines_before_cut),
            ));
        }
        if self.logo_nv_image == Some(0) {
            return Err(field_error(
                "logo_nv_image",
                "NV images are numbered 1..=255 (FS p n); omit the field for no logo".into(),
            ));
        }
        let interface = self.interface.validate(&field_error)?;
        Ok(Profile {
            name: self.name,
            paper_width_mm: self.paper_width_mm,
            print_width_dots,
            columns: self.columns,
            code_page: self.code_page,
            code_page_select: self.code_page_select,
            cut: self.cut,
            feed_lines_before_cut: self.feed_lines_before_cut,
            qr_module_size_dots: self.qr_module_size_dots,
            ticket_number_scale_max: self.ticket_number_scale_max,
            status: self.status,
            interface,
            logo_nv_image: self.logo_nv_image,
        })
    }
}

impl InterfaceFile {
    fn validate(
        self,
        field_error: &dyn Fn(&str, String) -> ProfileError,
    ) -> Result<InterfaceConfig, ProfileError> {
        match (self.kind, self.baud_bps) {
            (InterfaceKind::Serial, None) => {
                return Err(field_error(
                    "interface.baud_bps",
                    "required for kind = \"serial\"".into(),
                ));
            }
            (InterfaceKind::Serial, Some(baud)) if !BAUD_BPS_ALLOWED.contains(&baud) => {
                return Err(field_error(
                    "interface.baud_bps",
                    format!("{baud} is not one of {BAUD_BPS_ALLOWED:?}"),
                ));
            }
            (InterfaceKind::Serial, Some(_)) | (_, None) => {}
            (_, Some(_)) => {
                return Err(field_error(
                    "interface.baud_bps",
                    "only meaningful for kind = \"serial\"".into(),
                ));
            }
        }
        if self.tcp_port == Some(0) {
            return Err(field_error("interface.tcp_port", "must not be 0".into()));
        }
        Ok(InterfaceConfig {
            kind: self.kind,
            baud_bps: self.baud_bps,
            tcp_port: self.tcp_port.unwrap_or(TCP_PORT_DEFAULT),
        })
    }
}

/// Turns a toml/serde error into one naming the field: from the message ("unknown field `x`",
/// "missing field `x`") or from the key on the line the error points at, qualified by the
/// enclosing `[table]`.
fn toml_error(text: &str, origin: &str, err: &toml::de::Error) -> ProfileError {
    let message = err.message().trim().to_string();
    let span_start = err.span().map(|span| span.start);
    let table = span_start.and_then(|start| enclosing_table(text, start));
    let key = quoted_field(&message).or_else(|| span_start.and_then(|s| key_on_line(text, s)));
    match key {
        Some(key) => {
            let field = match table {
                Some(table) if !key.contains('.') && key != table => format!("{table}.{key}"),
                _ => key,
            };
            ProfileError::Field {
                origin: origin.to_string(),
                field,
                message,
            }
        }
        None => ProfileError::Syntax {
            origin: origin.to_string(),
            message: err.to_string(),
        },
    }
}

fn quoted_field(message: &str) -> Option<String> {
    let rest = &message[message.find("field `")? + "field `".len()..];
    Some(rest[..rest.find('`')?].to_string())
}

fn line_at(text: &str, offset: usize) -> &str {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    &text[start..end]
}

fn key_on_line(text: &str, offset: usize) -> Option<String> {
    let line = line_at(text, offset);
    let key = line.split_once('=')?.0.trim();
    (!key.is_empty() && !key.starts_with('#')).then(|| key.to_string())
}

fn enclosing_table(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    text[..offset].lines().rev().find_map(|line| {
        let line = line.trim();
        line.strip_prefix('[')?
            .strip_suffix(']')
            .map(|t| t.trim().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profiles_load() {
        let small = Profile::generic_58mm();
        assert_eq!((small.paper_width_mm, small.columns), (58, 32));
        let wide = Profile::generic_80mm();
        assert_eq!((wide.paper_width_mm, wide.columns), (80, 48));
    }
}
