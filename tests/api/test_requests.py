"""Written requests: the guide, drafts with their documents checked by content, submission."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from selfcare_tui.api import SelfcareClient
from selfcare_tui.api.errors import NotFound, PermissionDenied, RuleViolation
from selfcare_tui.api.models import (
    ErrorCode,
    FieldError,
    Request,
    RequestCreate,
    RequestStatus,
    RequestType,
)
from selfcare_tui.server.demo import COTTAGE_ACCOUNT, FLAT_ACCOUNT

from ..support.builders import HOLDER_FIELDS, make_pdf, make_png, write
from ..support.live_server import NOW, LiveServer

pytestmark = pytest.mark.anyio

HOLDER = "change_of_holder"


async def holder_type(client: SelfcareClient) -> RequestType:
    (rtype,) = [t for t in await client.request_types() if t.code == HOLDER]
    return rtype


async def new_holder_request(client: SelfcareClient) -> Request:
    (place,) = await client.places(FLAT_ACCOUNT)
    return await client.create_request(
        FLAT_ACCOUNT,
        RequestCreate(
            type_code=HOLDER,
            place_id=place.id,
            subject="My daughter takes over the flat's contract",
            message="Please move the contract to Kadri from next month.",
            fields=HOLDER_FIELDS,
        ),
    )


async def test_request_guide_lists_fields_and_documents(anonymous: SelfcareClient) -> None:
    """The guide is public and says per type what must be filled in and attached (S0, S2)."""
    types = {t.code: t for t in await anonymous.request_types()}

    assert sorted(types) == [
        "change_of_holder",
        "complaint",
        "general",
        "grid_connection",
        "package_change",
        "place_link",
    ]
    holder = types[HOLDER]
    assert [d.code for d in holder.documents] == [
        "ownership_deed",
        "identity_document",
        "contract_request",
        "chosen_offer",
    ]
    assert [(f.name, f.required) for f in holder.fields] == [(n, True) for n in HOLDER_FIELDS]
    assert holder.stages[0] == "submitted"
    assert [d.code for d in types["general"].documents] == ["signed_request"]
    assert types["complaint"].documents == [] and types["complaint"].fields == []
    assert [d.code for d in types["grid_connection"].documents] == [
        "site_plan",
        "ownership_deed",
        "identity_document",
    ]
    assert [(f.name, f.required) for f in types["place_link"].fields] == [
        ("address", True),
        ("eic", False),
    ]
    assert all(t.name and t.description and t.stages for t in types.values())


async def test_change_of_holder_from_draft_to_submitted(
    live_server: LiveServer, maria: SelfcareClient, tmp_path: Path
) -> None:
    """Documents are listed as missing until all are attached; only then may it be sent."""
    rtype = await holder_type(maria)
    draft = await new_holder_request(maria)
    assert draft.status is RequestStatus.draft and draft.stage is None
    assert draft.fields == HOLDER_FIELDS and draft.attachments == []
    assert draft.missing_documents == rtype.documents
    assert [(h.status, h.stage, h.at) for h in draft.history] == [(RequestStatus.draft, None, NOW)]

    deed = write(tmp_path, "deed.pdf", make_pdf("Ownership deed"))
    passport = write(tmp_path, "passport.png", make_png(8))
    first = await maria.add_attachment(FLAT_ACCOUNT, draft.id, "ownership_deed", deed)
    second = await maria.add_attachment(FLAT_ACCOUNT, draft.id, "identity_document", passport)

    assert (first.filename, first.content_type, first.size) == (
        "deed.pdf",
        "application/pdf",
        deed.stat().st_size,
    )
    assert first.sha256 == hashlib.sha256(deed.read_bytes()).hexdigest()
    assert (second.document_code, second.content_type) == ("identity_document", "image/png")
    assert second.sha256 == hashlib.sha256(passport.read_bytes()).hexdigest()
    half = await maria.request(FLAT_ACCOUNT, draft.id)
    # The server lists attachments by their random id, not in upload order.
    assert sorted(half.attachments, key=lambda a: a.id) == sorted(
        [first, second], key=lambda a: a.id
    )
    assert [d.code for d in half.missing_documents] == ["contract_request", "chosen_offer"]

    with pytest.raises(RuleViolation) as refused:
        await maria.submit_request(FLAT_ACCOUNT, draft.id)
    assert refused.value.code is ErrorCode.missing_documents
    assert refused.value.field_errors == [
        FieldError(field="attachments", code="missing", message=d.name)
        for d in half.missing_documents
    ]
    assert (await maria.request(FLAT_ACCOUNT, draft.id)).status is RequestStatus.draft

    contract = write(tmp_path, "contract.pdf", make_pdf("Contract request", pages=2))
    offer = write(tmp_path, "offer.png", make_png(4))
    await maria.add_attachment(FLAT_ACCOUNT, draft.id, "contract_request", contract)
    await maria.add_attachment(FLAT_ACCOUNT, draft.id, "chosen_offer", offer)
    assert (await maria.request(FLAT_ACCOUNT, draft.id)).missing_documents == []

    submitted_at = NOW + dt.timedelta(hours=1)
    live_server.clock.frozen = submitted_at
    sent = await maria.submit_request(FLAT_ACCOUNT, draft.id)

    assert sent.status is RequestStatus.submitted and sent.stage == rtype.stages[0]
    assert [(h.status, h.stage, h.at) for h in sent.history] == [
        (RequestStatus.draft, None, NOW),
        (RequestStatus.submitted, rtype.stages[0], submitted_at),
    ]
    assert len(sent.attachments) == 4 and sent.missing_documents == []
    assert await maria.submit_request(FLAT_ACCOUNT, draft.id) == sent  # harmless twice
    assert await maria.request(FLAT_ACCOUNT, draft.id) == sent
    with pytest.raises(RuleViolation) as late:
        await maria.add_attachment(FLAT_ACCOUNT, draft.id, "other", deed)
    assert late.value.code is ErrorCode.request_not_draft


async def test_documents_are_checked_by_content_not_name(
    maria: SelfcareClient, tmp_path: Path
) -> None:
    draft = await new_holder_request(maria)
    fake = write(tmp_path, "scan.pdf", b"Dear utility,\nthis is a plain text file.\n")

    with pytest.raises(RuleViolation) as refused:
        await maria.add_attachment(FLAT_ACCOUNT, draft.id, "ownership_deed", fake)
    assert refused.value.code is ErrorCode.attachment_type_not_allowed
    assert [e.field for e in refused.value.field_errors] == ["file"]

    # A picture with a misleading name is still a picture, and is taken as one.
    photo = write(tmp_path, "photo.pdf", make_png())
    taken = await maria.add_attachment(FLAT_ACCOUNT, draft.id, "ownership_deed", photo)
    assert taken.content_type == "image/png" and taken.filename == "photo.pdf"
    with pytest.raises(RuleViolation) as unknown:
        await maria.add_attachment(FLAT_ACCOUNT, draft.id, "birth_certificate", photo)
    assert unknown.value.code is ErrorCode.unknown_document
    assert [a.id for a in (await maria.request(FLAT_ACCOUNT, draft.id)).attachments] == [taken.id]


async def test_size_limit(live_server: LiveServer, maria: SelfcareClient, tmp_path: Path) -> None:
    """A file of exactly the limit is taken; one byte more is refused, naming the limit."""
    live_server.settings.attachment_max_bytes = 1000
    draft = await new_holder_request(maria)
    at_limit = write(tmp_path, "id.png", make_png(size=1000))
    big = write(tmp_path, "deed.pdf", make_pdf("Ownership deed " * 8, pages=3))
    assert big.stat().st_size > 1000

    taken = await maria.add_attachment(FLAT_ACCOUNT, draft.id, "identity_document", at_limit)
    assert taken.size == 1000
    with pytest.raises(RuleViolation) as refused:
        await maria.add_attachment(FLAT_ACCOUNT, draft.id, "ownership_deed", big)
    assert refused.value.code is ErrorCode.attachment_too_large
    assert "1000 bytes" in refused.value.message
    assert [e.field for e in refused.value.field_errors] == ["file"]
    after = await maria.request(FLAT_ACCOUNT, draft.id)
    assert [a.id for a in after.attachments] == [taken.id]


async def test_missing_and_unknown_fields(maria: SelfcareClient) -> None:
    """Each missing (or blank) required field is named, as fields.<name>; nothing is created."""
    fields = {**HOLDER_FIELDS, "phone": "   ", "colour": "blue"}
    del fields["applicant_name"]

    with pytest.raises(RuleViolation) as refused:
        await maria.create_request(
            FLAT_ACCOUNT, RequestCreate(type_code=HOLDER, subject="Holder", fields=fields)
        )
    assert refused.value.code is ErrorCode.request_fields_invalid
    assert [(e.field, e.code) for e in refused.value.field_errors] == [
        ("fields.applicant_name", "required"),
        ("fields.phone", "required"),
        ("fields.colour", "unknown"),
    ]
    assert (
        refused.value.field_messages()["fields.applicant_name"] == "Applicant's name is required."
    )

    with pytest.raises(RuleViolation) as unknown_type:
        await maria.create_request(FLAT_ACCOUNT, RequestCreate(type_code="wish", subject="x"))
    assert unknown_type.value.code is ErrorCode.unknown_request_type
    assert [e.field for e in unknown_type.value.field_errors] == ["type_code"]
    assert [r async for r in maria.iter_requests(FLAT_ACCOUNT)] == []


async def test_a_package_change_names_a_package_on_offer_other_than_the_current(
    maria: SelfcareClient,
) -> None:
    """The flat has DAYNIGHT (demo data): an unknown package and the same one are refused."""
    (place,) = await maria.places(FLAT_ACCOUNT)

    def change(product: str) -> RequestCreate:
        return RequestCreate(
            type_code="package_change",
            place_id=place.id,
            subject="Package change",
            fields={"product_code": product},
        )

    for product, code, field_code in [
        ("GOLD", ErrorCode.unknown_product, "unknown"),
        ("DAYNIGHT", ErrorCode.product_already_chosen, "current"),
    ]:
        with pytest.raises(RuleViolation) as refused:
            await maria.create_request(FLAT_ACCOUNT, change(product))
        assert refused.value.code is code
        assert [(e.field, e.code) for e in refused.value.field_errors] == [
            ("fields.product_code", field_code)
        ]
    assert [r async for r in maria.iter_requests(FLAT_ACCOUNT)] == []
    created = await maria.create_request(FLAT_ACCOUNT, change("UNIVERSAL"))
    assert created.fields == {"product_code": "UNIVERSAL"}


async def test_list_requests_by_type_and_status(
    live_server: LiveServer, maria: SelfcareClient
) -> None:
    complaint = await maria.create_request(
        FLAT_ACCOUNT,
        RequestCreate(type_code="complaint", subject="The meter reader came twice"),
    )
    complaint = await maria.submit_request(FLAT_ACCOUNT, complaint.id)  # needs no documents
    assert complaint.stage == "registered"
    live_server.clock.frozen = NOW + dt.timedelta(minutes=5)
    holder = await new_holder_request(maria)
    live_server.clock.frozen = NOW + dt.timedelta(minutes=10)
    general = await maria.create_request(
        FLAT_ACCOUNT, RequestCreate(type_code="general", subject="Question about my contract")
    )

    async def ids(type_code: str | None = None, status: RequestStatus | None = None) -> list[str]:
        found = maria.iter_requests(FLAT_ACCOUNT, type_code=type_code, status=status)
        return [r.id async for r in found]

    assert await ids() == [general.id, holder.id, complaint.id]  # newest first
    assert await ids(type_code="complaint") == [complaint.id]
    assert await ids(status=RequestStatus.draft) == [general.id, holder.id]
    assert await ids(status=RequestStatus.submitted) == [complaint.id]
    assert await ids(type_code=HOLDER, status=RequestStatus.submitted) == []
    assert await ids(type_code=HOLDER, status=RequestStatus.draft) == [holder.id]
    assert [r async for r in maria.iter_requests(COTTAGE_ACCOUNT)] == []
    with pytest.raises(NotFound):
        await maria.request(COTTAGE_ACCOUNT, holder.id)  # not a request of that account


async def test_upload_progress_and_idempotent_retry(maria: SelfcareClient, tmp_path: Path) -> None:
    """A large scan reports progress as it goes; a retried upload attaches it once."""
    draft = await new_holder_request(maria)
    scan = write(tmp_path, "deed.png", make_png(300, compress=0))
    size = scan.stat().st_size
    assert size > 200_000
    seen: list[tuple[int, int | None]] = []

    first = await maria.add_attachment(
        FLAT_ACCOUNT,
        draft.id,
        "ownership_deed",
        scan,
        progress=lambda done, total: seen.append((done, total)),
        idempotency_key="upload-1",
    )

    done = [d for d, _ in seen]
    assert {t for _, t in seen} == {size}
    assert done == sorted(done) and len(set(done)) >= 3  # several steps, never backwards
    assert done[-1] == size == first.size
    again = await maria.add_attachment(
        FLAT_ACCOUNT, draft.id, "ownership_deed", scan, idempotency_key="upload-1"
    )
    assert again == first
    assert (await maria.request(FLAT_ACCOUNT, draft.id)).attachments == [first]


async def test_delegate_without_requests_scope_cannot_write(live_server: LiveServer) -> None:
    jaan = await live_server.login("jaan")
    async with jaan:
        with pytest.raises(PermissionDenied) as denied:
            await jaan.create_request(
                FLAT_ACCOUNT, RequestCreate(type_code="complaint", subject="On maria's behalf")
            )
        assert [r async for r in jaan.iter_requests(FLAT_ACCOUNT)] == []  # view is allowed
    assert denied.value.code is ErrorCode.scope_missing
