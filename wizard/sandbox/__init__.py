"""The local stand-in for a Cloud Integration tenant: load balancer, tenant tables, demo CA."""

from wizard.sandbox.sandbox import RunningSandbox, Sandbox

__all__ = ["RunningSandbox", "Sandbox"]
