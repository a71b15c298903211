"""headerlens.render."""
