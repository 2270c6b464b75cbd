"""``GET /health``: what is installed and stored; open to monitors (no key, no limit)."""

from __future__ import annotations

from importlib.metadata import version

from fastapi import APIRouter

from service.api.deps import ServicesDep
from service.api.schemas import HealthOut, TranslationHealth

router = APIRouter(tags=["service"])


@router.get("/health", response_model=HealthOut)
def health(svc: ServicesDep) -> HealthOut:
    packages = svc.translator.packages()
    if packages:
        note = f"{len(packages)} translation package(s) installed"
    else:
        note = (
            "no translation packages installed: /translate answers 400 until one is "
            "(`triglot models install FILE.argosmodel`)"
        )
    return HealthOut(
        status="ok",
        version=version("triglot"),
        database=svc.db.dialect.name,
        documents=svc.documents.count(),
        translation=TranslationHealth(
            packages=[p.label for p in packages],
            pairs=sorted(f"{a}->{b}" for a, b in svc.translator.pairs()),
            message=note,
        ),
    )
