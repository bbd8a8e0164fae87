//! Plain-text form of a decoded ticket, for `--text` previews and readable snapshots.

use super::{Document, Element};
use crate::escpos::Align;

/// Renders `doc` as monospaced text `doc.columns` wide. Magnified characters are spread out
/// (one character plus `width - 1` spaces) so their horizontal extent matches the paper.
pub fn to_text(doc: &Document) -> String {
    let columns = usize::from(doc.columns);
    let mut out = String::new();
    for element in &doc.elements {
        match element {
            Element::Line { text, style } => {
                let spread: String = text
                    .chars()
                    .flat_map(|c| {
                        std::iter::once(c)
                            .chain(std::iter::repeat_n(' ', usize::from(style.width) - 1))
                    })
                    .collect();
                let spread = spread.trim_end().to_string();
                push_aligned(&mut out, &spread, style.align, columns);
            }
            Element::Qr {
                data,
                module_size_dots,
                ..
            } => {
                let label = format!(
                    "[QR m{module_size_dots}: {}]",
                    String::from_utf8_lossy(data)
                );
                push_aligned(&mut out, &label, Align::Center, columns);
            }
            Element::NvLogo { image, align } => {
                push_aligned(&mut out, &format!("[logo NV #{image}]"), *align, columns);
            }
            Element::Feed(lines) => {
                for _ in 0..*lines {
                    out.push('\n');
                }
            }
            Element::Cut { partial } => {
                let label = if *partial {
                    " partial cut "
                } else {
                    " full cut "
                };
                push_aligned(&mut out, &format!("~~{label}~~"), Align::Center, columns);
            }
        }
    }
    out
}

fn push_aligned(out: &mut String, text: &str, align: Align, columns: usize) {
    let len = text.chars().count();
    let pad = match align {
        Align::Left => 0,
        Align::Center => columns.saturating_sub(len) / 2,
        Align::Right => columns.saturating_sub(len),
    };
    out.extend(std::iter::repeat_n(' ', pad));
    out.push_str(text);
    out.push('\n');
}
