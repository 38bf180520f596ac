//! Users beyond reads: several by id at once, invitations, updates.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;
use unidesk_core::{Error, Id, Resource, Result, User};

use crate::client::{Call, KustomerClient};
use crate::descriptor::Users;
use crate::paths::{self, encode_segment};

/// The most ids asked for in one get-many request.
pub const MAX_IDS: usize = 100;

/// A user to invite (Kustomer emails them an invitation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserInvite {
    /// Full name.
    pub name: String,
    /// Email the invitation goes to.
    pub email: String,
    /// Name shown to customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Role groups (ids) granting their permissions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub role_groups: Vec<String>,
}

/// A change to a user: only the fields given are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserChange {
    /// Full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Name shown to customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Role groups (ids), replacing the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_groups: Option<Vec<String>>,
}

impl KustomerClient {
    /// Several users by id in one request (`GET /v1/users/{id},{id}…`), in Kustomer's order;
    /// ids it does not know are absent.
    pub async fn get_users(&self, ids: &[String]) -> Result<Vec<User>> {
        if ids.is_empty() || ids.len() > MAX_IDS {
            return Err(Error::invalid_input(format!("get many users: 1 to {MAX_IDS} ids")));
        }
        let mut joined = Vec::with_capacity(ids.len());
        for raw in ids {
            joined.push(encode_segment(Id::parse(raw)?.as_str()));
        }
        let path = format!("/v1/users/{}", joined.join(","));
        crate::passthrough::validate_path(&path)?;
        let resp = self.send(&Call::get(path, paths::USER.template())).await?;
        let body: serde_json::Value = crate::wire::parse(paths::USER.template(), &resp.body)?;
        // One id may be answered with a single record rather than a list.
        let list = if body.get("data").is_some_and(serde_json::Value::is_object) {
            json!({ "data": [body["data"]] })
        } else {
            body
        };
        let bytes = serde_json::to_vec(&list).map_err(|e| crate::errors::decode("users", e))?;
        crate::decode::list::<Users>(&bytes, paths::USER.template(), Default::default())
    }

    /// Invites a user (`POST /v1/users`).
    pub async fn invite_user(&self, input: &UserInvite) -> Result<User> {
        if !input.email.contains('@') {
            return Err(Error::invalid_input("user email"));
        }
        for g in &input.role_groups {
            Id::parse(g)?;
        }
        self.fetch::<Users>(&Call::write_at(Method::POST, &paths::USERS, &[], Some(json!(input))), false).await
    }

    /// Changes a user (`PUT /v1/users/{id}`, \[U\]: PUT or PATCH).
    pub async fn update_user(&self, id: &str, change: &UserChange) -> Result<User> {
        let id = Id::parse(id)?;
        let call = Call::write_at(Method::PUT, &paths::USER, &[&id], Some(json!(change)))
            .not_found(Resource::User, id.as_str());
        self.fetch::<Users>(&call, false).await
    }
}
