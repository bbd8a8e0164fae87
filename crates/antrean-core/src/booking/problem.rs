//! Why a booking, a change to one, or a check-in was refused — in words a visitor
//! understands (Indonesian first), with stable codes for programs.

use super::nik::NikProblem;
use super::{BookingId, BookingState, LatePolicy};
use crate::time::{LocalDate, LocalTime};

/// A refused booking request. Refusals change nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BookingProblem {
    /// The service takes walk-ins only.
    NotOffered {
        /// Service name.
        service_name: String,
    },
    /// Booking is open only at set hours; it opens again at `opens` today, if at all.
    WindowClosed {
        /// The window's hours, formatted ("06.00–10.00, 16.00–22.00").
        hours: String,
    },
    /// The date is in the past or further ahead than the service allows.
    DateOutOfRange {
        /// Days ahead allowed.
        days_ahead: u16,
    },
    /// The site does not open that day (holiday or closed weekday).
    DayClosed {
        /// The date.
        date: LocalDate,
    },
    /// Not a slot of that day, or the slot already began.
    SlotNotOffered {
        /// The slot asked for.
        slot: LocalTime,
    },
    /// "Kuota penuh": every held seat of the day is taken.
    DayFull {
        /// Service name.
        service_name: String,
        /// The date.
        date: LocalDate,
        /// The next date within reach that still has seats.
        next_date: Option<LocalDate>,
    },
    /// This slot is full; others that day still have seats.
    SlotFull {
        /// The slot.
        slot: LocalTime,
    },
    /// The visitor already holds a booking for this service that day.
    AlreadyBooked {
        /// The date.
        date: LocalDate,
    },
    /// The service needs the visitor's NIK.
    NikRequired,
    /// The NIK given is not plausible.
    InvalidNik(NikProblem),
    /// Name or phone number missing or malformed.
    InvalidContact {
        /// Which field, in Indonesian.
        field_id: &'static str,
        /// Which field, in English.
        field_en: &'static str,
    },
    /// No such booking (or not this site's, or its day is over).
    Unknown {
        /// The id.
        booking: BookingId,
    },
    /// The booking was already used, cancelled or expired.
    NotActive {
        /// Its state.
        state: BookingState,
    },
    /// A check-in on another day than the booking's.
    OtherDay {
        /// The booking's date.
        date: LocalDate,
    },
    /// A check-in after the arrival window, and the service refuses late arrivals.
    TooLate {
        /// Slot start.
        slot: LocalTime,
        /// Minutes after the slot start a check-in was honoured.
        late_min: u16,
    },
    /// The service is booked at Antrean Pusat (the central booking page or a partner
    /// app), not on this site.
    BookedAtCentral {
        /// Service name.
        service_name: String,
    },
}

impl BookingProblem {
    /// Stable machine-readable code. Never change a published code.
    pub fn code(&self) -> &'static str {
        match self {
            BookingProblem::NotOffered { .. } => "booking_not_offered",
            BookingProblem::WindowClosed { .. } => "booking_window_closed",
            BookingProblem::DateOutOfRange { .. } => "booking_date_out_of_range",
            BookingProblem::DayClosed { .. } => "booking_day_closed",
            BookingProblem::SlotNotOffered { .. } => "slot_not_offered",
            BookingProblem::DayFull { .. } => "booking_full",
            BookingProblem::SlotFull { .. } => "slot_full",
            BookingProblem::AlreadyBooked { .. } => "already_booked",
            BookingProblem::NikRequired => "nik_required",
            BookingProblem::InvalidNik(_) => "invalid_nik",
            BookingProblem::InvalidContact { .. } => "invalid_contact",
            BookingProblem::Unknown { .. } => "unknown_booking",
            BookingProblem::NotActive { .. } => "booking_not_active",
            BookingProblem::OtherDay { .. } => "booking_other_day",
            BookingProblem::TooLate { .. } => "booking_too_late",
            BookingProblem::BookedAtCentral { .. } => "booked_at_central",
        }
    }

    /// Message in Bahasa Indonesia.
    pub fn message_id(&self) -> String {
        match self {
            BookingProblem::NotOffered { service_name } => {
                format!("Layanan {service_name} tidak menerima booking; silakan datang langsung.")
            }
            BookingProblem::WindowClosed { hours } => {
                format!("Booking hanya dibuka pukul {hours}.")
            }
            BookingProblem::DateOutOfRange { days_ahead } => format!(
                "Tanggal tidak dapat dipilih. Booking dapat dilakukan untuk hari ini sampai {days_ahead} hari ke depan."
            ),
            BookingProblem::DayClosed { date } => {
                format!("Tidak ada pelayanan pada {}.", date.format_id())
            }
            BookingProblem::SlotNotOffered { slot } => {
                format!("Jam {} tidak tersedia untuk booking.", slot.format_id())
            }
            BookingProblem::DayFull {
                service_name,
                date,
                next_date,
            } => match next_date {
                Some(next) => format!(
                    "Kuota penuh: booking {service_name} untuk {} sudah habis. Tanggal terdekat yang masih tersedia: {}.",
                    date.format_id(),
                    next.format_id()
                ),
                None => format!(
                    "Kuota penuh: booking {service_name} untuk {} sudah habis, dan belum ada tanggal lain yang tersedia.",
                    date.format_id()
                ),
            },
            BookingProblem::SlotFull { slot } => format!(
                "Jam {} sudah penuh. Silakan pilih jam lain.",
                slot.format_id()
            ),
            BookingProblem::AlreadyBooked { date } => format!(
                "Anda sudah memiliki booking untuk layanan ini pada {}. Ubah atau batalkan booking tersebut.",
                date.format_id()
            ),
            BookingProblem::NikRequired => "Layanan ini memerlukan NIK.".to_owned(),
            BookingProblem::InvalidNik(problem) => problem.message_id().to_owned(),
            BookingProblem::InvalidContact { field_id, .. } => {
                format!("{field_id} belum diisi dengan benar.")
            }
            BookingProblem::Unknown { .. } => {
                "Kode booking tidak ditemukan. Periksa kembali kodenya.".to_owned()
            }
            BookingProblem::NotActive { state } => match state {
                BookingState::CheckedIn { .. } => "Kode booking ini sudah digunakan.".to_owned(),
                BookingState::Cancelled => "Booking ini sudah dibatalkan.".to_owned(),
                BookingState::Expired => {
                    "Booking ini sudah kedaluwarsa karena tidak hadir tepat waktu.".to_owned()
                }
                BookingState::Active => "Booking ini masih aktif.".to_owned(),
            },
            BookingProblem::OtherDay { date } => format!(
                "Booking ini untuk tanggal {}, bukan hari ini.",
                date.format_id()
            ),
            BookingProblem::TooLate { slot, late_min } => format!(
                "Maaf, Anda terlambat: booking jam {} hanya berlaku sampai {late_min} menit sesudahnya. Silakan booking ulang atau datang di hari lain.",
                slot.format_id()
            ),
            BookingProblem::BookedAtCentral { service_name } => format!(
                "Booking {service_name} dilakukan melalui Antrean Pusat (halaman booking pusat atau aplikasi mitra), bukan di sini."
            ),
        }
    }

    /// Message in English.
    pub fn message_en(&self) -> String {
        match self {
            BookingProblem::NotOffered { service_name } => {
                format!("{service_name} takes no bookings; please come in person.")
            }
            BookingProblem::WindowClosed { hours } => {
                format!("Booking is open only at {hours}.")
            }
            BookingProblem::DateOutOfRange { days_ahead } => {
                format!("That date cannot be booked: from today up to {days_ahead} days ahead.")
            }
            BookingProblem::DayClosed { date } => format!("No service on {date}."),
            BookingProblem::SlotNotOffered { slot } => {
                format!("{slot} cannot be booked.")
            }
            BookingProblem::DayFull {
                service_name,
                date,
                next_date,
            } => match next_date {
                Some(next) => format!(
                    "Fully booked: no {service_name} seats left on {date}. The next date with seats: {next}."
                ),
                None => format!(
                    "Fully booked: no {service_name} seats left on {date}, and no other date has seats yet."
                ),
            },
            BookingProblem::SlotFull { slot } => {
                format!("{slot} is full. Please choose another time.")
            }
            BookingProblem::AlreadyBooked { date } => format!(
                "You already hold a booking for this service on {date}. Change or cancel it instead."
            ),
            BookingProblem::NikRequired => "This service needs your NIK.".to_owned(),
            BookingProblem::InvalidNik(problem) => problem.message_en().to_owned(),
            BookingProblem::InvalidContact { field_en, .. } => {
                format!("Please fill in {field_en} correctly.")
            }
            BookingProblem::Unknown { .. } => "Booking code not found. Please check it.".to_owned(),
            BookingProblem::NotActive { state } => match state {
                BookingState::CheckedIn { .. } => "This booking code was already used.".to_owned(),
                BookingState::Cancelled => "This booking was cancelled.".to_owned(),
                BookingState::Expired => {
                    "This booking expired: nobody checked in in time.".to_owned()
                }
                BookingState::Active => "This booking is still active.".to_owned(),
            },
            BookingProblem::OtherDay { date } => {
                format!("This booking is for {date}, not today.")
            }
            BookingProblem::TooLate { slot, late_min } => format!(
                "Sorry, too late: a {slot} booking is honoured up to {late_min} minutes after it. Please book again."
            ),
            BookingProblem::BookedAtCentral { service_name } => format!(
                "{service_name} is booked through Antrean Pusat (the central booking page or a partner app), not here."
            ),
        }
    }
}

/// What a late visitor is told when the catalog turns them into a walk-in.
pub fn late_walk_in_note(late: LatePolicy) -> Option<(&'static str, &'static str)> {
    (late == LatePolicy::WalkIn).then_some((
        "Anda datang setelah batas waktu booking, sehingga dilayani sebagai antrean biasa.",
        "You came after your booking's arrival window, so you are served as a walk-in.",
    ))
}
