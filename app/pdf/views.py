"""PDF downloads (built in the PDF issue)."""
