//===- HostOps.h - ONNX ops the runtime runs on the host ------------------===//
//
// A binary's host_ops run after its last dispatch, on the values the chip
// returned (host_values, outputs) and the model's inputs: ops whose output's
// shape depends on the data, or that the chip has no arithmetic for. They
// follow ONNX's semantics; values are the host tensors' f32, as everywhere
// in the runtime.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_LIB_HOSTOPS_H
#define TESSEL_RUNTIME_LIB_HOSTOPS_H

#include "tessel/runtime/Simulator.h"

#include <string>
#include <vector>

namespace tessel::rt {

/// Whether the runtime can run the ONNX op type `op` on the host.
bool isHostOp(const std::string &op);

/// Runs `op` on `inputs` (by position; null for an omitted optional input) and fills one output
/// per name in op.outputs(). On failure returns false with `error`.
bool runHostOp(const ttb::HostOp &op, const std::vector<const HostTensor *> &inputs,
               std::vector<HostTensor> &outputs, std::string &error);

} // namespace tessel::rt

#endif
