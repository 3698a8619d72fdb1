"""The knowledge base's German search: the vocabulary and synonyms (``vocabulary``), the index
(``index``), the engine that ranks (``engine``), and request types found by it
(``request_types``)."""
