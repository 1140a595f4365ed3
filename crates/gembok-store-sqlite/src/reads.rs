//! The read half of the [`gembok_store::Store`] trait, written once for every holder
//! of a read connection: the store's reader pool and a [`crate::snapshot`] view. Each
//! method is one query module's function on the connection `self.reader()` gives.

/// Expand to every read method of `Store`; the implementing type has
/// `fn reader(&self) -> impl std::ops::Deref<Target = rusqlite::Connection>`.
macro_rules! read_methods {
    () => {
        fn get(
            &self,
            collection: &str,
            ids: &[RecordId],
            fields: Option<&[&str]>,
        ) -> Result<Vec<SealedRecord>, StoreError> {
            read::get(&self.reader(), collection, ids, fields)
        }

        fn find(
            &self,
            collection: &str,
            field: &str,
            digest: &[u8],
        ) -> Result<Vec<RecordId>, StoreError> {
            search::find(&self.reader(), collection, field, digest)
        }

        /// One statement joins the blind index to the records, so the matches are read
        /// in one snapshot with one reader checkout.
        fn find_records(
            &self,
            collection: &str,
            field: &str,
            digest: &[u8],
            fields: Option<&[&str]>,
        ) -> Result<Vec<SealedRecord>, StoreError> {
            search::find_records(&self.reader(), collection, field, digest, fields)
        }

        fn list(
            &self,
            collection: &str,
            after: Option<RecordId>,
            limit: usize,
        ) -> Result<Vec<RecordMeta>, StoreError> {
            read::list(&self.reader(), collection, after, limit)
        }

        fn below_key_version(
            &self,
            collection: &str,
            below: u32,
            after: Option<RecordId>,
            limit: usize,
        ) -> Result<Vec<SealedRecord>, StoreError> {
            read::below_key_version(&self.reader(), collection, below, after, limit)
        }

        fn subject_records(
            &self,
            collection: &str,
            subject: RecordId,
        ) -> Result<Vec<RecordMeta>, StoreError> {
            lifecycle::subject_records(&self.reader(), collection, subject)
        }

        fn updated_before(
            &self,
            collection: &str,
            before: i64,
            after: Option<RecordId>,
            limit: usize,
        ) -> Result<Vec<RecordMeta>, StoreError> {
            lifecycle::updated_before(&self.reader(), collection, before, after, limit)
        }

        fn count(&self, collection: &str) -> Result<u64, StoreError> {
            read::count(&self.reader(), collection)
        }

        fn keys(&self) -> Result<Vec<KeyRecord>, StoreError> {
            read::keys(&self.reader())
        }

        fn schemas(&self) -> Result<Vec<SchemaVersion>, StoreError> {
            read::schemas(&self.reader())
        }

        fn setting(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
            read::setting(&self.reader(), name)
        }

        fn settings(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
            export::settings(&self.reader())
        }

        fn doc_kinds(&self) -> Result<Vec<String>, StoreError> {
            export::doc_kinds(&self.reader())
        }

        fn collections(&self) -> Result<Vec<String>, StoreError> {
            export::collections(&self.reader())
        }

        fn index_entries(
            &self,
            collection: &str,
            after: Option<&IndexEntry>,
            limit: usize,
        ) -> Result<Vec<IndexEntry>, StoreError> {
            export::index_entries(&self.reader(), collection, after, limit)
        }

        fn doc(&self, kind: &str, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
            docs::get(&self.reader(), kind, id)
        }

        fn docs(&self, kind: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
            docs::list(&self.reader(), kind)
        }

        fn check_integrity(&self) -> Result<(), StoreError> {
            read::check_integrity(&self.reader())
        }

        fn audit_head(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
            audit_read::head(&self.reader())
        }

        fn audit_events(&self, after: u64, limit: usize) -> Result<Vec<AuditRow>, StoreError> {
            audit_read::events(&self.reader(), after, limit)
        }

        fn audit_index_through(&self) -> Result<u64, StoreError> {
            $crate::audit_refs::through(&self.reader()).map(|seq| seq.max(0).unsigned_abs())
        }

        fn audit_index(
            &self,
            after: Option<(RecordId, u64)>,
            limit: usize,
        ) -> Result<Vec<(RecordId, u64)>, StoreError> {
            $crate::audit_refs::index_page(&self.reader(), after, limit)
        }

        fn audit_query(
            &self,
            query: &AuditQuery,
            before: Option<u64>,
            limit: usize,
        ) -> Result<Vec<AuditRow>, StoreError> {
            audit_read::query(&self.reader(), query, before, limit)
        }

        fn audit_checkpoints(
            &self,
            after: u64,
            limit: usize,
        ) -> Result<Vec<AuditCheckpoint>, StoreError> {
            audit_read::checkpoints(&self.reader(), after, limit)
        }

        fn audit_seq_before(&self, before: i64) -> Result<Option<u64>, StoreError> {
            audit_read::seq_before(&self.reader(), before)
        }
    };
}

pub(crate) use read_methods;
