//! The service detail screen: the six Standar Pelayanan components a provider must publish
//! (UU 25/2009, PermenPAN-RB 15/2014; a kiosk is an accepted medium) plus the maklumat.

use antrean_protocol::{CatalogDto, FeeDto};

use super::Strings;

/// One published component: a heading and its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Heading, e.g. "Persyaratan".
    pub heading: String,
    /// Lines; numbered lists (requirements, procedure) carry their number already.
    pub lines: Vec<String>,
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
    let basis_line = |basis: &str| strings.fill("legal_basis", &[("basis", basis)]);
    match fee {
        FeeDto::Free { basis } => vec![strings.get("fee_free"), basis_line(basis)],
        FeeDto::Tariff { lines, basis } => {
            let mut out: Vec<String> = lines
                .iter()
                .map(|line| {
                    // Trust the catalog's text only when it is the PUEBI form of the amount.
                    let amount = antrean_core::money::format_rupiah(line.amount_idr, false);
                    let text = if line.amount_idr == 0 {
                        strings.get("fee_free")
                    } else if line.text.replace(' ', "") == amount {
                        line.text.clone()
                    } else {
                        amount
                    };
                    if line.label.is_empty() {
                        text
                    } else {
                        format!("{}: {text}", line.label)
                    }
                })
                .collect();
            out.push(basis_line(basis));
            out
        }
        FeeDto::Variable { description, basis } => vec![description.clone(), basis_line(basis)],
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
    let sections = vec![
        Section {
            heading: strings.get("requirements"),
            lines: numbered(&standard.requirements),
        },
        Section {
            heading: strings.get("procedure"),
            lines: numbered(&standard.procedure),
        },
        Section {
            heading: strings.get("processing_time"),
            lines: vec![standard.processing_time.clone()],
        },
        Section {
            heading: strings.get("fee"),
            lines: fee_lines(&standard.fee, strings),
        },
        Section {
            heading: strings.get("product"),
            lines: vec![standard.product.clone()],
        },
        Section {
            heading: strings.get("complaints"),
            lines: standard.complaints.clone(),
        },
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
    fn unknown_service_has_no_detail() {
        let strings = Strings::for_language(Language::Indonesian);
        assert!(service_detail(&catalog(), "nope", &strings).is_none());
    }
}
