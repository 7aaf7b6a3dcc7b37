"""Cases (ärenden): registration, the consequence assessment's revisions, transitions through the
workflow, and the append-only event history of each case."""
