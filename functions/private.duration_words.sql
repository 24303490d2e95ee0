/** A number of minutes as people say it in messages and emails: "2 hours", "1 day", "45 minutes". */
create or replace function private.duration_words(p_minutes integer) returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when p_minutes > 0 and p_minutes % 1440 = 0
      then format('%s day%s', p_minutes / 1440, case when p_minutes = 1440 then '' else 's' end)
    when p_minutes > 0 and p_minutes % 60 = 0
      then format('%s hour%s', p_minutes / 60, case when p_minutes = 60 then '' else 's' end)
    else format('%s minute%s', p_minutes, case when p_minutes = 1 then '' else 's' end)
  end
$$;

revoke all on function private.duration_words(integer) from public, anon, authenticated, service_role;
