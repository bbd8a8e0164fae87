//! Ticket → lines: pure layout in printer columns.
//!
//! All text is transliterated for the profile's code page *before* it is measured, so what is
//! wrapped is exactly what is printed. Every field has a line budget: a site with a very long
//! service name gets "..." rather than a ticket that runs past 1 KB (≈ 1.1 s at 9600 baud).

use crate::codepage::CodePage;
use crate::escpos::Align;
use crate::profile::{CutKind, Profile};
use crate::templates::{RANGE_DASH, labels};
use crate::ticket::TicketPrint;
use crate::wrap::wrap;

/// A ticket laid out for one profile, ready to encode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketLayout {
    /// Code page the text is transliterated for.
    pub code_page: CodePage,
    /// `ESC t` value selecting it.
    pub code_page_select: u8,
    /// Columns at normal size.
    pub columns: u16,
    /// Content top to bottom.
    pub blocks: Vec<Block>,
}

/// One vertical piece of the ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// One printed line.
    Text(TextLine),
    /// Logo from the printer's NV memory (`FS p`), centred.
    NvLogo(u8),
    /// Native QR code.
    Qr(QrBlock),
    /// Blank lines.
    Feed(u8),
    /// End-of-ticket cut (after the feed).
    Cut(CutKind),
}

/// A line of text with its style; `text` is already transliterated and fits the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextLine {
    /// Text, encodable in the layout's code page.
    pub text: String,
    /// Style of the whole line.
    pub style: TextStyle,
}

/// Character style of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TextStyle {
    /// Justification.
    pub align: Align,
    /// Emphasized.
    pub bold: bool,
    /// Width magnification 1..=8.
    pub width: u8,
    /// Height magnification 1..=8.
    pub height: u8,
}

impl TextStyle {
    /// Left aligned, regular, normal size: the printer's state after `ESC @`.
    pub const NORMAL: TextStyle = TextStyle {
        align: Align::Left,
        bold: false,
        width: 1,
        height: 1,
    };

    fn centered() -> TextStyle {
        TextStyle {
            align: Align::Center,
            ..TextStyle::NORMAL
        }
    }
}

/// A QR code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrBlock {
    /// Encoded data (the digital-ticket URL).
    pub data: String,
    /// Module size in dots, clamped so the symbol fits the head.
    pub module_size_dots: u8,
    /// Justification.
    pub align: Align,
}

/// Line budgets per field; each keeps a pathological input from stretching the ticket.
const SITE_LINES_MAX: usize = 2;
const AGENCY_LINES_MAX: usize = 2;
const SERVICE_LINES_MAX: usize = 2;
const PRIORITY_LINES_MAX: usize = 2;
const ROW_LINES_MAX: usize = 2;
const RATING_LINES_MAX: usize = 3;
/// Items printed from the "Siapkan:" list at most; the full list is behind the QR code.
pub const REQUIREMENT_ITEMS_MAX: usize = 4;
/// Bytes a ticket may take on the wire: 1 KB is ≈ 1.1 s at 9600 baud, the slowest link we
/// support, and the visitor waits at the kiosk for it. Four long checklist items on 48
/// columns can push a ticket past it, so [`crate::layout_ticket`] prints fewer items (the rest
/// are counted in "+n lainnya (lihat QR)") until the ticket fits.
pub const TICKET_BYTES_BUDGET: usize = 1024;
const REQUIREMENT_LINES_MAX: usize = 2;
/// Hanging indent for continuation lines of rows and checklist items.
const CONTINUATION_INDENT: usize = 2;
/// Quiet zone the QR standard asks for on each side, in modules.
const QR_QUIET_ZONE_MODULES: u16 = 4;

/// The layout with the first `requirement_items` checklist items.
pub(crate) fn layout_with_items(
    ticket: &TicketPrint,
    profile: &Profile,
    requirement_items: usize,
) -> TicketLayout {
    let mut builder = Builder {
        page: profile.code_page,
        columns: usize::from(profile.columns),
        blocks: Vec::with_capacity(40),
    };
    let words = labels(ticket.language);
    let rule = "-".repeat(builder.columns);
    let centered = TextStyle::centered();
    let bold_centered = TextStyle {
        bold: true,
        ..centered
    };

    if let Some(image) = profile.logo_nv_image {
        builder.blocks.push(Block::NvLogo(image));
    }
    builder.wrapped(&ticket.site_name, bold_centered, 0, SITE_LINES_MAX);
    builder.wrapped(&ticket.agency_name, centered, 0, AGENCY_LINES_MAX);
    builder.line(&rule, TextStyle::NORMAL);
    builder.wrapped(
        &ticket.service_name,
        TextStyle {
            height: 2,
            ..bold_centered
        },
        0,
        SERVICE_LINES_MAX,
    );
    builder.line(words.ticket_number_heading, centered);
    builder.ticket_number(&ticket.ticket_number, profile.ticket_number_scale_max);
    if let Some(priority) = &ticket.priority_label {
        let text = profile.code_page.transliterate(priority);
        let width = if text.chars().count() * 2 <= builder.columns {
            2
        } else {
            1
        };
        builder.wrapped(
            &text,
            TextStyle {
                bold: true,
                width,
                height: 2,
                ..centered
            },
            0,
            PRIORITY_LINES_MAX,
        );
    }
    builder.line(&ticket.issued_at.format(ticket.language), centered);
    builder.line(&rule, TextStyle::NORMAL);

    builder.visit_lines(ticket, requirement_items);
    builder.line(
        &format!("{} {}", words.fee, ticket.fee.format(ticket.language)),
        TextStyle {
            bold: true,
            ..TextStyle::NORMAL
        },
    );
    builder.line(&rule, TextStyle::NORMAL);
    builder.blocks.push(Block::Qr(QrBlock {
        data: ticket.qr_url.clone(),
        module_size_dots: qr_module_size(profile, ticket.qr_url.len()),
        align: Align::Center,
    }));
    builder.wrapped(&ticket.rating_invitation, centered, 0, RATING_LINES_MAX);
    builder
        .blocks
        .push(Block::Feed(profile.feed_lines_before_cut));
    if profile.cut != CutKind::None {
        builder.blocks.push(Block::Cut(profile.cut));
    }
    TicketLayout {
        code_page: profile.code_page,
        code_page_select: profile.code_page_select,
        columns: profile.columns,
        blocks: builder.blocks,
    }
}

/// QR model 2 side length in modules for `data_len` bytes at error correction M (byte mode):
/// versions 1..=6 hold 14, 26, 42, 62, 84, 106 bytes (ISO/IEC 18004 table 7).
pub fn qr_modules_for(data_len: usize) -> u16 {
    const CAPACITY_M: [usize; 6] = [14, 26, 42, 62, 84, 106];
    let version = CAPACITY_M
        .iter()
        .position(|&cap| data_len <= cap)
        .map_or(7, |i| i + 1);
    17 + 4 * version as u16
}

/// The profile's module size, reduced until the symbol and its quiet zone fit the head.
fn qr_module_size(profile: &Profile, data_len: usize) -> u8 {
    let modules = qr_modules_for(data_len) + 2 * QR_QUIET_ZONE_MODULES;
    let fitting = (profile.print_width_dots / modules).clamp(1, 16) as u8;
    profile.qr_module_size_dots.min(fitting)
}

struct Builder {
    page: CodePage,
    columns: usize,
    blocks: Vec<Block>,
}

impl Builder {
    /// What the visitor needs to know: people ahead, the wait band, where to go, what to
    /// bring (the first `requirement_items`, the rest counted).
    fn visit_lines(&mut self, ticket: &TicketPrint, requirement_items: usize) {
        let words = labels(ticket.language);
        let builder = self;
        let ahead = if ticket.people_ahead == 0 {
            words.nobody_ahead.to_string()
        } else {
            format!(
                "{} {} {}",
                words.people_ahead, ticket.people_ahead, words.people_unit
            )
        };
        builder.row(&ahead);
        if let Some(band) = ticket.wait_band {
            let range = if band.lo_min == band.hi_min {
                band.lo_min.to_string()
            } else {
                format!("{}{RANGE_DASH}{}", band.lo_min, band.hi_min)
            };
            builder.row(&format!(
                "{} {range} {}",
                words.wait_estimate, words.minutes_unit
            ));
        }
        if !ticket.counter_location.trim().is_empty() {
            builder.row(&format!("{} {}", words.location, ticket.counter_location));
        }
        if !ticket.requirements.is_empty() {
            builder.line(
                words.prepare,
                TextStyle {
                    bold: true,
                    ..TextStyle::NORMAL
                },
            );
            for item in ticket.requirements.iter().take(requirement_items) {
                let text = format!("{}{}", words.bullet, item.trim());
                builder.wrapped(
                    &text,
                    TextStyle::NORMAL,
                    CONTINUATION_INDENT,
                    REQUIREMENT_LINES_MAX,
                );
            }
            let cut_items = ticket.requirements.len().saturating_sub(requirement_items);
            if cut_items > 0 {
                let more = words
                    .more_requirements
                    .replace("{n}", &cut_items.to_string());
                builder.row(&more);
            }
        }
    }

    fn line(&mut self, text: &str, style: TextStyle) {
        let lines = self.page.transliterate(text);
        self.wrapped_transliterated(&lines, style, 0, 1);
    }

    /// A left-aligned "label value" row with a hanging indent.
    fn row(&mut self, text: &str) {
        self.wrapped(text, TextStyle::NORMAL, CONTINUATION_INDENT, ROW_LINES_MAX);
    }

    fn wrapped(&mut self, text: &str, style: TextStyle, indent: usize, max_lines: usize) {
        let text = self.page.transliterate(text);
        self.wrapped_transliterated(&text, style, indent, max_lines);
    }

    fn wrapped_transliterated(
        &mut self,
        text: &str,
        style: TextStyle,
        indent: usize,
        max_lines: usize,
    ) {
        let width = self.columns / usize::from(style.width.max(1));
        for text in wrap(text.trim(), width, indent, max_lines) {
            self.blocks.push(Block::Text(TextLine { text, style }));
        }
    }

    /// The ticket number at the largest magnification that fits one line.
    fn ticket_number(&mut self, number: &str, scale_max: u8) {
        let text = self.page.transliterate(number.trim());
        let len = text.chars().count().max(1);
        let scale = (self.columns / len).clamp(1, usize::from(scale_max.clamp(1, 8))) as u8;
        self.blocks.push(Block::Text(TextLine {
            text,
            style: TextStyle {
                align: Align::Center,
                bold: true,
                width: scale,
                height: scale,
            },
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn qr_fits_the_head() {
        assert_eq!(qr_modules_for(14), 21);
        assert_eq!(qr_modules_for(106), 41);
        let profile = Profile::generic_58mm();
        let size = qr_module_size(
            &Profile {
                qr_module_size_dots: 16,
                ..profile.clone()
            },
            106,
        );
        assert!(u16::from(size) * (41 + 8) <= profile.print_width_dots);
    }
}
