"""teikan: caseload and compliance for 就労定着支援事業所."""

__version__ = "0.1.0"
