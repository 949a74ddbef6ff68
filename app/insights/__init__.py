"""Insights: how platforms respond to reported incidents, by language, country and category."""
