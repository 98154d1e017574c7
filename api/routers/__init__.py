"""One router per resource group; :func:`api.app.create_app` includes them all."""
