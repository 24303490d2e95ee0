"""The Supabase adapter: PostgREST RPC through `supabase`, with the client's access token or
the service-role key.

A fresh `supabase` client per call (they mutate their headers on sign-in, so one is never
shared across requests); only the HTTP connection pool is shared.
"""

from typing import Any

import httpx
from postgrest import APIError

from app.data.base import ClientIdentity, Unavailable, check_function_name, error_for
from supabase import ClientOptions, create_client


class SupabaseData:
    def __init__(self, url: str, anon_key: str, service_role_key: str, timeout: float = 10.0):
        self.url, self.anon_key, self.service_role_key = url, anon_key, service_role_key
        self.http = httpx.Client(timeout=timeout)

    def call_as_client(self, identity: ClientIdentity, function: str, **args) -> Any:
        return self._rpc(self.anon_key, identity.access_token, function, args)

    def call_as_service(self, function: str, **args) -> Any:
        return self._rpc(self.service_role_key, self.service_role_key, function, args)

    def _rpc(self, api_key: str, bearer: str, function: str, args: dict) -> Any:
        options = ClientOptions(headers={"Authorization": f"Bearer {bearer}"},
                                    httpx_client=self.http, auto_refresh_token=False,
                                    persist_session=False)
        client = create_client(self.url, api_key, options=options)
        try:
            return client.rpc(check_function_name(function), args).execute().data
        except APIError as error:
            raise error_for(error.code, error.message or "The request failed.", error.details) from error
        except httpx.HTTPError as error:
            raise Unavailable("Supabase is unavailable.", "unavailable") from error
