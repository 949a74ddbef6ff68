"""Keeping an instance safe over time: backups and restore drills, retention of expired material, storage quotas."""
