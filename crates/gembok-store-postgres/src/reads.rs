//! The read half of the [`gembok_store::Store`] trait that is the same for the pooled
//! store and a [`crate::snapshot`] view: each method is one query module's function
//! run through `self.read`, which the pool repeats on a lost connection and the view
//! runs inside its open transaction.

/// Expand to the plain read methods of `Store`; the implementing type has
/// `fn read<T>(&self, work: impl FnMut(&mut Conn) -> Result<T, Failure>) -> Result<T, StoreError>`.
macro_rules! read_methods {
    () => {
        fn get(
            &self,
            collection: &str,
            ids: &[RecordId],
            fields: Option<&[&str]>,
        ) -> Result<Vec<SealedRecord>, StoreError> {
            self.read(|c| read::get(c, collection, ids, fields))
        }

        fn find(
            &self,
            collection: &str,
            field: &str,
            digest: &[u8],
        ) -> Result<Vec<RecordId>, StoreError> {
            self.read(|c| read::find(c, collection, field, digest))
        }

        /// One statement joins the blind index to the records, so the matches are one
        /// snapshot's.
        fn find_records(
            &self,
            collection: &str,
            field: &str,
            digest: &[u8],
            fields: Option<&[&str]>,
        ) -> Result<Vec<SealedRecord>, StoreError> {
            self.read(|c| read::find_records(c, collection, field, digest, fields))
        }

        fn list(
            &self,
            collection: &str,
            after: Option<RecordId>,
            limit: usize,
        ) -> Result<Vec<RecordMeta>, StoreError> {
            self.read(|c| read::list(c, collection, after, limit))
        }

        fn below_key_version(
            &self,
            collection: &str,
            below: u32,
            after: Option<RecordId>,
            limit: usize,
        ) -> Result<Vec<SealedRecord>, StoreError> {
            self.read(|c| read::below_key_version(c, collection, below, after, limit))
        }

        fn subject_records(
            &self,
            collection: &str,
            subject: RecordId,
        ) -> Result<Vec<RecordMeta>, StoreError> {
            self.read(|c| lifecycle::subject_records(c, collection, subject))
        }

        fn updated_before(
            &self,
            collection: &str,
            before: i64,
            after: Option<RecordId>,
            limit: usize,
        ) -> Result<Vec<RecordMeta>, StoreError> {
            self.read(|c| lifecycle::updated_before(c, collection, before, after, limit))
        }

        fn count(&self, collection: &str) -> Result<u64, StoreError> {
            self.read(|c| read::count(c, collection))
        }

        fn keys(&self) -> Result<Vec<KeyRecord>, StoreError> {
            self.read(read::keys)
        }

        fn schemas(&self) -> Result<Vec<SchemaVersion>, StoreError> {
            self.read(read::schemas)
        }

        fn setting(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
            self.read(|c| read::setting(c, name))
        }

        fn settings(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
            self.read(export::settings)
        }

        fn doc_kinds(&self) -> Result<Vec<String>, StoreError> {
            self.read(export::doc_kinds)
        }

        fn collections(&self) -> Result<Vec<String>, StoreError> {
            self.read(export::collections)
        }

        fn doc(&self, kind: &str, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
            self.read(|c| read::doc(c, kind, id))
        }

        fn docs(&self, kind: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
            self.read(|c| read::docs(c, kind))
        }

        fn audit_head(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
            self.read(audit::head)
        }

        fn audit_events(&self, after: u64, limit: usize) -> Result<Vec<AuditRow>, StoreError> {
            self.read(|c| audit::events(c, after, limit))
        }

        /// Every event's refs are indexed in the transaction that appends it.
        fn audit_index_through(&self) -> Result<u64, StoreError> {
            self.read(audit::head).map(|h| h.map_or(0, |(seq, _)| seq))
        }

        fn audit_index(
            &self,
            after: Option<(RecordId, u64)>,
            limit: usize,
        ) -> Result<Vec<(RecordId, u64)>, StoreError> {
            self.read(|c| audit::index_page(c, after, limit))
        }

        fn audit_query(
            &self,
            query: &AuditQuery,
            before: Option<u64>,
            limit: usize,
        ) -> Result<Vec<AuditRow>, StoreError> {
            self.read(|c| audit::query(c, query, before, limit))
        }

        fn audit_checkpoints(
            &self,
            after: u64,
            limit: usize,
        ) -> Result<Vec<AuditCheckpoint>, StoreError> {
            self.read(|c| audit::checkpoints(c, after, limit))
        }

        fn audit_seq_before(&self, before: i64) -> Result<Option<u64>, StoreError> {
            self.read(|c| audit::seq_before(c, before))
        }
    };
}

pub(crate) use read_methods;
