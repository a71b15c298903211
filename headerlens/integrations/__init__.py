"""Optional integrations: flat rows, pandas DataFrames, Jupyter display."""
