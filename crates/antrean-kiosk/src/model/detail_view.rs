//! The service detail screen: the six Standar Pelayanan components a provider must publish
//! (UU 25/2009, PermenPAN-RB 15/2014; a kiosk is an accepted medium) plus the maklumat.

use antrean_protocol::{CatalogDto, FeeDto, StandardEnDto};

use super::Strings;

/// One published component: a heading and its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Heading, e.g. "Persyaratan".
    pub heading: String,
    /// Lines; numbered lists (requirements, procedure) carry their number already.
    pub lines: Vec<String>,
    /// The visitor chose English but the catalog gives this part only in Indonesian: shown
    /// as it is, marked so (a guessed translation of a legal requirement would mislead).
    pub in_indonesian: bool,
}

/// What the detail screen shows for one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDetail {
    /// Service code.
    pub code: String,
    /// Service name in the visitor's language.
    pub name: String,
    /// Agency name in the visitor's language.
    pub agency: String,
    /// The six components, in the regulation's order.
    pub sections: Vec<Section>,
    /// Decree line ("Standar pelayanan: SK ..."), if the catalog has one.
    pub decree: Option<String>,
    /// Maklumat pelayanan (shown on kiosk screens, docs/domain.md §5).
    pub maklumat: Section,
    /// Priority classes the service accepts (drives the priority question).
    pub priority_classes: Vec<(String, String)>,
}

/// The fee lines per PUEBI: "Gratis" (never "Rp0"), or each tariff line with the catalog's
/// already PUEBI-formatted text ("Rp30.000"), then the legal basis.
pub fn fee_lines(fee: &FeeDto, strings: &Strings) -> Vec<String> {
    fee_lines_in(fee, None, strings)
}

/// [`fee_lines`] with the lines' labels (or the variable fee's description) in English
/// where `labels_en` gives them.
fn fee_lines_in(fee: &FeeDto, labels_en: Option<&[String]>, strings: &Strings) -> Vec<String> {
    let basis_line = |basis: &str| strings.fill("legal_basis", &[("basis", basis)]);
    match fee {
        FeeDto::Free { basis } => vec![strings.get("fee_free"), basis_line(basis)],
        FeeDto::Tariff { lines, basis } => {
            let mut out: Vec<String> = lines
                .iter()
                .enumerate()
                .map(|(i, line)| {
                    let label = labels_en.and_then(|l| l.get(i)).unwrap_or(&line.label);
                    // Trust the catalog's text only when it is the PUEBI form of the amount.
                    let amount = antrean_core::money::format_rupiah(line.amount_idr, false);
                    let text = if line.amount_idr == 0 {
                        strings.get("fee_free")
                    } else if line.text.replace(' ', "") == amount {
                        line.text.clone()
                    } else {
                        amount
                    };
                    if label.is_empty() {
                        text
                    } else {
                        format!("{label}: {text}")
                    }
                })
                .collect();
            out.push(basis_line(basis));
            out
        }
        FeeDto::Variable { description, basis } => {
            let description = labels_en.and_then(|l| l.first()).unwrap_or(description);
            vec![description.clone(), basis_line(basis)]
        }
    }
}

/// The detail of `service`, or `None` when the catalog has no such service or no standard.
pub fn service_detail(
    catalog: &CatalogDto,
    service: &str,
    strings: &Strings,
) -> Option<ServiceDetail> {
    let language = strings.language();
    let dto = catalog.services.iter().find(|s| s.code == service)?;
    let standard = dto.standard.as_ref()?;
    let agency = catalog
        .agencies
        .iter()
        .find(|a| a.code == dto.agency)
        .map(|a| language.pick(&a.name_id, &a.name_en).to_owned())
        .unwrap_or_default();
    let numbered = |items: &[String]| -> Vec<String> {
        items
            .iter()
            .enumerate()
            .map(|(i, item)| format!("{}. {item}", i + 1))
            .collect()
    };
    // English where the catalog gives it; otherwise the Indonesian text, marked.
    let english = language == super::Language::English;
    let none = StandardEnDto::default();
    let en = if english { &standard.en } else { &none };
    let section = |key: &str, lines: Vec<String>, translated: bool| Section {
        heading: strings.get(key),
        lines,
        in_indonesian: english && !translated,
    };
    let pick_list = |en: &Option<Vec<String>>, id: &[String]| -> (Vec<String>, bool) {
        en.as_ref()
            .map_or((id.to_vec(), false), |l| (l.clone(), true))
    };
    let pick_text = |en: &Option<String>, id: &str| -> (String, bool) {
        en.as_ref()
            .map_or((id.to_owned(), false), |t| (t.clone(), true))
    };
    let (requirements, r_en) = pick_list(&en.requirements, &standard.requirements);
    let (procedure, p_en) = pick_list(&en.procedure, &standard.procedure);
    let (time, t_en) = pick_text(&en.processing_time, &standard.processing_time);
    let (product, pr_en) = pick_text(&en.product, &standard.product);
    let (complaints, c_en) = pick_list(&en.complaints, &standard.complaints);
    // A free service needs no translation ("Free of charge" comes from the strings).
    let fee_en = en.fee.is_some() || matches!(standard.fee, FeeDto::Free { .. });
    let sections = vec![
        section("requirements", numbered(&requirements), r_en),
        section("procedure", numbered(&procedure), p_en),
        section("processing_time", vec![time], t_en),
        section(
            "fee",
            fee_lines_in(&standard.fee, en.fee.as_deref(), strings),
            fee_en,
        ),
        section("product", vec![product], pr_en),
        section("complaints", complaints, c_en),
    ];
    let priority_classes = dto
        .priority_classes
        .iter()
        .filter_map(|code| {
            let class = catalog.priority_classes.iter().find(|p| &p.code == code)?;
            Some((
                class.code.clone(),
                language.pick(&class.name_id, &class.name_en).to_owned(),
            ))
        })
        .collect();
    Some(ServiceDetail {
        code: dto.code.clone(),
        name: language.pick(&dto.name_id, &dto.name_en).to_owned(),
        agency,
        sections,
        decree: standard
            .decree
            .as_ref()
            .map(|d| strings.fill("decree", &[("decree", d)])),
        maklumat: Section {
            heading: strings.get("maklumat"),
            lines: vec![catalog.site.maklumat.clone()],
            // The pledge is signed in Indonesian: shown as it is.
            in_indonesian: language == super::Language::English,
        },
        priority_classes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Language;
    use crate::model::catalog_view::tests::catalog;
    use antrean_protocol::FeeLineDto;

    #[test]
    fn detail_has_the_six_components_in_order() {
        let strings = Strings::for_language(Language::Indonesian);
        let detail = service_detail(&catalog(), "ktp-el-baru", &strings).expect("service exists");
        let headings: Vec<_> = detail.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(
            headings,
            [
                "Persyaratan",
                "Sistem, mekanisme, dan prosedur",
                "Jangka waktu penyelesaian",
                "Biaya/tarif",
                "Produk pelayanan",
                "Penanganan pengaduan, saran, dan masukan",
            ]
        );
        assert_eq!(detail.sections[0].lines[1], "2. Surat pengantar RT/RW");
        assert_eq!(detail.sections[3].lines[0], "Gratis");
        assert_eq!(detail.maklumat.heading, "Maklumat pelayanan");
        assert_eq!(detail.agency, "Disdukcapil");
        assert_eq!(detail.priority_classes.len(), 2);
    }

    #[test]
    fn tariff_is_puebi_money() {
        let strings = Strings::for_language(Language::Indonesian);
        let detail = service_detail(&catalog(), "skck", &strings).expect("service exists");
        assert_eq!(
            detail.sections[3].lines,
            ["SKCK: Rp30.000", "Dasar hukum: PP 76/2020"]
        );
    }

    #[test]
    fn a_sloppy_catalog_amount_text_is_reformatted_and_zero_is_free() {
        let strings = Strings::for_language(Language::Indonesian);
        let fee = FeeDto::Tariff {
            lines: vec![
                FeeLineDto {
                    label: "Paspor".into(),
                    amount_idr: 350_000,
                    text: "Rp. 350000".into(),
                },
                FeeLineDto {
                    label: "Legalisir".into(),
                    amount_idr: 0,
                    text: "Rp0".into(),
                },
            ],
            basis: "PP 28/2019".into(),
        };
        let lines = fee_lines(&fee, &strings);
        assert_eq!(lines[0], "Paspor: Rp350.000");
        assert_eq!(lines[1], "Legalisir: Gratis");
    }

    #[test]
    fn english_shows_the_catalogs_english_and_marks_what_is_only_in_indonesian() {
        let mut catalog = catalog();
        let ktp = catalog
            .services
            .iter_mut()
            .find(|s| s.code == "ktp-el-baru")
            .unwrap();
        let standard = ktp.standard.as_mut().unwrap();
        standard.en = StandardEnDto {
            requirements: Some(vec![
                "Copy of the family card (Kartu Keluarga)".into(),
                "Cover letter from the RT/RW".into(),
            ]),
            procedure: Some(vec![
                "Take a queue number".into(),
                "Hand in the documents".into(),
            ]),
            processing_time: Some("about 20 minutes".into()),
            fee: None,
            product: None,
            complaints: None,
        };
        let english = Strings::for_language(Language::English);
        let detail = service_detail(&catalog, "ktp-el-baru", &english).unwrap();
        let s = &detail.sections;
        assert_eq!(
            s[0].lines,
            [
                "1. Copy of the family card (Kartu Keluarga)",
                "2. Cover letter from the RT/RW"
            ]
        );
        assert_eq!(s[2].lines, ["about 20 minutes"]);
        let marked: Vec<bool> = s.iter().map(|s| s.in_indonesian).collect();
        // Requirements, procedure, time in English; the free fee needs none; product and
        // complaints only in Indonesian, marked.
        assert_eq!(marked, [false, false, false, false, true, true]);
        assert_eq!(s[3].lines[0], "Free of charge");
        assert_eq!(s[4].lines, ["KTP-el"]);
        // Indonesian never carries the mark.
        let indonesian = Strings::for_language(Language::Indonesian);
        let detail = service_detail(&catalog, "ktp-el-baru", &indonesian).unwrap();
        assert!(detail.sections.iter().all(|s| !s.in_indonesian));
        assert_eq!(detail.sections[0].lines[0], "1. Fotokopi Kartu Keluarga");
    }

    #[test]
    fn english_tariff_labels_replace_the_indonesian_ones() {
        let english = Strings::for_language(Language::English);
        let fee = FeeDto::Tariff {
            lines: vec![FeeLineDto {
                label: "Paspor 48 halaman".into(),
                amount_idr: 350_000,
                text: "Rp350.000".into(),
            }],
            basis: "PP 28/2019".into(),
        };
        let lines = fee_lines_in(&fee, Some(&["48-page passport".to_owned()]), &english);
        assert_eq!(
            lines,
            ["48-page passport: Rp350.000", "Legal basis: PP 28/2019"]
        );
    }

    #[test]
    fn unknown_service_has_no_detail() {
        let strings = Strings::for_language(Language::Indonesian);
        assert!(service_detail(&catalog(), "nope", &strings).is_none());
    }
}
