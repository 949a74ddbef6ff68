"""Demand letters: drafted together, translated, co-signed by organizations, published with their signatories."""
