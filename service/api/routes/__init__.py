"""One router module per resource; ``service.api.app.create_app`` includes them all."""
