"""Reports built off chain from ledger records (edge code: nothing in ``core`` imports this package):
investor reports of bonds (``bond_reports.py``, ``model.py``), PDF rendering (``pdf.py``) and carbon
retirement certificates (``carbon_certificate.py``)."""
