"""Helpers of tests/test_faults.py: the deployed stack started for real, and readers' load."""
