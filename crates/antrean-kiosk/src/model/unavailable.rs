//! Why no ticket could be taken: the coordinator's rejection, the connection, or the printer,
//! turned into what the visitor reads.

use super::{Language, Strings};

/// A rejection from the coordinator (stable code + its messages in both languages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Stable code, e.g. "on_break".
    pub code: String,
    /// Indonesian message from the coordinator (carries the details, e.g. the hours).
    pub message: String,
    /// English message.
    pub message_en: String,
}

/// The "closed / break / holiday / quota" screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnavailableView {
    /// Screen title.
    pub title: String,
    /// Short reason ("Sedang istirahat").
    pub reason: String,
    /// The coordinator's full message in the visitor's language.
    pub detail: String,
}

/// The screen for `rejection` in the visitor's language.
pub fn unavailable_view(rejection: &Rejection, strings: &Strings) -> UnavailableView {
    let reason_key = match rejection.code.as_str() {
        "closed_today" => "closed_today",
        "closed_holiday" => "closed_holiday",
        "on_break" => "on_break",
        "not_yet_open" => "not_yet_open",
        "past_cutoff" => "past_cutoff",
        "quota_reached" | "sequence_exhausted" => "quota_reached",
        "unknown_booking" | "booking_not_active" | "booking_other_day" | "booking_too_late" => {
            "booking_problem"
        }
        _ => "unavailable_other",
    };
    let detail = match strings.language() {
        Language::English if !rejection.message_en.is_empty() => rejection.message_en.clone(),
        _ => rejection.message.clone(),
    };
    UnavailableView {
        title: strings.get("unavailable_title"),
        reason: strings.get(reason_key),
        detail,
    }
}

/// The printer line on the printer-problem screen, from the printer health code.
pub fn printer_problem_reason(health_code: &str, strings: &Strings) -> String {
    let key = match health_code {
        "ready" => "printer_ready",
        "paper_near_end" => "printer_paper_near_end",
        "paper_end" => "printer_paper_end",
        "cover_open" => "printer_cover_open",
        "offline" | "no_answer" => "printer_offline",
        _ => "printer_error",
    };
    strings.get(key)
}

/// The detail a printer alert carries for the officers, in Indonesian (their consoles are),
/// or `None` when the health the alert already names says it all ("paper_end" is "kertas
/// habis" on the console). The protocol has one `error` health; this tells which fault.
pub fn printer_alert_detail(health_code: &str) -> Option<&'static str> {
    Some(match health_code {
        "error_autocutter" => "pemotong kertas bermasalah",
        "error_unrecoverable" => "kerusakan printer, perlu servis",
        "error_recoverable" | "error_auto_recoverable" => "gangguan printer sementara",
        "error_invalid_answer" => "jawaban status printer tidak dikenal",
        "error_profile" => "profil printer tidak terbaca, periksa konfigurasi kios",
        "error_layout" => "tiket tidak dapat disusun",
        "error_queue_full" => "printer masih mencetak tiket sebelumnya",
        _ => return None,
    })
}

/// Health code of a kiosk configured without a printer (digital tickets only). Not one of
/// the printer crate's codes: its `not_supported` means a link that cannot report status
/// (a file, a write-only printer), which still prints.
pub const NO_PRINTER: &str = "no_printer";

/// What a print result means for the visitor and for the officers (not the printer crate's
/// `PrintOutcome`, which says how the bytes went).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaperOutcome {
    /// On paper; officers hear about the printer's state (e.g. paper nearly out).
    Printed,
    /// This kiosk has no printer: the screen's QR is the ticket. Nothing is wrong, so
    /// nobody is alerted and the visitor sees no problem screen.
    DigitalOnly,
    /// Not printed: the problem screen, and an alert for the officers.
    Problem,
}

/// Classifies a print result from the printer thread.
pub fn paper_outcome(printed: bool, health_code: &str) -> PaperOutcome {
    match (printed, health_code) {
        (true, _) => PaperOutcome::Printed,
        (false, NO_PRINTER) => PaperOutcome::DigitalOnly,
        (false, _) => PaperOutcome::Problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kiosk_without_a_printer_is_not_a_printer_problem() {
        assert_eq!(paper_outcome(true, "ready"), PaperOutcome::Printed);
        assert_eq!(paper_outcome(true, "paper_near_end"), PaperOutcome::Printed);
        assert_eq!(paper_outcome(false, NO_PRINTER), PaperOutcome::DigitalOnly);
        assert_eq!(paper_outcome(false, "paper_end"), PaperOutcome::Problem);
        assert_eq!(paper_outcome(false, "no_answer"), PaperOutcome::Problem);
        // A printer on a link without status that failed is a problem, not "no printer".
        assert_eq!(paper_outcome(false, "not_supported"), PaperOutcome::Problem);
    }

    #[test]
    fn alerts_name_the_fault_only_where_the_health_does_not() {
        assert_eq!(printer_alert_detail("paper_end"), None);
        assert_eq!(printer_alert_detail("ready"), None);
        assert_eq!(
            printer_alert_detail("error_autocutter"),
            Some("pemotong kertas bermasalah")
        );
        assert!(
            printer_alert_detail("error_profile")
                .unwrap()
                .contains("konfigurasi")
        );
    }

    #[test]
    fn break_is_explained_with_the_coordinators_detail() {
        let rejection = Rejection {
            code: "on_break".into(),
            message: "Layanan sedang istirahat sampai 13.00.".into(),
            message_en: "The service is on break until 13:00.".into(),
        };
        let id = unavailable_view(&rejection, &Strings::for_language(Language::Indonesian));
        assert_eq!(id.reason, "Sedang istirahat");
        assert_eq!(id.detail, "Layanan sedang istirahat sampai 13.00.");
        let en = unavailable_view(&rejection, &Strings::for_language(Language::English));
        assert_eq!(en.reason, "On break");
        assert_eq!(en.detail, "The service is on break until 13:00.");
    }

    #[test]
    fn every_schedule_code_has_its_own_reason() {
        let strings = Strings::for_language(Language::Indonesian);
        let reasons: Vec<_> = [
            "closed_today",
            "closed_holiday",
            "on_break",
            "not_yet_open",
            "past_cutoff",
            "quota_reached",
        ]
        .iter()
        .map(|code| {
            let rejection = Rejection {
                code: (*code).into(),
                message: String::new(),
                message_en: String::new(),
            };
            unavailable_view(&rejection, &strings).reason
        })
        .collect();
        let mut unique = reasons.clone();
        unique.dedup();
        assert_eq!(unique.len(), 6, "{reasons:?}");
        assert!(!reasons.contains(&"Permintaan ditolak".to_string()));
    }

    #[test]
    fn printer_reasons() {
        let id = Strings::for_language(Language::Indonesian);
        for (code, text) in [
            ("ready", "Printer siap"),
            ("paper_near_end", "Kertas hampir habis"),
            ("paper_end", "Kertas habis"),
            ("cover_open", "Penutup printer terbuka"),
            ("no_answer", "Printer tidak terhubung"),
            ("error_profile", "Printer bermasalah"),
        ] {
            assert_eq!(printer_problem_reason(code, &id), text, "{code}");
        }
        let en = Strings::for_language(Language::English);
        assert_eq!(
            printer_problem_reason("paper_near_end", &en),
            "Paper nearly out"
        );
    }
}
