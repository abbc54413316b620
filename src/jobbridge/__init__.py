"""JobBridge: public employment service and labor-cooperation platform."""
