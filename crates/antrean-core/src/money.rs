//! PUEBI formatting of numbers and money: "Rp50.000", "Rp500.000,50", "88,31".

/// Groups the digits of `n` with a period: 1234567 → "1.234.567".
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// Rupiah per PUEBI: no space and no period after "Rp" ("Rp50.000"). Signage often
/// writes "Rp 50.000"; `space_after_symbol` is the site's setting for that.
pub fn format_rupiah(amount_idr: u64, space_after_symbol: bool) -> String {
    let sep = if space_after_symbol { " " } else { "" };
    format!("Rp{sep}{}", group_thousands(amount_idr))
}

/// A decimal with a comma and exactly `places` decimals: (88.3125, 2) → "88,31".
/// Rounds half away from zero on the decimal value, as hand calculators and Excel do.
pub fn format_decimal_id(value: f64, places: usize) -> String {
    let text = format!("{:.*}", places, round_half_away(value, places as i32));
    let (int_part, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let negative = int_part.starts_with('-');
    let int_abs: u64 = int_part.trim_start_matches('-').parse().unwrap_or(0);
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&group_thousands(int_abs));
    if let Some(frac) = frac {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// Rounds half away from zero at `places` decimals, tolerant of binary representation
/// error (80.425 stored as 80.42499999 still rounds up).
pub fn round_half_away(value: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    let scaled = value * scale;
    let nudged = scaled + scaled.signum() * 1e-9 * scaled.abs().max(1.0);
    nudged.round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rupiah_per_puebi() {
        assert_eq!(format_rupiah(50_000, false), "Rp50.000");
        assert_eq!(format_rupiah(1_000_000, false), "Rp1.000.000");
        assert_eq!(format_rupiah(950, false), "Rp950");
        assert_eq!(format_rupiah(30_000, true), "Rp 30.000");
        assert_eq!(format_rupiah(0, false), "Rp0");
    }

    #[test]
    fn decimals_use_comma_and_round_half_away() {
        assert_eq!(format_decimal_id(88.3125, 2), "88,31");
        assert_eq!(format_decimal_id(80.425, 2), "80,43");
        assert_eq!(format_decimal_id(1234.5, 1), "1.234,5");
        assert_eq!(format_decimal_id(7.0, 0), "7");
        assert_eq!(format_decimal_id(-2.5, 0), "-3");
    }
}
