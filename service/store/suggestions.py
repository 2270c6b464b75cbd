"""Suggestions sent to ``/suggest``: stored for review, then proposed to a glossary or dismissed.

A suggestion is LibreTranslate's ``q`` (the original), ``s`` (the translation the user
suggests), ``source`` and ``target``. It starts ``open``; a reviewer turns it into a glossary
proposal (``proposed``: the proposal is then reviewed like any other, approve or reject) or
dismisses it (``dismissed``). A decided suggestion is never decided again.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from glossary import Concept, Glossary, GlossaryError, Term
from service.errors import BadInputError, NotFoundError, ServiceError
from service.store.db import SuggestionRow, utc, writer
from service.store.glossaries import GlossaryStore, Proposal

Status = Literal["open", "proposed", "dismissed"]
STATUSES: tuple[Status, ...] = ("open", "proposed", "dismissed")
_CONCEPT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")


class SuggestionStateError(ServiceError):
    """The suggestion was decided already (proposed or dismissed)."""

    status = 409
    code = "suggestion_closed"


class SuggestionsFullError(ServiceError):
    """Too many suggestions wait for review: new ones are refused until some are decided."""

    status = 503
    code = "suggestions_full"


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: int
    q: str
    s: str
    source_lang: str
    target_lang: str
    status: Status
    author: str
    glossary: str | None
    proposal_id: int | None
    created_at: dt.datetime
    decided_at: dt.datetime | None


def _suggestion(row: SuggestionRow) -> Suggestion:
    status = row.status if row.status in STATUSES else "open"
    return Suggestion(
        id=row.id,
        q=row.q,
        s=row.s,
        source_lang=row.source_lang,
        target_lang=row.target_lang,
        status=status,
        author=row.author,
        glossary=row.glossary,
        proposal_id=row.proposal_id,
        created_at=utc(row.created_at),
        decided_at=utc(row.decided_at) if row.decided_at else None,
    )


def suggested_glossary(
    current: Glossary, suggestion: Suggestion, *, concept_id: str | None
) -> Glossary:
    """``current`` with the suggestion as a term pair. With ``concept_id`` (an existing
    concept), its preferred target-language term becomes ``s`` (the old preferred one stays as
    admitted) and ``q`` is added as a source term if missing; without, a new concept
    ``suggestion-<id>`` holds ``q`` and ``s`` as preferred terms."""
    src, tgt = suggestion.source_lang, suggestion.target_lang
    q, s = suggestion.q.strip(), suggestion.s.strip()
    if concept_id is None:
        new_id = f"suggestion-{suggestion.id}"
        if any(c.id == new_id for c in current.concepts):
            raise BadInputError(f"concept: {new_id!r} exists already; name the concept to change")
        concept = Concept(new_id, (Term(q, src), Term(s, tgt)), f"from suggestion {suggestion.id}")
        return Glossary(current.name, (*current.concepts, concept))
    if not _CONCEPT_ID.match(concept_id):
        raise BadInputError(f"concept: {concept_id[:40]!r} is not a concept id")
    found = next((c for c in current.concepts if c.id == concept_id), None)
    if found is None:
        raise BadInputError(f"concept: no concept {concept_id!r} in glossary {current.name!r}")
    terms: list[Term] = []
    for t in found.terms:
        if t.lang == tgt and t.text.casefold() == s.casefold():
            continue  # re-added below as the preferred term
        if t.lang == tgt and t.status == "preferred":
            terms.append(Term(t.text, t.lang, "admitted", t.case_sensitive))
        else:
            terms.append(t)
    if not any(t.lang == src and t.text.casefold() == q.casefold() for t in found.terms):
        terms.append(Term(q, src, "admitted"))
    terms.append(Term(s, tgt))
    changed = Concept(found.id, tuple(terms), found.note)
    return Glossary(
        current.name, tuple(changed if c.id == concept_id else c for c in current.concepts)
    )


class SuggestionStore:
    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(writer(engine), expire_on_commit=False)

    def add(
        self,
        q: str,
        s: str,
        *,
        source_lang: str,
        target_lang: str,
        author: str,
        max_open: int,
    ) -> Suggestion:
        """Store a new open suggestion, unless ``max_open`` are open already."""
        with self._writes.begin() as session:
            n_open = session.scalar(
                select(func.count())
                .select_from(SuggestionRow)
                .where(SuggestionRow.status == "open")
            )
            if (n_open or 0) >= max_open:
                raise SuggestionsFullError(
                    f"{n_open} suggestions wait for review already (TRIGLOT_MAX_OPEN_SUGGESTIONS"
                    f"={max_open}); try again once some are reviewed"
                )
            row = SuggestionRow(
                q=q,
                s=s,
                source_lang=source_lang,
                target_lang=target_lang,
                status="open",
                author=author,
                glossary=None,
                proposal_id=None,
                created_at=dt.datetime.now(dt.UTC),
                decided_at=None,
            )
            session.add(row)
            session.flush()
            return _suggestion(row)

    def list(
        self, *, status: Status | None = None, offset: int = 0, limit: int = 100
    ) -> tuple[list[Suggestion], int]:
        """Suggestions, oldest first, and how many match in all."""
        with self._sessions() as session:
            query = select(SuggestionRow)
            counted = select(func.count()).select_from(SuggestionRow)
            if status is not None:
                query = query.where(SuggestionRow.status == status)
                counted = counted.where(SuggestionRow.status == status)
            rows = session.scalars(query.order_by(SuggestionRow.id).offset(offset).limit(limit))
            return [_suggestion(r) for r in rows], session.scalar(counted) or 0

    def get(self, suggestion_id: int) -> Suggestion:
        with self._sessions() as session:
            row = session.get(SuggestionRow, suggestion_id)
            if row is None:
                raise NotFoundError(f"no suggestion {suggestion_id}")
            return _suggestion(row)

    def dismiss(self, suggestion_id: int) -> Suggestion:
        self._decide(suggestion_id, status="dismissed", glossary=None, proposal_id=None)
        return self.get(suggestion_id)

    def propose(
        self,
        suggestion_id: int,
        glossaries: GlossaryStore,
        *,
        glossary: str,
        concept_id: str | None,
        note: str,
    ) -> tuple[Suggestion, Proposal]:
        """Turn an open suggestion into a proposal to ``glossary`` (reviewed like any other
        proposal). If the suggestion was decided meanwhile, the proposal just made is
        rejected again, so no proposal stands for a suggestion that was not proposed."""
        suggestion = self.get(suggestion_id)
        if suggestion.status != "open":
            raise SuggestionStateError(f"suggestion {suggestion_id} is {suggestion.status} already")
        number, current = glossaries.current(glossary)
        try:
            content = suggested_glossary(current, suggestion, concept_id=concept_id)
        except GlossaryError as exc:
            raise BadInputError(f"suggestion {suggestion_id}: {exc}") from None
        proposal = glossaries.propose(
            glossary,
            content,
            if_match=f'"v{number}"',
            note=note or f"suggestion {suggestion_id}: {suggestion.q[:80]} -> {suggestion.s[:80]}",
            author=suggestion.author,
        )
        try:
            self._decide(
                suggestion_id, status="proposed", glossary=glossary, proposal_id=proposal.id
            )
        except SuggestionStateError:
            glossaries.reject(glossary, proposal.id)
            raise
        return self.get(suggestion_id), proposal

    def _decide(
        self, suggestion_id: int, *, status: Status, glossary: str | None, proposal_id: int | None
    ) -> None:
        """Close an open suggestion (one conditional UPDATE: two deciders cannot both win)."""
        with self._writes.begin() as session:
            done = session.execute(
                update(SuggestionRow)
                .where(SuggestionRow.id == suggestion_id, SuggestionRow.status == "open")
                .values(
                    status=status,
                    glossary=glossary,
                    proposal_id=proposal_id,
                    decided_at=dt.datetime.now(dt.UTC),
                )
            )
            if done.rowcount == 0:  # type: ignore[attr-defined]
                row = session.get(SuggestionRow, suggestion_id)
                if row is None:
                    raise NotFoundError(f"no suggestion {suggestion_id}")
                raise SuggestionStateError(f"suggestion {suggestion_id} is {row.status} already")
