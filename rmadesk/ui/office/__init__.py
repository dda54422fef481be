"""The office windows: audit trail, reimbursement reconciliation, seller RMAs and report imports."""
