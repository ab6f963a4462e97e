"""Family hubs' writes, one module per part (sites, sessions, bookings, registration, attendance,
directory, referrals). A package, so that the import contracts see its modules."""
