//! Human-readable and JSON output of results.

use antrean_protocol::{ResultDto, ServerMessage, TicketView};

/// Prints a result as JSON or as a short Indonesian summary.
pub fn print_result(result: &ResultDto, json: bool) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(result).expect("results serialize")
        );
        return;
    }
    match result {
        ResultDto::Ticket {
            ticket,
            people_ahead,
            counters,
            public_token,
            estimate,
            ..
        } => {
            println!("{}", ticket_line(ticket));
            if ticket.state == "waiting" {
                println!(
                    "  {people_ahead} orang di depan; loket: {}",
                    counters.join(", ")
                );
            }
            if let Some(estimate) = estimate {
                let late = if estimate.after_closing {
                    " (mungkin lewat jam tutup)"
                } else {
                    ""
                };
                println!("  perkiraan tunggu: {}{late}", estimate.text_id);
            }
            if let Some(token) = public_token {
                println!("  tiket digital: /t/{token}");
            }
        }
        ResultDto::Done { seq } => println!("OK (log #{seq})"),
        ResultDto::Report { report } => print!(
            "{}",
            antrean_reports::export::to_text(&antrean_reports::export::waiting_tables(report))
        ),
        ResultDto::File {
            name, data_base64, ..
        } => println!("{name} ({} byte base64)", data_base64.len()),
        ResultDto::QueueStatus { services, .. } => {
            println!(
                "{:<20} {:>8} {:>8}  TERAKHIR DIPANGGIL",
                "LAYANAN", "MENUNGGU", "HARI INI"
            );
            for s in services {
                println!(
                    "{:<20} {:>8} {:>8}  {}",
                    s.service,
                    s.waiting,
                    s.issued_today,
                    s.last_called.as_deref().unwrap_or("-")
                );
            }
        }
        ResultDto::Enrolled {
            name,
            device_kind,
            token,
        } => {
            println!(
                "{device_kind} `{name}` enrolled. Token (shown once, keep it secret):\n{token}"
            );
        }
        ResultDto::Principals {
            devices,
            officers,
            managers,
        } => {
            for p in devices.iter().chain(officers).chain(managers) {
                let revoked = if p.revoked { " (dicabut)" } else { "" };
                println!(
                    "{:<8} {:<20} {}{revoked}",
                    p.kind,
                    p.name,
                    p.display_name.as_deref().unwrap_or("")
                );
            }
        }
        ResultDto::Accepted => println!("OK"),
    }
}

/// "A-012  ktp-el-baru  waiting  loket 3".
pub fn ticket_line(t: &TicketView) -> String {
    let mut line = format!("{}  {}  {}", t.number, t.service, t.state);
    if let Some(p) = &t.priority {
        line.push_str(&format!("  PRIORITAS ({p})"));
    }
    if let Some(c) = &t.counter {
        line.push_str(&format!("  loket {c}"));
    }
    line
}

/// One line per server message for `watch`.
pub fn message_line(message: &ServerMessage, json: bool) -> String {
    if json {
        return serde_json::to_string(message).expect("messages serialize");
    }
    match message {
        ServerMessage::Snapshot { seq, state, .. } => {
            let issued: u32 = state.services.iter().map(|s| s.issued_today).sum();
            let waiting: u32 = state.services.iter().map(|s| s.waiting).sum();
            let open = state.counters.iter().filter(|c| c.status == "open").count();
            format!(
                "snapshot #{seq}: {issued} tiket hari ini, {waiting} menunggu, {open} loket buka"
            )
        }
        ServerMessage::Event {
            seq, event, ticket, ..
        } => {
            let kind = serde_json::to_value(event)
                .ok()
                .and_then(|v| v.get("type")?.as_str().map(str::to_owned))
                .unwrap_or_default();
            match ticket {
                Some(t) => format!("#{seq} {kind}: {}", ticket_line(t)),
                None => format!("#{seq} {kind}"),
            }
        }
        ServerMessage::Alert { alert } => {
            format!("ALERT {}: printer {:?}", alert.device, alert.printer)
        }
        other => serde_json::to_string(other).expect("messages serialize"),
    }
}
