//! `/central/report`: the cross-site report as a server-rendered page (no script needed),
//! and the same tables as CSV and XLSX through antrean-reports' exporters, so the page
//! and the files cannot disagree. It uses the site report's stylesheet: one look.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

use antrean_core::LocalDate;
use antrean_core::money::{format_decimal_id, group_thousands};
use antrean_core::skm::{Weight, krejcie_morgan_sample};
use antrean_reports::export::{Cell, Table, to_csv, to_xlsx};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::Central;
use crate::db::Db;
use crate::login::{Manager, manager};
use crate::report::{By, CentralQuery, Row, pooled};
use crate::sites::SiteRow;

/// A whole central report.
pub struct CentralReport {
    /// What was asked.
    pub query: CentralQuery,
    /// Every selected site together.
    pub all: Row,
    /// Per site.
    pub sites: Vec<Row>,
    /// Per agency.
    pub agencies: Vec<Row>,
    /// Per service.
    pub services: Vec<Row>,
    /// Per week.
    pub weeks: Vec<Row>,
    /// The sites' names, regions and shipping state.
    pub meta: Vec<SiteRow>,
    /// Agency and service names.
    pub names: crate::db::Names,
    /// Counter work per site and officer.
    pub officers: Vec<crate::report::OfficerRow>,
    /// Catalogs published to the sites, newest first per site.
    pub catalogs: Vec<crate::catalogs::CatalogVersion>,
}

/// Runs every query of a report.
pub async fn build(db: &Db, query: CentralQuery) -> anyhow::Result<CentralReport> {
    let (grouped, sites, names, officers, catalogs) = tokio::try_join!(
        db.report_groups(&query),
        db.sites(),
        db.catalog_names(),
        db.officer_rows(&query),
        db.catalog_versions(None),
    )?;
    let meta: Vec<SiteRow> = sites
        .into_iter()
        .filter(|s| query.allowed.as_ref().is_none_or(|a| a.contains(&s.id)))
        .filter(|s| query.region.as_ref().is_none_or(|r| &s.region == r))
        .filter(|s| query.site.as_ref().is_none_or(|id| &s.id == id))
        .collect();
    let sites = grouped.by(By::Site);
    Ok(CentralReport {
        all: pooled(&sites),
        agencies: grouped.by(By::Agency),
        services: grouped.by(By::Service),
        weeks: grouped.weeks,
        sites,
        meta,
        names,
        officers,
        catalogs,
        query,
    })
}

fn minutes(s: Option<f64>) -> Cell {
    match s {
        Some(s) => Cell::dec(s / 60.0, 1),
        None => Cell::text("–"),
    }
}

fn percent(p: Option<f64>) -> Cell {
    match p {
        Some(p) => Cell::dec(p, 1),
        None => Cell::text("–"),
    }
}

fn ikm(row: &Row) -> Cell {
    match row.tally.ikm(Weight::Exact) {
        Ok(r) => Cell::dec(r.ikm, 2),
        Err(_) => Cell::text("–"),
    }
}

/// Columns every grouping shares, after its name columns.
const FIGURE_HEADER: [&str; 12] = [
    "Tiket",
    "Dilayani",
    "Masih antre",
    "Rata-rata tunggu (menit)",
    "P90 tunggu (menit, paling lama)",
    "Rata-rata layanan (menit)",
    "Sesuai standar waktu (%)",
    "Tidak hadir (%)",
    "IKM",
    "Responden",
    "Target sampel (Krejcie–Morgan)",
    "Mutu",
];

fn figure_cells(row: &Row) -> Vec<Cell> {
    let f = &row.figures;
    vec![
        Cell::int(f.issued as f64),
        Cell::int(f.served as f64),
        Cell::int(row.open as f64),
        minutes(f.mean_wait_s()),
        minutes(f.p90_wait_s().map(f64::from)),
        minutes(f.mean_service_s()),
        percent(f.compliance_percent()),
        percent(f.no_show_percent()),
        ikm(row),
        Cell::int(f64::from(row.tally.respondents)),
        Cell::int(krejcie_morgan_sample(f.served) as f64),
        Cell::text(match row.tally.ikm(Weight::Exact) {
            Ok(r) => format!("{:?} ({})", r.mutu, r.mutu.kinerja()),
            Err(_) => "–".into(),
        }),
    ]
}

/// The booking table's columns, after the site's name and region.
const BOOKING_HEADER: [&str; 8] = [
    "Kunjungan dengan booking",
    "Kunjungan langsung (walk-in)",
    "Booking hadir",
    "Booking tidak datang",
    "Booking dibatalkan",
    "Tidak datang (%)",
    "Datang lebih awal (rata-rata menit)",
    "Terlambat (rata-rata menit)",
];

/// Online booking (docs/booking.md, "Reports"): bookings count for the day they are for,
/// once settled; the no-show rate is expired / (checked in + expired), as at the site.
fn booking_cells(row: &Row) -> Vec<Cell> {
    let f = &row.figures;
    let mean = |m: Option<f64>| m.map_or_else(|| Cell::text("–"), |m| Cell::dec(m, 1));
    vec![
        Cell::int(f.booked_issued as f64),
        Cell::int(f.issued.saturating_sub(f.booked_issued) as f64),
        Cell::int(f.bookings_checked_in as f64),
        Cell::int(f.bookings_expired as f64),
        Cell::int(f.bookings_cancelled as f64),
        percent(f.booking_no_show_percent()),
        mean(f.mean_early_min()),
        mean(f.mean_late_min()),
    ]
}

/// "3 jam lalu".
pub fn ago_id(seconds: i64) -> String {
    match seconds {
        s if s < 60 => "baru saja".into(),
        s if s < 3600 => format!("{} menit lalu", s / 60),
        s if s < 86_400 => format!("{} jam lalu", s / 3600),
        s => format!("{} hari lalu", s / 86_400),
    }
}

impl CentralReport {
    fn site_name(&self, id: &str) -> (String, String) {
        self.meta
            .iter()
            .find(|s| s.id == id)
            .map_or((id.to_owned(), String::new()), |s| {
                (s.name.clone(), s.region.clone())
            })
    }

    /// The per-site rows summed by the sites' regions.
    fn by_region(&self) -> Vec<Row> {
        let mut out: std::collections::BTreeMap<String, Row> = std::collections::BTreeMap::new();
        for row in &self.sites {
            let region = self.site_name(&row.key).1;
            out.entry(region.clone())
                .or_insert_with(|| Row {
                    key: region,
                    ..Row::default()
                })
                .add(row);
        }
        out.into_values().collect()
    }

    /// The newest published catalog of a site, in words.
    fn catalog_status(&self, site: &str) -> String {
        let Some(c) = self.catalogs.iter().find(|c| c.site == site) else {
            return "–".into();
        };
        let day = |d: &Option<String>| {
            d.as_deref()
                .and_then(LocalDate::parse)
                .map_or(String::new(), |d| d.format_id())
        };
        match c.status.as_str() {
            "accepted" => format!("v{} diterima, berlaku {}", c.version, day(&c.applies_on)),
            "rejected" => format!(
                "v{} ditolak: {}",
                c.version,
                c.error.as_deref().unwrap_or("tanpa alasan")
            ),
            "pending" => format!("v{} menunggu kantor terhubung", c.version),
            _ => format!("v{} digantikan versi baru", c.version),
        }
    }

    fn period_title(&self) -> String {
        match (self.query.from, self.query.to) {
            (Some(from), Some(to)) => format!("{} – {}", from.format_id(), to.format_id()),
            _ => String::new(),
        }
    }

    /// The report as tables (the page, CSV and XLSX all come from these).
    pub fn tables(&self, now_ms: i64) -> Vec<Table> {
        let period = self.period_title();
        let mut all = vec![Cell::text("Semua kantor terpilih (gabungan)")];
        all.extend(figure_cells(&self.all));
        let mut tables = vec![Table {
            sheet: "Ringkasan",
            title: format!("Antrean Pusat — ringkasan, {period}"),
            header: [&["Cakupan"][..], &FIGURE_HEADER].concat(),
            rows: vec![all],
        }];
        let site_rows = self
            .sites
            .iter()
            .map(|r| {
                let (name, region) = self.site_name(&r.key);
                let mut cells = vec![Cell::text(name), Cell::text(region)];
                cells.extend(figure_cells(r));
                cells
            })
            .collect();
        tables.push(Table {
            sheet: "Per kantor",
            title: format!("Per kantor (IKM masing-masing kantor), {period}"),
            header: [&["Kantor", "Wilayah"][..], &FIGURE_HEADER].concat(),
            rows: site_rows,
        });
        tables.push(Table {
            sheet: "Per wilayah",
            title: format!("Per wilayah (gabungan kantor), {period}"),
            header: [&["Wilayah"][..], &FIGURE_HEADER].concat(),
            rows: self
                .by_region()
                .iter()
                .map(|r| {
                    let mut cells = vec![Cell::text(if r.key.is_empty() { "–" } else { &r.key })];
                    cells.extend(figure_cells(r));
                    cells
                })
                .collect(),
        });
        for (sheet, title, rows, first) in [
            (
                "Per instansi",
                "Per instansi (gabungan kantor)",
                &self.agencies,
                "Instansi",
            ),
            (
                "Per layanan",
                "Per layanan (gabungan kantor)",
                &self.services,
                "Layanan",
            ),
            (
                "Tren mingguan",
                "Tren per minggu (mulai Senin)",
                &self.weeks,
                "Minggu",
            ),
        ] {
            tables.push(Table {
                sheet,
                title: format!("{title}, {period}"),
                header: [&[first][..], &FIGURE_HEADER].concat(),
                rows: rows
                    .iter()
                    .map(|r| {
                        let named = |names: &HashMap<String, String>| {
                            names
                                .get(&r.key)
                                .map_or(r.key.clone(), |n| format!("{n} ({})", r.key))
                        };
                        let key = match sheet {
                            "Tren mingguan" => {
                                LocalDate::parse(&r.key).map_or(r.key.clone(), |d| d.format_id())
                            }
                            "Per instansi" => named(&self.names.agencies),
                            _ => named(&self.names.services),
                        };
                        let mut cells = vec![Cell::text(key)];
                        cells.extend(figure_cells(r));
                        cells
                    })
                    .collect(),
            });
        }
        let mut booking_rows = vec![{
            let mut cells = vec![
                Cell::text("Semua kantor terpilih (gabungan)"),
                Cell::text(""),
            ];
            cells.extend(booking_cells(&self.all));
            cells
        }];
        booking_rows.extend(self.sites.iter().map(|r| {
            let (name, region) = self.site_name(&r.key);
            let mut cells = vec![Cell::text(name), Cell::text(region)];
            cells.extend(booking_cells(r));
            cells
        }));
        tables.push(Table {
            sheet: "Booking",
            title: format!("Booking online per kantor (menurut tanggal kunjungan), {period}"),
            header: [&["Kantor", "Wilayah"][..], &BOOKING_HEADER].concat(),
            rows: booking_rows,
        });
        tables.extend(self.rankings());
        tables.push(Table {
            sheet: "Per petugas",
            title: format!("Per petugas (kerja di loket), {period}"),
            header: vec![
                "Kantor",
                "Petugas",
                "Dilayani",
                "Rata-rata layanan (menit)",
                "Loket buka (jam)",
                "Menganggur (%)",
            ],
            rows: self
                .officers
                .iter()
                .filter(|o| !o.officer.is_empty())
                .map(|o| {
                    vec![
                        Cell::text(self.site_name(&o.site).0),
                        Cell::text(format!("{} ({})", o.name, o.officer)),
                        Cell::int(o.served as f64),
                        minutes(o.mean_service_s()),
                        Cell::dec(o.open_ms as f64 / 3_600_000.0, 1),
                        percent(o.idle_percent()),
                    ]
                })
                .collect(),
        });
        tables.push(Table {
            sheet: "Status pengiriman",
            title: "Status pengiriman data kantor".into(),
            header: vec![
                "Kantor",
                "Wilayah",
                "Terakhir terhubung",
                "Tertinggal (peristiwa)",
                "Tertinggal (detik)",
                "Katalog dari pusat",
            ],
            rows: self
                .meta
                .iter()
                .map(|s| {
                    vec![
                        Cell::text(&s.name),
                        Cell::text(&s.region),
                        Cell::text(match s.last_seen_s() {
                            Some(seen) => ago_id(now_ms / 1000 - seen),
                            None => "belum pernah".into(),
                        }),
                        Cell::int(s.lag_events() as f64),
                        Cell::int(s.lag_s() as f64),
                        Cell::text(self.catalog_status(&s.id)),
                    ]
                })
                .collect(),
        });
        tables
    }

    fn rankings(&self) -> Vec<Table> {
        type Key = fn(&Row) -> Option<f64>;
        let rankings: [(&'static str, &'static str, &'static str, Key, bool); 3] = [
            (
                "Peringkat tunggu",
                "Peringkat: P90 waktu tunggu (tercepat dulu)",
                "P90 tunggu (menit)",
                |r| r.figures.p90_wait_s().map(|s| f64::from(s) / 60.0),
                false,
            ),
            (
                "Peringkat IKM",
                "Peringkat: IKM (tertinggi dulu)",
                "IKM",
                |r| r.tally.ikm(Weight::Exact).ok().map(|i| i.ikm),
                true,
            ),
            (
                "Peringkat tidak hadir",
                "Peringkat: tidak hadir (terendah dulu)",
                "Tidak hadir (%)",
                |r| r.figures.no_show_percent(),
                false,
            ),
        ];
        rankings
            .into_iter()
            .map(|(sheet, title, column, key, descending)| {
                let mut ranked: Vec<(f64, &Row)> = self
                    .sites
                    .iter()
                    .filter_map(|r| key(r).map(|v| (v, r)))
                    .collect();
                ranked.sort_by(|a, b| {
                    let order = a.0.total_cmp(&b.0);
                    if descending { order.reverse() } else { order }
                });
                Table {
                    sheet,
                    title: title.into(),
                    header: vec!["Peringkat", "Kantor", column],
                    rows: ranked
                        .iter()
                        .enumerate()
                        .map(|(i, (v, r))| {
                            vec![
                                Cell::int((i + 1) as f64),
                                Cell::text(self.site_name(&r.key).0),
                                Cell::dec(*v, if sheet == "Peringkat IKM" { 2 } else { 1 }),
                            ]
                        })
                        .collect(),
                }
            })
            .collect()
    }
}

/// Escapes text for HTML (every value on the page passes here).
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn head(title: &str) -> String {
    format!(
        "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"icon\" href=\"/assets/favicon.svg\">\
         <link rel=\"stylesheet\" href=\"/assets/base.css\">\
         <link rel=\"stylesheet\" href=\"/assets/report.css\"></head><body class=\"report\">",
        esc(title)
    )
}

/// The login page, with an error line when given.
pub fn login_page(error: Option<&str>) -> Html<String> {
    let mut page = head("Masuk — Antrean Pusat");
    let _ = write!(
        page,
        "<header class=\"bar\"><h1>Antrean Pusat</h1></header>\
         <main class=\"card narrow\"><h2>Masuk pengelola</h2>{}\
         <form id=\"login-form\" method=\"post\" action=\"/central/login\">\
         <label>Nama <input name=\"name\" autocomplete=\"username\" required></label>\
         <label>Kata sandi <input name=\"password\" type=\"password\" \
         autocomplete=\"current-password\" required></label>\
         <button class=\"primary\" type=\"submit\">Masuk</button></form></main></body></html>",
        error.map_or(String::new(), |e| format!(
            "<p class=\"error\" role=\"alert\">{}</p>",
            esc(e)
        ))
    );
    Html(page)
}

/// The report's query string (Indonesian names, like the site's report).
#[derive(serde::Deserialize, Default)]
pub struct Params {
    dari: Option<String>,
    sampai: Option<String>,
    kantor: Option<String>,
    wilayah: Option<String>,
    instansi: Option<String>,
    layanan: Option<String>,
    tabel: Option<String>,
}

fn some(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

impl Params {
    /// The query for `manager`; without dates, the last 30 days up to today (WIB).
    fn query(&self, manager: &Manager, now_ms: i64) -> Result<CentralQuery, String> {
        let today = antrean_core::TimeZone::Wib
            .local(antrean_core::Timestamp(now_ms))
            .date;
        let day = |v: &Option<String>, default: LocalDate| match some(v) {
            None => Ok(default),
            Some(text) => LocalDate::parse(&text)
                .ok_or(format!("tanggal \"{text}\" tidak dikenal (TTTT-BB-HH)")),
        };
        Ok(CentralQuery {
            from: Some(day(
                &self.dari,
                LocalDate::from_days_since_epoch(today.days_since_epoch() - 29),
            )?),
            to: Some(day(&self.sampai, today)?),
            site: some(&self.kantor),
            region: some(&self.wilayah),
            agency: some(&self.instansi),
            service: some(&self.layanan),
            allowed: manager.sites.clone(),
        })
    }
}

fn table_html(out: &mut String, table: &Table) {
    let _ = write!(
        out,
        "<section class=\"card\"><h2>{}</h2><div class=\"scroll\"><table><thead><tr>",
        esc(&table.title)
    );
    for h in &table.header {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    if table.rows.is_empty() {
        let _ = write!(
            out,
            "<tr><td colspan=\"{}\">Belum ada data untuk pilihan ini.</td></tr>",
            table.header.len()
        );
    }
    for row in &table.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let text = match cell {
                Cell::Number { value, decimals: 0 } => group_thousands(*value as u64),
                Cell::Number { value, decimals } => format_decimal_id(*value, *decimals),
                Cell::Text(t) => t.clone(),
            };
            if i == 0 {
                let _ = write!(out, "<th scope=\"row\">{}</th>", esc(&text));
            } else {
                let _ = write!(out, "<td>{}</td>", esc(&text));
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div></section>");
}

fn filter_form(out: &mut String, q: &CentralQuery, sites: &[SiteRow]) {
    let v = |o: &Option<String>| esc(o.as_deref().unwrap_or(""));
    let day = |d: Option<LocalDate>| d.map_or(String::new(), |d| d.to_string());
    let _ = write!(
        out,
        "<section class=\"card\"><h2>Pilihan laporan</h2><form method=\"get\" action=\"/central/report\">\
         <div class=\"filter-grid\">\
         <label>Dari <input type=\"date\" name=\"dari\" value=\"{}\"></label>\
         <label>Sampai <input type=\"date\" name=\"sampai\" value=\"{}\"></label>\
         <label>Kantor <select name=\"kantor\"><option value=\"\">Semua kantor</option>",
        day(q.from),
        day(q.to)
    );
    for s in sites {
        let selected = if q.site.as_deref() == Some(&s.id) {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            out,
            "<option value=\"{}\"{selected}>{}</option>",
            esc(&s.id),
            esc(&s.name)
        );
    }
    let _ = write!(
        out,
        "</select></label>\
         <label>Wilayah <input name=\"wilayah\" value=\"{}\"></label>\
         <label>Instansi (kode) <input name=\"instansi\" value=\"{}\"></label>\
         <label>Layanan (kode) <input name=\"layanan\" value=\"{}\"></label></div>\
         <div class=\"buttons\"><button class=\"primary\" type=\"submit\">Tampilkan</button></div></form></section>",
        v(&q.region),
        v(&q.agency),
        v(&q.service)
    );
}

fn export_query(q: &CentralQuery) -> String {
    let mut pairs = vec![];
    if let Some(d) = q.from {
        pairs.push(format!("dari={d}"));
    }
    if let Some(d) = q.to {
        pairs.push(format!("sampai={d}"));
    }
    for (k, v) in [
        ("kantor", &q.site),
        ("wilayah", &q.region),
        ("instansi", &q.agency),
        ("layanan", &q.service),
    ] {
        if let Some(v) = v {
            let encoded: String = v
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            pairs.push(format!("{k}={encoded}"));
        }
    }
    pairs.join("&amp;")
}

/// The report a request asks for, as its manager may see it (one at a time per
/// [`crate::limits::MAX_CONCURRENT_REPORTS`] slot); or the answer that ends the request:
/// `not_logged_in`, a bad query, the database away.
async fn requested(
    central: &Central,
    headers: &HeaderMap,
    params: &Params,
    now_ms: i64,
    not_logged_in: impl FnOnce() -> Response,
) -> Result<(Manager, CentralReport), Response> {
    let manager = match manager(central, headers).await {
        Ok(Some(m)) => m,
        Ok(None) => return Err(not_logged_in()),
        Err(err) => return Err(unavailable(err)),
    };
    let query = params
        .query(&manager, now_ms)
        .map_err(|why| (StatusCode::BAD_REQUEST, why).into_response())?;
    if let Err(why) = crate::report::period(&query) {
        return Err((StatusCode::BAD_REQUEST, format!("{why:#}")).into_response());
    }
    let Ok(_turn) = central.reports.acquire().await else {
        return Err((StatusCode::SERVICE_UNAVAILABLE, "stopping").into_response());
    };
    let report = build(&central.db, query).await.map_err(unavailable)?;
    Ok((manager, report))
}

/// `GET /central/report`.
pub async fn report_page(
    State(central): State<Arc<Central>>,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Response {
    let now_ms = crate::ship::now_ms();
    let not_logged_in = || Redirect::to("/central/login").into_response();
    let (manager, report) =
        match requested(&central, &headers, &params, now_ms, not_logged_in).await {
            Ok(found) => found,
            Err(answer) => return answer,
        };
    let mut page = head("Laporan Antrean Pusat");
    let _ = write!(
        page,
        "<header class=\"bar\"><h1>Laporan Antrean Pusat</h1><span>{}</span>\
         <form method=\"post\" action=\"/central/logout\" style=\"margin-left:auto\">\
         <button id=\"logout\" type=\"submit\">Keluar</button></form></header><main>",
        esc(&manager.name)
    );
    let all_sites: Vec<SiteRow> = report.meta.clone();
    filter_form(&mut page, &report.query, &all_sites);
    let respondents = report.all.tally.respondents;
    let target = krejcie_morgan_sample(report.all.figures.served);
    let _ = write!(
        page,
        "<section class=\"card\"><h2>Cara membaca IKM</h2><p>IKM <b>gabungan</b> dihitung dari \
         seluruh responden semua kantor terpilih per unsur, dengan rumus PermenPAN-RB 14/2017 \
         untuk satu unit — bukan rata-rata IKM kantor. Tabel per kantor menunjukkan IKM \
         <b>masing-masing kantor</b>. Responden gabungan: {} dari target sampel {} \
         (Krejcie–Morgan, untuk {} pengunjung dilayani){}.</p>\
         <p class=\"buttons exports\"><span>Unduh:</span> \
         <a href=\"/central/report.csv?{q}&amp;tabel=kantor\">CSV per kantor</a> \
         <a href=\"/central/report.xlsx?{q}\">XLSX semua tabel</a></p></section>",
        group_thousands(u64::from(respondents)),
        group_thousands(target),
        group_thousands(report.all.figures.served),
        if u64::from(respondents) < target {
            " — <b>di bawah target</b>, tafsirkan dengan hati-hati"
        } else {
            ""
        },
        q = export_query(&report.query),
    );
    for table in report.tables(now_ms) {
        table_html(&mut page, &table);
    }
    page.push_str("</main></body></html>");
    Html(page).into_response()
}

fn unavailable(err: anyhow::Error) -> Response {
    tracing::error!("central report: {err:#}");
    (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
}

/// Which table a CSV holds, by its `tabel` name.
pub fn csv_table(name: &str) -> Option<&'static str> {
    let names: HashMap<&str, &'static str> = [
        ("ringkasan", "Ringkasan"),
        ("kantor", "Per kantor"),
        ("instansi", "Per instansi"),
        ("layanan", "Per layanan"),
        ("minggu", "Tren mingguan"),
        ("status", "Status pengiriman"),
        ("petugas", "Per petugas"),
        ("wilayah", "Per wilayah"),
        ("booking", "Booking"),
    ]
    .into_iter()
    .collect();
    names.get(name).copied()
}

async fn export(central: Arc<Central>, headers: HeaderMap, params: Params, xlsx: bool) -> Response {
    let now_ms = crate::ship::now_ms();
    let not_logged_in = || (StatusCode::UNAUTHORIZED, "log in at /central/login").into_response();
    let (_, report) = match requested(&central, &headers, &params, now_ms, not_logged_in).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let tables = report.tables(now_ms);
    let period = format!(
        "{}_{}",
        report.query.from.map_or(String::new(), |d| d.to_string()),
        report.query.to.map_or(String::new(), |d| d.to_string())
    );
    let (bytes, kind, name) = if xlsx {
        (
            to_xlsx(&tables),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            format!("antrean-pusat_{period}.xlsx"),
        )
    } else {
        let wanted = params
            .tabel
            .as_deref()
            .and_then(csv_table)
            .unwrap_or("Per kantor");
        let table = tables
            .iter()
            .find(|t| t.sheet == wanted)
            .expect("every named table is built");
        (
            to_csv(table),
            "text/csv; charset=utf-8",
            format!(
                "antrean-pusat_{}_{period}.csv",
                params.tabel.as_deref().unwrap_or("kantor")
            ),
        )
    };
    match bytes {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, kind.to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response(),
    }
}

/// `GET /central/report.csv?…&tabel=kantor|ringkasan|instansi|layanan|minggu|status`.
pub async fn report_csv(
    State(central): State<Arc<Central>>,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Response {
    export(central, headers, params, false).await
}

/// `GET /central/report.xlsx?…`: every table, one sheet each.
pub async fn report_xlsx(
    State(central): State<Arc<Central>>,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Response {
    export(central, headers, params, true).await
}

/// `GET /assets/{name}`: the site pages' stylesheets and icon (one look).
pub async fn asset(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    match antrean_web::asset(&name) {
        // Central's pages are drawn here; only the booking page runs the site's script.
        Some(found) if name.ends_with(".css") || name.ends_with(".svg") || name == "booking.js" => {
            ([(header::CONTENT_TYPE, found.content_type)], found.bytes).into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}
