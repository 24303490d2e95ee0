"""Demo contexts for every email kind: what `portal email preview KIND` renders, and what the
browser test renders each template with. Shaped as the database queues them (the invoice and
quote kinds as the worker completes them with email_document)."""

BUSINESS = {"name": "Northwind Gardens", "brand_primary": "#1f4b99", "brand_accent": "#f2a900",
            "contact_email": "hello@northwind.example", "contact_phone": "+1 555 0100",
            "address_line1": "12 Harbour Street", "city": "Portland", "postal_code": "97201",
            "country": "United States", "time_zone": "America/New_York"}

_CLIENT = {"client_name": "Ada Lovelace", "client_email": "ada@example.com"}
_PAYMENT = {**_CLIENT, "payment_id": "a1b2", "amount": 45000, "currency": "USD",
            "receipt_number": "R-000042", "payment_intent": "pi_3Demo", "card_brand": "visa",
            "card_last4": "4242", "paid_at": "2026-11-20T15:04:00+00:00", "flag": None,
            "invoice_id": "00000000-0000-4000-8000-000000000001", "invoice_number": "INV-1042",
            "invoice_currency": "USD", "invoice_total": 90000, "amount_due": 45000,
            "business_name": BUSINESS["name"], "contact_email": BUSINESS["contact_email"],
            "contact_phone": BUSINESS["contact_phone"]}
_DOCUMENT_CLIENT = {"id": "c1", "name": "Ada Lovelace", "email": "ada@example.com"}
_INVOICE = {"id": "00000000-0000-4000-8000-000000000001", "number": "INV-1042", "currency": "USD",
            "total": 90000, "amount_due": 90000, "due_date": "2026-12-20", "items": []}
_QUOTE = {"id": "00000000-0000-4000-8000-000000000002", "number": "Q-2031", "currency": "USD",
          "total": 240000, "valid_until": "2026-12-31", "items": []}
_DECISION = {**_CLIENT, "quote_id": _QUOTE["id"], "quote_number": "Q-2031", "decision": "rejected",
             "decided_by": "Ada Lovelace", "decided_by_email": "ada@example.com",
             "decided_at": "2026-11-21T10:30:00+00:00", "reason": "We chose a smaller design.",
             "total": 240000, "currency": "USD", "time_zone": "America/New_York"}
_BOOKING = {**_CLIENT, "booking_id": "b1", "title": "Garden consultation", "duration": "45 minutes",
            "starts_at": "2026-12-02T15:00:00+00:00", "ends_at": "2026-12-02T15:45:00+00:00",
            "time_zone": "America/New_York", "location": "12 Harbour Street, Portland",
            "meeting_url": "https://meet.example.com/northwind", "note": "Bring the site plan",
            "cancellable_until": "2026-12-01T15:00:00+00:00"}

CONTEXTS = {
    "sign_in": {"link": "http://127.0.0.1:5000/auth/confirm?token_hash=demo&type=email",
                "code": "123456"},
    "invoice_sent": {"document_kind": "invoice", "document": _INVOICE, "client": _DOCUMENT_CLIENT},
    "quote_sent": {"document_kind": "quote", "document": _QUOTE, "client": _DOCUMENT_CLIENT},
    "payment_receipt": _PAYMENT,
    "payment_under_review": {**_PAYMENT, "flag": "amount_mismatch"},
    "payment_flagged": {**_PAYMENT, "flag": "amount_mismatch"},
    "business_payment_received": _PAYMENT,
    "quote_decided": _DECISION,
    "business_quote_decided": _DECISION,
    "invoice_reminder": {"invoice_id": _INVOICE["id"], "invoice_number": "INV-1042", "currency": "USD",
                         "total": 90000, "amount_due": 45000, "due_date": "2026-12-20",
                         "offset_days": 7, "client_name": "Ada Lovelace"},
    "booking_reminder": _BOOKING,
    "booking_confirmation": _BOOKING,
    "booking_cancellation": _BOOKING,
    "business_booking_confirmation": _BOOKING,
    "business_booking_cancellation": _BOOKING,
    "refund": {**_PAYMENT, "refund_amount": 15000, "amount_refunded": 15000, "amount_due": 15000},
    "business_refund": {**_PAYMENT, "refund_amount": 15000, "amount_refunded": 15000, "amount_due": 15000},
    "business_contact_changed": {**_CLIENT, "changes": {"phone": ["+1 555 0101", "+1 555 0199"],
                                                        "city": ["Salem", None]}},
    "business_delivery_failed": {"outbox_id": 7, "kind": "invoice_sent", "to_email": "ada@example.com",
                                 "reason": "550 5.1.1 The email account does not exist",
                                 "attempts": 1, "bounced": True},
}
