"""ulm_routing: where a ticket goes and how fast: calendars, SLAs, rules, tracked handoffs."""
