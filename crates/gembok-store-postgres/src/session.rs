//! One pooled connection as the queries see it: a client with its cache of prepared
//! statements ([`Conn`]), a SERIALIZABLE transaction on it ([`Tx`]), and the [`Sql`]
//! trait both implement so that read code runs inside or outside a transaction.
//!
//! Each statement is prepared once per connection and reused, so a query costs one
//! round trip instead of two. Protocol-level prepared statements survive a rolled
//! back transaction, so a retried transaction reuses them too.

use postgres::types::ToSql;
use postgres::{Client, Row, Statement, Transaction};
use std::collections::HashMap;

/// Statements prepared once per connection, by their SQL text.
type Cache = HashMap<&'static str, Statement>;

/// Run SQL with the per-connection statement cache, in or outside a transaction.
pub(crate) trait Sql {
    fn query(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, postgres::Error>;
    fn execute(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64, postgres::Error>;
}

/// One client and the statements prepared on it.
pub(crate) struct Conn {
    client: Client,
    cache: Cache,
}

impl Conn {
    pub(crate) fn new(client: Client) -> Self {
        Self {
            client,
            cache: Cache::new(),
        }
    }
}

impl Conn {
    /// Start a SERIALIZABLE transaction.
    pub(crate) fn serializable(&mut self) -> Result<Tx<'_>, postgres::Error> {
        let tx = self
            .client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::Serializable)
            .start()?;
        Ok(Tx {
            tx,
            cache: &mut self.cache,
        })
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    pub(crate) fn batch(&mut self, sql: &str) -> Result<(), postgres::Error> {
        self.client.batch_execute(sql)
    }
}

fn prepared(
    cache: &mut Cache,
    sql: &'static str,
    prepare: impl FnOnce(&str) -> Result<Statement, postgres::Error>,
) -> Result<Statement, postgres::Error> {
    if let Some(stmt) = cache.get(sql) {
        return Ok(stmt.clone());
    }
    let stmt = prepare(sql)?;
    cache.insert(sql, stmt.clone());
    Ok(stmt)
}

impl Sql for Conn {
    fn query(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, postgres::Error> {
        let stmt = prepared(&mut self.cache, sql, |s| self.client.prepare(s))?;
        self.client.query(&stmt, params)
    }

    fn execute(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64, postgres::Error> {
        let stmt = prepared(&mut self.cache, sql, |s| self.client.prepare(s))?;
        self.client.execute(&stmt, params)
    }
}

/// An open transaction on a pooled connection. Dropping it rolls back.
pub(crate) struct Tx<'c> {
    tx: Transaction<'c>,
    cache: &'c mut Cache,
}

impl Tx<'_> {
    pub(crate) fn commit(self) -> Result<(), postgres::Error> {
        self.tx.commit()
    }

    pub(crate) fn batch(&mut self, sql: &str) -> Result<(), postgres::Error> {
        self.tx.batch_execute(sql)
    }
}

impl Sql for Tx<'_> {
    fn query(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, postgres::Error> {
        let stmt = prepared(self.cache, sql, |s| self.tx.prepare(s))?;
        self.tx.query(&stmt, params)
    }

    fn execute(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64, postgres::Error> {
        let stmt = prepared(self.cache, sql, |s| self.tx.prepare(s))?;
        self.tx.execute(&stmt, params)
    }
}
