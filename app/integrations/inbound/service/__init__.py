"""Services of inbound integration: the upsert, import jobs and the import runner."""
