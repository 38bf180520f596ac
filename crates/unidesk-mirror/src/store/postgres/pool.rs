//! A small pool of Postgres connections: up to `max` at once, opened on demand, reused when
//! handed back healthy (a closed connection is dropped instead).

use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_postgres::Client;

use super::schema;
use super::tls::Target;

/// The pool.
pub(crate) struct Pool {
    target: Target,
    idle: Arc<Mutex<Vec<Client>>>,
    permits: Arc<Semaphore>,
}

/// A connection taken from the pool; handed back on drop.
#[derive(Debug)]
pub(crate) struct Conn {
    client: Option<Client>,
    idle: Arc<Mutex<Vec<Client>>>,
    _permit: OwnedSemaphorePermit,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The target holds the password: not shown.
        f.debug_struct("Pool").field("available", &self.permits.available_permits()).finish_non_exhaustive()
    }
}

impl Pool {
    /// A pool of at most `max` connections to `target`, starting with `first`.
    pub(crate) fn new(target: Target, first: Client, max: usize) -> Pool {
        Pool { target, idle: Arc::new(Mutex::new(vec![first])), permits: Arc::new(Semaphore::new(max.max(1))) }
    }

    /// A connection: an idle one, or a new one when none is idle (waits while `max` are out).
    pub(crate) async fn get(&self) -> Result<Conn, schema::ConnectError> {
        let permit = self.permits.clone().acquire_owned().await.expect("the pool's semaphore is never closed");
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let client = match idle {
            Some(c) if !c.is_closed() => c,
            _ => schema::connect_to(&self.target).await?,
        };
        Ok(Conn { client: Some(client), idle: self.idle.clone(), _permit: permit })
    }
}

impl Conn {
    /// The connection.
    pub(crate) fn client(&mut self) -> &mut Client {
        self.client.as_mut().expect("present until dropped")
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        if let Some(c) = self.client.take()
            && !c.is_closed()
        {
            self.idle.lock().unwrap_or_else(|p| p.into_inner()).push(c);
        }
    }
}
