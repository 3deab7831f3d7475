"""Tessel's Python helpers: ONNX model builders and numpy references for tests and benchmarks."""
