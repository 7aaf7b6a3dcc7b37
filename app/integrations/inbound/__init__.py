"""Cases coming in from diarium systems: the upsert by the diarium's own reference, the mapping
of those references to cases, and bulk imports of NDJSON or CSV with a result per row."""
