//! # unidesk-zendesk-sim
//!
//! An in-process simulator of the Zendesk Support REST API v2: a seeded, deterministic
//! account served over loopback HTTP, faithful enough that a client we did not write
//! (Singer's `tap-zendesk`, via zenpy) extracts it with only its base URL changed.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use unidesk_zendesk_sim::{SimConfig, Simulator};
//! let sim = Simulator::start(SimConfig { tickets: 1500, ..SimConfig::default() }).await?;
//! println!("base_url: {}\nemail: {}", sim.base_url(), sim.email());
//! # Ok(()) }
//! ```
//!
//! ## What it serves
//!
//! Paths answer with and without `.json`. Lists take cursor pagination (`page[size]` ≤ 100,
//! `page[after]`, `page[before]` → `meta{has_more,after_cursor,before_cursor}`,
//! `links{prev,next}`) or, without `page[size]`, offset pagination (`page` ≤ 100,
//! `per_page` ≤ 100 → `next_page`, `previous_page`, `count`). Links are absolute and
//! carry the simulator's own host and port.
//!
//! - Tickets: `GET/POST /tickets`, `GET/PUT/DELETE /tickets/{id}` (`ticket.comment` adds a
//!   public reply, or a private note with `public:false`; `safe_update` + `updated_stamp`;
//!   a closed ticket refuses updates with 422; `Idempotency-Key` on create),
//!   `/tickets/show_many`, `/tickets/{id}/tags` (`GET`, `POST` set, `PUT` add, `DELETE`
//!   remove), `/tickets/{id}/comments`, `/tickets/{id}/audits`, `/deleted_tickets` (+
//!   `restore`, permanent `DELETE`).
//! - People: `/users` (`role=`/`role[]=` filter, create/update/delete, `/users/me`,
//!   `/users/search` by `query` (`email:…`) or `external_id`,
//!   `show_many`), `/organizations` (with `domain_names`), `/groups`,
//!   `/groups/{id}/memberships`, `/group_memberships`, `/users/{id}/group_memberships`.
//! - `/tags` (`{name,count}` over live tickets), `/ticket_fields`, `/user_fields`,
//!   `/organization_fields`, `/attachments/{id}`, `/uploads`, `/search` (a subset).
//! - Incremental exports: `/incremental/tickets/cursor`, `/incremental/users/cursor`
//!   (`start_time` or `cursor`; `after_cursor`, `after_url`, `end_of_stream`), and the
//!   time-based `/incremental/{tickets,users,organizations}` (`start_time`, `end_time`,
//!   `next_page`, `count`, `end_of_stream`). See the rules below.
//!   `/incremental/ticket_events` (`include=comment_events`) exports every comment across
//!   tickets, one `Audit` event each.
//! - Side-loading with `include=users,groups,organizations` on ticket lists, single tickets,
//!   comments (`users`) and the exports.
//! - Webhooks: `POST/GET /webhooks`, `GET/DELETE /webhooks/{id}`,
//!   `/webhooks/{id}/signing_secret`. Subscribed ticket events (`ticket.created`,
//!   `ticket.status_changed`, `priority_changed`, `type_changed`, `subject_changed`,
//!   `agent_assignment_changed`, `group_assignment_changed`, `organization_changed`,
//!   `requester_changed`, `custom_field_changed`, `comment_added`, `tags_changed`,
//!   `soft_deleted`) are posted with `X-Zendesk-Webhook-Signature` =
//!   base64(HMAC-SHA256(secret, timestamp + body)) and
//!   `X-Zendesk-Webhook-Signature-Timestamp`.
//! - `GET /sim/counts` (no credentials): the live counts, for harnesses.
//!
//! ## Decisions where the Zendesk facts are unsettled
//!
//! - **Export ordering and ties**: items are ordered by (`generated_timestamp`, id), where
//!   `generated_timestamp` equals `updated_at` in epoch seconds (Zendesk's is at least
//!   that). Export cursors decode to `<ts>.0||<id>|` as Zendesk's do, so a cursor resumes
//!   exactly after an item even inside a tie. A time-based page never splits one second (it
//!   grows past `per_page` to finish the second) and `end_time` is that second + 1, as in
//!   zenpy's recordings of live Zendesk; so time-based pages have no duplicates here.
//! - **Lag**: items changed within `SimConfig::export_lag` (default 60 s) are left out of
//!   every export. A ticket export whose `start_time` is inside the lag gets 400
//!   `{"error":"StartTimeTooRecent"}` (Airbyte clamps tickets the hardest); the users and
//!   organizations exports accept any past `start_time`, because tap-zendesk's discovery asks
//!   the organizations export for `start_time=now` (as an ISO string, also accepted).
//! - **Errors**: 401 `{"error":"Couldn't authenticate you"}` (Basic) or `invalid_token`
//!   (Bearer); 403 for the read-only token's writes as the OAuth-scope error (Bearer) or the
//!   role error whose `error` is an object (Basic), the two texts tap-zendesk matches; 404
//!   `RecordNotFound` (unknown path: `InvalidEndpoint`); 422 `RecordInvalid` with `details`;
//!   429 `APIRateLimitExceeded` with `Retry-After` in whole seconds; offset pages past 100 get
//!   400 `InvalidPaginationParameter`; the 409 of a failed safe update is `UpdateConflict`.
//!   The 429, 400 and 409 codes and texts are not confirmed by a public recording.
//! - **Users**: deleted users stay listed with `active:false` (`DELETE /users/{id}` answers
//!   200 with the user). Seeded inactive users are of that kind.
//! - **Audits**: `/tickets/{id}/audits` has one audit per comment, whose only event is the
//!   `Comment` (tap-zendesk builds `ticket_comments` from these); field changes made through
//!   the API are returned in the write's `audit` but not kept.
//! - `DELETE /deleted_tickets/{id}` answers 204 (Zendesk starts a job).
//! - **Webhooks**: the signature covers timestamp then body, as Zendesk's current
//!   verification page says (the published test vector of an older page matches body then
//!   timestamp; a unit test pins both). Event payloads follow the documented ticket-event
//!   envelope (`zendesk_event_version` 2022-11-06, `subject` `zen:ticket:<id>`); in `detail`
//!   ids are strings and absent ids null, and status, priority and type are upper case, as the
//!   documented examples write them. `tags_changed` (`tags_added`/`tags_removed`) and
//!   `soft_deleted` are names no public source confirms. Deliveries are tried once.
//!
//! ## Layout
//!
//! `server` (the [`Simulator`] handle and test hooks), `config`, `data` (the seed), `shapes`
//! (each resource's JSON), `record` and `store` (records kept pre-serialized, with an index
//! by (timestamp, id) for exports), `paging` and `query` (pagination), `routes` (one module
//! per area), `middleware` (`auth`, `rate_limit`, `faults`), `limits` and `injection`,
//! `webhooks` (events, signatures, deliveries).

mod config;
mod data;
mod injection;
mod limits;
mod middleware;
mod paging;
mod query;
mod record;
mod reply;
mod routes;
mod server;
mod shapes;
mod state;
mod store;
mod webhooks;

pub use config::{FaultConfig, RateLimits, SimConfig};
pub use server::Simulator;
