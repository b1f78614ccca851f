"""The police and province dashboard: what needs action now, and whether the
self-management models are working (see docs/dashboard.md)."""
