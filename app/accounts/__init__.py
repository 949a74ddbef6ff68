"""People, sign-in, two-factor authentication, invitations, sessions and API tokens."""
