"""Helpers shared by qloom's tests."""
