"""Outbound webhooks (Standard Webhooks), delivered at least once from a transactional outbox.

The write side is one row: every case event (``app.cases.service.records.append_event``) and
every report of a delegated decision to its organ adds an ``OutboxMessage`` in the transaction
that makes the change (``outbox``), so a change is never announced without being committed, nor
committed without being announced. Everything else happens after the commit, in a dispatcher
(``dispatcher``): it fans each message out to a delivery per matching subscription (``fanout``),
claims due deliveries (``deliveries``), posts them signed (``sender``, ``signing``) and records
each attempt, retrying with backoff (``retry``) until delivered or dead.
"""
