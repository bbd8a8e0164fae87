//! A ticket given as a TOML file, for `antrean printer preview|test --ticket FILE`: an IT
//! person checks how a real service's ticket looks (a long name, a paid fee, English) on
//! their printer before the site opens. Every field is optional and replaces the sample
//! ticket's; an unknown field is an error that names it.

use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

use crate::ticket::{Fee, Language, TicketPrint, WaitBand};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TicketFile {
    site_name: Option<String>,
    agency_name: Option<String>,
    service_name: Option<String>,
    ticket_number: Option<String>,
    /// "" removes the sample's priority label.
    priority_label: Option<String>,
    people_ahead: Option<u32>,
    /// `[lo, hi]` minutes; `[]` removes the wait line.
    wait_min: Option<Vec<u32>>,
    counter_location: Option<String>,
    requirements: Option<Vec<String>>,
    /// Whole rupiah; 0 prints "Gratis" (a ticket never says "Rp0").
    fee_idr: Option<u64>,
    /// The lowest of several tariffs ("mulai Rp350.000").
    fee_from_idr: Option<u64>,
    qr_url: Option<String>,
    rating_invitation: Option<String>,
    /// "id" or "en".
    language: Option<String>,
}

/// Reads `path` and applies it over [`TicketPrint::sample`].
pub fn load_ticket(path: &Path) -> anyhow::Result<TicketPrint> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading ticket {}", path.display()))?;
    let file: TicketFile =
        toml::from_str(&text).with_context(|| format!("ticket {}", path.display()))?;
    let mut ticket = TicketPrint::sample();
    let set = |target: &mut String, value: Option<String>| {
        if let Some(value) = value {
            *target = value;
        }
    };
    set(&mut ticket.site_name, file.site_name);
    set(&mut ticket.agency_name, file.agency_name);
    set(&mut ticket.service_name, file.service_name);
    set(&mut ticket.ticket_number, file.ticket_number);
    set(&mut ticket.counter_location, file.counter_location);
    set(&mut ticket.qr_url, file.qr_url);
    set(&mut ticket.rating_invitation, file.rating_invitation);
    if let Some(label) = file.priority_label {
        ticket.priority_label = (!label.is_empty()).then_some(label);
    }
    if let Some(people) = file.people_ahead {
        ticket.people_ahead = people;
    }
    if let Some(wait) = file.wait_min {
        ticket.wait_band = match wait[..] {
            [] => None,
            [lo_min, hi_min] if lo_min <= hi_min => Some(WaitBand { lo_min, hi_min }),
            _ => anyhow::bail!(
                "ticket {}: wait_min must be [lo, hi] with lo ≤ hi, or []",
                path.display()
            ),
        };
    }
    if let Some(requirements) = file.requirements {
        ticket.requirements = requirements;
    }
    ticket.fee = match (file.fee_idr, file.fee_from_idr) {
        (Some(_), Some(_)) => {
            anyhow::bail!(
                "ticket {}: give fee_idr or fee_from_idr, not both",
                path.display()
            )
        }
        (Some(0), None) => Fee::Free,
        (Some(amount), None) => Fee::Rupiah(amount),
        (None, Some(lowest)) => Fee::From(lowest),
        (None, None) => ticket.fee,
    };
    if let Some(language) = file.language {
        ticket.language = match language.as_str() {
            "id" => Language::Indonesian,
            "en" => Language::English,
            other => anyhow::bail!(
                "ticket {}: language must be \"id\" or \"en\", not {other:?}",
                path.display()
            ),
        };
    }
    ticket
        .validate()
        .with_context(|| format!("ticket {}", path.display()))?;
    Ok(ticket)
}
