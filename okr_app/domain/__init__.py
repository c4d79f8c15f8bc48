"""Pure OKR rules: no Flask, no database. Views, API and CLI reach them through services."""
