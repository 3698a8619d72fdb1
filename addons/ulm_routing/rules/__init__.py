"""Routing rules: condition and action types (one module each, listed in ``registry``),
validation (``validation``) and the engine that compiles and evaluates them (``engine``)."""
