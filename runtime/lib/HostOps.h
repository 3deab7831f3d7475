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

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace tessel::rt {

/// Whether the runtime can run the ONNX op type `op` on the host.
bool isHostOp(const std::string &op);

/// How errors name a host op: "host op 'NAME' (TYPE): ".
std::string hostOpLabel(const ttb::HostOp &op);

/// Runs `op` on `inputs` (by position; null for an omitted optional input) and fills one output
/// per name in op.outputs(). On failure returns false with `error`.
bool runHostOp(const ttb::HostOp &op, const std::vector<const HostTensor *> &inputs,
               std::vector<HostTensor> &outputs, std::string &error);

/// The values in scope where host ops run, by name.
using HostScope = std::map<std::string, const HostTensor *>;

/// Runs `ops` in order on the values of `values`, adding each op's outputs to it (`computed` owns
/// them); a Loop runs its body (HostLoop.cpp) in a scope of its own per iteration. `ran`, if set,
/// is told each op's host time. On failure returns false with `error`.
bool runHostOpList(const flatbuffers::Vector<flatbuffers::Offset<ttb::HostOp>> &ops,
                   HostScope &values, std::deque<HostTensor> &computed,
                   const std::atomic<bool> *cancel, std::string &error,
                   const std::function<void(const ttb::HostOp &, double us)> &ran);

} // namespace tessel::rt

#endif
