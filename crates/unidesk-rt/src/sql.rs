//! TicketSQL and TransactionSQL clauses, and how dates are written in them.
//!
//! RT reads a date in TicketSQL in the *user's* time zone (the token's user, falling back to
//! RT's `$Timezone`), has 1-second resolution, and silently matches everything when it cannot
//! parse a value (an ISO date with `Z`, for one). So dates are always written as
//! `'YYYY-MM-DD HH:MM:SS'`, floored to the second, and every time filter is applied again on
//! the records RT returns: the server's clause only has to return a superset.
//!
//! [`TimeMode`] says whether RT reads those dates as UTC (checked once per client against a
//! real ticket, see `resources::time_mode`). When it does not, the clause is widened by 14
//! hours, more than any time zone's offset, so no record is lost; the local filter keeps the
//! result exact at the price of reading up to 14 hours of extra records.

use chrono::{DateTime, Duration, TimeZone, Utc};

/// How RT reads the dates this client writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeMode {
    /// As UTC: the clause is exact to the second.
    Utc,
    /// In some other zone: the clause is widened by [`WIDEN_HOURS`].
    Shifted,
}

/// How far a date is moved back when RT's time zone is not UTC (more than any UTC offset).
pub const WIDEN_HOURS: i64 = 14;

/// `t` floored to the second, as TicketSQL wants it; `None` when no clause is worth writing
/// (before 1971: every record is newer) or when the date cannot be written in four digits.
pub fn rt_date(t: DateTime<Utc>, mode: TimeMode) -> Option<String> {
    let floor = Utc.timestamp_opt(t.timestamp(), 0).single()?;
    let bound = match mode {
        TimeMode::Utc => floor,
        TimeMode::Shifted => floor.checked_sub_signed(Duration::hours(WIDEN_HOURS))?,
    };
    let earliest = Utc.with_ymd_and_hms(1971, 1, 1, 0, 0, 0).single()?;
    let latest = Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).single()?;
    if bound < earliest || bound > latest {
        return None;
    }
    Some(bound.format("%Y-%m-%d %H:%M:%S").to_string())
}

/// A conjunction of clauses, written `(a) AND (b)`.
#[derive(Debug, Default, Clone)]
pub struct Sql(Vec<String>);

impl Sql {
    /// An empty query.
    pub fn new() -> Self {
        Sql::default()
    }

    /// Adds a clause (only ever built from numbers, dates and fixed text, never from caller input).
    pub fn and(mut self, clause: impl Into<String>) -> Self {
        self.0.push(clause.into());
        self
    }

    /// Adds `field >= 'date'` when the date is worth a clause.
    pub fn since(self, field: &str, t: Option<DateTime<Utc>>, mode: TimeMode) -> Self {
        match t.and_then(|t| rt_date(t, mode)) {
            Some(d) => self.and(format!("{field} >= '{d}'")),
            None => self,
        }
    }

    /// The query text.
    pub fn text(&self) -> String {
        if self.0.is_empty() {
            return "id > 0".to_owned();
        }
        self.0.iter().map(|c| format!("({c})")).collect::<Vec<_>>().join(" AND ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("valid").with_timezone(&Utc)
    }

    #[test]
    fn dates_are_floored_to_the_second_without_a_zone_letter() {
        assert_eq!(rt_date(at("2026-11-24T19:17:15.900Z"), TimeMode::Utc).as_deref(), Some("2026-11-24 19:17:15"));
        assert_eq!(rt_date(at("2026-11-24T19:17:15+02:00"), TimeMode::Utc).as_deref(), Some("2026-11-24 17:17:15"));
        assert_eq!(rt_date(at("2026-11-24T19:17:15Z"), TimeMode::Shifted).as_deref(), Some("2026-11-24 05:17:15"));
        assert_eq!(rt_date(DateTime::<Utc>::UNIX_EPOCH, TimeMode::Utc), None, "1970 needs no clause");
        assert_eq!(rt_date(at("1971-01-01T10:00:00Z"), TimeMode::Shifted), None);
    }

    #[test]
    fn clauses_are_parenthesized_and_joined() {
        let q = Sql::new().and("id > 5").since("LastUpdated", Some(at("2026-01-02T03:04:05Z")), TimeMode::Utc);
        assert_eq!(q.text(), "(id > 5) AND (LastUpdated >= '2026-01-02 03:04:05')");
        assert_eq!(Sql::new().since("Created", None, TimeMode::Utc).text(), "id > 0");
    }

    proptest::proptest! {
        #[test]
        fn rt_date_never_panics_and_is_never_after_t(secs in -100_000_000_000i64..100_000_000_000i64, nanos in 0u32..1_000_000_000) {
            if let Some(t) = Utc.timestamp_opt(secs, nanos).single() {
                for mode in [TimeMode::Utc, TimeMode::Shifted] {
                    if let Some(d) = rt_date(t, mode) {
                        let back = chrono::NaiveDateTime::parse_from_str(&d, "%Y-%m-%d %H:%M:%S").expect("parses").and_utc();
                        proptest::prop_assert!(back <= t);
                        proptest::prop_assert!(!d.contains('Z') && !d.contains('T'));
                    }
                }
            }
        }
    }
}
