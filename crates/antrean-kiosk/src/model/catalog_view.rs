//! Agency and service tiles for the picker screens, filtered to what this kiosk offers.

use antrean_protocol::{CatalogDto, FeeDto, ServiceStatus};

use super::{Language, Strings};

/// Which agencies and services this kiosk offers (from its config). Empty lists mean "all":
/// a lobby kiosk usually offers everything, a kiosk in front of one agency only its services.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offer {
    /// Agency codes; empty = every agency.
    pub agencies: Vec<String>,
    /// Service codes; empty = every service of the offered agencies.
    pub services: Vec<String>,
}

impl Offer {
    /// Whether the kiosk offers `service` of `agency`.
    pub fn offers(&self, agency: &str, service: &str) -> bool {
        (self.agencies.is_empty() || self.agencies.iter().any(|a| a == agency))
            && (self.services.is_empty() || self.services.iter().any(|s| s == service))
    }
}

/// One agency tile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyTile {
    /// Agency code (what a tap selects).
    pub code: String,
    /// Name in the visitor's language.
    pub name: String,
    /// How many offered services it has.
    pub service_count: usize,
}

/// One service tile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceTile {
    /// Service code (what a tap selects).
    pub code: String,
    /// Ticket prefix letter(s), shown as a badge.
    pub prefix: String,
    /// Name in the visitor's language.
    pub name: String,
    /// People waiting now, when the kiosk has queue data.
    pub waiting: Option<u32>,
    /// The fee in a few words ("Gratis", "Rp30.000", "mulai Rp350.000"), so a visitor sees
    /// the cost before choosing; None when the catalog sends no standard.
    pub fee: Option<String>,
}

/// Agencies with at least one offered service, in catalog order.
pub fn agency_tiles(catalog: &CatalogDto, offer: &Offer, language: Language) -> Vec<AgencyTile> {
    catalog
        .agencies
        .iter()
        .filter_map(|agency| {
            let service_count = catalog
                .services
                .iter()
                .filter(|s| s.agency == agency.code && offer.offers(&s.agency, &s.code))
                .count();
            (service_count > 0).then(|| AgencyTile {
                code: agency.code.clone(),
                name: language.pick(&agency.name_id, &agency.name_en).to_owned(),
                service_count,
            })
        })
        .collect()
}

/// Offered services of `agency`, in catalog order, with their waiting counts.
pub fn service_tiles(
    catalog: &CatalogDto,
    offer: &Offer,
    agency: &str,
    queue: &[ServiceStatus],
    strings: &Strings,
) -> Vec<ServiceTile> {
    let language = strings.language();
    catalog
        .services
        .iter()
        .filter(|s| s.agency == agency && offer.offers(&s.agency, &s.code))
        .map(|s| ServiceTile {
            code: s.code.clone(),
            prefix: s.prefix.clone(),
            name: language.pick(&s.name_id, &s.name_en).to_owned(),
            waiting: queue
                .iter()
                .find(|q| q.service == s.code)
                .map(|q| q.waiting),
            fee: s.standard.as_ref().map(|st| fee_short(&st.fee, strings)),
        })
        .collect()
}

/// A fee in a few words, PUEBI money: "Gratis", "Rp30.000" (one tariff), "mulai
/// Rp350.000" (alternatives, the lowest), "Biaya sesuai ketentuan" (set case by case).
pub fn fee_short(fee: &FeeDto, strings: &Strings) -> String {
    let rupiah = |amount: u64| antrean_core::money::format_rupiah(amount, false);
    match fee {
        FeeDto::Free { .. } => strings.get("fee_free"),
        FeeDto::Tariff { lines, .. } => match lines.iter().map(|l| l.amount_idr).min() {
            Some(0) if lines.len() == 1 => strings.get("fee_free"),
            Some(lowest) if lines.len() == 1 => rupiah(lowest),
            Some(lowest) => strings.fill("fee_from", &[("amount", &rupiah(lowest))]),
            None => strings.get("fee_varies"),
        },
        FeeDto::Variable { .. } => strings.get("fee_varies"),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use antrean_protocol::*;

    /// A small catalog shaped like the sample MPP one.
    pub(crate) fn catalog() -> CatalogDto {
        let service =
            |code: &str, agency: &str, prefix: &str, name: &str, fee: FeeDto| ServiceDto {
                code: code.into(),
                agency: agency.into(),
                prefix: prefix.into(),
                name_id: name.into(),
                name_en: format!("{name} (en)"),
                daily_quota: Some(150),
                priority_classes: vec!["lansia".into(), "disabilitas".into()],
                standard: Some(StandardDto {
                    requirements: vec![
                        "Fotokopi Kartu Keluarga".into(),
                        "Surat pengantar RT/RW".into(),
                    ],
                    procedure: vec!["Ambil nomor antrean".into(), "Serahkan berkas".into()],
                    processing_time: "± 20 menit".into(),
                    processing_time_min: Some(20),
                    fee,
                    product: "KTP-el".into(),
                    complaints: vec!["SP4N-LAPOR! (www.lapor.go.id)".into()],
                    decree: Some("SK Kadis No. 470/12/2026".into()),
                    en: StandardEnDto::default(),
                }),
                booking: None,
            };
        CatalogDto {
            site: SiteDto {
                name: "Mal Pelayanan Publik Kota Contoh".into(),
                address: "Jl. Contoh No. 1".into(),
                time_zone: "WIB".into(),
                utc_offset_min: 420,
                maklumat: "Dengan ini kami menyatakan sanggup ...".into(),
            },
            priority_classes: vec![
                PriorityClassDto {
                    code: "lansia".into(),
                    name_id: "Lanjut usia".into(),
                    name_en: "Elderly".into(),
                },
                PriorityClassDto {
                    code: "disabilitas".into(),
                    name_id: "Penyandang disabilitas".into(),
                    name_en: "Disability".into(),
                },
                PriorityClassDto {
                    code: "ibu-hamil".into(),
                    name_id: "Ibu hamil".into(),
                    name_en: "Pregnant".into(),
                },
            ],
            agencies: vec![
                AgencyDto {
                    code: "dukcapil".into(),
                    name_id: "Disdukcapil".into(),
                    name_en: "Civil Registry".into(),
                },
                AgencyDto {
                    code: "polres".into(),
                    name_id: "Polres".into(),
                    name_en: "Police".into(),
                },
                AgencyDto {
                    code: "kosong".into(),
                    name_id: "Tanpa layanan".into(),
                    name_en: "".into(),
                },
            ],
            services: vec![
                service(
                    "ktp-el-baru",
                    "dukcapil",
                    "A",
                    "Penerbitan KTP-el Baru",
                    FeeDto::Free {
                        basis: "UU 24/2013 Pasal 79A".into(),
                    },
                ),
                service(
                    "kk-baru",
                    "dukcapil",
                    "C",
                    "Kartu Keluarga Baru",
                    FeeDto::Free {
                        basis: "UU 24/2013".into(),
                    },
                ),
                service(
                    "skck",
                    "polres",
                    "N",
                    "Penerbitan SKCK",
                    FeeDto::Tariff {
                        lines: vec![FeeLineDto {
                            label: "SKCK".into(),
                            amount_idr: 30_000,
                            text: "Rp30.000".into(),
                        }],
                        basis: "PP 76/2020".into(),
                    },
                ),
            ],
            counters: vec![
                CounterDto {
                    id: "1".into(),
                    name: "Loket 1 – Layanan Prioritas".into(),
                    location: "Lantai 1, Zona A".into(),
                    location_en: String::new(),
                    services: vec!["ktp-el-baru".into()],
                },
                CounterDto {
                    id: "2".into(),
                    name: "Loket 2".into(),
                    location: "Lantai 1, Zona A".into(),
                    location_en: String::new(),
                    services: vec!["ktp-el-baru".into(), "kk-baru".into()],
                },
                CounterDto {
                    id: "7".into(),
                    name: "Loket 7".into(),
                    location: "Lantai 2, Zona C".into(),
                    location_en: String::new(),
                    services: vec!["skck".into()],
                },
            ],
            booked_ratio: None,
        }
    }

    #[test]
    fn agencies_without_offered_services_are_hidden() {
        let tiles = agency_tiles(&catalog(), &Offer::default(), Language::Indonesian);
        let codes: Vec<_> = tiles.iter().map(|t| t.code.as_str()).collect();
        assert_eq!(codes, ["dukcapil", "polres"]);
        assert_eq!(tiles[0].service_count, 2);
    }

    #[test]
    fn offer_filters_agencies_and_services() {
        let offer = Offer {
            agencies: vec!["dukcapil".into()],
            services: vec!["kk-baru".into()],
        };
        let tiles = agency_tiles(&catalog(), &offer, Language::Indonesian);
        assert_eq!(tiles.len(), 1);
        let indonesian = Strings::for_language(Language::Indonesian);
        let services = service_tiles(&catalog(), &offer, "dukcapil", &[], &indonesian);
        assert_eq!(services.len(), 1);
        assert_eq!(services[0].code, "kk-baru");
    }

    #[test]
    fn service_tiles_carry_waiting_counts_and_language() {
        let queue = [ServiceStatus {
            service: "ktp-el-baru".into(),
            waiting: 4,
            issued_today: 9,
            last_called: None,
        }];
        let english = Strings::for_language(Language::English);
        let tiles = service_tiles(&catalog(), &Offer::default(), "dukcapil", &queue, &english);
        assert_eq!(tiles[0].waiting, Some(4));
        assert_eq!(tiles[1].waiting, None);
        assert_eq!(tiles[0].name, "Penerbitan KTP-el Baru (en)");
        assert_eq!(tiles[0].fee.as_deref(), Some("Free of charge"));
    }

    #[test]
    fn a_tile_says_what_the_service_costs_in_puebi_money() {
        let strings = Strings::for_language(Language::Indonesian);
        let line = |amount_idr| FeeLineDto {
            label: "x".into(),
            amount_idr,
            text: String::new(),
        };
        let basis = || "PP".to_owned();
        let tariff = |lines| FeeDto::Tariff {
            lines,
            basis: basis(),
        };
        assert_eq!(
            fee_short(&FeeDto::Free { basis: basis() }, &strings),
            "Gratis"
        );
        assert_eq!(fee_short(&tariff(vec![line(30_000)]), &strings), "Rp30.000");
        assert_eq!(
            fee_short(&tariff(vec![line(650_000), line(350_000)]), &strings),
            "mulai Rp350.000"
        );
        assert_eq!(fee_short(&tariff(vec![line(0)]), &strings), "Gratis");
        let variable = FeeDto::Variable {
            description: "sesuai SKPD".into(),
            basis: basis(),
        };
        assert_eq!(fee_short(&variable, &strings), "Biaya sesuai ketentuan");
        let skck = service_tiles(&catalog(), &Offer::default(), "polres", &[], &strings);
        assert_eq!(skck[0].fee.as_deref(), Some("Rp30.000"));
    }

    #[test]
    fn empty_english_name_falls_back_to_indonesian() {
        assert_eq!(Language::English.pick("Tanpa layanan", ""), "Tanpa layanan");
    }
}
