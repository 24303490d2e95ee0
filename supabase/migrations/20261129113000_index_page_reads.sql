/**
 * Issue 12: two page reads that grew with a client's history become index reads.
 *
 * The dashboard sums, per currency, what is due on the client's sent invoices (and the part past
 * its due date). invoices_client_due_idx finds those invoices, but each then costs a heap visit:
 * a client with a long history paid hundreds of page reads on every dashboard.
 * invoices_client_outstanding_idx holds the same invoices (something due, sent, not archived:
 * what the client's policy lets through) with the columns the sum needs, in currency order, so
 * the planner answers from the index alone.
 */

create index invoices_client_outstanding_idx
  on public.invoices (client_id, currency) include (amount_due, due_date)
  where amount_due > 0 and status = 'sent' and not archived;

-- Opening a document records its first view (private.record_first_view), after asking whether
-- there is one already: without this index the question reads the client's whole history.
create index activity_first_views_idx
  on public.activity (client_id, subject_id)
  where kind in ('invoice_viewed', 'quote_viewed');

-- The feed's rule is now written into portal_activity and portal_dashboard (a call per entry
-- cost more than the rest of the page); its function is gone from functions/. `portal db
-- migrate` drops such an orphan itself; the Supabase CLI's generated migration only creates.
drop function if exists private.shown_in_client_feed(public.activity);
