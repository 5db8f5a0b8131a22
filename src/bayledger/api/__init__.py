"""REST API (FastAPI) over the node service: ``from bayledger.api.app import create_app``."""
