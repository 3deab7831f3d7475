//===- HostLoop.cpp - Lists of host ops, and the ops with bodies -----------===//
//
// Host ops run as lists (runHostOpList), the binary's and the bodies' (schema
// 8): a Loop whose trip count or condition is known only at run time runs its
// body once per iteration, a SequenceMap once per element, an If inside a body
// one of its two branches; each body runs in a scope that adds its inputs to
// the values around the op.
//
//===----------------------------------------------------------------------===//
#include "HostOpContext.h"

#include <limits>

namespace tessel::rt {

namespace {

/// More iterations than this end the run with an error: a Loop whose trip count and condition
/// never stop it must not hang the runtime.
constexpr int64_t kMaxLoopIterations = int64_t(1) << 24;

/// The scan outputs of a Loop: each iteration's value, stacked along a new first axis.
bool stack(const std::vector<HostTensor> &steps, HostTensor &out, std::string &error) {
  out.shape = {int64_t(steps.size())};
  if (steps.empty())
    return true;
  for (const HostTensor &s : steps)
    if (s.isSequence || s.isOptional || s.shape != steps.front().shape) {
      error = "a scan output's iterations must be tensors of one shape";
      return false;
    }
  out.shape.insert(out.shape.end(), steps.front().shape.begin(), steps.front().shape.end());
  if (host::numElements(out.shape) > host::kMaxElements) {
    error = "a scan output would hold more than 2^31 values";
    return false;
  }
  for (const HostTensor &s : steps) {
    out.data.insert(out.data.end(), s.data.begin(), s.data.end());
    out.strings.insert(out.strings.end(), s.strings.begin(), s.strings.end());
  }
  return true;
}

bool runLoop(const ttb::HostOp &op, const std::vector<const HostTensor *> &args,
             const HostScope &outer, const std::atomic<bool> *cancel,
             std::vector<HostTensor> &outs, std::string &error) {
  std::string label = hostOpLabel(op);
  size_t carriedCount = args.size() - 2, scans = op.outputs()->size() - carriedCount;
  int64_t trips = std::numeric_limits<int64_t>::max();
  if (args[0] && !args[0]->data.empty())
    trips = saturatingInt64(args[0]->data[0]);
  bool go = !args[1] || args[1]->data.empty() || args[1]->data[0] != 0;
  std::vector<HostTensor> carried;
  for (size_t i = 0; i < carriedCount; ++i) {
    if (!args[2 + i]) {
      error = label + "loop-carried input " + std::to_string(i) + " is missing";
      return false;
    }
    carried.push_back(*args[2 + i]);
  }
  std::vector<std::vector<HostTensor>> steps(scans);
  const auto &bodyInputs = *op.body_inputs();
  const auto &bodyOutputs = *op.body_outputs();
  // Each iteration binds the body's inputs again and defines its values before reading them
  // (the loader checks the order), so one scope serves them all.
  HostScope scope = outer;
  for (int64_t i = 0; i < trips && go; ++i) {
    if (i == kMaxLoopIterations) {
      error = label + "runs more than " + std::to_string(kMaxLoopIterations) + " iterations";
      return false;
    }
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      error = "interrupted";
      return false;
    }
    HostTensor iteration{"", {}, {float(i)}}, condition{"", {}, {1.0f}};
    auto bind = [&](size_t k, const HostTensor *t) {
      if (bodyInputs.Get(k)->size())
        scope[bodyInputs.Get(k)->str()] = t;
    };
    bind(0, &iteration);
    bind(1, &condition);
    for (size_t k = 0; k < carriedCount; ++k)
      bind(2 + k, &carried[k]);
    std::deque<HostTensor> computed;
    if (!runHostOpList(*op.body(), scope, computed, cancel, error, nullptr))
      return false;
    auto result = [&](size_t k) { return scope.at(bodyOutputs.Get(k)->str()); };
    const HostTensor *cond = result(0);
    go = !cond->data.empty() && cond->data[0] != 0;
    std::vector<HostTensor> next;
    for (size_t k = 0; k < carriedCount; ++k)
      next.push_back(*result(1 + k));
    carried = std::move(next);
    for (size_t k = 0; k < scans; ++k)
      steps[k].push_back(*result(1 + carriedCount + k));
  }
  outs = std::move(carried);
  for (size_t k = 0; k < scans; ++k) {
    HostTensor out;
    if (!stack(steps[k], out, error)) {
      error = label + error;
      return false;
    }
    outs.push_back(std::move(out));
  }
  return true;
}

/// SequenceMap: the body once per element of the first input, on the elements at that place of
/// the sequence inputs (which must be as long) and the whole tensor inputs; each body output
/// becomes a sequence of what the iterations gave.
bool runSequenceMap(const ttb::HostOp &op, const std::vector<const HostTensor *> &args,
                    const HostScope &outer, const std::atomic<bool> *cancel,
                    std::vector<HostTensor> &outs, std::string &error) {
  std::string label = hostOpLabel(op);
  for (size_t j = 0; j < args.size(); ++j)
    if (!args[j] || (j == 0 && !args[j]->isSequence) ||
        (args[j]->isSequence && args[j]->elements.size() != args[0]->elements.size())) {
      error = label + "input " + std::to_string(j) +
              (!args[j] ? " is missing"
               : j == 0 ? " must be a sequence"
                        : " is a sequence of another length than the first");
      return false;
    }
  const auto &bodyInputs = *op.body_inputs();
  const auto &bodyOutputs = *op.body_outputs();
  outs.assign(bodyOutputs.size(), HostTensor());
  for (HostTensor &o : outs)
    o.isSequence = true;
  HostScope scope = outer;
  for (size_t i = 0; i < args[0]->elements.size(); ++i) {
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      error = "interrupted";
      return false;
    }
    for (size_t j = 0; j < args.size(); ++j)
      if (bodyInputs.Get(j)->size())
        scope[bodyInputs.Get(j)->str()] =
            args[j]->isSequence ? &args[j]->elements[i] : args[j];
    std::deque<HostTensor> computed;
    if (!runHostOpList(*op.body(), scope, computed, cancel, error, nullptr))
      return false;
    for (size_t k = 0; k < bodyOutputs.size(); ++k) {
      const HostTensor &value = *scope.at(bodyOutputs.Get(k)->str());
      if (value.isSequence || value.isOptional) {
        error = label + "its body gives a sequence or an optional, not a tensor";
        return false;
      }
      outs[k].elements.push_back(value);
      outs[k].elements.back().name.clear();
    }
  }
  return true;
}

/// An If with branches (inside a body): the branch its condition names, run in a scope of its
/// own; the other is never run, so that it may do what would fail on this condition (read an
/// optional that holds nothing).
bool runBranches(const ttb::HostOp &op, const std::vector<const HostTensor *> &args,
                 const HostScope &outer, const std::atomic<bool> *cancel,
                 std::vector<HostTensor> &outs, std::string &error) {
  const HostTensor *cond = args.empty() ? nullptr : args[0];
  if (!cond || cond->isSequence || cond->isOptional || cond->data.size() != 1) {
    error = hostOpLabel(op) + "the condition must be a tensor of one value";
    return false;
  }
  bool then = cond->data[0] != 0;
  HostScope scope = outer;
  std::deque<HostTensor> computed;
  if (!runHostOpList(then ? *op.body() : *op.else_body(), scope, computed, cancel, error,
                     nullptr))
    return false;
  for (const flatbuffers::String *name : then ? *op.body_outputs() : *op.else_outputs())
    outs.push_back(*scope.at(name->str()));
  return true;
}

} // namespace

bool runHostOpList(const flatbuffers::Vector<flatbuffers::Offset<ttb::HostOp>> &ops,
                   HostScope &values, std::deque<HostTensor> &computed,
                   const std::atomic<bool> *cancel, std::string &error,
                   const std::function<void(const ttb::HostOp &, double us)> &ran) {
  for (const ttb::HostOp *op : ops) {
    std::vector<const HostTensor *> args;
    if (op->inputs())
      for (const flatbuffers::String *name : *op->inputs()) {
        auto it = name->size() ? values.find(name->str()) : values.end();
        args.push_back(it == values.end() ? nullptr : it->second);
      }
    std::vector<HostTensor> outs;
    auto begin = std::chrono::steady_clock::now();
    std::string type = op->op() ? op->op()->str() : "";
    bool ok;
    if (type == "Loop")
      ok = runLoop(*op, args, values, cancel, outs, error);
    else if (type == "SequenceMap")
      ok = runSequenceMap(*op, args, values, cancel, outs, error);
    else if (type == "If" && op->body())
      ok = runBranches(*op, args, values, cancel, outs, error);
    else
      ok = runHostOp(*op, args, outs, error);
    if (!ok)
      return false;
    double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - begin)
                    .count();
    for (size_t o = 0; o < outs.size() && o < op->outputs()->size(); ++o) {
      const flatbuffers::String *name = op->outputs()->Get(o);
      if (!name->size())
        continue;
      outs[o].name = name->str();
      computed.push_back(std::move(outs[o]));
      values[name->str()] = &computed.back();
    }
    if (ran)
      ran(*op, us);
  }
  return true;
}

} // namespace tessel::rt
