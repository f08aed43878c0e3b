"""Tests of the KPI package."""
