"""Optional integrations: flat rows, pandas DataFrames, Jupyter display."""

__all__: list[str] = []
