"""The scheduler: due rows in our own tables (what must happen when), and the separate process
that acts on them exactly once (``casework scheduler``). APScheduler only says *when to look*."""
