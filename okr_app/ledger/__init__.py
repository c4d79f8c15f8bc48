"""One ledger: the imported deals read by `comp_engine.revenue`, for the OKRs' metric key results,
the growth review and the back-test. No blueprint here: the OKR services import it."""
