"""Public pages that belong to no single feature: the landing page."""
