"""Every write to the statutory record. Each action runs in one transaction and writes its audit
row and chronology line inside it."""
