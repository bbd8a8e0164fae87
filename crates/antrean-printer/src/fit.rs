//! Fitting a ticket into its byte budget: the checklist shows as many requirement items
//! (up to [`REQUIREMENT_ITEMS_MAX`]) as keep the encoded ticket within
//! [`TICKET_BYTES_BUDGET`]. Measuring a layout means encoding it, so this step sits above
//! both the layout and the encoder (neither needs the other).

use crate::encode::encode_layout;
use crate::layout::{REQUIREMENT_ITEMS_MAX, TICKET_BYTES_BUDGET, TicketLayout, layout_with_items};
use crate::profile::Profile;
use crate::ticket::{TicketError, TicketPrint};

/// Lays out `ticket` for `profile` within the budget. A ticket whose other fields alone
/// exceed the budget still prints, only slower.
pub fn layout_ticket(ticket: &TicketPrint, profile: &Profile) -> Result<TicketLayout, TicketError> {
    Ok(fitted(ticket, profile)?.0)
}

/// Lays out and encodes one ticket: the bytes to send to the printer.
pub fn encode_ticket(ticket: &TicketPrint, profile: &Profile) -> Result<Vec<u8>, TicketError> {
    Ok(fitted(ticket, profile)?.1)
}

/// The layout within budget and its bytes.
fn fitted(ticket: &TicketPrint, profile: &Profile) -> Result<(TicketLayout, Vec<u8>), TicketError> {
    ticket.validate()?;
    let mut items = REQUIREMENT_ITEMS_MAX.min(ticket.requirements.len());
    loop {
        let layout = layout_with_items(ticket, profile, items);
        let bytes = encode_layout(&layout);
        if items == 0 || bytes.len() <= TICKET_BYTES_BUDGET {
            return Ok((layout, bytes));
        }
        items -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Block;

    fn texts(layout: &TicketLayout) -> Vec<&str> {
        layout
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Text(line) => Some(line.text.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn lines_fit_the_paper_and_long_checklists_stay_within_the_byte_budget() {
        let columns_42 = Profile {
            columns: 42,
            ..Profile::generic_80mm()
        };
        for profile in [Profile::generic_58mm(), columns_42, Profile::generic_80mm()] {
            let mut ticket = TicketPrint::sample();
            ticket.service_name = "Pelayanan ".repeat(20);
            ticket.requirements = vec!["Surat keterangan ".repeat(10); 9];
            let layout = layout_ticket(&ticket, &profile).unwrap();
            for block in &layout.blocks {
                if let Block::Text(line) = block {
                    let used = line.text.chars().count() * usize::from(line.style.width);
                    assert!(used <= usize::from(profile.columns), "{line:?}");
                }
            }
            let bytes = encode_layout(&layout).len();
            assert!(
                bytes <= TICKET_BYTES_BUDGET,
                "{bytes} B on {}",
                profile.columns
            );
            // Whole items only; every item left out is counted.
            let shown = texts(&layout)
                .iter()
                .filter(|t| t.starts_with("- "))
                .count();
            assert!(
                (1..=REQUIREMENT_ITEMS_MAX).contains(&shown),
                "{shown} items"
            );
            if profile.columns == 48 {
                // Four items of two full 48-column lines would not fit: the budget cut one.
                assert!(shown < REQUIREMENT_ITEMS_MAX, "{shown} items");
            }
            let more = format!("+{} lainnya (lihat QR)", 9 - shown);
            assert!(texts(&layout).contains(&more.as_str()), "{more}");
        }
        // Short items: all four fit, as before.
        let mut ticket = TicketPrint::sample();
        ticket.requirements = vec!["KTP-el asli".into(); 6];
        let layout = layout_ticket(&ticket, &Profile::generic_80mm()).unwrap();
        assert!(texts(&layout).contains(&"+2 lainnya (lihat QR)"));
    }

    #[test]
    fn ticket_number_is_four_times_on_both_widths() {
        for profile in [Profile::generic_58mm(), Profile::generic_80mm()] {
            let layout = layout_ticket(&TicketPrint::sample(), &profile).unwrap();
            let number = layout.blocks.iter().find_map(|b| match b {
                Block::Text(line) if line.text == "A-012" => Some(line.style),
                _ => None,
            });
            assert_eq!(number.map(|s| (s.width, s.height)), Some((4, 4)));
        }
    }

    #[test]
    fn sample_ticket_stays_within_budget_and_never_looks_like_dle_eot() {
        for profile in [Profile::generic_58mm(), Profile::generic_80mm()] {
            let bytes = encode_ticket(&TicketPrint::sample(), &profile).unwrap();
            assert!(
                bytes.len() <= 1024,
                "{} bytes on {}",
                bytes.len(),
                profile.name
            );
            assert!(
                !bytes
                    .windows(2)
                    .any(|w| w == [crate::escpos::DLE, crate::escpos::EOT])
            );
        }
    }
}
