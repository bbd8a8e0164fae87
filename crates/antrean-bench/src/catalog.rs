//! A benchmark site: 600 services (two-letter prefixes), so the throughput runs (~100,000
//! tickets) fit the 999-per-prefix daily numbering.

pub const SERVICES: usize = 600;

pub fn service_code(i: usize) -> String {
    format!("layanan-{:03}", i % SERVICES)
}

fn prefix(i: usize) -> String {
    let a = (b'A' + (i / 26) as u8) as char;
    let b = (b'A' + (i % 26) as u8) as char;
    format!("{a}{b}")
}

pub fn toml() -> String {
    let mut out = String::from(
        "[site]\nname = \"Bench MPP\"\ntime_zone = \"WIB\"\n[site.hours.monday]\nopen = \"00:00\"\nclose = \"24:00\"\n\n\
         [[priority_classes]]\ncode = \"lansia\"\nname_id = \"Lansia\"\nname_en = \"Elderly\"\n\n\
         [[agencies]]\ncode = \"bench\"\nname_id = \"Instansi Uji\"\nname_en = \"Bench agency\"\n\n",
    );
    for i in 0..SERVICES {
        out.push_str(&format!(
            "[[services]]\ncode = \"{}\"\nagency = \"bench\"\nprefix = \"{}\"\nname_id = \"Layanan {i}\"\nname_en = \"Service {i}\"\n\
             requirements = [\"KTP\"]\nprocedure = [\"Datang\"]\nprocessing_time = {{ text = \"10 menit\" }}\n\
             fee = {{ free = true, basis = \"-\" }}\nproduct = \"Dokumen\"\ncomplaints = [\"LAPOR!\"]\n\n",
            service_code(i),
            prefix(i)
        ));
    }
    for c in 0..10 {
        let services: Vec<String> = (0..SERVICES)
            .filter(|i| i % 10 == c)
            .map(|i| format!("\"{}\"", service_code(i)))
            .collect();
        out.push_str(&format!(
            "[[counters]]\nid = \"{}\"\nname = \"Loket {}\"\nlocation = \"Lantai 1\"\nservices = [{}]\n\n",
            c + 1,
            c + 1,
            services.join(", ")
        ));
    }
    out
}
