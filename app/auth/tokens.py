"""Sign-in secrets: the link token, the 6-digit code, and the hashes the database keeps."""

import hashlib
import hmac
import secrets


def new_link_token() -> str:
    """256 random bits, URL-safe: the secret in the emailed link."""
    return secrets.token_urlsafe(32)


def hash_link_token(token: str) -> str:
    """Only this SHA-256 is stored, so a database leak reveals no usable link."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def hash_code(secret_key: str, email: str, code: str) -> str:
    """A keyed hash: a million codes are easy to try offline, not without the app's secret."""
    message = f"{email.strip().lower()}:{code.strip()}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()
