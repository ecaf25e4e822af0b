"""Serving a class: the proxy configuration and the local runner of several replicas (see README)."""
