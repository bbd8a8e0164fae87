//! Printing on a blocking thread: the printer crate's `print_ticket` can take a second on a
//! slow serial link (or time out on an unplugged one); the screen keeps drawing meanwhile.

use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::time::{Duration, Instant};

use antrean_printer::{PortTarget, PrintPolicy, Profile, TicketPrint, print_ticket, query_health};
use antrean_protocol::PrinterHealth as WireHealth;

use crate::net::Waker;

/// Jobs waiting for the printer. One visitor takes one ticket at a time; two absorbs the
/// next visitor tapping while the previous ticket still feeds.
pub const PRINT_QUEUE_LEN: usize = 2;

/// How often an idle kiosk asks its printer for its status (DLE EOT). Officers learn of an
/// empty roll or an open cover before the next visitor does; one status query a minute
/// costs the printer nothing. Only a change is reported to the coordinator.
pub const IDLE_HEALTH_CHECK: Duration = Duration::from_secs(60);

/// A ticket to print.
#[derive(Debug, Clone)]
pub struct PrintJob {
    /// The ticket number, to match the result to the screen.
    pub ticket_number: String,
    /// What to print; `None` when the ticket cannot be laid out (the screen shows it).
    /// Boxed: a ticket is a few hundred bytes and travels through a channel.
    pub ticket: Option<Box<TicketPrint>>,
}

/// What happened to a job, or what an idle status check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintResult {
    /// The ticket number; `None` for an idle status check.
    pub ticket_number: Option<String>,
    /// On paper (as far as the printer can tell).
    pub printed: bool,
    /// Health for the coordinator.
    pub health: WireHealth,
    /// Printer crate's health code, for the screen and the log.
    pub health_code: String,
}

/// The UI's ends of the printer thread.
pub struct PrintHandle {
    /// Jobs.
    pub jobs: SyncSender<PrintJob>,
    /// Results.
    pub results: Receiver<PrintResult>,
}

impl PrintHandle {
    /// Queues `job`; when the queue is full the result is "not printed" at once, so the
    /// visitor sees the number on screen instead of waiting.
    pub fn submit(&self, job: PrintJob) -> Result<(), PrintJob> {
        match self.jobs.try_send(job) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(job) | TrySendError::Disconnected(job)) => Err(job),
        }
    }
}

/// Where to print. `None` = this kiosk has no printer (digital tickets only).
pub struct PrinterSetup {
    /// Port.
    pub target: PortTarget,
    /// Profile (already loaded, or the error that prevented it).
    pub profile: Result<Profile, String>,
}

/// Starts the printer thread. It ends when the UI drops its job sender.
pub fn spawn(setup: Option<PrinterSetup>, waker: Waker) -> PrintHandle {
    spawn_checking_every(setup, waker, IDLE_HEALTH_CHECK)
}

/// [`spawn`] with the idle status check every `idle_check` (the first one at start-up).
pub fn spawn_checking_every(
    setup: Option<PrinterSetup>,
    waker: Waker,
    idle_check: Duration,
) -> PrintHandle {
    let (job_tx, job_rx) = std::sync::mpsc::sync_channel::<PrintJob>(PRINT_QUEUE_LEN);
    let (result_tx, result_rx) = std::sync::mpsc::sync_channel(PRINT_QUEUE_LEN);
    std::thread::Builder::new()
        .name("kiosk-printer".into())
        .spawn(move || {
            let policy = PrintPolicy::default();
            // The health the coordinator last heard of, so an unchanged printer is not
            // reported every minute.
            let mut last_code: Option<String> = None;
            let mut next_check = Instant::now();
            loop {
                let wait = next_check.saturating_duration_since(Instant::now());
                let result = match job_rx.recv_timeout(wait) {
                    Ok(job) => print_one(&setup, &policy, job),
                    Err(RecvTimeoutError::Timeout) => {
                        next_check = Instant::now() + idle_check;
                        match idle_status(&setup, &policy) {
                            Some(result) if last_code.as_ref() != Some(&result.health_code) => {
                                result
                            }
                            _ => continue,
                        }
                    }
                    Err(RecvTimeoutError::Disconnected) => return,
                };
                next_check = Instant::now() + idle_check;
                last_code = Some(result.health_code.clone());
                if result_tx.send(result).is_err() {
                    return;
                }
                waker();
            }
        })
        .expect("spawn the printer thread");
    PrintHandle {
        jobs: job_tx,
        results: result_rx,
    }
}

/// The printer's status between tickets; `None` without a printer, or when its link or
/// profile cannot report status.
fn idle_status(setup: &Option<PrinterSetup>, policy: &PrintPolicy) -> Option<PrintResult> {
    let setup = setup.as_ref()?;
    let profile = setup.profile.as_ref().ok()?;
    let health = query_health(&setup.target, profile, policy);
    if health == antrean_printer::PrinterHealth::NotSupported {
        return None;
    }
    Some(PrintResult {
        ticket_number: None,
        printed: false,
        health: wire_health(health),
        health_code: health.code().to_owned(),
    })
}

fn print_one(setup: &Option<PrinterSetup>, policy: &PrintPolicy, job: PrintJob) -> PrintResult {
    let not_printed = |health: WireHealth, code: &str| PrintResult {
        ticket_number: Some(job.ticket_number.clone()),
        printed: false,
        health,
        health_code: code.to_owned(),
    };
    let Some(setup) = setup else {
        return not_printed(WireHealth::NotSupported, crate::model::NO_PRINTER);
    };
    let profile = match &setup.profile {
        Ok(profile) => profile,
        Err(error) => {
            tracing::error!("printer profile unusable: {error}");
            return not_printed(WireHealth::Error, "error_profile");
        }
    };
    let Some(ticket) = &job.ticket else {
        return not_printed(WireHealth::Error, "error_layout");
    };
    match print_ticket(&setup.target, profile, ticket, policy) {
        Ok(outcome) => PrintResult {
            ticket_number: Some(job.ticket_number.clone()),
            printed: outcome.printed(),
            health: wire_health(outcome.health),
            health_code: outcome.health.code().to_owned(),
        },
        Err(error) => {
            tracing::error!("ticket {} not printable: {error}", job.ticket_number);
            not_printed(WireHealth::Error, "error_layout")
        }
    }
}

/// The printer crate's health as the protocol's (which has no fault detail).
pub fn wire_health(health: antrean_printer::PrinterHealth) -> WireHealth {
    use antrean_printer::PrinterHealth as Local;
    match health {
        Local::Ready => WireHealth::Ready,
        Local::PaperNearEnd => WireHealth::PaperNearEnd,
        Local::PaperEnd => WireHealth::PaperEnd,
        Local::CoverOpen => WireHealth::CoverOpen,
        Local::Offline => WireHealth::Offline,
        Local::NoAnswer => WireHealth::NoAnswer,
        Local::Error(_) => WireHealth::Error,
        Local::NotSupported => WireHealth::NotSupported,
        // A fault this kiosk does not know yet: an officer should look.
        _ => WireHealth::Error,
    }
}
