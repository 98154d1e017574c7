"""One router per resource group; :func:`tacmap.api.app.create_app` includes them all."""
