"""Printed pages: one HTML layer and the documents an office hands over (pure: no I/O, no environment).

- `html`: escaping (once), the element builder, the A4 document and its print CSS;
- `words`: every word of the documents in both languages, dates as the documents write them;
- `inputs`: the frozen values a command builds from the store;
- `support_report`: the 支援レポート (client and employer copies);
- `service_record`: the サービス提供実績記録票 (rows for table/CSV/JSON, and one A4 page per client-month).

Nothing is imported here: the CLI pays for a module only when it prints a document.
"""
