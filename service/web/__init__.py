"""Web pages for people (the glossary review page) and their static assets: no CDN, every
asset ships in ``static/``."""
