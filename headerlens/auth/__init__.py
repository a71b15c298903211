"""headerlens.auth."""
