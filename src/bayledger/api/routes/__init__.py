"""One router per REST resource, all mounted by ``bayledger.api.app.create_app``."""
