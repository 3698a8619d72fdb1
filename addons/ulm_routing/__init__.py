"""ulm_routing: business calendars, SLA clocks, routing rules with dry run and what-if."""
