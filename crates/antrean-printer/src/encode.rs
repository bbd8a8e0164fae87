//! Layout → ESC/POS bytes.
//!
//! Style commands are emitted only when the style changes, which keeps a full ticket with its QR
//! around 0.7 KB. The stream never contains `DLE EOT` (0x10 0x04): printers execute real-time
//! commands wherever they appear, so text must never look like one (text bytes are ≥ 0x20 and
//! the only parameter bytes are sizes, lengths and flags below 0x10 or far above it).

use crate::escpos::{self, Align};
use crate::layout::{Block, TextStyle, TicketLayout};
use crate::profile::CutKind;

/// Encodes a finished layout.
pub fn encode_layout(layout: &TicketLayout) -> Vec<u8> {
    let mut out = Vec::with_capacity(1024);
    out.extend_from_slice(&escpos::INITIALIZE);
    out.extend_from_slice(&escpos::select_code_table(layout.code_page_select));
    // State after ESC @, tracked so each command is sent only when something changes.
    let mut state = TextStyle::NORMAL;
    for block in &layout.blocks {
        match block {
            Block::Text(line) => {
                set_style(&mut out, &mut state, line.style);
                layout.code_page.encode_into(&line.text, &mut out);
                out.push(escpos::LF);
            }
            Block::NvLogo(image) => {
                set_align(&mut out, &mut state, Align::Center);
                out.extend_from_slice(&escpos::print_nv_image(*image));
            }
            Block::Qr(qr) => {
                set_align(&mut out, &mut state, qr.align);
                escpos::qr_code(qr.data.as_bytes(), qr.module_size_dots, &mut out);
            }
            Block::Feed(0) => {}
            Block::Feed(1) => out.push(escpos::LF),
            Block::Feed(lines) => out.extend_from_slice(&escpos::feed_lines(*lines)),
            Block::Cut(CutKind::None) => {}
            Block::Cut(kind) => out.extend_from_slice(&escpos::cut(*kind == CutKind::Partial)),
        }
    }
    out
}

fn set_align(out: &mut Vec<u8>, state: &mut TextStyle, align: Align) {
    if state.align != align {
        out.extend_from_slice(&escpos::justify(align));
        state.align = align;
    }
}

fn set_style(out: &mut Vec<u8>, state: &mut TextStyle, wanted: TextStyle) {
    set_align(out, state, wanted.align);
    if state.bold != wanted.bold {
        out.extend_from_slice(&escpos::bold(wanted.bold));
        state.bold = wanted.bold;
    }
    if (state.width, state.height) != (wanted.width, wanted.height) {
        out.extend_from_slice(&escpos::char_size(wanted.width, wanted.height));
        state.width = wanted.width;
        state.height = wanted.height;
    }
}
