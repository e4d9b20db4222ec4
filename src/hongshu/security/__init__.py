"""Two-factor authentication (TOTP, recovery codes, passkeys) and the member's sessions."""
