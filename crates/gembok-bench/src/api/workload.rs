//! The requests of each operation, prepared before timing, and the check that the
//! server answers them as the benchmark assumes.
//!
//! Reads state the purpose `service` (name, email and phone of a customer in the default
//! schema: what a support tool would read). Lookups pick preloaded customers in a
//! seeded order; creates send customers generated from another seed, cycled.

use anyhow::{ensure, Context, Result};
use clap::ValueEnum;
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request, StatusCode};
use serde_json::{json, Value};

use super::conn::Conn;
use super::server::BenchServer;
use super::{ApiPlan, Protocol};
use crate::data::{self, COLLECTION, EMAIL};

/// The purpose every read states.
pub const PURPOSE: &str = "service";
/// Distinct lookups prepared per read operation (then reused in the same order).
const LOOKUPS: usize = 1 << 16;
/// Distinct customers prepared for creates (then sent again: duplicates are allowed).
const CREATES: usize = 4_096;

/// One kind of request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ValueEnum)]
pub enum Op {
    /// `GET /healthz`: TLS, HTTP and the outer layers only; no key, no vault.
    Healthz,
    /// `GET /v1/collections/customers/records/{id}`.
    Get,
    /// `POST /v1/collections/customers/search` on `email`.
    Find,
    /// `POST /v1/collections/customers/records`.
    Create,
}

impl Op {
    /// The operations compared with the baseline, in the order they run.
    pub const MEASURED: [Op; 3] = [Op::Get, Op::Find, Op::Create];

    pub fn label(self) -> &'static str {
        match self {
            Op::Healthz => "healthz (baseline)",
            Op::Get => "get by id",
            Op::Find => "find by email",
            Op::Create => "create",
        }
    }

    /// The only status counted as a success.
    pub fn expected(self) -> StatusCode {
        match self {
            Op::Create => StatusCode::CREATED,
            _ => StatusCode::OK,
        }
    }
}

/// Everything needed to build the n-th request of any operation.
pub struct Workload {
    /// Empty for HTTP/1.1 (origin-form plus `Host`); `https://localhost:port` for
    /// HTTP/2, whose `:authority` comes from the URI.
    prefix: String,
    host: Option<HeaderValue>,
    auth: HeaderValue,
    /// Dataset rows looked up, in order.
    picks: Vec<usize>,
    ids: Vec<String>,
    get_paths: Vec<String>,
    find_bodies: Vec<Bytes>,
    create_bodies: Vec<Bytes>,
    emails: Vec<String>,
}

impl Workload {
    pub fn new(srv: &BenchServer, plan: &ApiPlan) -> Result<Self> {
        let authority = format!("localhost:{}", srv.addr.port());
        let (prefix, host) = match plan.protocol {
            Protocol::H1 => (String::new(), Some(HeaderValue::from_str(&authority)?)),
            Protocol::H2 => (format!("https://{authority}"), None),
        };
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", srv.key.expose()))?;
        auth.set_sensitive(true);
        let picks = data::picks(LOOKUPS, srv.ids.len(), plan.seed);
        let ids: Vec<String> = srv.ids.iter().map(ToString::to_string).collect();
        let get_paths = picks
            .iter()
            .map(|&i| format!("/v1/collections/{COLLECTION}/records/{}", ids[i]))
            .collect();
        let find_bodies = picks
            .iter()
            .map(|&i| {
                let email = srv.data.json[i]["email"].as_str().unwrap_or_default();
                json!({"field": "email", "value": email}).to_string().into()
            })
            .collect();
        let fresh = data::generate(CREATES, !plan.seed)?;
        let create_bodies = fresh.json.iter().map(|v| v.to_string().into()).collect();
        let emails = srv
            .data
            .canonical
            .iter()
            .map(|row| row[EMAIL].clone())
            .collect();
        Ok(Workload {
            prefix,
            host,
            auth,
            picks,
            ids,
            get_paths,
            find_bodies,
            create_bodies,
            emails,
        })
    }

    /// The `n`-th request of `op`.
    pub fn request(&self, op: Op, n: usize) -> Result<Request<Full<Bytes>>> {
        let (method, path, body): (Method, &str, Option<&Bytes>) = match op {
            Op::Healthz => (Method::GET, "/healthz", None),
            Op::Get => (Method::GET, &self.get_paths[n % LOOKUPS], None),
            Op::Find => (
                Method::POST,
                "/v1/collections/customers/search",
                Some(&self.find_bodies[n % LOOKUPS]),
            ),
            Op::Create => (
                Method::POST,
                "/v1/collections/customers/records",
                Some(&self.create_bodies[n % self.create_bodies.len()]),
            ),
        };
        let mut req = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.prefix));
        if let Some(h) = &self.host {
            req = req.header(HOST, h.clone());
        }
        if op != Op::Healthz {
            req = req
                .header(AUTHORIZATION, self.auth.clone())
                .header("gembok-purpose", PURPOSE);
        }
        let body = match body {
            Some(b) => {
                req = req.header(CONTENT_TYPE, "application/json");
                Full::new(b.clone())
            }
            None => Full::default(),
        };
        Ok(req.body(body)?)
    }

    /// Send the first request of every operation once and check the answers: the right
    /// status, the right record, the right value. A benchmark of error responses or of
    /// a server that finds nothing would measure the wrong thing.
    pub async fn check(&self, conn: &mut Conn) -> Result<()> {
        let row = self.picks[0];
        for op in [Op::Healthz, Op::Get, Op::Find, Op::Create] {
            let (status, body) = conn.send(self.request(op, 0)?).await?;
            ensure!(
                status == op.expected(),
                "check of {}: status {status}, expected {}",
                op.label(),
                op.expected()
            );
            let v: Value = serde_json::from_slice(&body)
                .with_context(|| format!("check of {}: the body is not JSON", op.label()))?;
            let ok = match op {
                Op::Healthz => v["status"] == "ok",
                Op::Get => {
                    v["id"] == self.ids[row].as_str()
                        && v["fields"]["email"] == self.emails[row].as_str()
                }
                Op::Find => v["records"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|rec| rec["id"] == self.ids[row].as_str())),
                Op::Create => v["id"].as_str().is_some_and(|s| s.len() == 36),
            };
            ensure!(ok, "check of {}: unexpected answer", op.label());
        }
        Ok(())
    }
}
