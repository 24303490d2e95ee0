/**
 * The signed-in client's visible invoices or quotes per date-independent state, as the
 * triggers of private.client_document_counts keep them: a few rows, whatever the history.
 * Security definer: the counters table is private; it reads only the caller's own rows.
 */
create or replace function private.my_document_counts(p_document text) returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  -- PL/pgSQL, not SQL: its plan is kept for the session instead of made on every call.
  return (select coalesce(jsonb_object_agg(c.bucket, c.n), '{}'::jsonb)
            from private.client_document_counts c
           where c.client_id = private.current_client_id() and c.document = p_document and c.n > 0);
end
$$;

revoke all on function private.my_document_counts(text) from public, anon, authenticated, service_role;
grant execute on function private.my_document_counts(text) to authenticated;
