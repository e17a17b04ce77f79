"""The build layer: what is stale (stamps), rendering in worker processes, the read-back
answer check, and atomic writes."""
