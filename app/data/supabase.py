"""The Supabase adapter: PostgREST RPC with the client's access token or the service-role key,
sending exactly what `supabase` 2.x's `create_client(...).rpc(...)` sends."""

from typing import Any

import httpx
from postgrest import APIError, SyncPostgrestClient
from supabase.lib.client_options import DEFAULT_HEADERS

from app.data.base import ClientIdentity, Unavailable, check_call, error_for


class SupabaseData:
    def __init__(self, url: str, anon_key: str, service_role_key: str, timeout: float = 10.0):
        self.rest_url = f"{url.rstrip('/')}/rest/v1"
        self.anon_key, self.service_role_key, self.timeout = anon_key, service_role_key, timeout

    def call_as_client(self, identity: ClientIdentity, function: str, /, **args) -> Any:
        return self._rpc(self.anon_key, identity.access_token, function, args)

    def call_as_service(self, function: str, /, **args) -> Any:
        return self._rpc(self.service_role_key, self.service_role_key, function, args)

    def call_as_service_then_client(self, service_call: tuple[str, dict], identity: ClientIdentity,
                                    calls: list[tuple[str, dict]]) -> tuple[Any, list]:
        """PostgREST has no transaction across requests: the write, then each read."""
        function, args = service_call
        written = self.call_as_service(function, **args)
        return written, [self.call_as_client(identity, name, **arguments) for name, arguments in calls]

    def _rpc(self, api_key: str, bearer: str, function: str, args: dict) -> Any:
        check_call(function, args)
        # supabase-py's headers: its X-Client-Info, the key as `apiKey`, the bearer token;
        # postgrest adds Accept-Profile/Content-Profile: public.
        headers = {**DEFAULT_HEADERS, "apiKey": api_key, "Authorization": f"Bearer {bearer}"}
        try:
            # A fresh client per call, closed after it: clients carry their headers, so one
            # caller's token can never ride on another's request. Our own httpx client only
            # to set the timeout (postgrest's `timeout=` is deprecated, default 120 s).
            with (httpx.Client(timeout=self.timeout, follow_redirects=True, http2=True) as http,
                  SyncPostgrestClient(self.rest_url, headers=headers, http_client=http) as api):
                return api.rpc(function, args).execute().data
        except APIError as error:
            raise error_for(error.code, error.message or "The request failed.",
                            error.details) from error
        except httpx.HTTPError as error:
            raise Unavailable("Supabase is unavailable.", "unavailable") from error
