"""The claim packet of one outcome: what was decided, what it should earn, and its photos, as a PDF."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image as PdfImage
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from rmadesk import __version__
from rmadesk.domain.errors import UserError
from rmadesk.domain.model import Disposition, ReimbursementLine
from rmadesk.domain.policy import COMPONENT_LABELS
from rmadesk.store.models import Authorization, Outcome, OutcomeReversal, ReimbursementLineRow, Unit
from rmadesk.store.models import Photo as PhotoRow
from rmadesk.summary.render.pdf import _fonts
from rmadesk.text.formatting import date_time, iso_utc, money
from rmadesk.text.i18n import _

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN - 12
PHOTO_HEIGHT = 150 * mm
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#5f6b7a")
RULE = colors.HexColor("#c9d1db")


@dataclass(frozen=True)
class ClaimPhoto:
    position: int
    jpeg: bytes
    sha256: str
    width: int
    height: int
    taken_at: datetime
    taken_by: str
    bench: str
    source: str


@dataclass(frozen=True)
class Reversal:
    reversed_by: str
    reversed_at: datetime
    reason: str


@dataclass(frozen=True)
class Claim:
    """Everything a claim packet shows, read in one transaction."""

    outcome_uid: str
    display_id: str
    rma_id: str | None
    merchant_rma_id: str | None
    order_id: str
    tracking_id: str | None
    carrier: str | None
    sku: str
    asin: str | None
    item_name: str
    reason: str | None
    customer_comment: str | None
    unit_seq: int
    quantity: int
    lpn: str | None
    disposition: Disposition
    location: str
    inspector: str
    bench: str
    scanned_at: datetime | None
    decided_at: datetime
    policy_name: str
    currency: str
    total: Decimal
    lines: tuple[ReimbursementLine, ...]
    reversal: Reversal | None
    photos: tuple[ClaimPhoto, ...]


_ORDER = {name: index for index, name in enumerate(COMPONENT_LABELS)}


def _label(component: str) -> str:
    """A component's label; one the policy no longer knows shows by its stored name."""
    return _(COMPONENT_LABELS[component]) if component in COMPONENT_LABELS else component


def load_claim(session: Session, outcome_uid: str) -> Claim:
    """The outcome's claim as the database holds it: the reimbursement lines as they were written
    with the outcome (never worked out again), its photos with their bytes."""
    outcome = session.scalar(select(Outcome).where(Outcome.outcome_uid == outcome_uid))
    if outcome is None:
        raise UserError(_("There is no outcome {uid}.").format(uid=outcome_uid))
    unit = session.get(Unit, outcome.unit_id)
    assert unit is not None
    auth = session.get(Authorization, unit.authorization_id)
    assert auth is not None
    rows = session.scalars(
        select(ReimbursementLineRow).where(
            ReimbursementLineRow.outcome_id == outcome.id, ReimbursementLineRow.reversal_id.is_(None)
        )
    ).all()
    lines = tuple(
        ReimbursementLine(row.component, _label(row.component), row.amount)
        for row in sorted(rows, key=lambda r: (_ORDER.get(r.component, len(_ORDER)), r.component))
    )
    reversal_row = session.scalar(select(OutcomeReversal).where(OutcomeReversal.outcome_id == outcome.id))
    photos = session.scalars(
        select(PhotoRow)
        .where(PhotoRow.outcome_id == outcome.id)
        .options(undefer(PhotoRow.jpeg))
        .order_by(PhotoRow.position)
    ).all()
    return Claim(
        outcome_uid=outcome.outcome_uid,
        display_id=auth.label,
        rma_id=auth.rma_id,
        merchant_rma_id=auth.merchant_rma_id,
        order_id=auth.order_id,
        tracking_id=auth.tracking_id,
        carrier=auth.carrier,
        sku=unit.item_sku or auth.sku,
        asin=unit.item_asin if unit.item_seq else auth.asin,
        item_name=unit.item_name or auth.item_name,
        reason=unit.item_reason or auth.reason,
        customer_comment=unit.marketplace_comment or auth.customer_comment,
        unit_seq=unit.seq,
        quantity=auth.quantity,
        lpn=unit.lpn,
        disposition=Disposition(outcome.disposition),
        location=outcome.location,
        inspector=outcome.inspector,
        bench=outcome.bench,
        scanned_at=outcome.scanned_at,
        decided_at=outcome.decided_at,
        policy_name=outcome.policy_name,
        currency=outcome.currency,
        total=outcome.reimbursement_total,
        lines=lines,
        reversal=(
            Reversal(reversal_row.reversed_by, reversal_row.reversed_at, reversal_row.reason)
            if reversal_row is not None
            else None
        ),
        photos=tuple(
            ClaimPhoto(
                position=p.position,
                jpeg=bytes(p.jpeg),
                sha256=p.sha256,
                width=p.width,
                height=p.height,
                taken_at=p.taken_at,
                taken_by=p.taken_by,
                bench=p.bench,
                source=p.source,
            )
            for p in photos
        ),
    )


class _Styles:
    def __init__(self) -> None:
        self.regular, self.bold = _fonts()
        base = ParagraphStyle("base", fontName=self.regular, fontSize=9, leading=12, textColor=INK)
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=MUTED)
        self.title = ParagraphStyle("title", parent=base, fontName=self.bold, fontSize=15, leading=19)
        self.heading = ParagraphStyle(
            "heading", parent=base, fontName=self.bold, fontSize=11, leading=14, spaceBefore=10, spaceAfter=4
        )
        self.label = ParagraphStyle("label", parent=base, textColor=MUTED)
        self.alert = ParagraphStyle(
            "alert", parent=base, fontName=self.bold, textColor=colors.HexColor("#c62828")
        )
        self.hash = ParagraphStyle("hash", parent=base, fontName="Courier", fontSize=8, leading=10)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _moment(moment: datetime, tz: tzinfo | None) -> str:
    """Local time, then UTC: "2026-12-03 14:05:09 (2026-12-03T13:05:09Z)"."""
    return _("{local} ({utc})").format(local=date_time(moment, tz, seconds=True), utc=iso_utc(moment))


def _facts(claim: Claim, st: _Styles, tz: tzinfo | None) -> Table:
    dash = "–"
    rows: list[tuple[str, str]] = [
        (_("Order ID"), claim.order_id),
        (_("RMA"), claim.rma_id or dash),
        (_("Merchant RMA"), claim.merchant_rma_id or dash),
        (
            _("Tracking ID"),
            " ".join(x for x in (claim.tracking_id, claim.carrier and f"({claim.carrier})") if x) or dash,
        ),
        (_("SKU"), claim.sku),
        (_("ASIN"), claim.asin or dash),
        (_("Item"), claim.item_name or dash),
        (_("Unit"), _("{seq} of {quantity}").format(seq=claim.unit_seq, quantity=claim.quantity)),
        (_("License plate"), claim.lpn or dash),
        (_("Return reason"), claim.reason or dash),
        (_("Customer comment"), claim.customer_comment or dash),
        (_("Decision"), f"{claim.disposition.label} → {claim.location}"),
        (_("Inspector"), claim.inspector),
        (_("Bench"), claim.bench),
        (_("Inspection began"), _moment(claim.scanned_at, tz) if claim.scanned_at else dash),
        (_("Decided"), _moment(claim.decided_at, tz)),
        (_("Outcome ID"), claim.outcome_uid),
    ]
    table = Table(
        [[_p(label, st.label), _p(value, st.body)] for label, value in rows],
        colWidths=[40 * mm, BODY_WIDTH - 40 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _reimbursement(claim: Claim, st: _Styles) -> list[Any]:
    story: list[Any] = [
        _p(_("Expected reimbursement (policy “{policy}”)").format(policy=claim.policy_name), st.heading)
    ]
    rows = [
        [_p(line.label, st.body), _p(money(line.amount, claim.currency), st.body)] for line in claim.lines
    ]
    if not rows:
        rows.append([_p(_("Nothing is reimbursed for this decision."), st.body), _p("", st.body)])
    rows.append([_p(_("Total"), st.heading), _p(money(claim.total, claim.currency), st.heading)])
    table = Table(rows, colWidths=[BODY_WIDTH - 45 * mm, 45 * mm])
    table.setStyle(
        TableStyle(
            [
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("LINEABOVE", (0, -1), (-1, -1), 0.75, INK),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story.append(table)
    if claim.reversal is not None:
        story.append(Spacer(1, 4))
        story.append(
            _p(
                _("This outcome was reversed by {name} on {when}: {reason}").format(
                    name=claim.reversal.reversed_by,
                    when=iso_utc(claim.reversal.reversed_at),
                    reason=claim.reversal.reason,
                ),
                st.alert,
            )
        )
    return story


def _photo(photo: ClaimPhoto, total: int, st: _Styles, tz: tzinfo | None) -> KeepTogether:
    scale = min(BODY_WIDTH / photo.width, PHOTO_HEIGHT / photo.height)
    # The stored JPEG goes into the PDF as it is (no new compression): its SHA-256 stays checkable.
    image = PdfImage(io.BytesIO(photo.jpeg), width=photo.width * scale, height=photo.height * scale)
    image.hAlign = "LEFT"
    caption = _(
        "Photo {number} of {total}: {width} × {height} px, taken by {name} on bench {bench}, {when}."
    ).format(
        number=photo.position,
        total=total,
        width=photo.width,
        height=photo.height,
        name=photo.taken_by,
        bench=photo.bench,
        when=_moment(photo.taken_at, tz),
    )
    return KeepTogether(
        [
            Spacer(1, 6),
            image,
            Spacer(1, 3),
            _p(caption, st.body),
            _p(_("SHA-256: {sha256}").format(sha256=photo.sha256), st.hash),
        ]
    )


def claim_packet_pdf(claim: Claim, *, tz: tzinfo | None = None) -> bytes:
    """The packet as PDF bytes: the facts and the reimbursement on page 1, then the photos."""
    st = _Styles()
    story: list[Any] = [
        _p(_("Claim packet: {id}, unit {seq}").format(id=claim.display_id, seq=claim.unit_seq), st.title),
        _p(claim.disposition.meaning, st.small),
        Spacer(1, 6),
        _facts(claim, st, tz),
        *_reimbursement(claim, st),
    ]
    heading = _p(_("Photos"), st.heading)
    if claim.photos:
        photos = [_photo(photo, len(claim.photos), st, tz) for photo in claim.photos]
        # The heading goes with the first photo, not alone at the foot of the first page.
        story.extend([KeepTogether([heading, photos[0]]), *photos[1:]])
    else:
        story.extend([heading, _p(_("No photo was taken of this unit."), st.body)])
    made = datetime.now(UTC)

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(st.regular, 7)
        canvas.setFillColor(MUTED)
        footer = _(
            "RMA Desk {version} · claim packet of outcome {uid} · written {when} · page {page}"
        ).format(version=__version__, uid=claim.outcome_uid, when=iso_utc(made), page=doc.page)
        canvas.drawString(MARGIN, 8 * mm, footer)
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=_("Claim packet {id} unit {seq}").format(id=claim.display_id, seq=claim.unit_seq),
        author="RMA Desk",
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return out.getvalue()
