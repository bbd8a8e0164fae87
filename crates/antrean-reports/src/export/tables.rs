//! The report's tables, Indonesian headers. Durations are shown in minutes.

use antrean_core::rating::{EDUCATION, FACES_ID};
use antrean_protocol::{ReportDto, StatsDto};

use super::{Cell, Table};

fn minutes(seconds: f64) -> Cell {
    Cell::dec(seconds / 60.0, 1)
}

/// The report's scope in words: names, not codes ("layanan Penerbitan SKCK", "loket Loket 2"
/// reads as "Loket 2"), the code only where no name is known.
fn filters(r: &ReportDto) -> String {
    let mut parts = vec![format!("periode {}", r.period_id)];
    let names = &r.scope_names;
    for (label, code, name) in [
        ("instansi", &r.agency, &names.agency),
        ("layanan", &r.service, &names.service),
        ("", &r.counter, &names.counter),
        ("petugas", &r.officer, &names.officer),
    ] {
        if let Some(code) = code {
            let shown = name.as_deref().unwrap_or(code);
            parts.push(if label.is_empty() {
                shown.to_owned()
            } else {
                format!("{label} {shown}")
            });
        }
    }
    format!("{} — {}", r.site, parts.join(", "))
}

/// "Jumat, 4 Desember 2026" from "2026-12-04" (the ISO text if it does not parse).
fn day_in_words(iso: &str) -> String {
    antrean_core::LocalDate::parse(iso)
        .map_or_else(|| iso.to_owned(), |d| d.format_id_with_weekday())
}

fn stats_row(label: &str, s: &StatsDto) -> Vec<Cell> {
    vec![
        Cell::text(label),
        Cell::int(s.count),
        minutes(s.mean_s),
        minutes(s.median_s),
        minutes(s.p90_s),
        minutes(s.max_s),
    ]
}

/// Waiting-time report: per day (first: the CSV), summary, per hour, compliance, officers,
/// and, when the period has bookings, the booking summary and the slot use.
pub fn waiting_tables(r: &ReportDto) -> Vec<Table> {
    let mut tables = vec![
        per_day_table(r),
        summary_table(r),
        hour_table(r),
        compliance_table(r),
        officer_table(r),
    ];
    if !r.breaks.is_empty() {
        tables.push(break_table(r));
    }
    if !r.booking.is_empty() {
        tables.push(booking_table(r));
        tables.push(slot_table(r));
    }
    tables
}

/// Booked against walk-in, what became of the bookings, punctuality.
fn booking_table(r: &ReportDto) -> Table {
    let b = &r.booking;
    let line = |label: &str, value: Cell| vec![Cell::text(label), value];
    Table {
        sheet: "Booking",
        title: format!("Booking online — {}", filters(r)),
        header: vec!["Ukuran", "Nilai"],
        rows: vec![
            line("Tiket dari booking", Cell::int(b.booked_visits)),
            line("Tiket datang langsung", Cell::int(b.walk_in_visits)),
            line("Booking untuk periode ini", Cell::int(b.made)),
            line("Check-in", Cell::int(b.checked_in)),
            line("Dibatalkan", Cell::int(b.cancelled)),
            line("Tidak datang (kedaluwarsa)", Cell::int(b.expired)),
            line("Masih aktif", Cell::int(b.active)),
            line("Tingkat tidak datang (%)", Cell::dec(b.no_show_percent, 1)),
            line("Datang sebelum jadwal", Cell::int(b.early)),
            line("Rata-rata lebih awal (menit)", minutes(b.early_by.mean_s)),
            line("Datang setelah jadwal dimulai", Cell::int(b.late)),
            line("Rata-rata terlambat (menit)", minutes(b.late_by.mean_s)),
        ],
    }
}

/// Bookings per service and slot.
fn slot_table(r: &ReportDto) -> Table {
    Table {
        sheet: "Slot booking",
        title: format!("Pemakaian slot booking — {}", filters(r)),
        header: vec!["Layanan", "Jam", "Dibooking", "Check-in", "Tidak datang"],
        rows: r
            .booking
            .slots
            .iter()
            .map(|s| {
                vec![
                    Cell::text(&s.service_name),
                    Cell::text(&s.slot),
                    Cell::int(s.booked),
                    Cell::int(s.checked_in),
                    Cell::int(s.expired),
                ]
            })
            .collect(),
    }
}

/// The figures per day, with a total row.
fn per_day_table(r: &ReportDto) -> Table {
    let mut per_day: Vec<Vec<Cell>> = r
        .by_day
        .iter()
        .map(|d| {
            vec![
                Cell::text(day_in_words(&d.day)),
                Cell::int(d.counts.issued),
                Cell::int(d.counts.served),
                Cell::int(d.counts.no_show),
                Cell::int(d.counts.cancelled),
                Cell::int(d.counts.expired),
                minutes(d.waiting.mean_s),
                minutes(d.waiting.median_s),
                minutes(d.waiting.p90_s),
                minutes(d.service.mean_s),
            ]
        })
        .collect();
    let c = &r.counts;
    per_day.push(vec![
        Cell::text("Total"),
        Cell::int(c.issued),
        Cell::int(c.served),
        Cell::int(c.no_show),
        Cell::int(c.cancelled),
        Cell::int(c.expired),
        minutes(r.waiting.mean_s),
        minutes(r.waiting.median_s),
        minutes(r.waiting.p90_s),
        minutes(r.service_time.mean_s),
    ]);
    Table {
        sheet: "Per hari",
        title: format!("Waktu tunggu per hari — {}", filters(r)),
        header: vec![
            "Tanggal",
            "Diterbitkan",
            "Dilayani",
            "Tidak hadir",
            "Dibatalkan",
            "Kedaluwarsa",
            "Rata-rata tunggu (menit)",
            "Median tunggu (menit)",
            "P90 tunggu (menit)",
            "Rata-rata layanan (menit)",
        ],
        rows: per_day,
    }
}

/// Waiting, walking and service time, and idle counter time.
fn summary_table(r: &ReportDto) -> Table {
    let idle_pct = if r.open_s == 0 {
        0.0
    } else {
        100.0 * r.idle_s as f64 / r.open_s as f64
    };
    Table {
        sheet: "Ringkasan",
        title: format!("Ringkasan waktu — {}", filters(r)),
        header: vec![
            "Ukuran",
            "Jumlah",
            "Rata-rata (menit)",
            "Median (menit)",
            "P90 (menit)",
            "Maksimum (menit)",
        ],
        rows: vec![
            stats_row("Waktu tunggu (ambil nomor → dipanggil)", &r.waiting),
            stats_row("Waktu menuju loket (dipanggil → mulai)", &r.walk),
            stats_row("Waktu layanan (mulai → selesai)", &r.service_time),
            vec![
                Cell::text("Waktu loket tanpa pengunjung (jam / % dari waktu buka)"),
                Cell::dec(r.idle_s as f64 / 3600.0, 1),
                Cell::dec(idle_pct, 1),
                Cell::text(""),
                Cell::text(""),
                Cell::text(""),
            ],
        ],
    }
}

/// Issued, served and waiting per hour of the day.
fn hour_table(r: &ReportDto) -> Table {
    Table {
        sheet: "Per jam",
        title: format!("Per jam — {}", filters(r)),
        header: vec![
            "Jam",
            "Diterbitkan",
            "Dilayani",
            "Rata-rata tunggu (menit)",
            "P90 tunggu (menit)",
        ],
        rows: r
            .by_hour
            .iter()
            .map(|h| {
                // An hour without tickets reads "–", not zeros that look like measurements.
                let idle = h.issued == 0 && h.served == 0;
                let dash = || Cell::text("–");
                let wait = |s: f64| {
                    if h.waiting.count == 0 {
                        dash()
                    } else {
                        minutes(s)
                    }
                };
                vec![
                    Cell::text(format!("{:02}.00–{:02}.59", h.hour, h.hour)),
                    if idle { dash() } else { Cell::int(h.issued) },
                    if idle { dash() } else { Cell::int(h.served) },
                    wait(h.waiting.mean_s),
                    wait(h.waiting.p90_s),
                ]
            })
            .collect(),
    }
}

/// Service time against each service's published standard.
fn compliance_table(r: &ReportDto) -> Table {
    Table {
        sheet: "Kepatuhan",
        title: format!(
            "Kepatuhan terhadap jangka waktu penyelesaian — {}",
            filters(r)
        ),
        header: vec![
            "Layanan",
            "Standar (menit)",
            "Dasar",
            "Diukur",
            "Sesuai standar",
            "Kepatuhan (%)",
            "Rata-rata layanan (menit)",
            "P90 layanan (menit)",
        ],
        rows: r
            .compliance
            .iter()
            .map(|c| {
                vec![
                    Cell::text(&c.service_name),
                    Cell::int(c.standard_min),
                    Cell::text(if c.counter_target {
                        "Target loket"
                    } else {
                        "Standar pelayanan"
                    }),
                    Cell::int(c.measured),
                    Cell::int(c.within),
                    Cell::dec(c.percent, 1),
                    minutes(c.service_time.mean_s),
                    minutes(c.service_time.p90_s),
                ]
            })
            .collect(),
    }
}

/// Counter breaks by reason (istirahat, sholat, rapat…).
fn break_table(r: &ReportDto) -> Table {
    Table {
        sheet: "Istirahat",
        title: format!("Istirahat loket menurut alasan — {}", filters(r)),
        header: vec!["Alasan", "Berapa kali", "Jumlah (jam)", "Rata-rata (menit)"],
        rows: r
            .breaks
            .iter()
            .map(|b| {
                vec![
                    Cell::text(&b.label),
                    Cell::int(b.count),
                    Cell::dec(b.total_s as f64 / 3600.0, 1),
                    minutes(b.total_s as f64 / f64::from(b.count.max(1))),
                ]
            })
            .collect(),
    }
}

/// Served and counter time per officer.
fn officer_table(r: &ReportDto) -> Table {
    Table {
        sheet: "Petugas",
        title: format!("Per petugas — {}", filters(r)),
        header: vec![
            "Petugas",
            "Dilayani",
            "Jam buka",
            "Jam tanpa pengunjung",
            "Jam istirahat",
            "Rata-rata layanan (menit)",
        ],
        rows: r
            .officers
            .iter()
            .map(|o| {
                vec![
                    Cell::text(o.name.as_deref().unwrap_or(&o.officer)),
                    Cell::int(o.served),
                    Cell::dec(o.open_s as f64 / 3600.0, 1),
                    Cell::dec(o.idle_s as f64 / 3600.0, 1),
                    Cell::dec(
                        o.breaks.iter().map(|b| b.total_s).sum::<u64>() as f64 / 3600.0,
                        1,
                    ),
                    minutes(o.service.mean_s),
                ]
            })
            .collect(),
    }
}

/// SKM/IKM report: per unsur (first: the CSV), respondents, suggestions, follow-ups.
pub fn ikm_tables(r: &ReportDto) -> Vec<Table> {
    vec![
        unsur_table(r),
        respondents_table(r),
        suggestions_table(r),
        follow_up_table(r),
    ]
}

/// NRR, weighted NRR, score and mutu per unsur, and the IKM (or why it is missing).
fn unsur_table(r: &ReportDto) -> Table {
    let skm = &r.skm;
    let mut unsur_rows: Vec<Vec<Cell>> = Vec::new();
    let mut title = format!("Survei Kepuasan Masyarakat — {}", filters(r));
    if let Some(ikm) = &skm.ikm {
        title.push_str(&format!(" — {}", ikm.weight_label));
        for u in &ikm.unsur {
            unsur_rows.push(vec![
                Cell::text(format!("U{}", u.number)),
                Cell::text(&u.name),
                Cell::text(&u.key),
                Cell::int(u.answered),
                Cell::dec(u.nrr, 2),
                Cell::dec(u.nrr_weighted, 3),
                Cell::dec(u.score, 2),
                Cell::text(&u.mutu),
            ]);
        }
        unsur_rows.push(vec![
            Cell::text("IKM"),
            Cell::text(format!("Kinerja: {}", ikm.kinerja)),
            Cell::text(""),
            Cell::int(ikm.respondents),
            Cell::text(""),
            Cell::text(""),
            Cell::dec(ikm.ikm, 2),
            Cell::text(&ikm.mutu),
        ]);
    } else if let Some(why) = &skm.ikm_missing {
        unsur_rows.push(vec![
            Cell::text("IKM"),
            Cell::text(format!("belum dapat dihitung: {why}")),
        ]);
    }
    Table {
        sheet: "SKM per unsur",
        title,
        header: vec![
            "No",
            "Unsur",
            "Kode",
            "Responden menjawab",
            "NRR",
            "NRR tertimbang",
            "Nilai (NRR × 25)",
            "Mutu",
        ],
        rows: unsur_rows,
    }
}

/// Who answered: counts, the Krejcie–Morgan target, the profile and the quick faces.
fn respondents_table(r: &ReportDto) -> Table {
    let skm = &r.skm;
    let mut profile_rows = vec![
        vec![
            Cell::text("Responden (kuesioner)"),
            Cell::int(skm.respondents),
        ],
        vec![
            Cell::text("Di antaranya impor (kertas)"),
            Cell::int(skm.imported),
        ],
        vec![
            Cell::text("Pengguna layanan dalam periode (N)"),
            Cell::int(skm.population),
        ],
        vec![
            Cell::text("Target sampel (Krejcie–Morgan)"),
            Cell::int(skm.target_sample as f64),
        ],
        vec![Cell::text("Laki-laki"), Cell::int(skm.gender[0])],
        vec![Cell::text("Perempuan"), Cell::int(skm.gender[1])],
        vec![
            Cell::text("Penyandang disabilitas"),
            Cell::int(skm.disability),
        ],
    ];
    for (name, n) in EDUCATION.iter().zip(skm.education) {
        profile_rows.push(vec![Cell::text(format!("Pendidikan {name}")), Cell::int(n)]);
    }
    for (name, n) in FACES_ID.iter().zip(skm.faces) {
        profile_rows.push(vec![
            Cell::text(format!("Penilaian cepat: {name}")),
            Cell::int(n),
        ]);
    }
    Table {
        sheet: "Responden",
        title: format!("Responden — {}", filters(r)),
        header: vec!["Keterangan", "Jumlah"],
        rows: profile_rows,
    }
}

/// The suggestions visitors wrote.
fn suggestions_table(r: &ReportDto) -> Table {
    let skm = &r.skm;
    Table {
        sheet: "Saran",
        title: format!("Saran dan masukan — {}", filters(r)),
        header: vec!["Waktu", "Layanan", "Tiket", "Saran/masukan"],
        rows: skm
            .comments
            .iter()
            .map(|c| {
                vec![
                    Cell::text(&c.at_id),
                    Cell::text(c.service.clone().unwrap_or_default()),
                    Cell::text(
                        c.service_name
                            .clone()
                            .or_else(|| c.service.clone())
                            .unwrap_or_default(),
                    ),
                    Cell::text(c.number.clone().unwrap_or_default()),
                    Cell::text(&c.text),
                ]
            })
            .collect(),
    }
}

/// "U3 Waktu Penyelesaian" for "waktu"; the whole survey when none is named.
fn unsur_name(key: Option<&str>) -> String {
    let Some(key) = key else {
        return "Seluruh survei".into();
    };
    antrean_core::skm::Unsur::ALL
        .iter()
        .find(|u| u.key() == key)
        .map_or_else(
            || key.to_owned(),
            |u| format!("U{} {}", u.number(), u.name_id()),
        )
}

/// The follow-up actions recorded (tindak lanjut).
fn follow_up_table(r: &ReportDto) -> Table {
    let skm = &r.skm;
    Table {
        sheet: "Tindak lanjut",
        title: format!("Tindak lanjut hasil SKM — {}", filters(r)),
        header: vec![
            "Dicatat",
            "Unsur",
            "Layanan",
            "Tindakan",
            "Target",
            "Status",
            "Dicatat oleh",
        ],
        rows: skm
            .follow_ups
            .iter()
            .map(|e| {
                let f = &e.follow_up;
                vec![
                    Cell::text(&e.at_id),
                    Cell::text(unsur_name(f.unsur.as_deref())),
                    Cell::text(
                        e.service_name
                            .clone()
                            .or_else(|| f.service.clone())
                            .unwrap_or_else(|| "Seluruh unit".into()),
                    ),
                    Cell::text(&f.action),
                    Cell::text(f.due.as_deref().map_or_else(|| "–".into(), day_in_words)),
                    Cell::text(
                        antrean_core::rating::FollowUpStatus::parse(&f.status)
                            .map_or(f.status.as_str(), |s| s.label_id()),
                    ),
                    Cell::text(&f.recorded_by),
                ]
            })
            .collect(),
    }
}
