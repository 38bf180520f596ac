//! Teams: RT's enabled queues, in id order.

use async_trait::async_trait;
use serde_json::{Value, json};
use unidesk_core::{Error, ListQuery, Page, Resource, Result, Team, Teams};

use super::{bad_record, rt_id};
use crate::client::{Call, RtClient};
use crate::map;
use crate::wire::{Collection, QueueRecord};

#[async_trait]
impl Teams for RtClient {
    async fn list(&self, q: &ListQuery) -> Result<Page<Team>> {
        let size = self.page_size(q, Resource::Team)?;
        let after: u64 = self.cursor_state(q, Resource::Team)?.unwrap_or(0);
        let query = json!([{"field": "id", "operator": ">", "value": after.to_string()}]);
        let call = Call::get("/queues", "/queues")
            .query("query", Self::json_query(query))
            .query("orderby", "id")
            .query("order", "ASC")
            .query("per_page", size + 1)
            .query("fields", "Name,Description,Created,LastUpdated,Disabled");
        let c: Collection = self.json(&call).await?;
        let mut queues: Vec<(QueueRecord, &Value)> =
            c.items.iter().map(|v| Ok((self.item::<QueueRecord>("/queues", v)?, v))).collect::<Result<_>>()?;
        let mut prev = after;
        for (queue, _) in &queues {
            if queue.id <= prev {
                return Err(Error::decode("/queues", "RT returned queues out of id order"));
            }
            prev = queue.id;
        }
        let more = queues.len() > size;
        queues.truncate(size);
        let ctx = self.ctx(q.include_remote_data);
        let last = queues.last().map(|(queue, _)| queue.id);
        let items = queues
            .iter()
            .map(|(queue, v)| map::team(queue, v, &ctx).map_err(|why| bad_record("/queues", why)))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .filter(|t| q.matches_times(t.created_at, t.updated_at))
            .collect();
        let next_cursor = match (more, last) {
            (true, Some(last)) => Some(self.next_cursor(q, Resource::Team, last)?),
            _ => None,
        };
        Ok(Page { items, next_cursor })
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Team> {
        let n = rt_id(id, Resource::Team)?;
        let call = Call::get(format!("/queue/{n}"), "/queue/{id}").not_found(Resource::Team, id);
        let v: Value = self.json(&call).await?;
        let queue: QueueRecord = self.item("/queue/{id}", &v)?;
        // A disabled queue is not listed; it is not found either.
        if queue.disabled.as_deref().map(str::trim) == Some("1") || queue.id != n {
            return Err(Error::not_found(Resource::Team, id));
        }
        map::team(&queue, &v, &self.ctx(include_remote_data)).map_err(|why| bad_record("/queue/{id}", why))
    }
}
