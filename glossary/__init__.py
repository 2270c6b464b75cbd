"""Triglot term domain: concepts, matching, enforcement plans, versions and diffs (pure)."""
