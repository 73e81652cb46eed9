"""Runs of many accounts: one runner (local processes or Dask) and the batch."""
