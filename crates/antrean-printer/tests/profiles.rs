//! Shipped profiles load; bad profiles are rejected with the field named.

use std::path::{Path, PathBuf};

use antrean_printer::profile::{GENERIC_58MM_TOML, InterfaceKind, StatusSupport};
use antrean_printer::{CodePage, CutKind, Profile, ProfileError};

fn profiles_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../firmware-config/printers")
}

#[test]
fn every_shipped_profile_loads() {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(profiles_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let profile = Profile::load(&path).unwrap_or_else(|err| panic!("{err}"));
            names.push(path.file_name().unwrap().to_string_lossy().to_string());
            assert!(profile.columns >= 32);
        }
    }
    names.sort();
    assert_eq!(
        names,
        [
            "epson-tm-t82.toml",
            "generic-58mm.toml",
            "generic-80mm.toml",
            "xprinter-xp58.toml",
            "xprinter-xp80.toml"
        ]
    );
    let epson = Profile::load(&profiles_dir().join("epson-tm-t82.toml")).unwrap();
    assert_eq!(
        (epson.code_page, epson.code_page_select),
        (CodePage::Wpc1252, 16)
    );
    assert_eq!(
        (epson.cut, epson.status),
        (CutKind::Partial, StatusSupport::DleEot)
    );
    assert_eq!(epson.interface.kind, InterfaceKind::Usb);
    let generic = Profile::generic_80mm();
    assert_eq!(generic.interface.tcp_port, 9100);
    assert_eq!(Profile::generic_58mm().interface.baud_bps, Some(9600));
}

/// A change to the profile text that makes it invalid.
type Edit = Box<dyn Fn(&str) -> String>;

/// Applies `edit` to the generic 58 mm profile text and returns the error.
fn error_for(edit: impl Fn(&str) -> String) -> ProfileError {
    let text = edit(GENERIC_58MM_TOML);
    Profile::from_toml_str(&text, "test.toml").expect_err("profile must be rejected")
}

fn field_of(err: &ProfileError) -> &str {
    match err {
        ProfileError::Field { field, .. } => field,
        other => panic!("expected a field error, got {other}"),
    }
}

#[test]
fn errors_name_the_field() {
    let cases: [(&str, Edit); 12] = [
        (
            "columns",
            Box::new(|t| t.replace("columns = 32", "columns = 99")),
        ),
        (
            "columns",
            Box::new(|t| t.replace("columns = 32", "columns = \"32\"")),
        ),
        (
            "colums",
            Box::new(|t| t.replace("columns = 32", "colums = 32")),
        ),
        ("columns", Box::new(|t| t.replace("columns = 32\n", ""))),
        (
            "paper_width_mm",
            Box::new(|t| t.replace("paper_width_mm = 58", "paper_width_mm = 76")),
        ),
        (
            "code_page",
            Box::new(|t| t.replace("\"pc437\"", "\"pc850\"")),
        ),
        (
            "cut",
            Box::new(|t| t.replace("cut = \"none\"", "cut = \"half\"")),
        ),
        (
            "qr_module_size_dots",
            Box::new(|t| t.replace("qr_module_size_dots = 5", "qr_module_size_dots = 0")),
        ),
        (
            "interface.baud_bps",
            Box::new(|t| t.replace("baud_bps = 9600", "baud_bps = 9601")),
        ),
        (
            "interface.baud_bps",
            Box::new(|t| t.replace("baud_bps = 9600\n", "")),
        ),
        (
            "interface.kind",
            Box::new(|t| t.replace("kind = \"serial\"", "kind = \"parallel\"")),
        ),
        (
            "interface.parity",
            Box::new(|t| format!("{t}parity = \"none\"\n")),
        ),
    ];
    for (field, edit) in cases {
        let err = error_for(edit);
        assert_eq!(field_of(&err), field, "{err}");
        assert!(
            err.to_string().contains(field),
            "message must name `{field}`: {err}"
        );
        assert!(err.to_string().contains("test.toml"), "{err}");
    }
}

#[test]
fn missing_file_and_broken_syntax_are_reported() {
    let err = Profile::load(Path::new("/nonexistent/printer.toml")).unwrap_err();
    assert!(matches!(err, ProfileError::Read { .. }), "{err}");
    let err = Profile::from_toml_str("name = \"x\"\n[interface\n", "broken.toml").unwrap_err();
    assert!(err.to_string().contains("broken.toml"), "{err}");
}
