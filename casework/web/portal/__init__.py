"""The candidates' portal (issue 11): their competitions, decisions, cases and filings."""
