"""Collectives, topologies, multi-site synchronization schemes and roofline helpers."""
