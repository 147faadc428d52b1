"""The agenda: what must happen when, below the workflows that fill it and the scheduler that
works through it — due rows (``models``), their planning from stored deadlines (``planning``),
and the holiday calendars administrators keep (``calendars``), which every stored deadline reads."""
