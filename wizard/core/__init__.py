"""The engine: pure Python, no Qt. The CLI, the GUI and the tests all call into it."""
