"""Exports of the aligned corpus: the TMX 1.4b writer and the units it writes."""
