"""ulm_channels: how requests reach the service center (web forms, phone, e-mail) and how its
mail reaches citizens (the outbox)."""
