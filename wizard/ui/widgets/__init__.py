"""Small reusable widgets: banners, the busy bar, the chain view, copyable text, file drops."""
