"""Accounts: sign-in (budgets, device cookies, lockout), sessions, roles, the
password policy and its list of common passwords, invitations (the only way
in), account deletion, which coworkers have accounts, and the CLI command
that bootstraps a union's first organizer."""
