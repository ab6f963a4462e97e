"""Reading another system's statutory returns into the record (`onestory import_return`).

Each kind has its own module with `run(paths, *, acting_user, now, progress, ...) ->
ImportReport` (see common.py for what every import shares: the report, safe XML reading,
finding or creating a child, the audit rows and the progress bar).
"""
