//! The built-in sample ticket (`antrean printer preview`/`test`, snapshots) is a real ticket
//! of the shipped sample catalog: its site, agency, service, requirements and fee. A test
//! print once showed "Surat pengantar RT/RW", a requirement Perpres 96/2018 removed.

use antrean_core::catalog::Fee as CatalogFee;
use antrean_printer::{Fee, TicketPrint};

#[test]
fn the_sample_ticket_is_a_service_of_the_sample_catalog() {
    let catalog = antrean_catalog::sample();
    let sample = TicketPrint::sample();
    assert_eq!(sample.site_name, catalog.site.name);
    let service = catalog
        .services
        .iter()
        .find(|s| s.name_id == sample.service_name)
        .unwrap_or_else(|| panic!("no service \"{}\" in the catalog", sample.service_name));
    let agency = catalog.agency(&service.agency).expect("its agency");
    assert_eq!(sample.agency_name, agency.name_id);
    assert_eq!(sample.requirements, service.standard.requirements);
    assert!(
        sample
            .ticket_number
            .starts_with(&format!("{}-", service.prefix))
    );
    assert!(matches!(service.standard.fee, CatalogFee::Free { .. }));
    assert_eq!(sample.fee, Fee::Free);
    let counters: Vec<_> = catalog.counters_serving(&service.code).collect();
    assert!(
        counters
            .iter()
            .any(|c| sample.counter_location.starts_with(&c.name)),
        "{} is not a counter serving {}",
        sample.counter_location,
        service.code
    );
}
