//! Cross-field checks and conversion into the core model.

use std::collections::HashSet;

use antrean_core::catalog::*;
use antrean_core::schedule::{Break, DayHours, Holiday, Schedule};
use antrean_core::time::Weekday;
use antrean_core::{LocalDate, LocalTime, TimeZone};
use toml::Spanned;

use crate::raw::*;
use crate::{CatalogError, Locator};

type Result<T> = std::result::Result<T, CatalogError>;

pub(crate) fn build(raw: RawCatalog, at: &Locator<'_>) -> Result<Catalog> {
    let site = site(raw.site, at)?;
    let policy = policy(&raw.policy, at)?;
    let classes = priority_classes(raw.priority_classes, at)?;
    let agencies = agencies(raw.agencies, at)?;
    let agency_codes: HashSet<&str> = agencies.iter().map(|a| a.code.as_str()).collect();
    let mut service_codes = HashSet::new();
    let mut prefixes = HashSet::new();
    let mut services = Vec::new();
    // Counters serving each service (a booking's capacity may follow them).
    let mut serving: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    for c in &raw.counters {
        let listed: HashSet<&str> = c
            .services
            .get_ref()
            .iter()
            .map(|s| s.get_ref().as_str())
            .collect();
        for code in listed {
            *serving.entry(code).or_default() += 1;
        }
    }
    let serving: std::collections::HashMap<String, u32> = serving
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    for (i, s) in raw.services.into_iter().enumerate() {
        let path = |field: &str| format!("services[{i}].{field}");
        let (code, prefix) = (s.code.clone(), s.prefix.clone());
        let counters = serving.get(code.get_ref().as_str()).copied().unwrap_or(0);
        let service = service(i, s, &agency_codes, &classes, counters, at)?;
        unique(&mut service_codes, &code, &path("code"), at)?;
        // Numbers are unique per prefix and day; two services sharing a prefix would share
        // one sequence and confuse visitors reading the board.
        unique(&mut prefixes, &prefix, &path("prefix"), at)?;
        services.push(service);
    }
    let counters = counters(raw.counters, &service_codes, at)?;
    Ok(Catalog::new(
        site, policy, classes, agencies, services, counters,
    ))
}

fn priority_classes(raw: Vec<RawPriorityClass>, at: &Locator<'_>) -> Result<Vec<PriorityClass>> {
    let mut class_codes = HashSet::new();
    let mut classes = Vec::new();
    for (i, c) in raw.into_iter().enumerate() {
        let code = key(&c.code, &format!("priority_classes[{i}].code"), at)?;
        unique(
            &mut class_codes,
            &c.code,
            &format!("priority_classes[{i}].code"),
            at,
        )?;
        classes.push(PriorityClass {
            code,
            name_id: c.name_id,
            name_en: c.name_en,
        });
    }

    Ok(classes)
}

fn agencies(raw: Vec<RawAgency>, at: &Locator<'_>) -> Result<Vec<Agency>> {
    let mut agency_codes = HashSet::new();
    let mut agencies = Vec::new();
    for (i, a) in raw.into_iter().enumerate() {
        let code = key(&a.code, &format!("agencies[{i}].code"), at)?;
        unique(
            &mut agency_codes,
            &a.code,
            &format!("agencies[{i}].code"),
            at,
        )?;
        agencies.push(Agency {
            code,
            name_id: a.name_id,
            name_en: a.name_en,
        });
    }

    Ok(agencies)
}

/// One service: its agency and priority classes exist, its prefix and quota fit the
/// numbering, and its Standar Pelayanan lists every published component.
fn service(
    i: usize,
    s: RawService,
    agency_codes: &HashSet<&str>,
    classes: &[PriorityClass],
    counters: u32,
    at: &Locator<'_>,
) -> Result<Service> {
    let path = |field: &str| format!("services[{i}].{field}");
    let code = key(&s.code, &path("code"), at)?;
    if !agency_codes.contains(s.agency.get_ref().as_str()) {
        return Err(err(
            at,
            &s.agency,
            &path("agency"),
            format!("unknown agency \"{}\"", s.agency.get_ref()),
        ));
    }
    let prefix = s.prefix.get_ref();
    if prefix.is_empty() || prefix.len() > 3 || !prefix.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(err(
            at,
            &s.prefix,
            &path("prefix"),
            "must be 1 to 3 capital letters A-Z".into(),
        ));
    }
    let accepted = match s.priority_classes {
        None => classes.iter().map(|c| c.code.clone()).collect(),
        Some(list) => {
            let mut out = Vec::new();
            for (j, c) in list.iter().enumerate() {
                if !classes.iter().any(|class| &class.code == c.get_ref()) {
                    let f = path(&format!("priority_classes[{j}]"));
                    return Err(err(
                        at,
                        c,
                        &f,
                        format!("unknown priority class \"{}\"", c.get_ref()),
                    ));
                }
                out.push(c.get_ref().clone());
            }
            out
        }
    };
    if let Some(q) = &s.daily_quota
        && (*q.get_ref() == 0 || *q.get_ref() > u32::from(antrean_core::ticket::MAX_DAILY_SEQUENCE))
    {
        return Err(err(
            at,
            q,
            &path("daily_quota"),
            "must be between 1 and 999 (three-digit numbers)".into(),
        ));
    }
    for (list, name) in [
        (&s.requirements, "requirements"),
        (&s.procedure, "procedure"),
        (&s.complaints, "complaints"),
    ] {
        if list.get_ref().is_empty() || list.get_ref().iter().any(|l| l.trim().is_empty()) {
            return Err(err(
                at,
                list,
                &path(name),
                "must list at least one non-empty item (a published Standar Pelayanan component)"
                    .into(),
            ));
        }
    }
    let fee = fee(s.fee, &path("fee"), at)?;
    let en = match s.en {
        None => StandardEn::default(),
        Some(en) => standard_en(
            en,
            &s.requirements,
            &s.procedure,
            &s.complaints,
            &fee,
            &path("en"),
            at,
        )?,
    };
    let standard = ServiceStandard {
        requirements: s.requirements.into_inner(),
        procedure: s.procedure.into_inner(),
        processing_time: processing_time(s.processing_time, &path("processing_time"), at)?,
        fee,
        product: s.product,
        complaints: s.complaints.into_inner(),
        decree: s.decree,
        en,
    };
    Ok(Service {
        code,
        agency: s.agency.into_inner(),
        prefix: s.prefix.into_inner(),
        name_id: s.name_id,
        name_en: s.name_en,
        standard,
        daily_quota: s.daily_quota.as_ref().map(|q| *q.get_ref()),
        priority_classes: accepted,
        booking: match s.booking {
            Some(raw) => Some(crate::booking::rules(
                raw,
                s.daily_quota.as_ref().map(|q| *q.get_ref()),
                counters,
                &path("booking"),
                at,
            )?),
            None => None,
        },
    })
}

/// The English standard: each list item by item with the Indonesian one (a visitor reads
/// requirement 3 in either language), tariff labels one per line, nothing blank.
fn standard_en(
    en: crate::raw::RawStandardEn,
    requirements: &Spanned<Vec<String>>,
    procedure: &Spanned<Vec<String>>,
    complaints: &Spanned<Vec<String>>,
    fee: &Fee,
    field: &str,
    at: &Locator<'_>,
) -> Result<StandardEn> {
    let fee_items = match fee {
        Fee::Tariff { lines, .. } => lines.len(),
        _ => 1,
    };
    let fee_needs = match fee {
        Fee::Tariff { .. } => "one label per tariff line, in order",
        _ => "one description",
    };
    for (list, name, len, needs) in [
        (
            &en.requirements,
            "requirements",
            requirements.get_ref().len(),
            "one item per Indonesian requirement, in order",
        ),
        (
            &en.procedure,
            "procedure",
            procedure.get_ref().len(),
            "one item per Indonesian step, in order",
        ),
        (
            &en.complaints,
            "complaints",
            complaints.get_ref().len(),
            "one item per Indonesian channel, in order",
        ),
        (&en.fee, "fee", fee_items, fee_needs),
    ] {
        if let Some(list) = list {
            let items = list.get_ref();
            if items.len() != len || items.iter().any(|i| i.trim().is_empty()) {
                return Err(err(
                    at,
                    list,
                    &format!("{field}.{name}"),
                    format!("needs {needs} ({len}), none blank"),
                ));
            }
        }
    }
    if let (Fee::Free { .. }, Some(list)) = (fee, &en.fee) {
        return Err(err(
            at,
            list,
            &format!("{field}.fee"),
            "a free service has no fee text to translate (\"Free\" is shown)".into(),
        ));
    }
    let text = |t: Option<String>| t.filter(|t| !t.trim().is_empty());
    Ok(StandardEn {
        requirements: en.requirements.map(Spanned::into_inner),
        procedure: en.procedure.map(Spanned::into_inner),
        processing_time: text(en.processing_time),
        fee: en.fee.map(Spanned::into_inner),
        product: text(en.product),
        complaints: en.complaints.map(Spanned::into_inner),
    })
}

fn counters(
    raw: Vec<RawCounter>,
    service_codes: &HashSet<String>,
    at: &Locator<'_>,
) -> Result<Vec<Counter>> {
    let mut counter_ids = HashSet::new();
    let mut counters = Vec::new();
    for (i, c) in raw.into_iter().enumerate() {
        let id = key(&c.id, &format!("counters[{i}].id"), at)?;
        unique(&mut counter_ids, &c.id, &format!("counters[{i}].id"), at)?;
        if c.services.get_ref().is_empty() {
            return Err(err(
                at,
                &c.services,
                &format!("counters[{i}].services"),
                "a counter must serve at least one service".into(),
            ));
        }
        let mut seen = HashSet::new();
        for (j, s) in c.services.get_ref().iter().enumerate() {
            let f = format!("counters[{i}].services[{j}]");
            if !service_codes.contains(s.get_ref()) {
                return Err(err(
                    at,
                    s,
                    &f,
                    format!("unknown service \"{}\"", s.get_ref()),
                ));
            }
            unique(&mut seen, s, &f, at)?;
        }
        counters.push(Counter {
            id,
            name: c.name,
            location: c.location,
            location_en: c.location_en,
            services: c
                .services
                .into_inner()
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
        });
    }
    Ok(counters)
}

fn site(raw: RawSite, at: &Locator<'_>) -> Result<Site> {
    let time_zone = TimeZone::parse(raw.time_zone.get_ref()).ok_or_else(|| {
        err(
            at,
            &raw.time_zone,
            "site.time_zone",
            "must be WIB, WITA or WIT".into(),
        )
    })?;
    let mut weekly: [Option<DayHours>; 7] = Default::default();
    let hours_span = raw.hours.span();
    for (day_name, hours) in raw.hours.into_inner() {
        let field = format!("site.hours.{day_name}");
        let day = Weekday::parse(&day_name).ok_or_else(|| {
            at.error(
                hours_span.start,
                Some(&field),
                format!("\"{day_name}\" is not a weekday (monday..sunday or senin..minggu)"),
            )
        })?;
        weekly[day.index()] = Some(day_hours(hours, &field, at)?);
    }
    let mut holidays = Vec::new();
    for (i, h) in raw.holidays.into_iter().enumerate() {
        let date = LocalDate::parse(h.date.get_ref()).ok_or_else(|| {
            err(
                at,
                &h.date,
                &format!("site.holidays[{i}].date"),
                "must be a date YYYY-MM-DD".into(),
            )
        })?;
        holidays.push(Holiday { date, name: h.name });
    }
    Ok(Site {
        name: raw.name,
        address: raw.address,
        time_zone,
        schedule: Schedule { weekly, holidays },
        maklumat: raw.maklumat,
    })
}

fn day_hours(raw: RawDayHours, field: &str, at: &Locator<'_>) -> Result<DayHours> {
    let open = time(&raw.open, &format!("{field}.open"), at)?;
    let close = time(&raw.close, &format!("{field}.close"), at)?;
    if close <= open {
        return Err(err(
            at,
            &raw.close,
            &format!("{field}.close"),
            "must be after opening time".into(),
        ));
    }
    let issue_cutoff = match &raw.issue_cutoff {
        None => close,
        Some(c) => {
            let cutoff = time(c, &format!("{field}.issue_cutoff"), at)?;
            if cutoff <= open || cutoff > close {
                return Err(err(
                    at,
                    c,
                    &format!("{field}.issue_cutoff"),
                    "must be after opening and not after closing".into(),
                ));
            }
            cutoff
        }
    };
    let mut breaks = Vec::new();
    for (i, b) in raw.breaks.into_iter().enumerate() {
        let start = time(&b.start, &format!("{field}.breaks[{i}].start"), at)?;
        let end = time(&b.end, &format!("{field}.breaks[{i}].end"), at)?;
        if end <= start || start < open || end > close {
            return Err(err(
                at,
                &b.end,
                &format!("{field}.breaks[{i}].end"),
                "a break must end after it starts and lie within opening hours".into(),
            ));
        }
        breaks.push(Break {
            start,
            end,
            label: b.label,
        });
    }
    Ok(DayHours {
        open,
        close,
        issue_cutoff,
        breaks,
    })
}

fn policy(raw: &RawPolicy, at: &Locator<'_>) -> Result<QueuePolicy> {
    let default = QueuePolicy::default();
    let n = raw
        .regular_per_priority
        .as_ref()
        .map_or(2, |n| *n.get_ref());
    let priority = match raw.priority.as_ref().map(|p| (p, p.get_ref().as_str())) {
        None | Some((_, "interleave")) => {
            if let Some(n_raw) = raw
                .regular_per_priority
                .as_ref()
                .filter(|n| *n.get_ref() == 0)
            {
                return Err(err(
                    at,
                    n_raw,
                    "policy.regular_per_priority",
                    "must be at least 1 (use priority = \"strict\" for priority first)".into(),
                ));
            }
            PriorityPolicy::Interleave {
                regular_per_priority: n,
            }
        }
        Some((_, "strict")) => PriorityPolicy::Strict,
        Some((p, _)) => {
            return Err(err(
                at,
                p,
                "policy.priority",
                "must be \"interleave\" or \"strict\"".into(),
            ));
        }
    };
    let max_wait_s = match &raw.max_wait_min {
        None => default.max_wait_s,
        Some(m) if *m.get_ref() == 0 => None,
        Some(m) => Some(m.get_ref().saturating_mul(60)),
    };
    let max_recalls = raw
        .max_recalls
        .as_ref()
        .map_or(default.max_recalls, |r| *r.get_ref());
    let max_window_min = antrean_core::rating::MAX_RATING_WINDOW_S / 60;
    let rating_window_s = match &raw.rating_window_min {
        None => default.rating_window_s,
        Some(m) if (1..=max_window_min).contains(m.get_ref()) => m.get_ref() * 60,
        Some(m) => {
            return Err(err(
                at,
                m,
                "policy.rating_window_min",
                format!("must be 1..={max_window_min} minutes"),
            ));
        }
    };
    let booked_ratio = match &raw.booked_ratio {
        None => default.booked_ratio,
        Some(r) => crate::booking::ratio(r.get_ref()).ok_or_else(|| {
            err(
                at,
                r,
                "policy.booked_ratio",
                "must be \"N:M\" with N and M from 1 to 9 (booked : walk-in)".into(),
            )
        })?,
    };
    Ok(QueuePolicy {
        priority,
        max_wait_s,
        max_recalls,
        rating_window_s,
        booked_ratio,
    })
}

fn processing_time(
    raw: RawProcessingTime,
    field: &str,
    at: &Locator<'_>,
) -> Result<ProcessingTime> {
    let unit = match &raw.unit {
        None => None,
        Some(u) => Some(match u.get_ref().as_str() {
            "menit" => TimeUnit::Minutes,
            "jam" => TimeUnit::Hours,
            "hari" => TimeUnit::Days,
            "hari_kerja" => TimeUnit::WorkDays,
            _ => {
                return Err(err(
                    at,
                    u,
                    &format!("{field}.unit"),
                    "must be menit, jam, hari or hari_kerja".into(),
                ));
            }
        }),
    };
    if raw.value.is_some() != unit.is_some() {
        let span_source = raw
            .value
            .as_ref()
            .map(Spanned::span)
            .or(raw.unit.as_ref().map(Spanned::span));
        return Err(at.error(
            span_source.map_or(0, |s| s.start),
            Some(field),
            "value and unit go together: give both or neither".into(),
        ));
    }
    if raw.text.trim().is_empty() {
        return Err(at.error(
            raw.value.as_ref().map_or(0, |v| v.span().start),
            Some(&format!("{field}.text")),
            "the published wording is required".into(),
        ));
    }
    // A counter target stands in for a standard a counter cannot measure (days); a
    // standard in minutes or hours is measured as it is.
    if let Some(target) = &raw.counter_target_min {
        let minutes = *target.get_ref();
        if matches!(unit, Some(TimeUnit::Minutes | TimeUnit::Hours)) {
            return Err(err(
                at,
                target,
                &format!("{field}.counter_target_min"),
                "only for standards in hari or hari_kerja: a standard in menit or jam is measured as it is".into(),
            ));
        }
        if !(1..=480).contains(&minutes) {
            return Err(err(
                at,
                target,
                &format!("{field}.counter_target_min"),
                "must be 1–480 minutes (a visit at the counter)".into(),
            ));
        }
    }
    Ok(ProcessingTime {
        value: raw.value.map(Spanned::into_inner),
        unit,
        text: raw.text,
        counter_target_min: raw.counter_target_min.map(Spanned::into_inner),
    })
}

fn fee(raw: Spanned<RawFee>, field: &str, at: &Locator<'_>) -> Result<Fee> {
    let span = raw.span();
    let raw = raw.into_inner();
    let kinds = usize::from(raw.free)
        + usize::from(!raw.lines.is_empty())
        + usize::from(raw.variable.is_some());
    if kinds != 1 {
        return Err(at.error(
            span.start,
            Some(field),
            "give exactly one of: free = true, lines = [...], variable = \"...\"".into(),
        ));
    }
    if raw.basis.trim().is_empty() {
        return Err(at.error(
            span.start,
            Some(&format!("{field}.basis")),
            "the legal basis of the fee is required".into(),
        ));
    }
    if raw.free {
        return Ok(Fee::Free { basis: raw.basis });
    }
    if let Some(description) = raw.variable {
        return Ok(Fee::Variable {
            description,
            basis: raw.basis,
        });
    }
    let mut lines = Vec::new();
    for (i, l) in raw.lines.into_iter().enumerate() {
        // "Rp0" is never published: a free service says "Gratis".
        if *l.amount_idr.get_ref() == 0 {
            return Err(err(
                at,
                &l.amount_idr,
                &format!("{field}.lines[{i}].amount_idr"),
                "must be more than 0; use free = true for free services".into(),
            ));
        }
        lines.push(FeeLine {
            label: l.label,
            amount_idr: l.amount_idr.into_inner(),
        });
    }
    Ok(Fee::Tariff {
        lines,
        basis: raw.basis,
    })
}

fn time(raw: &Spanned<String>, field: &str, at: &Locator<'_>) -> Result<LocalTime> {
    LocalTime::parse(raw.get_ref()).ok_or_else(|| {
        err(
            at,
            raw,
            field,
            format!("\"{}\" is not a time HH:MM", raw.get_ref()),
        )
    })
}

/// Codes are stable keys used in URLs, logs and reports.
fn key(raw: &Spanned<String>, field: &str, at: &Locator<'_>) -> Result<String> {
    let code = raw.get_ref();
    let ok = !code.is_empty()
        && code.len() <= 32
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !ok {
        return Err(err(
            at,
            raw,
            field,
            "must be 1-32 characters of a-z, 0-9, '-' or '_'".into(),
        ));
    }
    Ok(code.clone())
}

fn unique(
    seen: &mut HashSet<String>,
    raw: &Spanned<String>,
    field: &str,
    at: &Locator<'_>,
) -> Result<()> {
    if !seen.insert(raw.get_ref().clone()) {
        return Err(err(
            at,
            raw,
            field,
            format!("\"{}\" is used twice", raw.get_ref()),
        ));
    }
    Ok(())
}

pub(crate) fn err<T>(
    at: &Locator<'_>,
    raw: &Spanned<T>,
    field: &str,
    message: String,
) -> CatalogError {
    at.error(raw.span().start, Some(field), message)
}
