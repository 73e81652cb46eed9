"""Files in and out: YAML tables, accounts, readings, URDB records, atomic writes, rendering."""
