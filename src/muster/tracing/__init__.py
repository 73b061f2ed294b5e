"""Family tracing: finding the abducted among the registered (matching for now; no Django yet)."""
