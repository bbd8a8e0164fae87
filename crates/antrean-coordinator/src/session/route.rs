//! Routing, without I/O: who asks (a [`Principal`]) and what (a [`Request`]) decide what
//! happens — a queue command for the committer, a read, an alert, an administration step,
//! a report — or a typed refusal. The session ([`super`]) only moves bytes around this
//! function; the whole role matrix is tested here.

use antrean_core::{Channel, Command};
use antrean_protocol::{
    DeviceAlert, ErrorCode, ReportQueryDto, Request, TicketRef, follow_up_from_dto,
    imported_from_dto, rating_from_dto,
};

use crate::auth::Principal;
use crate::committer::{CommandSpec, Read};

/// What a request becomes.
pub enum Route {
    /// A queue command, answered by the committer once durable. `with_token`: the answer
    /// carries the digital-ticket token.
    Command {
        /// The command (its ticket may still be named by number).
        spec: CommandSpec,
        /// See [`receives_ticket_tokens`].
        with_token: bool,
    },
    /// A read, answered by the committer from committed state. A snapshot also restarts
    /// the session's event stream from it.
    Read(Read),
    /// A kiosk's printer status: kept and shown to staff; answered at once.
    Alert(DeviceAlert),
    /// Device and officer administration (one of the admin requests, as sent).
    Admin(Request),
    /// A report, or (with `(kind, format)`) its export as an office file.
    Report {
        /// Period and filters.
        query: ReportQueryDto,
        /// Export kind and file format.
        export: Option<(String, String)>,
    },
}

/// Why a request is refused before anything happens.
#[derive(Debug, PartialEq)]
pub enum Refusal {
    /// A protocol-level code.
    Code(ErrorCode),
    /// `bad_request`, saying what was wrong.
    BadRequest(String),
}

impl From<ErrorCode> for Refusal {
    fn from(code: ErrorCode) -> Refusal {
        Refusal::Code(code)
    }
}

/// Routes `request` from `principal`. `id` is the request's id (a queue command needs a
/// non-empty one: it is the idempotency key); `now_ms` stamps alerts.
pub fn route(
    principal: &Principal,
    request: Request,
    id: Option<&str>,
    now_ms: i64,
) -> Result<Route, Refusal> {
    if matches!(request, Request::Hello { .. }) {
        return Err(ErrorCode::AlreadyAuthenticated.into());
    }
    if !principal.may(&request) {
        return Err(ErrorCode::Forbidden.into());
    }
    let counter = acting_counter(principal, &request)?;
    let spec = match command(principal, request, counter, now_ms)? {
        Routed::Command(spec) => spec,
        Routed::Other(route) => return Ok(route),
    };
    // The id is the idempotency key: without one, a retry after a lost answer would act
    // twice (two empty ids would even share one key).
    if id.is_none_or(str::is_empty) {
        return Err(Refusal::BadRequest(
            "a command that changes the queue needs a non-empty \"id\" (its idempotency key)"
                .into(),
        ));
    }
    Ok(Route::Command {
        spec,
        with_token: receives_ticket_tokens(principal),
    })
}

enum Routed {
    Command(CommandSpec),
    Other(Route),
}

/// The counter a counter action acts on: an officer's own (naming another is forbidden);
/// a manager must name one. `None` for requests that are not counter actions.
fn acting_counter(principal: &Principal, request: &Request) -> Result<Option<String>, Refusal> {
    let Some(given) = request_counter(request) else {
        return Ok(None);
    };
    match (principal, given) {
        (Principal::Officer { counter, .. }, None) => Ok(Some(counter.clone())),
        (Principal::Officer { counter, .. }, Some(given)) if given == counter => {
            Ok(Some(counter.clone()))
        }
        (Principal::Officer { .. }, Some(_)) => Err(ErrorCode::Forbidden.into()),
        (_, Some(given)) => Ok(Some(given.clone())),
        (_, None) => Err(ErrorCode::CounterRequired.into()),
    }
}

fn command(
    principal: &Principal,
    request: Request,
    counter: Option<String>,
    now_ms: i64,
) -> Result<Routed, Refusal> {
    use Command as C;
    let c = || counter.clone().expect("counter actions have a counter");
    let ready = |command| Ok(Routed::Command(CommandSpec::Ready(command)));
    match request {
        Request::IssueTicket { service, priority } => {
            let channel = match principal {
                Principal::Kiosk { .. } => Channel::Kiosk,
                Principal::Officer { .. } => Channel::Counter,
                _ => Channel::Api,
            };
            ready(C::IssueTicket {
                service,
                priority,
                channel,
            })
        }
        Request::CheckIn { code, priority } => {
            let channel = match principal {
                Principal::Kiosk { .. } => Channel::Kiosk,
                Principal::Officer { .. } => Channel::Counter,
                _ => Channel::Api,
            };
            Ok(Routed::Command(CommandSpec::WithBooking(
                code,
                Box::new(move |booking| C::CheckIn {
                    booking,
                    priority,
                    channel,
                }),
            )))
        }
        Request::CallNext { .. } => ready(C::CallNext { counter: c() }),
        Request::CallTicket { ticket, .. } => {
            let counter = c();
            with_ticket(ticket, move |t| C::CallSpecific { counter, ticket: t })
        }
        Request::Recall { .. } => ready(C::Recall { counter: c() }),
        Request::Start { .. } => ready(C::StartService { counter: c() }),
        Request::Finish { .. } => ready(C::FinishService { counter: c() }),
        Request::NoShow { .. } => ready(C::MarkNoShow { counter: c() }),
        Request::Transfer {
            service, to_front, ..
        } => ready(C::Transfer {
            counter: c(),
            to_service: service,
            to_front,
        }),
        Request::Park { .. } => ready(C::Park { counter: c() }),
        Request::Pause { reason, .. } => {
            let reason = match reason.as_deref() {
                None => None,
                Some(key) => Some(antrean_core::BreakReason::parse(key).ok_or_else(|| {
                    Refusal::BadRequest(format!(
                        "reason must be istirahat, sholat, rapat or lainnya, not \"{key}\""
                    ))
                })?),
            };
            ready(C::PauseCounter {
                counter: c(),
                reason,
            })
        }
        Request::Resume { .. } => ready(C::ResumeCounter { counter: c() }),
        Request::CloseCounter { .. } => ready(C::CloseCounter { counter: c() }),
        Request::Unpark { ticket } => with_ticket(ticket, |t| C::Unpark { ticket: t }),
        Request::Reinstate { ticket } => with_ticket(ticket, |t| C::Reinstate { ticket: t }),
        Request::Cancel { ticket } => {
            // An officer may cancel only what their own counter holds (the core checks).
            let by_counter = match principal {
                Principal::Officer { counter, .. } => Some(counter.clone()),
                _ => None,
            };
            with_ticket(ticket, move |t| C::Cancel {
                ticket: t,
                by_counter,
            })
        }
        Request::Rate { ticket, rating } => {
            let (ticket, source, at_counter) = rated_ticket(principal, ticket)?;
            let rating = rating_from_dto(&rating, source).map_err(|e| Refusal::BadRequest(e.0))?;
            with_ticket(ticket, move |t| C::Rate {
                ticket: t,
                rating,
                at_counter,
            })
        }
        Request::ImportSkm {
            service,
            day,
            label,
            respondents,
        } => {
            let day = antrean_core::LocalDate::parse(&day)
                .ok_or_else(|| Refusal::BadRequest("day must be YYYY-MM-DD".into()))?;
            let respondents = respondents
                .iter()
                .map(imported_from_dto)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| Refusal::BadRequest(e.0))?;
            ready(C::ImportResponses {
                service,
                day,
                label,
                respondents,
            })
        }
        Request::RecordFollowUp { mut follow_up } => {
            follow_up.recorded_by = principal.name();
            let follow_up = follow_up_from_dto(&follow_up).map_err(|e| Refusal::BadRequest(e.0))?;
            ready(C::RecordFollowUp(follow_up))
        }
        other => other_route(principal, other, now_ms).map(Routed::Other),
    }
}

fn other_route(principal: &Principal, request: Request, now_ms: i64) -> Result<Route, Refusal> {
    Ok(match request {
        Request::Snapshot => Route::Read(Read::Snapshot {
            staff: principal.is_staff(),
        }),
        Request::QueueStatus => Route::Read(Read::QueueStatus),
        Request::GetTicket { ticket } => {
            let (ticket, with_token) = match (principal, ticket) {
                (Principal::Public { ticket: own }, None) => (TicketRef::Id(*own), false),
                (Principal::Public { ticket: own }, Some(TicketRef::Id(t))) if t == *own => {
                    (TicketRef::Id(*own), false)
                }
                (Principal::Public { .. }, Some(_)) => return Err(ErrorCode::Forbidden.into()),
                (_, None) => return Err(Refusal::BadRequest("get_ticket needs a ticket".into())),
                (_, Some(t)) => (t, receives_ticket_tokens(principal)),
            };
            Route::Read(Read::Ticket { ticket, with_token })
        }
        Request::DeviceStatus { printer, detail } => Route::Alert(DeviceAlert {
            device: principal.name(),
            printer,
            detail: detail.map(|d| {
                d.chars()
                    .take(crate::limits::MAX_PRINTER_DETAIL_CHARS)
                    .collect()
            }),
            at_ms: now_ms,
        }),
        admin @ (Request::EnrollDevice { .. }
        | Request::RevokeDevice { .. }
        | Request::SetOfficer { .. }
        | Request::RemoveOfficer { .. }
        | Request::ListPrincipals) => Route::Admin(admin),
        Request::Report { query } => Route::Report {
            query,
            export: None,
        },
        Request::ExportReport {
            query,
            kind,
            format,
        } => Route::Report {
            query,
            export: Some((kind, format)),
        },
        // Commands were routed by the caller; hello was refused before.
        _ => unreachable!("not a read, alert, admin or report request"),
    })
}

fn with_ticket(
    ticket: TicketRef,
    command: impl FnOnce(antrean_core::TicketId) -> Command + Send + 'static,
) -> Result<Routed, Refusal> {
    Ok(Routed::Command(CommandSpec::WithTicket(
        ticket,
        Box::new(command),
    )))
}

/// The ticket a rating is for, where it comes from, and the rating screen's counter. A
/// visitor rates only their own ticket; a rating screen names the ticket at its counter.
fn rated_ticket(
    principal: &Principal,
    ticket: Option<TicketRef>,
) -> Result<
    (
        TicketRef,
        antrean_core::rating::RatingSource,
        Option<String>,
    ),
    Refusal,
> {
    use antrean_core::rating::RatingSource;
    match (principal, ticket) {
        (Principal::Public { ticket: own }, None) => {
            Ok((TicketRef::Id(*own), RatingSource::TicketPage, None))
        }
        (Principal::Public { ticket: own }, Some(TicketRef::Id(t))) if t == *own => {
            Ok((TicketRef::Id(*own), RatingSource::TicketPage, None))
        }
        (Principal::Rating { counter, .. }, Some(t)) => {
            Ok((t, RatingSource::Counter, Some(counter.clone())))
        }
        (Principal::Rating { .. }, None) => Err(Refusal::BadRequest("rate needs a ticket".into())),
        _ => Err(ErrorCode::Forbidden.into()),
    }
}

/// The counter a counter action names: `Some(None)` when it names none.
fn request_counter(request: &Request) -> Option<Option<&String>> {
    match request {
        Request::CallNext { counter }
        | Request::CallTicket { counter, .. }
        | Request::Recall { counter }
        | Request::Start { counter }
        | Request::Finish { counter }
        | Request::NoShow { counter }
        | Request::Transfer { counter, .. }
        | Request::Park { counter }
        | Request::Pause { counter, .. }
        | Request::Resume { counter }
        | Request::CloseCounter { counter } => Some(counter.as_ref()),
        _ => None,
    }
}

/// Whether answers about a ticket carry its digital-ticket token. The token lets its holder
/// follow and rate that ticket as the visitor, so only the roles that hand it to the visitor
/// (the kiosk prints it, staff reprint it) see it. A display board's token sits in its page
/// URL and a rating screen faces the public: neither may collect visitors' tokens.
pub fn receives_ticket_tokens(principal: &Principal) -> bool {
    matches!(
        principal,
        Principal::Kiosk { .. } | Principal::Officer { .. } | Principal::Manager { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use antrean_protocol::ClientMessage;

    /// The six roles: a kiosk, a board, an officer at counter 1, a manager, the rating
    /// screen of counter 1, and the visitor holding ticket 7.
    fn roles() -> [(&'static str, Principal); 6] {
        [
            ("kiosk", Principal::Kiosk { name: "k".into() }),
            ("display", Principal::Display { name: "d".into() }),
            (
                "officer",
                Principal::Officer {
                    officer: "siti".into(),
                    counter: "1".into(),
                },
            ),
            (
                "manager",
                Principal::Manager {
                    username: "admin".into(),
                },
            ),
            (
                "rating",
                Principal::Rating {
                    name: "pad".into(),
                    counter: "1".into(),
                },
            ),
            ("public", Principal::Public { ticket: 7 }),
        ]
    }

    fn outcome(principal: &Principal, json: &str) -> String {
        let message: ClientMessage = serde_json::from_str(json).expect(json);
        match route(principal, message.request, message.id.as_deref(), 1_000) {
            Ok(Route::Command { .. }) => "command".into(),
            Ok(Route::Read(_)) => "read".into(),
            Ok(Route::Alert(_)) => "alert".into(),
            Ok(Route::Admin(_)) => "admin".into(),
            Ok(Route::Report { .. }) => "report".into(),
            Err(Refusal::Code(code)) => code.as_str().into(),
            Err(Refusal::BadRequest(_)) => "bad_request".into(),
        }
    }

    /// What each role gets for each request, in the order of [`roles`]: the whole matrix of
    /// docs/protocol.md ("Roles and credentials"), from the wire's JSON.
    #[test]
    fn every_role_gets_exactly_what_the_role_table_says() {
        const F: &str = "forbidden";
        const C: &str = "command";
        const R: &str = "read";
        const B: &str = "bad_request";
        let staff_only = [F, F, C, C, F, F];
        let manager_only_admin = [F, F, F, "admin", F, F];
        let manager_only_command = [F, F, F, C, F, F];
        let cases: Vec<(&str, [&str; 6])> = vec![
            (
                r#"{"id":"1","type":"issue_ticket","service":"ktp"}"#,
                [C, F, C, C, F, F],
            ),
            // Counter actions: the officer's own counter; a manager must name one.
            (
                r#"{"id":"1","type":"call_next"}"#,
                [F, F, C, "counter_required", F, F],
            ),
            (r#"{"id":"1","type":"call_next","counter":"1"}"#, staff_only),
            (
                r#"{"id":"1","type":"call_next","counter":"2"}"#,
                [F, F, F, C, F, F],
            ),
            (
                r#"{"id":"1","type":"call_ticket","ticket":"A-012","counter":"1"}"#,
                staff_only,
            ),
            (r#"{"id":"1","type":"recall","counter":"1"}"#, staff_only),
            (r#"{"id":"1","type":"start","counter":"1"}"#, staff_only),
            (r#"{"id":"1","type":"finish","counter":"1"}"#, staff_only),
            (r#"{"id":"1","type":"no_show","counter":"1"}"#, staff_only),
            (
                r#"{"id":"1","type":"transfer","service":"kk","to_front":true,"counter":"1"}"#,
                staff_only,
            ),
            (r#"{"id":"1","type":"park","counter":"1"}"#, staff_only),
            (r#"{"id":"1","type":"pause","counter":"1"}"#, staff_only),
            (r#"{"id":"1","type":"resume","counter":"1"}"#, staff_only),
            (
                r#"{"id":"1","type":"close_counter","counter":"1"}"#,
                staff_only,
            ),
            (r#"{"id":"1","type":"unpark","ticket":"A-012"}"#, staff_only),
            (r#"{"id":"1","type":"reinstate","ticket":17}"#, staff_only),
            (r#"{"id":"1","type":"cancel","ticket":"C-004"}"#, staff_only),
            // Reads: everyone; a visitor only their own ticket.
            (r#"{"id":"1","type":"queue_status"}"#, [R; 6]),
            (r#"{"id":"1","type":"snapshot"}"#, [R; 6]),
            (r#"{"id":"1","type":"get_ticket"}"#, [B, B, B, B, B, R]),
            (r#"{"id":"1","type":"get_ticket","ticket":7}"#, [R; 6]),
            (
                r#"{"id":"1","type":"get_ticket","ticket":8}"#,
                [R, R, R, R, R, F],
            ),
            (
                r#"{"id":"1","type":"get_ticket","ticket":"A-001"}"#,
                [R, R, R, R, R, F],
            ),
            (
                r#"{"id":"1","type":"device_status","printer":"paper_end"}"#,
                ["alert", F, F, F, F, F],
            ),
            // Administration, SKM import and follow-up, reports: managers.
            (
                r#"{"id":"1","type":"enroll_device","kind":"kiosk","name":"k2"}"#,
                manager_only_admin,
            ),
            (
                r#"{"id":"1","type":"revoke_device","name":"k2"}"#,
                manager_only_admin,
            ),
            (
                r#"{"id":"1","type":"set_officer","officer":"o","name":"O","pin":"1234"}"#,
                manager_only_admin,
            ),
            (
                r#"{"id":"1","type":"remove_officer","officer":"o"}"#,
                manager_only_admin,
            ),
            (r#"{"id":"1","type":"list_principals"}"#, manager_only_admin),
            (
                r#"{"id":"1","type":"import_skm","service":"kk","day":"2026-11-30","label":"x","respondents":[{"answers":[4,4,3,4,3,4,4,2,3]}]}"#,
                manager_only_command,
            ),
            (
                r#"{"id":"1","type":"record_follow_up","follow_up":{"unsur":"sarpras","action":"Kursi","due":"2026-12-31","status":"planned"}}"#,
                manager_only_command,
            ),
            (
                r#"{"id":"1","type":"report","query":{"from":"2026-10-01","to":"2026-12-31"}}"#,
                [F, F, F, "report", F, F],
            ),
            (
                r#"{"id":"1","type":"export_report","query":{"from":"2026-10-01","to":"2026-12-31"},"kind":"ikm","format":"xlsx"}"#,
                [F, F, F, "report", F, F],
            ),
            // Ratings: the visitor their own ticket, the rating screen any ticket (the core
            // checks it was served at its counter).
            (
                r#"{"id":"1","type":"rate","rating":{"face":4}}"#,
                [F, F, F, F, B, C],
            ),
            (
                r#"{"id":"1","type":"rate","ticket":7,"rating":{"face":4}}"#,
                [F, F, F, F, C, C],
            ),
            (
                r#"{"id":"1","type":"rate","ticket":8,"rating":{"face":4}}"#,
                [F, F, F, F, C, F],
            ),
            // A second hello.
            (
                r#"{"id":"1","type":"hello","protocol":1,"auth":{"role":"session"}}"#,
                ["already_authenticated"; 6],
            ),
        ];
        for (json, expected) in cases {
            for ((role, principal), want) in roles().iter().zip(expected) {
                assert_eq!(outcome(principal, json), want, "{role} sending {json}");
            }
        }
    }

    #[test]
    fn a_queue_command_needs_a_non_empty_id_and_reads_do_not() {
        let officer = &roles()[2].1;
        for json in [r#"{"type":"call_next"}"#, r#"{"id":"","type":"call_next"}"#] {
            assert_eq!(outcome(officer, json), "bad_request", "{json}");
        }
        assert_eq!(outcome(officer, r#"{"type":"queue_status"}"#), "read");
    }

    #[test]
    fn an_officer_acts_on_their_own_counter_and_the_channel_follows_the_role() {
        let officer = &roles()[2].1;
        let request = Request::CallNext { counter: None };
        let Ok(Route::Command {
            spec: CommandSpec::Ready(command),
            with_token,
        }) = route(officer, request, Some("1"), 0)
        else {
            panic!("not a command");
        };
        assert_eq!(format!("{command:?}"), r#"CallNext { counter: "1" }"#);
        assert!(with_token, "staff reprint tickets: they get the token");
        for (role, principal) in roles().iter().take(4) {
            let issue = Request::IssueTicket {
                service: "ktp".into(),
                priority: None,
            };
            let Ok(Route::Command {
                spec: CommandSpec::Ready(Command::IssueTicket { channel, .. }),
                ..
            }) = route(principal, issue, Some("1"), 0)
            else {
                assert!(matches!(role, &"display"), "{role}");
                continue;
            };
            let want = match *role {
                "kiosk" => Channel::Kiosk,
                "officer" => Channel::Counter,
                _ => Channel::Api,
            };
            assert_eq!(channel, want, "{role}");
        }
    }

    #[test]
    fn a_printer_report_becomes_a_stamped_alert_with_a_bounded_detail() {
        let kiosk = &roles()[0].1;
        let request = Request::DeviceStatus {
            printer: antrean_protocol::PrinterHealth::PaperEnd,
            detail: Some("x".repeat(500)),
        };
        let Ok(Route::Alert(alert)) = route(kiosk, request, None, 42) else {
            panic!("not an alert");
        };
        assert_eq!((alert.device.as_str(), alert.at_ms), ("k", 42));
        assert_eq!(
            alert.detail.map(|d| d.chars().count()),
            Some(crate::limits::MAX_PRINTER_DETAIL_CHARS)
        );
    }

    #[test]
    fn only_roles_that_hand_out_tickets_see_their_tokens() {
        let sees: Vec<bool> = roles()
            .iter()
            .map(|(_, p)| receives_ticket_tokens(p))
            .collect();
        assert_eq!(sees, [true, false, true, true, false, false]);
    }
}
