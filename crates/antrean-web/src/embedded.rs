//! The pages, styles and scripts, compiled into the binary from `static/`.

/// An embedded file.
#[derive(Clone, Copy, Debug)]
pub struct Asset {
    /// The file's bytes.
    pub bytes: &'static [u8],
    /// Its `Content-Type`.
    pub content_type: &'static str,
}

macro_rules! embedded {
    ($($name:literal => $kind:expr),* $(,)?) => {
        /// Every embedded file by name; nothing else can be served.
        const FILES: &[(&str, Asset)] = &[$(
            ($name, Asset {
                bytes: include_bytes!(concat!("../static/", $name)),
                content_type: $kind,
            }),
        )*];
    };
}

const HTML: &str = "text/html; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const SVG: &str = "image/svg+xml";

embedded! {
    "index.html" => HTML,
    "console.html" => HTML,
    "board.html" => HTML,
    "ticket.html" => HTML,
    "rate.html" => HTML,
    "report.html" => HTML,
    "booking.html" => HTML,
    "admin.html" => HTML,
    "common.js" => JS,
    "console.js" => JS,
    "board.js" => JS,
    "voice.js" => JS,
    "ticket.js" => JS,
    "skm.js" => JS,
    "rate.js" => JS,
    "report.js" => JS,
    "booking.js" => JS,
    "admin.js" => JS,
    "base.css" => CSS,
    "console.css" => CSS,
    "board.css" => CSS,
    "ticket.css" => CSS,
    "skm.css" => CSS,
    "rate.css" => CSS,
    "report.css" => CSS,
    "booking.css" => CSS,
    "admin.css" => CSS,
    "favicon.svg" => SVG,
}

/// The embedded file called `name` (a plain file name such as `board.js`).
pub fn asset(name: &str) -> Option<Asset> {
    FILES
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, found)| *found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_follow_extensions() {
        for (name, found) in FILES {
            let expected = match name.rsplit('.').next() {
                Some("html") => HTML,
                Some("css") => CSS,
                Some("js") => JS,
                Some("svg") => SVG,
                other => panic!("unexpected extension {other:?}"),
            };
            assert_eq!(found.content_type, expected, "{name}");
            assert!(!found.bytes.is_empty(), "{name}");
        }
    }

    /// Messages from the server can quote what a client sent: pages put text in with
    /// `textContent`, never parse it as HTML.
    #[test]
    fn no_page_parses_strings_as_html() {
        for (name, found) in FILES {
            let text = std::str::from_utf8(found.bytes).unwrap();
            for sink in [
                "innerHTML",
                "outerHTML",
                "insertAdjacentHTML",
                "document.write",
            ] {
                assert!(!text.contains(sink), "{name} uses {sink}");
            }
        }
    }

    #[test]
    fn only_embedded_names_resolve() {
        assert!(asset("board.js").is_some());
        for name in [
            "../Cargo.toml",
            "..",
            "",
            "board.js/",
            "/etc/passwd",
            "BOARD.JS",
        ] {
            assert!(asset(name).is_none(), "{name}");
        }
    }

    /// Indonesian screens say things in Indonesian, with the site's own words: no English
    /// glosses left in (issue 17 found these), and "tanpa pengunjung" for counter time
    /// without visitors rather than "menganggur" (idle, which reads as a reproach).
    #[test]
    fn pages_speak_indonesian() {
        let english = [
            "Tap to enable",
            "Manager login",
            "Unduh / Export",
            "perangkat display",
            "enganggur",
            // One word for a parked ticket, as the board and the phone say it.
            "arkir",
            // The weight label already says "bobot".
            "Bobot per unsur: ",
        ];
        for (name, found) in FILES {
            let text = std::str::from_utf8(found.bytes).unwrap();
            for phrase in english {
                assert!(!text.contains(phrase), "{name} says \"{phrase}\"");
            }
        }
    }

    #[test]
    fn pages_load_nothing_from_outside() {
        // A site has no internet: any absolute URL in a page would fail there.
        for (name, found) in FILES {
            let text = std::str::from_utf8(found.bytes).unwrap();
            // An SVG names its XML namespace with a URL; nothing is fetched from it.
            let text = text.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
            for needle in ["http://", "https://", "//fonts.", "cdn"] {
                assert!(!text.contains(needle), "{name} mentions {needle}");
            }
        }
    }

    #[test]
    fn the_ticket_page_stays_small_for_cheap_phones() {
        // Aim from the issue: under 30 KB for the whole page on a weak connection, as sent
        // (gzip: every phone browser accepts it). Also in two languages, uncompressed, it
        // stays under 48 KB for a client that asks for no compression.
        let sent = |names: &[&str]| -> (usize, usize) {
            names.iter().fold((0, 0), |(raw, gz), n| {
                let a = asset(n).unwrap();
                let packed = crate::gzip::compressed(a).expect("text").len();
                (raw + a.bytes.len(), gz + packed)
            })
        };
        let (raw, gz) = sent(&[
            "ticket.html",
            "ticket.js",
            "common.js",
            "base.css",
            "ticket.css",
        ]);
        assert!(gz < 30 * 1024, "ticket page sends {gz} bytes");
        assert!(raw < 48 * 1024, "ticket page is {raw} bytes uncompressed");
        // The survey loads only after service, when the wait is over.
        let (raw, gz) = sent(&["skm.js", "skm.css"]);
        assert!(gz < 20 * 1024, "the survey sends {gz} bytes");
        assert!(raw < 32 * 1024, "the survey is {raw} bytes uncompressed");
    }
}
