"""Who is signed in and what they may do: accounts, passwords, 2FA, tokens, OIDC, permissions, IP rules."""
