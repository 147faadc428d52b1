"""Case and correspondence models (RULES P1–P6, R1, R2, D6)."""
