"""``flopcast serve``: a local playground in the browser (the scenario's YAML beside its
results, sliders for its inputs, recomputed on every change)."""
