"""Coalition administration: applications, organizations, people, platforms and the audit trail."""
