"""Cadence's printed documents (reportlab): payout statements and the finance summary.

- `statement_model`: a rep's statement as the JSON-safe dict that is stored and rendered;
- `statement_view`: that dict laid out in sections, shared by the PDF and the web page;
- `statement` / `summary`: the PDFs; `styles` and `figures`: their look and number format;
- `folder`: writing a run's PDFs into a folder, all or nothing.
"""
