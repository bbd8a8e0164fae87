//! The virtual printer: decodes the ESC/POS stream our encoder emits back into a document,
//! and renders it as text or as a PNG that looks like the printed ticket.
//!
//! It deliberately understands only the commands `encode` produces and rejects anything else:
//! a preview that silently skipped an unknown command would hide an encoder bug.

mod render;
mod text;

pub use render::{RenderError, render_png, render_png_file};
pub use text::to_text;

use thiserror::Error;

use crate::codepage::CodePage;
use crate::escpos::{self, Align, DLE, EOT, ESC, FS, GS, LF};
use crate::layout::TextStyle;
use crate::profile::Profile;

/// What the printer would put on paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Columns at normal size (from the profile).
    pub columns: u16,
    /// Printable width in dots (from the profile).
    pub print_width_dots: u16,
    /// Content top to bottom.
    pub elements: Vec<Element>,
    /// `DLE EOT n` requests found in the stream (n values).
    pub status_requests: Vec<u8>,
}

/// One printed element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Element {
    /// A line of text.
    Line {
        /// Decoded text.
        text: String,
        /// Style when the line was printed.
        style: TextStyle,
    },
    /// A QR code printed with `GS ( k`.
    Qr {
        /// Stored symbol data.
        data: Vec<u8>,
        /// Module size in dots.
        module_size_dots: u8,
        /// Error correction byte (0x30 L .. 0x33 H).
        error_correction: u8,
        /// Justification.
        align: Align,
    },
    /// A logo from the printer's NV memory (its pixels live in the printer, not the stream).
    NvLogo {
        /// NV image number.
        image: u8,
        /// Justification.
        align: Align,
    },
    /// Blank lines fed.
    Feed(u8),
    /// Paper cut.
    Cut {
        /// Partial (hinged) cut.
        partial: bool,
    },
}

/// A stream the virtual printer cannot decode.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The stream ends inside a command.
    #[error("stream ends inside a command at byte {offset}")]
    Truncated {
        /// Offset of the command.
        offset: usize,
    },
    /// A command our encoder never emits.
    #[error("unsupported command {bytes:02X?} at byte {offset}")]
    Unsupported {
        /// Offset of the command.
        offset: usize,
        /// Its first bytes.
        bytes: Vec<u8>,
    },
    /// `ESC t n` selected a table other than the profile's.
    #[error("code table {n} selected, profile uses {expected}")]
    CodeTable {
        /// Selected table.
        n: u8,
        /// The profile's table.
        expected: u8,
    },
}

/// Decodes `bytes` as printed by a printer configured like `profile`.
pub fn decode(bytes: &[u8], profile: &Profile) -> Result<Document, DecodeError> {
    let mut decoder = Decoder {
        doc: Document {
            columns: profile.columns,
            print_width_dots: profile.print_width_dots,
            elements: Vec::new(),
            status_requests: Vec::new(),
        },
        style: TextStyle::NORMAL,
        line: Vec::new(),
        line_style: None,
        page: CodePage::Pc437,
        qr: QrState::default(),
    };
    let mut i = 0;
    while i < bytes.len() {
        i = decoder.step(bytes, i, profile)?;
    }
    decoder.flush_line();
    Ok(decoder.doc)
}

#[derive(Default)]
struct QrState {
    data: Vec<u8>,
    module_size_dots: u8,
    error_correction: u8,
}

struct Decoder {
    doc: Document,
    style: TextStyle,
    line: Vec<u8>,
    /// Style at the first character of the pending line.
    line_style: Option<TextStyle>,
    page: CodePage,
    qr: QrState,
}

impl Decoder {
    /// Decodes the command or text byte at `i`; returns the offset after it.
    fn step(&mut self, bytes: &[u8], i: usize, profile: &Profile) -> Result<usize, DecodeError> {
        let arg = |k: usize| arg_at(bytes, i, k);
        let unsupported = || unsupported_at(bytes, i);
        match bytes[i] {
            LF => {
                let style = self.line_style.unwrap_or(self.style);
                let text = self.page.decode(&std::mem::take(&mut self.line));
                self.line_style = None;
                self.doc.elements.push(Element::Line { text, style });
                Ok(i + 1)
            }
            FS if arg(1)? == b'p' => {
                self.flush_line();
                if arg(3)? != 0 {
                    return Err(unsupported());
                }
                self.doc.elements.push(Element::NvLogo {
                    image: arg(2)?,
                    align: self.style.align,
                });
                Ok(i + 4)
            }
            DLE if arg(1)? == EOT => {
                self.doc.status_requests.push(arg(2)?);
                Ok(i + 3)
            }
            ESC => self.esc_command(bytes, i, profile),
            GS => match arg(1)? {
                b'!' => {
                    let n = arg(2)?;
                    self.style.width = (n >> 4) + 1;
                    self.style.height = (n & 0x0F) + 1;
                    Ok(i + 3)
                }
                b'V' => {
                    self.flush_line();
                    let m = arg(2)?;
                    self.doc.elements.push(Element::Cut {
                        partial: m == 1 || m == b'1',
                    });
                    Ok(i + 3)
                }
                b'(' if arg(2)? == b'k' => self.qr_command(bytes, i).ok_or_else(|| {
                    if i + 5 > bytes.len() {
                        DecodeError::Truncated { offset: i }
                    } else {
                        unsupported()
                    }
                }),
                _ => Err(unsupported()),
            },
            byte if byte >= 0x20 && byte != 0x7F => {
                if self.line_style.is_none() {
                    self.line_style = Some(self.style);
                }
                self.line.push(byte);
                Ok(i + 1)
            }
            _ => Err(unsupported()),
        }
    }

    /// `ESC @` (initialize), `ESC t` (code table), `ESC a` (justify), `ESC E` (bold) and
    /// `ESC d` (feed lines).
    fn esc_command(
        &mut self,
        bytes: &[u8],
        i: usize,
        profile: &Profile,
    ) -> Result<usize, DecodeError> {
        let arg = |k: usize| arg_at(bytes, i, k);
        let unsupported = || unsupported_at(bytes, i);
        match arg(1)? {
            b'@' => {
                self.flush_line();
                self.style = TextStyle::NORMAL;
                Ok(i + 2)
            }
            b't' => {
                let n = arg(2)?;
                if n != profile.code_page_select {
                    return Err(DecodeError::CodeTable {
                        n,
                        expected: profile.code_page_select,
                    });
                }
                self.page = profile.code_page;
                Ok(i + 3)
            }
            b'a' => {
                self.style.align = match arg(2)? {
                    0 | b'0' => Align::Left,
                    1 | b'1' => Align::Center,
                    2 | b'2' => Align::Right,
                    _ => return Err(unsupported()),
                };
                Ok(i + 3)
            }
            b'E' => {
                self.style.bold = arg(2)? & 1 == 1;
                Ok(i + 3)
            }
            b'd' => {
                self.flush_line();
                self.doc.elements.push(Element::Feed(arg(2)?));
                Ok(i + 3)
            }
            _ => Err(unsupported()),
        }
    }

    /// `GS ( k pL pH cn fn [params]` for cn = 49 (QR).
    fn qr_command(&mut self, bytes: &[u8], i: usize) -> Option<usize> {
        let len = usize::from(*bytes.get(i + 3)?) + 256 * usize::from(*bytes.get(i + 4)?);
        let body = bytes.get(i + 5..i + 5 + len)?;
        let (&cn, rest) = body.split_first()?;
        let (&function, params) = rest.split_first()?;
        if cn != escpos::QR_CN {
            return None;
        }
        match function {
            escpos::QR_FN_MODEL => {}
            escpos::QR_FN_MODULE_SIZE => self.qr.module_size_dots = *params.first()?,
            escpos::QR_FN_ERROR_CORRECTION => self.qr.error_correction = *params.first()?,
            escpos::QR_FN_STORE => self.qr.data = params.get(1..)?.to_vec(),
            escpos::QR_FN_PRINT => {
                self.flush_line();
                self.doc.elements.push(Element::Qr {
                    data: self.qr.data.clone(),
                    module_size_dots: self.qr.module_size_dots,
                    error_correction: self.qr.error_correction,
                    align: self.style.align,
                });
            }
            _ => return None,
        }
        Some(i + 5 + len)
    }

    /// Text without a final LF still prints when the next command forces it out.
    fn flush_line(&mut self) {
        if !self.line.is_empty() {
            let style = self.line_style.take().unwrap_or(self.style);
            let text = self.page.decode(&std::mem::take(&mut self.line));
            self.doc.elements.push(Element::Line { text, style });
        }
    }
}

/// The `k`-th byte of the command at `i`, or `Truncated`.
fn arg_at(bytes: &[u8], i: usize, k: usize) -> Result<u8, DecodeError> {
    bytes
        .get(i + k)
        .copied()
        .ok_or(DecodeError::Truncated { offset: i })
}

/// An `Unsupported` error quoting the first bytes of the command at `i`.
fn unsupported_at(bytes: &[u8], i: usize) -> DecodeError {
    DecodeError::Unsupported {
        offset: i,
        bytes: bytes[i..bytes.len().min(i + 4)].to_vec(),
    }
}
