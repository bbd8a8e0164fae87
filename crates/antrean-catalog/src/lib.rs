//! Reads a site catalog from TOML into [`antrean_core::Catalog`].
//!
//! **Key design decision:** an invalid catalog stops the server with an error naming the
//! file, the line and the field — never a guess, never a silently skipped entry. Syntax and
//! type errors come from the TOML parser with their span; cross-references (a counter naming
//! an unknown service, duplicate prefixes, a cut-off after closing) are checked here against
//! spans kept with the raw values.
#![deny(missing_docs)]

mod booking;
mod raw;
mod validate;

use std::fmt;
use std::path::Path;

use antrean_core::Catalog;

/// The sample MPP catalog shipped with Antrean (also embedded in the binary so the demo
/// runs from anywhere).
pub const SAMPLE_CATALOG_TOML: &str = include_str!("../../../kiosk-assets/catalog/sample-mpp.toml");

/// Name used for the embedded sample in error messages.
pub const SAMPLE_CATALOG_NAME: &str = "kiosk-assets/catalog/sample-mpp.toml";

/// A catalog error with its location.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct CatalogError {
    /// File name as given.
    pub file: String,
    /// 1-based line (0 when the file could not be read).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The field, as a dotted path or the key on that line (`services[2].prefix`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: field `{}`: {}",
            self.file, self.line, self.column, self.field, self.message
        )
    }
}

/// Reads and validates a catalog file.
pub fn load_file(path: &Path) -> Result<Catalog, CatalogError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|err| CatalogError {
        file: name.clone(),
        line: 0,
        column: 0,
        field: String::new(),
        message: format!("cannot read the file: {err}"),
    })?;
    parse(&name, &text)
}

/// The embedded sample catalog.
pub fn sample() -> Catalog {
    parse(SAMPLE_CATALOG_NAME, SAMPLE_CATALOG_TOML).expect("the shipped sample catalog is valid")
}

/// The sample catalog's text with passport applications booked at Antrean Pusat instead of
/// at the site (docs/booking.md, "Booked at central"): the central demo and its tests.
pub fn sample_toml_booked_at_central() -> String {
    let block = "nik = \"required\"\nretention_days = 90\n";
    debug_assert_eq!(SAMPLE_CATALOG_TOML.matches(block).count(), 1);
    SAMPLE_CATALOG_TOML.replacen(block, &format!("{block}booked_at = \"central\"\n"), 1)
}

/// Parses and validates catalog text; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Catalog, CatalogError> {
    let locate = Locator { file, text };
    let raw: raw::RawCatalog = toml::from_str(text).map_err(|err| {
        let span = err.span().unwrap_or(0..0);
        locate.error(span.start, None, err.message().trim().to_owned())
    })?;
    validate::build(raw, &locate)
}

/// Turns byte offsets into line/column errors.
pub(crate) struct Locator<'a> {
    file: &'a str,
    text: &'a str,
}

impl Locator<'_> {
    pub(crate) fn error(
        &self,
        offset: usize,
        field: Option<&str>,
        message: String,
    ) -> CatalogError {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        let field = match field {
            Some(f) => f.to_owned(),
            None => self.key_on_line(line_start),
        };
        CatalogError {
            file: self.file.to_owned(),
            line,
            column,
            field,
            message,
        }
    }

    /// The `key` of a `key = value` line (or the `[table]` header), for parser errors that
    /// carry only a position.
    fn key_on_line(&self, line_start: usize) -> String {
        let line = self.text[line_start..].lines().next().unwrap_or("").trim();
        if let Some((key, _)) = line.split_once('=') {
            return key.trim().to_owned();
        }
        line.trim_matches(['[', ']']).to_owned()
    }
}

/// The catalog with opening hours removed: open every day, all day, no breaks, no
/// holidays. For the demo and tests, which must work at any hour; never for a real site.
pub fn always_open(mut catalog: Catalog) -> Catalog {
    use antrean_core::schedule::DayHours;
    let all_day = DayHours {
        open: antrean_core::LocalTime::from_minutes(0),
        close: antrean_core::LocalTime::from_minutes(24 * 60),
        issue_cutoff: antrean_core::LocalTime::from_minutes(24 * 60),
        breaks: Vec::new(),
    };
    catalog.site.schedule.weekly = std::array::from_fn(|_| Some(all_day.clone()));
    catalog.site.schedule.holidays.clear();
    catalog
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_central_sample_books_only_passports_at_central() {
        let catalog = super::parse("central", &super::sample_toml_booked_at_central()).unwrap();
        let central: Vec<&str> = catalog
            .services
            .iter()
            .filter(|s| {
                s.booking
                    .as_ref()
                    .is_some_and(|b| b.booked_at == antrean_core::booking::BookedAt::Central)
            })
            .map(|s| s.code.as_str())
            .collect();
        assert_eq!(central, ["paspor-baru"]);
    }
}
