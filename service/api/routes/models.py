"""Translation packages for operators: list, install (upload) and remove, without a restart.

``GET /models`` is a read. ``POST /models`` (the ``.argosmodel`` file as the body) and
``DELETE /models/{code}`` need ``TRIGLOT_API_KEYS=true`` and a key whose name is in
``TRIGLOT_ADMIN_KEYS``: a package is code-free but large and decides every translation, so
ordinary write keys may not change it. An upload is streamed to a file under the data folder
(never held in memory; bounded by ``TRIGLOT_MAX_PACKAGE_BYTES``), verified and installed as
``triglot models install`` does; every worker and replica sharing the packages folder serves
it within about half a second.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from service.api.access import InvalidKeyError, KeyRequiredError
from service.api.deps import EngineDep, GuardDep, SettingsDep
from service.errors import BadInputError
from service.mt.packages import install_file, remove

router = APIRouter(tags=["models"])
_changes = threading.Lock()  # one install or removal at a time in this process


class PackageOut(BaseModel):
    code: str = Field(description="The package's folder name: what DELETE /models/{code} takes")
    src_lang: str
    tgt_lang: str
    version: str
    name: str
    serving: bool = Field(description="False: a later package of the same pair serves it")


class ModelChangeOut(BaseModel):
    installed: str | None = None
    removed: str | None = None
    packages: list[PackageOut]


async def require_admin(key: GuardDep, settings: SettingsDep) -> str:
    """The admin key's name; 401/403 otherwise (see the module docstring)."""
    if not settings.api_keys or not settings.admin_key_names():
        raise InvalidKeyError(
            "installing and removing packages over HTTP needs TRIGLOT_API_KEYS=true and a "
            "key named in TRIGLOT_ADMIN_KEYS (or use `triglot models install` on the server)"
        )
    if key is None:
        raise KeyRequiredError("this route needs an admin API key (TRIGLOT_ADMIN_KEYS)")
    if key.name not in settings.admin_key_names():
        raise InvalidKeyError(f"key {key.name!r} is not an admin key (TRIGLOT_ADMIN_KEYS)")
    return key.name


AdminDep = Annotated[str, Depends(require_admin)]


def _listing(engine: EngineDep) -> list[PackageOut]:
    return [
        PackageOut(
            code=p.code,
            src_lang=p.src_lang,
            tgt_lang=p.tgt_lang,
            version=p.version,
            name=p.name,
            serving=p.serving,
        )
        for p in engine.packages()
    ]


@router.get("/models", response_model=list[PackageOut])
def list_models(engine: EngineDep) -> list[PackageOut]:
    """Installed translation packages."""
    return _listing(engine)


@router.post("/models", response_model=ModelChangeOut, status_code=201)
async def install_model(
    request: Request, engine: EngineDep, settings: SettingsDep, _admin: AdminDep
) -> ModelChangeOut:
    """Install the `.argosmodel` sent as the request body (application/octet-stream)."""
    uploads = settings.data_dir / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=uploads) as tmp:
        file = Path(tmp) / "upload.argosmodel"
        size = 0
        with file.open("wb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                await run_in_threadpool(out.write, chunk)
        if size == 0:
            raise BadInputError("send the .argosmodel file as the request body")
        packages_dir = settings.resolved_packages_dir()

        def install() -> Path:
            with _changes:
                return install_file(file, packages_dir)

        path = await run_in_threadpool(install)
    engine.reload()
    return ModelChangeOut(installed=path.name, packages=_listing(engine))


@router.delete("/models/{code}", response_model=ModelChangeOut)
def remove_model(
    code: Annotated[str, PathParam(max_length=200)],
    engine: EngineDep,
    settings: SettingsDep,
    _admin: AdminDep,
) -> ModelChangeOut:
    """Remove the installed package `code` (as `GET /models` lists it)."""
    with _changes:
        remove(settings.resolved_packages_dir(), code)
    engine.reload()
    return ModelChangeOut(removed=code, packages=_listing(engine))
