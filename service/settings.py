"""Service configuration: the only reader of the environment (prefix ``TRIGLOT_``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Settings of one Triglot instance. Invalid values fail start-up with a clear message."""

    model_config = SettingsConfigDict(env_prefix="TRIGLOT_", extra="forbid", frozen=True)

    data_dir: Path = Field(
        default=Path("data"), description="Where the database, models and caches live."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default: SQLite file triglot.db in data_dir "
        "(e.g. postgresql+psycopg://user@127.0.0.1/triglot for PostgreSQL).",
    )
    max_page_bytes: int = Field(
        default=2_000_000, gt=0, le=100_000_000, description="Largest page accepted, in bytes."
    )
    max_document_bytes: int = Field(
        default=50_000_000,
        gt=0,
        le=2_000_000_000,
        description="Largest document accepted for sentence alignment, in bytes.",
    )
    seeds_dir: Path | None = Field(
        default=None, description="Pages ingested by `triglot serve` when the database is empty."
    )
    max_html_bytes: int = Field(
        default=5_000_000,
        gt=0,
        le=200_000_000,
        description="Largest HTML page accepted (file, body or fetched), in bytes.",
    )
    fetch_timeout_s: float = Field(
        default=10.0, gt=0, le=300, description="Seconds to wait for a site to connect or send."
    )
    fetch_host_interval_s: float = Field(
        default=1.0, ge=0, le=3600, description="Least time between two fetches from one host."
    )
    fetch_allow_loopback: bool = Field(
        default=False, description="Fetch URLs on loopback addresses (tests, a local mirror)."
    )
    fetch_allow_private: bool = Field(
        default=False,
        description="Fetch URLs on private and link-local addresses (an intranet's pages).",
    )
    fetch_respect_robots: bool = Field(
        default=True, description="Honour each site's robots.txt when fetching pages."
    )
    cache_dir: Path | None = Field(
        default=None,
        description="Where decompressed models are kept for fast starts (default: "
        "<data_dir>/cache; about 40 MB).",
    )
    packages_dir: Path | None = Field(
        default=None, description="Installed Argos packages; default: data_dir/packages."
    )
    compute_type: str = Field(
        default="default",
        pattern=r"^(default|auto|int8|int8_float32|int16|float32|float16|bfloat16|"
        r"int8_float16|int8_bfloat16)$",
        description="CTranslate2 compute type ('default': as the model was saved).",
    )
    inter_threads: int = Field(default=2, ge=1, le=64, description="Batches decoded at once.")
    intra_threads: int = Field(
        default=1, ge=0, le=64, description="Threads per batch (1 is fastest on small CPUs)."
    )
    translate_max_chars: int = Field(
        default=20_000, gt=0, description="Most characters in one /translate request (0: none)."
    )
    translate_max_batch: int = Field(default=100, gt=0, description="Most texts in one `q`.")
    translate_max_word_chars: int = Field(
        default=300,
        ge=0,
        description="Longest word (characters without a space) in /translate's `q`: one "
        "20,000-character word costs seconds of decoding (0: no limit).",
    )
    translate_chars_per_minute: int = Field(
        default=0,
        ge=0,
        description="Characters per minute each client (key or address) may send to "
        "/translate, beside the request limits (LibreTranslate's --req-time-cost idea; 0: none).",
    )
    max_header_bytes: int = Field(
        default=65_536,
        ge=1024,
        le=16_777_216,
        description="Largest request line and headers, in bytes (431 past it).",
    )
    header_timeout: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="Seconds a client has to send a request's line and headers (408 after).",
    )
    body_timeout: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="Seconds a client has to send a request's body once its headers are in "
        "(408 after).",
    )
    keep_alive_timeout: int = Field(
        default=5, ge=1, le=3600, description="Seconds an idle connection is kept open."
    )
    max_body_bytes: int = Field(
        default=1_000_000,
        gt=0,
        le=2_000_000_000,
        description="Largest request body, in bytes, on routes without a limit of their own "
        "(pages: max_page_bytes; /align: max_document_bytes; glossaries: max_glossary_bytes).",
    )
    max_glossary_bytes: int = Field(
        default=20_000_000,
        gt=0,
        le=2_000_000_000,
        description="Largest glossary upload or proposal body, in bytes.",
    )
    import_removal_warning_share: float = Field(
        default=0.10,
        ge=0,
        le=1,
        description="A glossary import proposing to remove more than this share of the "
        "concepts carries a warning.",
    )
    api_keys: bool = Field(
        default=False,
        description="Require an API key (`triglot keys add`) for every change: documents, "
        "stored translations, glossary proposals and decisions.",
    )
    translate_requires_key: bool = Field(
        default=False, description="Also require an API key for /translate (needs api_keys)."
    )
    admin_keys: str = Field(
        default="",
        pattern=r"^[A-Za-z0-9._@,\s-]*$",
        description="Comma-separated names of API keys that may install and remove "
        "translation packages over HTTP (POST/DELETE /models; needs api_keys).",
    )
    max_package_bytes: int = Field(
        default=4_000_000_000,
        gt=0,
        le=16_000_000_000,
        description="Largest translation package upload (POST /models), in bytes.",
    )
    rate_limit: int = Field(
        default=0,
        ge=0,
        description="Requests per minute per client address without a key (0: no limit).",
    )
    key_rate_limit: int = Field(
        default=0,
        ge=0,
        description="Requests per minute per API key, unless the key has its own (0: no limit).",
    )
    forwarded_allow_ips: str = Field(
        default="",
        description="Comma-separated addresses of the reverse proxies trusted to set "
        "X-Forwarded-For (uvicorn's forwarded_allow_ips), so that per-client limits see the "
        "real client behind them. Empty (the default): the header is ignored from everyone.",
    )
    access_log: bool = Field(
        default=False,
        description="Log every request (uvicorn's access log; about 0.3 ms a request here). "
        "Off by default: a reverse proxy in front usually keeps one.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="WARNING",
        description="Level of the service's own log on standard error (`triglot serve`): INFO "
        "adds start-up and warm-up times, package changes, jobs, and requests cancelled because "
        "their client went away.",
    )
    default_glossary: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$",
        description="Glossary enforced on /translate requests that name none and whose key has "
        "none (unchanged LibreTranslate clients); a request's glossary=none opts out.",
    )
    stored_glossary: str = Field(
        default="vn-government-news",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$",
        description="Glossary whose current version is enforced on stored English (`triglot "
        "translate`, POST /documents/{id}/translations) unless asked otherwise; 'none': none.",
    )
    glossary_max_concepts: int = Field(
        default=100_000,
        ge=1,
        le=10_000_000,
        description="Most concepts in one glossary version (about DeepL's 10 MiB a glossary).",
    )
    proposal_max_changes: int = Field(
        default=100_000,
        ge=1,
        le=10_000_000,
        description="Most concepts one proposal may add, remove or change.",
    )
    impact_max_segments: int = Field(
        default=200,
        ge=1,
        le=100_000,
        description="Most stored segments an impact job translates with both versions.",
    )
    glossary_four_eyes: bool = Field(
        default=False,
        description="Forbid approving one's own glossary proposal (needs api_keys: people are "
        "told apart by their key).",
    )
    jobs_stale_after_s: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="A running job whose worker has not reported for this long was left by a "
        "process that died: it is run again.",
    )
    files_translation: bool = Field(
        default=True, description="Offer POST /translate_file (LibreTranslate's file translation)."
    )
    max_file_bytes: int = Field(
        default=10_000_000,
        gt=0,
        le=500_000_000,
        description="Largest file accepted by /translate_file, in bytes (packed size of a "
        ".docx or .odt; unpacked, a package may hold 20 times as much).",
    )
    file_max_chars: int = Field(
        default=200_000, gt=0, description="Most characters translated in one file."
    )
    file_ttl_seconds: int = Field(
        default=1800,
        gt=0,
        le=30 * 24 * 3600,
        description="How long a translated file can be downloaded before it is deleted.",
    )
    max_stored_files: int = Field(
        default=1000, gt=0, description="Most translated files kept for download at once."
    )
    suggestions: bool = Field(
        default=False,
        description="Accept POST /suggest (LibreTranslate's --suggestions): suggestions are "
        "stored for review and can become glossary proposals.",
    )
    max_open_suggestions: int = Field(
        default=10_000, gt=0, description="Most suggestions waiting for review at once."
    )
    frontend_language_source: str = Field(
        default="auto",
        pattern=r"^(auto|[a-z]{2,3})$",
        description="Source language a front end starts with (/frontend/settings).",
    )
    frontend_language_target: str = Field(
        default="en",
        pattern=r"^[a-z]{2,3}$",
        description="Target language a front end starts with (/frontend/settings).",
    )
    frontend_timeout: int = Field(
        default=500,
        ge=0,
        le=60_000,
        description="Milliseconds a front end waits after typing before it translates.",
    )
    cors_origins: str = Field(
        default="",
        description="Origins allowed to call the API from a browser (CORS), comma-separated, "
        "e.g. https://a.example,https://b.example, or * for any; empty: CORS off.",
    )
    max_tmx_bytes: int = Field(
        default=50_000_000,
        gt=0,
        le=2_000_000_000,
        description="Largest TMX file imported into the translation memory, in bytes.",
    )
    max_archive_bytes: int = Field(
        default=100_000_000,
        gt=0,
        le=10_000_000_000,
        description="Largest archive of pages (.zip, .tar.gz) accepted by POST /corpus/ingest "
        "or `triglot jobs ingest`, in bytes (packed).",
    )
    max_archive_entries: int = Field(
        default=20_000, gt=0, le=10_000_000, description="Most pages in one archive."
    )
    max_archive_unpacked_bytes: int = Field(
        default=1_000_000_000,
        gt=0,
        description="Most bytes one archive's pages may unpack to, in all.",
    )
    tm: bool = Field(
        default=True,
        description="Look texts up in the translation memory (stored aligned corpus and "
        "imported TMX files) before the engine translates them.",
    )
    tm_fuzzy_threshold: float = Field(
        default=0.85,
        ge=0.5,
        le=1.0,
        description="Lowest similarity (rapidfuzz ratio, 0-1) of a fuzzy memory match used as "
        "the translation; 1.0: exact matches only.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis for rate limits shared by every replica and worker "
        "(redis://host:6379/0); unset: limits counted in each process.",
    )
    ray_address: str | None = Field(
        default=None,
        description="Ray cluster for `triglot bulk` (ray://host:10001, an address for "
        "ray.init, or 'local' to start Ray on this machine); unset: bulk jobs run locally.",
    )
    host: str = Field(default="127.0.0.1", min_length=1)
    port: int = Field(default=8000, ge=0, le=65535)

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("TRIGLOT_DATABASE_URL must be a sqlite:// or postgresql:// URL")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("TRIGLOT_REDIS_URL must be a redis://, rediss:// or unix:// URL")
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in (o.strip() for o in value.split(",") if o.strip()):
            if origin != "*" and not re.fullmatch(r"https?://[A-Za-z0-9.\[\]:-]+", origin):
                raise ValueError(
                    f"TRIGLOT_CORS_ORIGINS: {origin!r} is not an origin (scheme://host[:port], "
                    "no path) or *"
                )
        return value

    @model_validator(mode="after")
    def _keys_for_translation_need_keys(self) -> Self:
        if self.translate_requires_key and not self.api_keys:
            raise ValueError("TRIGLOT_TRANSLATE_REQUIRES_KEY=true needs TRIGLOT_API_KEYS=true")
        if self.glossary_four_eyes and not self.api_keys:
            raise ValueError("TRIGLOT_GLOSSARY_FOUR_EYES=true needs TRIGLOT_API_KEYS=true")
        return self

    def admin_key_names(self) -> frozenset[str]:
        """The key names of :attr:`admin_keys`."""
        return frozenset(n.strip() for n in self.admin_keys.split(",") if n.strip())

    def resolved_cache_dir(self) -> Path:
        return self.cache_dir or self.data_dir / "cache"

    def resolved_packages_dir(self) -> Path:
        return self.packages_dir or self.data_dir / "packages"

    def resolved_database_url(self) -> str:
        """The database URL in force (the SQLite default under ``data_dir`` if none is set)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'triglot.db').resolve()}"

    def cors_origin_list(self) -> list[str]:
        """The CORS origins in force (empty: CORS off)."""
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]
