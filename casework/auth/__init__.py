"""Users, roles and who may act on what (People and bodies; RULES R1)."""
