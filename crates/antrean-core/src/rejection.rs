//! Why a command was refused: a stable code for programs, a message for people in
//! Indonesian first and English second.

use std::fmt;

use crate::rating::RatingProblem;
use crate::schedule::Closure;
use crate::ticket::{TicketId, TicketState};

/// A refused command. Refusals change nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// No such service in the catalog.
    UnknownService {
        /// Code given.
        service: String,
    },
    /// No such counter.
    UnknownCounter {
        /// Id given.
        counter: String,
    },
    /// No such ticket today.
    UnknownTicket {
        /// Id given.
        ticket: TicketId,
    },
    /// No ticket with this number today.
    UnknownTicketNumber {
        /// Number given ("A-012").
        number: String,
    },
    /// No such priority class.
    UnknownPriorityClass {
        /// Code given.
        class: String,
    },
    /// The service does not accept this priority class.
    PriorityNotAccepted {
        /// Service name.
        service_name: String,
        /// Class code.
        class: String,
    },
    /// The site is not issuing tickets now.
    Closed(Closure),
    /// The service's daily quota is used up.
    QuotaReached {
        /// Service name.
        service_name: String,
        /// The quota.
        quota: u32,
    },
    /// All 999 numbers of the prefix are used today.
    SequenceExhausted {
        /// Prefix.
        prefix: String,
    },
    /// The counter is not open (closed or on break).
    CounterNotOpen {
        /// Counter name.
        counter_name: String,
    },
    /// The counter is open under another officer.
    CounterInUse {
        /// Counter name.
        counter_name: String,
        /// Officer there now (their name where the coordinator knows it).
        officer: String,
    },
    /// The counter still has a ticket that must be finished first.
    CounterBusy {
        /// Counter name.
        counter_name: String,
        /// Its current ticket number.
        ticket_number: String,
    },
    /// The ticket is called or served at another counter; only that counter may cancel it.
    AtOtherCounter {
        /// Ticket number.
        ticket_number: String,
        /// The counter it is at.
        counter_name: String,
    },
    /// The counter has no current ticket for this action.
    NoCurrentTicket {
        /// Counter name.
        counter_name: String,
    },
    /// Nobody waiting for this counter's services.
    QueueEmpty {
        /// Counter name.
        counter_name: String,
    },
    /// The ticket is in a state that does not allow this action.
    InvalidState {
        /// Ticket number.
        ticket_number: String,
        /// Its state.
        state: TicketState,
        /// What was attempted (English verb phrase, for logs).
        action: &'static str,
    },
    /// The counter does not serve the ticket's service.
    ServiceNotAtCounter {
        /// Counter name.
        counter_name: String,
        /// Service name.
        service_name: String,
    },
    /// The configured number of recalls is used up.
    RecallLimit {
        /// The limit.
        max_recalls: u8,
    },
    /// Transfer to the service the ticket is already in.
    SameService,
    /// The ticket was not served, or its rating window is over.
    NotRateable {
        /// The site's rating window in minutes.
        window_min: u32,
    },
    /// A rating screen rating a ticket served at another counter: it may rate only what
    /// its own counter served.
    RatedAtOtherCounter,
    /// This part of the rating (face or questionnaire) was already given.
    AlreadyRated,
    /// The rating itself is not valid.
    InvalidRating(RatingProblem),
    /// An SKM import was refused; nothing was imported.
    InvalidImport {
        /// 1-based respondent row, when one row is at fault.
        row: Option<usize>,
        /// What is wrong, in Indonesian.
        reason: String,
    },
    /// A booking request refused by the booking rules.
    Booking(crate::booking::BookingProblem),
    /// A follow-up action with no text or too much.
    InvalidFollowUp {
        /// The limit.
        max_chars: usize,
    },
    /// An update of a follow-up that was never recorded.
    UnknownFollowUp,
}

impl Rejection {
    /// Stable machine-readable code (snake_case). Never change a published code.
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::UnknownService { .. } => "unknown_service",
            Rejection::UnknownCounter { .. } => "unknown_counter",
            Rejection::UnknownTicket { .. } => "unknown_ticket",
            Rejection::UnknownTicketNumber { .. } => "unknown_ticket",
            Rejection::UnknownPriorityClass { .. } => "unknown_priority_class",
            Rejection::PriorityNotAccepted { .. } => "priority_not_accepted",
            Rejection::Closed(Closure::Holiday { .. }) => "closed_holiday",
            Rejection::Closed(Closure::ClosedToday) => "closed_today",
            Rejection::Closed(Closure::NotYetOpen { .. }) => "not_yet_open",
            Rejection::Closed(Closure::OnBreak { .. }) => "on_break",
            Rejection::Closed(Closure::PastCutoff { .. }) => "past_cutoff",
            Rejection::QuotaReached { .. } => "quota_reached",
            Rejection::SequenceExhausted { .. } => "sequence_exhausted",
            Rejection::CounterNotOpen { .. } => "counter_not_open",
            Rejection::CounterInUse { .. } => "counter_in_use",
            Rejection::CounterBusy { .. } => "counter_busy",
            Rejection::AtOtherCounter { .. } => "at_other_counter",
            Rejection::NoCurrentTicket { .. } => "no_current_ticket",
            Rejection::QueueEmpty { .. } => "queue_empty",
            Rejection::InvalidState { .. } => "invalid_state",
            Rejection::ServiceNotAtCounter { .. } => "service_not_at_counter",
            Rejection::RecallLimit { .. } => "recall_limit",
            Rejection::SameService => "same_service",
            Rejection::NotRateable { .. } => "not_rateable",
            Rejection::RatedAtOtherCounter => "forbidden",
            Rejection::AlreadyRated => "already_rated",
            Rejection::InvalidRating(_) => "invalid_rating",
            Rejection::InvalidImport { .. } => "invalid_import",
            Rejection::InvalidFollowUp { .. } => "invalid_follow_up",
            Rejection::UnknownFollowUp => "unknown_follow_up",
            Rejection::Booking(problem) => problem.code(),
        }
    }

    /// Message in Bahasa Indonesia, for visitors and officers.
    pub fn message_id(&self) -> String {
        match self {
            Rejection::UnknownService { service } => {
                format!("Layanan \"{service}\" tidak ditemukan.")
            }
            Rejection::UnknownCounter { counter } => {
                format!("Loket \"{counter}\" tidak ditemukan.")
            }
            Rejection::UnknownTicket { ticket } => {
                format!("Tiket #{ticket} tidak ditemukan pada hari ini.")
            }
            Rejection::UnknownTicketNumber { number } => {
                format!("Nomor {number} tidak ditemukan pada hari ini.")
            }
            Rejection::UnknownPriorityClass { class } => {
                format!("Kategori prioritas \"{class}\" tidak dikenal.")
            }
            Rejection::PriorityNotAccepted {
                service_name,
                class,
            } => {
                format!("Layanan {service_name} tidak menerima antrean prioritas \"{class}\".")
            }
            Rejection::Closed(Closure::Holiday { name }) => {
                format!("Hari ini libur ({name}). Pelayanan tutup.")
            }
            Rejection::Closed(Closure::ClosedToday) => "Hari ini tidak ada pelayanan.".to_owned(),
            Rejection::Closed(Closure::NotYetOpen { opens }) => {
                format!(
                    "Pelayanan belum dibuka. Pengambilan nomor mulai pukul {}.",
                    opens.format_id()
                )
            }
            Rejection::Closed(Closure::OnBreak { label, until }) => {
                format!(
                    "{label}. Pelayanan dilanjutkan pukul {}.",
                    until.format_id()
                )
            }
            Rejection::Closed(Closure::PastCutoff { cutoff }) => format!(
                "Pengambilan nomor antrean hari ini sudah ditutup pukul {}.",
                cutoff.format_id()
            ),
            Rejection::QuotaReached {
                service_name,
                quota,
            } => {
                format!("Kuota harian layanan {service_name} ({quota} nomor) sudah habis.")
            }
            Rejection::SequenceExhausted { prefix } => {
                format!("Nomor antrean {prefix} hari ini sudah habis (maksimal 999).")
            }
            Rejection::CounterNotOpen { counter_name } => {
                format!("{counter_name} belum dibuka atau sedang istirahat.")
            }
            Rejection::CounterInUse {
                counter_name,
                officer,
            } => {
                format!("{counter_name} sedang digunakan oleh {officer}.")
            }
            Rejection::CounterBusy {
                counter_name,
                ticket_number,
            } => format!(
                "{counter_name} masih melayani nomor {ticket_number}. Selesaikan dulu nomor tersebut."
            ),
            Rejection::AtOtherCounter {
                ticket_number,
                counter_name,
            } => format!(
                "Nomor {ticket_number} sedang di {counter_name}; hanya petugas loket itu yang dapat membatalkannya."
            ),
            Rejection::NoCurrentTicket { counter_name } => {
                format!("Tidak ada nomor yang sedang dipanggil di {counter_name}.")
            }
            Rejection::QueueEmpty { counter_name } => {
                format!("Tidak ada antrean untuk {counter_name}.")
            }
            Rejection::InvalidState {
                ticket_number,
                state,
                ..
            } => format!(
                "Nomor {ticket_number} berstatus \"{}\"; tindakan ini tidak dapat dilakukan.",
                state_id(*state)
            ),
            Rejection::ServiceNotAtCounter {
                counter_name,
                service_name,
            } => {
                format!("{counter_name} tidak melayani {service_name}.")
            }
            Rejection::RecallLimit { max_recalls } => {
                format!("Nomor ini sudah dipanggil ulang {max_recalls} kali (batas maksimal).")
            }
            Rejection::SameService => "Nomor ini sudah berada di layanan tersebut.".to_owned(),
            Rejection::NotRateable { window_min } => format!(
                "Penilaian hanya dapat diberikan setelah selesai dilayani, paling lambat {window_min} menit sesudahnya."
            ),
            Rejection::RatedAtOtherCounter => {
                "Nomor ini dilayani di loket lain; layar ini hanya menilai layanan lokenya sendiri."
                    .to_owned()
            }
            Rejection::AlreadyRated => {
                "Terima kasih, penilaian untuk nomor ini sudah diterima sebelumnya.".to_owned()
            }
            Rejection::InvalidRating(problem) => problem.message_id(),
            Rejection::Booking(problem) => problem.message_id(),
            Rejection::InvalidImport {
                row: Some(row),
                reason,
            } => {
                format!("Impor ditolak, tidak ada yang diimpor: responden ke-{row}: {reason}")
            }
            Rejection::InvalidImport { row: None, reason } => {
                format!("Impor ditolak, tidak ada yang diimpor: {reason}")
            }
            Rejection::InvalidFollowUp { max_chars } => {
                format!("Uraian tindak lanjut harus diisi (maksimal {max_chars} karakter).")
            }
            Rejection::UnknownFollowUp => {
                "Tindak lanjut yang hendak diperbarui tidak ditemukan.".into()
            }
        }
    }

    /// Message in English.
    pub fn message_en(&self) -> String {
        match self {
            Rejection::UnknownService { service } => format!("Service \"{service}\" not found."),
            Rejection::UnknownCounter { counter } => format!("Counter \"{counter}\" not found."),
            Rejection::UnknownTicket { ticket } => format!("Ticket #{ticket} not found today."),
            Rejection::UnknownTicketNumber { number } => {
                format!("Number {number} not found today.")
            }
            Rejection::UnknownPriorityClass { class } => {
                format!("Unknown priority class \"{class}\".")
            }
            Rejection::PriorityNotAccepted {
                service_name,
                class,
            } => {
                format!("{service_name} does not accept priority class \"{class}\".")
            }
            Rejection::Closed(Closure::Holiday { name }) => {
                format!("Closed today for a holiday ({name}).")
            }
            Rejection::Closed(Closure::ClosedToday) => "No service today.".to_owned(),
            Rejection::Closed(Closure::NotYetOpen { opens }) => {
                format!("Not open yet. Tickets from {opens}.")
            }
            Rejection::Closed(Closure::OnBreak { label, until }) => {
                format!("On a break ({label}). Service resumes at {until}.")
            }
            Rejection::Closed(Closure::PastCutoff { cutoff }) => {
                format!("Ticket issuing closed for today at {cutoff}.")
            }
            Rejection::QuotaReached {
                service_name,
                quota,
            } => {
                format!("The daily quota for {service_name} ({quota} tickets) is used up.")
            }
            Rejection::SequenceExhausted { prefix } => {
                format!("All {prefix} numbers for today are used (999 at most).")
            }
            Rejection::CounterNotOpen { counter_name } => {
                format!("{counter_name} is closed or on a break.")
            }
            Rejection::CounterInUse {
                counter_name,
                officer,
            } => {
                format!("{counter_name} is in use by {officer}.")
            }
            Rejection::CounterBusy {
                counter_name,
                ticket_number,
            } => {
                format!("{counter_name} is still serving {ticket_number}. Finish it first.")
            }
            Rejection::AtOtherCounter {
                ticket_number,
                counter_name,
            } => format!(
                "{ticket_number} is at {counter_name}; only that counter's officer can cancel it."
            ),
            Rejection::NoCurrentTicket { counter_name } => {
                format!("{counter_name} has no called ticket.")
            }
            Rejection::QueueEmpty { counter_name } => {
                format!("Nobody is waiting for {counter_name}.")
            }
            Rejection::InvalidState {
                ticket_number,
                state,
                action,
            } => {
                format!(
                    "Cannot {action}: ticket {ticket_number} is {}.",
                    state.key()
                )
            }
            Rejection::ServiceNotAtCounter {
                counter_name,
                service_name,
            } => {
                format!("{counter_name} does not serve {service_name}.")
            }
            Rejection::RecallLimit { max_recalls } => {
                format!("Already recalled {max_recalls} times (the limit).")
            }
            Rejection::SameService => "The ticket is already in that service.".to_owned(),
            Rejection::NotRateable { window_min } => format!(
                "A ticket can be rated only after it was served, within {window_min} minutes."
            ),
            Rejection::RatedAtOtherCounter => {
                "This ticket was served at another counter; this screen rates its own counter only."
                    .to_owned()
            }
            Rejection::AlreadyRated => "Thank you, this ticket was already rated.".to_owned(),
            Rejection::InvalidRating(problem) => problem.message_en(),
            Rejection::Booking(problem) => problem.message_en(),
            Rejection::InvalidImport {
                row: Some(row),
                reason,
            } => {
                format!("Import refused, nothing imported: respondent {row}: {reason}")
            }
            Rejection::InvalidImport { row: None, reason } => {
                format!("Import refused, nothing imported: {reason}")
            }
            Rejection::InvalidFollowUp { max_chars } => {
                format!("A follow-up needs an action text (at most {max_chars} characters).")
            }
            Rejection::UnknownFollowUp => "The follow-up to update was not found.".into(),
        }
    }
}

/// Indonesian label of a ticket state, as shown to visitors.
pub fn state_id(state: TicketState) -> &'static str {
    match state {
        TicketState::Waiting => "menunggu",
        TicketState::Called => "dipanggil",
        TicketState::Serving => "sedang dilayani",
        TicketState::Parked => "ditunda",
        TicketState::Done => "selesai",
        TicketState::NoShow => "tidak hadir",
        TicketState::Cancelled => "dibatalkan",
        TicketState::Expired => "kedaluwarsa",
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message_en())
    }
}

impl std::error::Error for Rejection {}
