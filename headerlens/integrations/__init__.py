"""headerlens.integrations."""
