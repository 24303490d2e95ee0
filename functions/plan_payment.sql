/**
 * How a payment the signed-in client asks for would be split, checked before any Checkout is
 * opened: one to ten of its unpaid invoices in one currency, and either the whole amount due or,
 * when the business allows partial payments, another amount at or above its minimum. Split
 * oldest first (by due date) unless the client gives each invoice's amount (p_amounts, in the
 * order of p_invoice_ids). Security invoker: RLS decides which invoices are the client's; one
 * that is not (or is paid, void, a draft) is refused by number or as not found. A person whose
 * role may not pay (viewer, approver) is refused (42501). Changes nothing.
 */
create or replace function public.plan_payment(
  p_invoice_ids uuid[],
  p_amount bigint default null,
  p_amounts bigint[] default null
) returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  rules public.settings;
  chosen jsonb;
  total_due bigint;
  total bigint;
  currencies int;
  remaining bigint;
  share jsonb;
  shares jsonb := '[]';
begin
  if private.current_client_id() is null then
    raise exception 'No client profile for this sign-in.' using errcode = 'P0002';
  end if;
  -- Only a role that may pay plans a payment: every pay path (/pay, deposits, combined and
  -- partial payments) opens its Checkout from this plan.
  perform private.require_role_for('pay');
  if coalesce(cardinality(p_invoice_ids), 0) not between 1 and 10
     or cardinality(p_invoice_ids) <> (select count(distinct x) from unnest(p_invoice_ids) x) then
    raise exception 'Choose between one and ten different invoices to pay.' using errcode = '22023';
  end if;
  if p_amounts is not null and cardinality(p_amounts) <> cardinality(p_invoice_ids) then
    raise exception 'Give an amount for each invoice chosen.' using errcode = '22023';
  end if;
  select s.partial_payments, s.partial_payment_minimum
    into rules.partial_payments, rules.partial_payment_minimum from public.settings s;

  -- The invoices, oldest first, with the amount asked of each when the client chose them.
  select jsonb_agg(jsonb_build_object(
           'invoice_id', i.id, 'number', i.number, 'currency', i.currency, 'amount_due', i.amount_due,
           'payable', i.status = 'sent' and i.amount_due > 0, 'asked', p_amounts[t.position])
           order by i.due_date, i.issue_date, i.number),
         count(distinct i.currency), sum(i.amount_due)
    into chosen, currencies, total_due
    from unnest(p_invoice_ids) with ordinality as t(id, position)
    join public.invoices i on i.id = t.id;  -- RLS filters
  if coalesce(jsonb_array_length(chosen), 0) <> cardinality(p_invoice_ids) then
    raise exception 'Invoice not found.' using errcode = 'P0002';
  end if;
  select e into share from jsonb_array_elements(chosen) e where not (e ->> 'payable')::boolean limit 1;
  if share is not null then
    raise exception 'Invoice % has nothing to pay.', share ->> 'number' using errcode = '22023';
  end if;
  if currencies > 1 then
    raise exception 'Invoices in different currencies are paid separately.' using errcode = '22023';
  end if;

  if p_amounts is not null then
    select e into share from jsonb_array_elements(chosen) e
     where (e ->> 'asked')::bigint not between 1 and (e ->> 'amount_due')::bigint limit 1;
    if share is not null then
      raise exception 'For invoice %, pay an amount between 0.01 and what it owes.', share ->> 'number'
        using errcode = '22023';
    end if;
    total := (select sum(x) from unnest(p_amounts) x);
  else
    total := coalesce(p_amount, total_due);
  end if;
  if total > total_due then
    raise exception 'That is more than is due on the invoices chosen.' using errcode = '22023',
      detail = jsonb_build_object('amount_due', total_due)::text;
  end if;
  -- A deposit on an invoice just created from an accepted quote is welcome whatever the rules.
  if cardinality(p_invoice_ids) = 1 and total = private.deposit_due(p_invoice_ids[1]) then
    return jsonb_build_object('currency', chosen -> 0 ->> 'currency', 'amount', total, 'amount_due', total_due,
                              'shares', jsonb_build_array(jsonb_build_object(
                                'invoice_id', chosen -> 0 -> 'invoice_id', 'number', chosen -> 0 -> 'number',
                                'amount_due', total_due, 'amount', total)));
  end if;
  if total < total_due and not rules.partial_payments then
    raise exception 'Please pay the whole amount due: partial payments are not accepted.' using errcode = '22023';
  end if;
  if total < total_due and total < greatest(rules.partial_payment_minimum, 1) then
    raise exception 'Pay at least the minimum of a partial payment, or the whole amount due.' using errcode = '22023',
      detail = jsonb_build_object('minimum', greatest(rules.partial_payment_minimum, 1))::text;
  end if;

  remaining := total;
  for share in select e from jsonb_array_elements(chosen) e loop
    share := share || jsonb_build_object('amount', coalesce((share ->> 'asked')::bigint,
                                                            least(remaining, (share ->> 'amount_due')::bigint)));
    remaining := remaining - (share ->> 'amount')::bigint;
    if (share ->> 'amount')::bigint > 0 then
      shares := shares || jsonb_build_array(share - 'asked' - 'payable' - 'currency');
    end if;
  end loop;
  return jsonb_build_object('currency', chosen -> 0 ->> 'currency', 'amount', total,
                            'amount_due', total_due, 'shares', shares);
end
$$;

revoke all on function public.plan_payment(uuid[], bigint, bigint[]) from public, anon, authenticated, service_role;
grant execute on function public.plan_payment(uuid[], bigint, bigint[]) to authenticated;
