"""cpi-cert-wizard: client-certificate onboarding of sender systems to SAP Cloud Integration."""

__version__ = "0.1.0"
