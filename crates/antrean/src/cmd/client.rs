//! Client subcommands: every role, over the real WebSocket protocol.

use antrean_client::Client;
use antrean_protocol::{Auth, DeviceKind, Request, TicketRef};
use anyhow::bail;
use clap::{Args, Subcommand, ValueEnum};

use super::output::{message_line, print_result};

/// Where to connect and as whom. Exactly one identity is used, in this order: officer
/// (--officer/--pin/--counter), manager (--manager/--password), device (--token), visitor
/// (--ticket-token).
#[derive(Args, Clone)]
pub struct Connection {
    /// Coordinator WebSocket URL.
    #[arg(
        long,
        env = "ANTREAN_URL",
        default_value = "ws://127.0.0.1:8600/ws",
        global = true
    )]
    url: String,
    /// Device token of a kiosk (or of a display board with --display).
    #[arg(long, env = "ANTREAN_TOKEN", hide_env_values = true, global = true)]
    token: Option<String>,
    /// The --token belongs to a display board.
    #[arg(long, global = true)]
    display: bool,
    /// Officer id.
    #[arg(long, env = "ANTREAN_OFFICER", global = true)]
    officer: Option<String>,
    /// Officer PIN.
    #[arg(long, env = "ANTREAN_PIN", hide_env_values = true, global = true)]
    pin: Option<String>,
    /// Counter: the officer's seat, or the counter a manager acts on.
    #[arg(long, env = "ANTREAN_COUNTER", global = true)]
    counter: Option<String>,
    /// Manager user name.
    #[arg(long, env = "ANTREAN_MANAGER", global = true)]
    manager: Option<String>,
    /// Manager password.
    #[arg(long, env = "ANTREAN_PASSWORD", hide_env_values = true, global = true)]
    password: Option<String>,
    /// Digital-ticket token (visitor).
    #[arg(long, global = true)]
    ticket_token: Option<String>,
    /// Print results as JSON.
    #[arg(long, global = true)]
    json: bool,
}

impl Connection {
    fn auth(&self) -> anyhow::Result<Auth> {
        if let (Some(officer), Some(pin), Some(counter)) = (&self.officer, &self.pin, &self.counter)
        {
            return Ok(Auth::Officer {
                officer: officer.clone(),
                pin: pin.clone(),
                counter: counter.clone(),
            });
        }
        if let (Some(username), Some(password)) = (&self.manager, &self.password) {
            return Ok(Auth::Manager {
                username: username.clone(),
                password: password.clone(),
            });
        }
        if let Some(token) = &self.token {
            return Ok(if self.display {
                Auth::Display {
                    token: token.clone(),
                }
            } else {
                Auth::Kiosk {
                    token: token.clone(),
                }
            });
        }
        if let Some(ticket_token) = &self.ticket_token {
            return Ok(Auth::Public {
                ticket_token: ticket_token.clone(),
            });
        }
        bail!(
            "no credentials: give --officer/--pin/--counter, --manager/--password, --token or --ticket-token"
        )
    }

    async fn connect(&self) -> anyhow::Result<Client> {
        Ok(Client::connect(&self.url, self.auth()?).await?)
    }

    /// For one request and its answer: no snapshot, no event stream.
    pub(crate) async fn connect_quiet(&self) -> anyhow::Result<Client> {
        Ok(Client::connect_with(&self.url, self.auth()?, false).await?)
    }

    /// The counter for counter actions: only a manager names it in the request.
    pub(crate) fn counter_for_request(&self) -> Option<String> {
        if self.officer.is_some() {
            None
        } else {
            self.counter.clone()
        }
    }

    pub(crate) async fn run(
        &self,
        request: Request,
        request_id: Option<&str>,
    ) -> anyhow::Result<()> {
        let mut client = self.connect_quiet().await?;
        let result = match request_id {
            Some(id) => client.request_with_id(id, request).await,
            None => client.request(request).await,
        };
        client.close().await;
        print_result(&result?, self.json);
        Ok(())
    }
}

fn ticket_ref(text: &str) -> TicketRef {
    text.parse()
        .map_or_else(|_| TicketRef::Number(text.to_uppercase()), TicketRef::Id)
}

#[derive(Subcommand)]
pub enum TicketCommand {
    /// Take a ticket (kiosk token, officer or manager).
    Take {
        /// Service code, e.g. ktp-el-baru.
        service: String,
        /// Priority class (lansia, disabilitas, ibu-hamil, anak, korban-bencana).
        #[arg(long)]
        priority: Option<String>,
        /// Request id: retrying with the same id never takes a second ticket.
        #[arg(long)]
        request_id: Option<String>,
        #[command(flatten)]
        conn: Connection,
    },
    /// Show a ticket (by id or number, e.g. A-012; a visitor's own with --ticket-token).
    Show {
        /// Ticket id or number (omit with --ticket-token).
        ticket: Option<String>,
        #[command(flatten)]
        conn: Connection,
    },
    /// Cancel a ticket (staff).
    Cancel {
        /// Ticket id or number.
        ticket: String,
        #[command(flatten)]
        conn: Connection,
    },
    /// Return a parked ticket to its queue (staff).
    Unpark {
        /// Ticket id or number.
        ticket: String,
        #[command(flatten)]
        conn: Connection,
    },
    /// Queue a no-show again who came back late (staff).
    Reinstate {
        /// Ticket id or number.
        ticket: String,
        #[command(flatten)]
        conn: Connection,
    },
}

pub async fn ticket(command: TicketCommand) -> anyhow::Result<()> {
    match command {
        TicketCommand::Take {
            service,
            priority,
            request_id,
            conn,
        } => {
            conn.run(
                Request::IssueTicket { service, priority },
                request_id.as_deref(),
            )
            .await
        }
        TicketCommand::Show { ticket, conn } => {
            conn.run(
                Request::GetTicket {
                    ticket: ticket.as_deref().map(ticket_ref),
                },
                None,
            )
            .await
        }
        TicketCommand::Cancel { ticket, conn } => {
            conn.run(
                Request::Cancel {
                    ticket: ticket_ref(&ticket),
                },
                None,
            )
            .await
        }
        TicketCommand::Unpark { ticket, conn } => {
            conn.run(
                Request::Unpark {
                    ticket: ticket_ref(&ticket),
                },
                None,
            )
            .await
        }
        TicketCommand::Reinstate { ticket, conn } => {
            conn.run(
                Request::Reinstate {
                    ticket: ticket_ref(&ticket),
                },
                None,
            )
            .await
        }
    }
}

#[derive(Subcommand)]
pub enum CounterCommand {
    /// Call the next ticket by the queue policy.
    Next(CounterArgs),
    /// Call a specific ticket out of order.
    Call {
        /// Ticket id or number.
        ticket: String,
        #[command(flatten)]
        conn: Connection,
    },
    /// Announce the called ticket again.
    Recall(CounterArgs),
    /// The visitor arrived: start service.
    Start(CounterArgs),
    /// Finish service.
    Finish(CounterArgs),
    /// The called visitor did not come.
    NoShow(CounterArgs),
    /// Send the current visitor to another service, keeping the number.
    Transfer {
        /// Target service code.
        service: String,
        /// Put them at the front of the target queue.
        #[arg(long)]
        front: bool,
        #[command(flatten)]
        conn: Connection,
    },
    /// Hold the current ticket aside.
    Park(CounterArgs),
    /// Take a break.
    Pause {
        /// Why: istirahat, sholat, rapat or lainnya (kept in the log and the report).
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        conn: Connection,
    },
    /// Back from a break.
    Resume(CounterArgs),
    /// Close the counter.
    Close(CounterArgs),
}

#[derive(Args)]
pub struct CounterArgs {
    #[command(flatten)]
    conn: Connection,
}

pub async fn counter(command: CounterCommand) -> anyhow::Result<()> {
    let (conn, request) = match command {
        CounterCommand::Next(a) => {
            let counter = a.conn.counter_for_request();
            (a.conn, Request::CallNext { counter })
        }
        CounterCommand::Call { ticket, conn } => {
            let counter = conn.counter_for_request();
            (
                conn,
                Request::CallTicket {
                    ticket: ticket_ref(&ticket),
                    counter,
                },
            )
        }
        CounterCommand::Recall(a) => {
            let counter = a.conn.counter_for_request();
            (a.conn, Request::Recall { counter })
        }
        CounterCommand::Start(a) => {
            let counter = a.conn.counter_for_request();
            (a.conn, Request::Start { counter })
        }
        CounterCommand::Finish(a) => {
            let counter = a.conn.counter_for_request();
            (a.conn, Request::Finish { counter })
        }
        CounterCommand::NoShow(a) => {
            let counter = a.conn.counter_for_request();
            (a.conn, Request::NoShow { counter })
        }
        CounterCommand::Transfer {
            service,
            front,
            conn,
        } => {
            let counter = conn.counter_for_request();
            (
                conn,
                Request::Transfer {
                    service,
                    to_front: front,
                    counter,
                },
            )
        }
        CounterCommand::Park(a) => {
            let counter = a.conn.counter_for_request();
            (a.conn, Request::Park { counter })
        }
        CounterCommand::Pause { reason, conn } => {
            let counter = conn.counter_for_request();
            (conn, Request::Pause { counter, reason })
        }
        CounterCommand::Resume(a) => {
            let counter = a.conn.counter_for_request();
            (a.conn, Request::Resume { counter })
        }
        CounterCommand::Close(a) => {
            let counter = a.conn.counter_for_request();
            (a.conn, Request::CloseCounter { counter })
        }
    };
    conn.run(request, None).await
}

#[derive(Args)]
pub struct StatusArgs {
    #[command(flatten)]
    conn: Connection,
}

pub async fn status(args: StatusArgs) -> anyhow::Result<()> {
    args.conn.run(Request::QueueStatus, None).await
}

pub async fn principals(args: StatusArgs) -> anyhow::Result<()> {
    args.conn.run(Request::ListPrincipals, None).await
}

#[derive(Args)]
pub struct WatchArgs {
    /// Stop after this many messages (default: run until interrupted).
    #[arg(long)]
    count: Option<u64>,
    /// Reconnect (with backoff) when the coordinator goes away.
    #[arg(long)]
    reconnect: bool,
    #[command(flatten)]
    conn: Connection,
}

pub async fn watch(args: WatchArgs) -> anyhow::Result<()> {
    let mut printed = 0u64;
    let mut backoff = antrean_client::Backoff::default();
    loop {
        match args.conn.connect().await {
            Ok(mut client) => {
                backoff.reset();
                loop {
                    match client.next_message().await {
                        Ok(message) => {
                            println!("{}", message_line(&message, args.conn.json));
                            printed += 1;
                            if args.count.is_some_and(|n| printed >= n) {
                                return Ok(());
                            }
                        }
                        Err(err) if args.reconnect => {
                            eprintln!("connection lost ({err}); reconnecting");
                            break;
                        }
                        Err(err) => return Err(err.into()),
                    }
                }
            }
            Err(err) if args.reconnect => eprintln!("cannot connect ({err}); retrying"),
            Err(err) => return Err(err),
        }
        tokio::time::sleep(backoff.next_delay()).await;
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DeviceKindArg {
    Kiosk,
    Display,
    Rating,
}

#[derive(Subcommand)]
pub enum DeviceCommand {
    /// Enroll a device; prints its token once.
    Enroll {
        /// kiosk, display or rating.
        kind: DeviceKindArg,
        /// Device name (a-z, 0-9, '-', '_'). A rating screen also needs the global
        /// `--counter` it belongs to.
        name: String,
        #[command(flatten)]
        conn: Connection,
    },
    /// Revoke a device's token.
    Revoke {
        /// Device name.
        name: String,
        #[command(flatten)]
        conn: Connection,
    },
}

pub async fn device(command: DeviceCommand) -> anyhow::Result<()> {
    match command {
        DeviceCommand::Enroll { kind, name, conn } => {
            let counter = conn.counter_for_request();
            let kind = match kind {
                DeviceKindArg::Kiosk => DeviceKind::Kiosk,
                DeviceKindArg::Display => DeviceKind::Display,
                DeviceKindArg::Rating => DeviceKind::Rating,
            };
            conn.run(
                Request::EnrollDevice {
                    kind,
                    name,
                    counter,
                },
                None,
            )
            .await
        }
        DeviceCommand::Revoke { name, conn } => {
            conn.run(Request::RevokeDevice { name }, None).await
        }
    }
}

#[derive(Subcommand)]
pub enum OfficerCommand {
    /// Create or update an officer and set the PIN.
    Set {
        /// Officer id (a-z, 0-9, '-', '_').
        id: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// New PIN (4–8 digits).
        #[arg(long = "new-pin")]
        new_pin: String,
        #[command(flatten)]
        conn: Connection,
    },
    /// Remove an officer.
    Remove {
        /// Officer id.
        id: String,
        #[command(flatten)]
        conn: Connection,
    },
}

pub async fn officer(command: OfficerCommand) -> anyhow::Result<()> {
    match command {
        OfficerCommand::Set {
            id,
            name,
            new_pin,
            conn,
        } => {
            conn.run(
                Request::SetOfficer {
                    officer: id,
                    name,
                    pin: new_pin,
                },
                None,
            )
            .await
        }
        OfficerCommand::Remove { id, conn } => {
            conn.run(Request::RemoveOfficer { officer: id }, None).await
        }
    }
}
