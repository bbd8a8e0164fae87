//! ESC/POS command bytes we emit, shared by the encoder and the virtual printer's decoder so the
//! two cannot drift apart. Names follow Epson's ESC/POS reference.

/// Line feed: print the buffer and advance one line.
pub const LF: u8 = 0x0A;
/// Escape: prefix of most commands.
pub const ESC: u8 = 0x1B;
/// Group separator: prefix of the `GS` commands.
pub const GS: u8 = 0x1D;
/// Data link escape: prefix of real-time commands.
pub const DLE: u8 = 0x10;
/// File separator, prefix of the NV bit image command.
pub const FS: u8 = 0x1C;
/// End of transmission: `DLE EOT n` asks for real-time status.
pub const EOT: u8 = 0x04;

/// `ESC @`: initialize (clears styles, keeps the code table on most printers, so we reselect).
pub const INITIALIZE: [u8; 2] = [ESC, b'@'];

/// `ESC t n`: select character code table.
pub fn select_code_table(n: u8) -> [u8; 3] {
    [ESC, b't', n]
}

/// `ESC a n`: justification (0 left, 1 center, 2 right).
pub fn justify(align: Align) -> [u8; 3] {
    [ESC, b'a', align as u8]
}

/// `ESC E n`: emphasized (bold) on or off.
pub fn bold(on: bool) -> [u8; 3] {
    [ESC, b'E', u8::from(on)]
}

/// `GS ! n`: character size; width and height magnification 1..=8.
pub fn char_size(width: u8, height: u8) -> [u8; 3] {
    let width = width.clamp(1, 8) - 1;
    let height = height.clamp(1, 8) - 1;
    [GS, b'!', (width << 4) | height]
}

/// `ESC d n`: print and feed `n` lines.
pub fn feed_lines(n: u8) -> [u8; 3] {
    [ESC, b'd', n]
}

/// `GS V m`: cut (m = 0 full, 1 partial).
pub fn cut(partial: bool) -> [u8; 3] {
    [GS, b'V', u8::from(partial)]
}

/// `DLE EOT n`: real-time status request (n = 1..=4). Unlike the `escpos` crate we send exactly
/// three bytes: a trailing 0x00 would be printed as a NUL by some firmware.
pub fn status_request(n: u8) -> [u8; 3] {
    [DLE, EOT, n]
}

/// `GS ( k` prefix of the 2-D code commands; followed by pL pH cn fn parameters.
pub const QR_PREFIX: [u8; 3] = [GS, b'(', b'k'];
/// `cn` for QR code.
pub const QR_CN: u8 = 0x31;
/// Function 165: select model (parameter 0x32 = model 2).
pub const QR_FN_MODEL: u8 = 0x41;
/// Function 167: module size in dots.
pub const QR_FN_MODULE_SIZE: u8 = 0x43;
/// Function 169: error correction level (0x30 L, 0x31 M, 0x32 Q, 0x33 H).
pub const QR_FN_ERROR_CORRECTION: u8 = 0x45;
/// Function 180: store data in the symbol storage area.
pub const QR_FN_STORE: u8 = 0x50;
/// Function 181: print the stored symbol.
pub const QR_FN_PRINT: u8 = 0x51;
/// Error correction M (15 %): survives a smudge or a fold without growing the symbol much.
pub const QR_EC_M: u8 = 0x31;

/// Horizontal justification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Align {
    /// Flush left.
    #[default]
    Left = 0,
    /// Centered.
    Center = 1,
    /// Flush right.
    Right = 2,
}

/// Appends the full native QR sequence (model 2, size, EC M, store, print) for `data`.
///
/// # Panics
/// If `data` is longer than 7,086 bytes (QR's own limit); tickets validate far below that.
pub fn qr_code(data: &[u8], module_size_dots: u8, out: &mut Vec<u8>) {
    let store_len = data.len() + 3;
    assert!(store_len <= 7089, "QR data too long");
    out.extend_from_slice(&QR_PREFIX);
    out.extend_from_slice(&[4, 0, QR_CN, QR_FN_MODEL, 0x32, 0]);
    out.extend_from_slice(&QR_PREFIX);
    out.extend_from_slice(&[
        3,
        0,
        QR_CN,
        QR_FN_MODULE_SIZE,
        module_size_dots.clamp(1, 16),
    ]);
    out.extend_from_slice(&QR_PREFIX);
    out.extend_from_slice(&[3, 0, QR_CN, QR_FN_ERROR_CORRECTION, QR_EC_M]);
    out.extend_from_slice(&QR_PREFIX);
    out.extend_from_slice(&[
        (store_len & 0xFF) as u8,
        (store_len >> 8) as u8,
        QR_CN,
        QR_FN_STORE,
    ]);
    out.push(0x30);
    out.extend_from_slice(data);
    out.extend_from_slice(&QR_PREFIX);
    out.extend_from_slice(&[3, 0, QR_CN, QR_FN_PRINT, 0x30]);
}

/// `FS p n m`: print NV bit image number `n` (stored once in the printer's non-volatile
/// memory with the vendor's utility), normal size. Four bytes per ticket instead of a
/// raster logo's kilobytes — the only logo that is fast on a 9600-baud serial link.
pub fn print_nv_image(n: u8) -> [u8; 4] {
    [FS, b'p', n, 0]
}
