//! `[services.booking]` and `policy.booked_ratio`: online booking settings, checked with
//! the same file/line errors as the rest of the catalog.

use antrean_core::LocalTime;
use antrean_core::booking::{BookedAt, BookingRules, Hours, LatePolicy, NikRule};
use antrean_core::catalog::BookedRatio;
use toml::Spanned;

use crate::raw::RawBooking;
use crate::validate::err;
use crate::{CatalogError, Locator};

type Result<T> = std::result::Result<T, CatalogError>;

/// Checks one service's booking table. `quota` is the service's daily quota, `counters`
/// how many counters serve it (its counter group).
pub(crate) fn rules(
    raw: Spanned<RawBooking>,
    quota: Option<u32>,
    counters: u32,
    field: &str,
    at: &Locator<'_>,
) -> Result<BookingRules> {
    let default = BookingRules::default();
    let seats_per_slot = seats(&raw, counters, field, at)?;
    let raw = raw.into_inner();
    let bounded = |v: &Option<Spanned<u16>>,
                   name: &str,
                   range: std::ops::RangeInclusive<u16>,
                   fallback: u16|
     -> Result<u16> {
        match v {
            None => Ok(fallback),
            Some(v) if range.contains(v.get_ref()) => Ok(*v.get_ref()),
            Some(v) => Err(err(
                at,
                v,
                &format!("{field}.{name}"),
                format!("must be {} to {}", range.start(), range.end()),
            )),
        }
    };
    let slot_min = bounded(&raw.slot_min, "slot_min", 5..=240, default.slot_min)?;
    let days_ahead = bounded(&raw.days_ahead, "days_ahead", 0..=90, default.days_ahead)?;
    let arrive_early_min = bounded(
        &raw.arrive_early_min,
        "arrive_early_min",
        0..=240,
        default.arrive_early_min,
    )?;
    let arrive_late_min = bounded(
        &raw.arrive_late_min,
        "arrive_late_min",
        0..=240,
        default.arrive_late_min,
    )?;
    let retention_days = bounded(
        &raw.retention_days,
        "retention_days",
        1..=3650,
        default.retention_days,
    )?;
    let booked_share_pct = match &raw.booked_share_pct {
        None => default.booked_share_pct,
        Some(p) if *p.get_ref() <= 100 => *p.get_ref(),
        Some(p) => {
            return Err(err(
                at,
                p,
                &format!("{field}.booked_share_pct"),
                "must be 0 to 100".into(),
            ));
        }
    };
    if let (Some(quota), Some(p)) = (quota, &raw.booked_share_pct)
        && u64::from(quota) * u64::from(*p.get_ref()) / 100 == 0
    {
        return Err(err(
            at,
            p,
            &format!("{field}.booked_share_pct"),
            format!("holds no seat of the daily quota of {quota}: raise it or remove [booking]"),
        ));
    }
    let mut window = Vec::new();
    for (i, w) in raw.window.iter().enumerate() {
        let f = format!("{field}.window[{i}]");
        let hours = w
            .get_ref()
            .split_once('-')
            .and_then(|(a, b)| Some((LocalTime::parse(a.trim())?, LocalTime::parse(b.trim())?)))
            .filter(|(a, b)| a < b)
            .ok_or_else(|| {
                err(
                    at,
                    w,
                    &f,
                    "must be \"HH:MM-HH:MM\" with the start first".into(),
                )
            })?;
        window.push(Hours {
            start: hours.0,
            end: hours.1,
        });
    }
    let late = match raw.late.as_ref().map(|l| (l, l.get_ref().as_str())) {
        None => default.late,
        Some((_, "walk_in")) => LatePolicy::WalkIn,
        Some((_, "refused")) => LatePolicy::Refused,
        Some((l, _)) => {
            return Err(err(
                at,
                l,
                &format!("{field}.late"),
                "must be \"walk_in\" or \"refused\"".into(),
            ));
        }
    };
    let nik = match raw.nik.as_ref().map(|n| (n, n.get_ref().as_str())) {
        None => default.nik,
        Some((_, "not_asked")) => NikRule::NotAsked,
        Some((_, "optional")) => NikRule::Optional,
        Some((_, "required")) => NikRule::Required,
        Some((n, _)) => {
            return Err(err(
                at,
                n,
                &format!("{field}.nik"),
                "must be \"not_asked\", \"optional\" or \"required\"".into(),
            ));
        }
    };
    let booked_at = match raw.booked_at.as_ref().map(|b| (b, b.get_ref().as_str())) {
        None | Some((_, "site")) => BookedAt::Site,
        Some((_, "central")) => BookedAt::Central,
        Some((b, _)) => {
            return Err(err(
                at,
                b,
                &format!("{field}.booked_at"),
                "must be \"site\" or \"central\"".into(),
            ));
        }
    };
    Ok(BookingRules {
        slot_min,
        seats_per_slot,
        booked_share_pct,
        days_ahead,
        window,
        arrive_early_min,
        arrive_late_min,
        late,
        nik,
        retention_days,
        booked_at,
    })
}

/// The seats of each slot: `seats_per_slot` as given, or `seats_per_counter` times the
/// counters that serve the service (capacity follows the counter group's staffing).
fn seats(table: &Spanned<RawBooking>, counters: u32, field: &str, at: &Locator<'_>) -> Result<u32> {
    let raw = table.get_ref();
    let in_range = |v: &Spanned<u32>, name: &str| {
        if (1..=999).contains(v.get_ref()) {
            Ok(*v.get_ref())
        } else {
            Err(err(
                at,
                v,
                &format!("{field}.{name}"),
                "must be 1 to 999".into(),
            ))
        }
    };
    match (&raw.seats_per_slot, &raw.seats_per_counter) {
        (Some(slot), None) => in_range(slot, "seats_per_slot"),
        (None, Some(per_counter)) => {
            let each = in_range(per_counter, "seats_per_counter")?;
            if counters == 0 {
                return Err(err(
                    at,
                    per_counter,
                    &format!("{field}.seats_per_counter"),
                    "no counter serves this service: list it in a counter's services, or give seats_per_slot".into(),
                ));
            }
            let total = each * counters;
            if total > 999 {
                return Err(err(
                    at,
                    per_counter,
                    &format!("{field}.seats_per_counter"),
                    format!("{each} × {counters} counters = {total} seats a slot; at most 999"),
                ));
            }
            Ok(total)
        }
        (Some(_), Some(per_counter)) => Err(err(
            at,
            per_counter,
            &format!("{field}.seats_per_counter"),
            "give seats_per_slot or seats_per_counter, not both".into(),
        )),
        (None, None) => Err(err(
            at,
            table,
            field,
            "needs seats_per_slot (visitors a slot) or seats_per_counter (visitors a slot at each counter serving it)".into(),
        )),
    }
}

/// "N:M" with N and M from 1 to 9.
pub(crate) fn ratio(text: &str) -> Option<BookedRatio> {
    let (n, m) = text.split_once(':')?;
    let (booked, walk_in): (u32, u32) = (n.trim().parse().ok()?, m.trim().parse().ok()?);
    ((1..=9).contains(&booked) && (1..=9).contains(&walk_in))
        .then_some(BookedRatio { booked, walk_in })
}
