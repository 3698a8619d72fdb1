"""ulm_channels: intake and outbound per channel (not built yet, see README)."""
