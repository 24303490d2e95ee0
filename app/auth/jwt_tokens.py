"""The access tokens of Postgres mode: JWTs with the claims Supabase Auth puts in its own."""

import time
import uuid
from functools import lru_cache

import jwt

AUDIENCE = "authenticated"
ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["sub", "email", "role", "aud", "exp", "iat", "session_id", "amr"]
# How the session's holder proved who they are, in GoTrue's shape: an email one-time password
# (the link's token or its 6-digit code). The database accepts a session only with this claim
# (private.current_client_id), so a GoTrue password or anonymous session is nobody.
EMAIL_OTP = "otp"


def issue_access_token(secret: str, *, client_id: str, email: str, session_id: str,
                       lifetime_seconds: int) -> str:
    issued = int(time.time())
    claims = {
        "sub": str(uuid.UUID(client_id)),
        "email": email,
        "role": "authenticated",
        "aud": AUDIENCE,
        "iat": issued,
        "exp": issued + lifetime_seconds,
        "session_id": session_id,
        "amr": [{"method": EMAIL_OTP, "timestamp": issued}],
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_access_token(secret: str, token: str) -> dict:
    """The verified claims, or jwt.InvalidTokenError: a wrong key, `alg: none`, an expired
    token, another audience or a missing claim are all refused (the accepted algorithm is
    fixed here, never read from the token)."""
    claims = _verified(secret, token)
    # A remembered verification still ends with the token.
    if claims["exp"] <= time.time():
        raise jwt.ExpiredSignatureError("Signature has expired")
    return dict(claims)


# Every page verifies its cookie's token; a token verified once is remembered (only successes
# are: a refusal raises, and lru_cache keeps no exception), so the next page skips PyJWT's parse.
@lru_cache(maxsize=4096)
def _verified(secret: str, token: str) -> dict:
    claims = jwt.decode(token, secret, algorithms=[ALGORITHM], audience=AUDIENCE,
                        options={"require": REQUIRED_CLAIMS})
    if claims["role"] != "authenticated":
        raise jwt.InvalidTokenError("not a signed-in client's token")
    return claims
