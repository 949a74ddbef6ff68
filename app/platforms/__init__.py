"""Social-media platforms the coalition holds to account."""
