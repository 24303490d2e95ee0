"""Claims as the verified JWTs carry them, for tests that act as PostgREST does.

The database accepts a client only with a session made by the portal's magic-link flow (see
functions/private.current_client_id.sql): an `amr` showing an email OTP and a live session.
These helpers open that session the way each mode has it, and shape the GoTrue sessions that
must get nothing."""

import time
import uuid

import psycopg

PORTAL_SESSION = """
insert into private.sessions (client_id, contact_id, expires_at)
select k.client_id, k.id, now() + interval '1 hour' from public.contacts k where lower(k.email) = lower(%s)
returning id::text
"""


def gotrue_claims(email: str, method: str, session_id: str, sub: str | None = None,
                  is_anonymous: bool = False) -> dict:
    """An access token's claims in GoTrue's shape, signed in with `method` (its amr)."""
    now = int(time.time())
    return {"aud": "authenticated", "exp": now + 3600, "iat": now, "sub": sub or str(uuid.uuid4()),
            "email": email, "phone": "", "role": "authenticated", "aal": "aal1",
            "app_metadata": {"provider": "email", "providers": ["email"]}, "user_metadata": {},
            "amr": [{"method": method, "timestamp": now}], "session_id": session_id,
            "is_anonymous": is_anonymous}


def portal_claims(conn, email: str) -> dict:
    """Claims of a client signed in through the portal (Postgres mode), with a live session in
    private.sessions; an unknown address gets a session id nobody has. `conn` connects as the
    owner; the session is written in its current transaction."""
    row = conn.execute(PORTAL_SESSION, (email,)).fetchone()
    return gotrue_claims(email, "otp", row[0] if row else str(uuid.uuid4()))


def supabase_session_claims(conn, email: str, method: str = "otp", is_anonymous: bool = False) -> dict:
    """Claims of a GoTrue session (Supabase mode) for this email, live in auth.sessions: made
    by a magic link (`otp`), a password sign-up (`password`) or an anonymous sign-in."""
    user_id, session_id = str(uuid.uuid4()), str(uuid.uuid4())
    conn.execute("insert into auth.users (id, aud, role, email, is_anonymous)"
                 " values (%s, 'authenticated', 'authenticated', %s, %s)", (user_id, email, is_anonymous))
    conn.execute("insert into auth.sessions (id, user_id, created_at) values (%s, %s, now())",
                 (session_id, user_id))
    return gotrue_claims(email, method, session_id, sub=user_id, is_anonymous=is_anonymous)


def signed_in(database_url: str, email: str) -> dict:
    """portal_claims with the session committed, for calls made on other connections."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        return portal_claims(conn, email)
