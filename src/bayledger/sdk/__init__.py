"""Python SDK for bayledger: the REST client (``bayledger.sdk.client.Client``)."""
