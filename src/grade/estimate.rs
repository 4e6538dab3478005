//! Reading the numbers in an answer with their units, and checking an estimate item's reference
//! range against them.
//!
//! Understood: `230k`, `1.5 billion`, `100,000`, `10^5`, `1e6`, `2×10^5`, multipliers
//! (k/thousand, M/million, B/bn/billion, T/trillion), bytes (`KB` … `EB`, `KiB` …, `bytes`), bits
//! per second (`Gbps`), rates written `/s`, `per second`, `a day`, `/user/day`, `per year`, and the
//! rate words `QPS`/`RPS`/`TPS`/`ops`. Percentages (`40%`), factors (`3x`), durations (`200 ms`,
//! `30 days`), prices (`$5`) and numbers glued to letters (`p99`, `S3`, `v1`) are not figures.
//!
//! Units are compared, never mixed up: a per-second item accepts rates (per day or per hour are
//! converted to per second) and, in the sentence that names the item, a bare number ("QPS is about
//! 700k"); a bytes item accepts amounts of bytes as written ("2 PB per year" is 2 PB); a
//! bytes-per-second item accepts bytes or bits over time, converted; a count item accepts plain
//! numbers and counts of things ("600M connections").
//!
//! A figure is accepted when it lies in `[min ÷ 3, max × 3]` (`TOLERANCE`): the reference range
//! widened by about half an order of magnitude each way, so any reasonable back-of-envelope passes
//! while a figure off by 10× beyond the range, let alone 1000×, does not.
//!
//! Pure: no I/O.

use crate::catalog::{Estimate, Unit};

/// How far outside the reference range a figure may lie and still count (a factor, each way).
pub const TOLERANCE: f64 = 3.0;

/// What a number in the answer measures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A bare number or a count of things (`600M connections`, `1.5 billion`).
    Number(f64),
    /// A count of people (`1.5B daily active users`, `500M DAU`): what other counts are derived
    /// from, never one of them; "500M DAU" is not an estimate of connections held at once.
    Population(f64),
    /// Events over time, per second (`700k messages/s`, `60B a day`).
    Rate(f64),
    /// An amount of data in bytes, with its rate per second when written over time (`2 PB/year`).
    Bytes { amount: f64, per_second: Option<f64> },
}

/// A number read from the answer, with the text it was read from (`700k messages per second`).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub kind: Kind,
    pub quote: String,
}

impl Figure {
    /// The figure in `unit`'s base unit, if the units are compatible. `bare_ok` allows a bare
    /// number to stand for a per-second rate (only in the sentence that names the item).
    pub fn value_in(&self, unit: Unit, bare_ok: bool) -> Option<f64> {
        match (unit, self.kind) {
            (Unit::PerSecond, Kind::Rate(v))
            | (Unit::Count, Kind::Number(v))
            | (Unit::Bytes, Kind::Bytes { amount: v, .. })
            | (Unit::BytesPerSecond, Kind::Bytes { per_second: Some(v), .. }) => Some(v),
            (Unit::PerSecond, Kind::Number(v)) if bare_ok => Some(v),
            _ => None,
        }
    }
}

/// The range a figure must fall in: `[min ÷ TOLERANCE, max × TOLERANCE]`.
pub fn accepted(e: &Estimate) -> (f64, f64) {
    (e.min / TOLERANCE, e.max * TOLERANCE)
}

/// How far a value is from the accepted range, in orders of magnitude (0 inside it).
pub fn distance(e: &Estimate, v: f64) -> f64 {
    let (lo, hi) = accepted(e);
    if v <= 0.0 {
        f64::INFINITY
    } else if v < lo {
        (lo / v).log10()
    } else if v > hi {
        (v / hi).log10()
    } else {
        0.0
    }
}

/// Every figure in `text`, in order.
pub fn figures(text: &str) -> Vec<Figure> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || starts_number_after(text, i)) {
            let (fig, next) = read_figure(text, i);
            if let Some(f) = fig {
                out.push(f);
            }
            i = next.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// A number may start here: not glued to a letter (`p99`, `S3`), a decimal point or a currency sign.
fn starts_number_after(text: &str, i: usize) -> bool {
    let prev = text[..i].chars().next_back().unwrap_or(' ');
    !(prev.is_alphanumeric() || matches!(prev, '.' | '$' | '€' | '£' | '_' | '^'))
}

/// Read the figure starting at `start`; returns it (or `None` for a percentage, a duration, a
/// factor…) and where its number ended.
fn read_figure(text: &str, start: usize) -> (Option<Figure>, usize) {
    let b = text.as_bytes();
    let mut i = start;
    let mut digits = String::new();
    while i < b.len() && b[i].is_ascii_digit() {
        digits.push(b[i] as char);
        i += 1;
    }
    // Thousands separators: `100,000`, `1,500,000` (groups of exactly three digits).
    let first_group = digits.len();
    while first_group <= 3
        && b.get(i) == Some(&b',')
        && b.get(i + 1..i + 4).is_some_and(|g| g.iter().all(u8::is_ascii_digit))
        && !b.get(i + 4).is_some_and(u8::is_ascii_digit)
    {
        digits.push_str(&text[i + 1..i + 4]);
        i += 4;
    }
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        digits.push('.');
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            digits.push(b[i] as char);
            i += 1;
        }
    }
    let Ok(mut value) = digits.parse::<f64>() else { return (None, i) };
    // Exponents: 1e6, 10^5, 10**5, 2×10^5.
    if let Some((exp, end)) = exponent_after(text, i) {
        value *= 10f64.powi(exp);
        i = end;
    } else if let Some((exp, end)) = power_after(text, i) {
        value = value.powi(exp);
        i = end;
    } else if let Some((exp, end)) = times_ten_after(text, i) {
        value *= 10f64.powi(exp);
        i = end;
    }
    let number_end = i;
    // What follows: a percent sign or a factor ends it here.
    let rest = &text[i..];
    if rest.starts_with('%')
        || rest.starts_with('×')
        || rest.starts_with(['x', 'X']) && !next_is_alpha(rest, 1)
    {
        return (None, number_end);
    }
    if rest.starts_with('-') && next_is_alpha(rest, 1) {
        // `1,024-member group`, `3-way`: an adjective, not a figure with a unit.
        return (Some(Figure { kind: Kind::Number(value), quote: text[start..i].to_string() }), number_end);
    }
    let mut pos = i;
    let mut word = next_word(text, &mut pos, true);
    if let Some(m) = word.and_then(multiplier) {
        value *= m;
        i = pos;
        word = next_word(text, &mut pos, true);
    }
    let mut kind = Kind::Number(value);
    let mut unit_rate = false;
    if let Some(w) = word {
        let mut buf = [0u8; 16];
        let lw = lower(w, &mut buf);
        if lw == "percent" || is_duration(lw) {
            return (None, number_end);
        }
        if people(lw, next_word(text, &mut pos.clone(), true)) {
            let quote = text[start..pos].to_string();
            return (Some(Figure { kind: Kind::Population(value), quote }), number_end);
        }
        if let Some(scale) = bytes_unit(lw) {
            kind = Kind::Bytes { amount: value * scale, per_second: None };
            i = pos;
        } else if let Some(scale) = bits_per_second(lw) {
            let v = value * scale / 8.0;
            kind = Kind::Bytes { amount: v, per_second: Some(v) };
            i = pos;
            unit_rate = true;
        } else if let Some(per) = rate_word(lw) {
            kind = Kind::Rate(value / per);
            i = pos;
            unit_rate = true;
        }
    }
    if !unit_rate {
        // A denominator within the next few words: `/s`, `per day`, `a year`, `/user/day`.
        if let Some((secs, end)) = denominator(text, i) {
            kind = match kind {
                Kind::Number(v) | Kind::Rate(v) => Kind::Rate(v / secs),
                Kind::Bytes { amount, .. } => Kind::Bytes { amount, per_second: Some(amount / secs) },
                people @ Kind::Population(_) => people,
            };
            i = end;
        }
    }
    let quote = text[start..i.max(number_end)].trim_end().to_string();
    (Some(Figure { kind, quote }), number_end)
}

/// Whether the words after a number say it counts people: `users`, `DAU`, `daily active(s)`,
/// `monthly users`, `people`, `accounts`, `customers`, `subscribers`.
fn people(word: &str, then: Option<&str>) -> bool {
    const PEOPLE: [&str; 13] = [
        "user",
        "users",
        "dau",
        "mau",
        "actives",
        "people",
        "accounts",
        "customers",
        "subscribers",
        "buyers",
        "sellers",
        "guests",
        "shoppers",
    ];
    if PEOPLE.contains(&word) {
        return true;
    }
    let mut buf = [0u8; 16];
    let then = then.map_or("", |t| lower(t, &mut buf));
    matches!(word, "daily" | "monthly" | "weekly") && matches!(then, "active" | "actives" | "users" | "user")
}

fn next_is_alpha(s: &str, at: usize) -> bool {
    s.as_bytes().get(at).is_some_and(u8::is_ascii_alphabetic)
}

/// `e6` / `E-3` right at `i` (followed by no letter).
fn exponent_after(text: &str, i: usize) -> Option<(i32, usize)> {
    let b = text.as_bytes();
    if !matches!(b.get(i), Some(b'e' | b'E')) {
        return None;
    }
    let mut j = i + 1;
    let neg = b.get(j) == Some(&b'-');
    if neg || b.get(j) == Some(&b'+') {
        j += 1;
    }
    let d0 = j;
    while j < b.len() && b[j].is_ascii_digit() {
        j += 1;
    }
    if j == d0 || j - d0 > 2 || b.get(j).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let e: i32 = text[d0..j].parse().ok()?;
    Some((if neg { -e } else { e }, j))
}

/// `^5` or `**5` right at `i`.
fn power_after(text: &str, i: usize) -> Option<(i32, usize)> {
    let rest = &text[i..];
    let skip = if rest.starts_with('^') {
        1
    } else if rest.starts_with("**") {
        2
    } else {
        return None;
    };
    let digits: String = rest[skip..].chars().take_while(char::is_ascii_digit).take(2).collect();
    let e: i32 = digits.parse().ok()?;
    Some((e, i + skip + digits.len()))
}

/// ` × 10^5`, `x10^5`, `* 10**5` right at `i`.
fn times_ten_after(text: &str, i: usize) -> Option<(i32, usize)> {
    let rest = &text[i..];
    let trimmed = rest.trim_start();
    let mut j = i + (rest.len() - trimmed.len());
    let sign = trimmed.chars().next()?;
    if !matches!(sign, '×' | 'x' | '*' | '·') {
        return None;
    }
    j += sign.len_utf8();
    let after = &text[j..];
    let t = after.trim_start();
    j += after.len() - t.len();
    if !t.starts_with("10") {
        return None;
    }
    power_after(text, j + 2)
}

/// The next word (ASCII letters) after optional spaces; `allow_space` permits one space before it.
/// Stops at anything else and returns `None` there.
fn next_word<'t>(text: &'t str, pos: &mut usize, allow_space: bool) -> Option<&'t str> {
    let b = text.as_bytes();
    let mut j = *pos;
    if allow_space {
        while j < b.len() && b[j].is_ascii_whitespace() && j - *pos < 3 {
            j += 1;
        }
    }
    let s = j;
    while j < b.len() && b[j].is_ascii_alphabetic() {
        j += 1;
    }
    if j == s {
        return None;
    }
    *pos = j;
    Some(&text[s..j])
}

/// `w` in lower case, in `buf` (words longer than the buffer, never a unit, become empty).
fn lower<'b>(w: &str, buf: &'b mut [u8; 16]) -> &'b str {
    let Some(dst) = buf.get_mut(..w.len()) else { return "" };
    dst.copy_from_slice(w.as_bytes());
    dst.make_ascii_lowercase();
    std::str::from_utf8(dst).unwrap_or("")
}

fn multiplier(w: &str) -> Option<f64> {
    Some(match w {
        "k" | "K" | "thousand" | "thousands" => 1e3,
        "m" | "M" | "mn" | "mil" | "million" | "millions" | "mio" => 1e6,
        "b" | "B" | "bn" | "billion" | "billions" => 1e9,
        "t" | "T" | "tn" | "trillion" | "trillions" => 1e12,
        _ => return None,
    })
}

fn bytes_unit(w: &str) -> Option<f64> {
    Some(match w {
        "byte" | "bytes" => 1.0,
        "kb" | "kilobyte" | "kilobytes" => 1e3,
        "mb" | "megabyte" | "megabytes" => 1e6,
        "gb" | "gigabyte" | "gigabytes" => 1e9,
        "tb" | "terabyte" | "terabytes" => 1e12,
        "pb" | "petabyte" | "petabytes" => 1e15,
        "eb" | "exabyte" | "exabytes" => 1e18,
        "kib" => 1024.0,
        "mib" => 1_048_576.0,
        "gib" => 1_073_741_824.0,
        "tib" => 1_099_511_627_776.0,
        "pib" => 1_125_899_906_842_624.0,
        _ => return None,
    })
}

fn bits_per_second(w: &str) -> Option<f64> {
    Some(match w {
        "bps" => 1.0,
        "kbps" => 1e3,
        "mbps" => 1e6,
        "gbps" => 1e9,
        "tbps" => 1e12,
        _ => return None,
    })
}

/// Rate words that carry their own denominator, as seconds per event unit.
fn rate_word(w: &str) -> Option<f64> {
    Some(match w {
        "qps" | "rps" | "tps" | "wps" | "ops" | "iops" => 1.0,
        "rpm" | "qpm" => 60.0,
        _ => return None,
    })
}

/// Seconds in a time unit word.
fn time_unit(w: &str) -> Option<f64> {
    Some(match w {
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
        "d" | "day" | "days" => 86_400.0,
        "wk" | "week" | "weeks" => 604_800.0,
        "mo" | "month" | "months" => 2_592_000.0,
        "y" | "yr" | "yrs" | "year" | "years" | "annum" => 31_536_000.0,
        _ => return None,
    })
}

fn is_duration(w: &str) -> bool {
    w == "ms"
        || w == "msec"
        || w == "millisecond"
        || w == "milliseconds"
        || w == "us"
        || time_unit(w).is_some()
}

/// Look for a time denominator within the next few words after `i`: `/s`, `/user/day`,
/// `per second`, `a day`, `each hour`, `annually`. Stops at another number or punctuation.
fn denominator(text: &str, from: usize) -> Option<(f64, usize)> {
    let bytes = text.as_bytes();
    let mut at = from;
    let mut words = 0;
    let mut pending_per = false;
    while at < bytes.len() && words <= 4 {
        let c = bytes[at];
        if c.is_ascii_whitespace() {
            at += 1;
            continue;
        }
        if c == b'/' {
            let mut end = at + 1;
            let word = next_word(text, &mut end, true)?;
            let mut buf = [0u8; 16];
            if let Some(secs) = time_unit(lower(word, &mut buf)) {
                return Some((secs, end));
            }
            at = end;
            words += 1;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            return None;
        }
        let mut end = at;
        let mut buf = [0u8; 16];
        let word = lower(next_word(text, &mut end, false)?, &mut buf);
        if pending_per {
            if let Some(secs) = time_unit(word) {
                return Some((secs, end));
            }
        }
        if word == "annually" {
            return Some((31_536_000.0, end));
        }
        pending_per = matches!(word, "per" | "a" | "an" | "each" | "every");
        at = end;
        words += 1;
    }
    None
}

/// A value written for people: `700k`, `1.5M`, `2B` (or `18 TB` for bytes).
pub fn human(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Bytes => human_bytes(v),
        Unit::BytesPerSecond => format!("{}/s", human_bytes(v)),
        Unit::PerSecond => format!("{}/s", human_number(v)),
        Unit::Count => human_number(v),
    }
}

fn human_number(v: f64) -> String {
    let (scaled, suffix) = if v >= 1e12 {
        (v / 1e12, "T")
    } else if v >= 1e9 {
        (v / 1e9, "B")
    } else if v >= 1e6 {
        (v / 1e6, "M")
    } else if v >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    format!("{}{suffix}", trim_number(scaled))
}

fn human_bytes(v: f64) -> String {
    let units = [(1e18, "EB"), (1e15, "PB"), (1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB")];
    for (scale, name) in units {
        if v >= scale {
            return format!("{} {name}", trim_number(v / scale));
        }
    }
    format!("{} bytes", trim_number(v))
}

fn trim_number(v: f64) -> String {
    let s = if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Kind {
        let f = figures(text);
        assert_eq!(f.len(), 1, "{text}: {f:?}");
        f[0].kind
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= b.abs() * 1e-9
    }

    fn rate(text: &str) -> f64 {
        match one(text) {
            Kind::Rate(v) => v,
            k => panic!("{text}: {k:?}"),
        }
    }

    #[test]
    fn plain_numbers_with_multipliers_and_notations() {
        for (text, want) in [
            ("230k shards", 230e3),
            ("1.5 billion", 1.5e9),
            ("100,000 shards", 1e5),
            ("10^5", 1e5),
            ("1e6", 1e6),
            ("2×10^5", 2e5),
            ("2 x 10^5", 2e5),
            ("600M concurrent connections", 6e8),
            ("700 thousand", 7e5),
        ] {
            match one(text) {
                Kind::Number(v) => assert!(close(v, want), "{text}: {v}"),
                k => panic!("{text}: {k:?}"),
            }
        }
    }

    #[test]
    fn counts_of_people_are_populations_not_counts_of_things() {
        for (text, want) in [
            ("230k users", 230e3),
            ("500M DAU", 5e8),
            ("1.5B daily active users", 1.5e9),
            ("1.5B daily actives", 1.5e9),
            ("2B monthly users", 2e9),
            ("10M sellers", 1e7),
        ] {
            match one(text) {
                Kind::Population(v) => assert!(close(v, want), "{text}: {v}"),
                k => panic!("{text}: {k:?}"),
            }
        }
        // A count of things beside "daily" is not a population.
        assert!(matches!(one("60B daily messages"), Kind::Number(_)));
        assert!(matches!(one("300M concurrent connections"), Kind::Number(_)));
        assert_eq!(
            Figure { kind: Kind::Population(5e8), quote: "500M DAU".into() }.value_in(Unit::Count, true),
            None
        );
    }

    #[test]
    fn rates_are_converted_to_per_second() {
        assert!(close(rate("700k messages per second"), 7e5));
        assert!(close(rate("700k/s"), 7e5));
        assert!(close(rate("2M msgs/s"), 2e6));
        assert!(close(rate("60B/day"), 6e10 / 86_400.0));
        assert!(close(rate("40 msgs/user/day"), 40.0 / 86_400.0));
        assert!(close(rate("40 messages a day"), 40.0 / 86_400.0));
        assert!(close(rate("230k QPS"), 2.3e5));
        assert!(close(rate("3,600 writes per hour"), 1.0));
    }

    #[test]
    fn bytes_keep_their_amount_and_period() {
        match one("2 PB/year") {
            Kind::Bytes { amount, per_second } => {
                assert!(close(amount, 2e15));
                assert!(close(per_second.unwrap(), 2e15 / 31_536_000.0));
            }
            k => panic!("{k:?}"),
        }
        match one("about 18 TB per day of records") {
            Kind::Bytes { amount, .. } => assert!(close(amount, 18e12)),
            k => panic!("{k:?}"),
        }
        match one("10 Gbps") {
            Kind::Bytes { per_second, .. } => assert!(close(per_second.unwrap(), 1.25e9)),
            k => panic!("{k:?}"),
        }
        match one("1.2PB") {
            Kind::Bytes { amount, per_second: None } => assert!(close(amount, 1.2e15)),
            k => panic!("{k:?}"),
        }
    }

    #[test]
    fn percentages_durations_factors_and_labels_are_not_figures() {
        for text in
            ["40% of users", "p99 under 200 ms", "a 3x peak", "kept for 30 days", "S3 and v1", "$5 a month"]
        {
            assert!(figures(text).is_empty(), "{text}: {:?}", figures(text));
        }
    }

    #[test]
    fn several_figures_in_one_sentence() {
        let f = figures("1.5B DAU × 40 msgs/day = 60B msgs/day ≈ 700k msgs/s");
        assert_eq!(f.len(), 4, "{f:?}");
        assert_eq!(f[3].quote, "700k msgs/s");
    }

    #[test]
    fn units_are_compatible_only_with_their_kind() {
        let e = Estimate { min: 5e5, max: 5e6, unit: Unit::PerSecond, per: None };
        let r = &figures("700k messages per second")[0];
        assert_eq!(r.value_in(e.unit, false), Some(7e5));
        let b = &figures("18 TB")[0];
        assert_eq!(b.value_in(Unit::PerSecond, true), None);
        let n = &figures("700k")[0];
        assert_eq!(n.value_in(Unit::PerSecond, false), None);
        assert_eq!(n.value_in(Unit::PerSecond, true), Some(7e5));
    }

    #[test]
    fn the_accepted_window_is_a_factor_of_three_each_way() {
        let e = Estimate { min: 5e5, max: 5e6, unit: Unit::PerSecond, per: None };
        assert!(distance(&e, 2e5).abs() < 1e-12);
        assert!(distance(&e, 1.4e7).abs() < 1e-12);
        assert!(distance(&e, 7e2) > 2.0, "1000x off is far outside");
        assert!(distance(&e, 1e5) > 0.0);
    }

    #[test]
    fn values_read_like_people_write_them() {
        assert_eq!(human(5e5, Unit::PerSecond), "500k/s");
        assert_eq!(human(1.5e9, Unit::Count), "1.5B");
        assert_eq!(human(3e13, Unit::Bytes), "30 TB");
    }
}
