"""Health in Supabase mode: the two services the portal calls, never a local database.

GoTrue answers GET /auth/v1/health; PostgREST answers GET /rest/v1/ (its schema description)
only when it reaches the database, so a 200 there means the data path works."""

import httpx

from app.health.report import healthy, problem

TIMEOUT_SECONDS = 1.0


def check(config):
    url = config["SUPABASE_URL"].rstrip("/")
    probes = {"Supabase Auth": (f"{url}/auth/v1/health", config["SUPABASE_ANON_KEY"]),
              "Supabase's REST API": (f"{url}/rest/v1/", config["SUPABASE_SERVICE_ROLE_KEY"])}
    for service, (probe_url, key) in probes.items():
        try:
            answer = httpx.get(probe_url, timeout=TIMEOUT_SECONDS,
                               headers={"apikey": key, "Authorization": f"Bearer {key}"})
        except httpx.TimeoutException:
            return problem("slow", f"{service} did not answer within {TIMEOUT_SECONDS:g} s.")
        except httpx.HTTPError as error:
            return problem("unavailable", f"{service} could not be reached ({type(error).__name__}).")
        if answer.status_code != 200:
            return problem("unavailable", f"{service} answered {answer.status_code}.")
    return healthy()
