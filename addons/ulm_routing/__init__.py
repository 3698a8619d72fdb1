"""ulm_routing: rules, handoff to 2nd level, SLA clocks (not built yet, see README)."""
