"""Documented harm incidents: the record, reports to the platform, evidence, review, search and export."""
