//! Open enums: known values as variants, anything else kept verbatim.

use std::borrow::Cow;

macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value unidesk does not know, kept exactly as received.
            Unknown(String),
        }

        impl $name {
            /// The known values, in declaration order.
            pub const KNOWN: &'static [&'static str] = &[$($text),+];

            /// The value as text (the raw text for [`Self::Unknown`]).
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Unknown(raw) => raw,
                }
            }

            /// Parses text; never fails (unknown text becomes [`Self::Unknown`]).
            pub fn parse(raw: &str) -> Self {
                match raw {
                    $( $text => $name::$variant, )+
                    other => $name::Unknown(other.to_owned()),
                }
            }

            /// Whether this is a value unidesk knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok($name::parse(s))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw: Cow<'de, str> = serde::Deserialize::deserialize(d)?;
                Ok($name::parse(&raw))
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "description": concat!(
                        "One of: ", $($text, " ",)+
                        "- or any other provider value, kept verbatim."
                    ),
                    "examples": [$($text),+]
                })
            }
        }
    };
}

open_enum! {
    /// The normalized lifecycle state of a ticket.
    TicketStatus {
        /// Waiting on the support team.
        Open => "open",
        /// Waiting on the customer or a third party.
        Pending => "pending",
        /// Parked until a time or event (Kustomer: snoozed).
        OnHold => "on_hold",
        /// Resolved or done.
        Closed => "closed",
    }
}

open_enum! {
    /// The normalized urgency of a ticket.
    Priority {
        /// Needs attention now.
        Urgent => "urgent",
        /// Above normal.
        High => "high",
        /// The default.
        Normal => "normal",
        /// Below normal.
        Low => "low",
    }
}

open_enum! {
    /// Whether a comment came from the customer or went to them.
    Direction {
        /// From the customer to the support team.
        Inbound => "inbound",
        /// From the support team to the customer.
        Outbound => "outbound",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip() {
        for s in TicketStatus::KNOWN {
            let v: TicketStatus = serde_json::from_str(&format!("\"{s}\"")).expect("parses");
            assert!(v.is_known());
            assert_eq!(serde_json::to_string(&v).expect("serializes"), format!("\"{s}\""));
        }
        assert_eq!(Priority::parse("urgent"), Priority::Urgent);
        assert_eq!(Direction::parse("outbound"), Direction::Outbound);
    }

    #[test]
    fn unknown_values_are_kept() {
        let v: TicketStatus = serde_json::from_str("\"escalated-🔥\"").expect("never fails");
        assert_eq!(v, TicketStatus::Unknown("escalated-🔥".into()));
        assert_eq!(serde_json::to_string(&v).expect("serializes"), "\"escalated-🔥\"");
        let p: Priority = serde_json::from_str("\"p0\"").expect("never fails");
        assert_eq!(p.as_str(), "p0");
        assert!(!p.is_known());
        let d: Direction = "sideways".parse().expect("infallible");
        assert_eq!(d, Direction::Unknown("sideways".into()));
    }
}

open_enum! {
    /// What happened, in a normalized webhook [`crate::Event`]. Unknown
    /// provider event names are kept verbatim in [`EventKind::Unknown`].
    EventKind {
        /// A ticket was created.
        TicketCreated => "ticket.created",
        /// A ticket changed.
        TicketUpdated => "ticket.updated",
        /// A ticket was deleted.
        TicketDeleted => "ticket.deleted",
        /// A comment was created.
        CommentCreated => "comment.created",
        /// A comment changed.
        CommentUpdated => "comment.updated",
        /// A comment was deleted.
        CommentDeleted => "comment.deleted",
        /// A contact was created.
        ContactCreated => "contact.created",
        /// A contact changed.
        ContactUpdated => "contact.updated",
        /// A contact was deleted.
        ContactDeleted => "contact.deleted",
        /// An account was created.
        AccountCreated => "account.created",
        /// An account changed.
        AccountUpdated => "account.updated",
        /// An account was deleted.
        AccountDeleted => "account.deleted",
        /// A user was created.
        UserCreated => "user.created",
        /// A user changed.
        UserUpdated => "user.updated",
        /// A user was deleted.
        UserDeleted => "user.deleted",
        /// A team was created.
        TeamCreated => "team.created",
        /// A team changed.
        TeamUpdated => "team.updated",
        /// A team was deleted.
        TeamDeleted => "team.deleted",
        /// A tag was created.
        TagCreated => "tag.created",
        /// A tag changed.
        TagUpdated => "tag.updated",
        /// A tag was deleted.
        TagDeleted => "tag.deleted",
    }
}
