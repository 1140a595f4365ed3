//! The summary [`verify_copy`](super::verify_copy) compares: per kind, a count and a
//! SHA-256 over a canonical serialisation of every item, so two stores agree only when
//! they hold the same items, whatever their backend.

use aws_lc_rs::digest::{Context, SHA256};

use super::{Kind, KindSummary};
use crate::Mutation;

/// A running count and SHA-256 over the canonical form of one kind's items: every
/// field in a fixed order, integers big-endian, byte strings length-prefixed, so no
/// two different sequences of items serialise alike.
pub(super) struct Summer {
    kind: Kind,
    /// Items added so far.
    pub(super) count: u64,
    ctx: Context,
}

impl Summer {
    pub(super) fn new(kind: Kind) -> Self {
        let mut ctx = Context::new(&SHA256);
        ctx.update(kind.name().as_bytes());
        Self {
            kind,
            count: 0,
            ctx,
        }
    }

    fn int(&mut self, n: u64) {
        self.ctx.update(&n.to_be_bytes());
    }

    fn signed(&mut self, n: i64) {
        self.ctx.update(&n.to_be_bytes());
    }

    fn bytes(&mut self, b: &[u8]) {
        self.int(b.len() as u64);
        self.ctx.update(b);
    }

    pub(super) fn add(&mut self, batch: &[Mutation]) {
        for m in batch {
            self.count += 1;
            self.one(m);
        }
    }

    fn one(&mut self, m: &Mutation) {
        match m {
            Mutation::PutKey(k) => {
                self.bytes(k.purpose.as_bytes());
                self.int(k.version.into());
                self.bytes(&k.wrapped);
                self.signed(k.created_at);
            }
            Mutation::PutSchema(s) => {
                self.int(s.version.into());
                self.bytes(s.document.as_bytes());
                self.signed(s.applied_at);
            }
            Mutation::PutSetting { name, value } => {
                self.bytes(name.as_bytes());
                self.bytes(value);
            }
            Mutation::PutDoc { kind, id, body } => {
                self.bytes(kind.as_bytes());
                self.bytes(id.as_bytes());
                self.bytes(body);
            }
            Mutation::Insert(r) => {
                let m = &r.meta;
                self.bytes(m.collection.as_bytes());
                self.bytes(m.id.as_bytes());
                self.bytes(m.subject.as_bytes());
                self.signed(m.created_at);
                self.signed(m.updated_at);
                self.int(m.min_key_version.into());
                self.int(r.fields.len() as u64);
                for f in &r.fields {
                    self.bytes(f.name.as_bytes());
                    self.int(f.key_version.into());
                    self.bytes(&f.ciphertext);
                }
            }
            Mutation::PutIndex(e) => {
                self.bytes(e.collection.as_bytes());
                self.bytes(e.field.as_bytes());
                self.bytes(&e.digest);
                self.bytes(e.record.as_bytes());
            }
            Mutation::AppendAudit(a) => {
                self.int(a.seq);
                self.signed(a.time);
                self.bytes(a.principal.as_bytes());
                self.bytes(a.action.as_bytes());
                self.int(a.refs.len() as u64);
                for r in &a.refs {
                    self.bytes(r.as_bytes());
                }
                self.bytes(&a.body);
                self.bytes(&a.hash);
            }
            Mutation::PutAuditCheckpoint(c) => {
                self.int(c.seq);
                self.bytes(&c.hash);
                self.signed(c.time);
                self.bytes(c.key_id.as_bytes());
                self.bytes(&c.signature);
            }
            // `walk` yields none of the others; a tag keeps them from hashing alike.
            _ => self.bytes(b"unexpected mutation"),
        }
    }

    pub(super) fn finish(self) -> KindSummary {
        let mut sha256 = [0u8; 32];
        sha256.copy_from_slice(self.ctx.finish().as_ref());
        KindSummary {
            kind: self.kind,
            count: self.count,
            sha256,
        }
    }
}
