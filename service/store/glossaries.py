"""Stored glossaries: immutable versions, proposals reviewed by a person, rollback.

Every change is a proposal against the version it was made from. Approving writes the next
version (never changing an old one) and makes it current, in one transaction; a proposal made
from an older version than the current one cannot be approved (412: re-propose from the new
version). Rolling back writes a new version with an old version's content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from glossary import Glossary
from glossary.jsonform import from_dict, to_dict
from service.errors import NotFoundError, ServiceError
from service.store.db import GlossaryProposalRow, GlossaryRow, GlossaryVersionRow, utc, writer


class ConflictError(ServiceError):
    """The glossary changed since the caller read it (If-Match did not match)."""

    status = 412
    code = "precondition_failed"


class ProposalStateError(ServiceError):
    status = 409
    code = "proposal_closed"


@dataclass(frozen=True, slots=True)
class GlossaryInfo:
    name: str
    current_version: int
    n_concepts: int
    open_proposals: int


@dataclass(frozen=True, slots=True)
class VersionInfo:
    number: int
    note: str
    proposal_id: int | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Proposal:
    id: int
    glossary: str
    base_version: int
    status: str
    note: str
    author: str
    result_version: int | None
    created_at: dt.datetime
    decided_at: dt.datetime | None
    content: Glossary


def etag(version: int) -> str:
    return f'"v{version}"'


def check_if_match(if_match: str | None, current: int) -> None:
    """Raise :class:`ConflictError` unless ``if_match`` names version ``current``."""
    if if_match is None:
        raise ConflictError(f"send If-Match: {etag(current)} (the version your change is based on)")
    if if_match.strip() not in (etag(current), "*"):
        raise ConflictError(
            f"the glossary is at version {current} ({etag(current)}), not "
            f"{if_match.strip()}: reload and try again"
        )


class GlossaryStore:
    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(writer(engine), expire_on_commit=False)

    def ensure(self, glossary: Glossary, *, note: str = "initial version") -> None:
        """Create ``glossary`` at version 1 unless a glossary of that name exists."""
        now = dt.datetime.now(dt.UTC)
        try:
            with self._writes.begin() as session:
                if self._row(session, glossary.name, missing_ok=True) is not None:
                    return
                row = GlossaryRow(name=glossary.name, current_version=1, created_at=now)
                session.add(row)
                session.flush()
                session.add(
                    GlossaryVersionRow(
                        glossary_id=row.id,
                        number=1,
                        content=to_dict(glossary),
                        note=note,
                        proposal_id=None,
                        created_at=now,
                    )
                )
        except IntegrityError:
            return  # created concurrently

    def all(self) -> list[GlossaryInfo]:
        with self._sessions() as session:
            out = []
            for row in session.scalars(select(GlossaryRow).order_by(GlossaryRow.name)):
                current = self._version_row(session, row, row.current_version)
                open_count = len(
                    session.scalars(
                        select(GlossaryProposalRow.id).where(
                            GlossaryProposalRow.glossary_id == row.id,
                            GlossaryProposalRow.status == "open",
                        )
                    ).all()
                )
                out.append(
                    GlossaryInfo(
                        row.name, row.current_version, len(current.content["concepts"]), open_count
                    )
                )
            return out

    def current(self, name: str) -> tuple[int, Glossary]:
        with self._sessions() as session:
            row = self._row(session, name)
            version = self._version_row(session, row, row.current_version)
            return row.current_version, from_dict(version.content)

    def version(self, name: str, number: int) -> Glossary:
        with self._sessions() as session:
            return from_dict(self._version_row(session, self._row(session, name), number).content)

    def versions(self, name: str) -> list[VersionInfo]:
        with self._sessions() as session:
            row = self._row(session, name)
            rows = session.scalars(
                select(GlossaryVersionRow)
                .where(GlossaryVersionRow.glossary_id == row.id)
                .order_by(GlossaryVersionRow.number)
            )
            return [VersionInfo(v.number, v.note, v.proposal_id, utc(v.created_at)) for v in rows]

    def propose(
        self, name: str, content: Glossary, *, if_match: str | None, note: str, author: str
    ) -> Proposal:
        with self._writes.begin() as session:
            row = self._row(session, name, lock=True)
            check_if_match(if_match, row.current_version)
            proposal = GlossaryProposalRow(
                glossary_id=row.id,
                base_version=row.current_version,
                content=to_dict(content),
                status="open",
                note=note,
                author=author,
                result_version=None,
                created_at=dt.datetime.now(dt.UTC),
                decided_at=None,
            )
            session.add(proposal)
            session.flush()
            return self._proposal(row.name, proposal)

    def proposals(self, name: str, *, status: str | None = None) -> list[Proposal]:
        with self._sessions() as session:
            row = self._row(session, name)
            query = select(GlossaryProposalRow).where(GlossaryProposalRow.glossary_id == row.id)
            if status is not None:
                query = query.where(GlossaryProposalRow.status == status)
            return [
                self._proposal(row.name, p)
                for p in session.scalars(query.order_by(GlossaryProposalRow.id))
            ]

    def proposal(self, name: str, proposal_id: int) -> Proposal:
        with self._sessions() as session:
            row = self._row(session, name)
            return self._proposal(row.name, self._proposal_row(session, row, proposal_id))

    def approve(self, name: str, proposal_id: int, *, if_match: str | None) -> VersionInfo:
        """Make the proposal the next version (one transaction)."""
        now = dt.datetime.now(dt.UTC)
        try:
            with self._writes.begin() as session:
                row = self._row(session, name, lock=True)
                check_if_match(if_match, row.current_version)
                proposal = self._proposal_row(session, row, proposal_id)
                if proposal.status != "open":
                    raise ProposalStateError(f"proposal {proposal_id} is {proposal.status}")
                if proposal.base_version != row.current_version:
                    raise ConflictError(
                        f"proposal {proposal_id} was made from version {proposal.base_version}"
                        f", but the glossary is now at version {row.current_version}: "
                        "propose again from the current version"
                    )
                number = row.current_version + 1
                version = GlossaryVersionRow(
                    glossary_id=row.id,
                    number=number,
                    content=proposal.content,
                    note=proposal.note,
                    proposal_id=proposal.id,
                    created_at=now,
                )
                session.add(version)
                row.current_version = number
                proposal.status, proposal.result_version, proposal.decided_at = (
                    "approved",
                    number,
                    now,
                )
                session.flush()
                return VersionInfo(number, version.note, proposal.id, now)
        except IntegrityError:
            raise ConflictError("another change was approved at the same time: reload") from None

    def reject(self, name: str, proposal_id: int) -> Proposal:
        with self._writes.begin() as session:
            row = self._row(session, name, lock=True)
            proposal = self._proposal_row(session, row, proposal_id)
            if proposal.status != "open":
                raise ProposalStateError(f"proposal {proposal_id} is {proposal.status}")
            proposal.status, proposal.decided_at = "rejected", dt.datetime.now(dt.UTC)
            return self._proposal(row.name, proposal)

    def rollback(self, name: str, to_version: int, *, if_match: str | None) -> VersionInfo:
        """A new version holding version ``to_version``'s content."""
        now = dt.datetime.now(dt.UTC)
        try:
            with self._writes.begin() as session:
                row = self._row(session, name, lock=True)
                check_if_match(if_match, row.current_version)
                old = self._version_row(session, row, to_version)
                number = row.current_version + 1
                session.add(
                    GlossaryVersionRow(
                        glossary_id=row.id,
                        number=number,
                        content=old.content,
                        note=f"rollback to version {to_version}",
                        proposal_id=None,
                        created_at=now,
                    )
                )
                row.current_version = number
                return VersionInfo(number, f"rollback to version {to_version}", None, now)
        except IntegrityError:
            raise ConflictError("another change was approved at the same time: reload") from None

    # --- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _row(
        session: Session, name: str, *, missing_ok: bool = False, lock: bool = False
    ) -> GlossaryRow:
        """The glossary's row; ``lock``: held until the transaction ends, so that changes to
        one glossary (proposals, approvals, rejections, rollbacks) run one after the other on
        PostgreSQL (SQLite serialises writers by itself)."""
        query = select(GlossaryRow).where(GlossaryRow.name == name)
        row = session.scalars(query.with_for_update() if lock else query).one_or_none()
        if row is None and not missing_ok:
            raise NotFoundError(f"no glossary named {name!r}")
        return row  # type: ignore[return-value]

    @staticmethod
    def _version_row(session: Session, row: GlossaryRow, number: int) -> GlossaryVersionRow:
        version = session.scalars(
            select(GlossaryVersionRow).where(
                GlossaryVersionRow.glossary_id == row.id, GlossaryVersionRow.number == number
            )
        ).one_or_none()
        if version is None:
            raise NotFoundError(f"glossary {row.name!r} has no version {number}")
        return version

    @staticmethod
    def _proposal_row(session: Session, row: GlossaryRow, pid: int) -> GlossaryProposalRow:
        proposal = session.get(GlossaryProposalRow, pid)
        if proposal is None or proposal.glossary_id != row.id:
            raise NotFoundError(f"glossary {row.name!r} has no proposal {pid}")
        return proposal

    @staticmethod
    def _proposal(name: str, p: GlossaryProposalRow) -> Proposal:
        return Proposal(
            id=p.id,
            glossary=name,
            base_version=p.base_version,
            status=p.status,
            note=p.note,
            author=p.author,
            result_version=p.result_version,
            created_at=utc(p.created_at),
            decided_at=utc(p.decided_at) if p.decided_at else None,
            content=from_dict(p.content),
        )
