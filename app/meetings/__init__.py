"""Meetings across time zones: requests, polls, fair scheduling, calendar invitations, minutes and follow-up."""
