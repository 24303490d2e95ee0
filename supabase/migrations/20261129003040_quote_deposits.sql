/**
 * Deposits (issue 14): when accepting a quote creates its invoice (sent), the client can pay a
 * deposit of this percentage of it through Checkout right away, even where partial payments are
 * otherwise off (plan_payment).
 *
 * Sections: tables.
 */

-- Tables --------------------------------------------------------------------------------------

alter table public.settings
  add column quote_deposit_percent numeric(5, 2) not null default 0
    check (quote_deposit_percent between 0 and 100);
comment on column public.settings.quote_deposit_percent is
  'Deposit asked right after a quote is accepted (0: none), as a percentage of its invoice.';
