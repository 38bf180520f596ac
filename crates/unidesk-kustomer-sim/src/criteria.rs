//! Search criteria: Kustomer's `and` / `or` / `not` trees of `{"<ctx>_<field>": {"<op>": value}}`
//! conditions, parsed once and evaluated against records.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Equals,
    Gt,
    Gte,
    Lt,
    Lte,
    In,
    Contains,
    NotSet,
}

/// What a condition looks at.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Field {
    /// `createdAt`.
    Created,
    /// `updatedAt`.
    Updated,
    /// The record's id.
    Id,
    /// The id of the record's customer.
    Customer,
    /// A top-level attribute (camelCase).
    Attr(String),
    /// A custom attribute: the name as given, and in camelCase.
    Custom(String, String),
}

/// A criteria tree.
#[derive(Debug)]
pub(crate) enum Crit {
    /// Every one holds.
    All(Vec<Crit>),
    /// At least one holds.
    Any(Vec<Crit>),
    /// None holds.
    Not(Vec<Crit>),
    /// One condition.
    Cond(Field, Op, Value),
}

/// What a condition is checked against.
pub(crate) struct Subject<'a> {
    /// The record's id.
    pub(crate) id: &'a str,
    /// `createdAt`.
    pub(crate) created: DateTime<Utc>,
    /// `updatedAt`.
    pub(crate) updated: DateTime<Utc>,
    /// The customer it belongs to.
    pub(crate) customer: Option<&'a str>,
    /// Its attributes (empty when no condition needs them).
    pub(crate) attrs: &'a Map<String, Value>,
}

/// `sub_status` → `subStatus`.
pub(crate) fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut up = false;
    for c in snake.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A time from `YYYY-MM-DD` (midnight GMT) or RFC 3339.
pub(crate) fn parse_time(v: &Value) -> Option<DateTime<Utc>> {
    let s = v.as_str()?;
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?.and_hms_opt(0, 0, 0).map(|t| t.and_utc()))
}

impl Crit {
    /// Parses the body's top-level `and`, `or` and `not` for records whose fields start with
    /// `prefix` (`conversation`, `kobject`…; `klass` strips `custom_<klass>_` for KObjects).
    pub(crate) fn from_body(body: &Value, prefix: &str, klass: Option<&str>) -> Result<Crit, String> {
        let p = Parser { prefix, klass };
        let mut all = Vec::new();
        if let Some(v) = body.get("and") {
            all.push(Crit::All(p.list(v)?));
        }
        if let Some(v) = body.get("or") {
            all.push(Crit::Any(p.list(v)?));
        }
        if let Some(v) = body.get("not") {
            all.push(Crit::Not(p.list(v)?));
        }
        Ok(Crit::All(all))
    }

    /// Whether any condition reads attributes (then they must be parsed).
    pub(crate) fn needs_attrs(&self) -> bool {
        match self {
            Crit::All(c) | Crit::Any(c) | Crit::Not(c) => c.iter().any(Crit::needs_attrs),
            Crit::Cond(f, _, _) => matches!(f, Field::Attr(_) | Field::Custom(..)),
        }
    }

    /// Whether `s` meets the criteria.
    pub(crate) fn holds(&self, s: &Subject<'_>) -> bool {
        match self {
            Crit::All(c) => c.iter().all(|c| c.holds(s)),
            Crit::Any(c) => c.is_empty() || c.iter().any(|c| c.holds(s)),
            Crit::Not(c) => !c.iter().any(|c| c.holds(s)),
            Crit::Cond(f, op, v) => cond(f, *op, v, s),
        }
    }
}

struct Parser<'a> {
    prefix: &'a str,
    klass: Option<&'a str>,
}

impl Parser<'_> {
    fn list(&self, v: &Value) -> Result<Vec<Crit>, String> {
        match v {
            Value::Array(items) => items.iter().map(|i| self.one(i)).collect(),
            Value::Object(_) => Ok(vec![self.one(v)?]),
            _ => Err("criteria must be objects or arrays of objects".into()),
        }
    }

    fn one(&self, v: &Value) -> Result<Crit, String> {
        let Some(obj) = v.as_object() else { return Err("filters must be objects".into()) };
        let mut all = Vec::new();
        for (k, cond) in obj {
            match k.as_str() {
                "and" => all.push(Crit::All(self.list(cond)?)),
                "or" => all.push(Crit::Any(self.list(cond)?)),
                "not" => all.push(Crit::Not(self.list(cond)?)),
                field => {
                    let f = self.field(field)?;
                    let Some(ops) = cond.as_object() else {
                        return Err(format!("condition on {field} must be an object"));
                    };
                    for (op, value) in ops {
                        let op = match op.as_str() {
                            "equals" | "eq" => Op::Equals,
                            "gt" => Op::Gt,
                            "gte" => Op::Gte,
                            "lt" => Op::Lt,
                            "lte" => Op::Lte,
                            "in" => Op::In,
                            "contains" => Op::Contains,
                            "not_set" => Op::NotSet,
                            other => return Err(format!("unsupported operator {other}")),
                        };
                        if matches!(f, Field::Created | Field::Updated)
                            && matches!(op, Op::Gt | Op::Gte | Op::Lt | Op::Lte | Op::Equals)
                            && parse_time(value).is_none()
                        {
                            return Err(format!("bad date for {field}"));
                        }
                        if op == Op::In && !value.is_array() {
                            return Err(format!("in on {field} takes an array"));
                        }
                        all.push(Crit::Cond(f.clone(), op, value.clone()));
                    }
                }
            }
        }
        Ok(Crit::All(all))
    }

    fn field(&self, name: &str) -> Result<Field, String> {
        let rest = name
            .strip_prefix(self.prefix)
            .and_then(|r| r.strip_prefix('_'))
            .ok_or_else(|| format!("unsupported search attribute {name}"))?;
        Ok(match rest {
            "created_at" => Field::Created,
            "updated_at" => Field::Updated,
            "id" => Field::Id,
            "customer" | "customer_id" => Field::Customer,
            _ => match rest.strip_prefix("custom_") {
                Some(c) => {
                    let c = self.klass.and_then(|k| c.strip_prefix(k)).and_then(|c| c.strip_prefix('_')).unwrap_or(c);
                    Field::Custom(c.to_owned(), camel(c))
                }
                None if rest.is_empty() => return Err(format!("unsupported search attribute {name}")),
                None => Field::Attr(camel(rest)),
            },
        })
    }
}

fn cond(f: &Field, op: Op, v: &Value, s: &Subject<'_>) -> bool {
    let owned;
    let actual: Option<&Value> = match f {
        Field::Created | Field::Updated => {
            let at = if *f == Field::Created { s.created } else { s.updated };
            return match (op, parse_time(v)) {
                (Op::NotSet, _) => v == &Value::Bool(false),
                (_, Some(t)) => compare_ord(op, at.cmp(&t)),
                (Op::In, None) => v.as_array().is_some_and(|a| a.iter().filter_map(parse_time).any(|t| t == at)),
                _ => false,
            };
        }
        Field::Id => {
            owned = Value::String(s.id.to_owned());
            Some(&owned)
        }
        Field::Customer => {
            owned = s.customer.map_or(Value::Null, |c| Value::String(c.to_owned()));
            Some(&owned).filter(|v| !v.is_null())
        }
        Field::Attr(a) => s.attrs.get(a),
        Field::Custom(raw, camel) => {
            let custom = s.attrs.get("custom");
            custom.and_then(|c| c.get(raw)).or_else(|| custom.and_then(|c| c.get(camel)))
        }
    };
    let unset = match actual {
        None | Some(Value::Null) => true,
        Some(Value::String(x)) => x.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        _ => false,
    };
    if op == Op::NotSet {
        return unset == (v != &Value::Bool(false));
    }
    let Some(actual) = actual.filter(|_| !unset) else { return false };
    match actual {
        Value::Array(items) => items.iter().any(|i| scalar(op, element(i), v)),
        other => scalar(op, other, v),
    }
}

/// The value an array element is compared by: itself, or for objects (`emails`, `phones`)
/// their `email`, `phone` or `name`.
fn element(v: &Value) -> &Value {
    match v {
        Value::Object(m) => m.get("email").or_else(|| m.get("phone")).or_else(|| m.get("name")).unwrap_or(v),
        _ => v,
    }
}

fn compare_ord(op: Op, o: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        Op::Equals => o == Equal,
        Op::Gt => o == Greater,
        Op::Gte => o != Less,
        Op::Lt => o == Less,
        Op::Lte => o != Greater,
        _ => false,
    }
}

fn order(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => match (parse_time(a), parse_time(b)) {
            (Some(t), Some(u)) => Some(t.cmp(&u)),
            _ => Some(x.cmp(y)),
        },
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn scalar(op: Op, actual: &Value, v: &Value) -> bool {
    match op {
        Op::In => v.as_array().is_some_and(|a| a.iter().any(|x| scalar(Op::Equals, actual, x))),
        Op::Contains => {
            let (Some(text), Some(words)) = (actual.as_str(), v.as_str()) else { return false };
            let text: Vec<String> = text.split(|c: char| !c.is_alphanumeric()).map(str::to_lowercase).collect();
            let words: Vec<String> =
                words.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
            !words.is_empty() && words.iter().all(|w| text.contains(w))
        }
        Op::Equals if actual.is_string() && v.is_string() && parse_time(actual).is_none() => actual == v,
        _ => order(actual, v).is_some_and(|o| compare_ord(op, o)),
    }
}

/// The sort key of a record for a generic attribute sort.
pub(crate) fn sort_value<'a>(f: &Field, attrs: &'a Map<String, Value>) -> Option<&'a Value> {
    match f {
        Field::Attr(a) => attrs.get(a),
        Field::Custom(raw, camel) => {
            let custom = attrs.get("custom");
            custom.and_then(|c| c.get(raw)).or_else(|| custom.and_then(|c| c.get(camel)))
        }
        _ => None,
    }
}

/// Orders two optional sort values (absent ones first).
pub(crate) fn cmp_values(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(x), Some(y)) => order(x, y).unwrap_or(std::cmp::Ordering::Equal),
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
}

/// Parses a field name for a sort (same names as conditions).
pub(crate) fn sort_field(name: &str, prefix: &str, klass: Option<&str>) -> Result<Field, String> {
    Parser { prefix, klass }.field(name)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn subject(attrs: &Map<String, Value>) -> Subject<'_> {
        let t = parse_time(&json!("2024-01-02T00:00:00Z")).unwrap_or_default();
        Subject { id: "c1", created: t, updated: t, customer: Some("cu1"), attrs }
    }

    #[test]
    fn and_or_not_trees_with_each_operator() {
        let attrs = json!({ "status": "open", "priority": 3, "tags": ["a", "b"], "name": "Order #1 delayed",
            "custom": { "orderNum": 7, "carrierStr": "DHL" }, "emails": [{ "email": "x@y" }] });
        let attrs = attrs.as_object().cloned().unwrap_or_default();
        let s = subject(&attrs);
        let holds = |body: Value| {
            Crit::from_body(&body, "conversation", None).map(|c| c.holds(&s)).unwrap_or_else(|e| panic!("{e}"))
        };
        assert!(holds(
            json!({ "and": [{ "conversation_status": { "equals": "open" } }, { "conversation_priority": { "gte": 3 } }] })
        ));
        assert!(!holds(json!({ "and": [{ "conversation_priority": { "gt": 3 } }] })));
        assert!(holds(
            json!({ "or": [{ "conversation_status": { "equals": "done" } }, { "conversation_tags": { "equals": "b" } }] })
        ));
        assert!(!holds(json!({ "not": [{ "conversation_status": { "in": ["open", "done"] } }] })));
        assert!(holds(
            json!({ "and": [{ "conversation_name": { "contains": "DELAYED" } }, { "conversation_sub_status": { "not_set": true } }] })
        ));
        assert!(!holds(json!({ "and": [{ "conversation_name": { "contains": "delay" } }] })));
        assert!(holds(
            json!({ "and": [{ "conversation_custom_order_num": { "lt": 8 } }, { "conversation_custom_carrierStr": { "equals": "DHL" } }] })
        ));
        assert!(holds(
            json!({ "and": [{ "or": [{ "conversation_id": { "equals": "x" } }, { "conversation_customer_id": { "equals": "cu1" } }] }] })
        ));
        assert!(holds(
            json!({ "and": [{ "conversation_created_at": { "gte": "2024-01-01" } }, { "conversation_emails": { "equals": "x@y" } }] })
        ));
        assert!(
            Crit::from_body(&json!({ "and": [{ "customer_name": { "equals": "x" } }] }), "conversation", None).is_err()
        );
        assert!(
            Crit::from_body(&json!({ "and": [{ "conversation_name": { "like": "x" } }] }), "conversation", None)
                .is_err()
        );
    }

    #[test]
    fn kobject_custom_names_drop_the_klass() {
        let c = Crit::from_body(
            &json!({ "and": [{ "kobject_custom_order_totalNum": { "gt": 10 } }] }),
            "kobject",
            Some("order"),
        );
        let attrs = json!({ "custom": { "totalNum": 12 } }).as_object().cloned().unwrap_or_default();
        assert!(c.map(|c| c.holds(&subject(&attrs))).unwrap_or(false));
    }
}
