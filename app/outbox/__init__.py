"""Outbox email: written in the same transaction as the change that causes it, delivered later."""
