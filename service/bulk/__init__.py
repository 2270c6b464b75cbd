"""Bulk corpus jobs: ingest (analysis and pairing), cross-page alignment and translation of
many pages, run by one :class:`~service.bulk.runners.Runner`: in this process
(:class:`~service.bulk.runners.LocalRunner`) or on a Ray cluster's actors
(:class:`~service.bulk.runners.RayRunner`), each writing to the shared database."""
