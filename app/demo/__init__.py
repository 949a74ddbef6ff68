"""Demo data for trying Coalition locally (never loaded in production)."""
