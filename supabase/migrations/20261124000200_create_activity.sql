/**
 * Account activity: the client's history, written by triggers on the tables where things
 * happen, never by the client directly.
 */

-- Types ---------------------------------------------------------------------------------------

create type public.activity_kind as enum (
  'invoice_sent',
  'invoice_viewed',
  'payment_received',
  'payment_refunded',
  'payment_flagged',
  'quote_sent',
  'quote_viewed',
  'quote_accepted',
  'quote_rejected',
  'contact_updated',
  'booking_made',
  'booking_cancelled'
);

-- Tables --------------------------------------------------------------------------------------

create table public.activity (
  id bigint generated always as identity primary key,
  client_id uuid not null references public.clients (id) on delete cascade,
  kind public.activity_kind not null,
  -- What the entry is about, e.g. ('invoice', <invoice id>), for linking from the page.
  subject_type text check (subject_type in ('invoice', 'quote', 'payment', 'booking', 'client')),
  subject_id uuid,
  summary text not null,
  details jsonb not null default '{}',
  -- Who did it: the client, an administrator, or Stripe.
  actor text not null default 'system' check (actor in ('client', 'admin', 'stripe', 'system')),
  at timestamptz not null default now()
);

create index activity_client_at_idx on public.activity (client_id, at desc, id desc);

-- Private helpers -----------------------------------------------------------------------------

/**
 * Appends one activity entry. Called from trigger functions (security definer), so clients
 * never need insert rights on activity.
 */
create or replace function private.record_activity(
  p_client_id uuid,
  p_kind public.activity_kind,
  p_subject_type text,
  p_subject_id uuid,
  p_summary text,
  p_details jsonb default '{}'
) returns void
language sql
security definer
set search_path = ''
as $$
  insert into public.activity (client_id, kind, subject_type, subject_id, summary, details, actor)
  values (
    p_client_id, p_kind, p_subject_type, p_subject_id, p_summary, coalesce(p_details, '{}'),
    case coalesce(auth.role(), '')
      when 'authenticated' then 'client'
      when 'service_role' then 'system'
      else 'admin'
    end
  )
$$;
revoke all on function private.record_activity(uuid, public.activity_kind, text, uuid, text, jsonb)
  from public, anon, authenticated;

-- Triggers ------------------------------------------------------------------------------------

/** Contact details changed (by the client or an administrator): the history says which. */
create or replace function private.record_contact_updated() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  changed text[] := array(
    select f.key
      from jsonb_each(to_jsonb(new)) f
     where f.key in ('phone', 'address_line1', 'address_line2', 'city', 'region', 'postal_code', 'country')
       and f.value is distinct from to_jsonb(old) -> f.key);
begin
  if cardinality(changed) > 0 then
    perform private.record_activity(new.id, 'contact_updated', 'client', new.id,
      'Contact details were updated', jsonb_build_object('fields', to_jsonb(changed)));
  end if;
  return null;
end
$$;

create trigger record_contact_updated after update on public.clients
  for each row execute function private.record_contact_updated();
