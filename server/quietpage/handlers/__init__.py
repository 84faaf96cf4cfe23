"""Thin HTTP handlers: parse and check the request, call one core function, answer JSON."""
