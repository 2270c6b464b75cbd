"""Triglot service: the only edge (HTTP, CLI, storage, translation engine adapters)."""
