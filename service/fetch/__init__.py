"""Fetching pages from the web, safely: the only room that opens outgoing connections."""
