"""The scheduler: pure planning over task states, and the loop that applies it."""
