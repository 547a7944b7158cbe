"""Pure formula functions over pint Quantities whose magnitudes may be sample arrays.

Each function converts its arguments to fixed units at the boundary (so a dimension error
names both sides), computes on plain NumPy arrays, and returns a Quantity. Docstrings give
units and sources.
"""
