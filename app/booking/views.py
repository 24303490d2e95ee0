"""Booking pages (built in the booking issue)."""
