"""Thin HTTP handlers: check the request (schema.py), call one core function, answer JSON."""
