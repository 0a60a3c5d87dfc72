"""A request's stages and history in words, for the request screen and `selfcare requests
show` alike: what moved, what the utility wrote, which document it asked for."""

from __future__ import annotations

from selfcare_tui.api import models
from selfcare_tui.i18n import _

from .attachments import OTHER_DOCUMENT
from .labels import label


def _stage_names() -> dict[str, str]:
    # The stages of the reference request guide; a utility's own stages show as written.
    return {
        "registered": _("registered"),
        "in_review": _("in review"),
        "answered": _("answered"),
        "investigation": _("investigation"),
        "submitted": _("submitted"),
        "confirmed": _("confirmed"),
        "documents_received": _("documents received"),
        "contract_signed": _("contract signed"),
        "technical_review": _("technical review"),
        "connection_offer": _("connection offer"),
        "works": _("works"),
        "connected": _("connected"),
        "scheduled": _("scheduled"),
        "effective": _("effective"),
        "verification": _("verification"),
        "linked": _("linked"),
    }


def stage_label(stage: str) -> str:
    return _stage_names().get(stage, stage.replace("_", " "))


def type_title(code: str, types: list[models.RequestType]) -> str:
    """The type's name from the guide; its code when the guide no longer has it."""
    return next((t.name for t in types if t.code == code), code)


def document_name(code: str, rtype: models.RequestType | None) -> str:
    if rtype is not None:
        named = next((d.name for d in rtype.documents if d.code == code), None)
        if named is not None:
            return named
    return _("Other document") if code == OTHER_DOCUMENT else code


def document_names(
    request: models.Request, rtype: models.RequestType | None = None
) -> dict[str, str]:
    """Code -> name of every document the request's history may name."""
    names = {OTHER_DOCUMENT: document_name(OTHER_DOCUMENT, None)}
    names |= {d.code: d.name for d in (rtype.documents if rtype else [])}
    for document in [*request.missing_documents, *request.requested_documents]:
        names[document.code] = document.name
    return names


def change_title(change: models.StatusChange, names: dict[str, str]) -> str:
    """One history entry's headline; its note (the utility's words) goes beneath it."""
    document = names.get(change.document_code or "", change.document_code or "")
    match change.kind:
        case models.HistoryKind.message:
            return _("Message from the utility")
        case models.HistoryKind.document_requested:
            return _("The utility asks for a document: {document}").format(document=document)
        case models.HistoryKind.document_added:
            return _("Document sent: {document}").format(document=document)
    title = label(change.status)
    if change.stage:
        title += " · " + _("stage: {stage}").format(stage=stage_label(change.stage))
    return title
