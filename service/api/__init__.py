"""The HTTP API: the app factory (``app.py``), one router per resource (``routes/``), the
request and response models (``schemas.py``), and the access policy, rate and body limits."""
