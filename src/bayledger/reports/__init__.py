"""Reports built off chain from ledger records: PDF rendering (``pdf.py``) and carbon retirement
certificates (``carbon_certificate.py``). Nothing in ``core`` imports this package."""
