"""Stored glossaries: immutable versions, proposals reviewed by a person, rollback.

Every change is a proposal against the version it was made from. Approving writes the next
version (never changing an old one) and makes it current, in one transaction, which also
closes every other open proposal as ``superseded`` (with the reason) and marks English made
with an older version of the glossary stale; a proposal made from an older version than the
current one cannot be approved (412: re-propose from the new version). Rolling back writes a
new version with an old version's content. Who proposed, approved and rejected is recorded.

Parsed versions and proposals are cached in memory by (glossary, number) and proposal id:
both are immutable once written, so a cache entry is never wrong; what changes is which
version is current, and :meth:`GlossaryStore.current` reads that number with one small
indexed query, so an approval made by another process counts from the next request on.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import bindparam, func, insert, literal, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import ColumnElement

from glossary import Glossary
from glossary.jsonform import from_dict, to_dict
from glossary.versions import GlossaryDiff, diff
from service.errors import NotFoundError, ServiceError, TooLargeError
from service.store.db import (
    GlossaryProposalRow,
    GlossaryRow,
    GlossaryVersionRow,
    TranslationRow,
    utc,
    writer,
)

NONE = "none"
"""The glossary name that asks for no glossary (``glossary=none``)."""


class ConflictError(ServiceError):
    """The glossary changed since the caller read it (If-Match did not match)."""

    status = 412
    code = "precondition_failed"


class ProposalStateError(ServiceError):
    status = 409
    code = "proposal_closed"


class FourEyesError(ServiceError):
    """TRIGLOT_GLOSSARY_FOUR_EYES: a proposal is approved by someone other than its author."""

    status = 403
    code = "four_eyes"


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on review work: concepts in one glossary version, concepts one proposal may
    add, remove or change."""

    max_concepts: int = 100_000
    max_changes: int = 100_000


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
    author: str | None = None
    approver: str | None = None
    n_concepts: int | None = None


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposal without its content (see :meth:`GlossaryStore.proposal_content`)."""

    id: int
    glossary: str
    base_version: int
    status: str
    note: str
    author: str
    result_version: int | None
    created_at: dt.datetime
    decided_at: dt.datetime | None
    approver: str | None
    reason: str | None
    impact_job_id: int | None
    n_concepts: int | None


@dataclass(frozen=True, slots=True)
class Decision:
    """What an approval or rollback did: the new version, the proposals it superseded and
    how many stored translations it made stale."""

    version: VersionInfo
    superseded: tuple[int, ...]
    stale_translations: int


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


_T = TypeVar("_T")
_P = ParamSpec("_P")
HEAD_TTL = 1.0
"""Seconds for which /translate trusts a glossary's current version number once read
(:meth:`GlossaryStore.current_cached`): a version approved by another process reaches its
translations within this; one approved by this process, at once."""
FREEZE_AT = 10_000
"""Concepts from which a parsed glossary is moved out of the garbage collector's sight."""


class _Pause:
    """The sections running :func:`quietly` now, and whether the collector was on before."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sections = 0
        self.resume = False


_pause = _Pause()


def quietly(make: Callable[[], _T], *, freeze: Callable[[_T], bool] | None = None) -> _T:
    """``make()`` (parsing, merging, diffing or storing glossaries) with Python's cyclic
    garbage collector paused, and, where ``freeze(result)``, every object then alive frozen
    (:func:`gc.freeze`).

    A 100,000-concept glossary is about 700,000 objects (its JSON form a million more), which
    the collector would otherwise walk again and again while they are made: pauses of a
    second and more that hold the GIL, during which the event loop cannot answer even
    /health. Glossaries and their JSON form no cycles, so reference counting frees them as
    before (when a cache drops them, or the work is done). A freeze keeps a large parsed
    version out of every later collection; what it costs is that cyclic garbage alive at
    that moment is never collected, once per large version or proposal parsed.

    Sections may overlap (an impact job beside a proposal's diff): the collector resumes
    when the last one ends, not when the first does."""
    with _pause.lock:
        if _pause.sections == 0:
            _pause.resume = gc.isenabled()
            gc.disable()
        _pause.sections += 1
    try:
        value = make()
        if freeze is not None and freeze(value):
            # Before the collector resumes: its next collection of the youngest generation
            # would otherwise walk every object just made, on whichever thread allocates
            # next (measured: 150-220 ms on the event loop's, for 100,000 concepts).
            gc.freeze()
    finally:
        with _pause.lock:
            _pause.sections -= 1
            if _pause.sections == 0 and _pause.resume:
                gc.enable()
    return value


def _copy_content(
    session: Session,
    source: type[GlossaryProposalRow] | type[GlossaryVersionRow],
    source_id: int,
    **values: Any,
) -> None:
    """A new version row holding the content of row ``source_id`` of ``source`` (a proposal
    being approved, a version rolled back to), with the other columns from ``values``. The
    content is copied by the database (INSERT ... SELECT): a 100,000-concept glossary's 15 MB
    of JSON is neither decoded nor encoded again in this process, which would hold the
    interpreter for seconds."""
    columns = GlossaryVersionRow.__table__.c
    names = [*values, "content"]
    session.execute(
        insert(GlossaryVersionRow).from_select(
            names,
            select(
                *(literal(v, columns[k].type).label(k) for k, v in values.items()),
                source.content,
            ).where(source.id == source_id),
        )
    )


def _large(value: object) -> bool:
    if isinstance(value, GlossaryDiff):
        return len(value.added) + len(value.removed) + len(value.changed) >= FREEZE_AT
    return isinstance(value, Glossary) and len(value.concepts) >= FREEZE_AT


def _collector_paused(method: Callable[_P, _T]) -> Callable[_P, _T]:
    """A store method that writes a whole glossary, run :func:`quietly`."""

    @functools.wraps(method)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        return quietly(lambda: method(*args, **kwargs))

    return paused


class _Lru:
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = quietly(make, freeze=_large)  # outside the lock: parsing takes a while
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def peek(self, key: Any) -> Any | None:
        """The value held for ``key``, or None; never makes one."""
        with self._lock:
            return self._items.get(key)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class GlossaryStore:
    def __init__(self, engine: Engine, *, limits: Limits | None = None) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(writer(engine), expire_on_commit=False)
        self.limits = limits or Limits()
        self._versions = _Lru(16)  # (glossary id, number) -> Glossary
        self._proposals = _Lru(8)  # proposal id -> Glossary
        self._diffs = _Lru(8)  # proposal id -> GlossaryDiff
        self._version_diffs = _Lru(8)  # (glossary id, from, to) -> GlossaryDiff
        self._current: dict[str, tuple[float, int, int]] = {}  # name -> (read at, id, number)
        self._current_lock = threading.Lock()
        self._head = select(GlossaryRow.__table__.c.id, GlossaryRow.__table__.c.current_version)
        self._head = self._head.where(GlossaryRow.__table__.c.name == bindparam("name"))

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
                        author="triglot",
                        approver="triglot",
                        n_concepts=len(glossary.concepts),
                    )
                )
        except IntegrityError:
            return  # created concurrently

    def head(self, name: str) -> tuple[int, int] | None:
        """(glossary id, current version number) of ``name``, or None: one indexed query on
        a pooled connection (about 0.1 ms on SQLite); run it off the event loop."""
        with self._engine.connect() as conn:
            row = conn.execute(self._head, {"name": name}).first()
        return (row.id, row.current_version) if row is not None else None

    def names(self) -> list[str]:
        with self._sessions() as session:
            return list(session.scalars(select(GlossaryRow.name).order_by(GlossaryRow.name)))

    def all(self) -> list[GlossaryInfo]:
        with self._sessions() as session:
            open_counts = dict(
                session.execute(
                    select(GlossaryProposalRow.glossary_id, func.count(GlossaryProposalRow.id))
                    .where(GlossaryProposalRow.status == "open")
                    .group_by(GlossaryProposalRow.glossary_id)
                ).all()
            )
            out = []
            for row in session.scalars(select(GlossaryRow).order_by(GlossaryRow.name)):
                n = session.scalar(
                    select(GlossaryVersionRow.n_concepts).where(
                        GlossaryVersionRow.glossary_id == row.id,
                        GlossaryVersionRow.number == row.current_version,
                    )
                )
                if n is None:  # a version written before counts were stored
                    n = len(self._cached_version(session, row, row.current_version).concepts)
                out.append(
                    GlossaryInfo(row.name, row.current_version, n, open_counts.get(row.id, 0))
                )
            return out

    def current(self, name: str) -> tuple[int, Glossary]:
        """The current version's number and content (parsed once per version and process)."""
        head = self.head(name)
        if head is None:
            raise NotFoundError(f"no glossary named {name!r}")
        glossary_id, number = head
        result = self._version_of(glossary_id, name, number)
        self._saw(name, glossary_id, number)
        return number, result

    def _saw(self, name: str, glossary_id: int, number: int) -> None:
        """Record ``number`` as ``name``'s current version now, unless a newer one is known
        (a read that began before this process approved must not bring the old one back)."""
        with self._current_lock:
            known = self._current.get(name)
            if known is None or known[1] != glossary_id or known[2] <= number:
                self._current[name] = (time.monotonic(), glossary_id, number)

    def current_cached(self, name: str) -> tuple[int, Glossary] | None:
        """:meth:`current` without the database, or None: when the current version number
        was read (or written) by this process within :data:`HEAD_TTL` and that version is
        parsed. For /translate, which may then choose its glossary on the event loop."""
        seen = self._current.get(name)
        if seen is None or time.monotonic() - seen[0] > HEAD_TTL:
            return None
        parsed = self._versions.peek((seen[1], seen[2]))
        return None if parsed is None else (seen[2], parsed)

    def version(self, name: str, number: int) -> Glossary:
        head = self.head(name)
        if head is None:
            raise NotFoundError(f"no glossary named {name!r}")
        return self._version_of(head[0], name, number)

    def _version_of(self, glossary_id: int, name: str, number: int) -> Glossary:
        result: Glossary = self._versions.get(
            (glossary_id, number), lambda: self._load_version(glossary_id, name, number)
        )
        return result

    def _load_version(self, glossary_id: int, name: str, number: int) -> Glossary:
        with self._sessions() as session:
            content = session.scalar(
                select(GlossaryVersionRow.content).where(
                    GlossaryVersionRow.glossary_id == glossary_id,
                    GlossaryVersionRow.number == number,
                )
            )
        if content is None:
            raise NotFoundError(f"glossary {name!r} has no version {number}")
        return from_dict(content)

    def _cached_version(self, session: Session, row: GlossaryRow, number: int) -> Glossary:
        result: Glossary = self._versions.get(
            (row.id, number), lambda: from_dict(self._version_row(session, row, number).content)
        )
        return result

    def versions(
        self, name: str, *, offset: int = 0, limit: int | None = None
    ) -> list[VersionInfo]:
        """The version history, oldest first (a page of it with ``offset``/``limit``)."""
        with self._sessions() as session:
            row = self._row(session, name)
            cols = (
                GlossaryVersionRow.number,
                GlossaryVersionRow.note,
                GlossaryVersionRow.proposal_id,
                GlossaryVersionRow.created_at,
                GlossaryVersionRow.author,
                GlossaryVersionRow.approver,
                GlossaryVersionRow.n_concepts,
            )
            rows = session.execute(
                select(*cols)
                .where(GlossaryVersionRow.glossary_id == row.id)
                .order_by(GlossaryVersionRow.number)
                .offset(offset)
                .limit(limit)
            ).all()
            return [
                VersionInfo(
                    v.number,
                    v.note,
                    v.proposal_id,
                    utc(v.created_at),
                    v.author,
                    v.approver,
                    v.n_concepts,
                )
                for v in rows
            ]

    def count_versions(self, name: str) -> int:
        with self._sessions() as session:
            row = self._row(session, name)
            where = GlossaryVersionRow.glossary_id == row.id
            return session.scalar(select(func.count(GlossaryVersionRow.id)).where(where)) or 0

    @_collector_paused
    def propose(
        self, name: str, content: Glossary, *, if_match: str | None, note: str, author: str
    ) -> Proposal:
        """Store a proposal against the current version, within :attr:`limits`."""
        if len(content.concepts) > self.limits.max_concepts:
            raise TooLargeError(
                f"glossary: {len(content.concepts)} concepts is over the limit of "
                f"{self.limits.max_concepts} (TRIGLOT_GLOSSARY_MAX_CONCEPTS)"
            )
        with self._writes.begin() as session:
            row = self._row(session, name, lock=True)
            check_if_match(if_match, row.current_version)
            base = self._cached_version(session, row, row.current_version)
            changes = diff(base, content)
            n_changes = len(changes.added) + len(changes.removed) + len(changes.changed)
            if n_changes > self.limits.max_changes:
                raise TooLargeError(
                    f"proposal: {n_changes} concepts added, removed or changed is over the "
                    f"limit of {self.limits.max_changes} (TRIGLOT_PROPOSAL_MAX_CHANGES)"
                )
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
                n_concepts=len(content.concepts),
            )
            session.add(proposal)
            session.flush()
            self._proposals.get(proposal.id, lambda: content)
            self._diffs.get(proposal.id, lambda: changes)
            return self._proposal(row.name, proposal)

    def proposals(
        self, name: str, *, status: str | None = None, offset: int = 0, limit: int | None = None
    ) -> list[Proposal]:
        """Proposals, oldest first (a page of them with ``offset``/``limit``); contents are
        not read (see :meth:`proposal_content`)."""
        with self._sessions() as session:
            row = self._row(session, name)
            cols = [c for c in GlossaryProposalRow.__table__.c if c.name != "content"]
            rows = session.execute(
                select(*cols)
                .where(*self._proposal_filter(row, status))
                .order_by(GlossaryProposalRow.id)
                .offset(offset)
                .limit(limit)
            ).all()
            return [self._proposal(row.name, p) for p in rows]

    def count_proposals(self, name: str, *, status: str | None = None) -> int:
        with self._sessions() as session:
            row = self._row(session, name)
            query = select(func.count(GlossaryProposalRow.id))
            return session.scalar(query.where(*self._proposal_filter(row, status))) or 0

    @staticmethod
    def _proposal_filter(row: GlossaryRow, status: str | None) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = [GlossaryProposalRow.glossary_id == row.id]
        if status is not None:
            where.append(GlossaryProposalRow.status == status)
        return where

    def proposal(self, name: str, proposal_id: int) -> Proposal:
        with self._sessions() as session:
            row = self._row(session, name)
            return self._proposal(row.name, self._proposal_row(session, row, proposal_id))

    def proposal_content(self, proposal: Proposal) -> Glossary:
        def load() -> Glossary:
            with self._sessions() as session:
                content = session.scalar(
                    select(GlossaryProposalRow.content).where(GlossaryProposalRow.id == proposal.id)
                )
            return from_dict(content)

        result: Glossary = self._proposals.get(proposal.id, load)
        return result

    def proposal_diff(self, proposal: Proposal) -> GlossaryDiff:
        """What the proposal changes in its base version (computed once per process)."""

        def compute() -> GlossaryDiff:
            base = self.version(proposal.glossary, proposal.base_version)
            return diff(base, self.proposal_content(proposal))

        result: GlossaryDiff = self._diffs.get(proposal.id, compute)
        return result

    def version_diff(self, name: str, from_version: int, to_version: int) -> GlossaryDiff:
        """What changed between two versions (computed once per process: versions never
        change, and paging through a large diff asks for it again and again)."""
        head = self.head(name)
        if head is None:
            raise NotFoundError(f"no glossary named {name!r}")
        glossary_id = head[0]

        def compute() -> GlossaryDiff:  # the glossary's id is known: no query for the head
            return diff(
                self._version_of(glossary_id, name, from_version),
                self._version_of(glossary_id, name, to_version),
            )

        result: GlossaryDiff = self._version_diffs.get(
            (glossary_id, from_version, to_version), compute
        )
        return result

    def set_impact_job(self, name: str, proposal_id: int, job_id: int) -> int:
        """Record ``job_id`` as the proposal's impact job unless it has one that is not
        ``replace``-able; returns the job id in force (the first one wins a race)."""
        with self._writes.begin() as session:
            row = self._row(session, name, lock=True)
            proposal = self._proposal_row(session, row, proposal_id)
            if proposal.impact_job_id is None:
                proposal.impact_job_id = job_id
            return proposal.impact_job_id

    def replace_impact_job(self, name: str, proposal_id: int, job_id: int) -> None:
        with self._writes.begin() as session:
            row = self._row(session, name, lock=True)
            self._proposal_row(session, row, proposal_id).impact_job_id = job_id

    @_collector_paused
    def approve(
        self,
        name: str,
        proposal_id: int,
        *,
        if_match: str | None,
        approver: str = "anonymous",
        four_eyes: bool = False,
    ) -> Decision:
        """Make the proposal the next version (one transaction, which also supersedes the
        other open proposals and marks older English stale)."""
        now = dt.datetime.now(dt.UTC)
        try:
            with self._writes.begin() as session:
                row = self._row(session, name, lock=True)
                check_if_match(if_match, row.current_version)
                proposal = self._proposal_row(session, row, proposal_id)
                if proposal.status != "open":
                    raise ProposalStateError(
                        f"proposal {proposal_id} is {proposal.status}"
                        + (f": {proposal.reason}" if proposal.reason else "")
                    )
                if proposal.base_version != row.current_version:
                    raise ConflictError(
                        f"proposal {proposal_id} was made from version {proposal.base_version}"
                        f", but the glossary is now at version {row.current_version}: "
                        "propose again from the current version"
                    )
                if four_eyes and approver == proposal.author:
                    raise FourEyesError(
                        f"proposal {proposal_id} was made by {approver!r}: another person must "
                        "approve it (TRIGLOT_GLOSSARY_FOUR_EYES)"
                    )
                number = row.current_version + 1
                _copy_content(
                    session,
                    GlossaryProposalRow,
                    proposal.id,
                    glossary_id=row.id,
                    number=number,
                    note=proposal.note,
                    proposal_id=proposal.id,
                    created_at=now,
                    author=proposal.author,
                    approver=approver,
                    n_concepts=proposal.n_concepts,
                )
                row.current_version = number
                proposal.status, proposal.result_version = "approved", number
                proposal.decided_at, proposal.approver = now, approver
                session.flush()
                superseded, stale = self._after_new_version(
                    session, row, number, f"version {number} (proposal {proposal_id}) was approved"
                )
                glossary_id, content = row.id, self._proposals.peek(proposal.id)
                info = VersionInfo(
                    number,
                    proposal.note,
                    proposal.id,
                    now,
                    proposal.author,
                    approver,
                    proposal.n_concepts,
                )
        except IntegrityError:
            raise ConflictError("another change was approved at the same time: reload") from None
        if content is not None:  # committed: the new version is the proposal this process read
            self._versions.get((glossary_id, number), lambda: content)  # (not 15 MB again)
        self._saw(name, glossary_id, number)
        return Decision(info, superseded, stale)

    def reject(
        self, name: str, proposal_id: int, *, reason: str = "", decided_by: str = "anonymous"
    ) -> Proposal:
        with self._writes.begin() as session:
            row = self._row(session, name, lock=True)
            proposal = self._proposal_row(session, row, proposal_id)
            if proposal.status != "open":
                raise ProposalStateError(f"proposal {proposal_id} is {proposal.status}")
            proposal.status, proposal.decided_at = "rejected", dt.datetime.now(dt.UTC)
            proposal.reason, proposal.approver = reason, decided_by
            return self._proposal(row.name, proposal)

    @_collector_paused
    def rollback(
        self, name: str, to_version: int, *, if_match: str | None, approver: str = "anonymous"
    ) -> Decision:
        """A new version holding version ``to_version``'s content."""
        now = dt.datetime.now(dt.UTC)
        try:
            with self._writes.begin() as session:
                row = self._row(session, name, lock=True)
                check_if_match(if_match, row.current_version)
                old = self._version_row(session, row, to_version)
                number = row.current_version + 1
                note = f"rollback to version {to_version}"
                _copy_content(
                    session,
                    GlossaryVersionRow,
                    old.id,
                    glossary_id=row.id,
                    number=number,
                    note=note,
                    proposal_id=None,
                    created_at=now,
                    author=approver,
                    approver=approver,
                    n_concepts=old.n_concepts,
                )
                row.current_version = number
                session.flush()
                superseded, stale = self._after_new_version(
                    session, row, number, f"version {number} ({note}) was made"
                )
                info = VersionInfo(number, note, None, now, approver, approver, old.n_concepts)
                glossary_id = row.id
        except IntegrityError:
            raise ConflictError("another change was approved at the same time: reload") from None
        content = self._versions.peek((glossary_id, to_version))
        if content is not None:  # committed: the same content as the version rolled back to
            self._versions.get((glossary_id, number), lambda: content)
        self._saw(name, glossary_id, number)
        return Decision(info, superseded, stale)

    # --- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _after_new_version(
        session: Session, row: GlossaryRow, number: int, why: str
    ) -> tuple[tuple[int, ...], int]:
        """Close the open proposals made from older versions as superseded, and mark the
        English made with an older version stale (in the caller's transaction)."""
        now = dt.datetime.now(dt.UTC)
        superseded = tuple(
            session.scalars(
                select(GlossaryProposalRow.id).where(
                    GlossaryProposalRow.glossary_id == row.id,
                    GlossaryProposalRow.status == "open",
                    GlossaryProposalRow.base_version < number,
                )
            )
        )
        if superseded:
            session.execute(
                update(GlossaryProposalRow)
                .where(GlossaryProposalRow.id.in_(superseded))
                .values(
                    status="superseded",
                    decided_at=now,
                    reason=f"{why}; this proposal was made from an older version: "
                    f"propose again from version {number}",
                )
            )
        stale = session.execute(
            update(TranslationRow)
            .where(
                TranslationRow.glossary_name == row.name,
                TranslationRow.glossary_number < number,
            )
            .values(stale=True)
        )
        return superseded, int(stale.rowcount)  # type: ignore[attr-defined]

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
    def _proposal(name: str, p: Any) -> Proposal:
        """A proposal row (ORM, or Core without its content) as a :class:`Proposal`."""
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
            approver=p.approver,
            reason=p.reason,
            impact_job_id=p.impact_job_id,
            n_concepts=p.n_concepts,
        )
