/** Rejects paging arguments a page could never ask for, with a message that says why. */
create or replace function private.check_page(p_page integer, p_page_size integer) returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_page is null or p_page < 1 then
    raise exception 'Page must be 1 or more.' using errcode = '22023';
  end if;
  if p_page_size is null or p_page_size not between 1 and 100 then
    raise exception 'Page size must be between 1 and 100.' using errcode = '22023';
  end if;
end
$$;

revoke all on function private.check_page(integer, integer) from public, anon, authenticated, service_role;
grant execute on function private.check_page(integer, integer) to authenticated, service_role;
