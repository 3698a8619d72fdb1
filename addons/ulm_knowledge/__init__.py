"""ulm_knowledge: the knowledge base inside the ticket (not built yet, see README)."""
