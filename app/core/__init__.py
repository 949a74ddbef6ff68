"""What every feature shares: database base, i18n, errors, security headers, health."""
