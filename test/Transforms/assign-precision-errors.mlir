// RUN: tt-opt %s -verify-diagnostics --tt-assign-precision

// Without tt-assign-layouts there is no precision to start from.
// expected-error @below {{module has no grid.precision; run tt-assign-layouts first}}
module {
}
