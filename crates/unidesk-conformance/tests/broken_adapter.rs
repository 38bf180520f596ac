//! The suite catches broken adapters: the memory adapter wrapped with one
//! deliberate defect at a time must fail exactly the checks that guard
//! against that defect, and the unbroken wrapper must fail none.

use std::collections::BTreeSet;

use async_trait::async_trait;
use unidesk_conformance::{Target, run_all};
use unidesk_core::{
    Accounts, Capabilities, Comments, Contacts, Cursor, Error, Helpdesk, ListQuery, Operation, Page, Resource, Result,
    Tags, Teams, Ticket, TicketCreate, TicketStatus, TicketUpdate, Tickets, Users,
};
use unidesk_memory::MemoryHelpdesk;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Defect {
    /// No defect: the control.
    None,
    /// Reads report `open` as `closed` and vice versa.
    SwappedStatuses,
    /// Every page after the first starts with the previous page's last ticket again.
    RepeatedRecord,
    /// The report claims nothing is missing, but `tickets.delete` answers `Unsupported`.
    ClaimsUnsupportedDelete,
    /// The report leaves out `tickets.delete`, which works anyway.
    HidesWorkingDelete,
    /// `updated_after` is ignored.
    IgnoresUpdatedAfter,
    /// A cursor that fails to decode silently restarts the listing.
    AcceptsGarbageCursors,
    /// Pages hold one record more than asked.
    OversizedPages,
    /// The last page carries a cursor to an empty page.
    TrailingEmptyPage,
    /// Ids go out unchecked: hostile ids come back `NotFound`.
    UncheckedIds,
    /// A patch resets the priority it was not given.
    PatchClobbersPriority,
    /// The field definitions leave out one ticket field the records use.
    DropsAFieldDefinition,
    /// The report says `list_fields`, but the adapter keeps the default `fields()` (Unsupported).
    ForgetsFields,
    /// Downloads flip one byte of the content.
    CorruptsAttachments,
    /// The report says `download`, but the adapter keeps the default `attachments()` (Unsupported).
    ForgetsAttachments,
}

const END_MARKER: &str = "broken-end";

struct Broken {
    inner: MemoryHelpdesk,
    defect: Defect,
}

impl Broken {
    fn fix_up(&self, mut t: Ticket) -> Ticket {
        if self.defect == Defect::SwappedStatuses {
            t.status = match t.status {
                Some(TicketStatus::Open) => Some(TicketStatus::Closed),
                Some(TicketStatus::Closed) => Some(TicketStatus::Open),
                other => other,
            };
        }
        t
    }
}

#[async_trait]
impl Tickets for Broken {
    async fn list(&self, query: &ListQuery) -> Result<Page<Ticket>> {
        let mut q = query.clone();
        if self.defect == Defect::TrailingEmptyPage && q.cursor.as_ref().is_some_and(|c| c.as_str() == END_MARKER) {
            return Ok(Page::last(Vec::new()));
        }
        if self.defect == Defect::IgnoresUpdatedAfter {
            q.updated_after = None;
        }
        if self.defect == Defect::OversizedPages {
            q.page_size = q.page_size.map(|n| n + 1);
        }
        let mut page = match self.inner.tickets().list(&q).await {
            Err(Error::InvalidCursor { .. }) if self.defect == Defect::AcceptsGarbageCursors => {
                q.cursor = None;
                self.inner.tickets().list(&q).await?
            }
            other => other?,
        };
        if self.defect == Defect::RepeatedRecord
            && query.cursor.is_some()
            && let Some(prev) = self.previous_of(query, page.items.first()).await?
        {
            page.items.insert(0, prev);
            page.items.truncate(query.page_size.unwrap_or(50) as usize);
        }
        if self.defect == Defect::TrailingEmptyPage && page.next_cursor.is_none() && !page.items.is_empty() {
            page.next_cursor = Some(Cursor::from_raw(END_MARKER));
        }
        page.items = page.items.into_iter().map(|t| self.fix_up(t)).collect();
        Ok(page)
    }
    async fn get(&self, id: &str, raw: bool) -> Result<Ticket> {
        if self.defect == Defect::UncheckedIds && unidesk_core::Id::parse(id).is_err() {
            return Err(Error::NotFound { resource: Resource::Ticket, id: id.into() });
        }
        self.inner.tickets().get(id, raw).await.map(|t| self.fix_up(t))
    }
    async fn create(&self, input: &TicketCreate) -> Result<Ticket> {
        self.inner.tickets().create(input).await.map(|t| self.fix_up(t))
    }
    async fn update(&self, id: &str, patch: &TicketUpdate) -> Result<Ticket> {
        let mut patch = patch.clone();
        if self.defect == Defect::PatchClobbersPriority && patch.priority.is_none() {
            patch.priority = Some(unidesk_core::Priority::Normal);
        }
        self.inner.tickets().update(id, &patch).await.map(|t| self.fix_up(t))
    }
    async fn delete(&self, id: &str) -> Result<()> {
        if self.defect == Defect::ClaimsUnsupportedDelete {
            return Err(Error::Unsupported {
                resource: Resource::Ticket,
                operation: Operation::Delete,
                adapter: "memory".into(),
            });
        }
        self.inner.tickets().delete(id).await
    }
    async fn add_tags(&self, id: &str, tags: &[String]) -> Result<Ticket> {
        self.inner.tickets().add_tags(id, tags).await.map(|t| self.fix_up(t))
    }
    async fn remove_tags(&self, id: &str, tags: &[String]) -> Result<Ticket> {
        self.inner.tickets().remove_tags(id, tags).await.map(|t| self.fix_up(t))
    }
}

impl Broken {
    /// The ticket listed just before `first` in the unbroken listing.
    async fn previous_of(&self, query: &ListQuery, first: Option<&Ticket>) -> Result<Option<Ticket>> {
        let Some(first) = first else { return Ok(None) };
        let mut q = query.clone();
        q.cursor = None;
        q.page_size = Some(500);
        let all = self.inner.tickets().list(&q).await?.items;
        let pos = all.iter().position(|t| t.id == first.id);
        Ok(pos.and_then(|p| p.checked_sub(1)).map(|p| all[p].clone()))
    }
}

impl Helpdesk for Broken {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn capabilities(&self) -> Capabilities {
        let caps = self.inner.capabilities();
        match self.defect {
            Defect::HidesWorkingDelete => caps.without(Resource::Ticket, Operation::Delete),
            _ => caps,
        }
    }
    fn tickets(&self) -> &dyn Tickets {
        self
    }
    fn comments(&self) -> &dyn Comments {
        self.inner.comments()
    }
    fn contacts(&self) -> &dyn Contacts {
        self.inner.contacts()
    }
    fn accounts(&self) -> &dyn Accounts {
        self.inner.accounts()
    }
    fn tags(&self) -> &dyn Tags {
        self.inner.tags()
    }
    fn teams(&self) -> &dyn Teams {
        self.inner.teams()
    }
    fn users(&self) -> &dyn Users {
        self.inner.users()
    }
    fn fields(&self) -> &dyn unidesk_core::Fields {
        static FORGOTTEN: std::sync::LazyLock<unidesk_core::NoFields> =
            std::sync::LazyLock::new(|| unidesk_core::NoFields::new("memory"));
        match self.defect {
            Defect::ForgetsFields => &*FORGOTTEN,
            _ => self,
        }
    }
    fn attachments(&self) -> &dyn unidesk_core::Attachments {
        static FORGOTTEN: std::sync::LazyLock<unidesk_core::NoAttachments> =
            std::sync::LazyLock::new(|| unidesk_core::NoAttachments::new("memory"));
        match self.defect {
            Defect::ForgetsAttachments => &*FORGOTTEN,
            _ => self,
        }
    }
}

#[async_trait]
impl unidesk_core::Attachments for Broken {
    async fn download(&self, id: &str) -> Result<unidesk_core::ByteStream> {
        use futures::StreamExt;
        let stream = self.inner.attachments().download(id).await?;
        if self.defect != Defect::CorruptsAttachments {
            return Ok(stream);
        }
        let mut first = true;
        Ok(stream
            .map(move |chunk| {
                chunk.map(|b| {
                    if std::mem::take(&mut first) && !b.is_empty() {
                        let mut v = b.to_vec();
                        v[b.len() / 2] ^= 0x01;
                        v.into()
                    } else {
                        b
                    }
                })
            })
            .boxed())
    }
}

#[async_trait]
impl unidesk_core::Fields for Broken {
    async fn list(&self, resource: Option<Resource>) -> Result<Vec<unidesk_core::FieldDefinition>> {
        let mut defs = self.inner.fields().list(resource).await?;
        if self.defect == Defect::DropsAFieldDefinition {
            defs.retain(|d| !(d.resource == Resource::Ticket && d.key == "carrier"));
        }
        Ok(defs)
    }
}

async fn failures(defect: Defect) -> BTreeSet<&'static str> {
    let results = run_all(|| async move {
        let seed = unidesk_memory::Seed::sample(30);
        let tickets = seed.tickets.len();
        Target::new(Broken { inner: MemoryHelpdesk::seeded(seed), defect }).expect_count(Resource::Ticket, tickets)
    })
    .await;
    results.into_iter().filter(|(_, r)| r.is_err()).map(|(name, _)| name).collect()
}

async fn assert_caught(defect: Defect, expected: &[&str]) {
    let failed = failures(defect).await;
    for name in expected {
        assert!(failed.contains(name), "{defect:?} should fail {name}; failed: {failed:?}");
    }
    assert!(
        failed.len() < unidesk_conformance::CHECKS.len() / 2,
        "{defect:?} should fail only the checks guarding it, failed {failed:?}"
    );
}

#[tokio::test]
async fn the_unbroken_wrapper_passes_every_check() {
    assert_eq!(failures(Defect::None).await, BTreeSet::new());
}

#[tokio::test]
async fn swapped_statuses_are_caught() {
    assert_caught(
        Defect::SwappedStatuses,
        &["ticket_create_then_get_round_trips", "ticket_close_then_reopen_round_trips"],
    )
    .await;
}

#[tokio::test]
async fn a_repeated_record_is_caught() {
    assert_caught(
        Defect::RepeatedRecord,
        &["list_page_size_1_visits_each_record_once", "list_page_size_7_visits_each_record_once"],
    )
    .await;
}

#[tokio::test]
async fn an_operation_reported_but_unsupported_is_caught() {
    assert_caught(Defect::ClaimsUnsupportedDelete, &["reported_operations_are_never_unsupported"]).await;
}

#[tokio::test]
async fn an_unreported_operation_that_works_is_caught() {
    assert_caught(Defect::HidesWorkingDelete, &["unreported_operations_are_unsupported"]).await;
}

#[tokio::test]
async fn an_ignored_updated_after_is_caught() {
    assert_caught(Defect::IgnoresUpdatedAfter, &["list_updated_after_is_exact"]).await;
}

#[tokio::test]
async fn accepting_garbage_cursors_is_caught() {
    assert_caught(
        Defect::AcceptsGarbageCursors,
        &["garbage_cursor_is_invalid", "tampered_cursor_is_invalid", "cursor_from_another_query_is_invalid"],
    )
    .await;
}

#[tokio::test]
async fn oversized_pages_are_caught() {
    assert_caught(
        Defect::OversizedPages,
        &[
            "list_respects_page_size",
            "list_page_size_1_visits_each_record_once",
            "list_page_size_7_visits_each_record_once",
        ],
    )
    .await;
}

#[tokio::test]
async fn a_trailing_empty_page_is_caught() {
    assert_caught(Defect::TrailingEmptyPage, &["list_last_page_has_no_next_cursor"]).await;
}

#[tokio::test]
async fn unchecked_ids_are_caught() {
    assert_caught(Defect::UncheckedIds, &["get_rejects_hostile_ids_before_any_request"]).await;
}

#[tokio::test]
async fn a_patch_that_clobbers_other_fields_is_caught() {
    assert_caught(Defect::PatchClobbersPriority, &["ticket_update_patches_only_given_fields"]).await;
}

#[tokio::test]
async fn a_missing_field_definition_is_caught() {
    assert_caught(Defect::DropsAFieldDefinition, &["field_definitions_cover_the_custom_fields_records_use"]).await;
}

#[tokio::test]
async fn fields_reported_but_not_implemented_are_caught() {
    assert_caught(
        Defect::ForgetsFields,
        &["reported_operations_are_never_unsupported", "field_definitions_cover_the_custom_fields_records_use"],
    )
    .await;
}

#[test]
fn the_suite_has_at_least_25_uniquely_named_checks() {
    let names: BTreeSet<_> = unidesk_conformance::CHECKS.iter().map(|c| c.name).collect();
    assert_eq!(names.len(), unidesk_conformance::CHECKS.len(), "check names are unique");
    assert!(names.len() >= 25, "{} checks", names.len());
}

#[tokio::test]
async fn a_corrupted_download_is_caught() {
    assert_caught(Defect::CorruptsAttachments, &["uploaded_attachment_downloads_byte_identical"]).await;
}

#[tokio::test]
async fn downloads_reported_but_not_implemented_are_caught() {
    assert_caught(
        Defect::ForgetsAttachments,
        &["reported_operations_are_never_unsupported", "uploaded_attachment_downloads_byte_identical"],
    )
    .await;
}
