//! RT records → unidesk records, one file per RT resource, plus the value mappings they share
//! (status, priority, dates, custom fields). Pure functions: no I/O. `docs/mapping-rt.md` is
//! the field-by-field table.

mod comment;
mod queue;
mod ticket;
mod user;

pub use comment::{BodyPart, comment, header_addresses};
pub use queue::team;
pub use ticket::ticket;
pub use user::{agent, contact, is_system_user};

use chrono::{DateTime, Utc};
use serde_json::Value;
use unidesk_core::{CustomFields, Priority, TicketStatus};

use crate::wire::CfValues;

/// What mapping needs to know about the client's configuration.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// RT's web root, for `ticket_url`.
    pub web: &'a str,
    /// The ticket custom field holding tags, if configured.
    pub tags_field: Option<&'a str>,
    /// The user custom field holding external ids, if configured.
    pub external_id_field: Option<&'a str>,
    /// Attach the RT record as `remote_data`.
    pub include_remote_data: bool,
}

/// RT's lifecycle status → the normalized status. `deleted` never reaches here (deleted
/// tickets are not listed and `get` answers `NotFound`).
pub fn status_from_rt(raw: &str) -> TicketStatus {
    match raw {
        "new" | "open" => TicketStatus::Open,
        "stalled" => TicketStatus::OnHold,
        "resolved" | "rejected" => TicketStatus::Closed,
        other => TicketStatus::Unknown(other.to_owned()),
    }
}

/// The normalized status → the RT status written; `Err` says why it cannot be (the caller makes
/// it a `Validation` error naming `status`). An unknown status is sent as is: RT refuses those
/// its lifecycle lacks, and the refusal becomes a `Validation` error.
pub fn status_to_rt(s: &TicketStatus) -> Result<String, String> {
    match s {
        TicketStatus::Open => Ok("open".into()),
        TicketStatus::OnHold => Ok("stalled".into()),
        TicketStatus::Closed => Ok("resolved".into()),
        TicketStatus::Pending => Err("RT's lifecycle has no pending status (stalled is on_hold)".into()),
        TicketStatus::Unknown(raw) if raw == "deleted" => Err("use delete to delete a ticket".into()),
        TicketStatus::Unknown(raw) if raw.is_empty() || raw.len() > 64 || raw.chars().any(char::is_control) => {
            Err("not a status name".into())
        }
        TicketStatus::Unknown(raw) => Ok(raw.clone()),
    }
}

/// The RT priority number a normalized priority is written as: RT's default labels are
/// Low = 0, Medium = 50, High = 100; urgent is 200 (above every default label).
pub fn priority_to_rt(p: &Priority) -> Result<i64, String> {
    match p {
        Priority::Low => Ok(0),
        Priority::Normal => Ok(50),
        Priority::High => Ok(100),
        Priority::Urgent => Ok(200),
        Priority::Unknown(raw) => Err(format!("{raw:?} is not a priority RT can hold (low, normal, high, urgent)")),
    }
}

/// An RT priority number → the normalized priority, in bands that match RT's default labels
/// (a number shows the highest label at or below it): below 50 low, below 100 normal, below
/// 200 high, from 200 urgent. Text that is not a number stays `Unknown`.
pub fn priority_from_rt(raw: &str) -> Priority {
    match raw.trim().parse::<i64>() {
        Ok(n) if n < 50 => Priority::Low,
        Ok(n) if n < 100 => Priority::Normal,
        Ok(n) if n < 200 => Priority::High,
        Ok(_) => Priority::Urgent,
        Err(_) => Priority::Unknown(raw.to_owned()),
    }
}

/// An RT date (`2026-11-24T19:17:01Z`) → a UTC instant. RT's "not set" (`1970-01-01T00:00:00Z`)
/// and an absent or empty value are `None`; anything else unreadable is an error.
pub fn rt_time(raw: Option<&str>) -> Result<Option<DateTime<Utc>>, String> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else { return Ok(None) };
    let t = DateTime::parse_from_rfc3339(raw)
        .map_err(|_| format!("not an RT date: {:?}", raw.chars().take(40).collect::<String>()))?
        .with_timezone(&Utc);
    Ok((t.timestamp() > 0).then_some(t))
}

/// Text that RT sends as `""` when unset → `None`.
pub fn non_empty(s: Option<&String>) -> Option<String> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// Custom fields with at least one value, by name, each a list of its values (RT fields hold
/// lists); `skip` is left out (it is mapped to a model field of its own).
pub fn custom_fields(cfs: &[CfValues], skip: &[&str]) -> CustomFields {
    let mut out = CustomFields::new();
    for cf in cfs.iter().filter(|c| !c.values.is_empty() && !skip.contains(&c.name.as_str())) {
        match out.get_mut(&cf.name) {
            Some(Value::Array(existing)) => existing.extend(cf.values.iter().cloned()),
            _ => {
                out.insert(cf.name.clone(), Value::Array(cf.values.clone()));
            }
        }
    }
    out
}

/// The text values of the custom field called `name`.
pub fn cf_texts(cfs: &[CfValues], name: &str) -> Vec<String> {
    cfs.iter().filter(|c| c.name == name).flat_map(|c| c.values.iter().filter_map(crate::wire::value_text)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_both_ways() {
        for (rt, s) in [
            ("new", TicketStatus::Open),
            ("open", TicketStatus::Open),
            ("stalled", TicketStatus::OnHold),
            ("resolved", TicketStatus::Closed),
            ("rejected", TicketStatus::Closed),
        ] {
            assert_eq!(status_from_rt(rt), s, "{rt}");
        }
        assert_eq!(status_from_rt("triage"), TicketStatus::Unknown("triage".into()));
        assert_eq!(status_to_rt(&TicketStatus::Open).as_deref(), Ok("open"));
        assert_eq!(status_to_rt(&TicketStatus::OnHold).as_deref(), Ok("stalled"));
        assert_eq!(status_to_rt(&TicketStatus::Closed).as_deref(), Ok("resolved"));
        assert!(status_to_rt(&TicketStatus::Pending).is_err());
        assert!(status_to_rt(&TicketStatus::Unknown("deleted".into())).is_err());
        assert!(status_to_rt(&TicketStatus::Unknown("bad\nname".into())).is_err());
        assert_eq!(status_to_rt(&TicketStatus::Unknown("rejected".into())).as_deref(), Ok("rejected"));
    }

    #[test]
    fn priorities_round_trip_through_their_numbers() {
        for p in [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent] {
            let n = priority_to_rt(&p).expect("known");
            assert_eq!(priority_from_rt(&n.to_string()), p);
        }
        assert_eq!(priority_from_rt("-5"), Priority::Low);
        assert_eq!(priority_from_rt("49"), Priority::Low);
        assert_eq!(priority_from_rt("99"), Priority::Normal);
        assert_eq!(priority_from_rt("150"), Priority::High);
        assert_eq!(priority_from_rt("On Fire"), Priority::Unknown("On Fire".into()));
        assert!(priority_to_rt(&Priority::Unknown("p0".into())).is_err());
    }

    #[test]
    fn rt_dates_read_unset_as_none_and_reject_garbage() {
        assert_eq!(rt_time(Some("1970-01-01T00:00:00Z")), Ok(None));
        assert_eq!(rt_time(Some("")), Ok(None));
        assert_eq!(rt_time(None), Ok(None));
        let t = rt_time(Some("2026-11-24T19:17:01Z")).expect("reads").expect("set");
        assert_eq!(t.to_rfc3339(), "2026-11-24T19:17:01+00:00");
        assert!(rt_time(Some("yesterday")).is_err());
    }
}
