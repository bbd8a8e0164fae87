//! Conversions between the core model and the wire/disk DTOs.

use antrean_core::catalog::{Catalog, Fee};
use antrean_core::money::format_rupiah;
use antrean_core::state::{CounterStatus, State};
use antrean_core::{Ticket, TicketState};

use crate::*;

/// The wire form of a wait estimate.
pub fn estimate_view(estimate: &antrean_core::eta::Estimate) -> EstimateDto {
    EstimateDto {
        wait_s: estimate.wait_s,
        band_min_lo: estimate.band.lo_min,
        band_min_hi: estimate.band.hi_min,
        text_id: estimate.band.text_id(),
        after_closing: estimate.after_closing,
        text_en: estimate.band.text_en(),
        calls_ahead: estimate.basis.calls_ahead,
        counters: estimate.basis.counters,
        mean_call_s: estimate.basis.mean_call_s,
        counter_free: estimate.basis.counter_free,
    }
}

/// A ticket's view.
pub fn ticket_view(ticket: &Ticket) -> TicketView {
    TicketView {
        id: ticket.id.0,
        number: ticket.number.to_string(),
        day: ticket.day.to_string(),
        service: ticket.service.clone(),
        previous_services: ticket.previous_services.clone(),
        priority: ticket.priority.clone(),
        state: ticket.state.key().to_owned(),
        counter: ticket.counter.clone(),
        recalls: ticket.recalls,
        issued_at_ms: ticket.issued_at.0,
        called_at_ms: ticket.called_at.map(|t| t.0),
        started_at_ms: ticket.started_at.map(|t| t.0),
        closed_at_ms: ticket.closed_at.map(|t| t.0),
        booked_slot_at_ms: ticket.booked.map(|b| b.slot_at.0),
    }
}

/// Calls kept in a snapshot's `recent_calls`: a board shows the last few.
pub const RECENT_CALLS: usize = 10;

/// What a snapshot includes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnapshotScope {
    /// Every ticket of today (officers, managers).
    Full,
    /// Only tickets at a counter now (kiosks, boards, visitors).
    Public,
}

/// Waiting, issued-today and last-called per service of the catalog, in catalog order
/// (the figures are the core's, [`State::service_figures`]).
pub fn service_statuses(state: &State, catalog: &Catalog) -> Vec<ServiceStatus> {
    state
        .service_figures(catalog)
        .into_iter()
        .map(|f| ServiceStatus {
            service: f.service,
            waiting: f.waiting,
            issued_today: f.issued_today,
            last_called: f.last_called.map(|n| n.to_string()),
        })
        .collect()
}

/// The queue state's view (alerts are added by the coordinator for staff roles).
pub fn state_view(state: &State, catalog: &Catalog, scope: SnapshotScope) -> StateDto {
    let mut counters: Vec<CounterStateDto> = state
        .counters
        .iter()
        .map(|(id, c)| CounterStateDto {
            id: id.clone(),
            status: match c.status {
                CounterStatus::Closed => "closed",
                CounterStatus::Open => "open",
                CounterStatus::Paused => "paused",
            }
            .to_owned(),
            officer: c.officer.clone(),
            break_reason: (c.status == CounterStatus::Paused)
                .then_some(c.break_reason)
                .flatten()
                .map(|r| r.key().to_owned()),
            current: c.current.map(|t| t.0),
            booked_streak: c.booked_streak,
            walk_in_streak: c.walk_in_streak,
        })
        .collect();
    counters.sort_by(|a, b| a.id.cmp(&b.id));
    // Newest announcement first (a recall counts: it is what the hall heard last).
    let mut called: Vec<&Ticket> = state
        .tickets
        .values()
        .filter(|t| t.called_at.is_some())
        .collect();
    called.sort_by_key(|t| std::cmp::Reverse((t.announced_at, t.id)));
    let at_counter = |t: &&Ticket| matches!(t.state, TicketState::Called | TicketState::Serving);
    StateDto {
        day: state.day.map(|d| d.to_string()),
        scope: match scope {
            SnapshotScope::Full => "full",
            SnapshotScope::Public => "public",
        }
        .to_owned(),
        services: service_statuses(state, catalog),
        ikm: published_ikm(&state.skm_quarter),
        recent_calls: called
            .into_iter()
            .take(RECENT_CALLS)
            .map(|t| TicketView {
                // The counter it was called to, also after it moved on (a transfer clears
                // `counter`; a board's history still says where the call went).
                counter: t.called_counter.clone(),
                ..ticket_view(t)
            })
            .collect(),
        tickets: state
            .tickets
            .values()
            .filter(|t| scope == SnapshotScope::Full || at_counter(t))
            .map(ticket_view)
            .collect(),
        counters,
        alerts: Vec::new(),
    }
}

/// The catalog's public view.
pub fn catalog_view(catalog: &Catalog) -> CatalogDto {
    let site = &catalog.site;
    CatalogDto {
        site: SiteDto {
            name: site.name.clone(),
            address: site.address.clone(),
            time_zone: site.time_zone.label().to_owned(),
            utc_offset_min: site.time_zone.offset_min(),
            maklumat: site.maklumat.clone(),
        },
        priority_classes: catalog
            .priority_classes
            .iter()
            .map(|p| PriorityClassDto {
                code: p.code.clone(),
                name_id: p.name_id.clone(),
                name_en: p.name_en.clone(),
            })
            .collect(),
        agencies: catalog
            .agencies
            .iter()
            .map(|a| AgencyDto {
                code: a.code.clone(),
                name_id: a.name_id.clone(),
                name_en: a.name_en.clone(),
            })
            .collect(),
        services: catalog
            .services
            .iter()
            .map(|s| ServiceDto {
                code: s.code.clone(),
                agency: s.agency.clone(),
                prefix: s.prefix.clone(),
                name_id: s.name_id.clone(),
                name_en: s.name_en.clone(),
                daily_quota: s.daily_quota,
                priority_classes: s.priority_classes.clone(),
                standard: Some(StandardDto {
                    requirements: s.standard.requirements.clone(),
                    procedure: s.standard.procedure.clone(),
                    processing_time: s.standard.processing_time.text.clone(),
                    processing_time_min: s.standard.processing_time.counter_minutes(),
                    fee: fee_view(&s.standard.fee),
                    product: s.standard.product.clone(),
                    complaints: s.standard.complaints.clone(),
                    decree: s.standard.decree.clone(),
                    en: StandardEnDto {
                        requirements: s.standard.en.requirements.clone(),
                        procedure: s.standard.en.procedure.clone(),
                        processing_time: s.standard.en.processing_time.clone(),
                        fee: s.standard.en.fee.clone(),
                        product: s.standard.en.product.clone(),
                        complaints: s.standard.en.complaints.clone(),
                    },
                }),
                booking: s.booking.as_ref().map(crate::booking_rules_view),
            })
            .collect(),
        counters: catalog
            .counters
            .iter()
            .map(|c| CounterDto {
                id: c.id.clone(),
                name: c.name.clone(),
                location: c.location.clone(),
                location_en: c.location_en.clone(),
                services: c.services.clone(),
            })
            .collect(),
        booked_ratio: catalog
            .services
            .iter()
            .any(|s| s.booking.is_some())
            .then_some(BookedRatioDto {
                booked: catalog.policy.booked_ratio.booked,
                walk_in: catalog.policy.booked_ratio.walk_in,
            }),
    }
}

/// The catalog without the service standards: what boards and visitors' phones need.
pub fn compact_catalog(full: &CatalogDto) -> CatalogDto {
    let mut compact = full.clone();
    for service in &mut compact.services {
        service.standard = None;
    }
    compact
}

fn fee_view(fee: &Fee) -> FeeDto {
    match fee {
        Fee::Free { basis } => FeeDto::Free {
            basis: basis.clone(),
        },
        Fee::Tariff { lines, basis } => FeeDto::Tariff {
            lines: lines
                .iter()
                .map(|l| FeeLineDto {
                    label: l.label.clone(),
                    amount_idr: l.amount_idr,
                    text: format_rupiah(l.amount_idr, false),
                })
                .collect(),
            basis: basis.clone(),
        },
        Fee::Variable { description, basis } => FeeDto::Variable {
            description: description.clone(),
            basis: basis.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_parse_from_documented_json() {
        let msg: ClientMessage = serde_json::from_str(
            r#"{"id":"r1","type":"hello","protocol":1,"auth":{"role":"officer","officer":"siti","pin":"1234","counter":"3"}}"#,
        )
        .unwrap();
        assert_eq!(msg.id.as_deref(), Some("r1"));
        assert!(matches!(
            msg.request,
            Request::Hello {
                protocol: 1,
                auth: Auth::Officer { .. },
                subscribe: true
            }
        ));
        let call: ClientMessage =
            serde_json::from_str(r#"{"type":"call_ticket","ticket":"A-012"}"#).unwrap();
        assert_eq!(
            call.request,
            Request::CallTicket {
                ticket: TicketRef::Number("A-012".into()),
                counter: None
            }
        );
        let by_id: ClientMessage =
            serde_json::from_str(r#"{"type":"cancel","ticket":17}"#).unwrap();
        assert_eq!(
            by_id.request,
            Request::Cancel {
                ticket: TicketRef::Id(17)
            }
        );
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"launch_missiles"}"#).is_err());
    }
}
